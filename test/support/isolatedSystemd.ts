/**
 * A real systemd (PID 1 of its own namespaces) over a copy-on-write view of this machine's root, for tests
 * that deploy units to a real service manager: system units, user units (`systemctl --user`), sockets
 * reachable from the test on 127.0.0.1 (the network namespace is shared on purpose).
 *
 * Safety, because a systemd booted on the real root once emptied the machine's /tmp:
 * - boot-isolated-systemd.sh (beside this file) mounts an overlay (lower = /, upper = tmpfs) plus fresh
 *   /run, /tmp, /dev and pivots into it; /proc/sys and /sys are read-only; capabilities that act on the
 *   whole machine are dropped; every unit the machine itself enabled is left out of the boot.
 * - systemd ends with SIGKILL by its pid (never by name), from stop(), from a process 'exit' handler and
 *   from SIGINT/SIGTERM/SIGHUP handlers; if this Node process is SIGKILLed, a parent-death signal on the
 *   boot script and unshare's --kill-child take systemd (and so its whole pid namespace) down with it.
 * - Its processes live in one cgroup (killed with cgroup.kill and removed at the end); its mounts live in
 *   its own mount namespace and vanish with it. Cleanup only ever uses rmdir/unlink on paths this module
 *   created, never a recursive delete, so a mistake cannot delete the machine's files.
 *
 * Writing files inside: use `writeFile()` (runs inside the namespaces). Paths under `root`
 * (/proc/PID/root) are fine to READ, but an absolute symlink met while resolving such a path is resolved
 * against the HOST's root: writing through `root` onto e.g. /etc/systemd/system/sshd.service (a symlink
 * to /lib/systemd/system/ssh.service) would change the host's file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join } from 'node:path';
import { startSshServer, type SshServer } from './sshServer';

export interface ExecOptions {
  /** Run as this user (resolved inside): uid/gid/groups via setpriv, HOME/USER/LOGNAME/SHELL and
   * XDG_RUNTIME_DIR=/run/user/UID set, so `systemctl --user` reaches that user's manager. */
  user?: string;
  /** Added to the clean environment the command gets (the test's own environment is not passed in). */
  env?: Record<string, string>;
  /** Written to the command's stdin (then closed). */
  input?: string;
  /** Working directory inside; default / (or the user's home with `user`). */
  cwd?: string;
  /** Default 30 s; on timeout the command (and what it started in the namespace) gets SIGKILL, code 124. */
  timeoutMs?: number;
}

export interface ExecResult {
  /** Exit code; 128 + signal number when killed by a signal; 124 on timeout. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface UserInfo {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** /run/user/UID */
  runtimeDir: string;
}

export interface IsolatedSystemd {
  /** Host pid of the systemd that is PID 1 inside. */
  pid: number;
  /** /proc/PID/root: the isolated root seen from the host (read through it; write with writeFile()). */
  root: string;
  /** Hostname inside (its own UTS namespace), e.g. to tell where a command ran. */
  hostname: string;
  /** Host temp dir holding the (namespace-private) mount points; removed by stop(). */
  stateDir: string;
  /** Host path of the cgroup v2 directory everything inside runs in; removed by stop(). */
  cgroup: string;
  /** Milliseconds from spawning the boot script until the boot job finished (running/degraded). */
  bootMs: number;
  /** Runs argv inside (nsenter into every namespace of systemd; argument arrays only, no shell). */
  exec(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** exec(), but throws (with stdout/stderr) unless the exit code is 0; returns stdout. */
  run(argv: string[], opts?: ExecOptions): Promise<string>;
  /** Writes a file inside (parents created), as root or as `user` (who then owns it). */
  writeFile(path: string, content: string, opts?: { user?: string; mode?: string }): Promise<void>;
  /** `systemctl is-system-running --wait`; resolves to 'running' or 'degraded', throws otherwise. */
  waitRunning(timeoutMs?: number): Promise<string>;
  /** `useradd -m` inside only (the host's /etc/passwd is untouched); returns the existing user if any. */
  addUser(name: string): Promise<UserInfo>;
  /** Creates the user if needed, enables lingering and starts user@UID.service, then waits until
   * `systemctl --user is-system-running` answers for that user. */
  startUserManager(name: string): Promise<UserInfo>;
  /** The last lines of the journal inside (optionally of one unit), for failure messages. */
  journal(unit?: string, lines?: number): Promise<string>;
  /** The sshd inside, when booted with `ssh` (stopped by stop()); see sshServer.ts. */
  ssh?: SshServer;
  /** What systemd and the boot script printed (their stderr). */
  bootLog(): string;
  /** SIGKILL systemd, wait until every process of it is gone, remove its cgroup and temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface BootOptions {
  /** Hostname inside. Default: sockact-isolated. */
  hostname?: string;
  /** Extra units to mask before boot (e.g. ['dbus.socket', 'dbus.service'] to boot without D-Bus). */
  mask?: string[];
  /** If set, the user (created inside) gets a running user manager before bootIsolatedSystemd() returns. */
  userForUserManager?: string;
  /** Also start an OpenSSH server inside (sshServer.ts), on `port` or a free port: `sys.ssh`. */
  ssh?: boolean | { port?: number; alias?: string };
  /** How long booting may take. Default 30 s. */
  timeoutMs?: number;
}

// fileURLToPath, not .pathname: a checkout in a folder with spaces would otherwise get %20 in the path.
const BOOT_SCRIPT = fileURLToPath(new URL('./boot-isolated-systemd.sh', import.meta.url));
/** The checkout, bound read-only into the isolated root when it lives below its fresh /tmp or /run. */
const CHECKOUT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/**
 * The checkout as every user inside the isolated root sees it (bound there read-only by the boot script):
 * `insideCheckout('dist/cli.js')`. Use it for what other users run; a checkout in /root is not theirs to read.
 */
export const CHECKOUT_INSIDE = '/run/sockact-checkout';
export function insideCheckout(relative: string): string {
  return `${CHECKOUT_INSIDE}/${relative}`;
}
const SYSTEMD = '/lib/systemd/systemd';
const PATH_INSIDE = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Name prefix of the temp dirs and cgroups this module makes; used to sweep leftovers of killed runs. */
const PREFIX = 'sockact-isolated-';
/**
 * Capabilities that act on the whole machine rather than on the isolated root: kernel modules, the clock,
 * raw I/O, the kernel log, wake alarms/suspend, audit reading, MAC policy, process accounting. Dropped
 * from the bounding set of systemd (so of every unit) and of every exec(). CAP_AUDIT_CONTROL stays:
 * sshd's pam_loginuid needs it when the test itself runs with a login uid (e.g. a CI job reached by ssh).
 */
const DROP_CAPS = '-sys_module,-sys_time,-sys_rawio,-syslog,-wake_alarm,-block_suspend,-audit_read,-mac_admin,-mac_override,-sys_pacct';
const UNIT_NAME = /^[A-Za-z0-9:_.\\@-]+$/;

// ---------------------------------------------------------------------------------------------------
// Can it run here?

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin'])) {
    const p = join(dir || '.', cmd);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** The cgroup v2 mount point (pure v2 at /sys/fs/cgroup, or the hybrid layout's /sys/fs/cgroup/unified). */
function cgroup2Mount(): string | undefined {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const mounts = lines
    .map((l) => {
      const [pre, post] = l.split(' - ');
      if (!pre || !post) return undefined;
      return post.split(' ')[0] === 'cgroup2' ? pre.split(' ')[4] : undefined;
    })
    .filter((p): p is string => !!p);
  return mounts.find((p) => p === '/sys/fs/cgroup') ?? mounts.find((p) => p === '/sys/fs/cgroup/unified') ?? mounts[0];
}

let cachedCan: { ok: boolean; why?: string } | undefined;

/** Whether bootIsolatedSystemd() can work here; `why` says what is missing (tests skip with it). */
export function canBootSystemd(): { ok: boolean; why?: string } {
  return (cachedCan ??= checkCanBoot());
}

function checkCanBoot(): { ok: boolean; why?: string } {
  if (process.platform !== 'linux') return { ok: false, why: `not Linux (${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, why: 'needs root (mounts, namespaces, cgroups)' };
  if (!existsSync(SYSTEMD)) return { ok: false, why: `${SYSTEMD} not found (Debian package: systemd)` };
  for (const cmd of ['unshare', 'nsenter', 'setpriv', 'findmnt', 'pivot_root', 'mount', 'umount']) {
    if (!which(cmd)) return { ok: false, why: `${cmd} not found (Debian packages: util-linux, mount)` };
  }
  const cg = cgroup2Mount();
  if (!cg) return { ok: false, why: 'no cgroup v2 hierarchy mounted (systemd needs a cgroup of its own)' };
  // Probe what the boot needs, in a throwaway mount namespace: overlay over /, and a cgroup we may create.
  const probeCg = join(cg, `${PREFIX}probe-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    mkdirSync(probeCg);
    rmdirSync(probeCg);
  } catch (e) {
    return { ok: false, why: `cannot create a cgroup under ${cg}: ${(e as Error).message}` };
  }
  const d = mkdtempSync(join(tmpdir(), `${PREFIX}probe-`));
  try {
    for (const sub of ['upper', 'merged']) mkdirSync(join(d, sub));
    const script =
      'set -e; mount -t tmpfs tmpfs "$1/upper"; mkdir "$1/upper/u" "$1/upper/w"; ' +
      'mount -t overlay overlay -o "lowerdir=/,upperdir=$1/upper/u,workdir=$1/upper/w" "$1/merged"; test -x "$1/merged/lib/systemd/systemd"';
    const r = spawnSync('unshare', ['--pid', '--fork', '--mount', '--uts', '--ipc', '--cgroup', '--propagation', 'private', '--', '/bin/sh', '-c', script, 'probe', d], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    if (r.status !== 0) return { ok: false, why: `cannot unshare namespaces and mount an overlay of /: ${(r.stderr || r.error?.message || '').trim()}` };
  } finally {
    for (const sub of ['upper', 'merged']) tryRmdir(join(d, sub));
    tryRmdir(d);
  }
  return { ok: true };
}

/**
 * Whether a user manager can run inside: user-runtime-dir@.service and systemd-logind (lingering, ssh
 * sessions) talk over the system bus, so a D-Bus daemon must be installed (Debian: dbus, or dbus-broker).
 * Without it they fail with "Failed to connect to system bus: No such file or directory".
 */
export function canRunUserManager(): { ok: boolean; why?: string } {
  const can = canBootSystemd();
  if (!can.ok) return can;
  if (!hasDbus()) return { ok: false, why: 'no D-Bus daemon (Debian package: dbus): logind and user-runtime-dir@.service need the system bus' };
  return { ok: true };
}

function hasDbus(): boolean {
  return ['/usr/bin/dbus-daemon', '/usr/bin/dbus-broker'].some((p) => existsSync(p));
}

// ---------------------------------------------------------------------------------------------------
// Process bookkeeping

/** Host pids whose parent is `ppid` (no /proc/PID/task/TID/children on every kernel). */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the parenthesised comm (which may contain spaces): state ppid ...
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === ppid) out.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

function descendantsOf(pid: number): number[] {
  const all: number[] = [];
  const todo = [pid];
  while (todo.length) {
    for (const c of childrenOf(todo.pop()!)) {
      all.push(c);
      todo.push(c);
    }
  }
  return all;
}

function alive(pid: number): boolean {
  try {
    // A zombie still has /proc/PID; its state is Z.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function tryRmdir(p: string): boolean {
  try {
    rmdirSync(p);
    return true;
  } catch {
    return !existsSync(p);
  }
}

function tryUnlink(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    /* not there */
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cgroupPopulated(cg: string): boolean {
  try {
    return /^populated 1$/m.test(readFileSync(join(cg, 'cgroup.events'), 'utf8'));
  } catch {
    return false;
  }
}

/** Removes a cgroup subtree bottom-up with rmdir (cgroup directories hold only kernel files). */
function removeCgroupTree(cg: string): boolean {
  if (!existsSync(cg)) return true;
  const dirs: string[] = [];
  const walk = (d: string) => {
    dirs.push(d);
    let entries: string[] = [];
    try {
      entries = readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return;
    }
    for (const e of entries) walk(join(d, e));
  };
  walk(cg);
  let ok = true;
  for (const d of dirs.reverse()) ok = tryRmdir(d) && ok;
  return ok;
}

/** One live boot; what the exit/signal handlers need to end it synchronously. */
interface Live {
  systemdPid?: number;
  launcherPid?: number;
  cgroup: string;
  stateDir: string;
}

const live = new Set<Live>();
let handlersInstalled = false;

function killLiveSync(l: Live): void {
  if (l.systemdPid) killQuietly(l.systemdPid);
  try {
    // Kills everything in the subtree at once, also what systemd started, even if its pid was not found yet.
    writeFileSync(join(l.cgroup, 'cgroup.kill'), '1');
  } catch {
    /* no cgroup.kill before Linux 5.14: killing PID 1 of the pid namespace ends all of its processes */
  }
  // The launcher (unshare) is left alone once systemd's pid is known: it reaps systemd and exits. Killed
  // first, it would leave systemd as a zombie for the machine's init, which may never reap it.
  if (!l.systemdPid && l.launcherPid) killQuietly(l.launcherPid);
}

/** Leftover files of a stopped boot: its log, the two mount points (empty on the host) and the dir. */
function removeStateDir(stateDir: string): boolean {
  tryUnlink(join(stateDir, 'boot.log'));
  tryRmdir(join(stateDir, 'upper'));
  tryRmdir(join(stateDir, 'merged'));
  return tryRmdir(stateDir);
}

function cleanupSync(l: Live): void {
  killLiveSync(l);
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline && ((l.systemdPid && alive(l.systemdPid)) || cgroupPopulated(l.cgroup))) sleepSync(20);
  removeCgroupTree(l.cgroup);
  removeStateDir(l.stateDir);
  live.delete(l);
}

function onExit(): void {
  for (const l of [...live]) cleanupSync(l);
}

function onSignal(signal: NodeJS.Signals): void {
  onExit();
  removeHandlers();
  // Listening for a signal replaces Node's default (exit). Without other listeners, re-raise it so the
  // process ends the way it would have without us; with others, they have it and decide.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function removeHandlers(): void {
  if (!handlersInstalled || live.size) return;
  handlersInstalled = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Leftovers of runs that were SIGKILLed before they could clean up (their systemd died with them). */
function sweepLeftovers(cgroupParent: string): void {
  const minAgeMs = 60_000; // never touch a boot another test process is setting up right now
  try {
    for (const e of readdirSync(cgroupParent)) {
      if (!e.startsWith(PREFIX)) continue;
      const cg = join(cgroupParent, e);
      if (!cgroupPopulated(cg) && Date.now() - statSync(cg).mtimeMs > minAgeMs) removeCgroupTree(cg);
    }
  } catch {
    /* best effort */
  }
  try {
    for (const e of readdirSync(tmpdir())) {
      if (!e.startsWith(PREFIX)) continue;
      const d = join(tmpdir(), e);
      if (existsSync(join(cgroupParent, e)) || Date.now() - statSync(d).mtimeMs < minAgeMs) continue;
      removeStateDir(d); // rmdir only: fails harmlessly on anything that is not an empty leftover
    }
  } catch {
    /* best effort */
  }
}

// ---------------------------------------------------------------------------------------------------
// Boot

/** Boots systemd in isolation and waits until its boot job is done (running or degraded). */
export async function bootIsolatedSystemd(options: BootOptions = {}): Promise<IsolatedSystemd> {
  const can = canBootSystemd();
  if (!can.ok) throw new Error(`cannot boot an isolated systemd here: ${can.why}`);
  const hostname = options.hostname ?? 'sockact-isolated';
  const mask = [...(options.mask ?? [])];
  for (const u of mask) if (!UNIT_NAME.test(u)) throw new Error(`not a unit name: ${u}`);
  // Without a bus logind can only fail, which would leave every boot "degraded".
  if (!hasDbus()) mask.push('systemd-logind.service');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();

  const cgParent = cgroup2Mount()!;
  sweepLeftovers(cgParent);
  const stateDir = mkdtempSync(join(tmpdir(), PREFIX));
  // The cgroup has the state dir's name: a leftover of one is recognisable by the other.
  const cgroup = join(cgParent, basename(stateDir));
  mkdirSync(cgroup);
  const l: Live = { cgroup, stateDir };
  live.add(l);
  installHandlers();

  const logPath = join(stateDir, 'boot.log');
  const logFd = openSync(logPath, 'a');
  const bootLog = () => {
    try {
      return readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };
  let exited: string | undefined;
  try {
    // setpriv --pdeathsig: if this Node process dies (even by SIGKILL), the launcher (which becomes
    // unshare) gets SIGKILL, and unshare --kill-child passes that on to systemd.
    const child = spawn(
      'setpriv',
      ['--pdeathsig', 'SIGKILL', '--', '/bin/bash', BOOT_SCRIPT, 'outer', stateDir, cgroup, hostname, ...mask],
      { stdio: ['ignore', logFd, logFd], env: { PATH: PATH_INSIDE, LANG: 'C.UTF-8', SOCKACT_DROP_CAPS: DROP_CAPS, SOCKACT_KEEP_DIR: CHECKOUT } },
    );
    l.launcherPid = child.pid;
    child.on('exit', (code, signal) => (exited = signal ?? String(code)));
    // A forgotten stop() must not keep the test process alive; the exit handler still ends systemd.
    child.unref();
    closeSync(logFd);

    // systemd is the only child of the launcher (unshare keeps the launcher's pid), once the boot
    // script's exec chain has arrived at it.
    const deadline = started + timeoutMs;
    let pid: number | undefined;
    while (!pid) {
      if (exited !== undefined) throw new Error(`the boot script ended (${exited}) before systemd started:\n${bootLog()}`);
      if (Date.now() > deadline) throw new Error(`systemd did not start within ${timeoutMs} ms:\n${bootLog()}`);
      for (const c of child.pid ? childrenOf(child.pid) : []) {
        try {
          const nspid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${c}/status`, 'utf8'))?.[1].split(/\s+/);
          if (readFileSync(`/proc/${c}/comm`, 'utf8').trim() === 'systemd' && nspid?.at(-1) === '1') pid = c;
        } catch {
          /* not yet */
        }
      }
      if (!pid) await sleep(10);
    }
    l.systemdPid = pid;
    // The launcher had to join the cgroup before unsharing (that made it the namespace's root); now it
    // goes back to ours, so that cgroup.kill at the end hits only systemd's tree and unshare survives
    // to reap systemd (a killed unshare leaves systemd a zombie of the machine's init).
    try {
      const own = /^0::(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1];
      if (own !== undefined && child.pid) writeFileSync(join(cgParent, own, 'cgroup.procs'), String(child.pid));
    } catch {
      /* stop() still works, only slower */
    }

    let stopped = false;
    const users = new Map<string, UserInfo>();

    const exec = (argv: string[], opts: ExecOptions = {}) => execInside(pid, argv, opts, users);
    const run = async (argv: string[], opts: ExecOptions = {}) => {
      const r = await exec(argv, opts);
      if (r.code !== 0) throw new Error(`${JSON.stringify(argv)}${opts.user ? ` (as ${opts.user})` : ''} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      return r.stdout;
    };
    const lookupUser = async (name: string): Promise<UserInfo | undefined> => {
      const known = users.get(name);
      if (known) return known;
      const r = await exec(['getent', 'passwd', '--', name]);
      if (r.code !== 0) return undefined;
      const [, , uid, gid, , home, shell] = r.stdout.trim().split(':');
      const info = { name, uid: Number(uid), gid: Number(gid), home, shell: shell || '/bin/sh', runtimeDir: `/run/user/${uid}` };
      users.set(name, info);
      return info;
    };
    const journal = async (unit?: string, lines = 60) =>
      (await exec(['journalctl', '--no-pager', '-o', 'short-monotonic', '-n', String(lines), ...(unit ? ['-u', unit] : [])])).stdout;

    const sys: IsolatedSystemd = {
      pid,
      root: `/proc/${pid}/root`,
      hostname,
      stateDir,
      cgroup,
      bootMs: 0,
      exec: async (argv, opts = {}) => {
        if (stopped) throw new Error('isolated systemd already stopped');
        if (opts.user && !(await lookupUser(opts.user))) throw new Error(`no user ${opts.user} inside`);
        return exec(argv, opts);
      },
      run: async (argv, opts = {}) => {
        if (opts.user && !(await lookupUser(opts.user))) throw new Error(`no user ${opts.user} inside`);
        return run(argv, opts);
      },
      writeFile: async (path, content, opts = {}) => {
        if (!path.startsWith('/')) throw new Error(`writeFile needs an absolute path: ${path}`);
        if (opts.user && !(await lookupUser(opts.user))) throw new Error(`no user ${opts.user} inside`);
        await run(['mkdir', '-p', '--', dirname(path)], { user: opts.user });
        // tee through a pipe: the data never becomes part of a command line.
        await run(['tee', '--', path], { user: opts.user, input: content });
        if (opts.mode) await run(['chmod', opts.mode, '--', path], { user: opts.user });
      },
      waitRunning: async (ms = 30_000) => {
        const until = Date.now() + ms;
        let last: ExecResult | undefined;
        // Until systemd has set up its private socket, systemctl fails to connect: retry until then.
        while (Date.now() < until) {
          last = await exec(['systemctl', 'is-system-running', '--wait'], { timeoutMs: Math.max(1000, until - Date.now()) });
          const state = last.stdout.trim();
          if (state === 'running' || state === 'degraded') return state;
          if (state && state !== 'offline' && state !== 'initializing' && state !== 'starting') break;
          await sleep(20);
        }
        const failed = await exec(['systemctl', '--failed', '--no-legend', '--plain']);
        throw new Error(
          `isolated systemd is not running: ${JSON.stringify(last?.stdout.trim())} ${last?.stderr.trim()}\nfailed units:\n${failed.stdout}\njournal:\n${await journal()}`,
        );
      },
      addUser: async (name) => {
        if (!/^[a-z_][a-z0-9_-]*$/.test(name)) throw new Error(`not a portable user name: ${name}`);
        const existing = await lookupUser(name);
        if (existing) return existing;
        await run(['useradd', '--create-home', '--shell', '/bin/bash', '--', name]);
        return (await lookupUser(name))!;
      },
      startUserManager: async (name) => {
        const can = canRunUserManager();
        if (!can.ok) throw new Error(`cannot start a user manager: ${can.why}`);
        const u = await sys.addUser(name);
        // Lingering is how a real machine keeps a user's manager without a login session; it needs
        // logind (and so D-Bus). Without them, starting user@UID.service directly works as well.
        const linger = await exec(['loginctl', 'enable-linger', '--', name]);
        // Type=notify: returns once the user manager is up (or failed).
        const start = await exec(['systemctl', 'start', `user@${u.uid}.service`], { timeoutMs: 30_000 });
        if (start.code !== 0) {
          throw new Error(
            `user@${u.uid}.service did not start: ${start.stderr}\n(loginctl enable-linger: ${linger.code} ${linger.stderr.trim()})\n${await journal(`user@${u.uid}.service`)}`,
          );
        }
        const r = await exec(['systemctl', '--user', 'is-system-running', '--wait'], { user: name, timeoutMs: 30_000 });
        const state = r.stdout.trim();
        if (state !== 'running' && state !== 'degraded') throw new Error(`user manager of ${name} is ${JSON.stringify(state)}: ${r.stderr}`);
        return u;
      },
      journal,
      bootLog,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        killLiveSync(l);
        const until = Date.now() + 10_000;
        // Done when unshare has reaped systemd and exited, and no process is left in the cgroup.
        while (Date.now() < until && (existsSync(`/proc/${pid}`) || cgroupPopulated(cgroup) || exited === undefined)) await sleep(20);
        if (alive(pid)) throw new Error(`systemd (pid ${pid}) survived SIGKILL`);
        // Its unit and files inside went with systemd; this removes the client's temp dir on the host.
        await sys.ssh?.stop();
        // The mounts lived in systemd's mount namespace and are gone with its last process; on the
        // host the state dir only holds two empty directories and the log.
        const cgOk = removeCgroupTree(cgroup);
        const dirOk = removeStateDir(stateDir);
        live.delete(l);
        removeHandlers();
        if (!cgOk || !dirOk) throw new Error(`could not remove ${cgOk ? '' : cgroup} ${dirOk ? '' : stateDir}`);
      },
    };

    await sys.waitRunning(Math.max(1000, deadline - Date.now()));
    sys.bootMs = Date.now() - started;
    if (options.userForUserManager) await sys.startUserManager(options.userForUserManager);
    if (options.ssh) sys.ssh = await startSshServer(sys, options.ssh === true ? {} : options.ssh);
    return sys;
  } catch (e) {
    cleanupSync(l);
    removeHandlers();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------
// exec

async function execInside(pid: number, argv: string[], opts: ExecOptions, users: Map<string, UserInfo>): Promise<ExecResult> {
  if (!argv.length) throw new Error('exec needs a command');
  // A clean environment: the test's own (PATH of the host's tools, NODE_OPTIONS, ...) stays outside.
  const env: Record<string, string> = { PATH: PATH_INSIDE, LANG: 'C.UTF-8', HOME: '/root', USER: 'root', LOGNAME: 'root' };
  let cwd = opts.cwd ?? '/';
  // nsenter'd processes inherit the test's capabilities, not systemd's: drop the same ones here.
  let prefix = ['setpriv', '--inh-caps=-all', `--bounding-set=${DROP_CAPS}`, '--'];
  if (opts.user) {
    const u = users.get(opts.user);
    if (!u) throw new Error(`unknown user ${opts.user}`);
    Object.assign(env, {
      HOME: u.home,
      USER: u.name,
      LOGNAME: u.name,
      SHELL: u.shell,
      // systemctl --user talks to $XDG_RUNTIME_DIR/systemd/private (no D-Bus needed for that).
      XDG_RUNTIME_DIR: u.runtimeDir,
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${u.runtimeDir}/bus`,
    });
    cwd = opts.cwd ?? u.home;
    // setpriv instead of su/runuser: no PAM session, so nothing but the credentials changes.
    prefix = ['setpriv', `--reuid=${u.uid}`, `--regid=${u.gid}`, '--init-groups', '--inh-caps=-all', `--bounding-set=${DROP_CAPS}`, '--'];
  }
  Object.assign(env, opts.env ?? {});
  // --wd without a value: systemd's cwd, i.e. / inside. nsenter opens a --wd=DIR path BEFORE entering
  // the namespaces (that would be a host directory), so the working directory is set inside, by env.
  const args = ['--target', String(pid), '--mount', '--pid', '--uts', '--ipc', '--cgroup', '--root', '--wd', '--', ...prefix, 'env', `--chdir=${cwd}`, '--', ...argv];
  const child = spawn('nsenter', args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => {
    /* the command did not read its input */
  });
  child.stdin.end(opts.input ?? '');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // nsenter forks the command into the pid namespace; killing nsenter alone would leave it running.
    if (child.pid) for (const p of descendantsOf(child.pid)) killQuietly(p);
    child.kill('SIGKILL');
  }, opts.timeoutMs ?? 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  }).finally(() => clearTimeout(timer));
  if (timedOut) return { code: 124, stdout, stderr: `${stderr}\n[timed out after ${opts.timeoutMs ?? 30_000} ms: ${JSON.stringify(argv)}]` };
  return { code: code ?? 128 + (signal ? osConstants.signals[signal] : 0), stdout, stderr };
}
