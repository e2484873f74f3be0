/**
 * Runs the bundled `sockact` CLI (dist/cli.js) the way a user would, for tests.
 * Tests assume `npm run build` ran first (npm test's pretest does it).
 * The process is spawned with an argument array (never through a shell).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const CLI_PATH = path.join(REPO_ROOT, 'dist', 'cli.js');

export type JsonSeverity = 'error' | 'warning' | 'information' | 'hint';

/** One element of `sockact lint --format json` output. Lines and columns are 1-based. */
export interface JsonDiag {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: JsonSeverity;
  code: string;
  message: string;
}

export interface LintResult {
  /** Exit status: 0 no error found, 1 at least one error, 2 usage error / unreadable input. */
  status: number | null;
  diagnostics: JsonDiag[];
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Working directory for the CLI (relative paths are resolved against it). Default: the repository root. */
  cwd?: string;
  /** Milliseconds before the CLI is killed. Default 120 s. */
  timeout?: number;
}

export function cliBuilt(): boolean {
  return existsSync(CLI_PATH);
}

/**
 * `node dist/cli.js lint --format json [extraArgs] PATH...` and the parsed JSON array.
 * Throws when stdout is not the JSON array the contract promises (unless the CLI exited with 2,
 * the usage-error status, where an empty stdout is allowed).
 */
export function runLint(paths: string[], extraArgs: string[] = [], options: RunOptions = {}): LintResult {
  if (!cliBuilt()) {
    throw new Error(`${CLI_PATH} does not exist: run \`npm run build\` first`);
  }
  const args = [CLI_PATH, 'lint', '--format', 'json', ...extraArgs, ...paths];
  const res = spawnSync(process.execPath, args, {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (res.error) throw res.error;
  const stdout = res.stdout ?? '';
  const stderr = res.stderr ?? '';
  let diagnostics: JsonDiag[] = [];
  if (stdout.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(stdout);
      if (!Array.isArray(parsed)) throw new Error('not an array');
      diagnostics = parsed as JsonDiag[];
    } catch (e) {
      throw new Error(
        `sockact lint --format json printed something that is not a JSON array (${(e as Error).message}); ` +
          `status ${res.status}\nstdout: ${stdout.slice(0, 2000)}\nstderr: ${stderr.slice(0, 2000)}`,
      );
    }
  } else if (res.status !== 2) {
    throw new Error(`sockact lint --format json printed nothing on stdout; status ${res.status}\nstderr: ${stderr.slice(0, 2000)}`);
  }
  return { status: res.status, diagnostics, stdout, stderr };
}

/** `file:line:col: severity code message`, the CLI's text format, for failure messages. */
export function formatDiag(d: JsonDiag): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code} ${d.message}`;
}

// ---------------------------------------------------------------------------------------------------
// The reference validator: `systemd-analyze verify`, and how to read its output (observed on 252;
// see the comment at the top of test/verify-agreement.test.ts for how each message was found).

export interface VerifyMessage {
  /** The file (one of the files given) the message is about; undefined when it names something else. */
  file?: string;
  /** The unit name or path as systemd printed it. */
  subject: string;
  text: string;
  line?: number;
}

export interface VerifyOutcome {
  status: number | null;
  output: string;
  /** Unit-level lines meaning systemd will not load or start the unit. */
  refusals: VerifyMessage[];
  /** `path:line: text` messages (ignored assignments etc.); not refusals by themselves. */
  parseMessages: VerifyMessage[];
  /** Lines that depend on this machine (missing binaries, man pages), not on the unit files. */
  noise: string[];
  /**
   * User/group names systemd accepts only by its relaxed rules ("Accepting user/group name 'X', which does
   * not match strict user/group name rules.": a notice with no file or line).
   */
  relaxedNames: string[];
  unrecognised: string[];
}

export const VERIFY_NOISE_PATTERNS: readonly RegExp[] = [
  /^(.+?): Command .+ is not executable: .*$/,
  /^(.+?): Command 'man .*' failed with code -?\d+\.?$/,
  /^(.+?): Command 'man .*' failed: .*$/,
];

/** Unit-level lines that mean "systemd will not load / start this unit". Group 1 = unit name. */
export const VERIFY_REFUSAL_PATTERNS: readonly RegExp[] = [
  /^Unit (.+?) has a bad unit file setting\.$/,
  /^Unit (.+?) failed to load properly(?:, please adjust\/correct and reload service manager)?: .*$/,
  /^Unit (.+?) is masked\.$/,
  /^Failed to prepare filename (.+): [^:]*$/,
  /^Failed to load unit file (.+): .*$/,
  /^Failed to create (.+?)\/start: .*$/,
  // A Requires=/Requisite=/BindsTo= unit that exists nowhere: the start job cannot be created.
  /^(.+?): Failed to create .+?\/start: Unit .+ not found\.$/,
  /^(.+?): service .+ not loaded, socket cannot be started\.$/,
  /^(.+?): service unit for the socket cannot be loaded: .*$/,
  /^([^\s/][^:]*?): .*Refusing\.$/,
  /^([^\s/][^:]*?): .*, not loading\.$/,
  /^([^\s/][^:]*?): ExtraOptions= setting may not contain reserved option .*$/,
];

/** `path:line: text` from log_syntax(). */
const VERIFY_PARSE_MESSAGE = /^(\/.+?):(\d+): (.*)$/;

/** Map a unit name or path printed by systemd to one of `files` (compared by base name). */
export function attributeUnit(subject: string, files: readonly string[]): string | undefined {
  const names = files.map((f) => path.basename(f));
  const base = path.basename(subject);
  let i = names.indexOf(base);
  if (i < 0) {
    // A template is verified as an instance (252: "i", 257: "test_instance"): foo@i.socket → foo@.socket
    const m = /^([^@]+)@[^@]*(\.[a-z]+)$/.exec(base);
    if (m) i = names.indexOf(`${m[1]}@${m[2]}`);
  }
  return i < 0 ? undefined : files[i];
}

export function classifyVerifyOutput(output: string, status: number | null, files: readonly string[]): VerifyOutcome {
  const out: VerifyOutcome = { status, output, refusals: [], parseMessages: [], noise: [], relaxedNames: [], unrecognised: [] };
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (VERIFY_NOISE_PATTERNS.some((re) => re.test(line))) {
      out.noise.push(line);
      continue;
    }
    const p = VERIFY_PARSE_MESSAGE.exec(line);
    if (p) {
      out.parseMessages.push({ subject: p[1], file: attributeUnit(p[1], files), line: Number(p[2]), text: p[3] });
      continue;
    }
    const relaxed = /^Accepting user\/group name '(.*)', which does not match strict user\/group name rules\.$/.exec(line);
    if (relaxed) {
      out.relaxedNames.push(relaxed[1]);
      continue;
    }
    const re = VERIFY_REFUSAL_PATTERNS.find((r) => r.test(line));
    if (re) out.refusals.push({ subject: re.exec(line)![1], file: attributeUnit(re.exec(line)![1], files), text: line });
    else out.unrecognised.push(line);
  }
  return out;
}

/** The major version of the installed systemd-analyze, or undefined when there is none. */
export function systemdAnalyzeVersion(): number | undefined {
  const r = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  const m = /^systemd (\d+)/m.exec(r.stdout);
  return m ? Number(m[1]) : undefined;
}

function verifyEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SYSTEMD_LOG_LEVEL: 'info', SYSTEMD_LOG_COLOR: '0', LC_ALL: 'C', SYSTEMD_PAGER: 'cat' };
  delete env.SYSTEMD_LOG_TARGET; // "console" can send the messages to /dev/console instead of stderr
  delete env.SYSTEMD_LOG_LOCATION;
  delete env.SYSTEMD_LOG_TIME;
  return env;
}

/** `systemd-analyze verify FILE...` (run as the current user, system manager mode), classified. */
export function runSystemdVerify(files: readonly string[], cwd?: string, scope: 'system' | 'user' = 'system'): VerifyOutcome {
  const env = verifyEnv();
  if (scope === 'user') {
    // A user manager needs a runtime directory of its own ("Failed to lookup RuntimeDirectory path").
    env.XDG_RUNTIME_DIR = mkdtempSync(path.join(os.tmpdir(), 'sockact-xdg-'));
  }
  const args = ['verify', '--man=no', ...(scope === 'user' ? ['--user'] : []), ...files];
  const r = spawnSync('systemd-analyze', args, { cwd, encoding: 'utf8', env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (scope === 'user') rmSync(env.XDG_RUNTIME_DIR!, { recursive: true, force: true });
  if (r.error) throw r.error;
  return classifyVerifyOutput(`${r.stderr ?? ''}\n${r.stdout ?? ''}`, r.status, files);
}
