/**
 * The reference validators: `systemd-analyze verify` of every systemd version this machine can run.
 *   - the machine's own (systemd 252 on Debian 12);
 *   - Debian roots built by scripts/debian-roots.sh (trixie: 257, forky: 262), run through chroot in a
 *     private mount namespace with its own /proc (without /proc every IPv6 address is refused).
 * Units are copied into the root (their whole folder, so partners and drop-ins come along) and the paths
 * systemd prints are mapped back, so classifyVerifyOutput() attributes messages to the caller's files.
 * Every process gets an argument array; nothing goes through a shell.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { classifyVerifyOutput, runSystemdVerify, systemdAnalyzeVersion, type VerifyOutcome } from './cli';

export interface Validator {
  /** systemd's major version, e.g. 257. */
  version: number;
  /** Where it comes from, for test names: "local" or the Debian suite. */
  origin: string;
  /** The chroot, for a Debian root; undefined for the machine's own systemd. */
  root?: string;
  /** `systemd-analyze verify` of the given files (absolute paths), classified like runSystemdVerify(). */
  verify(files: readonly string[], options?: VerifyOptions): VerifyOutcome;
  /**
   * `systemd-analyze verify` of unit files the root (or this machine) ships, in place: `files` are host
   * paths below `root` (or the machine's own paths). Parse messages are attributed by their full path,
   * so drop-ins of the same name in different `.d` folders are told apart.
   */
  verifyInstalled(files: readonly string[], options?: VerifyOptions): VerifyOutcome;
}

export interface VerifyOptions {
  /**
   * Which manager loads the units: 'user' runs `verify --user` (user units see the user manager's unit
   * path and its rules, e.g. DynamicUser= is refused). A user manager needs $XDG_RUNTIME_DIR, so one is
   * made for the run.
   */
  scope?: 'system' | 'user';
}

/** Where scripts/debian-roots.sh keeps its roots (the same default as the script). */
export function rootsDir(): string {
  return process.env.SOCKACT_ROOTS ?? path.join(os.homedir(), '.cache', 'sockact', 'debian-roots');
}

const ROOT_SUITES = ['trixie', 'forky'];

let cached: Validator[] | undefined;

/** Every validator available here, oldest first. Roots that are missing or unfinished are left out. */
export function validators(): Validator[] {
  if (cached) return cached;
  const found: Validator[] = [];
  const local = systemdAnalyzeVersion();
  if (local !== undefined) {
    found.push({
      version: local,
      origin: 'local',
      verify: (files, options) => runSystemdVerify(files, undefined, options?.scope),
      verifyInstalled: (files, options) => reattribute(runSystemdVerify(files, undefined, options?.scope), '', files),
    });
  }
  for (const suite of ROOT_SUITES) {
    const root = path.join(rootsDir(), suite);
    if (!existsSync(path.join(root, '.sockact-ready'))) continue;
    const version = rootVersion(root);
    if (version === undefined || found.some((v) => v.version === version)) continue;
    found.push({
      version,
      origin: suite,
      root,
      verify: (files, options) => verifyInRoot(root, files, options?.scope),
      verifyInstalled: (files, options) => verifyInstalledInRoot(root, files, options?.scope),
    });
  }
  cached = found.sort((a, b) => a.version - b.version);
  return cached;
}

/** The validator of one systemd version, if this machine has it. */
export function validatorFor(version: number): Validator | undefined {
  return validators().find((v) => v.version === version);
}

/** Why a version's tests are skipped, or false when its validator is here. */
export function skipUnlessValidator(version: number): string | false {
  if (validatorFor(version)) return false;
  return version === systemdAnalyzeVersion()
    ? false
    : `no systemd ${version} here: run \`bash scripts/debian-roots.sh\` (needs root and Debian's archive)`;
}

function rootVersion(root: string): number | undefined {
  const r = inRoot(root, ['/usr/bin/systemd-analyze', '--version']);
  const m = /^systemd (\d+)/m.exec(r.stdout ?? '');
  return m ? Number(m[1]) : undefined;
}

function inRoot(root: string, argv: string[], env: Record<string, string> = {}) {
  const envArgs = Object.entries({ PATH: '/usr/sbin:/usr/bin:/sbin:/bin', SYSTEMD_LOG_COLOR: '0', LANG: 'C.UTF-8', SYSTEMD_PAGER: 'cat', ...env })
    .map(([k, v]) => `${k}=${v}`);
  return spawnSync(
    'unshare',
    ['--mount', `--mount-proc=${path.join(root, 'proc')}`, '--fork', 'chroot', root, '/usr/bin/env', '-i', ...envArgs, ...argv],
    { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
  );
}

/**
 * Copies each file's folder into ROOT/tmp, runs verify there with that folder first in the unit path (as
 * the local verify finds partners next to a file), and maps the copied paths back to the originals.
 */
function verifyInRoot(root: string, files: readonly string[], scope: VerifyOptions['scope']): VerifyOutcome {
  const scratch = mkdtempSync(path.join(root, 'tmp', 'sockact-verify-'));
  try {
    const dirs = [...new Set(files.map((f) => path.dirname(path.resolve(f))))];
    const inside = new Map<string, string>(); // folder in the root (as systemd sees it) → original folder
    dirs.forEach((dir, i) => {
      const copy = path.join(scratch, String(i));
      cpSync(dir, copy, { recursive: true, dereference: false, verbatimSymlinks: true });
      inside.set(path.join('/tmp', path.basename(scratch), String(i)), dir);
    });
    const toInside = (f: string) => {
      const dir = path.dirname(path.resolve(f));
      const i = dirs.indexOf(dir);
      return path.join('/tmp', path.basename(scratch), String(i), path.basename(f));
    };
    const unitPath = `${[...inside.keys()].join(':')}:`;
    const r = inRoot(root, ['/usr/bin/systemd-analyze', 'verify', '--man=no', ...scopeArgs(scope), ...files.map(toInside)], {
      SYSTEMD_UNIT_PATH: unitPath,
      SYSTEMD_LOG_LEVEL: 'info',
      LC_ALL: 'C',
      ...scopeEnv(root, scope),
    });
    if (r.error) throw r.error;
    let output = `${r.stderr ?? ''}\n${r.stdout ?? ''}`;
    // Longest folder first, so /tmp/x/1 is not replaced inside /tmp/x/10.
    for (const [copied, original] of [...inside].sort((a, b) => b[0].length - a[0].length)) {
      output = output.split(copied).join(original);
    }
    return classifyVerifyOutput(output, r.status, files);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function scopeArgs(scope: VerifyOptions['scope']): string[] {
  return scope === 'user' ? ['--user'] : [];
}

/** A user manager refuses to start without $XDG_RUNTIME_DIR ("Failed to lookup RuntimeDirectory path"). */
function scopeEnv(root: string, scope: VerifyOptions['scope']): Record<string, string> {
  if (scope !== 'user') return {};
  const dir = path.join(root, 'tmp', 'sockact-xdg-runtime');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { XDG_RUNTIME_DIR: '/tmp/sockact-xdg-runtime', HOME: '/root' };
}

/** Verify of the root's own unit files where they are, in one call. */
function verifyInstalledInRoot(root: string, files: readonly string[], scope: VerifyOptions['scope']): VerifyOutcome {
  const inside = files.map((f) => `/${path.relative(root, f)}`);
  const r = inRoot(root, ['/usr/bin/systemd-analyze', 'verify', '--man=no', ...scopeArgs(scope), ...inside], {
    SYSTEMD_LOG_LEVEL: 'info',
    LC_ALL: 'C',
    ...scopeEnv(root, scope),
  });
  if (r.error) throw r.error;
  return reattribute(classifyVerifyOutput(`${r.stderr ?? ''}\n${r.stdout ?? ''}`, r.status, files), root, files);
}

/**
 * Parse messages name a path as the root sees it; attribute them to the host file of exactly that path
 * (not by base name: drop-ins in different folders share names). Messages about other files (a drop-in
 * that was not given, say) get no file.
 */
function reattribute(o: VerifyOutcome, root: string, files: readonly string[]): VerifyOutcome {
  const known = new Set(files);
  for (const m of o.parseMessages) {
    const host = root ? path.join(root, m.subject) : m.subject;
    m.file = known.has(host) ? host : undefined;
  }
  return o;
}

/** For diagnosis in failure messages: the root's systemd package version line. */
export function describeValidator(v: Validator): string {
  if (!v.root) return `systemd ${v.version} (this machine)`;
  const status = path.join(v.root, 'var/lib/dpkg/status');
  const m = existsSync(status) ? /Package: systemd\nStatus: [^\n]*\n(?:[^\n]+\n)*?Version: ([^\n]+)/.exec(readFileSync(status, 'utf8')) : null;
  return `systemd ${v.version} (Debian ${v.origin}${m ? `, ${m[1]}` : ''})`;
}
