/**
 * Calendar expressions as systemd reads them (OnCalendar=, `systemd-analyze calendar`), following the
 * rules of src/shared/calendarspec.c: the grammar is "[WEEKDAYS] [[YEAR-]MONTH-DAY] [HOUR:MINUTE[:SECOND]]
 * [TIMEZONE]" or one of the special words. Each date/time field is "*" or a comma list of items, an item
 * being "N", "N..M" or either with "/REPEAT"; seconds take up to six decimals; "~" between month and day
 * counts days from the end of the month. The parser is the same in every version we target (239..262).
 *
 * Besides accepting or refusing, it gives the normalized form systemd prints and the next elapse times
 * (in UTC or the local zone of the JavaScript engine; other zones are not computed).
 */

const USEC_PER_SEC = 1_000_000;
const MIN_YEAR = 1970;
const MAX_YEAR = 2199;
/** A comma list may hold this many further items after the first (CALENDARSPEC_COMPONENTS_MAX). */
const COMPONENTS_MAX = 240;
const INT_MAX = 2147483647;
const ALL_WEEKDAYS = 127;
const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const LONG_WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** Latest time systemd can print (USEC_TIMESTAMP_FORMATTABLE_MAX, 9999-12-30 23:59:59 UTC). */
const USEC_FORMATTABLE_MAX = 253402214399000000;

/** One item of a field: start, optional stop (-1 = none), repeat (0 = none). */
interface Component {
  start: number;
  stop: number;
  repeat: number;
}

/** A field: undefined = any value ("*"). Components are kept sorted once normalized. */
type Chain = Component[] | undefined;

export interface CalendarSpec {
  /** Bit 0 = Monday … bit 6 = Sunday; -1 = every day. */
  weekdays: number;
  year: Chain;
  month: Chain;
  day: Chain;
  hour: Chain;
  minute: Chain;
  /** Seconds, in microseconds. */
  microsecond: Chain;
  endOfMonth: boolean;
  utc: boolean;
  /** An IANA time zone named at the end of the expression. */
  timezone?: string;
  /** The name of the local zone given at the end (systemd's tzname[] match). */
  localZone?: string;
}

export type CalendarParse = { ok: true; spec: CalendarSpec; normalized: string } | { ok: false; error: string };

export interface CalendarOptions {
  /**
   * Names of the target machine's local zone (standard and summer time, tzname[]), which systemd accepts
   * as the last word. Unknown by default: then a trailing all-letter abbreviation is accepted, since it
   * may be the local zone there.
   */
  localZoneNames?: readonly string[];
  /** Whether a word names a time zone in the target's database; default: what the JavaScript engine knows. */
  isTimezone?: (name: string) => boolean;
}

class ParseError extends Error {}

function fail(message: string): never {
  throw new ParseError(message);
}

/** Time zone names the JavaScript engine knows (Intl is available in Node and in web workers). */
export function engineKnowsTimezone(name: string): boolean {
  // The zone database is made of file names: no empty parts, no "..", no leading "/".
  if (!/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// Parsing

/** A cursor over the text being parsed. */
class Cursor {
  constructor(readonly text: string, public i = 0) {}
  get ch(): string {
    return this.text[this.i] ?? '';
  }
  at(k: number): string {
    return this.text[this.i + k] ?? '';
  }
  get atEnd(): boolean {
    return this.i >= this.text.length;
  }
  skipSpaces(): void {
    while (this.ch === ' ') this.i++;
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Decimal digits as strtoul() reads them (the caller has checked the first one is a digit). */
function readNumber(cur: Cursor): number {
  const start = cur.i;
  while (isDigit(cur.ch)) cur.i++;
  const text = cur.text.slice(start, cur.i);
  if (text === '') fail('a number was expected');
  // strtoul() saturates far beyond INT_MAX; either way the value is out of range.
  return text.length > 12 ? Number.MAX_SAFE_INTEGER : Number(text);
}

/** parse_fractional_part_u(): six digits, rounded on the seventh, further digits skipped. */
function readFraction(cur: Cursor): number {
  let value = 0;
  let i = 0;
  for (; i < 6; i++) {
    if (!isDigit(cur.ch)) {
      if (i === 0) fail('a digit was expected after the decimal point');
      for (; i < 6; i++) value *= 10;
      break;
    }
    value = value * 10 + Number(cur.ch);
    cur.i++;
  }
  if (cur.ch >= '5' && cur.ch <= '9') value++;
  while (isDigit(cur.ch)) cur.i++;
  return value;
}

/** parse_component_decimal(): a number; for seconds, with an optional fraction, in microseconds. */
function readDecimal(cur: Cursor, usec: boolean): number {
  if (!isDigit(cur.ch)) fail(`a number was expected at "${cur.text.slice(cur.i) || 'the end'}"`);
  let value = readNumber(cur);
  if (usec) {
    value *= USEC_PER_SEC;
    // One "." is a decimal point, two are a range.
    if (cur.ch === '.' && cur.at(1) !== '.') {
      cur.i++;
      value += readFraction(cur);
    }
  }
  if (value > INT_MAX) fail('a number is too large');
  return value;
}

/** prepend_component(): a comma list of "N[..M][/R]" items. */
function readComponents(cur: Cursor, usec: boolean): Component[] {
  const items: Component[] = [];
  for (let nesting = 0; ; nesting++) {
    if (nesting > COMPONENTS_MAX) fail(`more than ${COMPONENTS_MAX + 1} values in one field`);
    const start = readDecimal(cur, usec);
    let stop = -1;
    let repeat = 0;
    if (cur.ch === '.' && cur.at(1) === '.') {
      cur.i += 2;
      stop = readDecimal(cur, usec);
      repeat = usec ? USEC_PER_SEC : 1;
    }
    if (cur.ch === '/') {
      cur.i++;
      repeat = readDecimal(cur, usec);
      if (repeat === 0) fail('a repetition of 0');
    } else {
      if (start > INT_MAX - repeat) fail('a number is too large');
      // Without "/", a range of seconds steps by 1 s, so it must span at least one second.
      if (usec && stop >= 0 && start + repeat > stop) fail('a range of seconds shorter than one second needs a repetition');
    }
    if (!['', ' ', ',', '-', '~', ':'].includes(cur.ch)) fail(`unexpected "${cur.ch}"`);
    items.push({ start, stop, repeat });
    if (cur.ch !== ',') return items;
    cur.i++;
  }
}

/** parse_chain(): "*" or a list. */
function readChain(cur: Cursor, usec: boolean): Chain {
  if (cur.ch === '*') {
    cur.i++;
    return usec ? [{ start: 0, stop: -1, repeat: USEC_PER_SEC }] : undefined;
  }
  return readComponents(cur, usec);
}

const DAY_WORDS: Array<[string, number]> = LONG_WEEKDAYS.flatMap((long, n) => [[long, n], [WEEKDAY_NAMES[n], n]] as Array<[string, number]>);

/** parse_weekdays(): "Mon", "Mon..Fri", "Mon-Fri", "Sat,Sun" …, case-insensitive, then spaces. */
function readWeekdays(cur: Cursor, spec: CalendarSpec): void {
  let rangeStart = -1;
  let first = true;
  for (;;) {
    const rest = cur.text.slice(cur.i).toLowerCase();
    const hit = DAY_WORDS.find(([word]) => rest.startsWith(word.toLowerCase()));
    if (!hit) {
      if (first) return;
      fail('a weekday was expected');
    }
    const [word, nr] = hit;
    if (!['', '-', '.', ',', ' '].includes(cur.text[cur.i + word.length] ?? '')) fail(`unexpected text after "${word}"`);
    spec.weekdays |= 1 << nr;
    if (rangeStart >= 0) {
      if (rangeStart > nr) fail('a weekday range goes backwards');
      for (let j = rangeStart + 1; j < nr; j++) spec.weekdays |= 1 << j;
    }
    cur.i += word.length;
    if (cur.atEnd) return;
    if (cur.ch === ' ') {
      cur.skipSpaces();
      return;
    }
    if (cur.ch === '.') {
      if (rangeStart >= 0 || cur.at(1) !== '.') fail('a malformed weekday range');
      rangeStart = nr;
      cur.i += 2;
    } else if (cur.ch === '-') {
      // The old range syntax, still accepted.
      if (rangeStart >= 0) fail('a malformed weekday range');
      rangeStart = nr;
      cur.i += 1;
    } else if (cur.ch === ',') {
      rangeStart = -1;
      cur.i += 1;
    }
    // A trailing comma is fine, an open range is not.
    if (cur.atEnd || cur.ch === ' ') {
      cur.skipSpaces();
      if (rangeStart >= 0) fail('a weekday range without an end');
      return;
    }
    first = false;
  }
}

function fromUnixSeconds(spec: CalendarSpec, seconds: number): void {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) fail('the timestamp is out of range');
  const one = (v: number): Component[] => [{ start: v, stop: -1, repeat: 0 }];
  spec.utc = true;
  spec.year = one(d.getUTCFullYear());
  spec.month = one(d.getUTCMonth() + 1);
  spec.day = one(d.getUTCDate());
  spec.hour = one(d.getUTCHours());
  spec.minute = one(d.getUTCMinutes());
  spec.microsecond = one(d.getUTCSeconds() * USEC_PER_SEC);
}

/** parse_date(): true when the date was "@SECONDS" (then no time may follow). */
function readDate(cur: Cursor, spec: CalendarSpec): boolean {
  if (cur.atEnd) return false;
  if (cur.ch === '@') {
    cur.i++;
    if (!isDigit(cur.ch)) fail('"@" needs a number of seconds');
    fromUnixSeconds(spec, readNumber(cur));
    return true;
  }
  // Work on a copy: if this turns out to be a time, the time parser starts over from here.
  const t = new Cursor(cur.text, cur.i);
  const first = readChain(t, false);
  if (t.atEnd || t.ch === ':') return false;
  if (t.ch === '~') spec.endOfMonth = true;
  else if (t.ch !== '-') fail(`unexpected "${t.ch}" in the date`);
  t.i++;
  const second = readChain(t, false);
  if (t.atEnd || t.at(0) === ' ') {
    t.skipSpaces();
    cur.i = t.i;
    spec.month = first;
    spec.day = second;
    return false;
  }
  if (spec.endOfMonth) fail('"~" may only stand between month and day');
  if (t.ch === '~') spec.endOfMonth = true;
  else if (t.ch !== '-') fail(`unexpected "${t.ch}" in the date`);
  t.i++;
  const third = readChain(t, false);
  if (!(t.atEnd || t.at(0) === ' ')) fail(`unexpected "${t.ch}" after the date`);
  t.skipSpaces();
  cur.i = t.i;
  spec.year = first;
  spec.month = second;
  spec.day = third;
  return false;
}

const ZERO: Component[] = [{ start: 0, stop: -1, repeat: 0 }];

/** parse_calendar_time(): "H:M" or "H:M:S"; nothing at all means midnight. */
function readTime(cur: Cursor, spec: CalendarSpec): void {
  if (cur.atEnd) {
    spec.hour = ZERO;
    spec.minute = ZERO;
    spec.microsecond = ZERO;
    return;
  }
  const hour = readChain(cur, false);
  if (cur.ch !== ':') fail('a time needs hours and minutes ("HH:MM")');
  cur.i++;
  const minute = readChain(cur, false);
  let second: Chain = ZERO;
  if (!cur.atEnd) {
    if (cur.ch !== ':') fail(`unexpected "${cur.ch}" in the time`);
    cur.i++;
    second = readChain(cur, true);
    if (!cur.atEnd) fail(`unexpected "${cur.ch}" after the time`);
  }
  spec.hour = hour;
  spec.minute = minute;
  spec.microsecond = second;
}

function at(...values: number[]): Component[] {
  return values.map((v) => ({ start: v, stop: -1, repeat: 0 }));
}

/** The special words; each sets the listed fields, the rest stay "*". */
const SHORTHANDS: Record<string, Partial<CalendarSpec>> = {
  minutely: { microsecond: at(0) },
  hourly: { minute: at(0), microsecond: at(0) },
  daily: { hour: at(0), minute: at(0), microsecond: at(0) },
  monthly: { day: at(1), hour: at(0), minute: at(0), microsecond: at(0) },
  annually: { month: at(1), day: at(1), hour: at(0), minute: at(0), microsecond: at(0) },
  yearly: { month: at(1), day: at(1), hour: at(0), minute: at(0), microsecond: at(0) },
  anually: { month: at(1), day: at(1), hour: at(0), minute: at(0), microsecond: at(0) },
  weekly: { weekdays: 1, hour: at(0), minute: at(0), microsecond: at(0) },
  quarterly: { month: at(1, 4, 7, 10), day: at(1), hour: at(0), minute: at(0), microsecond: at(0) },
  biannually: { month: at(1, 7), day: at(1), hour: at(0), minute: at(0), microsecond: at(0) },
  'bi-annually': { month: at(1, 7), day: at(1), hour: at(0), minute: at(0), microsecond: at(0) },
  semiannually: { month: at(1, 7), day: at(1), hour: at(0), minute: at(0), microsecond: at(0) },
  'semi-annually': { month: at(1, 7), day: at(1), hour: at(0), minute: at(0), microsecond: at(0) },
};

/** Splits off a trailing time zone the way calendar_spec_from_string() does. */
function splitTimezone(text: string, spec: CalendarSpec, options: CalendarOptions): string {
  if (text.toLowerCase().endsWith(' utc')) {
    spec.utc = true;
    return text.slice(0, -4);
  }
  const space = text.lastIndexOf(' ');
  const last = space >= 0 ? text.slice(space + 1) : '';
  const localNames = options.localZoneNames;
  if (localNames) {
    const hit = localNames.find((n) => n !== '' && text.toLowerCase().endsWith(n.toLowerCase()) && text.length > n.length && text[text.length - n.length - 1] === ' ');
    if (hit) {
      spec.localZone = hit;
      return text.slice(0, text.length - hit.length - 1);
    }
  } else if (space >= 0 && /^[A-Za-z]{3,5}$/.test(last) && !/^(mon|tue|wed|thu|fri|sat|sun)/i.test(last) && !(last.toLowerCase() in SHORTHANDS)) {
    // The target machine's local zone is unknown: an abbreviation may be its name there.
    spec.localZone = last;
    return text.slice(0, space);
  }
  if (space >= 0 && (options.isTimezone ?? engineKnowsTimezone)(last)) {
    spec.timezone = last;
    return text.slice(0, space);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------------
// Normalizing and validating

function compareComponents(a: Component, b: Component): number {
  return a.start - b.start || a.stop - b.stop || a.repeat - b.repeat;
}

/** normalize_chain(): stop made a multiple of repeat, useless repeats dropped, sorted, duplicates gone. */
function normalizeChain(chain: Chain): Chain {
  if (!chain) return chain;
  const items = chain.map((c) => {
    const n = { ...c };
    if (n.stop > n.start && n.repeat > 0) n.stop -= (n.stop - n.start) % n.repeat;
    if ((n.stop > n.start && n.repeat > 0 && n.start + n.repeat > n.stop) || n.start === n.stop) {
      n.repeat = 0;
      n.stop = -1;
    }
    return n;
  });
  if (items.length <= 1) return items;
  items.sort(compareComponents);
  return items.filter((c, i) => i === 0 || compareComponents(items[i - 1], c) !== 0);
}

/** fix_year(): two-digit years, 70..99 → 19xx and 0..69 → 20xx. */
function fixYears(chain: Chain): Chain {
  const fix = (v: number) => (v >= 0 && v < 70 ? v + 2000 : v >= 70 && v < 100 ? v + 1900 : v);
  return chain?.map((c) => ({ ...c, start: fix(c.start), stop: fix(c.stop) }));
}

/** chain_valid(). */
function chainValid(chain: Chain, from: number, to: number, endOfMonth: boolean): boolean {
  if (!chain) return true;
  // "~" counts at most 28 days back from the end.
  if (endOfMonth) to -= 3;
  for (const c of chain) {
    if (c.start < from || c.start > to) return false;
    if (c.repeat > to - from) return false;
    if (c.stop >= 0) {
      if (c.stop < from || c.stop > to) return false;
      if (c.start + c.repeat > c.stop) return false;
    } else if (endOfMonth ? c.start - c.repeat < from : c.start + c.repeat > to) {
      return false;
    }
  }
  return true;
}

function normalize(spec: CalendarSpec): void {
  if (spec.timezone === 'UTC') {
    spec.utc = true;
    spec.timezone = undefined;
  }
  if (spec.weekdays <= 0 || spec.weekdays >= ALL_WEEKDAYS) spec.weekdays = -1;
  if (spec.endOfMonth && !spec.day) spec.endOfMonth = false;
  spec.year = normalizeChain(fixYears(spec.year));
  spec.month = normalizeChain(spec.month);
  spec.day = normalizeChain(spec.day);
  spec.hour = normalizeChain(spec.hour);
  spec.minute = normalizeChain(spec.minute);
  spec.microsecond = normalizeChain(spec.microsecond);
}

function specValid(spec: CalendarSpec): string | undefined {
  if (!chainValid(spec.year, MIN_YEAR, MAX_YEAR, false)) return `years must lie in ${MIN_YEAR}..${MAX_YEAR}`;
  if (!chainValid(spec.month, 1, 12, false)) return 'months must lie in 1..12 (a repetition must fit in the range)';
  if (!chainValid(spec.day, 1, 31, spec.endOfMonth)) return spec.endOfMonth ? 'with "~", days count 1..28 back from the end of the month' : 'days must lie in 1..31 (a repetition must fit in the range)';
  if (!chainValid(spec.hour, 0, 23, false)) return 'hours must lie in 0..23 (a repetition must fit in the range)';
  if (!chainValid(spec.minute, 0, 59, false)) return 'minutes must lie in 0..59 (a repetition must fit in the range)';
  if (!chainValid(spec.microsecond, 0, 60 * USEC_PER_SEC - 1, false)) return 'seconds must lie below 60 (a repetition must fit in the range)';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Formatting (calendar_spec_to_string(), the "Normalized form:" line)

function formatWeekdays(bits: number): string {
  let out = '';
  let rangeStart = -1;
  let x = 0;
  for (; x < 7; x++) {
    if (bits & (1 << x)) {
      if (rangeStart < 0) {
        if (out) out += ',';
        out += WEEKDAY_NAMES[x];
        rangeStart = x;
      }
    } else if (rangeStart >= 0) {
      if (x > rangeStart + 1) out += (x > rangeStart + 2 ? '..' : ',') + WEEKDAY_NAMES[x - 1];
      rangeStart = -1;
    }
  }
  if (rangeStart >= 0 && x > rangeStart + 1) out += (x > rangeStart + 2 ? '..' : ',') + WEEKDAY_NAMES[x - 1];
  return out;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatChain(chain: Chain, width: number, usec: boolean): string {
  const d = usec ? USEC_PER_SEC : 1;
  // A seconds field with an item that covers every second is "*".
  if (!chain || (usec && chain.some((c) => c.start === 0 && c.stop < 0 && c.repeat === USEC_PER_SEC))) return '*';
  const frac = (v: number) => (v % d > 0 ? `.${pad(v % d, 6)}` : '');
  return chain
    .map((c) => {
      let s = pad(Math.trunc(c.start / d), width) + frac(c.start);
      if (c.stop > 0) s += `..${pad(Math.trunc(c.stop / d), width)}`;
      if (c.stop > 0) s += frac(c.stop);
      if (c.repeat > 0 && !(c.stop > 0 && c.repeat === d)) s += `/${Math.trunc(c.repeat / d)}`;
      s += frac(c.repeat);
      return s;
    })
    .join(',');
}

export function formatCalendarSpec(spec: CalendarSpec): string {
  let out = spec.weekdays > 0 && spec.weekdays <= ALL_WEEKDAYS ? `${formatWeekdays(spec.weekdays)} ` : '';
  out += `${formatChain(spec.year, 4, false)}-${formatChain(spec.month, 2, false)}${spec.endOfMonth ? '~' : '-'}${formatChain(spec.day, 2, false)}`;
  out += ` ${formatChain(spec.hour, 2, false)}:${formatChain(spec.minute, 2, false)}:${formatChain(spec.microsecond, 2, true)}`;
  if (spec.utc) out += ' UTC';
  else if (spec.timezone) out += ` ${spec.timezone}`;
  else if (spec.localZone) out += ` ${spec.localZone}`;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The entry point

/** calendar_spec_from_string(): the expression's normalized form, or why systemd rejects it. */
export function parseCalendarSpec(input: string, options: CalendarOptions = {}): CalendarParse {
  const spec: CalendarSpec = {
    weekdays: 0, year: undefined, month: undefined, day: undefined, hour: undefined, minute: undefined,
    microsecond: undefined, endOfMonth: false, utc: false,
  };
  try {
    const text = splitTimezone(input, spec, options);
    if (text === '') fail('the expression is empty');
    const shorthand = Object.prototype.hasOwnProperty.call(SHORTHANDS, text.toLowerCase()) ? SHORTHANDS[text.toLowerCase()] : undefined;
    if (shorthand) {
      Object.assign(spec, shorthand);
    } else {
      const cur = new Cursor(text);
      readWeekdays(cur, spec);
      if (!readDate(cur, spec)) readTime(cur, spec);
      if (!cur.atEnd) fail(`unexpected "${cur.text.slice(cur.i)}"`);
    }
    normalize(spec);
    const invalid = specValid(spec);
    if (invalid) fail(invalid);
    return { ok: true, spec, normalized: formatCalendarSpec(spec) };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e.message };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------
// Next elapse (calendar_spec_next_usec(), find_next())

/** struct tm, with the year counted from 0 (not 1900) and months from 0. */
interface Tm {
  year: number;
  mon: number;
  mday: number;
  hour: number;
  min: number;
  sec: number;
}

/** mktime()/timegm(): normalizes the fields in place and returns the time in seconds. */
function normalizeTm(tm: Tm, utc: boolean): number {
  let d: Date;
  if (utc) {
    d = new Date(0);
    d.setUTCFullYear(tm.year, tm.mon, tm.mday);
    d.setUTCHours(tm.hour, tm.min, tm.sec, 0);
    Object.assign(tm, { year: d.getUTCFullYear(), mon: d.getUTCMonth(), mday: d.getUTCDate(), hour: d.getUTCHours(), min: d.getUTCMinutes(), sec: d.getUTCSeconds() });
  } else {
    d = new Date(2000, 0, 1);
    d.setFullYear(tm.year, tm.mon, tm.mday);
    d.setHours(tm.hour, tm.min, tm.sec, 0);
    Object.assign(tm, { year: d.getFullYear(), mon: d.getMonth(), mday: d.getDate(), hour: d.getHours(), min: d.getMinutes(), sec: d.getSeconds() });
  }
  return Math.floor(d.getTime() / 1000);
}

function weekdayOf(tm: Tm, utc: boolean): number {
  const t = { ...tm };
  const seconds = normalizeTm(t, utc);
  const d = new Date(seconds * 1000);
  const wday = utc ? d.getUTCDay() : d.getDay();
  return wday === 0 ? 6 : wday - 1;
}

function endOfMonthDay(tm: Tm, utc: boolean, day: number): number {
  const t = { ...tm, mon: tm.mon + 1, mday: 1 - day };
  normalizeTm(t, utc);
  return t.mon !== tm.mon ? -1 : t.mday;
}

/** find_matching_component(): the earliest allowed value >= *val; -1 = none. Returns [changed, value]. */
function matchComponent(spec: CalendarSpec, chain: Chain, tm: Tm, val: number): { r: number; val: number } {
  if (!chain) return { r: 0, val };
  const endOfMonth = spec.endOfMonth && chain === spec.day;
  let best: number | undefined;
  for (const c of chain) {
    let start = c.start;
    let stop = c.stop;
    if (endOfMonth) {
      start = endOfMonthDay(tm, spec.utc, c.start);
      stop = endOfMonthDay(tm, spec.utc, c.stop);
      if (stop > 0) [start, stop] = [stop, start];
    }
    if (start >= val) {
      if (best === undefined || start < best) best = start;
    } else if (c.repeat > 0) {
      const k = start + c.repeat * Math.ceil((val - start) / c.repeat);
      if ((best === undefined || k < best) && (stop < 0 || k <= stop)) best = k;
    }
  }
  if (best === undefined) return { r: -1, val };
  return { r: best !== val ? 1 : 0, val: best };
}

function compareTm(a: Tm, b: Tm): number {
  return a.year - b.year || a.mon - b.mon || a.mday - b.mday || a.hour - b.hour || a.min - b.min || a.sec - b.sec;
}

/** tm_within_bounds(): -1 = out of range or backwards, 0 = normalizing moved it (tm updated), 1 = fine. */
function withinBounds(tm: Tm, utc: boolean): number {
  if (tm.year > MAX_YEAR) return -1;
  const t = { ...tm };
  normalizeTm(t, utc);
  let cmp: number;
  if ((cmp = t.year - tm.year) !== 0) t.mon = 0;
  else if ((cmp = t.mon - tm.mon) !== 0) t.mday = 1;
  else if ((cmp = t.mday - tm.mday) !== 0) t.hour = 0;
  else if ((cmp = t.hour - tm.hour) !== 0) t.min = 0;
  else if ((cmp = t.min - tm.min) !== 0) t.sec = 0;
  else cmp = t.sec - tm.sec;
  if (cmp < 0) return -1;
  if (cmp > 0) Object.assign(tm, t);
  return cmp === 0 ? 1 : 0;
}

const MAX_ITERATIONS = 1000;

function findNext(spec: CalendarSpec, from: Tm, fromUsec: number): { tm: Tm; usec: number } | undefined {
  const c: Tm = { ...from };
  let usec = fromUsec;
  const utc = spec.utc;
  const resetBelow = (field: 'mon' | 'mday' | 'hour' | 'min' | 'sec') => {
    const order = ['mon', 'mday', 'hour', 'min', 'sec'] as const;
    for (const f of order.slice(order.indexOf(field))) c[f] = f === 'mday' ? 1 : 0;
    usec = 0;
  };
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    normalizeTm(c, utc);
    let m = matchComponent(spec, spec.year, c, c.year);
    if (m.r < 0) return undefined;
    c.year = m.val;
    if (m.r > 0) resetBelow('mon');
    if (withinBounds(c, utc) <= 0) return undefined;

    m = matchComponent(spec, spec.month, c, c.mon + 1);
    if (m.r >= 0) c.mon = m.val - 1;
    if (m.r > 0) resetBelow('mday');
    let b = m.r < 0 ? -1 : withinBounds(c, utc);
    if (b < 0) { c.year++; resetBelow('mon'); continue; }
    if (b === 0) continue;

    m = matchComponent(spec, spec.day, c, c.mday);
    if (m.r >= 0) c.mday = m.val;
    if (m.r > 0) resetBelow('hour');
    b = m.r < 0 ? -1 : withinBounds(c, utc);
    if (b < 0) { c.mon++; resetBelow('mday'); continue; }
    if (b === 0) continue;

    if (spec.weekdays > 0 && spec.weekdays < ALL_WEEKDAYS && !(spec.weekdays & (1 << weekdayOf(c, utc)))) {
      c.mday++;
      resetBelow('hour');
      continue;
    }

    m = matchComponent(spec, spec.hour, c, c.hour);
    if (m.r >= 0) c.hour = m.val;
    if (m.r > 0) resetBelow('min');
    b = m.r < 0 ? -1 : withinBounds(c, utc);
    if (b < 0) { c.mday++; resetBelow('hour'); continue; }
    if (b === 0) continue;

    m = matchComponent(spec, spec.minute, c, c.min);
    if (m.r >= 0) c.min = m.val;
    if (m.r > 0) resetBelow('sec');
    b = m.r < 0 ? -1 : withinBounds(c, utc);
    if (b < 0) { c.hour++; resetBelow('min'); continue; }
    if (b === 0) continue;

    m = matchComponent(spec, spec.microsecond, c, c.sec * USEC_PER_SEC + usec);
    const total = m.r >= 0 ? m.val : c.sec * USEC_PER_SEC + usec;
    usec = total % USEC_PER_SEC;
    c.sec = Math.floor(total / USEC_PER_SEC);
    b = m.r < 0 ? -1 : withinBounds(c, utc);
    if (b < 0) { c.min++; resetBelow('sec'); continue; }
    if (b === 0) continue;

    let cmp = compareTm(from, c);
    if (cmp === 0) cmp = fromUsec - (usec + 1);
    if (cmp >= 0) {
      // Stuck (a time-zone change): step on and let normalizing sort it out.
      c.hour++;
      continue;
    }
    return { tm: c, usec };
  }
  return undefined;
}

function tmOf(ms: number, utc: boolean): Tm {
  const d = new Date(ms);
  return utc
    ? { year: d.getUTCFullYear(), mon: d.getUTCMonth(), mday: d.getUTCDate(), hour: d.getUTCHours(), min: d.getUTCMinutes(), sec: d.getUTCSeconds() }
    : { year: d.getFullYear(), mon: d.getMonth(), mday: d.getDate(), hour: d.getHours(), min: d.getMinutes(), sec: d.getSeconds() };
}

export type ElapseResult = { ok: true; times: Date[] } | { ok: false; reason: string };

/**
 * The next `count` elapse times after `base` (each strictly later than the one before), as systemd
 * computes them. Times carry microseconds in systemd; a Date keeps milliseconds. Fewer than `count`
 * times come back when the expression stops elapsing.
 */
export function nextElapses(spec: CalendarSpec, base: Date, count: number): ElapseResult {
  if (spec.timezone) return { ok: false, reason: `next elapse in the time zone ${spec.timezone} is not computed here` };
  if (spec.localZone) return { ok: false, reason: `next elapse in the target's local zone ${spec.localZone} is not computed here` };
  const times: Date[] = [];
  // In microseconds since the epoch; doubles hold these exactly up to year 2255.
  let usec = base.getTime() * 1000;
  for (let i = 0; i < count; i++) {
    if (usec > USEC_FORMATTABLE_MAX) break;
    const after = usec + 1;
    const from = tmOf(Math.floor(after / 1000), spec.utc);
    const r = findNext(spec, from, after % USEC_PER_SEC);
    if (!r) break;
    const seconds = normalizeTm(r.tm, spec.utc);
    usec = seconds * USEC_PER_SEC + r.usec;
    times.push(new Date(Math.floor(usec / 1000)));
  }
  return { ok: true, times };
}
