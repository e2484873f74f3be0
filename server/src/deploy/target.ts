/**
 * Where units are deployed: the user manager (~/.config/systemd/user, `systemctl --user`), the system
 * manager (/etc/systemd/system, `systemctl`) or a remote host's system manager over OpenSSH. Every command is
 * an argument array; for SSH, which joins the remote command into one string for the remote shell, each
 * argument is single-quoted so the remote shell gets back exactly those arguments. Nothing here prompts or
 * stores a password: `--system` without root runs through sudo in the user's terminal (see cli), SSH uses
 * the user's own keys and agent with BatchMode (no password prompt can hang a run).
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { chmodSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';

export type TargetSpec =
  | { kind: 'user' }
  | { kind: 'system' }
  /** A remote host's system manager; `sudo`: the ssh user is not root and has passwordless `sudo -n`. */
  | { kind: 'host'; host: string; sshConfig?: string; sudo?: boolean };

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ConnectResult {
  ok: boolean;
  /** The first bytes the service sent back (up to 4 KiB), when it answered. */
  answer?: string;
  /** One line: why the connection failed. */
  error?: string;
}

export interface Target {
  spec: TargetSpec;
  /** "user manager", "system manager", "host web1": how results name this target. */
  label: string;
  /** Where unit files are installed on the target. */
  unitDir: string;
  /** `systemctl [--user] ARGS` on the target. */
  systemctl(args: string[], timeoutMs?: number): Promise<CommandResult>;
  /** `journalctl [--user] ARGS` on the target. */
  journalctl(args: string[], timeoutMs?: number): Promise<CommandResult>;
  /** Any command on the target (as the target's user: root for system and hosts reached as root). */
  run(argv: string[], options?: { input?: string; timeoutMs?: number }): Promise<CommandResult>;
  /** Contents of a file on the target, or undefined when it does not exist. */
  readFile(path: string): Promise<string | undefined>;
  /** Writes a file on the target (mode 0644, parent folders created). */
  writeFile(path: string, content: string): Promise<void>;
  /** Removes files (missing ones are fine) and then the listed folders if they became empty. */
  removeFiles(paths: string[], folders?: string[]): Promise<void>;
  /**
   * Opens a TCP connection to host:port as seen from the target (a host target connects through
   * `ssh -W`, so 127.0.0.1 means the remote machine), optionally sends `payload`, and waits up to
   * `timeoutMs` for the first bytes back.
   */
  connect(host: string, port: number, payload?: string, timeoutMs?: number): Promise<ConnectResult>;
  /** The same for a Unix socket path (local targets only; undefined when this target can't). */
  connectUnix?(path: string, payload?: string, timeoutMs?: number): Promise<ConnectResult>;
}

export class TargetError extends Error {}

/** ssh options every call uses: no password prompts (a deploy must never hang on one), short connect. */
const SSH_OPTIONS = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10'];

/**
 * Where the ssh control sockets of OpenSSH multiplexing go on `platform`, or undefined for no multiplexing.
 * Windows' OpenSSH has no ControlMaster, so none there. ssh names a socket by %C (40 hex digits) and first
 * binds it under a temporary name 17 characters longer (".<16 random>"); a path longer than a Unix socket
 * address holds (104 bytes on macOS and the BSDs, 108 on Linux, with the NUL) makes ssh exit at once
 * (status 255) instead of running without a master. macOS's tmpdir (/var/folders/xx/<28 chars>/T/) is too long
 * for that, so /tmp is tried next. A folder with '%' in it would be read as ssh's %-tokens: skipped too.
 */
export function controlDirFor(platform: string, tmp: string, uid: number | string): string | undefined {
  if (platform === 'win32') return undefined;
  const room = (platform === 'linux' ? 108 : 104) - 1;
  for (const base of [tmp, '/tmp']) {
    const dir = posix.join(base, `sockact-ssh-${uid}`);
    if (!dir.includes('%') && Buffer.byteLength(dir) + 1 + 40 + 17 <= room) return dir;
  }
  return undefined;
}

/**
 * One SSH connection per host, shared by every command of a run (OpenSSH multiplexing): a deploy and its
 * checklist make dozens of calls, which would otherwise each pay a handshake (~0.5 s) and can trip sshd's
 * MaxStartups under parallel deploys. The master lingers 30 s after the last call. The socket folder must be
 * ours and private; if it is not, we simply don't multiplex.
 */
function multiplexOptions(): string[] {
  const dir = controlDirFor(process.platform, tmpdir(), process.getuid?.() ?? 'u');
  if (!dir) return [];
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch { /* exists: checked below */ }
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory() || (st.mode & 0o077) !== 0 || (process.getuid && st.uid !== process.getuid())) return [];
  } catch {
    return [];
  }
  return ['-o', 'ControlMaster=auto', '-o', `ControlPath=${posix.join(dir, '%C')}`, '-o', 'ControlPersist=30'];
}

/** A Host alias or [user@]hostname; no leading '-' (it would be an ssh option), no spaces or shell characters. */
export function isValidHost(host: string): boolean {
  return /^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9._:-]+$/.test(host) && !host.startsWith('-');
}

/** POSIX shell single-quoting: the remote shell turns it back into exactly `arg`. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Runs argv (no shell) and collects its output; a program that can't start gives code 127 and a one-line stderr. */
export function runCommand(argv: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (r: CommandResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ code: 124, stdout, stderr: `${stderr}${argv[0]} did not finish within ${(options.timeoutMs ?? 60_000) / 1000} s\n` });
    }, options.timeoutMs ?? 60_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) => finish({ code: 127, stdout, stderr: `${argv[0]}: ${e.code === 'ENOENT' ? 'not found' : e.message}\n` }));
    child.on('close', (code, signal) => finish({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

function connectLocal(options: net.NetConnectOpts, payload: string | undefined, timeoutMs: number): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const socket = net.connect(options);
    let answer = '';
    let done = false;
    const finish = (r: ConnectResult) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => finish(answer ? { ok: true, answer } : { ok: true, error: `no answer within ${timeoutMs / 1000} s` }));
    socket.on('connect', () => {
      if (payload) socket.write(payload);
    });
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (answer.length >= 4096) finish({ ok: true, answer: answer.slice(0, 4096) });
    });
    socket.on('end', () => finish(answer ? { ok: true, answer } : { ok: true, error: 'the service closed the connection without answering' }));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(answer ? { ok: true, answer } : { ok: false, error: `${e.code ?? e.message}` }));
  });
}

/** Through `ssh -W host:port`: the connection is made by the remote sshd, from the remote machine. */
function connectViaSsh(sshBase: string[], host: string, port: number, payload: string | undefined, timeoutMs: number): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const child = spawn(sshBase[0], [...sshBase.slice(1, -1), '-W', `${host.includes(':') ? `[${host}]` : host}:${port}`, sshBase[sshBase.length - 1]], { stdio: ['pipe', 'pipe', 'pipe'] });
    let answer = '';
    let stderr = '';
    let done = false;
    const finish = (r: ConnectResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGTERM');
      resolve(r);
    };
    // ssh exits at once when the remote connect fails ("open failed"); still running here means the
    // connection was accepted and the service is merely silent, as with a local connect.
    const timer = setTimeout(() => finish(answer ? { ok: true, answer } : { ok: true, error: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    child.stdout.on('data', (d) => {
      answer += d.toString('latin1');
      if (answer.length >= 4096) finish({ ok: true, answer: answer.slice(0, 4096) });
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => finish({ ok: false, error: `ssh: ${e.message}` }));
    child.on('close', () => finish(answer ? { ok: true, answer } : { ok: false, error: stderr.trim().split('\n').pop() || 'the connection closed without an answer' }));
    child.stdin.on('error', () => {});
    if (payload) child.stdin.write(payload);
  });
}

export function createTarget(spec: TargetSpec): Target {
  if (spec.kind === 'host') return hostTarget(spec);
  const user = spec.kind === 'user';
  const scope = user ? ['--user'] : [];
  return {
    spec,
    label: user ? 'user manager' : 'system manager',
    unitDir: user ? join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'systemd', 'user') : '/etc/systemd/system',
    systemctl: (args, timeoutMs) => runCommand(['systemctl', ...scope, ...args], { timeoutMs }),
    journalctl: (args, timeoutMs) => runCommand(['journalctl', ...scope, ...args], { timeoutMs }),
    run: (argv, options) => runCommand(argv, options),
    readFile: async (path) => {
      const r = await runCommand(['cat', '--', path]);
      return r.code === 0 ? r.stdout : undefined;
    },
    writeFile: async (path, content) => {
      // Not `install /dev/stdin` as over ssh: Node hands a child a socket, not a pipe, as stdin, and
      // opening /dev/stdin on a socket fails (ENXIO). A temp file renamed over the old one replaces a
      // symlink (a masked unit, a `systemctl link`ed file) instead of writing through it, as install does.
      const tmp = join(dirname(path), `.${basename(path)}.sockact-${process.pid}.tmp`);
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
        writeFileSync(tmp, content, { mode: 0o644 });
        chmodSync(tmp, 0o644);
        renameSync(tmp, path);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw new TargetError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    },
    removeFiles: async (paths, folders = []) => {
      if (paths.length) await runCommand(['rm', '-f', '--', ...paths]);
      if (folders.length) await runCommand(['rmdir', '--ignore-fail-on-non-empty', '--', ...folders]);
    },
    connect: (host, port, payload, timeoutMs = 5000) => connectLocal({ host, port }, payload, timeoutMs),
    connectUnix: (path, payload, timeoutMs = 5000) => connectLocal({ path }, payload, timeoutMs),
  };
}

function hostTarget(spec: { kind: 'host'; host: string; sshConfig?: string; sudo?: boolean }): Target {
  if (!isValidHost(spec.host)) throw new TargetError(`not a host name or ssh alias: '${spec.host}'`);
  const base = ['ssh', ...(spec.sshConfig ? ['-F', spec.sshConfig] : []), ...SSH_OPTIONS, ...multiplexOptions(), spec.host];
  const remote = (argv: string[], options?: { input?: string; timeoutMs?: number }) =>
    runCommand([...base, '--', ...(spec.sudo ? ['sudo', '-n', '--'] : []), ...argv.map(shellQuote)], options).then((r) => {
      // 255 is ssh's own failure (unreachable, refused key, unknown host key): say so in one line.
      // ssh's own messages start with "ssh: " already; the host name says more.
      if (r.code === 255) r.stderr = `ssh ${spec.host}: ${r.stderr.trim().split('\n').pop()?.replace(/^ssh: /, '') || 'connection failed'}\n`;
      return r;
    });
  return {
    spec,
    label: `host ${spec.host}`,
    unitDir: '/etc/systemd/system',
    systemctl: (args, timeoutMs) => remote(['systemctl', ...args], { timeoutMs }),
    journalctl: (args, timeoutMs) => remote(['journalctl', ...args], { timeoutMs }),
    run: remote,
    readFile: async (path) => {
      const r = await remote(['cat', '--', path]);
      if (r.code === 255) throw new TargetError(r.stderr.trim());
      return r.code === 0 ? r.stdout : undefined;
    },
    writeFile: async (path, content) => {
      const r = await remote(['install', '-D', '-m', '0644', '/dev/stdin', path], { input: content });
      if (r.code !== 0) throw new TargetError(`cannot write ${path} on ${spec.host}: ${r.stderr.trim().split('\n').pop()}`);
    },
    removeFiles: async (paths, folders = []) => {
      if (paths.length) await remote(['rm', '-f', '--', ...paths]);
      if (folders.length) await remote(['rmdir', '--ignore-fail-on-non-empty', '--', ...folders]);
    },
    connect: (host, port, payload, timeoutMs = 5000) => connectViaSsh(base, host, port, payload, timeoutMs),
  };
}
