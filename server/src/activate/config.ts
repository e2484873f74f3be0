/**
 * What `sockact activate` needs from a .socket unit and its service, read through the same parser and
 * analysis the diagnostics use: only assignments systemd applies count, list resets are honoured.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { afterResets, analyzeUnit, appliedIn, lastApplied, type UnitAnalysis } from '../service/analysis';
import type { DirectiveCatalog } from '../service/catalog';
import { parseUnit } from '../service/parser';
import { unitContextFromPath, unitPrefix, withSuffix } from '../service/unitContext';
import { parseBoolean } from '../service/values/basic';
import { parseListenAddress, type ListenOk } from '../service/values/listen';
import { parseSec } from '../service/values/timespan';
import { parseSize } from '../service/values/size';
import { bytesToString, extractFirstWord, splitWords, WHITESPACE } from '../service/values/words';
import { readStartLimit, spanMs, type LimitSetting } from './limits';
import { readRestart, type RestartPolicy } from './restart';

export interface ListenPort {
  directive: string;
  value: string;
  address: ListenOk;
}

export interface ActivateConfig {
  unitPath: string;
  unitName: string;
  ports: ListenPort[];
  accept: boolean;
  backlog?: number;
  socketMode: number;
  directoryMode: number;
  reusePort: boolean;
  keepAlive: boolean;
  noDelay: boolean;
  receiveBuffer?: number;
  sendBuffer?: number;
  bindIPv6Only: 'default' | 'both' | 'ipv6-only';
  freeBind: boolean;
  keepAliveTimeSec?: number;
  keepAliveIntervalSec?: number;
  keepAliveProbes?: number;
  deferAcceptSec?: number;
  broadcast: boolean;
  passCredentials: boolean;
  passSecurity: boolean;
  transparent: boolean;
  priority?: number;
  mark?: number;
  ipTOS?: number;
  ipTTL?: number;
  bindToDevice?: string;
  pipeSize?: number;
  messageQueueMaxMessages?: number;
  messageQueueMessageSize?: number;
  socketUser?: string;
  socketGroup?: string;
  removeOnStop: boolean;
  fdName?: string;
  maxConnections: number;
  maxConnectionsPerSource: number;
  /** TriggerLimitIntervalSec=/TriggerLimitBurst= (limits.ts). */
  triggerLimit: LimitSetting;
  service?: ServiceConfig;
  /** One line each, printed before starting (settings that are read but not emulated). */
  warnings: string[];
}

export interface ServiceConfig {
  name: string;
  path?: string;
  command?: string[];
  environment: Record<string, string>;
  workingDirectory?: string;
  stdinSocket: boolean;
  stdoutSocket: boolean;
  /** The service's NonBlocking=: its fds keep O_NONBLOCK (systemd clears it otherwise, exec-invoke.c). */
  nonBlocking: boolean;
  /** StartLimitIntervalSec=/StartLimitBurst= of the service (systemd's defaults without a service file). */
  startLimit: LimitSetting;
  restart: RestartPolicy;
  /** TimeoutStopSec= (or TimeoutSec=), when set: how long a watch restart waits before SIGKILL (watch.ts). */
  timeoutStopMs?: number;
}

function last(analysis: UnitAnalysis, section: string, key: string): string | undefined {
  const e = lastApplied(analysis, section, key);
  return e && e.entry.value !== '' ? e.entry.value : undefined;
}

function bool(analysis: UnitAnalysis, section: string, key: string, fallback: boolean): boolean {
  const v = last(analysis, section, key);
  return v === undefined ? fallback : (parseBoolean(v) ?? fallback);
}

function int(analysis: UnitAnalysis, section: string, key: string): number | undefined {
  const v = last(analysis, section, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function mode(analysis: UnitAnalysis, key: string, fallback: number): number {
  const v = last(analysis, 'Socket', key);
  return v === undefined ? fallback : parseInt(v, 8);
}

function size(analysis: UnitAnalysis, key: string): number | undefined {
  const v = last(analysis, 'Socket', key);
  if (v === undefined) return undefined;
  const r = parseSize(v, 1024);
  return r.ok ? Number(r.value) : undefined;
}

/** A time span in whole seconds (KeepAliveTimeSec= and friends take seconds in setsockopt()). */
function seconds(analysis: UnitAnalysis, key: string): number | undefined {
  const v = last(analysis, 'Socket', key);
  if (v === undefined) return undefined;
  const r = parseSec(v);
  return r.ok && !r.infinity ? Math.max(1, Math.round(Number(r.value) / 1e6)) : undefined;
}

/** IPTOS=: ip_tos_to_string table names or a number (0..255). */
const IP_TOS_NAMES: Record<string, number> = { 'low-delay': 0x10, throughput: 0x08, reliability: 0x04, 'low-cost': 0x02 };
function ipTos(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v in IP_TOS_NAMES) return IP_TOS_NAMES[v];
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : undefined;
}

/** Splits a command line the way config_parse_exec() does (prefixes stripped, C escapes and quotes decoded). */
export function splitCommandLine(value: string): string[] | undefined {
  const words = splitWords(value, WHITESPACE, { unquote: true, cunescape: true, unescapeRelax: true });
  if (!words || words.length === 0) return undefined;
  const out = words.map((w) => bytesToString(w.bytes));
  let exe = out[0];
  let separateArgv0 = false;
  while (exe.length && '-@:+!'.includes(exe[0])) {
    if (exe[0] === '@') separateArgv0 = true;
    exe = exe.slice(1);
  }
  // Only the first command of a ";"-separated list.
  const semi = out.indexOf(';', 1);
  const rest = semi === -1 ? out.slice(1) : out.slice(1, semi);
  // With "@" the second word is argv[0]; Node's spawn can set it only through argv0, so we drop it.
  return separateArgv0 ? [exe, ...rest.slice(1)] : [exe, ...rest];
}

/** Environment= assignments: words "NAME=value" with quotes and escapes decoded. */
function parseEnvironmentValue(value: string, into: Record<string, string>): void {
  let pos: number | null = 0;
  for (;;) {
    const r = extractFirstWord(value, pos, WHITESPACE, { cunescape: true, unquote: true });
    if (r.kind !== 'word') return;
    const word = bytesToString(r.word.bytes);
    const eq = word.indexOf('=');
    if (eq > 0) into[word.slice(0, eq)] = word.slice(eq + 1);
    pos = r.word.next;
  }
}

/** EnvironmentFile=: KEY=VALUE lines, # and ; comments, optional quotes; "-" prefix = optional. */
function readEnvironmentFile(spec: string, baseDir: string, into: Record<string, string>): string | undefined {
  const optional = spec.startsWith('-');
  const path = resolve(baseDir, optional ? spec.slice(1) : spec);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return optional ? undefined : `EnvironmentFile=${path} cannot be read`;
  }
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let v = line.slice(eq + 1).trim();
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) v = v.slice(1, -1);
    into[line.slice(0, eq).trim().replace(/^export\s+/, '')] = v;
  }
  return undefined;
}

function readService(name: string, path: string | undefined, catalog: DirectiveCatalog, systemdVersion: number, warnings: string[]): ServiceConfig {
  const blank = { name, path, environment: {}, stdinSocket: false, stdoutSocket: false, nonBlocking: false };
  if (!path) return { ...blank, startLimit: readStartLimit(undefined, undefined), restart: readRestart(undefined) };
  const analysis = analyzeUnit(parseUnit(readFileSync(path, 'utf8')), unitContextFromPath(path), catalog, systemdVersion);
  const service: ServiceConfig = { ...blank, startLimit: readStartLimit(analysis, name), restart: readRestart(analysis) };
  const exec = afterResets(appliedIn(analysis, 'Service', 'ExecStart'));
  if (exec.length) service.command = splitCommandLine(exec[0].entry.value);
  for (const e of appliedIn(analysis, 'Service', 'Environment')) {
    if (e.entry.value === '') service.environment = {};
    else parseEnvironmentValue(e.entry.value, service.environment);
  }
  for (const e of afterResets(appliedIn(analysis, 'Service', 'EnvironmentFile'))) {
    const problem = readEnvironmentFile(e.entry.value, dirname(path), service.environment);
    if (problem) warnings.push(problem);
  }
  const wd = last(analysis, 'Service', 'WorkingDirectory');
  if (wd !== undefined) {
    const p = wd.replace(/^-/, '');
    service.workingDirectory = p === '~' ? process.env.HOME : p;
  }
  service.stdinSocket = last(analysis, 'Service', 'StandardInput') === 'socket';
  service.stdoutSocket = last(analysis, 'Service', 'StandardOutput') === 'socket';
  service.nonBlocking = bool(analysis, 'Service', 'NonBlocking', false);
  // TimeoutSec= sets both timeouts; a TimeoutStopSec= after it (or before: the last one wins) sets the stop one.
  let stop: string | undefined;
  for (const e of appliedIn(analysis, 'Service')) if (e.entry.key === 'TimeoutStopSec' || e.entry.key === 'TimeoutSec') stop = e.entry.value;
  const stopMs = stop ? spanMs(stop) : undefined;
  if (stopMs !== undefined) service.timeoutStopMs = stopMs;
  return service;
}

/**
 * socket_add_extras(): unset (or infinity, the same sentinel) is 2 s; the burst defaults to 200 with
 * Accept=yes and 20 without. 0 in either turns the limit off (limits.ts).
 */
function readTriggerLimit(analysis: UnitAnalysis, unitName: string, accept: boolean): LimitSetting {
  const intervalText = last(analysis, 'Socket', 'TriggerLimitIntervalSec');
  const interval = intervalText === undefined ? undefined : spanMs(intervalText);
  const burst = int(analysis, 'Socket', 'TriggerLimitBurst');
  return {
    intervalMs: interval === undefined || interval === Infinity ? 2000 : interval,
    burst: burst ?? (accept ? 200 : 20),
    setIn: interval !== undefined || burst !== undefined ? unitName : undefined,
  };
}

export function readActivateConfig(unitPath: string, text: string, catalog: DirectiveCatalog, systemdVersion: number): ActivateConfig {
  const context = unitContextFromPath(resolve(unitPath));
  const analysis = analyzeUnit(parseUnit(text), context, catalog, systemdVersion);
  const unitName = context.unitName ?? basename(unitPath);
  const warnings: string[] = [];
  const ports: ListenPort[] = [];
  // Listen*= in configuration order; an empty assignment of any of them clears the whole list.
  for (const e of appliedIn(analysis, 'Socket')) {
    if (!e.entry.key.startsWith('Listen')) continue;
    if (e.entry.value === '') {
      ports.length = 0;
      continue;
    }
    const address = parseListenAddress(e.entry.key, e.entry.value, unitName, systemdVersion);
    if (address.ok) ports.push({ directive: e.entry.key, value: e.entry.value, address });
  }
  const accept = bool(analysis, 'Socket', 'Accept', false);
  const ipv6 = last(analysis, 'Socket', 'BindIPv6Only');
  const triggerLimit = readTriggerLimit(analysis, unitName, accept);
  const freeBind = bool(analysis, 'Socket', 'FreeBind', false);
  const config: ActivateConfig = {
    unitPath,
    unitName,
    ports,
    accept,
    backlog: int(analysis, 'Socket', 'Backlog'),
    socketMode: mode(analysis, 'SocketMode', 0o666),
    directoryMode: mode(analysis, 'DirectoryMode', 0o755),
    reusePort: bool(analysis, 'Socket', 'ReusePort', false),
    keepAlive: bool(analysis, 'Socket', 'KeepAlive', false),
    noDelay: bool(analysis, 'Socket', 'NoDelay', false),
    receiveBuffer: size(analysis, 'ReceiveBuffer'),
    sendBuffer: size(analysis, 'SendBuffer'),
    bindIPv6Only: ipv6 === 'ipv6-only' || ipv6 === 'both' ? ipv6 : 'default',
    freeBind,
    keepAliveTimeSec: seconds(analysis, 'KeepAliveTimeSec'),
    keepAliveIntervalSec: seconds(analysis, 'KeepAliveIntervalSec'),
    keepAliveProbes: int(analysis, 'Socket', 'KeepAliveProbes'),
    deferAcceptSec: seconds(analysis, 'DeferAcceptSec'),
    broadcast: bool(analysis, 'Socket', 'Broadcast', false),
    passCredentials: bool(analysis, 'Socket', 'PassCredentials', false),
    passSecurity: bool(analysis, 'Socket', 'PassSecurity', false),
    transparent: bool(analysis, 'Socket', 'Transparent', false),
    priority: int(analysis, 'Socket', 'Priority'),
    mark: int(analysis, 'Socket', 'Mark'),
    ipTOS: ipTos(last(analysis, 'Socket', 'IPTOS')),
    ipTTL: int(analysis, 'Socket', 'IPTTL'),
    bindToDevice: last(analysis, 'Socket', 'BindToDevice'),
    pipeSize: size(analysis, 'PipeSize'),
    messageQueueMaxMessages: int(analysis, 'Socket', 'MessageQueueMaxMessages'),
    messageQueueMessageSize: int(analysis, 'Socket', 'MessageQueueMessageSize'),
    socketUser: last(analysis, 'Socket', 'SocketUser'),
    socketGroup: last(analysis, 'Socket', 'SocketGroup'),
    removeOnStop: bool(analysis, 'Socket', 'RemoveOnStop', false),
    fdName: last(analysis, 'Socket', 'FileDescriptorName'),
    maxConnections: int(analysis, 'Socket', 'MaxConnections') ?? 64,
    maxConnectionsPerSource: int(analysis, 'Socket', 'MaxConnectionsPerSource') ?? 0,
    triggerLimit,
    warnings,
  };
  const dir = dirname(resolve(unitPath));
  const serviceName = last(analysis, 'Socket', 'Service') ?? (accept ? `${unitPrefix(unitName)}@.service` : withSuffix(unitName, '.service'));
  const servicePath = join(dir, serviceName);
  config.service = readService(serviceName, existsSync(servicePath) ? servicePath : undefined, catalog, systemdVersion, warnings);
  return config;
}
