/**
 * Validators for the execution-context parsers of src/core/load-fragment.c: command lines, environment,
 * working directory, user/group names, standard input/output.
 */
import type { ValueContext, ValueProblem, Validator } from './types';
import { safeAtou } from './cnum';
import { validateFdName } from './listen';
import { checkPathValue } from './pathValues';
import { dotOrDotDot, filenameIsValid, pathImpliesDirectory, pathIsAbsolute, pathIsValid, stringIsSafe } from './paths';
import { advice, expand, expandWord, rejected, type Consequence } from './problems';
import { dialectOf, type Dialect } from './dialect';
import { bytesAreValidUtf8, bytesToString, extractFirstWord, extractFirstWordAndWarn, stringIsValidUnicode, WHITESPACE, type ExtractedWord } from './words';

const none: ValueProblem[] = [];

// ---------------------------------------------------------------------------------------------------
// ExecStart= and friends (config_parse_exec)

interface Prefixes {
  rest: string;
  ignoreFailure: boolean;
  separateArgv0: boolean;
  /** "!!": the ambient-capability form (a no-op, logged, since 258). */
  ambient: boolean;
}

/**
 * Mirrors the prefix loop of config_parse_exec(): "-@:+!" each at most once, "!!" being the
 * ambient-capability form; "+" excludes "!" and vice versa. The order of the checks matters.
 */
function splitExecPrefixes(word: string): Prefixes {
  let ignoreFailure = false;
  let separateArgv0 = false;
  let noEnv = false;
  let privileged = false;
  let noSetuid = false;
  let ambient = false;
  let i = 0;
  for (; i < word.length; i++) {
    const c = word[i];
    if (c === '-' && !ignoreFailure) ignoreFailure = true;
    else if (c === '@' && !separateArgv0) separateArgv0 = true;
    else if (c === ':' && !noEnv) noEnv = true;
    else if (c === '+' && !(privileged || noSetuid || ambient)) privileged = true;
    else if (c === '!' && !(privileged || noSetuid || ambient)) noSetuid = true;
    else if (c === '!' && !(privileged || ambient)) { noSetuid = false; ambient = true; }
    else break;
  }
  return { rest: word.slice(i), ignoreFailure, separateArgv0, ambient };
}

/** Why systemd refuses this executable path, or undefined when it is acceptable. */
function executablePathProblem(path: string, dialect: Dialect): string | undefined {
  if (path === '') return 'the executable path is empty';
  if (!stringIsSafe(path)) return `the executable path "${path}" contains quotes, backslashes or control characters`;
  const directory = dialect.execDotComponentsAreDirectories ? pathImpliesDirectory(path) : path.endsWith('/');
  if (directory) return `the executable path "${path}" names a directory`;
  const ok = pathIsAbsolute(path) ? pathIsValid(path) : filenameIsValid(path);
  if (!ok) return `"${path}" is neither an absolute path nor a plain executable name (relative paths with "/" are not searched)`;
  return undefined;
}

function isSeparatorAt(s: string, i: number): boolean {
  return i >= s.length || WHITESPACE.includes(s[i]);
}

function skipWhitespace(s: string, i: number): number {
  while (i < s.length && WHITESPACE.includes(s[i])) i++;
  return i;
}

/**
 * Checks one command (up to a lone ";"). Returns problems, the index where the next command starts
 * (null when none follows), and whether to stop.
 */
function checkOneCommand(value: string, from: number, ctx: ValueContext): { problems: ValueProblem[]; next: number | null } {
  const first = extractFirstWordAndWarn(value, from, WHITESPACE, { unquote: true, cunescape: true });
  // A broken first word only drops the line (the parser returns 0 here, not -ENOEXEC).
  if (first.kind === 'error') return { problems: [rejected(`Unbalanced quoting in ${ctx.directive.name}=${value}`)], next: null };
  if (first.kind === 'none') return { problems: none, next: null };
  const w = first.word;
  const text = bytesToString(w.bytes);
  if (text === ';') return { problems: none, next: w.next };

  const prefixes = splitExecPrefixes(text);
  const consequence: Consequence = prefixes.ignoreFailure ? 'ignore' : 'refuse';
  const at = { start: w.start, end: w.end };
  const problems: ValueProblem[] = [];
  if (prefixes.ambient && dialectOf(ctx).execAmbientPrefixIgnored) {
    const p = advice(
      `systemd ${ctx.systemdVersion} ignores the "!!" prefix of ${ctx.directive.name}= (it no longer has the ambient-capabilities fallback) and runs the command as if it had no "!" at all. Remove it, or write "!" if the command must not get User=/Group= applied.`,
      'ignored-exec-prefix',
    );
    p.start = w.start;
    p.end = w.start + text.length - prefixes.rest.length;
    problems.push(p);
  }
  if (first.relaxedEscapes) problems.push(advice(`${ctx.directive.name}= contains unknown escape sequences in "${value.slice(w.start, w.end)}"; systemd keeps them verbatim.`));

  const exe = expand(prefixes.rest, 'full', 'path', ctx, consequence);
  if (exe.kind === 'failed') return { problems: [...problems, ...exe.problems.map((p) => ({ ...p, start: at.start, end: at.end }))], next: null };
  if (exe.kind === 'literal') {
    const why = executablePathProblem(exe.text, dialectOf(ctx));
    if (why) return { problems: [...problems, rejected(`In ${ctx.directive.name}=, ${why}`, consequence, at)], next: null };
  }

  let argc = prefixes.separateArgv0 ? 0 : 1;
  let p: number | null = w.next;
  while (p !== null && p < value.length) {
    if (value[p] === ';' && isSeparatorAt(value, p + 1)) return { problems, next: skipWhitespace(value, p + 1) };
    if (value[p] === '\\' && value[p + 1] === ';' && isSeparatorAt(value, p + 2)) {
      argc++;
      p = skipWhitespace(value, p + 2);
      continue;
    }
    const arg = extractFirstWordAndWarn(value, p, WHITESPACE, { unquote: true, cunescape: true });
    if (arg.kind === 'error') return { problems: [...problems, rejected(`Unbalanced quoting in ${ctx.directive.name}=${value}`, consequence)], next: null };
    if (arg.kind === 'none') break;
    if (arg.relaxedEscapes) problems.push(advice(`${ctx.directive.name}= contains unknown escape sequences in "${value.slice(arg.word.start, arg.word.end)}"; systemd keeps them verbatim.`));
    const e = expandWord(value, arg.word, 'full', 'full', ctx, consequence);
    if (e.kind === 'failed') return { problems: [...problems, ...e.problems], next: null };
    argc++;
    p = arg.word.next;
  }
  if (argc === 0) return { problems: [...problems, rejected(`${ctx.directive.name}= uses "@" but gives no argv[0] after the executable`, consequence, at)], next: null };
  return { problems, next: null };
}

/**
 * config_parse_exec: "[prefixes]executable args…", optionally several commands separated by a lone ";".
 * Unlike most settings a bad command makes systemd refuse the whole unit, unless the "-" prefix is used.
 */
export const validateExec: Validator = (value, ctx) => {
  if (value === '') return none;
  const problems: ValueProblem[] = [];
  let from: number | null = 0;
  while (from !== null) {
    const r = checkOneCommand(value, from, ctx);
    problems.push(...r.problems);
    if (r.problems.some((p) => (p.effect ?? 'ignored') === 'ignored')) break;
    from = r.next;
  }
  return problems;
};

// ---------------------------------------------------------------------------------------------------
// Environment= and EnvironmentFile=

/** env_name_is_valid(): bash rules — letters, digits, '_', not starting with a digit. */
export function envNameIsValid(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

function environmentWordProblem(value: string, w: ExtractedWord, ctx: ValueContext): ValueProblem[] {
  const e = expandWord(value, w, 'full', 'full', ctx);
  if (e.kind === 'failed') return e.problems;
  if (e.kind === 'unresolved') return none;
  const at = { start: w.start, end: w.end };
  const eq = e.text.indexOf('=');
  const explain = (why: string): ValueProblem[] => [rejected(`Invalid environment assignment "${e.text}" in ${ctx.directive.name}=: ${why}`, 'ignore', at)];
  if (eq < 0) return explain('expected NAME=VALUE');
  if (!envNameIsValid(e.text.slice(0, eq))) return explain('variable names use letters, digits and "_" and do not start with a digit');
  // The decoded bytes may hold "\xff"-style escapes that are not UTF-8.
  if (!bytesAreValidUtf8(w.bytes)) return explain('the value is not valid UTF-8');
  return none;
}

/**
 * config_parse_environ: quoted, C-escaped words, each NAME=VALUE. Broken quoting drops the whole
 * line; a bad word is skipped on its own.
 */
export const validateEnvironment: Validator = (value, ctx) => {
  if (value === '') return none;
  const problems: ValueProblem[] = [];
  let pos: number | null = 0;
  for (;;) {
    const r = extractFirstWord(value, pos, WHITESPACE, { cunescape: true, unquote: true });
    if (r.kind === 'error') return [rejected(`Invalid quoting or escaping in ${ctx.directive.name}=${value}`)];
    if (r.kind === 'none') break;
    problems.push(...environmentWordProblem(value, r.word, ctx));
    pos = r.word.next;
  }
  return problems.map((p) => ({ ...p, message: p.message.replace('systemd ignores this line', 'systemd ignores this assignment') }));
};

/** config_parse_unit_env_file: an absolute path, optionally prefixed with "-" (missing file is fine). */
export const validateEnvironmentFile: Validator = (value, ctx) => {
  if (value === '') return none;
  const start = value.startsWith('-') ? 1 : 0;
  // The '-' is stripped after specifier expansion, but a leading "-" is not a specifier either way.
  return checkPathValue(value.slice(start), ctx, { absolute: true }, 'ignore', { start, end: value.length });
};

// ---------------------------------------------------------------------------------------------------
// WorkingDirectory=, User=, Group=

/** config_parse_working_directory: "~", or an absolute path; "-" prefix tolerates a missing directory. */
export const validateWorkingDirectory: Validator = (value, ctx) => {
  if (value === '') return none;
  const missingOk = value.startsWith('-');
  const rest = missingOk ? value.slice(1) : value;
  if (rest === '~') return none;
  const start = missingOk ? 1 : 0;
  return checkPathValue(rest, ctx, { absolute: true }, missingOk ? 'ignore' : 'refuse', { start, end: value.length });
};

/**
 * valid_user_group_name() with VALID_USER_RELAX | VALID_USER_ALLOW_NUMERIC (src/basic/user-util.c):
 * a UID/GID 0..4294967294 except 65535 written without sign or leading zero, or a name without
 * surrounding spaces, control characters, ':' or '/', that is not all digits, not "-digits", not "." or "..".
 */
export function userGroupNameIsValid(name: string): boolean {
  if (name === '') return false;
  const uid = safeAtou(name, { refusePlusMinus: true, refuseLeadingZero: true, refuseLeadingWhitespace: true }, 10);
  if (uid.ok) return uid.value !== 0xffffn && uid.value !== 0xffffffffn;
  if (name.startsWith(' ') || name.endsWith(' ')) return false;
  if (!stringIsValidUnicode(name)) return false;
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c === 0x7f) return false;
  }
  if (/[:/]/.test(name)) return false;
  if (/^[0-9]+$/.test(name) || /^-[0-9]*$/.test(name)) return false;
  return !dotOrDotDot(name);
}

function userGroupHint(name: string): string {
  if (/^[0-9]+$/.test(name)) return '65535 and 4294967295 are reserved; IDs have no leading zeros and fit in 32 bits';
  if (/^-/.test(name)) return 'negative IDs do not exist';
  return 'names may not contain ":", "/" or control characters, nor start or end with a space';
}

/**
 * valid_user_group_name() without VALID_USER_RELAX (src/basic/user-util.c): what systemd itself would
 * create. Numeric IDs pass through the relaxed check above and are not judged here.
 */
function strictUserGroupName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) && name.length <= 31;
}

function userGroupWordProblems(text: string, ctx: ValueContext, at: { start: number; end: number }): ValueProblem[] {
  const e = expand(text, 'full', 'full', ctx, 'refuse', at.start);
  if (e.kind === 'failed') return e.problems;
  if (e.kind === 'unresolved') return none;
  if (!userGroupNameIsValid(e.text)) {
    return [rejected(`Invalid user/group name or numeric ID ${ctx.directive.name}=${text} (${userGroupHint(e.text)})`, 'refuse', at)];
  }
  if (/^[0-9]+$/.test(e.text) || strictUserGroupName(e.text)) return none;
  // systemd loads the unit ("Accepting user/group name …, which does not match strict … rules") and looks
  // the name up, exactly as written, when the unit starts: a glued-on comment or a space makes that fail.
  const why = /\s[#;]/.test(e.text)
    ? 'systemd has no inline comments, so the text after the name is part of it'
    : /\s/.test(e.text) ? 'it contains a space' : 'it is outside the portable name rules';
  return [{
    code: 'relaxed-user-name',
    effect: 'advice',
    start: at.start,
    end: at.end,
    message: `systemd accepts ${ctx.directive.name}=${e.text} only by its relaxed name rules: ${why}. At start it looks up a user or group of exactly this name; if there is none, the unit fails (status 216/GROUP or 217/USER).`,
  }];
}

/**
 * config_parse_user_group_compat (User=, Group=, SocketUser=, SocketGroup=): failures are fatal.
 * systemd also warns about running as "nobody" (NOBODY_USER_NAME), which other software may own too.
 */
export const validateUserGroup: Validator = (value, ctx) => {
  if (value === '') return none;
  const problems = userGroupWordProblems(value, ctx, { start: 0, end: value.length });
  if (problems.length > 0 || !ctx.directive.name.includes('User')) return problems;
  const e = expand(value, 'full', 'full', ctx);
  if (e.kind === 'literal' && e.text === 'nobody') {
    return [advice(`${ctx.directive.name}=nobody is not safe: files and processes of "nobody" are shared with everything else that runs as nobody. Use DynamicUser=yes or a dedicated user.`)];
  }
  return none;
};

/** config_parse_user_group_strv_compat (SupplementaryGroups=). */
export const validateUserGroupList: Validator = (value, ctx) => {
  if (value === '') return none;
  const problems: ValueProblem[] = [];
  let pos: number | null = 0;
  for (;;) {
    const r = extractFirstWord(value, pos, WHITESPACE, {});
    if (r.kind === 'error') return [rejected(`Invalid syntax in ${ctx.directive.name}=${value}`, 'refuse')];
    if (r.kind === 'none') return problems;
    const p = userGroupWordProblems(bytesToString(r.word.bytes), ctx, { start: r.word.start, end: r.word.end });
    if (p.length > 0) return p; // the parser stops at the first bad name
    pos = r.word.next;
  }
};

// ---------------------------------------------------------------------------------------------------
// StandardInput=, StandardOutput=, StandardError=

const EXEC_INPUT_WORDS = ['null', 'tty', 'tty-force', 'tty-fail', 'socket', 'fd', 'data', 'file'];
const EXEC_OUTPUT_WORDS = ['inherit', 'null', 'tty', 'kmsg', 'kmsg+console', 'journal', 'journal+console', 'socket', 'fd', 'file', 'append', 'truncate'];

function fdFormProblems(value: string, prefixLength: number, ctx: ValueContext): ValueProblem[] {
  const name = value.slice(prefixLength);
  const e = expand(name, 'full', 'fd', ctx, 'ignore', prefixLength);
  if (e.kind === 'failed') return e.problems;
  if (e.kind === 'unresolved' || e.text === '') return none;
  const r = validateFdName(e.text);
  return r.ok ? none : [rejected(`Invalid file descriptor name in ${ctx.directive.name}=${value}: ${r.message.replace(/\.$/, '')}`)];
}

function fileFormProblems(value: string, prefixLength: number, ctx: ValueContext): ValueProblem[] {
  return checkPathValue(value.slice(prefixLength), ctx, { absolute: true }, 'ignore', { start: prefixLength, end: value.length });
}

function wordsWithCatalog(ctx: ValueContext, words: readonly string[]): string[] {
  return [...new Set([...words, ...(ctx.directive.enumValues ?? [])])];
}

/** config_parse_exec_input: a table word (empty is not one), "fd:NAME" or "file:/PATH". */
export const validateExecInput: Validator = (value, ctx) => {
  if (value.startsWith('fd:')) return fdFormProblems(value, 3, ctx);
  if (value.startsWith('file:')) return fileFormProblems(value, 5, ctx);
  const words = wordsWithCatalog(ctx, EXEC_INPUT_WORDS);
  if (words.includes(value)) return none;
  return [rejected(`Invalid ${ctx.directive.name}=${value}: expected one of ${words.join(', ')}, fd:NAME or file:/PATH`)];
};

/** config_parse_exec_output: a table word, "fd:NAME", "file:"/"append:"/"truncate:" + /PATH; "syslog" is obsolete. */
export const validateExecOutput: Validator = (value, ctx) => {
  if (value.startsWith('fd:')) return fdFormProblems(value, 3, ctx);
  if (value === 'syslog' || value === 'syslog+console') {
    const now = value === 'syslog' ? 'journal' : 'journal+console';
    return [advice(`${ctx.directive.name}=${value} is obsolete: systemd uses ${now} instead of what is written. Write ${now}.`, 'obsolete-value')];
  }
  for (const prefix of ['file:', 'append:', 'truncate:']) {
    if (value.startsWith(prefix)) return fileFormProblems(value, prefix.length, ctx);
  }
  const words = wordsWithCatalog(ctx, EXEC_OUTPUT_WORDS);
  if (words.includes(value)) return none;
  return [rejected(`Invalid ${ctx.directive.name}=${value}: expected one of ${words.join(', ')}, fd:NAME, file:/PATH, append:/PATH or truncate:/PATH`)];
};
