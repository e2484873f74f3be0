/**
 * Guesses what a value systemd rejects was meant to say, for the quick fixes on invalid-value: a boolean
 * written in a form parse_boolean() does not know ("enabled", "+", "\"yes\""), and a file mode written in
 * a form parse_mode() does not know ("0o666", "rw-rw-rw-", "u=rw,g=rw", "0x1b6"). Pure string functions.
 */
import { parseBoolean } from './values';

/** Words people write for a boolean that parse_boolean() rejects, with what they mean. */
const BOOLEAN_INTENT: ReadonlyMap<string, boolean> = new Map([
  ...['enable', 'enabled', 'active', 'activate', 'activated', 'allow', 'allowed', '+', 'ok', 'okay', 'always', 'yep', 'yeah']
    .map((w) => [w, true] as const),
  ...['disable', 'disabled', 'inactive', 'deactivate', 'deactivated', 'deny', 'denied', '-', 'none', 'never', 'nope']
    .map((w) => [w, false] as const),
]);

/** Strips matching outer quotes (any depth) and blanks: `"yes"` → yes. */
function unquote(value: string): string {
  let v = value.trim();
  while (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) v = v.slice(1, -1).trim();
  return v;
}

/**
 * The boolean a rejected value most likely means, as systemd's canonical word, or undefined when there
 * is no telling (e.g. "maybe"). A value systemd already accepts gives its own meaning.
 */
export function booleanReplacement(value: string): 'yes' | 'no' | undefined {
  const v = unquote(value).replace(/\s+/g, '').toLowerCase();
  const meaning = parseBoolean(v) ?? BOOLEAN_INTENT.get(v);
  return meaning === undefined ? undefined : meaning ? 'yes' : 'no';
}

/** parse_mode() accepts at most this. */
const MODE_MAX = 0o7777;

/** File-type bits of st_mode (S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO). */
const FILE_TYPES = new Set([0o140000, 0o120000, 0o100000, 0o060000, 0o040000, 0o020000, 0o010000]);

/** `ls -l` style: "rw-rw-rw-" or with the file-type letter, "srw-rw-rw-"; s/S/t/T for the special bits. */
const SYMBOLIC = /^[-dlcbps]?([-r][-w][-xsS])([-r][-w][-xsS])([-r][-w][-xtT])$/;

function fromSymbolic(m: RegExpMatchArray): number {
  let mode = 0;
  for (let i = 0; i < 3; i++) {
    const [r, w, x] = m[i + 1];
    const shift = 6 - 3 * i;
    if (r === 'r') mode |= 4 << shift;
    if (w === 'w') mode |= 2 << shift;
    if (x === 'x' || x === 's' || x === 't') mode |= 1 << shift;
    if (x === 's' || x === 'S') mode |= i === 0 ? 0o4000 : 0o2000;
    if (x === 't' || x === 'T') mode |= 0o1000;
  }
  return mode;
}

/** Permission bits and the special bit of each class (u, g, o). */
const CLASS_BITS: Readonly<Record<string, { shift: number; special: number; specialLetter: string }>> = {
  u: { shift: 6, special: 0o4000, specialLetter: 's' },
  g: { shift: 3, special: 0o2000, specialLetter: 's' },
  o: { shift: 0, special: 0o1000, specialLetter: 't' },
};

const CHMOD_CLAUSE = /^([ugoa]*)((?:[-+=][rwxXst]*)+)$/;

/**
 * chmod(1) symbolic clauses applied to an empty mode: "u=rw,g=rw" → 0660, "a+r" → 0444. The umask is not
 * applied (a unit file states the mode exactly). Undefined when a clause is not understood or nothing
 * is granted.
 */
function fromChmodClauses(value: string): number | undefined {
  let mode = 0;
  let grants = false;
  for (const clause of value.split(',')) {
    const m = CHMOD_CLAUSE.exec(clause);
    if (!m) return undefined;
    const who = (m[1] || 'a').replace(/a/g, 'ugo');
    for (const op of m[2].match(/[-+=][rwxXst]*/g) ?? []) {
      const perms = op.slice(1);
      if (op[0] !== '-') grants = true;
      for (const cls of new Set(who)) {
        const { shift, special, specialLetter } = CLASS_BITS[cls];
        let bits = 0;
        if (perms.includes('r')) bits |= 4 << shift;
        if (perms.includes('w')) bits |= 2 << shift;
        // X: execute only where some execute bit is already set (a socket is no directory).
        if (perms.includes('x') || (perms.includes('X') && (mode & 0o111) !== 0)) bits |= 1 << shift;
        if (perms.includes(specialLetter)) bits |= special;
        if (op[0] === '=') mode &= ~((7 << shift) | special);
        if (op[0] === '-') mode &= ~bits;
        else mode |= bits;
      }
    }
  }
  return grants ? mode : undefined;
}

/** The mode a value parse_mode() rejects most likely means, or undefined when there is no telling. */
export function parseModeLoosely(value: string): number | undefined {
  const v = unquote(value).replace(/^\+(?=\d)/, '');
  let mode: number | undefined;
  if (/^0[oO][0-7]+$/.test(v)) mode = parseInt(v.slice(2), 8);
  else if (/^0[xX][0-9a-fA-F]+$/.test(v)) mode = parseInt(v.slice(2), 16);
  else if (/^[0-7]+$/.test(v)) {
    // A whole st_mode, file type included (stat -c %f in octal, git's 100644): keep the permission bits.
    const n = parseInt(v, 8);
    mode = n > MODE_MAX && FILE_TYPES.has(n & 0o170000) && n <= 0o177777 ? n & MODE_MAX : n;
  } else {
    const symbolic = SYMBOLIC.exec(v);
    mode = symbolic ? fromSymbolic(symbolic) : fromChmodClauses(v);
  }
  return mode !== undefined && Number.isSafeInteger(mode) && mode >= 0 && mode <= MODE_MAX ? mode : undefined;
}

/** A mode the way unit files write it: octal with a leading zero, e.g. 0666, 04755. */
export function formatMode(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0');
}

/** The octal replacement for a mode value systemd rejects, or undefined. */
export function modeReplacement(value: string): string | undefined {
  const mode = parseModeLoosely(value);
  return mode === undefined ? undefined : formatMode(mode);
}
