/**
 * `sockact activate [--systemd-version N] [--now] UNIT.socket [-- COMMAND ARGS...]`: run a program the way
 * systemd would hand it its sockets. Accept=no: a small holder process keeps the listening fds (nobody in
 * sockact accepts or reads on them) and starts the program with them as fds 3, 4, … when the first
 * connection or datagram is queued (seen in /proc/net, see HOLDER), or at once with --now; Accept=yes:
 * sockact accepts and starts one program per connection with the connection as fd 3.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync, readlinkSync, statSync, unlinkSync } from 'node:fs';
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
  // stderr goes through here (copied on at once) so that a program that binds the port itself can be told so.
  const stdio = [m.stdinSocket ? 3 : 'inherit', m.stdoutSocket ? 3 : 'inherit', 'pipe', ...(m.passFds ? fds : [])];
  const child = spawn(m.file, m.args, { stdio, env: m.env, cwd: m.cwd, detached: true });
  child.on('error', (e) => process.send({ type: 'spawn-error', message: e.code || e.message }));
  let tail = '';
  let ended = false;
  child.stderr.on('data', (d) => { process.stderr.write(d); tail = (tail + d.toString('latin1')).slice(-8192); });
  child.stderr.on('error', () => {});
  child.stderr.on('end', () => { ended = true; });
  if (child.pid) {
    const pid = child.pid;
    kids.set(pid, child);
    process.send({ type: 'spawned', pid });
    // A program that runs but leaves work queued on its sockets for STUCK_MS (never accepts on fd 3).
    let since = 0;
    const stuck = m.watch ? setInterval(() => {
      const i = waiting(m.watch);
      if (i < 0) { since = 0; return; }
      if (!since) since = Date.now();
      else if (Date.now() - since >= m.stuckMs) { clearInterval(stuck); process.send({ type: 'stuck', pid, index: i }); }
    }, 250) : null;
    child.on('exit', (code, signal) => {
      if (stuck) clearInterval(stuck);
      kids.delete(pid);
      // Let the last output arrive (bounded: a grandchild may keep stderr open).
      const t0 = Date.now();
      const report = () => {
        if (!ended && Date.now() - t0 < 200) return void setTimeout(report, 10);
        const addrInUse = /EADDRINUSE|address already in use/i.test(tail);
        process.send({ type: 'exit', pid, code, signal, addrInUse, tail: addrInUse ? tail.slice(-2048) : undefined });
      };
      report();
    });
  }
});
// On-demand start: poll /proc/net for work waiting on our sockets without touching them. A LISTEN TCP
// socket's rx_queue is its accept-queue length; a UDP socket's is the bytes queued; a Unix stream
// connection not yet accepted shows as a line with the listener's path, state 02 (connecting), inode 0.
const fs = require('fs');
const inodes = [];
for (let i = 0; i < n; i++) {
  let ino = null;
  try { ino = (/^socket:\\[(\\d+)\\]$/.exec(fs.readlinkSync('/proc/self/fd/' + (3 + i))) || [])[1] || null; } catch {}
  inodes.push(ino);
}
function table(name) {
  try { return fs.readFileSync('/proc/net/' + name, 'utf8').split('\\n').slice(1); } catch { return []; }
}
function waiting(ports) {
  const want = new Set(ports.map((p) => p.kind));
  for (const [kind, names] of [['tcp', ['tcp', 'tcp6']], ['udp', ['udp', 'udp6']]]) {
    if (!want.has(kind)) continue;
    const ours = new Map();
    ports.forEach((p, i) => { if (p.kind === kind && inodes[i]) ours.set(inodes[i], i); });
    for (const name of names) {
      for (const line of table(name)) {
        const f = line.trim().split(/\\s+/);
        if (f.length < 10 || !ours.has(f[9])) continue;
        if (kind === 'tcp' && f[3] !== '0A') continue;
        if (parseInt((f[4] || '').split(':')[1] || '0', 16) > 0) return ours.get(f[9]);
      }
    }
  }
  if (want.has('unix')) {
    const paths = new Map();
    ports.forEach((p, i) => { if (p.kind === 'unix') paths.set(p.path, i); });
    for (const line of table('unix')) {
      const f = line.trim().split(/\\s+/);
      if (f.length < 8 || f[4] !== '0001' || f[5] !== '02' || f[6] !== '0') continue;
      // Node pads abstract names with NULs (shown as '@') to the full sun_path length.
      const path = f.slice(7).join(' ');
      const key = paths.has(path) ? path : path.startsWith('@') ? [...paths.keys()].find((q) => q.startsWith('@') && path.replace(/@+$/, '') === q.replace(/@+$/, '')) : undefined;
      if (key !== undefined) return paths.get(key);
    }
  }
  return -1;
}
let watcher = null;
process.on('message', (m) => {
  if (!m || m.type !== 'arm' || watcher) return;
  watcher = setInterval(() => {
    const i = waiting(m.ports);
    if (i < 0) return;
    clearInterval(watcher);
    watcher = null;
    process.send({ type: 'trigger', index: i });
  }, 20);
});
process.on('disconnect', () => {
  for (const pid of kids.keys()) { try { process.kill(-pid, 'SIGKILL'); } catch {} }
  process.exit(0);
});
`;

class UsageError extends ActivateError {}

/** How long work may wait on a socket while the program runs before sockact says it is not being taken. */
const STUCK_MS = 10_000;

const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];

function log(line: string): void {
  process.stderr.write(`sockact: ${line}\n`);
}

interface Options {
  systemdVersion?: string;
  /** Start the program at launch instead of at the first connection (systemd-socket-activate --now). */
  now: boolean;
  unit: string;
  command?: string[];
}

function parseArgs(args: string[]): Options {
  let systemdVersion: string | undefined;
  let unit: string | undefined;
  let command: string[] | undefined;
  let now = false;
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
    } else if (arg === '--now') {
      now = true;
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
  return { systemdVersion, unit, command, now };
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

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exited with code ${code}`;
}

/**
 * The program exited saying EADDRINUSE while sockact holds its sockets: it almost certainly binds the port
 * itself instead of using fd 3. One plain explanation and the few lines that fix it (as in examples/).
 */
export function explainSelfBind(bound: BoundSocket[], output: string): string[] {
  const withPort = bound.map((b, i) => ({ b, fd: 3 + i, port: /:(\d+)(?: \(udp\))?$/.exec(b.label)?.[1] })).filter((x) => x.port);
  const hit = withPort.find((x) => new RegExp(`[:\\s]${x.port}\\b`).test(output)) ?? withPort[0] ?? { b: bound[0], fd: 3, port: undefined };
  const what = hit.port ?? hit.b.label;
  const n = bound.length;
  return [
    `your program bound ${what} itself instead of taking fd ${hit.fd} from systemd: sockact (like systemd) already holds ${hit.b.label} for it, so the program's own bind fails with "address already in use".`,
    `to make it socket-activatable, use the socket it is handed when LISTEN_PID is its own pid (LISTEN_FDS=${n}, first fd is 3), and bind only otherwise:`,
    `  Node:   server.listen(process.env.LISTEN_PID === String(process.pid) ? { fd: 3 } : { port: ${hit.port ?? 8080} });`,
    `  Python: sock = socket.socket(fileno=3) if os.environ.get("LISTEN_PID") == str(os.getpid()) else socket.create_server(("", ${hit.port ?? 8080}))`,
    `  Go:     ln, err := net.FileListener(os.NewFile(3, "socket"))  // when os.Getenv("LISTEN_PID") == strconv.Itoa(os.Getpid()); else net.Listen("tcp", ":${hit.port ?? 8080}")`,
    `  (examples/node-http/server.mjs and examples/python-http/app.py in the sockact repository do exactly this)`,
  ];
}

/** True when the kernel shows this abstract socket's name with trailing NULs ('@'), as Node 20 binds it. */
function abstractNamePadded(fd: number): boolean {
  try {
    const ino = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
    const line = readFileSync('/proc/net/unix', 'utf8').split('\n').find((l) => l.trim().split(/\s+/)[6] === ino);
    return !!line && /@@$/.test(line.trimEnd());
  } catch {
    return false;
  }
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
  // Checked now: with on-demand start the program would otherwise fail only at the first connection.
  if (cwd !== undefined && !isDirectory(cwd)) throw new ActivateError(`cannot start ${command[0]}: ENOENT (WorkingDirectory=${cwd} is not a folder here)`);
  const stdinSocket = !!config.service?.stdinSocket;
  const stdoutSocket = !!config.service?.stdoutSocket;
  if ((stdinSocket || stdoutSocket) && !config.accept && config.ports.length !== 1) {
    throw new ActivateError('StandardInput=/StandardOutput=socket needs exactly one socket (or Accept=yes)');
  }

  // Everything from here to the holder's start runs without yielding to the event loop (see sockets.ts).
  const bound = await bindAll(config);
  for (const b of bound) if (b.port.address.kind === 'unix-abstract' && abstractNamePadded(b.fd)) {
    log(`warning: ${b.label}: Node binds abstract socket names padded with NULs to 108 bytes, so only clients that do the same (Node's net module) can connect; systemd binds the exact name`);
  }
  return config.accept ? runAccepting(config, bound, exe, command, cwd, stdinSocket, stdoutSocket) : runHolder(config, bound, exe, command, cwd, stdinSocket, stdoutSocket, options.now);
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

/** What the holder watches per fd for on-demand start; undefined when some fd can't be watched (a FIFO). */
function watchablePorts(bound: BoundSocket[]): Array<{ kind: 'tcp' | 'udp' | 'unix'; path?: string }> | undefined {
  const out: Array<{ kind: 'tcp' | 'udp' | 'unix'; path?: string }> = [];
  for (const b of bound) {
    const a = b.port.address;
    if ((a.kind === 'inet' || a.kind === 'inet6') && a.socketType === 'stream') out.push({ kind: 'tcp' });
    else if ((a.kind === 'inet' || a.kind === 'inet6') && a.socketType === 'dgram') out.push({ kind: 'udp' });
    else if ((a.kind === 'unix-path' || a.kind === 'unix-abstract') && a.socketType === 'stream') out.push({ kind: 'unix', path: a.path });
    else return undefined;
  }
  return out;
}

function runHolder(config: ActivateConfig, bound: BoundSocket[], exe: string, command: string[], cwd: string | undefined, stdinSocket: boolean, stdoutSocket: boolean, now: boolean): Promise<number> {
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
  // Like systemd: start at the first connection (or datagram), and after an exit wait for the next one.
  // A FIFO's contents can't be seen without reading them, so a unit with one starts (and restarts) at once.
  const watch = watchablePorts(bound);
  if (!watch && !now) log('starting the program now: sockact cannot tell when a FIFO has data without reading it');
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
      holder.send({ type: 'spawn', file, args, env: childEnv(config, listenEnv), cwd, stdinSocket, stdoutSocket, passFds: !viaStdio, watch: stuckNoted ? undefined : watch, stuckMs: STUCK_MS });
    };
    let explained = false;
    let stuckNoted = false;
    holder.on('message', (m: { type: string; pid?: number; code?: number | null; signal?: NodeJS.Signals | null; message?: string; addrInUse?: boolean; tail?: string; index?: number }) => {
      if (m.type === 'stuck' && m.pid && !stuckNoted && sup.pids.has(m.pid)) {
        stuckNoted = true;
        const b = bound[m.index ?? 0] ?? bound[0];
        const fd = 3 + bound.indexOf(b);
        log(`note: pid ${m.pid} has left ${b.port.address.socketType === 'dgram' ? 'datagrams' : 'connections'} waiting on ${b.label} for ${STUCK_MS / 1000} s without taking them: does it use fd ${fd} (LISTEN_FDS), or does it listen somewhere else or hang before accepting?`);
        return;
      }
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
        if (m.addrInUse && !explained && !viaStdio) {
          explained = true;
          for (const line of explainSelfBind(bound, m.tail ?? '')) log(line);
        }
        if (sup.stopping) return;
        if (watch) holder.send({ type: 'arm', ports: watch });
        else start();
      } else if (m.type === 'trigger') {
        if (!sup.stopping && sup.pids.size === 0) start();
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
    if (now || !watch) start();
    else {
      log('waiting for the first connection to start the program (--now starts it at once)');
      holder.send({ type: 'arm', ports: watch });
    }
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
