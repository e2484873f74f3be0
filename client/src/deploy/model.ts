/**
 * The data side of Deploy / Verify / Socket Units, without `vscode`: the targets a user can pick, the one
 * place that builds the `sockact` command lines for them, the host names offered from an ssh_config, and
 * the parsing of the CLI's JSON (`list-sockets --format json`, `verify --format json`) into what the
 * tree view and the checklist show. Unit-tested in test/deployClient.test.ts.
 *
 * Targets are keys: 'user' (the user manager), 'system' (the system manager) or 'host:NAME' (a host's
 * system manager over OpenSSH; NAME is an ssh alias or [user@]host, checked with the CLI's own rule).
 */
import { homedir } from 'node:os';
import { isValidHost } from '../../../server/src/deploy/target';
import { hasLocalManagers } from '../../../server/src/node/platform';

export type TargetKey = 'user' | 'system' | `host:${string}`;

/** The `sockact.deploy.*` settings. */
export interface DeploySettings {
  /** ssh aliases or [user@]hosts. */
  hosts: string[];
  /** An ssh_config file for `ssh -F`; empty: ssh's own default (~/.ssh/config). */
  sshConfig: string;
  /** The ssh user is not root: remote commands run through `sudo -n`. */
  sudo: boolean;
}

export { isValidHost };

export function hostKey(host: string): TargetKey {
  return `host:${host}`;
}

/** The host of a 'host:NAME' key, else undefined. */
export function hostOf(key: TargetKey): string | undefined {
  return key.startsWith('host:') ? key.slice('host:'.length) : undefined;
}

/** A target key from what a caller passed ('user', 'system', 'host:web1'); undefined when it is none. */
export function parseTargetKey(value: unknown): TargetKey | undefined {
  if (value === 'user' || value === 'system') return value;
  if (typeof value === 'string' && value.startsWith('host:') && isValidHost(value.slice(5))) return value as TargetKey;
  return undefined;
}

/** How the UI names a target: "User manager", "System manager", "web1". */
export function targetTitle(key: TargetKey): string {
  return key === 'user' ? 'User manager' : key === 'system' ? 'System manager' : hostOf(key)!;
}

/** How the CLI names a target in its output and messages: "user manager", "system manager", "host web1". */
export function targetLabel(key: TargetKey): string {
  return key === 'user' ? 'user manager' : key === 'system' ? 'system manager' : `host ${hostOf(key)}`;
}

/**
 * `~/x` → the home folder's x (ssh itself expands ~ in -F, but only when a shell is not in between); on
 * Windows `~\x` too.
 */
export function expandHome(path: string, platform: string = process.platform, home: string = homedir()): string {
  if (path === '~') return home;
  return path.startsWith('~/') || (platform === 'win32' && path.startsWith('~\\')) ? `${home}${path.slice(1)}` : path;
}

/** The targets on this machine: its user and system manager, where there is systemd (Linux); else none. */
export function localTargets(platform: string = process.platform): TargetKey[] {
  return hasLocalManagers(platform) ? ['user', 'system'] : [];
}

/** The configured hosts that are usable (valid, no duplicates), in the order given. */
export function configuredHosts(settings: DeploySettings): string[] {
  return [...new Set(settings.hosts.map((h) => h.trim()).filter((h) => h && isValidHost(h)))];
}

/** The targets the Socket Units view shows: user manager, system manager (Linux), each configured host. */
export function viewTargets(settings: DeploySettings, platform: string = process.platform): TargetKey[] {
  return [...localTargets(platform), ...configuredHosts(settings).map(hostKey)];
}

/**
 * Groups picked targets into CLI runs: the CLI takes `--user`, or `--system`, or any number of `--host`,
 * so the user manager and the system manager each get a run of their own and all hosts share one.
 */
export function groupTargets(keys: readonly TargetKey[]): TargetKey[][] {
  const groups: TargetKey[][] = [];
  if (keys.includes('user')) groups.push(['user']);
  if (keys.includes('system')) groups.push(['system']);
  const hosts = [...new Set(keys.filter((k) => hostOf(k) !== undefined))];
  if (hosts.length) groups.push(hosts);
  return groups;
}

/** The CLI's target options for one group: `--user`, `--system`, or `--host H...` `[--ssh-config F] [--sudo]`. */
export function targetArgs(keys: readonly TargetKey[], settings: DeploySettings): string[] {
  if (keys.length === 0) throw new Error('no target');
  if (keys.length === 1 && (keys[0] === 'user' || keys[0] === 'system')) return [`--${keys[0]}`];
  const hosts = keys.map(hostOf);
  if (hosts.some((h) => h === undefined)) throw new Error('the user or system manager cannot be combined with other targets in one run');
  const args: string[] = [];
  for (const h of hosts as string[]) {
    if (!isValidHost(h)) throw new Error(`not a host name or ssh alias: '${h}'`);
    args.push('--host', h);
  }
  if (settings.sshConfig.trim()) args.push('--ssh-config', expandHome(settings.sshConfig.trim()));
  if (settings.sudo) args.push('--sudo');
  return args;
}

/** `sockact deploy|undeploy TARGETS [--force] FILE` (arguments after the CLI path). */
export function deployArgs(action: 'deploy' | 'undeploy', keys: readonly TargetKey[], settings: DeploySettings, file: string, options: { force?: boolean } = {}): string[] {
  return [action, ...targetArgs(keys, settings), ...(options.force && action === 'deploy' ? ['--force'] : []), file];
}

/** `sockact verify TARGET --format json FILE`. */
export function verifyArgs(key: TargetKey, settings: DeploySettings, file: string): string[] {
  return ['verify', ...targetArgs([key], settings), '--format', 'json', file];
}

/** `sockact list-sockets TARGET --format json`. */
export function listSocketsArgs(key: TargetKey, settings: DeploySettings): string[] {
  return ['list-sockets', ...targetArgs([key], settings), '--format', 'json'];
}

/**
 * The command line (program first) that runs the CLI: `NODE CLI ARGS`, or with `sudo`
 * `sudo -- env ELECTRON_RUN_AS_NODE=1 NODE CLI ARGS` (sudo resets the environment, and in desktop VS Code
 * NODE is Electron, which only acts as Node with that variable).
 */
export function cliCommand(node: string, cli: string, args: readonly string[], sudo: boolean, env: Record<string, string> = {}): string[] {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return sudo ? ['sudo', '--', 'env', 'ELECTRON_RUN_AS_NODE=1', ...vars, node, cli, ...args] : [node, cli, ...args];
}

/**
 * A terminal closes as soon as its program exits, taking the reason for a failure with it (all that stays
 * is "terminated with exit code: 1"). This fixed script runs the command it is given as arguments ("$@":
 * nothing of them is parsed by the shell) and, when it fails, keeps the terminal open until Enter.
 */
export const HOLD_ON_FAILURE = [
  '"$@"',
  's=$?',
  'if [ "$s" -ne 0 ]; then',
  `  printf '\n%s\n' "sockact stopped with exit status $s (the reason is above). Press Enter to close this terminal."`,
  '  read -r _',
  'fi',
  'exit "$s"',
].join('\n');

/**
 * The terminal's program and arguments: `sh -c HOLD_ON_FAILURE sockact COMMAND...`. Windows has no sh, and
 * cmd or PowerShell would parse the arguments: there the command runs as it is (the terminal closes when it
 * ends; its outcome still arrives through the result file, and a failure is shown in a notification).
 */
export function heldCommand(command: readonly string[], platform: string = process.platform): string[] {
  return platform === 'win32' ? [...command] : ['/bin/sh', '-c', HOLD_ON_FAILURE, 'sockact', ...command];
}

/** What SOCKACT_RESULT_FILE holds once the CLI has ended: its exit status and the lines it said on stderr. */
export interface CliOutcome {
  status: number;
  lines: string[];
}

/** The result file's JSON; undefined while it is empty or not (yet) that JSON. */
export function parseOutcome(text: string): CliOutcome | undefined {
  try {
    const data = JSON.parse(text) as { status?: unknown; lines?: unknown };
    return typeof data.status === 'number' ? { status: data.status, lines: strings(data.lines) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The reason for a notification: the lines the CLI said, without the program's raw words after " — "
 * (the terminal keeps them) and the target's label when only one target ran.
 */
export function outcomeReason(o: CliOutcome, single: boolean): string {
  const reasons = o.lines.map((l) => l.replace(/ — [^—]* said: .*$/, '')).map((l) => (single ? l.replace(/^(?:user manager|system manager|host [^:\s]+): /, '') : l));
  return reasons.length ? reasons.join('; ') : `exit status ${o.status}`;
}

/**
 * The `Host` names of an ssh_config that name one host: patterns (`*`, `?`, `!negated`) are left out.
 * `Host a b`, `Host=a`, any case; only the file itself (Include is not followed).
 */
export function sshConfigHosts(text: string): string[] {
  const hosts: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*host(?:\s*=\s*|\s+)(.*)$/i.exec(raw);
    if (!m) continue;
    const value = m[1].replace(/\s+#.*$/, '');
    for (const word of value.split(/\s+/).map((w) => w.replace(/^"(.*)"$/, '$1'))) {
      if (!word || /[*?!]/.test(word) || !isValidHost(word)) continue;
      if (!hosts.includes(word)) hosts.push(word);
    }
  }
  return hosts;
}

// ---------------------------------------------------------------------------------------------------
// list-sockets --format json

export interface ListenEntry {
  address: string;
  type: string;
}

export interface ListedSocket {
  unit: string;
  listen: ListenEntry[];
  activates: string[];
  socketState: string;
  serviceState: string;
}

export interface ListedTarget {
  target: string;
  ok: boolean;
  /** In plain words (the CLI's reach table). */
  error: string | null;
  /** What systemctl or ssh printed, when `error` rewords it. */
  detail: string | null;
  sockets: ListedSocket[];
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The targets of `list-sockets --format json`; throws when stdout is not that JSON. */
export function parseListSockets(stdout: string): ListedTarget[] {
  const data = JSON.parse(stdout) as { targets?: unknown };
  if (!data || !Array.isArray(data.targets)) throw new Error('no "targets" in the output of list-sockets');
  return data.targets.map((t: Record<string, unknown>) => ({
    target: str(t?.target),
    ok: t?.ok === true,
    error: typeof t?.error === 'string' ? t.error : null,
    detail: typeof t?.detail === 'string' ? t.detail : null,
    sockets: (Array.isArray(t?.sockets) ? t.sockets : []).map((s: Record<string, unknown>) => ({
      unit: str(s?.unit),
      listen: (Array.isArray(s?.listen) ? s.listen : []).map((l: Record<string, unknown>) => ({ address: str(l?.address), type: str(l?.type) })),
      activates: strings(s?.activates),
      socketState: str(s?.socketState, 'unknown'),
      serviceState: str(s?.serviceState, 'unknown'),
    })),
  }));
}

/** The tree label of a socket: its listen addresses (the unit name when it lists none). */
export function socketLabel(s: ListedSocket): string {
  const addresses = s.listen.map((l) => l.address).filter(Boolean);
  return addresses.length ? addresses.join(', ') : s.unit;
}

/** The tree description of a socket: `web.socket → web.service (inactive)`. */
export function socketDescription(s: ListedSocket): string {
  return `${s.unit} → ${s.activates.length ? s.activates.join(', ') : '?'} (${s.serviceState})`;
}

export function socketTooltip(s: ListedSocket, key: TargetKey): string {
  return [
    `${s.unit} on ${targetLabel(key)}`,
    `socket: ${s.socketState}`,
    ...s.listen.map((l) => `listens: ${l.address} (${l.type})`),
    `activates: ${s.activates.join(', ') || 'nothing listed'}`,
    `service: ${s.serviceState}`,
  ].join('\n');
}

/**
 * How the socket's state is drawn: `serving` (socket active, its service running), `waiting` (socket
 * active, service idle: the socket-activated steady state), `failed`, `inactive`.
 */
export type SocketLook = 'serving' | 'waiting' | 'failed' | 'inactive';

export function socketLook(s: ListedSocket): SocketLook {
  if (s.socketState === 'failed' || s.serviceState === 'failed') return 'failed';
  if (s.socketState === 'active' || s.socketState === 'listening' || s.socketState === 'running') {
    return s.serviceState === 'active' || s.serviceState === 'activating' || s.serviceState === 'reloading' ? 'serving' : 'waiting';
  }
  return 'inactive';
}

/**
 * One line out of a program's stderr for a message, without our CLI's prefix: the CLI's own `sockact: …`
 * line when there is one (a usage text may follow it), else the last non-empty line (ssh puts its reason last).
 */
export function oneLine(text: string, fallback = 'failed'): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => l.startsWith('sockact: ')) ?? lines.pop();
  return (line ?? fallback).replace(/^sockact: /, '');
}

// ---------------------------------------------------------------------------------------------------
// verify --format json

export type StepStatus = 'pass' | 'fail' | 'skip';

export interface VerifyStep {
  id: string;
  title: string;
  status: StepStatus;
  detail: string;
  lines: string[];
}

export interface VerifyResult {
  target: string;
  unit: string;
  ok: boolean;
  steps: VerifyStep[];
}

/** The result of `verify --format json`; throws when stdout is not that JSON. */
export function parseVerify(stdout: string): VerifyResult {
  const data = JSON.parse(stdout) as Record<string, unknown>;
  if (!data || !Array.isArray(data.steps) || typeof data.ok !== 'boolean') throw new Error('no "ok" and "steps" in the output of verify');
  return {
    target: str(data.target),
    unit: str(data.unit),
    ok: data.ok,
    steps: data.steps.map((s: Record<string, unknown>) => ({
      id: str(s?.id),
      title: str(s?.title, str(s?.id)),
      status: s?.status === 'pass' || s?.status === 'fail' || s?.status === 'skip' ? s.status : 'fail',
      detail: str(s?.detail),
      lines: strings(s?.lines),
    })),
  };
}

const MARK: Record<StepStatus, string> = { pass: '✔', fail: '✘', skip: '–' };

/** The checklist as text: one ✔/✘/– line per step with its detail, the step's own lines indented below. */
export function checklistText(r: VerifyResult): string {
  const out = [`${r.unit} on ${r.target}: ${r.ok ? 'activation verified' : 'activation check FAILED'}`, ''];
  r.steps.forEach((s, i) => {
    out.push(`${MARK[s.status]} ${i + 1}. ${s.title}${s.detail ? ` — ${s.detail}` : ''}${s.status === 'skip' ? ' (skipped)' : ''}`);
    for (const l of s.lines) out.push(`      ${l}`);
  });
  const count = (st: StepStatus) => r.steps.filter((s) => s.status === st).length;
  out.push('', `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`, '');
  return out.join('\n');
}

/** The first failed step as "step N (title): detail", for the notification. */
export function firstFailure(r: VerifyResult): string | undefined {
  const i = r.steps.findIndex((s) => s.status === 'fail');
  if (i < 0) return undefined;
  const s = r.steps[i];
  return `step ${i + 1} (${s.title})${s.detail ? `: ${s.detail}` : ''}`;
}

/** Unit names a socket's unit file may have: the name itself, and for an instance `a@b.socket` the template `a@.socket`. */
export function unitFileNames(unit: string): string[] {
  const m = /^([^@]+)@[^@]+(\.socket)$/.exec(unit);
  return m ? [unit, `${m[1]}@${m[2]}`] : [unit];
}
