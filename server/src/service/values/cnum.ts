/**
 * Integer parsing with the exact semantics of glibc's strtoul()/strtol() family and of systemd's
 * safe_ato*() wrappers (src/basic/parse-util.c). systemd feeds most numeric settings through these, and
 * their corner cases are surprising: base 0 means "0x" is hex and a leading "0" is octal ("08" fails),
 * "-0" is accepted as 0, "+5" is accepted, and "0b"/"0o" prefixes are added by systemd's mangle_base().
 */

export type NumError = 'EINVAL' | 'ERANGE';
export type NumResult = { ok: true; value: bigint } | { ok: false; error: NumError };

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const U32_MAX = (1n << 32n) - 1n;
const I32_MIN = -(1n << 31n);
const I32_MAX = (1n << 31n) - 1n;

/** systemd's WHITESPACE set (src/basic/string-util.h). */
export const SD_WHITESPACE = ' \t\n\r';
/** C isspace() in the "C" locale: strto*() skip these before the number. */
const C_ISSPACE = ' \t\n\v\f\r';

export function skipChars(s: string, i: number, set: string): number {
  while (i < s.length && set.includes(s[i])) i++;
  return i;
}

function digitValue(ch: string | undefined): number {
  if (ch === undefined) return 99;
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return 99;
}

export interface StrtoScan {
  /** Index just after the parsed number; equals `start` when nothing was converted (C: endptr == nptr). */
  end: number;
  /** Absolute value of the digits (unbounded). */
  magnitude: bigint;
  negative: boolean;
}

/** The scanning part shared by strtol/strtoul/strtoll/strtoull: whitespace, sign, base prefix, digits. */
export function cScanInteger(s: string, start: number, base: number): StrtoScan {
  let i = skipChars(s, start, C_ISSPACE);
  let negative = false;
  if (s[i] === '+' || s[i] === '-') {
    negative = s[i] === '-';
    i++;
  }
  // glibc only consumes "0x" when a hex digit follows; otherwise the "0" alone is the number.
  if ((base === 0 || base === 16) && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && digitValue(s[i + 2]) < 16) {
    i += 2;
    base = 16;
  } else if (base === 0) {
    base = s[i] === '0' ? 8 : 10;
  }
  const digitsStart = i;
  let magnitude = 0n;
  const b = BigInt(base);
  while (i < s.length && digitValue(s[i]) < base) {
    magnitude = magnitude * b + BigInt(digitValue(s[i]));
    i++;
  }
  if (i === digitsStart) return { end: start, magnitude: 0n, negative: false };
  return { end: i, magnitude, negative };
}

/** strtoull()/strtoul() on LP64: the overflow flag mirrors errno == ERANGE. */
function unsignedOverflows(scan: StrtoScan): boolean {
  return scan.magnitude > U64_MAX;
}

/** strtoll()/strtol() on LP64. */
function signedOverflows(scan: StrtoScan): boolean {
  return scan.negative ? scan.magnitude > I64_MAX + 1n : scan.magnitude > I64_MAX;
}

export interface SafeAtoFlags {
  refusePlusMinus?: boolean;
  refuseLeadingZero?: boolean;
  refuseLeadingWhitespace?: boolean;
}

/**
 * systemd's mangle_base(): only when no explicit base was requested, accept Python-style "0b"/"0o"
 * prefixes (checked after leading whitespace, before any sign).
 */
function mangleBase(s: string, i: number, base: number): { i: number; base: number } {
  if (base !== 0) return { i, base };
  const two = s.slice(i, i + 2);
  if (two === '0b' || two === '0B') return { i: i + 2, base: 2 };
  if (two === '0o' || two === '0O') return { i: i + 2, base: 8 };
  return { i, base };
}

/** safe_atollu_full()/safe_atou_full() core; `bits` is 32 for unsigned, 64 for unsigned long long. */
function safeAtoUnsigned(s: string, base: number, flags: SafeAtoFlags, bits: 32 | 64): NumResult {
  if (flags.refuseLeadingWhitespace && s.length > 0 && SD_WHITESPACE.includes(s[0])) return { ok: false, error: 'EINVAL' };
  // An empty string: strchr(WHITESPACE, '\0') matches the terminator in C, so it is refused as well.
  if (flags.refuseLeadingWhitespace && s.length === 0) return { ok: false, error: 'EINVAL' };
  let i = skipChars(s, 0, SD_WHITESPACE);
  if (flags.refusePlusMinus && (s[i] === '+' || s[i] === '-')) return { ok: false, error: 'EINVAL' };
  if (flags.refuseLeadingZero && s[i] === '0' && i + 1 < s.length) return { ok: false, error: 'EINVAL' };
  const m = mangleBase(s, i, base);
  i = m.i;
  const scan = cScanInteger(s, i, m.base);
  if (scan.end !== i && unsignedOverflows(scan)) return { ok: false, error: 'ERANGE' };
  if (scan.end === i || scan.end !== s.length) return { ok: false, error: 'EINVAL' };
  // strtoul() negates silently; systemd refuses a '-' unless the value is 0 ("-0" passes).
  if (scan.magnitude !== 0n && s[i] === '-') return { ok: false, error: 'ERANGE' };
  if (bits === 32 && scan.magnitude > U32_MAX) return { ok: false, error: 'ERANGE' };
  return { ok: true, value: scan.magnitude };
}

/** safe_atou(): unsigned int, base 0 (config_parse_unsigned). */
export function safeAtou(s: string, flags: SafeAtoFlags = {}, base = 0): NumResult {
  return safeAtoUnsigned(s, base, flags, 32);
}

/** safe_atou64(): uint64_t, base 0 (config_parse_uint64). */
export function safeAtou64(s: string): NumResult {
  return safeAtoUnsigned(s, 0, {}, 64);
}

/** safe_atou_full() followed by an upper bound, like safe_atou8()/safe_atou16(). */
export function safeAtouMax(s: string, max: bigint, flags: SafeAtoFlags = {}): NumResult {
  const r = safeAtou(s, flags);
  if (r.ok && r.value > max) return { ok: false, error: 'ERANGE' };
  return r;
}

function safeAtoSigned(s: string, min: bigint, max: bigint): NumResult {
  let i = skipChars(s, 0, SD_WHITESPACE);
  const m = mangleBase(s, i, 0);
  i = m.i;
  const scan = cScanInteger(s, i, m.base);
  if (scan.end !== i && signedOverflows(scan)) return { ok: false, error: 'ERANGE' };
  if (scan.end === i || scan.end !== s.length) return { ok: false, error: 'EINVAL' };
  const value = scan.negative ? -scan.magnitude : scan.magnitude;
  if (value < min || value > max) return { ok: false, error: 'ERANGE' };
  return { ok: true, value };
}

/** safe_atoi(): int, base 0 (config_parse_int). */
export function safeAtoi(s: string): NumResult {
  return safeAtoSigned(s, I32_MIN, I32_MAX);
}

/** safe_atolli()/safe_atoli() on LP64: long long, base 0 (config_parse_long). */
export function safeAtolli(s: string): NumResult {
  return safeAtoSigned(s, -(I64_MAX + 1n), I64_MAX);
}

/** strtoull(s + start, &end, 10) as used by parse_size(): returns magnitude, end and overflow. */
export function strtoull10(s: string, start: number): { end: number; value: bigint; overflow: boolean } {
  const scan = cScanInteger(s, start, 10);
  if (scan.end === start) return { end: start, value: 0n, overflow: false };
  if (unsignedOverflows(scan)) return { end: scan.end, value: U64_MAX, overflow: true };
  const value = scan.negative ? (U64_MAX + 1n - scan.magnitude) & U64_MAX : scan.magnitude;
  return { end: scan.end, value, overflow: false };
}

/** strtoll(s + start, &end, 10) as used by parse_time(). */
export function strtoll10(s: string, start: number): { end: number; value: bigint; overflow: boolean } {
  const scan = cScanInteger(s, start, 10);
  if (scan.end === start) return { end: start, value: 0n, overflow: false };
  if (signedOverflows(scan)) return { end: scan.end, value: 0n, overflow: true };
  return { end: scan.end, value: scan.negative ? -scan.magnitude : scan.magnitude, overflow: false };
}

export const LIMITS = { U64_MAX, U32_MAX, I32_MIN, I32_MAX, I64_MAX };
