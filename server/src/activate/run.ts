/**
 * `sockact activate [--systemd-version N] [--now] [--print-command] [--watch[=PATH]]... [--build PROGRAM [--build-arg ARG]...] UNIT.socket [-- COMMAND ARGS...]`: run a program the way
 * systemd would hand it its sockets. The sockets are opened as systemd opens them (sockets.ts) and only
 * poll()ed here, never accepted or read on the program's behalf. Accept=no: the program starts with them as
 * fds 3, 4, … when the first connection, datagram or write is waiting (or at once with --now), and again
 * after it exits; Accept=yes: sockact accepts and starts one program per connection with it as fd 3.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { decodeUnitBytes } from '../node/fileResolver';
import { WorkspaceIndex } from '../node/workspaceIndex';
import { resolveSystemdVersion } from '../node/systemdVersion';
import { createLanguageService } from '../service/languageService';
import { readActivateConfig, type ActivateConfig } from './config';
import { ipv6WrapNote } from './ipv6Note';
import { dieWithParent, orphanNote } from './orphans';
import { isDirectory } from './paths';
import * as libc from './libc';
import { formatInterval, RateLimit, startLimitMessage, triggerLimitMessage } from './limits';
import { shallRestart } from './restart';
import { resolveRoots, runBuild, stopTimeout, TreeWatcher, type WatchOptions } from './watch';
import { ActivateError, applySocketOptions, openAll, releaseAll, type BoundSocket } from './sockets';

/** Sets LISTEN_PID to the exec'd program's own pid; all user data travels as positional arguments. */
const WRAPPER = 'LISTEN_PID=$$; export LISTEN_PID; exec "$0" "$@"';

/**
 * The same, started ahead of time: it waits for one line on fd `gate` (or its end: sockact is gone), closes
 * it and execs. Accept=no arms one while it waits for the first connection, so the start then costs one
 * write instead of a fork and a shell (systemd-socket-activate, the reference, execs in its own process).
 */
const gatedWrapper = (gate: number) => `read -r _ <&${gate} || exit 0; exec ${gate}<&-; ${WRAPPER}`;

class UsageError extends ActivateError {}

/** How long work may wait on a socket while the program runs before sockact says it is not being taken. */
const STUCK_MS = 10_000;

const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];

function log(line: string): void {
  process.stderr.write(`sockact: ${line}\n`);
}

interface Options {
  systemdVersion?: string;
  /** --watch / --watch=PATH and --build (watch.ts). */
  watch?: WatchOptions;
  /** Start the program at launch instead of at the first connection (systemd-socket-activate --now). */
  now: boolean;
  unit: string;
  command?: string[];
  /** Print what would run ({"exe","command","cwd"} as JSON) and exit, opening nothing (editors use it). */
  printCommand: boolean;
}

function parseArgs(args: string[]): Options {
  let systemdVersion: string | undefined;
  let unit: string | undefined;
  let command: string[] | undefined;
  let now = false;
  let printCommand = false;
  let watch: WatchOptions | undefined;
  const buildArgs: string[] = [];
  let build: string | undefined;
  // An option's value is either after '=' or the next word, taken as it is (it may start with '-').
  const value = (arg: string, i: number): [string | undefined, number] => (arg.includes('=') ? [arg.slice(arg.indexOf('=') + 1), i] : [args[i + 1], i + 1]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--watch' || arg.startsWith('--watch=')) {
      watch ??= { paths: [], defaultTree: false };
      if (arg === '--watch') watch.defaultTree = true;
      else if (arg === '--watch=') throw new UsageError('--watch= wants a file or folder (or no = for the default tree)');
      else watch.paths.push(arg.slice('--watch='.length));
    } else if (arg === '--build-arg' || arg.startsWith('--build-arg=')) {
      const [v, next] = value(arg, i);
      if (v === undefined) throw new UsageError('--build-arg wants an argument');
      buildArgs.push(v);
      i = next;
    } else if (arg === '--build' || arg.startsWith('--build=')) {
      const [v, next] = value(arg, i);
      if (!v) throw new UsageError('--build wants the build program (its arguments go in --build-arg, one each)');
      if (build !== undefined) throw new UsageError('one --build only; give its arguments with --build-arg, one each');
      build = v;
      i = next;
    } else if (arg === '--') {
      command = args.slice(i + 1);
      if (!command.length) throw new UsageError('nothing after --: give the program to run');
      break;
    } else if (arg === '--systemd-version' || arg.startsWith('--systemd-version=')) {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (!v || !/^\d+$/.test(v)) throw new UsageError(`--systemd-version wants a number such as 252, not '${v ?? ''}'`);
      systemdVersion = v;
    } else if (arg === '--now') {
      now = true;
    } else if (arg === '--print-command') {
      printCommand = true;
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
  if (buildArgs.length && build === undefined) throw new UsageError('--build-arg without --build');
  if (build !== undefined) {
    if (!watch) throw new UsageError('--build runs before each restart of --watch; give --watch too');
    watch.build = [build, ...buildArgs];
  }
  return { systemdVersion, unit, command, now, watch, printCommand };
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

/**
 * What a service sees is not the shell it was started from: systemd builds a small environment of its own.
 * Like systemd-socket-activate, only PATH, TERM, USER and HOME come from the caller (so a program that only
 * works because of something exported in your shell fails here as it would under systemd), then the
 * service's Environment=/EnvironmentFile=, then LISTEN_* and REMOTE_*.
 */
const INHERITED_ENV = ['PATH', 'TERM', 'USER', 'HOME'];

export function childEnv(config: ActivateConfig, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of INHERITED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, ...config.service?.environment, ...extra };
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
  // The same reading as `sockact lint`: the unit with its drop-ins and partners (the workspace index).
  const service = createLanguageService({ index: new WorkspaceIndex([], { snapshot: true }) });
  const systemdVersion = resolveSystemdVersion(options.systemdVersion ?? 'auto', service.catalog.newestVersion);
  const document = TextDocument.create(pathToFileURL(resolve(options.unit)).href, 'systemd-unit-file', 1, text);
  const diagnostics = service.doValidation(document, service.parse(document), { systemdVersion });
  // A program given after -- stands in for the service, so what systemd would say about the service file
  // (missing, not a template, refused) does not stop the run.
  const aboutService = new Set(['missing-service', 'accept-needs-template', 'paired-service-refused']);
  const blocking = (d: (typeof diagnostics)[number]) => (d.severity ?? 1) === 1 && !(options.command && aboutService.has(String(d.code)));
  if (diagnostics.some(blocking)) {
    for (const d of diagnostics) {
      process.stdout.write(`${options.unit}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${SEVERITY[d.severity ?? 1]} ${String(d.code)} ${d.message}\n`);
    }
    log(`${options.unit}: systemd would refuse this unit; nothing was started`);
    return 1;
  }
  if (options.command && diagnostics.some((d) => d.code === 'missing-service')) {
    log(`note: there is no service file for ${options.unit} (systemd would refuse to start it); running the program given after -- instead`);
  }
  const config = readActivateConfig(options.unit, text, service.catalog, systemdVersion);
  for (const w of config.warnings) log(`warning: ${w}`);
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
  if (options.printCommand) {
    // The program as sockact would start it, after the same checks: the debugger inserts its flags here.
    process.stdout.write(`${JSON.stringify({ exe, command, cwd: cwd ?? null })}\n`);
    return 0;
  }
  const stdinSocket = !!config.service?.stdinSocket;
  const stdoutSocket = !!config.service?.stdoutSocket;
  if ((stdinSocket || stdoutSocket) && !config.accept && config.ports.length !== 1) {
    throw new ActivateError('StandardInput=/StandardOutput=socket needs exactly one socket (or Accept=yes)');
  }

  const watching = options.watch ? watchSetup(options.watch, command, exe, cwd, config.service?.timeoutStopMs) : undefined;
  const bound = openAll(config, (line) => log(`warning: ${line}`));
  const noOrphans = orphanNote();
  if (noOrphans) log(noOrphans);
  const launch: Launch = { config, bound, exe, command, cwd, stdinSocket, stdoutSocket, watch: watching };
  return config.accept ? runAccepting(launch) : runOnDemand(launch, options.now);
}

interface Launch {
  config: ActivateConfig;
  bound: BoundSocket[];
  exe: string;
  command: string[];
  cwd: string | undefined;
  stdinSocket: boolean;
  stdoutSocket: boolean;
  watch?: WatchSetup;
}

interface WatchSetup {
  roots: string[];
  /** The build step with its program resolved, or undefined. */
  build?: string[];
  /** How long a replaced program gets between SIGTERM and SIGKILL (Infinity: no SIGKILL). */
  stopMs: number;
}

/** Checked before any socket is opened: what to watch exists, and so does the build program. */
function watchSetup(w: WatchOptions, command: string[], exe: string, cwd: string | undefined, timeoutStopMs: number | undefined): WatchSetup {
  let roots: string[];
  try {
    roots = resolveRoots(w, command, exe, cwd);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let build: string[] | undefined;
  if (w.build) {
    const program = findExecutable(w.build[0], cwd);
    if (!program) throw new ActivateError(`--build: program not found or not executable: ${w.build[0]}`);
    build = [program, ...w.build.slice(1)];
  }
  return { roots, build, stopMs: stopTimeout(timeoutStopMs) };
}

/** Starts the watcher for a run (nothing without --watch); closed when the run stops. */
function startWatching(l: Launch, changed: (path: string) => void): TreeWatcher | undefined {
  if (!l.watch) return undefined;
  const w = new TreeWatcher(l.watch.roots, changed, log);
  const where = l.watch.roots.map(shown).join(', ');
  log(`watching ${where} (${w.folders} folder${w.folders === 1 ? '' : 's'})${l.watch.build ? `; building with ${l.watch.build.join(' ')} before each restart` : ''}`);
  return w;
}

/** Runs the build (if any) for a change; true when the program may be replaced. */
async function buildFor(l: Launch, what: string, keeping: string): Promise<boolean> {
  if (!l.watch?.build) return true;
  log(`${what} changed: building`);
  const why = await runBuild(l.watch.build, l.cwd);
  if (why) log(`build failed: ${why}; ${keeping}`);
  return !why;
}

/** A path as the user sees it: relative when under the current folder, else absolute. */
function shown(path: string): string {
  const r = relative('.', path);
  return r === '' ? '.' : r.startsWith('..') || isAbsolute(r) ? path : r;
}

interface Supervisor {
  pids: Set<number>;
  stopping: boolean;
  /** Run once when the stop begins (the watcher is closed there). */
  onStop?: () => void;
}

/**
 * Stop / Ctrl-C: wake the pending poll() (so it sees `stopping`), SIGTERM to each program's process group,
 * SIGKILL after 2 s, then close the sockets, remove the files this run created, and `finish`.
 */
function installStop(sup: Supervisor, bound: BoundSocket[], wake: ReturnType<typeof libc.wakePipe>, finish: (code: number) => void): (code: number) => void {
  const cleanup = () => {
    releaseAll(bound, true);
    wake.close();
  };
  const stop = (code: number) => {
    if (sup.stopping) return;
    sup.stopping = true;
    sup.onStop?.();
    wake.wake();
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

function limitOf(l: { intervalMs: number; burst: number }): RateLimit {
  return new RateLimit(l.intervalMs, l.burst);
}

/** The IPv6-wrapped-as-IPv4 note (ipv6Note.ts), said at most once per run. */
function ipv6Noter(l: Launch, fdOf: (i: number) => number): () => void {
  let done = l.stdinSocket || l.stdoutSocket;
  return () => {
    if (done) return;
    done = true;
    const note = ipv6WrapNote(l.bound, l.exe, l.command.slice(1), l.cwd, fdOf);
    if (note) log(note);
  };
}

interface Started {
  child: ChildProcess;
  /** The last 8 KiB the program wrote to stderr (Accept=no only: to recognise EADDRINUSE). */
  tail(): string;
  /** Resolves when stderr is drained (bounded: a grandchild may keep it open). */
  drained(): Promise<void>;
  /** For a gated start: lets the waiting wrapper exec the program; false when it is gone. */
  release(): boolean;
}

/**
 * fork+exec through /bin/sh so that LISTEN_PID is the program's own pid. `fds` become 3, 4, … in this
 * order; with StandardInput=/StandardOutput=socket the single socket is stdin/stdout instead and no LISTEN_*
 * is set. Each program gets its own process group, so a stop reaches everything it started.
 */
function startProgram(l: Launch, fds: number[], env: Record<string, string>, captureStderr: boolean, gated = false): Started {
  const viaStdio = l.stdinSocket || l.stdoutSocket;
  const passed = viaStdio ? [] : fds;
  const gate = gated && !viaStdio ? 3 + passed.length : undefined;
  const stdio: StdioOptions = [l.stdinSocket ? fds[0] : 'inherit', l.stdoutSocket ? fds[0] : 'inherit', captureStderr ? 'pipe' : 'inherit', ...passed, ...(gate ? ['pipe' as const] : [])];
  const script = gate ? gatedWrapper(gate) : WRAPPER;
  // The program dies with sockact, even when sockact is SIGKILLed (orphans.ts).
  const argv = dieWithParent(viaStdio ? l.exe : '/bin/sh', viaStdio ? l.command.slice(1) : ['-c', script, l.exe, ...l.command.slice(1)]);
  const child = spawn(argv.file, argv.args, {
    stdio,
    // With the socket as stdin/stdout there are no LISTEN_* (n_fds becomes 0), but REMOTE_* stay.
    env: childEnv(l.config, viaStdio ? Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('LISTEN_'))) : env),
    cwd: l.cwd,
    detached: true,
  });
  let tail = '';
  let ended = !captureStderr;
  if (child.stderr) {
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      tail = (tail + d.toString('latin1')).slice(-8192);
    });
    child.stderr.on('error', () => {});
    child.stderr.on('end', () => (ended = true));
  }
  const drained = async () => {
    const t0 = Date.now();
    while (!ended && Date.now() - t0 < 200) await new Promise((r) => setTimeout(r, 10));
  };
  const gatePipe = gate ? (child.stdio[gate] as NodeJS.WritableStream & { destroyed?: boolean } | null) : null;
  gatePipe?.on('error', () => {});
  const release = () => {
    if (!gatePipe) return true;
    if (gatePipe.destroyed || child.exitCode !== null || child.signalCode !== null) return false;
    gatePipe.end('go\n');
    return true;
  };
  return { child, tail: () => tail, drained, release };
}

function runOnDemand(l: Launch, now: boolean): Promise<number> {
  const { config, bound } = l;
  const n = bound.length;
  const names = bound.map(() => config.fdName ?? config.unitName);
  bound.forEach((b, i) => log(`listening on ${b.label} (fd ${3 + i}, ${names[i]})`));
  const fds = bound.map((b) => b.fd);
  const listenEnv = { LISTEN_FDS: String(n), LISTEN_FDNAMES: names.join(':') };
  const sup: Supervisor = { pids: new Set(), stopping: false };
  const triggers = limitOf(config.triggerLimit);
  const service = l.config.service!;
  const starts = limitOf(service.startLimit);
  const noteIpv6 = ipv6Noter(l, (i) => 3 + i);
  const wake = libc.wakePipe();
  let explained = false;
  let stuckNoted = false;
  /** The program now running (Accept=no runs one at a time). */
  let running: number | undefined;
  /** --watch: the program being replaced, and what to do once its successor has started. */
  let replacing: { pid: number; killTimer?: NodeJS.Timeout; done: () => void } | undefined;
  /** --watch: a build in progress; a connection waits for it, so it gets the program being built. */
  let building: Promise<boolean> | undefined;
  /** --watch: a limit was hit; the sockets stay open and the next change starts afresh. */
  let halted = false;
  return new Promise<number>((resolveRun) => {
    const stop = installStop(sup, bound, wake, resolveRun);
    // A limit hit ends the run, except under --watch, where the fix is one save away.
    const limitHit = (line: string) => {
      if (l.watch) {
        log(`${line}; under --watch the sockets stay open and the next change starts it again`);
        halted = true;
      } else {
        log(line);
        stop(1);
      }
    };

    // The next start, armed while sockact waits: a wrapper that holds the fds and execs on release.
    let armed: { run: Started; early: () => void } | undefined;
    const spawnProgram = (gated: boolean): Started | undefined => {
      try {
        return startProgram(l, fds, listenEnv, true, gated);
      } catch (e) {
        log(`cannot start ${l.command[0]}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        stop(1);
        return undefined;
      }
    };
    const arm = () => {
      const run = spawnProgram(true);
      const pid = run?.child.pid;
      if (!run || pid === undefined) return;
      sup.pids.add(pid);
      // Gone before it was released (killed from outside): the next start spawns afresh.
      const early = () => {
        sup.pids.delete(pid);
        if (armed?.run === run) armed = undefined;
      };
      armed = { run, early };
      run.child.once('exit', early);
      run.child.on('error', () => {});
    };

    // Like systemd: wait until a connection, datagram or write is queued on any socket (poll(), which
    // neither accepts nor reads), start the program, and after it exits wait again.
    const waitForWork = async () => {
      // A --watch restart may have armed one already.
      if (!armed) arm();
      for (;;) {
        const ready = await libc.pollReadable([...fds, wake.readFd], -1);
        if (sup.stopping) return;
        wake.drain();
        if (ready.some((fd) => fds.includes(fd))) {
          if (building) await building;
          return start('trigger');
        }
      }
    };

    // A start the socket asks for counts against its trigger limit; every start (also --now and
    // Restart=) against the service's start limit. Either one hit fails the socket: stop, exit 1.
    // A --watch restart counts against neither (README: systemctl restart would, but saving a file six
    // times in ten seconds is a normal development loop, not a crash loop).
    const start = (by: 'trigger' | 'now' | 'restart' | 'watch') => {
      if (sup.stopping || halted) return;
      if (by === 'trigger' && !triggers.below()) {
        const n = config.triggerLimit.burst;
        return limitHit(triggerLimitMessage(config.triggerLimit, `the socket started the program ${n} time${n === 1 ? '' : 's'}`, config.unitName));
      }
      if (by !== 'watch' && !starts.below()) return limitHit(startLimitMessage(service.startLimit, service.name, config.unitName));
      noteIpv6();
      let run: Started | undefined;
      if (armed?.run.release()) {
        run = armed.run;
        run.child.off('exit', armed.early);
      } else {
        run = spawnProgram(false);
      }
      armed = undefined;
      if (!run) return;
      const started = run;
      const { child } = started;
      child.on('error', (e: NodeJS.ErrnoException) => {
        log(`cannot start ${l.command[0]}: ${e.code ?? e.message}`);
        stop(1);
      });
      const pid = child.pid;
      if (pid === undefined) return;
      sup.pids.add(pid);
      running = pid;
      log(`started pid ${pid}: ${l.command.join(' ')}`);
      const stuck = stuckNoted ? undefined : watchStuck(bound, pid, () => (stuckNoted = true));
      child.on('exit', async (code, signal) => {
        if (stuck) clearInterval(stuck);
        // Replaced by --watch: the next program starts at once, on the same sockets (it was running).
        if (replacing?.pid === pid) {
          const r = replacing;
          replacing = undefined;
          clearTimeout(r.killTimer);
          sup.pids.delete(pid);
          running = undefined;
          log(`pid ${pid} ${describeExit(code, signal)}`);
          start('watch');
          r.done();
          void started.drained();
          return;
        }
        await started.drained();
        sup.pids.delete(pid);
        if (running === pid) running = undefined;
        log(`pid ${pid} ${describeExit(code, signal)}`);
        if (!explained && !l.stdinSocket && !l.stdoutSocket && /EADDRINUSE|address already in use/i.test(started.tail())) {
          explained = true;
          for (const line of explainSelfBind(bound, started.tail().slice(-2048))) log(line);
        }
        if (sup.stopping) return;
        // Restart= restarts it after RestartSec= without waiting for a connection (restart.ts).
        if (shallRestart(service.restart, code, signal)) {
          log(`Restart=${service.restart.restart}: starting it again in ${formatInterval(service.restart.delayMs)}`);
          setTimeout(() => start('restart'), service.restart.delayMs);
        } else void waitForWork();
      });
    };

    /** One change (a burst of events): build, then replace the running program or leave it to the next start. */
    const replace = async (path: string) => {
      const what = shown(path);
      const ok = await (building = buildFor(l, what, running !== undefined ? `pid ${running} keeps running` : 'the next connection starts the program as it was'));
      building = undefined;
      if (!ok || sup.stopping) return;
      if (halted) {
        halted = false;
        triggers.reset();
        starts.reset();
        log(`${what} changed: the limits are reset; waiting for the next connection`);
        return void waitForWork();
      }
      if (running === undefined) {
        log(`${what} changed: the next connection starts the new program`);
        return;
      }
      const pid = running;
      const stopMs = l.watch!.stopMs;
      log(`${what} changed: restarting pid ${pid} (SIGTERM${stopMs === Infinity ? '' : `, SIGKILL after ${formatInterval(stopMs)}`})`);
      // The successor is forked now and waits at its gate, so the switch costs one write.
      if (!armed) arm();
      await new Promise<void>((done) => {
        replacing = { pid, done };
        if (stopMs !== Infinity) {
          replacing.killTimer = setTimeout(() => {
            log(`pid ${pid} did not stop within ${formatInterval(stopMs)} (TimeoutStopSec=); killed`);
            signalGroup(pid, 'SIGKILL');
          }, stopMs);
        }
        signalGroup(pid, 'SIGTERM');
      });
    };
    const watcher = startWatching(l, serialized(replace));
    sup.onStop = () => watcher?.close();

    if (now) start('now');
    else {
      log('waiting for the first connection to start the program (--now starts it at once)');
      void waitForWork();
    }
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch { /* gone already */ }
}

/**
 * One change at a time: a change that comes while the last one is still being handled (a build, a program
 * stopping) is handled once after it, with the newest path.
 */
function serialized(handle: (path: string) => Promise<void>): (path: string) => void {
  let busy = false;
  let next: string | undefined;
  const run = async (path: string) => {
    busy = true;
    try {
      for (let p: string | undefined = path; p !== undefined; p = next, next = undefined) await handle(p);
    } finally {
      busy = false;
    }
  };
  return (path) => {
    if (busy) next = path;
    else void run(path);
  };
}

/**
 * While the program runs, work that stays queued on one of its sockets for STUCK_MS means it does not take
 * them (it listens somewhere else, or hangs before accepting): one note, once per run of sockact.
 */
function watchStuck(bound: BoundSocket[], pid: number, noted: () => void): NodeJS.Timeout {
  let since = 0;
  const timer: NodeJS.Timeout = setInterval(() => {
    const ready = libc.readableNow(bound.map((b) => b.fd));
    if (!ready.length) {
      since = 0;
      return;
    }
    if (!since) since = Date.now();
    else if (Date.now() - since >= STUCK_MS) {
      clearInterval(timer);
      noted();
      const i = bound.findIndex((b) => b.fd === ready[0]);
      const b = bound[i];
      const what = b.port.address.socketType === 'dgram' ? 'datagrams' : b.port.address.kind === 'fifo' ? 'data' : 'connections';
      log(`note: pid ${pid} has left ${what} waiting on ${b.label} for ${STUCK_MS / 1000} s without taking them: does it use fd ${3 + i} (LISTEN_FDS), or does it listen somewhere else or hang before accepting?`);
    }
  }, 250);
  timer.unref();
  return timer;
}

/** An Accept=yes instance's name as systemd builds it, with the addresses left out: foo@3-….service. */
function instanceName(template: string, n: number): string {
  return template.includes('@.') ? template.replace('@.', `@${n}-….`) : template;
}

function runAccepting(l: Launch): Promise<number> {
  const { config, bound } = l;
  const sup: Supervisor = { pids: new Set(), stopping: false };
  const perSource = new Map<string, number>();
  const triggers = limitOf(config.triggerLimit);
  const noteIpv6 = ipv6Noter(l, () => 3);
  let accepted = 0;
  /** Instances that still have their connection (n_connections: restarted ones do not). */
  let connections = 0;
  const service = config.service!;
  /** What to undo when an instance's first program exits (its connection and per-source counts). */
  const exited = new Map<number, () => void>();
  const wake = libc.wakePipe();
  const warned = new Set<string>();
  // Per-connection option failures repeat for every connection; say each once.
  const warnOnce = (line: string) => {
    if (!warned.has(line)) log(`warning: ${line}`);
    warned.add(line);
  };
  bound.forEach((b, i) => log(`listening on ${b.label} (fd ${3 + i}, ${config.unitName}, Accept=yes)`));
  /** --watch: a build in progress; connections wait in the backlog until it is done. */
  let building: Promise<boolean> | undefined;
  return new Promise<number>((resolveRun) => {
    const stop = installStop(sup, bound, wake, resolveRun);
    // Every connection starts the program afresh, so a change needs no restart: the open connections
    // finish with the program they have, the next ones get the new one (after the build, if any).
    const replace = async (path: string) => {
      const what = shown(path);
      const ok = await (building = buildFor(l, what, 'new connections get the program as it was'));
      building = undefined;
      if (!ok || sup.stopping) return;
      const open = sup.pids.size;
      log(`${what} changed: new connections get the new program${open ? `; ${open} open one${open === 1 ? '' : 's'} finish${open === 1 ? 'es' : ''} with the old` : ''}`);
    };
    const watcher = startWatching(l, serialized(replace));
    sup.onStop = () => watcher?.close();

    const onConnection = (b: BoundSocket, conn: libc.Accepted) => {
      const peer = libc.describePeer(conn.peer);
      const who = peer.addr !== undefined ? `${peer.addr.includes(':') ? `[${peer.addr}]` : peer.addr}:${peer.port}` : peer.path ?? 'a local peer';
      const drop = (why: string) => {
        log(why);
        libc.close(conn.fd);
      };
      if (sup.stopping) return drop(`stopping: dropping connection from ${who}`);
      // Counted before MaxConnections= (socket_enter_running()): a dropped connection is a trigger too.
      if (!triggers.below()) {
        drop(triggerLimitMessage(config.triggerLimit, `${config.triggerLimit.burst} connections`, config.unitName));
        stop(1);
        return;
      }
      if (connections >= config.maxConnections) return drop(`too many incoming connections (${connections}), dropping connection from ${who}`);
      const source = peer.addr ?? 'local';
      if (config.maxConnectionsPerSource > 0 && (perSource.get(source) ?? 0) >= config.maxConnectionsPerSource) {
        return drop(`too many incoming connections (${perSource.get(source)}) from source ${source}, dropping connection`);
      }
      log(`connection from ${who}`);
      const family = b.port.address.kind === 'inet6' ? libc.AF_INET6 : b.port.address.kind === 'inet' ? libc.AF_INET : libc.AF_UNIX;
      applySocketOptions(config, conn.fd, family, b.port.address.socketType === 'seqpacket' ? libc.SOCK_SEQPACKET : libc.SOCK_STREAM, warnOnce);
      libc.setNonBlocking(conn.fd, !!config.service?.nonBlocking);
      // PID 1 sets these from getpeername() (service.c): address and port for IP, the path for a bound Unix peer.
      const env: Record<string, string> = { LISTEN_FDS: '1', LISTEN_FDNAMES: 'connection' };
      if (peer.addr !== undefined) {
        env.REMOTE_ADDR = peer.addr;
        env.REMOTE_PORT = String(peer.port);
      } else if (peer.path) {
        env.REMOTE_ADDR = peer.path;
      }
      noteIpv6();
      const instance = instanceName(service.name, accepted++);
      // Each instance is a unit of its own with a fresh start limit; this start is its first.
      const limit = limitOf(service.startLimit);
      limit.below();
      const pid = spawnInstance(instance, limit, [conn.fd], env);
      // The program has its own copy of the connection; closing ours sends nothing to the peer.
      libc.close(conn.fd);
      if (pid === undefined) return;
      connections++;
      perSource.set(source, (perSource.get(source) ?? 0) + 1);
      exited.set(pid, () => {
        connections--;
        const left = (perSource.get(source) ?? 1) - 1;
        if (left > 0) perSource.set(source, left);
        else perSource.delete(source);
      });
    };

    /** Starts one instance's program; returns its pid (undefined when it could not be started). */
    const spawnInstance = (instance: string, limit: RateLimit, fds: number[], env: Record<string, string>): number | undefined => {
      let run: Started;
      try {
        run = startProgram(l, fds, env, false);
      } catch (e) {
        log(`cannot start ${l.command[0]}: ${(e as Error).message}`);
        return undefined;
      }
      const { child } = run;
      child.on('error', (e: NodeJS.ErrnoException) => log(`cannot start ${l.command[0]}: ${e.code ?? e.message}`));
      const pid = child.pid;
      if (pid === undefined) return undefined;
      sup.pids.add(pid);
      log(`started pid ${pid}: ${l.command.join(' ')}`);
      child.on('exit', (code, signal) => {
        sup.pids.delete(pid);
        exited.get(pid)?.();
        exited.delete(pid);
        log(`pid ${pid} ${describeExit(code, signal)}`);
        if (!sup.stopping && shallRestart(service.restart, code, signal)) restartInstance(instance, limit);
      });
      return pid;
    };

    /**
     * Restart= on an Accept=yes instance: systemd closed the connection when the program exited, and the
     * instance starts again RestartSec= later with the socket's listening fds instead, named as with
     * Accept=no and without REMOTE_* (observed with systemd 252), until its own start limit; the socket
     * goes on listening whatever the instance does.
     */
    const restartInstance = (instance: string, limit: RateLimit) => {
      log(`Restart=${service.restart.restart}: starting ${instance} again in ${formatInterval(service.restart.delayMs)}, with the listening sockets instead of its connection (systemd closed it)`);
      setTimeout(() => {
        if (sup.stopping) return;
        if (!limit.below()) {
          log(startLimitMessage(service.startLimit, instance, config.unitName, true));
          return;
        }
        if ((l.stdinSocket || l.stdoutSocket) && bound.length !== 1) {
          // systemd refuses to spawn it: StandardInput=/StandardOutput=socket wants exactly one socket.
          log(`cannot start ${instance} again: StandardInput=/StandardOutput=socket needs exactly one socket, and ${config.unitName} has ${bound.length}`);
          if (shallRestart(service.restart, 1, null)) restartInstance(instance, limit);
          return;
        }
        const name = config.fdName ?? config.unitName;
        spawnInstance(instance, limit, bound.map((b) => b.fd), { LISTEN_FDS: String(bound.length), LISTEN_FDNAMES: bound.map(() => name).join(':') });
      }, service.restart.delayMs);
    };

    const acceptLoop = async () => {
      const fds = bound.map((b) => b.fd);
      while (!sup.stopping) {
        const ready = await libc.pollReadable([...fds, wake.readFd], -1);
        if (sup.stopping) return;
        wake.drain();
        if (building) await building;
        for (const b of bound) {
          if (!ready.includes(b.fd)) continue;
          try {
            for (let conn = libc.accept(b.fd); conn; conn = sup.stopping ? undefined : libc.accept(b.fd)) onConnection(b, conn);
          } catch (e) {
            log(`${b.label}: ${(e as Error).message}`);
          }
        }
      }
    };
    void acceptLoop();
  });
}

export { ActivateError, UsageError as ActivateUsageError };
