/**
 * Byte sizes exactly as systemd's parse_size() reads them (src/basic/parse-util.c).
 *
 * Only the single upper-case letters K M G T P E and B are units (no "KiB", no lower case); "64KB" fails
 * because after "K" the "B" stands alone without a number. Components may be combined only in
 * strictly decreasing unit order ("1G 512M" is fine, "512M 1G" is not). Decimals work ("1.5M"), a
 * leading "." does not (".5M"). Negative values are refused.
 */
import { SD_WHITESPACE, skipChars, strtoull10 } from './cnum';

export type SizeResult = { ok: true; value: bigint } | { ok: false; error: 'EINVAL' | 'ERANGE' };

const U64_MAX = (1n << 64n) - 1n;

type SizeTable = ReadonlyArray<readonly [suffix: string, factor: bigint]>;

function sizeTable(base: bigint): SizeTable {
  return [
    ['E', base ** 6n], ['P', base ** 5n], ['T', base ** 4n], ['G', base ** 3n],
    ['M', base ** 2n], ['K', base], ['B', 1n], ['', 1n],
  ];
}

const IEC = sizeTable(1024n);
const SI = sizeTable(1000n);

/** Reads the fractional digits after '.', as parse_size() does with a second strtoull() and a double. */
function readFraction(t: string, e: number): { end: number; frac: number } | { error: 'ERANGE' } {
  const c = t.charCodeAt(e);
  if (!(c >= 48 && c <= 57)) return { end: e, frac: 0 };
  const r = strtoull10(t, e);
  if (r.overflow) return { error: 'ERANGE' };
  let frac = Number(r.value);
  for (let i = e; i < r.end; i++) frac /= 10;
  return { end: r.end, frac };
}

export function parseSize(t: string, base: 1000 | 1024): SizeResult {
  const table = base === 1024 ? IEC : SI;
  let total = 0n;
  let startPos = 0;
  let p = 0;
  do {
    p = skipChars(t, p, SD_WHITESPACE);
    const num = strtoull10(t, p);
    if (num.overflow) return { ok: false, error: 'ERANGE' };
    if (num.end === p) return { ok: false, error: 'EINVAL' };
    if (t[p] === '-') return { ok: false, error: 'ERANGE' };
    let e = num.end;
    let frac = 0;
    if (t[e] === '.') {
      const f = readFraction(t, e + 1);
      if ('error' in f) return { ok: false, error: f.error };
      e = f.end;
      frac = f.frac;
    }
    e = skipChars(t, e, SD_WHITESPACE);
    let i = startPos;
    while (i < table.length && !t.startsWith(table[i][0], e)) i++;
    if (i >= table.length) return { ok: false, error: 'EINVAL' };
    const [suffix, factor] = table[i];
    // C computes l + (frac > 0) in 64-bit unsigned arithmetic.
    const withFrac = (num.value + (frac > 0 ? 1n : 0n)) & U64_MAX;
    if (withFrac > U64_MAX / factor) return { ok: false, error: 'ERANGE' };
    const tmp = num.value * factor + BigInt(Math.trunc(frac * Number(factor)));
    if (tmp > U64_MAX - total) return { ok: false, error: 'ERANGE' };
    total += tmp;
    p = e + suffix.length;
    startPos = i + 1;
  } while (p < t.length);
  return { ok: true, value: total };
}
