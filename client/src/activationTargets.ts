/**
 * The parts of Run with Socket Activation that need neither VS Code nor a process, so node --test can
 * check them (test/activationClient.test.ts): the `sockact activate` argument list built from the
 * settings, and which of the addresses a run listens on a test request can go to.
 */

/** The settings a run is built from, as read from the configuration (unknown: settings.json is hand-edited). */
export interface ActivateSettings {
  /** The unit file to run. */
  fsPath: string;
  /** sockact.systemdVersion: a number, or "auto". */
  systemdVersion?: unknown;
  /** sockact.activate.command: the program instead of ExecStart=. */
  command?: unknown;
  /** Run with Socket Activation (watch): sockact.activate.watch and sockact.activate.build. */
  watch?: { paths?: unknown; build?: unknown };
}

/** A list of non-empty strings, or undefined when the value is anything else (or empty). */
function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '') ? (value as string[]) : undefined;
}

/**
 * The arguments after `sockact activate`, in the order run.ts parses them. Under watch, the folder list
 * empty means a plain `--watch` (the CLI picks WorkingDirectory= or the program's folder); entries become
 * one `--watch=PATH` each (relative paths resolve against the unit's folder, where sockact runs), and no
 * plain `--watch`, since that would add the default tree as well. The build program goes in `--build`,
 * each of its arguments in a `--build-arg` of its own (a separate word: the CLI takes it as it is, even
 * when it starts with '-'). A setting of the wrong shape is an error the caller shows, not a silent default.
 */
export function activateArgs(s: ActivateSettings): { args: string[] } | { error: string } {
  const args: string[] = [];
  const version = s.systemdVersion;
  if (version !== undefined && version !== 'auto' && version !== '' && Number.isInteger(Number(version))) args.push('--systemd-version', String(version));
  if (s.watch) {
    const { paths, build } = s.watch;
    const isEmpty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);
    if (isEmpty(paths)) args.push('--watch');
    else {
      const list = strings(paths);
      if (!list) return { error: 'sockact.activate.watch must be a list of file or folder paths (relative to the unit\'s folder)' };
      for (const p of list) args.push(`--watch=${p}`);
    }
    if (!isEmpty(build)) {
      const list = strings(build);
      if (!list) return { error: 'sockact.activate.build must be a list: the build program, then its arguments' };
      args.push('--build', list[0]);
      for (const a of list.slice(1)) args.push('--build-arg', a);
    }
  }
  args.push(s.fsPath);
  const command = strings(s.command);
  if (command) args.push('--', ...command);
  return { args };
}

/** Where a test request goes: a TCP host and port, or a Unix stream socket (a path, or "\0name" for an abstract one). */
export type RequestTarget = { host: string; port: number } | { socketPath: string };

export interface TestRequestChoices {
  /** Addresses an HTTP GET can be sent to, with where it connects. */
  offered: Array<{ label: string; target: RequestTarget }>;
  /** The others, each with why not (a datagram socket, a FIFO, …). */
  skipped: Array<{ label: string; why: string }>;
}

/** Turns a `listening on` label into a host and port to connect to (undefined for a non-TCP address). */
export function connectAddress(label: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]*\]|[^\s/\[\]@]+):(\d+)$/.exec(label);
  if (!m) return undefined;
  let host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  if (host === '::' || host === '0.0.0.0' || host === '*') host = '127.0.0.1';
  // A scoped link-local address (fe80::1%eth0) keeps its scope for connect().
  return { host, port: Number(m[2]) };
}

/**
 * Sorts the `listening on` labels (server/src/activate/sockets.ts labelOf) into what an HTTP request can
 * reach, TCP and Unix stream sockets, and the rest with a reason. The label's suffix says the kind:
 * " (udp)", " (datagram)", " (seqpacket)", " (fifo)", " (special file)", " (message queue)"; netlink and
 * vsock have a prefix of their own.
 */
export function testRequestChoices(listening: readonly string[]): TestRequestChoices {
  const choices: TestRequestChoices = { offered: [], skipped: [] };
  for (const label of listening) {
    const suffix = /\s\((udp|datagram|seqpacket|fifo|special file|message queue)\)$/.exec(label)?.[1];
    if (suffix) {
      choices.skipped.push({ label, why: suffix === 'udp' || suffix === 'datagram' ? 'a datagram socket (HTTP needs a stream)' : suffix === 'seqpacket' ? 'a seqpacket socket (HTTP needs a stream)' : `a ${suffix}, not a socket` });
      continue;
    }
    const tcp = connectAddress(label);
    if (tcp) choices.offered.push({ label, target: tcp });
    else if (label.startsWith('/')) choices.offered.push({ label, target: { socketPath: label } });
    else if (label.startsWith('@')) choices.offered.push({ label, target: { socketPath: `\0${label.slice(1)}` } });
    else choices.skipped.push({ label, why: /^netlink /.test(label) ? 'a netlink socket' : /^vsock:/.test(label) ? 'a vsock socket (not reachable from here)' : 'not a TCP or Unix stream socket' });
  }
  return choices;
}

/** The one-line reason when nothing is left to send a request to. */
export function noTargetReason(choices: TestRequestChoices): string {
  if (!choices.skipped.length) return 'nothing is listening (start a .socket unit with ListenStream= first)';
  return `no TCP or Unix stream socket to send HTTP to: ${choices.skipped.map((s) => `${s.label} is ${s.why}`).join('; ')}`;
}

/** The status bar text's list of addresses: all of them up to three, else the first two and how many more. */
export function shortAddressList(listening: readonly string[]): string {
  return listening.length <= 3 ? listening.join(', ') : `${listening.slice(0, 2).join(', ')} +${listening.length - 2} more`;
}
