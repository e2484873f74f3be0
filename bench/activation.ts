/**
 * (e) Socket activation, measured as ratios against a reference run in the same process:
 *
 *  1. first-connection latency on a cold socket: `sockact activate` vs systemd's own emulator,
 *     `systemd-socket-activate` (which waits for the first EPOLLIN and execs the program in its own
 *     process with the listening socket as fd 3). Per run: a fresh free loopback port, the emulator
 *     started in its own process group, readiness taken from its stderr (connecting would be the very
 *     trigger we want to time), a short idle pause (COLD_SETTLE_MS), then the wall time from
 *     `net.connect` to the first byte of the response
 *     to `GET /`, i.e. trigger detection + program start + the program's first answer. The two take
 *     turns (A B, B A, A B …) so drift (CPU clock, page cache) hits both alike.
 *  2. steady-state requests per second of the same program under `sockact activate` (after the first
 *     request started it) vs the program binding the port itself. With Accept=no nobody sits between the
 *     client and the program (it owns the listening socket), so the target is no difference at all.
 *     The load generator (bench/httpLoad.ts) runs in a child process so it never competes with this
 *     harness's event loop.
 *
 *  3. `--watch` (bench/activation.ts measureWatch, also alone: `node dist/bench.js activation watch`): a
 *     client opening a fresh connection for a GET / every 5 ms (200 requests/s) while a copy of the
 *     program's source is saved 20 times, once a second. Failed requests must be 0; the longest wait of a
 *     request that overlapped a restart (from the save until the new program's first answer) is set
 *     against the program's own start time measured in the same run (spawn, bind the port itself, first
 *     answer), as a ratio: the restart should cost about one program start, nothing on top.
 *
 * The program in both is examples/node-http/server.mjs: it serves fd 3 when LISTEN_PID is its own pid,
 * and binds PORT otherwise. Every process is started detached and its whole group is stopped after
 * each run (and the program sockact starts, which runs in a group of its own), so nothing is left behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LoadResult } from './httpLoad';
import { fmt, median } from './stats';

export interface ActivationOptions {
  /** repository root: the working directory of every program (the example path is relative to it) */
  root: string;
  /** absolute path of dist/cli.js */
  cli: string;
  /** absolute path of dist/bench.js, started again with --http-load as the load generator */
  bench: string;
  /** temporary directory for the generated units (removed by the caller) */
  dir: string;
}

const PROGRAM = 'examples/node-http/server.mjs';
const HOST = '127.0.0.1';

// Sizes chosen so that the whole section stays well under a minute on a small machine.
const COLD_WARMUP = 2;
const COLD_RUNS = 15;
const LOAD_ROUNDS = 3;
const LOAD_SECONDS = 3;
const LOAD_WARMUP_SECONDS = 0.5;
const LOAD_CONNECTIONS = 16;

/**
 * Idle time between "ready" and the first connection, for both emulators: a cold socket is one whose
 * emulator sits idle waiting, as a service does until its first client, so the emulators' own start-up
 * (Node loading sockact's bundle) is not counted as activation latency.
 */
const COLD_SETTLE_MS = 200;

/** Timeout for anything that should take well under a second (start-up, one response). */
const STEP_TIMEOUT_MS = 10_000;

/** The first-connection target: sockact may take at most this much longer than systemd-socket-activate. */
const COLD_TARGET = 1.1;
/** Steady state should be identical; below this ratio it is more than the run-to-run noise of the load test. */
const RPS_TOLERANCE = 0.95;

// ---------------------------------------------------------------------------------------------------
// Processes

interface Running {
  label: string;
  child: ChildProcess;
  /** everything written on stderr so far: readiness lines, and the reason when something fails */
  stderr: string;
  exited: Promise<void>;
  /** programs sockact reported starting ("started pid N"): they run in a process group of their own */
  programPids: Set<number>;
}

/** The environment without anything that would make the program think it was activated, or bind elsewhere. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES', 'LISTEN_PIDFDID', 'PORT']) delete env[k];
  return { ...env, ...extra };
}

/** What runs now; killed outright if the bench itself is interrupted (see measureActivation). */
const live = new Set<Running>();

function killAll(): void {
  for (const r of live) {
    if (r.child.pid !== undefined) kill(-r.child.pid, 'SIGKILL');
    for (const pid of r.programPids) kill(-pid, 'SIGKILL');
  }
}

function launch(label: string, file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Running {
  // detached: its own process group, so one kill(-pgid) reaches the emulator and everything it forked.
  const child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const running: Running = { label, child, stderr: '', exited: Promise.resolve(), programPids: new Set() };
  live.add(running);
  running.exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (e) => {
      running.stderr += `\n${e.message}`;
      resolve();
    });
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    running.stderr += d;
    for (const m of running.stderr.matchAll(/started pid (\d+)/g)) running.programPids.add(Number(m[1]));
  });
  return running;
}

function alive(r: Running): boolean {
  return r.child.exitCode === null && r.child.signalCode === null;
}

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join(' | ') || '(nothing on stderr)';
}

/** Resolves true when p settles within ms, false otherwise; the timer never outlives the race. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch { /* already gone */ }
}

/**
 * SIGTERM to the whole group first: sockact then stops its program and closes its sockets the normal way
 * (its fd holder ignores SIGTERM and goes once sockact disconnects). Then SIGKILL to whatever is left of
 * the group and of the programs' own groups, so a misbehaving run can't leak into the next one.
 */
async function stop(r: Running): Promise<void> {
  const pgid = r.child.pid;
  if (pgid === undefined) return;
  if (alive(r)) kill(-pgid, 'SIGTERM');
  const clean = await within(r.exited, 3000);
  kill(-pgid, 'SIGKILL');
  for (const pid of r.programPids) kill(-pid, 'SIGKILL');
  if (!clean) await r.exited;
  live.delete(r);
}

/** True when something listens on HOST:port (Linux /proc/net/tcp; true when that can't be read). */
function listening(port: number): boolean {
  let table: string;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return true;
  }
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table.split('\n').some((line) => {
    const f = line.trim().split(/\s+/);
    return f[1] === local && f[3] === '0A';
  });
}

/**
 * Waits for a line on stderr that says the emulator holds the socket and waits. Connecting to find out
 * would itself trigger the start, so the port is only checked passively (LISTEN in /proc/net/tcp), in case
 * a line is ever printed before listen().
 */
function waitForStderr(r: Running, re: RegExp, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      clearInterval(poll);
      r.child.stderr!.off('data', check);
      r.child.off('exit', onExit);
    };
    const check = () => {
      if (!re.test(r.stderr) || !listening(port)) return;
      cleanup();
      resolve();
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`${r.label} exited before it was ready: ${lastLines(r.stderr)}`));
    };
    timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${r.label}: not ready within ${STEP_TIMEOUT_MS} ms: ${lastLines(r.stderr)}`));
    }, STEP_TIMEOUT_MS);
    // Registered after launch()'s own listener, so r.stderr already has the new chunk when this runs.
    r.child.stderr!.on('data', check);
    r.child.once('exit', onExit);
    poll = setInterval(check, 5);
    if (!alive(r)) onExit();
    else check();
  });
}

/** For a program that binds the port itself, connecting is harmless: retry until it accepts. */
async function waitForAccept(r: Running, port: number): Promise<void> {
  const deadline = performance.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: HOST, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!alive(r)) throw new Error(`${r.label} exited before it accepted: ${lastLines(r.stderr)}`);
    if (performance.now() > deadline) throw new Error(`${r.label}: port ${port} not accepting within ${STEP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** ms from net.connect to the first byte of the response to one GET /. */
function firstByte(port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const t0 = performance.now();
    const socket = net.connect({ host: HOST, port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => fail(new Error(`no response on port ${port} within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
    const fail = (e: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    };
    socket.once('connect', () => socket.write(`GET / HTTP/1.1\r\nHost: ${HOST}:${port}\r\nConnection: close\r\n\r\n`));
    socket.once('data', () => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      socket.destroy();
      resolve(ms);
    });
    socket.once('error', fail);
    socket.once('close', () => fail(new Error(`port ${port} closed the connection without a response`)));
  });
}

/** Runs the load generator in its own process against port. */
function loadRun(o: ActivationOptions, port: number): Promise<LoadResult> {
  return new Promise<LoadResult>((resolve, reject) => {
    const args = [o.bench, '--http-load', String(port), String(LOAD_SECONDS), String(LOAD_CONNECTIONS), String(LOAD_WARMUP_SECONDS)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => (out += d));
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as LoadResult);
      } catch (e) {
        reject(new Error(`load generator failed (${(e as Error).message}): ${out.trim()}`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// One run of each kind

/**
 * A .socket unit and the .service it triggers, in a folder of their own per port. The service is not what
 * runs (the program is given after --), but without one sockact, like systemd, refuses the socket.
 */
function writeUnits(o: ActivationOptions, port: number): string {
  const folder = join(o.dir, 'activate', String(port));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'bench-http.socket'), `[Socket]\nListenStream=${HOST}:${port}\n`);
  writeFileSync(join(folder, 'bench-http.service'), `[Service]\nExecStart=${process.execPath} ${join(o.root, PROGRAM)}\n`);
  return join(folder, 'bench-http.socket');
}

async function startSockact(o: ActivationOptions): Promise<{ r: Running; port: number }> {
  const port = await freePort();
  const unit = writeUnits(o, port);
  const r = launch('sockact activate', process.execPath, [o.cli, 'activate', unit, '--', process.execPath, PROGRAM], cleanEnv(), o.root);
  try {
    await waitForStderr(r, /waiting for the first connection/, port);
  } catch (e) {
    await stop(r);
    throw e;
  }
  return { r, port };
}

async function startSystemdSocketActivate(o: ActivationOptions): Promise<{ r: Running; port: number }> {
  const port = await freePort();
  // Log level and target pinned so that its "Listening on" line reaches our pipe whatever the caller's
  // environment says.
  const env = cleanEnv({ SYSTEMD_LOG_LEVEL: 'info', SYSTEMD_LOG_TARGET: 'console', SYSTEMD_LOG_COLOR: '0' });
  const r = launch('systemd-socket-activate', 'systemd-socket-activate', ['-l', `${HOST}:${port}`, '--', process.execPath, PROGRAM], env, o.root);
  try {
    await waitForStderr(r, /Listening on/, port);
  } catch (e) {
    await stop(r);
    throw e;
  }
  return { r, port };
}

async function cold(start: () => Promise<{ r: Running; port: number }>): Promise<number> {
  const { r, port } = await start();
  try {
    await new Promise((resolve) => setTimeout(resolve, COLD_SETTLE_MS));
    return await firstByte(port);
  } finally {
    await stop(r);
  }
}

async function loadSelfBind(o: ActivationOptions): Promise<LoadResult> {
  const port = await freePort();
  const r = launch('self-bind', process.execPath, [PROGRAM], cleanEnv({ PORT: String(port) }), o.root);
  try {
    await waitForAccept(r, port);
    return await loadRun(o, port);
  } finally {
    await stop(r);
  }
}

async function loadSockact(o: ActivationOptions): Promise<LoadResult> {
  const { r, port } = await startSockact(o);
  try {
    await firstByte(port); // starts the program; the load then measures it running, not its start
    return await loadRun(o, port);
  } finally {
    await stop(r);
  }
}

// ---------------------------------------------------------------------------------------------------

function haveSystemdSocketActivate(): boolean {
  const r = spawnSync('systemd-socket-activate', ['--version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

function spread(xs: number[], f: (x: number) => string): string {
  return `min ${f(Math.min(...xs))}, max ${f(Math.max(...xs))}`;
}

const rps = (x: number) => Math.round(x).toLocaleString('en-US');

/**
 * Runs every kind once per round, warmup + runs rounds; the timed values per kind, and the failures.
 * The order flips every round (A B, B A, A B …) so that neither side always runs right after the other's
 * load or process teardown.
 */
async function interleave<T>(kinds: Array<() => Promise<T>>, warmup: number, runs: number): Promise<{ values: T[][]; failures: string[] }> {
  const values: T[][] = kinds.map(() => []);
  const failures: string[] = [];
  for (let round = 0; round < warmup + runs; round++) {
    const order = kinds.map((_, k) => k);
    if (round % 2) order.reverse();
    for (const k of order) {
      try {
        const v = await kinds[k]();
        if (round >= warmup) values[k].push(v);
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
    // A setup that fails every time would only repeat itself: give up on the part early.
    if (failures.length > kinds.length * 2 && values.some((v) => v.length === 0)) break;
  }
  return { values, failures };
}

/** `watchOnly`: part 3 alone (`node dist/bench.js activation watch`). */
export async function measureActivation(o: ActivationOptions, watchOnly = false): Promise<void> {
  // Ctrl-C reaches only the terminal's foreground group, not the detached groups started here: take them
  // down with us instead of leaving servers on their ports.
  const interrupted = (signal: NodeJS.Signals) => {
    killAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  try {
    if (!watchOnly) await measure(o);
    await measureWatch(o);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    killAll();
  }
}

async function measure(o: ActivationOptions): Promise<void> {
  console.log(`\n(e) socket activation: ${PROGRAM} under each emulator, a fresh loopback port per run`);
  if (!existsSync(o.cli)) {
    console.log(`  skipped: ${o.cli} is missing (run \`npm run build\`)`);
    return;
  }
  if (!existsSync(join(o.root, PROGRAM))) {
    console.log(`  skipped: ${PROGRAM} is missing`);
    return;
  }

  // 1. Cold first connection
  const started = performance.now();
  console.log(
    `  first connection on a cold socket (connect → first response byte, ${COLD_SETTLE_MS} ms after the emulator says it waits): ` +
      `median of ${COLD_RUNS} after ${COLD_WARMUP} warm-up, interleaved`,
  );
  if (!haveSystemdSocketActivate()) {
    console.log('  skipped: systemd-socket-activate not found');
  } else {
    const { values, failures } = await interleave([() => cold(() => startSockact(o)), () => cold(() => startSystemdSocketActivate(o))], COLD_WARMUP, COLD_RUNS);
    for (const f of new Set(failures)) console.log(`    failed run: ${f}`);
    const [ours, theirs] = values;
    if (ours.length === 0 || theirs.length === 0) {
      console.log('  cold first connection: no result (every run of one side failed)');
    } else {
      const a = median(ours);
      const b = median(theirs);
      const ratio = a / b;
      console.log(`    sockact activate         ${fmt(a).padStart(6)} ms (${spread(ours, fmt)}, ${ours.length} runs)`);
      console.log(`    systemd-socket-activate  ${fmt(b).padStart(6)} ms (${spread(theirs, fmt)}, ${theirs.length} runs)`);
      console.log(
        `  cold first connection: sockact activate ${fmt(a)} ms vs systemd-socket-activate ${fmt(b)} ms ` +
          `(ratio ${ratio.toFixed(2)}×, target ≤ ${COLD_TARGET}×): ${ratio <= COLD_TARGET ? 'met' : 'not met'}`,
      );
    }
  }

  // 2. Steady state
  console.log(
    `  steady state: ${LOAD_CONNECTIONS} keep-alive connections × ${LOAD_SECONDS} s of sequential GET / after ${LOAD_WARMUP_SECONDS} s warm-up ` +
      `(load generator in its own process), median of ${LOAD_ROUNDS}, interleaved`,
  );
  const { values, failures } = await interleave([() => loadSelfBind(o), () => loadSockact(o)], 0, LOAD_ROUNDS);
  for (const f of new Set(failures)) console.log(`    failed run: ${f}`);
  const [self, ours] = values;
  if (self.length === 0 || ours.length === 0) {
    console.log('  steady-state requests/s: no result (every run of one side failed)');
    return;
  }
  const errors = (rs: LoadResult[]) => rs.reduce((n, r) => n + r.errors, 0);
  const a = median(ours.map((r) => r.rps));
  const b = median(self.map((r) => r.rps));
  const ratio = a / b;
  // Every run, in order: with this few, the spread says more than min and max would.
  const runs = (rs: LoadResult[]) => rs.map((r) => rps(r.rps)).join(', ');
  console.log(`    program binds the port itself  ${rps(b).padStart(7)} req/s (runs ${runs(self)}; ${errors(self)} errors)`);
  console.log(`    sockact activate               ${rps(a).padStart(7)} req/s (runs ${runs(ours)}; ${errors(ours)} errors)`);
  // Other work on the machine shows as runs of the same kind that disagree; a verdict from such runs says
  // little either way, so it carries the spread with it.
  const variation = Math.max(...[self, ours].map((rs) => {
    const xs = rs.map((r) => r.rps);
    return (Math.max(...xs) - Math.min(...xs)) / median(xs);
  }));
  const noisy = variation > 1 - RPS_TOLERANCE ? ` (noisy: runs of one kind differ by up to ${Math.round(variation * 100)}%; rerun on an idle machine)` : '';
  console.log(
    `  steady-state requests/s: sockact activate ${rps(a)} vs self-bind ${rps(b)} ` +
      `(ratio ${ratio.toFixed(2)}×, target 1.0×, within ${Math.round((1 - RPS_TOLERANCE) * 100)}%): ${ratio >= RPS_TOLERANCE ? 'met' : 'not met'}${noisy}`,
  );
  console.log(`  (e) took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------------------------------------------
// 3. --watch: saves under load

const WATCH_INTERVAL_MS = 5; // one request every 5 ms: 200 requests/s
const WATCH_SAVES = 20;
const WATCH_SAVE_EVERY_MS = 1000;
const START_RUNS = 5;

interface Answer {
  sent: number;
  done: number;
  ok: boolean;
  pid?: number;
  error?: string;
}

/** One GET / on a fresh connection (Connection: close): when it was sent, answered, and by which pid. */
function oneRequest(port: number): Promise<Answer> {
  return new Promise<Answer>((resolve) => {
    const sent = performance.now();
    const socket = net.connect({ host: HOST, port });
    let data = '';
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.1 200 [^]*?hello from pid (\d+)/.exec(data);
      resolve({ sent, done: performance.now(), ok: !error && !!m, pid: m ? Number(m[1]) : undefined, error: error ?? (m ? undefined : `bad answer: ${data.slice(0, 60)}`) });
    };
    const timer = setTimeout(() => finish('no answer within 10 s'), STEP_TIMEOUT_MS);
    socket.setEncoding('latin1');
    socket.once('connect', () => socket.write(`GET / HTTP/1.1\r\nHost: ${HOST}:${port}\r\nConnection: close\r\n\r\n`));
    socket.on('data', (d: string) => (data += d));
    socket.once('end', () => finish());
    socket.once('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  });
}

/** The program started directly on a port of its own: ms from spawn to its first answer. */
async function programStart(o: ActivationOptions, program: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const r = launch('program alone', process.execPath, [program], cleanEnv({ PORT: String(port) }), o.root);
  try {
    for (;;) {
      const a = await oneRequest(port);
      if (a.ok) return a.done - t0;
      if (!alive(r)) throw new Error(`the program exited before it answered: ${lastLines(r.stderr)}`);
      if (performance.now() - t0 > STEP_TIMEOUT_MS) throw new Error(`the program did not answer within ${STEP_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    await stop(r);
  }
}

async function measureWatch(o: ActivationOptions): Promise<void> {
  const started = performance.now();
  console.log(
    `\n  --watch: GET / every ${WATCH_INTERVAL_MS} ms (${1000 / WATCH_INTERVAL_MS} requests/s, a fresh connection each) while the program's source is saved ` +
      `${WATCH_SAVES} times, every ${WATCH_SAVE_EVERY_MS / 1000} s`,
  );
  if (!existsSync(o.cli) || !existsSync(join(o.root, PROGRAM))) {
    console.log(`  skipped: ${existsSync(o.cli) ? PROGRAM : o.cli} is missing`);
    return;
  }
  // A copy in a folder of its own, so a plain --watch (the program's folder) watches it and nothing else.
  const src = join(o.dir, 'watch-src');
  mkdirSync(src, { recursive: true });
  const program = join(src, 'server.mjs');
  copyFileSync(join(o.root, PROGRAM), program);
  const source = readFileSync(program);

  const starts: number[] = [];
  for (let i = 0; i < START_RUNS; i++) starts.push(await programStart(o, program));
  const startMs = median(starts);

  const port = await freePort();
  const unit = writeUnits(o, port);
  const r = launch('sockact activate --watch', process.execPath, [o.cli, 'activate', '--watch', unit, '--', process.execPath, program], cleanEnv(), o.root);
  const answers: Answer[] = [];
  const saves: number[] = [];
  try {
    await waitForStderr(r, /waiting for the first connection/, port);
    if (!/sockact: watching /.test(r.stderr)) throw new Error(`sockact did not say what it watches: ${lastLines(r.stderr)}`);
    await firstByte(port); // the first program runs before the load starts
    const pending: Array<Promise<void>> = [];
    const t0 = performance.now();
    const end = t0 + (WATCH_SAVES + 1) * WATCH_SAVE_EVERY_MS;
    let nextSave = t0 + WATCH_SAVE_EVERY_MS / 2;
    // Paced by the clock, not by answers: a restart does not slow the client down, requests pile up.
    for (let i = 0; ; i++) {
      const due = t0 + i * WATCH_INTERVAL_MS;
      if (due > end) break;
      const now = performance.now();
      if (due > now) await new Promise((resolve) => setTimeout(resolve, due - now));
      if (saves.length < WATCH_SAVES && performance.now() >= nextSave) {
        writeFileSync(program, source); // a save: same bytes, a new write
        saves.push(performance.now());
        nextSave += WATCH_SAVE_EVERY_MS;
      }
      pending.push(oneRequest(port).then((a) => void answers.push(a)));
    }
    await Promise.all(pending);
  } catch (e) {
    console.log(`    failed run: ${(e as Error).message}`);
    return;
  } finally {
    await stop(r);
  }

  const restarts = (r.stderr.match(/changed: restarting pid \d+/g) ?? []).length;
  const failed = answers.filter((a) => !a.ok);
  const byDone = [...answers].sort((a, b) => a.done - b.done);
  // Per save: the window from the save until a pid not seen before it first answers; the waits of the
  // requests that were open at any moment of it.
  let longest = 0;
  let windows = 0;
  for (const save of saves) {
    const before = new Set(byDone.filter((a) => a.done < save && a.pid !== undefined).map((a) => a.pid));
    const first = byDone.find((a) => a.done >= save && a.pid !== undefined && !before.has(a.pid));
    if (!first) continue;
    windows++;
    for (const a of answers) if (a.sent <= first.done && a.done >= save) longest = Math.max(longest, a.done - a.sent);
  }
  const waits = answers.filter((a) => a.ok).map((a) => a.done - a.sent);
  const pids = new Set(answers.map((a) => a.pid).filter((p) => p !== undefined));
  console.log(`    requests                      ${answers.length} sent, ${failed.length} failed${failed.length ? ` (${[...new Set(failed.map((a) => a.error))].slice(0, 3).join('; ')})` : ''}`);
  console.log(`    restarts                      ${restarts} reported by sockact for ${saves.length} saves; ${pids.size} programs answered; ${windows} restart windows seen`);
  console.log(`    wait of a request             median ${fmt(median(waits))} ms; longest during a restart ${fmt(longest)} ms`);
  console.log(`    program's own start           ${fmt(startMs)} ms (spawn → first answer on its own port; median of ${START_RUNS}, ${spread(starts, fmt)})`);
  console.log(
    `  --watch restarts: ${failed.length} failed requests (target 0): ${failed.length === 0 ? 'met' : 'not met'}; ` +
      `longest wait ${fmt(longest)} ms = ${(longest / startMs).toFixed(2)}× the program's own start`,
  );
  console.log(`  (--watch) took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
