/**
 * Word splitting and C unescaping as systemd's extract_first_word() and cunescape_one() do them
 * (src/basic/extract-word.c, src/basic/escape.c). Many list-valued settings go through these, and the
 * exact flags decide whether quotes and backslashes are special, so each caller names its flags.
 *
 * Words are produced as UTF-8 bytes because "\xff"-style escapes yield raw bytes that need not be UTF-8.
 */

export const WHITESPACE = ' \t\n\r';

export interface ExtractFlags {
  /** EXTRACT_RELAX: allow unbalanced quotes and a trailing backslash. */
  relax?: boolean;
  /** EXTRACT_CUNESCAPE: decode C escapes. */
  cunescape?: boolean;
  /** EXTRACT_UNESCAPE_RELAX: keep unknown escapes verbatim. */
  unescapeRelax?: boolean;
  /** EXTRACT_UNESCAPE_SEPARATORS: "\<separator>" stands for the separator. */
  unescapeSeparators?: boolean;
  /** EXTRACT_KEEP_QUOTE: quotes group words but stay in the output. */
  keepQuote?: boolean;
  /** EXTRACT_UNQUOTE: quotes group words and are removed. */
  unquote?: boolean;
  /** EXTRACT_DONT_COALESCE_SEPARATORS. */
  dontCoalesce?: boolean;
  /** EXTRACT_RETAIN_ESCAPE: a backslash is an ordinary character. */
  retainEscape?: boolean;
  /** EXTRACT_RETAIN_SEPARATORS. */
  retainSeparators?: boolean;
}

export interface ExtractedWord {
  bytes: number[];
  /** Offset of the word's first character in the input string. */
  start: number;
  /** Offset just after the word's last character (before any separator). */
  end: number;
  /** Where the next extraction continues; null when the input is exhausted (C: *p = NULL). */
  next: number | null;
}

export type ExtractResult =
  | { kind: 'word'; word: ExtractedWord }
  | { kind: 'none' }
  | { kind: 'error' };

export function utf8Encode(cp: number, out: number[]): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

export function stringToUtf8(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) utf8Encode(ch.codePointAt(0) ?? 0xfffd, out);
  return out;
}

/** Byte length of a string in UTF-8, which is what systemd's strlen() limits count. */
export function utf8ByteLength(s: string): number {
  // By UTF-16 code units (iterating code points allocates a string per character, for every word checked):
  // a surrogate pair is one 4-byte character, a lone surrogate 3 bytes, as for its code point.
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** unichar_is_valid() (src/basic/utf8.c): also refuses the non-characters U+FDD0..FDEF and U+xFFFE/F. */
export function unicharIsValid(cp: number): boolean {
  if (cp >= 0x110000) return false;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  if (cp >= 0xfdd0 && cp <= 0xfdef) return false;
  if ((cp & 0xfffe) === 0xfffe) return false;
  return true;
}

/** utf8_is_valid(): well-formed UTF-8 without surrogates or code points above U+10FFFF. */
export function bytesAreValidUtf8(bytes: readonly number[]): boolean {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let need: number;
    let cp: number;
    if (b < 0x80) { i++; continue; }
    if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; cp = b & 0x0f; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; cp = b & 0x07; }
    else return false;
    if (i + need >= bytes.length) return false; // truncated sequence
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    if (cp < min || !unicharIsValid(cp)) return false;
    i += need + 1;
  }
  return true;
}

/** Would utf8_is_valid() accept this string's UTF-8 encoding? (Lone surrogates and non-characters fail.) */
export function stringIsValidUnicode(s: string): boolean {
  for (const ch of s) {
    if (!unicharIsValid(ch.codePointAt(0) ?? 0xd800)) return false;
  }
  return true;
}

/** Lenient decode for display and for specifier scanning (invalid bytes become U+FFFD). */
export function bytesToString(bytes: readonly number[]): string {
  // Nearly every word is ASCII: no decoder, no typed array (this runs for every word of every value).
  let ascii = true;
  for (const b of bytes) if (b >= 0x80) { ascii = false; break; }
  if (ascii) {
    let out = '';
    for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.slice(i, i + 4096));
    return out;
  }
  return LENIENT_UTF8.decode(new Uint8Array(bytes));
}

const LENIENT_UTF8 = new TextDecoder('utf-8', { fatal: false });

function hexValue(ch: string | undefined): number {
  if (ch === undefined) return -1;
  const i = '0123456789abcdef'.indexOf(ch.toLowerCase());
  return ch.length === 1 && i >= 0 ? i : -1;
}

function octValue(ch: string | undefined): number {
  return ch !== undefined && ch >= '0' && ch <= '7' ? ch.charCodeAt(0) - 48 : -1;
}

export type UnescapeOne = { ok: true; length: number; codePoint: number; eightBit: boolean } | { ok: false };

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39, s: 32,
};

/** cunescape_one(): decodes the escape that starts at s[i] (just after the backslash); NUL is refused. */
export function cunescapeOne(s: string, i: number): UnescapeOne {
  const c = s[i];
  if (c === undefined) return { ok: false };
  if (c in SIMPLE_ESCAPES) return { ok: true, length: 1, codePoint: SIMPLE_ESCAPES[c], eightBit: false };
  if (c === 'x') {
    const a = hexValue(s[i + 1]);
    const b = hexValue(s[i + 2]);
    if (a < 0 || b < 0 || (a === 0 && b === 0)) return { ok: false };
    return { ok: true, length: 3, codePoint: (a << 4) | b, eightBit: true };
  }
  if (c === 'u' || c === 'U') {
    const n = c === 'u' ? 4 : 8;
    let cp = 0;
    for (let k = 1; k <= n; k++) {
      const h = hexValue(s[i + k]);
      if (h < 0) return { ok: false };
      cp = cp * 16 + h;
    }
    if (cp === 0) return { ok: false };
    // Only the 32-bit form checks unichar_is_valid().
    if (c === 'U' && !unicharIsValid(cp)) return { ok: false };
    return { ok: true, length: n + 1, codePoint: cp, eightBit: false };
  }
  if (c >= '0' && c <= '7') {
    const a = octValue(s[i]);
    const b = octValue(s[i + 1]);
    const d = octValue(s[i + 2]);
    if (a < 0 || b < 0 || d < 0) return { ok: false };
    const m = (a << 6) | (b << 3) | d;
    if (m === 0 || m > 255) return { ok: false };
    return { ok: true, length: 3, codePoint: m, eightBit: true };
  }
  return { ok: false };
}

function appendChar(s: string, i: number, out: number[]): number {
  const cp = s.codePointAt(i) ?? 0xfffd;
  utf8Encode(cp, out);
  return cp > 0xffff ? 2 : 1;
}

/**
 * extract_first_word(): returns the next word starting at `pos` (null = exhausted), mirroring the
 * C state machine including where the cursor stops.
 */
export function extractFirstWord(s: string, pos: number | null, separators: string = WHITESPACE, flags: ExtractFlags = {}): ExtractResult {
  if (pos === null) return { kind: 'none' };
  const isSep = (ch: string | undefined): boolean => ch !== undefined && separators.includes(ch);
  let p = pos;
  let out: number[] | null = null;
  let start = p;

  // Skip leading separators.
  for (;; p++) {
    if (p >= s.length) return { kind: 'none' };
    if (isSep(s[p])) {
      if (flags.dontCoalesce) {
        const next = flags.retainSeparators ? p : p + 1;
        return { kind: 'word', word: { bytes: [], start: p, end: p, next } };
      }
      continue;
    }
    out = [];
    start = p;
    break;
  }

  const bytes: number[] = out;
  let quote: string | null = null;
  let backslash = false;
  const done = (end: number, next: number | null): ExtractResult => ({ kind: 'word', word: { bytes, start, end, next } });

  for (;; p++) {
    if (backslash) {
      if (p >= s.length) {
        if (flags.unescapeRelax && (quote === null || flags.relax)) {
          bytes.push(92);
          return done(p, null);
        }
        if (flags.relax) return done(p, null);
        return { kind: 'error' };
      }
      const c = s[p];
      if (flags.cunescape || flags.unescapeSeparators) {
        const u = flags.cunescape ? cunescapeOne(s, p) : ({ ok: false } as UnescapeOne);
        if (u.ok) {
          p += u.length - 1;
          if (u.eightBit) bytes.push(u.codePoint);
          else utf8Encode(u.codePoint, bytes);
        } else if (flags.unescapeSeparators && (isSep(c) || c === '\\')) {
          bytes.push(c.charCodeAt(0));
        } else if (flags.unescapeRelax) {
          bytes.push(92);
          p += appendChar(s, p, bytes) - 1;
        } else {
          return { kind: 'error' };
        }
      } else {
        p += appendChar(s, p, bytes) - 1;
      }
      backslash = false;
    } else if (quote !== null) {
      for (;; p++) {
        if (p >= s.length) {
          if (flags.relax) return done(p, null);
          return { kind: 'error' };
        }
        const c = s[p];
        if (c === quote) {
          quote = null;
          if (flags.unquote) break;
        } else if (c === '\\' && !flags.retainEscape) {
          backslash = true;
          break;
        }
        p += appendChar(s, p, bytes) - 1;
        if (quote === null) break;
      }
    } else {
      for (;; p++) {
        if (p >= s.length) return done(p, null);
        const c = s[p];
        if ((c === "'" || c === '"') && (flags.keepQuote || flags.unquote)) {
          quote = c;
          if (flags.unquote) break;
        } else if (c === '\\' && !flags.retainEscape) {
          backslash = true;
          break;
        } else if (isSep(c)) {
          const end = p;
          if (flags.dontCoalesce) return done(end, flags.retainSeparators ? p : p + 1);
          if (!flags.retainSeparators) {
            for (;; p++) {
              if (p >= s.length) return done(end, null);
              if (!isSep(s[p])) break;
            }
          }
          return done(end, p);
        }
        p += appendChar(s, p, bytes) - 1;
        if (quote !== null) break;
      }
    }
  }
}

/**
 * extract_first_word_and_warn(): on a bad escape retries keeping unknown escapes verbatim (systemd
 * logs "Ignoring unknown escape sequences" but uses the word); unbalanced quoting stays an error.
 */
export function extractFirstWordAndWarn(s: string, pos: number | null, separators: string, flags: ExtractFlags): ExtractResult & { relaxedEscapes?: boolean } {
  const r = extractFirstWord(s, pos, separators, flags);
  if (r.kind !== 'error' || flags.unescapeRelax) return r;
  const retry = extractFirstWord(s, pos, separators, { ...flags, unescapeRelax: true });
  if (retry.kind === 'word') return { ...retry, relaxedEscapes: true };
  return retry;
}

/** Splits a whole value into words; returns null when extract_first_word() fails anywhere. */
export function splitWords(s: string, separators: string, flags: ExtractFlags): ExtractedWord[] | null {
  const words: ExtractedWord[] = [];
  let pos: number | null = 0;
  for (;;) {
    const r = extractFirstWord(s, pos, separators, flags);
    if (r.kind === 'error') return null;
    if (r.kind === 'none') return words;
    words.push(r.word);
    pos = r.word.next;
  }
}

/** Blank-separated words of a value with their [start, end) offsets; one layer of matching quotes is dropped. */
export function wordSpans(value: string): { text: string; start: number; end: number }[] {
  const words: { text: string; start: number; end: number }[] = [];
  for (const m of value.matchAll(/\S+/g)) {
    let start = m.index;
    let end = start + m[0].length;
    const first = value[start];
    if ((first === '"' || first === "'") && end - start >= 2 && value[end - 1] === first) {
      start++;
      end--;
    }
    if (end > start) words.push({ text: value.slice(start, end), start, end });
  }
  return words;
}
