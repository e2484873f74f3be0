/**
 * Time spans exactly as systemd's parse_time()/parse_nsec() read them (src/basic/time-util.c).
 *
 * Surprises worth knowing: units are case-sensitive ("5S" fails, "5M" is five *months*), a unit may be
 * separated from its number by whitespace ("5 min"), components simply concatenate ("1min 30s",
 * "1m30s", even "5 5" = 10s), "5secs" fails because "sec" matches and the stray "s" has no number,
 * "+5s" and ".5s" are accepted, "-0" is refused, and the empty string is refused.
 */
import { SD_WHITESPACE, skipChars, strtoll10 } from './cnum';

export type TimeResult = { ok: true; value: bigint; infinity: boolean } | { ok: false; error: 'EINVAL' | 'ERANGE' };

const INFINITY = (1n << 64n) - 1n;
const DIGITS = '0123456789';

const SEC = 1_000_000n;
const MINUTE = 60n * SEC;
const HOUR = 60n * MINUTE;
const DAY = 24n * HOUR;
const WEEK = 7n * DAY;
const MONTH = 2_629_800n * SEC;
const YEAR = 31_557_600n * SEC;

type UnitTable = ReadonlyArray<readonly [suffix: string, factor: bigint]>;

/** Order matters: the first prefix match wins (so "ms" must precede "m", "min" precede "m"). */
const USEC_UNITS: UnitTable = [
  ['seconds', SEC], ['second', SEC], ['sec', SEC], ['s', SEC],
  ['minutes', MINUTE], ['minute', MINUTE], ['min', MINUTE],
  ['months', MONTH], ['month', MONTH], ['M', MONTH],
  ['msec', 1000n], ['ms', 1000n], ['m', MINUTE],
  ['hours', HOUR], ['hour', HOUR], ['hr', HOUR], ['h', HOUR],
  ['days', DAY], ['day', DAY], ['d', DAY],
  ['weeks', WEEK], ['week', WEEK], ['w', WEEK],
  ['years', YEAR], ['year', YEAR], ['y', YEAR],
  ['usec', 1n], ['us', 1n], ['\u03bcs', 1n], ['\u00b5s', 1n],
];

/** parse_nsec(): the same words scaled to nanoseconds, plus "nsec"/"ns"; a bare number means ns. */
const NSEC_UNITS: UnitTable = [
  ...USEC_UNITS.map(([suffix, factor]) => [suffix, factor * 1000n] as const),
  ['nsec', 1n], ['ns', 1n],
];

/** Mirrors extract_multiplier(): returns the index after the unit, or `i` unchanged when none matches. */
function matchUnit(t: string, i: number, table: UnitTable): { next: number; factor?: bigint } {
  for (const [suffix, factor] of table) {
    if (t.startsWith(suffix, i)) return { next: i + suffix.length, factor };
  }
  return { next: i };
}

/** Shared body of parse_time() and parse_nsec(). */
function parseSpan(t: string, defaultUnit: bigint, table: UnitTable): TimeResult {
  let p = skipChars(t, 0, SD_WHITESPACE);
  if (t.startsWith('infinity', p)) {
    const rest = skipChars(t, p + 'infinity'.length, SD_WHITESPACE);
    return rest === t.length ? { ok: true, value: INFINITY, infinity: true } : { ok: false, error: 'EINVAL' };
  }
  let total = 0n;
  let something = false;
  for (;;) {
    p = skipChars(t, p, SD_WHITESPACE);
    if (p >= t.length) {
      if (!something) return { ok: false, error: 'EINVAL' };
      break;
    }
    if (t[p] === '-') return { ok: false, error: 'ERANGE' }; // refuses "-0" too
    const num = strtoll10(t, p);
    if (num.overflow) return { ok: false, error: 'ERANGE' };
    if (num.value < 0n) return { ok: false, error: 'ERANGE' };
    const e = num.end; // equals p when no digits were read
    if (t[e] === '.') {
      p = skipChars(t, e + 1, DIGITS);
    } else if (e === p) {
      return { ok: false, error: 'EINVAL' };
    } else {
      p = e;
    }
    const unitStart = skipChars(t, p, SD_WHITESPACE);
    const unit = matchUnit(t, unitStart, table);
    // "12.34.56" fails, but "12.34 .56" and "12.34s.56" are read as two components.
    if (unit.next === p && p < t.length) return { ok: false, error: 'EINVAL' };
    p = unit.next;
    const multiplier = unit.factor ?? defaultUnit;
    if (num.value >= INFINITY / multiplier) return { ok: false, error: 'ERANGE' };
    const k = num.value * multiplier;
    if (k >= INFINITY - total) return { ok: false, error: 'ERANGE' };
    total += k;
    something = true;
    if (t[e] === '.') {
      let m = multiplier / 10n;
      let b = e + 1;
      for (; b < t.length && DIGITS.includes(t[b]); b++, m /= 10n) {
        const part = BigInt(t.charCodeAt(b) - 48) * m;
        if (part >= INFINITY - total) return { ok: false, error: 'ERANGE' };
        total += part;
      }
      if (b === e + 1) return { ok: false, error: 'EINVAL' }; // "3." / "3.sec" / "0.-0"
    }
  }
  return { ok: true, value: total, infinity: false };
}

/** parse_sec(): bare numbers are seconds; result in µs. */
export function parseSec(t: string): TimeResult {
  return parseSpan(t, SEC, USEC_UNITS);
}

/** parse_sec_def_infinity(): like parse_sec(), but empty (or only whitespace) means infinity. */
export function parseSecDefInfinity(t: string): TimeResult {
  if (skipChars(t, 0, SD_WHITESPACE) === t.length) return { ok: true, value: INFINITY, infinity: true };
  return parseSec(t);
}

/** parse_nsec(): bare numbers are nanoseconds; result in ns. */
export function parseNsec(t: string): TimeResult {
  return parseSpan(t, 1n, NSEC_UNITS);
}
