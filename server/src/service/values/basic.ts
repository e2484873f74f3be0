/**
 * Validators for the generic parsers of src/shared/conf-parser.c (booleans, numbers, time spans, sizes,
 * modes, signals, log levels) and for string-table enums. None of these expand specifiers: a '%' in
 * such a value is just an invalid character.
 */
import type { ValueContext, ValueProblem, Validator } from './types';
import { safeAtoi, safeAtolli, safeAtou, safeAtou64, safeAtouMax, type NumResult } from './cnum';
import { parseNsec, parseSec, parseSecDefInfinity, type TimeResult } from './timespan';
import { parseSize } from './size';
import { invalid, rejected, type Consequence } from './problems';
import { acceptedWordsText } from '../enumBooleans';

const TRUE_WORDS = ['1', 'yes', 'y', 'true', 't', 'on'];
const FALSE_WORDS = ['0', 'no', 'n', 'false', 'f', 'off'];

/** parse_boolean() (src/basic/parse-util.c): case-insensitive; anything else, including "", fails. */
export function parseBoolean(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (TRUE_WORDS.includes(v)) return true;
  if (FALSE_WORDS.includes(v)) return false;
  return undefined;
}

const none: ValueProblem[] = [];

/** config_parse_bool: ltype "true" (e.g. DynamicUser=) makes a bad value fatal for the unit. */
export function boolValidator(ltype: string): Validator {
  const consequence: Consequence = ltype === 'true' || ltype === '1' ? 'refuse' : 'ignore';
  return (value, ctx) => (parseBoolean(value) === undefined ? [invalid(ctx, value, 'a boolean (yes/no, true/false, on/off, 1/0)', consequence)] : none);
}

/** config_parse_tristate: a boolean, or empty for "unset". */
export const validateTristate: Validator = (value, ctx) =>
  value === '' || parseBoolean(value) !== undefined ? none : [invalid(ctx, value, 'a boolean (or empty for the default)')];

function numberValidator(parse: (s: string) => NumResult, what: string): Validator {
  return (value, ctx) => {
    const r = parse(value);
    if (r.ok) return none;
    return [invalid(ctx, value, r.error === 'ERANGE' ? `${what} (out of range)` : what)];
  };
}

export const validateUnsigned = numberValidator((s) => safeAtou(s), 'an unsigned 32-bit number');
export const validateInt = numberValidator(safeAtoi, 'a signed 32-bit number');
export const validateLong = numberValidator(safeAtolli, 'a signed 64-bit number');
export const validateUint64 = numberValidator(safeAtou64, 'an unsigned 64-bit number');
export const validateUint8 = numberValidator((s) => safeAtouMax(s, 255n), 'a number 0..255');
export const validateUint16 = numberValidator((s) => safeAtouMax(s, 65535n), 'a number 0..65535');

function timeValidator(parse: (s: string) => TimeResult, what: string, emptyOk = false): Validator {
  return (value, ctx) => {
    if (emptyOk && value === '') return none;
    const r = parse(value);
    if (r.ok) return none;
    return [invalid(ctx, value, r.error === 'ERANGE' ? `${what} (negative or too large)` : what)];
  };
}

const SPAN_HELP = 'a time span (e.g. "30s", "5min 20s", "1.5h", "infinity"; a bare number is seconds)';

/** config_parse_sec, config_parse_sec_fix_0 and the service/job timeout parsers: parse_sec(). */
export const validateSec = timeValidator(parseSec, SPAN_HELP);
/** config_parse_sec_def_infinity: empty means infinity. */
export const validateSecDefInfinity = timeValidator(parseSecDefInfinity, SPAN_HELP);
/** config_parse_timeout_abort / service_timeout_abort: empty means "not set". */
export const validateSecOrEmpty = timeValidator(parseSec, SPAN_HELP, true);
/** config_parse_nsec: a bare number is nanoseconds. */
export const validateNsec = timeValidator(parseNsec, 'a time span (a bare number is nanoseconds)');

function sizeValidator(base: 1000 | 1024, acceptInfinity: boolean): Validator {
  const units = base === 1024 ? 'K, M, G, T, P, E = powers of 1024' : 'K, M, G, T, P, E = powers of 1000';
  return (value, ctx) => {
    if (acceptInfinity && value === 'infinity') return none;
    const r = parseSize(value, base);
    if (r.ok) return none;
    return [invalid(ctx, value, r.error === 'ERANGE' ? 'a size (negative or too large)' : `a size in bytes (optional suffix ${units}, e.g. "64K", "1.5M")`)];
  };
}

export const validateIecSize = sizeValidator(1024, false);
export const validateSiSize = sizeValidator(1000, false);
export const validateIecSizeOrInfinity = sizeValidator(1024, true);

/** parse_mode(): octal, no sign, at most 07777. */
export const validateMode: Validator = (value, ctx) => {
  const r = safeAtou(value, { refusePlusMinus: true }, 8);
  if (r.ok && r.value <= 0o7777n) return none;
  return [invalid(ctx, value, 'an octal file mode 0..07777 (e.g. 0644)')];
};

const SIGNAL_NAMES = [
  'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM',
  'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS',
];
/** glibc's SIGRTMIN (two real-time signals are reserved by the threading library) and SIGRTMAX. */
const SIGRTMIN = 34;
const SIGRTMAX = 64;

/** signal_from_string() (src/basic/signal-util.c): 1..64, "TERM"/"SIGTERM", "RTMIN+n", "RTMAX-n". */
export function signalIsValid(value: string): boolean {
  const n = safeAtoi(value);
  if (n.ok) return n.value >= 1n && n.value <= 64n;
  const s = value.startsWith('SIG') ? value.slice(3) : value;
  if (SIGNAL_NAMES.includes(s)) return true;
  for (const [base, sign] of [['RTMIN', '+'], ['RTMAX', '-']] as const) {
    if (!s.startsWith(base)) continue;
    const rest = s.slice(base.length);
    if (rest === '') return true;
    if (rest[0] !== sign) return false;
    const off = safeAtoi(rest);
    if (!off.ok) return false;
    const k = Number(off.value);
    return sign === '+' ? k >= 0 && k <= SIGRTMAX - SIGRTMIN : k <= 0 && k >= SIGRTMIN - SIGRTMAX;
  }
  return false;
}

export const validateSignal: Validator = (value, ctx) =>
  signalIsValid(value) ? none : [invalid(ctx, value, 'a signal (e.g. SIGTERM, TERM, 15 or RTMIN+3)')];

/**
 * DEFINE_STRING_TABLE_LOOKUP_WITH_FALLBACK lookups: a table word (exact case) or an unsigned number up
 * to `max` (safe_atou(), so "0x3" works too).
 */
export function tableOrNumberValidator(words: readonly string[], max: number, emptyOk: boolean, what: string): Validator {
  return (value, ctx) => {
    if (emptyOk && value === '') return none;
    if (tableWordsFor(ctx, words).includes(value)) return none;
    const n = safeAtou(value);
    if (n.ok && n.value <= BigInt(max)) return none;
    return [invalid(ctx, value, `${what}: one of ${tableWordsFor(ctx, words).join(', ')} or a number 0..${max}`)];
  };
}

/** The catalog's words when it has them (they follow the targeted systemd), else our own table. */
function tableWordsFor(ctx: ValueContext, fallback: readonly string[]): readonly string[] {
  const fromCatalog = ctx.directive.enumValues ?? [];
  return fromCatalog.length > 0 ? [...new Set([...fromCatalog, ...fallback])] : fallback;
}

export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
export const LOG_FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  '', '', '', '', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
].filter((w) => w !== '');

export const validateLogLevel = tableOrNumberValidator(LOG_LEVELS, 7, false, 'a log level');
export const validateLogFacility = tableOrNumberValidator(LOG_FACILITIES, 127, false, 'a syslog facility');
/** ioprio_class table; IOPRIO_N_CLASSES = 8; empty resets. */
export const validateIoClass = tableOrNumberValidator(['none', 'realtime', 'best-effort', 'idle'], 8, true, 'an I/O scheduling class');
/** sched_policy table; any int; empty resets. */
export const validateCpuSchedPolicy = tableOrNumberValidator(['other', 'batch', 'idle', 'fifo', 'rr'], 0x7fffffff, true, 'a CPU scheduling policy');

/**
 * Enum parsers described by the catalog (enumMatch/enumEmpty, generated from systemd's string tables):
 * exact, case-sensitive table words, plus boolean words where the table is WITH_BOOLEAN. Without that
 * description we cannot know what else the parser accepts, so nothing is reported.
 */
export const validateCatalogEnum: Validator = (value, ctx) => {
  const { enumValues, enumMatch, enumEmpty } = ctx.directive;
  if (!enumValues || !enumMatch) return none;
  // With booleans, every word is named with what yes/no stand for (BindIPv6Only=yes is ipv6-only).
  const accepted = enumMatch === 'exact-or-boolean' ? acceptedWordsText(ctx.directive) : enumValues.join(', ');
  if (value === '') return enumEmpty === 'invalid' ? [rejected(`${ctx.directive.name}= needs one of ${accepted}; an empty value is not accepted`)] : none;
  if (enumValues.includes(value)) return none;
  if (enumMatch === 'exact-or-boolean' && parseBoolean(value) !== undefined) return none;
  const caseHint = enumValues.find((w) => w.toLowerCase() === value.toLowerCase());
  const hint = caseHint ? ` (matching is case-sensitive: did you mean "${caseHint}"?)` : '';
  return [rejected(`Invalid ${ctx.directive.name}=${value}: expected one of ${accepted}${hint}`)];
};

/** A table enum whose empty value resets (KillMode=), for when the catalog lacks enumMatch. */
export function enumValidator(words: readonly string[], emptyOk: boolean): Validator {
  return (value, ctx) => {
    if (ctx.directive.enumMatch) return validateCatalogEnum(value, ctx);
    if (emptyOk && value === '') return none;
    const all = tableWordsFor(ctx, words);
    if (all.includes(value)) return none;
    return [rejected(`Invalid ${ctx.directive.name}=${value}: expected one of ${all.join(', ')}`)];
  };
}

/** config_parse_exec_nice: empty resets; -20..19. */
export const validateNice: Validator = (value, ctx) => {
  if (value === '') return none;
  const r = safeAtoi(value);
  if (r.ok && r.value >= -20n && r.value <= 19n) return none;
  return [invalid(ctx, value, 'a nice level -20..19')];
};

/** config_parse_exec_oom_score_adjust: empty resets; -1000..1000. */
export const validateOomScoreAdjust: Validator = (value, ctx) => {
  if (value === '') return none;
  const r = safeAtoi(value);
  if (r.ok && r.value >= -1000n && r.value <= 1000n) return none;
  return [invalid(ctx, value, 'an OOM score adjustment -1000..1000')];
};

export const noProblems: Validator = () => none;
