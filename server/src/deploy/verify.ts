/**
 * `sockact verify`: the activation checklist careful administrators run by hand after deploying a socket
 * unit, automated against a target (user manager, system manager, remote host over OpenSSH):
 *
 *   1. the socket is active and listening;
 *   2. its service is not running yet (otherwise socket activation can't be observed);
 *   3. a first connection (made from the target itself) starts the service;
 *   4. when it did not, the service's last journal lines (or `systemctl status` when the journal has none);
 *   5. after `systemctl kill` of the service the socket still listens and the next connection starts it again.
 *
 * Expected failures (unreachable host, unit not deployed, service crashing) become failed or skipped steps
 * with one-line details; verifyActivation() never throws for them.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readActivateConfig, type ActivateConfig } from '../activate/config';
import { decodeUnitBytes } from '../node/fileResolver';
import { resolveSystemdVersion } from '../node/systemdVersion';
import { defaultCatalog } from '../service/catalog';
import { explainResult } from './reach';
import type { ConnectResult, Target } from './target';

export type ChecklistStepId = 'socket-listening' | 'service-idle' | 'first-connection' | 'journal' | 'survives-kill';

export interface ChecklistStep {
  id: ChecklistStepId;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  /** One line. */
  detail: string;
  /** Supporting output (journal or `systemctl status` lines), printed indented. */
  lines?: string[];
}

export interface Checklist {
  /** The target's label ("system manager", "host web1"). */
  target: string;
  /** The socket unit's name. */
  unit: string;
  /** No step failed. */
  ok: boolean;
  steps: ChecklistStep[];
}

export interface VerifyOptions {
  /** systemd version used to read the unit file (default: the local one, else the newest known). */
  systemdVersion?: number;
  /** How long a connection may take to start the service, and the service to stop after a kill. Default 10 s. */
  timeoutMs?: number;
}

const TITLES: Record<ChecklistStepId, string> = {
  'socket-listening': 'Socket is listening',
  'service-idle': 'Service is not running yet',
  'first-connection': 'First connection starts the service',
  journal: 'Service journal',
  'survives-kill': 'Socket survives a killed service',
};

const ORDER: ChecklistStepId[] = ['socket-listening', 'service-idle', 'first-connection', 'journal', 'survives-kill'];

/** How long a start has to stay healthy before it counts (a crashing service is "active" for a moment). */
const SETTLE_MS = 500;
const POLL_MS = 200;
/**
 * A silent (non-HTTP) service: how long to keep the connection open for bytes it may send first. Through
 * `ssh -W` that time includes setting up the ssh connection, so it grows with what step 1's ssh took.
 */
const SILENT_MS = 1500;

const SOCKET_PROPS = ['Id', 'LoadState', 'ActiveState', 'SubState', 'Result', 'Listen', 'NAccepted', 'NConnections'];
const SERVICE_PROPS = ['Id', 'LoadState', 'ActiveState', 'SubState', 'Result', 'InvocationID', 'ExecMainStartTimestampMonotonic', 'ExecMainCode', 'ExecMainStatus'];

type Props = Record<string, string>;

/** Where step 3 connects, as seen from the target. */
type Endpoint = { kind: 'tcp'; host: string; port: number; label: string; http: boolean } | { kind: 'unix'; path: string; label: string; http: boolean };

interface Snapshot {
  socket: Props;
  /** Accept=no: the service. */
  service?: Props;
  /** Accept=yes: loaded instances of the template. */
  instances: Props[];
}

interface Context {
  target: Target;
  unit: string;
  /** foo.service, or the template foo@.service for Accept=yes. */
  service: string;
  accept: boolean;
  /** Accept=yes: "foo@" (instances are foo@N-LOCAL-REMOTE.service). */
  instancePrefix: string;
  timeoutMs: number;
  endpoint?: Endpoint;
  /** Why step 3 can't connect, when endpoint is undefined. */
  noEndpoint?: string;
  /** See SILENT_MS. */
  silentMs: number;
}

class Unreachable extends Error {}
class CommandFailed extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l) ?? ''
  );
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l)
      .pop() ?? ''
  );
}

/** Parses `systemctl show` output for several units (blocks separated by an empty line; repeated keys joined by newlines). */
export function parseShow(stdout: string): Props[] {
  const blocks: Props[] = [];
  let current: Props | undefined;
  for (const line of stdout.split('\n')) {
    if (line === '') {
      current = undefined;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    if (!current) blocks.push((current = {}));
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    current[key] = key in current ? `${current[key]}\n${value}` : value;
  }
  return blocks;
}

/** `systemctl ARGS`; an ssh failure (code 255 on a host) throws Unreachable, other failures are the caller's. */
async function systemctl(ctx: Context, args: string[]) {
  const r = await ctx.target.systemctl(args, 30_000);
  if (r.code === 255 && ctx.target.spec.kind === 'host') throw new Unreachable(lastLine(r.stderr) || `cannot reach ${ctx.target.label}`);
  return r;
}

async function snapshot(ctx: Context): Promise<Snapshot> {
  const units = [ctx.unit, ctx.accept ? `${ctx.instancePrefix}*.service` : ctx.service];
  const props = [...new Set([...SOCKET_PROPS, ...SERVICE_PROPS])];
  const r = await systemctl(ctx, ['show', '-p', props.join(','), '--', ...units]);
  if (r.code !== 0) throw new CommandFailed(`systemctl show ${ctx.unit}: ${lastLine(r.stderr) || `exit code ${r.code}`}`);
  const blocks = parseShow(r.stdout);
  const socket = blocks.find((b) => b.Id === ctx.unit) ?? blocks[0] ?? {};
  if (!ctx.accept) return { socket, service: blocks.find((b) => b.Id === ctx.service) ?? {}, instances: [] };
  return { socket, instances: blocks.filter((b) => b.Id?.startsWith(ctx.instancePrefix)) };
}

const RUNNING = new Set(['active', 'activating', 'reloading', 'deactivating']);

function isRunning(p: Props | undefined): boolean {
  return !!p && RUNNING.has(p.ActiveState);
}

function socketListening(s: Props): boolean {
  // "running" while an Accept=no service holds the socket, "listening" otherwise.
  return s.ActiveState === 'active' && (s.SubState === 'listening' || s.SubState === 'running');
}

/** "active (running)", "failed (Result=exit-code; main process exited with status 3)". */
function describeUnit(p: Props | undefined): string {
  if (!p || !p.ActiveState) return 'in an unknown state';
  if (p.LoadState && p.LoadState !== 'loaded') return `not loaded (${p.LoadState})`;
  const extra: string[] = [];
  if (p.SubState && p.SubState !== p.ActiveState) extra.push(p.SubState);
  if (p.Result && p.Result !== 'success') extra.push(`Result=${p.Result}`);
  if (p.ActiveState === 'failed' && p.ExecMainCode && p.ExecMainCode !== '0') {
    // ExecMainCode is a CLD_* code: 1 exited, 2 killed, 3 dumped core.
    extra.push(p.ExecMainCode === '1' ? `main process exited with status ${p.ExecMainStatus}` : `main process ${p.ExecMainCode === '3' ? 'dumped core on' : 'killed by'} signal ${p.ExecMainStatus}`);
  }
  return extra.length ? `${p.ActiveState} (${extra.join('; ')})` : p.ActiveState;
}

function listenOf(s: Props): string[] {
  return (s.Listen ?? '').split('\n').filter((l) => l);
}

// ---------------------------------------------------------------------------------------------------
// Where to connect

const HTTP_PORTS = new Set([80, 591, 3000, 4000, 5000, 8000, 8008, 8080, 8081, 8088, 8888, 9000]);
const HTTP_NAMES = /http|web|www|nginx|apache|caddy|lighttpd/i;

function looksHttp(port: number | undefined, names: string[]): boolean {
  if (port === 443 || port === 8443) return false; // TLS: a plain GET gets no useful answer
  return (port !== undefined && HTTP_PORTS.has(port)) || names.some((n) => HTTP_NAMES.test(n));
}

function chooseEndpoint(config: ActivateConfig, target: Target): { endpoint?: Endpoint; why?: string } {
  const names = [config.unitName, config.service?.name ?? ''];
  const reasons: string[] = [];
  for (const { directive, value, address } of config.ports) {
    const streamish = address.socketType === 'stream';
    if ((address.kind === 'inet' || address.kind === 'inet6') && streamish && address.port) {
      let host = address.host;
      // A bare port or a wildcard address: connect over loopback on the target.
      if (!host || host === '0.0.0.0') host = '127.0.0.1';
      else if (host === '::') host = config.bindIPv6Only === 'ipv6-only' ? '::1' : '127.0.0.1';
      if (address.scopeInterface) host = `${host}%${address.scopeInterface}`;
      const label = host.includes(':') ? `[${host}]:${address.port}` : `${host}:${address.port}`;
      return { endpoint: { kind: 'tcp', host, port: address.port, label, http: looksHttp(address.port, names) } };
    }
    if ((address.kind === 'unix-path' || address.kind === 'unix-abstract') && streamish && address.path) {
      if (!target.connectUnix) {
        reasons.push(`${directive}=${value}: a Unix socket on ${target.label} can't be reached through ssh -W`);
        continue;
      }
      if (address.unresolved) {
        reasons.push(`${directive}=${value}: the path holds specifiers only the target can expand`);
        continue;
      }
      const path = address.kind === 'unix-abstract' ? `\0${address.path.slice(1)}` : address.path;
      return { endpoint: { kind: 'unix', path, label: address.path, http: looksHttp(undefined, names) } };
    }
    reasons.push(`${directive}=${value}: nothing to connect to without speaking its protocol (${address.kind}, ${address.socketType})`);
  }
  if (!config.ports.length) reasons.push('the socket unit has no Listen*= address');
  return { why: reasons[0] ?? 'no address to connect to' };
}

const HTTP_REQUEST = 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n';

async function connectOnce(ctx: Context, holdMs?: number): Promise<ConnectResult> {
  const e = ctx.endpoint!;
  const payload = e.http && holdMs === undefined ? HTTP_REQUEST : undefined;
  const timeout = holdMs ?? (payload ? ctx.timeoutMs : Math.min(ctx.silentMs, ctx.timeoutMs));
  if (e.kind === 'tcp') return ctx.target.connect(e.host, e.port, payload, timeout);
  return ctx.target.connectUnix!(e.path, payload, timeout);
}


function describeConnection(ctx: Context, c: ConnectResult): string {
  const e = ctx.endpoint!;
  const sent = e.http ? 'after an HTTP GET' : 'nothing was sent: not HTTP';
  if (c.answer) return `${e.label} answered "${firstLine(c.answer).slice(0, 120)}"`;
  if (c.ok) return `${e.label} accepted the connection (${sent}; ${c.error ?? 'no answer'})`;
  return `connecting to ${e.label} failed: ${c.error ?? 'unknown error'}`;
}

// ---------------------------------------------------------------------------------------------------
// Did a connection start the service?

type Started =
  | { kind: 'ok'; detail: string }
  | { kind: 'service-failed'; detail: string; failedUnit: string }
  | { kind: 'socket-failed'; detail: string }
  | { kind: 'not-started' };

function instanceName(p: Props): string {
  return p.Id ?? '?';
}

function evaluate(ctx: Context, before: Snapshot, now: Snapshot): Started {
  if (now.socket.ActiveState === 'failed' || (now.socket.ActiveState && now.socket.ActiveState !== 'active')) {
    const service = ctx.accept ? '' : `; ${ctx.service} is ${describeUnit(now.service)}`;
    return { kind: 'socket-failed', detail: `${ctx.unit} is ${describeUnit(now.socket)}${service}` };
  }
  if (!ctx.accept) {
    const b = before.service ?? {};
    const n = now.service ?? {};
    const newInvocation = (!!n.InvocationID && n.InvocationID !== b.InvocationID) || (n.ExecMainStartTimestampMonotonic !== b.ExecMainStartTimestampMonotonic && n.ExecMainStartTimestampMonotonic !== '0');
    if (!newInvocation) return { kind: 'not-started' };
    if (n.ActiveState === 'failed') return { kind: 'service-failed', detail: `${ctx.service} was started but is ${describeUnit(n)}`, failedUnit: ctx.service };
    const state = n.ActiveState === 'inactive' ? `${ctx.service} ran and exited (${describeUnit(n)})` : `${ctx.service} is ${describeUnit(n)}`;
    return { kind: 'ok', detail: state };
  }
  const was = Number(before.socket.NAccepted ?? 0);
  const is = Number(now.socket.NAccepted ?? 0);
  if (!(is > was)) return { kind: 'not-started' };
  // Instance k serves the (k+1)th accepted connection: foo@k-LOCAL-REMOTE.service.
  const fresh = now.instances.filter((p) => {
    const m = /^[^@]*@(\d+)-/.exec(instanceName(p));
    return m && Number(m[1]) >= was;
  });
  const failed = fresh.find((p) => p.ActiveState === 'failed');
  if (failed) return { kind: 'service-failed', detail: `${instanceName(failed)} was started but is ${describeUnit(failed)}`, failedUnit: instanceName(failed) };
  const running = fresh.find((p) => isRunning(p));
  const inst = running ? `${instanceName(running)} is ${describeUnit(running)}` : 'its instance already ended';
  return { kind: 'ok', detail: `NAccepted ${was} → ${is}; ${inst}` };
}

interface Observation {
  ok: boolean;
  detail: string;
  /** The unit to show the journal of, when a start failed. */
  failedUnit?: string;
}

/**
 * Connects once and, while the connection is open, watches (up to timeoutMs) for it to have started the
 * service, healthily. The result waits for the connection to end, so nothing is left running.
 */
async function connectAndObserve(ctx: Context, before: Snapshot): Promise<Observation> {
  const deadline = Date.now() + ctx.timeoutMs;
  let conn: ConnectResult | undefined;
  const connecting = connectOnce(ctx).then((c) => (conn = c));
  const finish = async (ok: boolean, detail: string, failedUnit?: string): Promise<Observation> => {
    const c = await connecting;
    return { ok, detail: `${describeConnection(ctx, c)}; ${detail}`, ...(failedUnit ? { failedUnit } : {}) };
  };
  let seen = false;
  for (;;) {
    const now = await snapshot(ctx);
    const r = evaluate(ctx, before, now);
    if (r.kind === 'socket-failed') return finish(false, `then ${r.detail}`, ctx.accept ? undefined : ctx.service);
    if (r.kind === 'service-failed') return finish(false, r.detail, r.failedUnit);
    if (r.kind === 'ok') {
      // Seen once: look again a moment later, a service that crashes at once is "active" only briefly.
      if (seen) {
        const c = await connecting;
        // Started, yet an HTTP request got nothing back: typically a program that opens its own socket.
        if (ctx.endpoint!.http && !c.answer) {
          return finish(false, `${r.detail}, but it did not answer the HTTP request (guessed from the port or name): does it take the listening socket from systemd (fd 3, $LISTEN_FDS) instead of opening its own?`);
        }
        return finish(true, r.detail);
      }
      seen = true;
      await sleep(SETTLE_MS);
      continue;
    }
    seen = false;
    const refused = conn !== undefined && !conn.ok;
    if (refused) return finish(false, ctx.accept ? `no instance of ${ctx.service} was started` : `${ctx.service} is ${describeUnit(now.service)}`);
    if (Date.now() >= deadline) {
      const state = ctx.accept ? `NAccepted is still ${now.socket.NAccepted ?? '?'}` : `${ctx.service} is ${describeUnit(now.service)}`;
      return finish(false, `the service was not started within ${ctx.timeoutMs / 1000} s (${state})`);
    }
    await sleep(POLL_MS);
  }
}

// ---------------------------------------------------------------------------------------------------
// Output of failed units

function cleanLines(text: string): string[] {
  const lines = text.replace(/\s+$/, '').split('\n').map((l) => l.replace(/\s+$/, ''));
  return lines.filter((l) => l && l !== '-- No entries --');
}

async function statusLines(ctx: Context, unit: string, max = 12): Promise<string[]> {
  const r = await systemctl(ctx, ['status', '--no-pager', '--full', '-n', '0', '--', unit]);
  return cleanLines(r.stdout || r.stderr).slice(0, max);
}

/** The unit's last journal lines; `systemctl status` lines when the journal has none (or can't be read). */
async function journalOf(ctx: Context, unit: string): Promise<{ source: 'journal' | 'status'; lines: string[] }> {
  const j = await ctx.target.journalctl(['-u', unit, '-n', '20', '--no-pager', '-o', 'cat'], 30_000);
  if (j.code === 255 && ctx.target.spec.kind === 'host') throw new Unreachable(lastLine(j.stderr));
  const lines = j.code === 0 ? cleanLines(j.stdout) : [];
  if (lines.length) return { source: 'journal', lines };
  const s = await systemctl(ctx, ['status', '--no-pager', '--full', '-n', '20', '--', unit]);
  return { source: 'status', lines: cleanLines(s.stdout || s.stderr).slice(0, 40) };
}

// ---------------------------------------------------------------------------------------------------
// The checklist

export async function verifyActivation(target: Target, socketPath: string, options: VerifyOptions = {}): Promise<Checklist> {
  const steps = new Map<ChecklistStepId, ChecklistStep>();
  const set = (id: ChecklistStepId, status: ChecklistStep['status'], detail: string, lines?: string[]) => {
    steps.set(id, { id, title: TITLES[id], status, detail: detail.replace(/\s*\n\s*/g, ' '), ...(lines && lines.length ? { lines } : {}) });
  };
  const skipRest = (detail: string) => {
    for (const id of ORDER) if (!steps.has(id)) set(id, 'skip', detail);
  };
  const result = (unit: string): Checklist => {
    const list = ORDER.map((id) => steps.get(id)!);
    return { target: target.label, unit, ok: !list.some((s) => s.status === 'fail'), steps: list };
  };

  // The local unit file: its name, addresses, Accept= and service.
  let config: ActivateConfig;
  try {
    const catalog = defaultCatalog();
    const version = resolveSystemdVersion(options.systemdVersion ?? 'auto', catalog.newestVersion);
    config = readActivateConfig(socketPath, decodeUnitBytes(readFileSync(socketPath)), catalog, version);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    set('socket-listening', 'fail', `cannot read ${socketPath}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    skipRest('not run: the socket unit could not be read');
    return result(basename(socketPath));
  }
  const unit = config.unitName;
  const service = config.service?.name ?? unit.replace(/\.socket$/, config.accept ? '@.service' : '.service');
  const { endpoint, why } = chooseEndpoint(config, target);
  const ctx: Context = {
    target,
    unit,
    service,
    accept: config.accept,
    instancePrefix: service.replace(/\.service$/, '').replace(/@$/, '') + '@',
    timeoutMs: options.timeoutMs ?? 10_000,
    endpoint,
    noEndpoint: why,
    silentMs: SILENT_MS,
  };

  try {
    await runSteps(ctx, set);
  } catch (e) {
    if (e instanceof Unreachable) {
      const first = ORDER.find((id) => !steps.has(id))!;
      set(first, 'fail', `${target.label} is unreachable: ${e.message}`);
      skipRest(`not run: ${target.label} is unreachable`);
    } else if (e instanceof CommandFailed) {
      const first = ORDER.find((id) => !steps.has(id))!;
      set(first, 'fail', e.message);
      skipRest('not run: systemctl failed on the target');
    } else {
      throw e;
    }
  }
  return result(unit);
}

type Setter = (id: ChecklistStepId, status: ChecklistStep['status'], detail: string, lines?: string[]) => void;

async function runSteps(ctx: Context, set: Setter): Promise<void> {
  const { unit, service } = ctx;

  // 1. The socket is active and listening.
  const started = Date.now();
  const first = await ctx.target.systemctl(['show', '-p', SOCKET_PROPS.join(','), '--', unit], 30_000);
  if (ctx.target.spec.kind === 'host') ctx.silentMs = SILENT_MS + Math.ceil((2 * (Date.now() - started)) / 100) * 100;
  // The first call is the one that meets a missing manager or an unreachable host: said in words.
  if (first.code === 255 && ctx.target.spec.kind === 'host') throw new Unreachable(explainResult(ctx.target, first).line || 'ssh failed');
  if (first.code !== 0) {
    const why = explainResult(ctx.target, first);
    throw new CommandFailed(`systemctl show ${unit} failed on ${ctx.target.label}: ${(why.known ? why.line : lastLine(first.stderr)) || `exit code ${first.code}`}`);
  }
  const socket = parseShow(first.stdout)[0] ?? {};
  const listening = socketListening(socket);
  if (socket.LoadState && socket.LoadState !== 'loaded') {
    const hint = socket.LoadState === 'not-found' ? `: deploy it first` : socket.LoadState === 'masked' ? ': unmask it' : '';
    set('socket-listening', 'fail', `${unit} is not loaded on ${ctx.target.label} (${socket.LoadState})${hint}`, await statusLines(ctx, unit));
  } else if (!listening) {
    set('socket-listening', 'fail', `${unit} is ${describeUnit(socket)}, not listening${socket.ActiveState === 'inactive' ? ` (start it: systemctl${ctx.target.spec.kind === 'user' ? ' --user' : ''} enable --now ${unit})` : ''}`, await statusLines(ctx, unit));
  } else {
    const addresses = listenOf(socket);
    set('socket-listening', 'pass', `${unit} is ${describeUnit(socket)} on ${addresses.length ? addresses.join(', ') : 'no address'}`);
  }

  // 2. The service is not running yet.
  const before = await snapshot(ctx);
  let idle = false;
  if (!ctx.accept) {
    const s = before.service ?? {};
    if (s.LoadState && s.LoadState !== 'loaded') {
      set('service-idle', 'fail', `${service} is not loaded (${s.LoadState}): ${unit} has no service to start`);
    } else if (isRunning(s)) {
      set('service-idle', 'fail', `${service} is already ${describeUnit(s)}: socket activation can't be proven while it runs; stop it (systemctl${ctx.target.spec.kind === 'user' ? ' --user' : ''} stop ${service}) and verify again`);
    } else {
      idle = true;
      set('service-idle', 'pass', `${service} is ${describeUnit(s)}${s.ActiveState === 'failed' ? ' (from an earlier start)' : ''}: the socket will have to start it`);
    }
  } else {
    const running = before.instances.filter(isRunning);
    if (running.length) {
      set('service-idle', 'fail', `${running.length} instance(s) of ${service} already run (${running.map(instanceName).slice(0, 3).join(', ')}): activation can't be told apart from them; stop them and verify again`);
    } else {
      idle = true;
      set('service-idle', 'pass', `no instance of ${service} runs (NAccepted=${before.socket.NAccepted ?? '?'})`);
    }
  }

  // 3. A first connection starts the service.
  let firstOk = false;
  let failedUnit: string | undefined;
  if (!listening) set('first-connection', 'skip', `not run: ${unit} is not listening`);
  else if (!idle) set('first-connection', 'skip', `not run: ${service} was not idle before the connection`);
  else if (!ctx.endpoint) set('first-connection', 'skip', `nothing to connect to: ${ctx.noEndpoint}`);
  else {
    const o = await connectAndObserve(ctx, before);
    firstOk = o.ok;
    failedUnit = o.failedUnit;
    set('first-connection', o.ok ? 'pass' : 'fail', o.detail);
  }

  // 4. The journal, when the start failed (or the service is in failed state).
  const step3Failed = listening && idle && !!ctx.endpoint && !firstOk;
  let showFor = step3Failed ? (failedUnit ?? (ctx.accept ? `${ctx.instancePrefix}*.service` : service)) : undefined;
  if (!showFor && !ctx.accept && !firstOk) {
    const now = await snapshot(ctx);
    if (now.service?.ActiveState === 'failed') showFor = service;
  }
  if (showFor) {
    const j = await journalOf(ctx, showFor);
    const now = await snapshot(ctx);
    const state = ctx.accept ? (failedUnit ? '' : `${unit} is ${describeUnit(now.socket)}; `) : `${service} is ${describeUnit(now.service)}; `;
    const what = j.lines.length
      ? j.source === 'journal'
        ? `last ${j.lines.length} journal line(s) of ${showFor}:`
        : `no journal lines for ${showFor}; systemctl status:`
      : `no journal lines and no status for ${showFor}`;
    set('journal', 'fail', `${state}${what}`, j.lines);
  } else {
    set('journal', 'skip', 'not needed');
  }

  // 5. The socket survives a killed service, and the next connection starts it again.
  if (!firstOk) {
    set('survives-kill', 'skip', !listening ? `not run: ${unit} is not listening` : !idle ? `not run: ${service} was already running before verify (step 2)` : !ctx.endpoint ? `not run: nothing to connect to` : 'not run: the first connection did not start the service');
    return;
  }
  const r = ctx.accept ? await killInstances(ctx) : await killService(ctx);
  set('survives-kill', r.status, r.detail, r.lines);
}

interface StepResult {
  status: ChecklistStep['status'];
  detail: string;
  lines?: string[];
}

/** What the socket and its service look like, for a failed step 5. */
async function bothStatus(ctx: Context, serviceUnit: string): Promise<string[]> {
  return [...(await statusLines(ctx, ctx.unit, 8)), ...(await statusLines(ctx, serviceUnit, 8))];
}

/** After a kill, the socket must still listen and the next connection start the service again. */
async function afterKill(ctx: Context, killed: string, serviceUnit: string): Promise<StepResult> {
  const now = await snapshot(ctx);
  if (!socketListening(now.socket)) {
    return { status: 'fail', detail: `after killing ${killed}, ${ctx.unit} is ${describeUnit(now.socket)}: new connections are refused`, lines: await bothStatus(ctx, serviceUnit) };
  }
  const o = await connectAndObserve(ctx, now);
  if (!o.ok) {
    return { status: 'fail', detail: `${ctx.unit} still listened after killing ${killed}, but the next connection did not start it again: ${o.detail}`, lines: await bothStatus(ctx, o.failedUnit ?? serviceUnit) };
  }
  return { status: 'pass', detail: `killed ${killed}; ${ctx.unit} kept listening and the next connection started it again: ${o.detail}` };
}

async function waitStopped(ctx: Context, units: string[], before: Snapshot): Promise<'stopped' | 'restarted' | 'running'> {
  const deadline = Date.now() + ctx.timeoutMs;
  for (;;) {
    const now = await snapshot(ctx);
    if (!ctx.accept) {
      const s = now.service ?? {};
      if (s.InvocationID && s.InvocationID !== before.service?.InvocationID) return 'restarted';
      if (!isRunning(s) || s.SubState === 'auto-restart') return 'stopped';
    } else if (!now.instances.some((p) => units.includes(instanceName(p)) && isRunning(p))) {
      return 'stopped';
    }
    if (Date.now() >= deadline) return 'running';
    await sleep(POLL_MS);
  }
}

async function killService(ctx: Context): Promise<StepResult> {
  const before = await snapshot(ctx);
  if (!isRunning(before.service)) {
    return { status: 'skip', detail: `${ctx.service} is ${describeUnit(before.service)} (it ended after serving the connection): nothing to kill` };
  }
  const k = await systemctl(ctx, ['kill', '--', ctx.service]);
  if (k.code !== 0) return { status: 'fail', detail: `systemctl kill ${ctx.service} failed: ${lastLine(k.stderr) || `exit code ${k.code}`}` };
  const state = await waitStopped(ctx, [ctx.service], before);
  if (state === 'running') {
    return { status: 'fail', detail: `${ctx.service} still runs ${ctx.timeoutMs / 1000} s after systemctl kill (SIGTERM)`, lines: await statusLines(ctx, ctx.service) };
  }
  if (state === 'restarted') {
    // Restart= brought it back by itself; the socket must still be there and answering.
    const now = await snapshot(ctx);
    if (!socketListening(now.socket)) {
      return { status: 'fail', detail: `after killing ${ctx.service}, ${ctx.unit} is ${describeUnit(now.socket)}`, lines: await bothStatus(ctx, ctx.service) };
    }
    const c = await connectOnce(ctx);
    const refused = !c.ok;
    return refused
      ? { status: 'fail', detail: `${ctx.service} restarted by itself (Restart=) but ${describeConnection(ctx, c)}`, lines: await bothStatus(ctx, ctx.service) }
      : { status: 'pass', detail: `killed ${ctx.service}; it restarted by itself (Restart=), ${ctx.unit} kept listening and ${describeConnection(ctx, c)}` };
  }
  return afterKill(ctx, ctx.service, ctx.service);
}

async function killInstances(ctx: Context): Promise<StepResult> {
  let before = await snapshot(ctx);
  let running = before.instances.filter(isRunning).map(instanceName);
  let hold: Promise<ConnectResult> | undefined;
  if (!running.length) {
    // Each connection's instance ends with it: hold one connection open (sending nothing) so one runs.
    hold = connectOnce(ctx, Math.min(ctx.timeoutMs, ctx.target.spec.kind === 'host' ? 8000 : 4000));
    const until = Date.now() + Math.min(ctx.timeoutMs, 3000);
    while (!running.length && Date.now() < until) {
      await sleep(POLL_MS);
      before = await snapshot(ctx);
      running = before.instances.filter(isRunning).map(instanceName);
    }
  }
  if (!running.length) {
    await hold;
    return { status: 'skip', detail: `no instance of ${ctx.service} runs to kill (each instance ended with its connection)` };
  }
  const k = await systemctl(ctx, ['kill', '--', ...running]);
  if (k.code !== 0) {
    await hold;
    return { status: 'fail', detail: `systemctl kill ${running.join(' ')} failed: ${lastLine(k.stderr) || `exit code ${k.code}`}` };
  }
  const state = await waitStopped(ctx, running, before);
  await hold;
  const killed = running.length === 1 ? running[0] : `${running.length} instances of ${ctx.service}`;
  if (state === 'running') {
    return { status: 'fail', detail: `${killed} still runs ${ctx.timeoutMs / 1000} s after systemctl kill (SIGTERM)`, lines: await statusLines(ctx, running[0]) };
  }
  return afterKill(ctx, killed, `${ctx.instancePrefix}*.service`);
}

// ---------------------------------------------------------------------------------------------------
// For the terminal

export function formatChecklist(c: Checklist): string {
  const out = [`Activation checklist for ${c.unit} on ${c.target}:`];
  c.steps.forEach((s, i) => {
    const mark = s.status === 'pass' ? '✔' : s.status === 'fail' ? '✘' : '–';
    out.push(`${mark} ${i + 1}. ${s.title}${s.status === 'skip' ? ' (skipped)' : ''}: ${s.detail}`);
    for (const l of s.lines ?? []) out.push(`      ${l}`);
  });
  const failed = c.steps.filter((s) => s.status === 'fail').length;
  out.push(c.ok ? `${c.unit}: socket activation works on ${c.target}.` : `${c.unit}: ${failed} of ${c.steps.length} checks failed on ${c.target}.`);
  return `${out.join('\n')}\n`;
}
