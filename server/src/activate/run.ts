/**
 * `sockact activate [--systemd-version N] UNIT.socket [-- COMMAND ARGS...]`: run a program the way systemd
 * would hand it its sockets. Accept=no: a small holder process keeps the listening fds (nobody in sockact
 * polls them) and starts the program with them as fds 3, 4, …; Accept=yes: sockact accepts and starts one
 * program per connection with the connection as fd 3.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync, unlinkSync } from 'node:fs';
import type * as net from 'node:net';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createFileResolver, decodeUnitBytes } from '../node/fileResolver';
import { resolveSystemdVersion } from '../node/systemdVersion';
import { createLanguageService } from '../service/languageService';
import { readActivateConfig, type ActivateConfig } from './config';
import { ActivateError, bindAll, releaseAll, type BoundSocket } from './sockets';

/** Sets LISTEN_PID to the exec'd program's own pid; all user data travels as positional arguments. */
const WRAPPER = 'LISTEN_PID=$$; export LISTEN_PID; exec "$0" "$@"';

/** Runs in the holder: keeps fds 3..3+n-1 without touching them, starts programs on request. */
const HOLDER = `
const { spawn } = require('child_process');
const n = Number(process.argv[1]);
const kids = new Map();
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
process.on('message', (m) => {
  if (!m || m.type !== 'spawn') return;
  const fds = [];
  for (let i = 0; i < n; i++) fds.push(3 + i);
  const stdio = [m.stdinSocket ? 3 : 'inherit', m.stdoutSocket ? 3 : 'inherit', 'inherit', ...(m.passFds ? fds : [])];
  const child = spawn(m.file, m.args, { stdio, env: m.env, cwd: m.cwd, detached: true });
  child.on('error', (e) => process.send({ type: 'spawn-error', message: e.code || e.message }));
  if (child.pid) {
    kids.set(child.pid, child);
    process.send({ type: 'spawned', pid: child.pid });
    child.on('exit', (code, signal) => { kids.delete(child.pid); process.send({ type: 'exit', pid: child.pid, code, signal }); });
  }
});
process.on('disconnect', () => {
  for (const pid of kids.keys()) { try { process.kill(-pid, 'SIGKILL'); } catch {} }
  process.exit(0);
});
`;

class UsageError extends ActivateError {}

const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];

function log(line: string): void {
  process.stderr.write(`sockact: ${line}\n`);
}

interface Options {
  systemdVersion?: string;
  unit: string;
  command?: string[];
}

function parseArgs(args: string[]): Options {
  let systemdVersion: string | undefined;
  let unit: string | undefined;
  let command: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      command = args.slice(i + 1);
      if (!command.length) throw new UsageError('nothing after --: give the program to run');
      break;
    } else if (arg === '--systemd-version' || arg.startsWith('--systemd-version=')) {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (!v || !/^\d+$/.test(v)) throw new UsageError(`--systemd-version wants a number such as 252, not '${v ?? ''}'`);
      systemdVersion = v;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (unit === undefined) {
      unit = arg;
    } else {
      throw new UsageError(`activate takes one .socket unit (got '${arg}' too); put the program after --`);
    }
  }
  if (!unit) throw new UsageError('no .socket unit given');
  if (!unit.endsWith('.socket')) throw new UsageError(`${unit} is not a .socket unit`);
  return { systemdVersion, unit, command };
}

function findExecutable(file: string, cwd: string | undefined): string | undefined {
  const candidates = file.includes('/') ? [isAbsolute(file) ? file : resolve(cwd ?? '.', file)] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, file));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch { /* next */ }
  }
  return undefined;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exited with code ${code}`;
}

function childEnv(config: ActivateConfig, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...config.service?.environment, ...extra };
  for (const k of ['LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES', 'LISTEN_PIDFDID', 'REMOTE_ADDR', 'REMOTE_PORT']) if (!(k in extra)) delete env[k];
  return env;
}

/** Returns the exit status (0 after a clean stop), or never resolves while running. */
export async function runActivate(args: string[]): Promise<number> {
  const options = parseArgs(args);
  let text: string;
  try {
    text = decodeUnitBytes(readFileSync(options.unit));
  } catch (e) {
    log(`${options.unit}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read'}`);
    return 2;
  }
  const service = createLanguageService({ resolver: createFileResolver() });
  const systemdVersion = resolveSystemdVersion(options.systemdVersion ?? 'auto', service.catalog.newestVersion);
  const document = TextDocument.create(pathToFileURL(resolve(options.unit)).href, 'systemd-unit-file', 1, text);
  const diagnostics = service.doValidation(document, service.parse(document), { systemdVersion });
  if (diagnostics.some((d) => (d.severity ?? 1) === 1)) {
    for (const d of diagnostics) {
      process.stdout.write(`${options.unit}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${SEVERITY[d.severity ?? 1]} ${String(d.code)} ${d.message}\n`);
    }
    log(`${options.unit}: systemd would refuse this unit; nothing was started`);
    return 1;
  }
  const config = readActivateConfig(options.unit, text, service.catalog, systemdVersion);
  for (const w of config.warnings) log(`warning: ${w}`);
  if (config.reusePort) log('warning: ReusePort=yes is not supported by sockact activate on Node 20; binding without SO_REUSEPORT');
  if (!config.accept && (config.keepAlive || config.noDelay)) log('warning: KeepAlive=/NoDelay= are applied only to accepted connections (Accept=yes) by sockact activate');
  const command = options.command ?? config.service?.command;
  if (!command) {
    throw new ActivateError(config.service?.path
      ? `${config.service.path} has no ExecStart=; give the program after --`
      : `no ${config.service?.name ?? 'service'} next to ${options.unit}; give the program after --`);
  }
  const cwd = config.service?.workingDirectory;
  const exe = findExecutable(command[0], cwd);
  if (!exe) throw new ActivateError(`program not found or not executable: ${command[0]}`);
  const stdinSocket = !!config.service?.stdinSocket;
  const stdoutSocket = !!config.service?.stdoutSocket;
  if ((stdinSocket || stdoutSocket) && !config.accept && config.ports.length !== 1) {
    throw new ActivateError('StandardInput=/StandardOutput=socket needs exactly one socket (or Accept=yes)');
  }

  // Everything from here to the holder's start runs without yielding to the event loop (see sockets.ts).
  const bound = await bindAll(config);
  return config.accept ? runAccepting(config, bound, exe, command, cwd, stdinSocket, stdoutSocket) : runHolder(config, bound, exe, command, cwd, stdinSocket, stdoutSocket);
}

interface Supervisor {
  pids: Set<number>;
  stopping: boolean;
}

function installStop(sup: Supervisor, cleanup: () => void, finish: (code: number) => void): (code: number) => void {
  const stop = (code: number) => {
    if (sup.stopping) return;
    sup.stopping = true;
    for (const pid of sup.pids) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch { /* gone */ }
    }
    const deadline = Date.now() + 2000;
    const wait = () => {
      if (sup.pids.size === 0 || Date.now() >= deadline) {
        for (const pid of sup.pids) {
          try {
            process.kill(-pid, 'SIGKILL');
            log(`pid ${pid} did not stop within 2 s; killed`);
          } catch { /* gone */ }
        }
        cleanup();
        finish(code);
        return;
      }
      setTimeout(wait, 25);
    };
    wait();
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  process.on('SIGHUP', () => stop(0));
  return stop;
}

function removeCreated(config: ActivateConfig, bound: BoundSocket[]): void {
  for (const b of bound) {
    if (!b.createdPath) continue;
    try {
      unlinkSync(b.createdPath);
    } catch { /* gone */ }
  }
  void config;
}

function runHolder(config: ActivateConfig, bound: BoundSocket[], exe: string, command: string[], cwd: string | undefined, stdinSocket: boolean, stdoutSocket: boolean): Promise<number> {
  const n = bound.length;
  let holder: ChildProcess;
  try {
    holder = spawn(process.execPath, ['-e', HOLDER, String(n)], { stdio: ['inherit', 'inherit', 'inherit', ...bound.map((b) => b.fd), 'ipc'] });
  } catch (e) {
    releaseAll(bound, true);
    throw new ActivateError(`cannot start the fd holder: ${(e as Error).message}`);
  }
  // The holder has its own copies now; close ours before the event loop could accept or read on them.
  releaseAll(bound, false);
  const names = bound.map(() => config.fdName ?? config.unitName);
  bound.forEach((b, i) => log(`listening on ${b.label} (fd ${3 + i}, ${names[i]})`));
  const viaStdio = stdinSocket || stdoutSocket;
  const listenEnv: Record<string, string> = viaStdio ? {} : { LISTEN_FDS: String(n), LISTEN_FDNAMES: names.join(':') };
  const sup: Supervisor = { pids: new Set(), stopping: false };
  const starts: number[] = [];
  return new Promise<number>((resolveRun) => {
    const finish = (code: number) => {
      if (holder.connected) holder.disconnect();
      resolveRun(code);
    };
    const stop = installStop(sup, () => removeCreated(config, bound), finish);
    const start = () => {
      const now = Date.now();
      while (starts.length && now - starts[0] > config.triggerIntervalMs) starts.shift();
      if (starts.length >= config.triggerBurst) {
        log(`trigger limit hit: the program exited ${starts.length} times in ${config.triggerIntervalMs / 1000}s; stopping`);
        stop(1);
        return;
      }
      starts.push(now);
      const file = viaStdio ? exe : '/bin/sh';
      const args = viaStdio ? command.slice(1) : ['-c', WRAPPER, exe, ...command.slice(1)];
      holder.send({ type: 'spawn', file, args, env: childEnv(config, listenEnv), cwd, stdinSocket, stdoutSocket, passFds: !viaStdio });
    };
    holder.on('message', (m: { type: string; pid?: number; code?: number | null; signal?: NodeJS.Signals | null; message?: string }) => {
      if (m.type === 'spawned' && m.pid) {
        sup.pids.add(m.pid);
        log(`started pid ${m.pid}: ${command.join(' ')}`);
        if (sup.stopping) {
          try {
            process.kill(-m.pid, 'SIGTERM');
          } catch { /* gone */ }
        }
      } else if (m.type === 'exit' && m.pid) {
        sup.pids.delete(m.pid);
        log(`pid ${m.pid} ${describeExit(m.code ?? null, m.signal ?? null)}`);
        if (!sup.stopping) start();
      } else if (m.type === 'spawn-error') {
        log(`cannot start ${command[0]}: ${m.message}`);
        stop(1);
      }
    });
    holder.on('exit', () => {
      if (!sup.stopping) {
        log('the fd holder exited unexpectedly; stopping');
        stop(1);
      }
    });
    start();
  });
}

function runAccepting(config: ActivateConfig, bound: BoundSocket[], exe: string, command: string[], cwd: string | undefined, stdinSocket: boolean, stdoutSocket: boolean): Promise<number> {
  const sup: Supervisor = { pids: new Set(), stopping: false };
  const perSource = new Map<string, number>();
  const starts: number[] = [];
  bound.forEach((b, i) => log(`listening on ${b.label} (fd ${3 + i}, ${config.unitName}, Accept=yes)`));
  return new Promise<number>((resolveRun) => {
    const stop = installStop(sup, () => {
      releaseAll(bound, false);
      removeCreated(config, bound);
    }, resolveRun);
    const onConnection = (conn: net.Socket) => {
      const rawAddr = conn.remoteAddress;
      const addr = rawAddr?.startsWith('::ffff:') && rawAddr.includes('.') ? rawAddr.slice(7) : rawAddr;
      const peer = addr === undefined ? 'a local peer' : `${addr.includes(':') ? `[${addr}]` : addr}:${conn.remotePort}`;
      if (sup.stopping) {
        conn.destroy();
        return;
      }
      if (sup.pids.size >= config.maxConnections) {
        log(`too many incoming connections (${sup.pids.size}), dropping connection from ${peer}`);
        conn.destroy();
        return;
      }
      const source = addr ?? 'local';
      if (config.maxConnectionsPerSource > 0 && (perSource.get(source) ?? 0) >= config.maxConnectionsPerSource) {
        log(`too many incoming connections (${perSource.get(source)}) from source ${source}, dropping connection`);
        conn.destroy();
        return;
      }
      const now = Date.now();
      while (starts.length && now - starts[0] > config.triggerIntervalMs) starts.shift();
      if (starts.length >= config.triggerBurst) {
        log(`trigger limit hit: ${starts.length} connections in ${config.triggerIntervalMs / 1000}s; stopping`);
        conn.destroy();
        stop(1);
        return;
      }
      starts.push(now);
      log(`connection from ${peer}`);
      if (config.keepAlive) conn.setKeepAlive(true);
      if (config.noDelay) conn.setNoDelay(true);
      const fd = (conn as unknown as { _handle?: { fd?: number } })._handle?.fd;
      if (typeof fd !== 'number' || fd < 0) {
        conn.destroy();
        return;
      }
      const viaStdio = stdinSocket || stdoutSocket;
      const extra: Record<string, string> = viaStdio ? {} : { LISTEN_FDS: '1', LISTEN_FDNAMES: 'connection' };
      if (addr !== undefined && conn.remotePort !== undefined) {
        extra.REMOTE_ADDR = addr;
        extra.REMOTE_PORT = String(conn.remotePort);
      }
      let child: ChildProcess;
      try {
        child = spawn(viaStdio ? exe : '/bin/sh', viaStdio ? command.slice(1) : ['-c', WRAPPER, exe, ...command.slice(1)], {
          stdio: [stdinSocket ? fd : 'inherit', stdoutSocket ? fd : 'inherit', 'inherit', ...(viaStdio ? [] : [fd])],
          env: childEnv(config, extra),
          cwd,
          detached: true,
        });
      } catch (e) {
        log(`cannot start ${command[0]}: ${(e as Error).message}`);
        conn.destroy();
        return;
      }
      // The child has its own copy of the connection; closing ours sends nothing to the peer.
      conn.destroy();
      child.on('error', (e) => log(`cannot start ${command[0]}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      const pid = child.pid;
      if (pid === undefined) return;
      sup.pids.add(pid);
      perSource.set(source, (perSource.get(source) ?? 0) + 1);
      log(`started pid ${pid}: ${command.join(' ')}`);
      child.on('exit', (code, signal) => {
        sup.pids.delete(pid);
        const left = (perSource.get(source) ?? 1) - 1;
        if (left > 0) perSource.set(source, left);
        else perSource.delete(source);
        log(`pid ${pid} ${describeExit(code, signal)}`);
      });
    };
    for (const b of bound) {
      if (!b.server) {
        stop(1);
        return;
      }
      b.server.on('connection', onConnection);
      b.server.on('error', (e) => log(`${b.label}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
    }
  });
}

export { ActivateError, UsageError as ActivateUsageError };
