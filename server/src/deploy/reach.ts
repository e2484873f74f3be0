/**
 * Why a target cannot be used, in words. systemctl, ssh and sudo each say it their own way, and mostly in
 * errno text that means something else out of context ("Failed to connect to bus: Host is down" is
 * systemctl's way of saying that PID 1 is not systemd; "No medium found" that there is no user session).
 * One table turns those lines into a plain reason for every place that shows one: the CLI's stderr (so
 * terminals and CI get it), its JSON, the deploy terminal, the target picker and the Socket Units view. The
 * raw line is always kept beside the reason: it is what a search engine or a bug report needs.
 *
 * `probeTarget` is the cheap check the commands and the picker run first: one `systemctl show -p Version`
 * (manager properties, readable without root), which needs the same bus, ssh login and sudo as everything
 * after it.
 */
import type { CommandResult, Target, TargetSpec } from './target';

/** Where the failure happened, for the wording ("here", "on web1"). */
export type Where = Pick<TargetSpec, 'kind'> & { host?: string };

export interface Failure {
  /** Plain words, one line; the raw text when no rule of the table knows it. */
  reason: string;
  /** The line the program printed (the one the reason was read from). */
  raw: string;
  /** A rule knew the line. */
  known: boolean;
  /** PID 1 is not systemd: nothing (not even root) can reach a system manager there. */
  notBooted?: boolean;
}

interface Rule {
  /** Matched against the whole stderr: systemctl prints the telling line first and an errno line after it. */
  test: RegExp;
  /** Which targets the rule is for (default: every kind). */
  kinds?: Array<Where['kind']>;
  reason: (m: RegExpExecArray, where: Where) => string;
  notBooted?: boolean;
}

const on = (w: Where) => (w.kind === 'host' ? `on ${w.host}` : 'here');
const manager = (w: Where) => (w.kind === 'user' ? 'systemd user manager' : 'systemd system manager');

// Order matters: the first rule that matches wins, so specific lines come before the errno lines they
// are followed by ("System has not been booted …" comes with "Host is down").
const RULES: Rule[] = [
  // --- ssh (exit 255): the connection or the login failed before any remote command ran.
  { test: /Could not resolve hostname (\S+?):/, reason: (m) => `the host name ${m[1]} is not known (not in DNS or /etc/hosts, and no ssh_config Host alias of that name)` },
  { test: /connect to host (\S+) port (\d+): Connection refused/, reason: (m) => `nothing accepts ssh connections on ${m[1]} port ${m[2]} (sshd is not running there, or listens on another port)` },
  { test: /connect to host (\S+) port (\d+): (?:Connection|Operation) timed out/, reason: (m) => `${m[1]} does not answer on port ${m[2]} (the machine is down, or a firewall drops the connection)` },
  { test: /connect to host (\S+) port \d+: No route to host/, reason: (m) => `there is no network route to ${m[1]} (the machine is down or on another network)` },
  { test: /connect to host (\S+) port \d+: Network is unreachable/, reason: (m) => `the network of ${m[1]} cannot be reached from here` },
  { test: /connect to host (\S+) port \d+: Host is down/, reason: (m) => `${m[1]} is down (it does not answer on the network)` },
  { test: /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for \S+ has changed/, reason: (_m, w) => `the host key of ${w.host} has changed since it was last accepted: check with its administrator, then update known_hosts` },
  { test: /Host key verification failed/, reason: (_m, w) => `the host key of ${w.host} is not known here: connect once with \`ssh ${w.host}\` to check and accept it` },
  { test: /Permission denied \((?:publickey|password|keyboard-interactive|gssapi)/, reason: (_m, w) => `${w.host} refused the ssh login: it accepts none of your keys (no password is asked: sockact runs ssh with BatchMode)` },
  { test: /kex_exchange_identification|Connection closed by .* port \d+|Connection reset by .* port \d+/, reason: (_m, w) => `${w.host} closed the connection during the ssh handshake (too many connections at once, or not an ssh server)` },
  { test: /^ssh: not found$/m, reason: () => 'ssh is not installed here (Debian package: openssh-client)' },
  // --- sudo -n on a host (and sudo here).
  { test: /sudo: (?:a password is required|a terminal is required to read the password)/, reason: (_m, w) => `sudo ${on(w)} needs a password, and sudo -n cannot ask for one: allow this user passwordless sudo, or connect as root` },
  { test: /(\S+) is not in the sudoers file|user (\S+) is not allowed to execute/, reason: (m, w) => `${m[1] ?? m[2]} may not use sudo ${on(w)}` },
  { test: /sudo: (?:command )?not found|sudo: No such file or directory/, reason: (_m, w) => `sudo is not installed ${on(w)}` },
  { test: /systemctl: (?:command )?not found|systemctl: No such file or directory|^systemctl: not found$/m, reason: (_m, w) => `there is no systemctl ${on(w)}: it does not run systemd` },
  // --- systemctl: the manager's bus.
  // systemctl checks for systemd as PID 1 before it connects, and fails with a made-up EHOSTDOWN when it is
  // not: "Host is down" has nothing to do with a host.
  { test: /System has not been booted with systemd as init system|Failed to connect to bus: Host is down/, kinds: ['system', 'host'], reason: (_m, w) => `${w.kind === 'host' ? w.host : 'this machine'} was not booted with systemd (PID 1 is another init, as in most containers), so there is no system manager`, notBooted: true },
  { test: /Failed to connect to bus: No medium found/, kinds: ['user'], reason: () => 'no systemd user manager is running here ($XDG_RUNTIME_DIR is not set: no login session; `loginctl enable-linger USER` gives the user a manager at boot)' },
  { test: /Failed to connect to bus: (?:No such file or directory|Connection refused|Host is down)/, kinds: ['user'], reason: () => 'no systemd user manager is running here (its bus in $XDG_RUNTIME_DIR does not answer)' },
  // Not root, systemctl talks to the manager through the system D-Bus, which a minimal system may lack.
  { test: /Failed to connect to bus: (?:No such file or directory|Connection refused)/, kinds: ['system'], reason: () => (process.getuid?.() === 0 ? 'no systemd system manager is running here (its bus does not answer)' : 'the system D-Bus is not running here, and systemctl needs it when not run as root') },
  { test: /Failed to connect to bus: (?:No such file or directory|Connection refused|Host is down)/, reason: (_m, w) => `no ${manager(w)} is running ${on(w)} (its bus does not answer)` },
  { test: /Failed to connect to bus: Permission denied/, reason: (_m, w) => `this user may not talk to the ${manager(w)} ${on(w)} (its bus refused the connection)` },
  // polkit's answer to a user who is not root, when nobody can be asked to authenticate.
  { test: /Interactive authentication required|Access denied/, reason: (_m, w) => `the ${manager(w)} ${on(w)} refused: this needs root (polkit would have to ask for a password, and cannot here)${w.kind === 'host' ? '; --sudo runs it under sudo -n for an ssh user who is not root' : ''}` },
  { test: /Permission denied/, reason: (_m, w) => `permission denied ${on(w)}: this needs root${w.kind === 'host' ? ' (--sudo runs it under sudo -n for an ssh user who is not root)' : ''}` },
  { test: /Failed to connect to bus: Connection timed out|Connection timed out/, reason: (_m, w) => `the ${manager(w)} ${on(w)} does not answer (busy or hung)` },
  { test: /Transport endpoint is not connected|Connection reset by peer/, reason: (_m, w) => `the ${manager(w)} ${on(w)} went away during the call` },
  // --- our own time limit (runCommand).
  { test: /did not finish within ([\d.]+) s/, reason: (m, w) => (w.kind === 'host' ? `${w.host} did not answer within ${m[1]} s` : `systemctl did not answer within ${m[1]} s`) },
];

/** The line worth quoting: systemctl's "Failed to …", ssh's "ssh: …"/"connect to …", else the last line. */
function rawLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.filter((l) => /^(?:Failed to |System has not been booted|ssh: |sudo: |.*: Connection refused)/.test(l)).pop() ?? lines.pop() ?? '';
}

/** The plain reason for what a program printed on `where`; `known` false when no rule knows it. */
export function explainFailure(text: string, where: Where): Failure {
  const raw = rawLine(text);
  for (const rule of RULES) {
    if (rule.kinds && !rule.kinds.includes(where.kind)) continue;
    const m = rule.test.exec(text);
    if (m) return { reason: rule.reason(m, where), raw, known: true, ...(rule.notBooted ? { notBooted: true } : {}) };
  }
  return { reason: raw || 'failed without saying why', raw, known: false };
}

/** "reason — program said: raw": one line with both, for stderr and step details. */
export function failureLine(f: Failure, program = 'systemctl'): string {
  // The host target already prefixes ssh's words with "ssh HOST: "; the program's name says it once.
  return f.known && f.raw ? `${f.reason} — ${program} said: ${f.raw.replace(/^(?:ssh|sudo)(?: [^\s:]+)?: /, '')}` : f.reason;
}

/** The program whose words `raw` are, for failureLine. */
export function programOf(r: CommandResult, where: Where): string {
  if (where.kind === 'host' && r.code === 255) return 'ssh';
  if (/^sudo: /m.test(r.stderr)) return 'sudo';
  return where.kind === 'user' ? 'systemctl --user' : 'systemctl';
}

export type Probe = { ok: true } | ({ ok: false } & Failure & { line: string });

const whereOf = (target: Target): Where => ({ kind: target.spec.kind, host: target.spec.kind === 'host' ? target.spec.host : undefined });

/** Explains a failed command of `target` (one line in `line`: reason and raw text). */
export function explainResult(target: Target, r: CommandResult): Failure & { line: string } {
  // ssh's own failures were already reworded by the host target ("ssh HOST: …"): explain what ssh said.
  const where = whereOf(target);
  const f = explainFailure(r.stderr.trim() ? r.stderr : r.stdout, where);
  return { ...f, line: failureLine(f, programOf(r, where)) };
}

/** Whether the target's manager answers at all: one cheap call, bounded by `timeoutMs`. */
export async function probeTarget(target: Target, timeoutMs = 10_000): Promise<Probe> {
  const r = await target.systemctl(['show', '-p', 'Version'], timeoutMs);
  if (r.code === 0 && /^Version=/m.test(r.stdout)) return { ok: true };
  return { ok: false, ...explainResult(target, r) };
}
