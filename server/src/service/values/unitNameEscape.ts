/**
 * Path <-> unit name escaping as systemd does it (src/basic/unit-name.c unit_name_path_escape(),
 * unit_name_from_path(), unit_name_path_unescape()), the same as `systemd-escape --path`.
 *
 * The path is simplified first (duplicate slashes, "." components and the trailing slash go), the
 * leading and trailing slashes are dropped, every remaining "/" becomes "-", and every byte that is
 * not a letter, digit, ":", "_" or "." is written as \xNN (so "-" itself becomes \x2d); a leading "."
 * becomes \x2e so the name never starts hidden. The root directory is "-".
 */
import { pathIsNormalized, pathSimplify } from './paths';

const PLAIN = /^[A-Za-z0-9:_.]$/;

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** do_escape(): byte-wise, as systemd works on UTF-8 bytes. */
function escapeBytes(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  bytes.forEach((b, i) => {
    const ch = String.fromCharCode(b);
    if (ch === '/') out += '-';
    else if (i === 0 && ch === '.') out += '\\x2e';
    else if (b < 0x80 && PLAIN.test(ch)) out += ch;
    else out += `\\x${hex2(b)}`;
  });
  return out;
}

export type EscapeResult = { ok: true; name: string } | { ok: false; reason: string };

/** unit_name_path_escape(): the escaped form of an absolute or relative path, or why there is none. */
export function escapePath(path: string, dropLeadingDotDot = false): EscapeResult {
  // path_simplify() drops a leading "/.." only since v253 or so (252 keeps it, and then refuses it).
  const simplified = pathSimplify(path, dropLeadingDotDot);
  const inner = simplified.replace(/^\/+/, '').replace(/\/+$/, '');
  if (inner === '' || inner === '.') return { ok: true, name: '-' };
  if (!pathIsNormalized(inner)) return { ok: false, reason: `"${path}" is not a normalized path` };
  return { ok: true, name: escapeBytes(inner) };
}

/**
 * unit_name_from_path(): the unit name systemd expects for a path (e.g. "/mnt/a" + ".mount" →
 * "mnt-a.mount"). The path must be absolute; names of 256 bytes or more have no plain form.
 */
export function unitNameFromPath(path: string, suffix: string, dropLeadingDotDot = false): EscapeResult {
  if (!path.startsWith('/')) return { ok: false, reason: `"${path}" is not an absolute path` };
  const e = escapePath(path, dropLeadingDotDot);
  if (!e.ok) return e;
  const name = e.name + suffix;
  if (new TextEncoder().encode(name).length >= 256) return { ok: false, reason: 'the escaped name would be 256 bytes or longer' };
  return { ok: true, name };
}

/** unit_name_path_unescape(): "mnt-a" → "/mnt/a", "-" → "/"; undefined when the text is not an escaped path. */
export function unescapePath(escaped: string): string | undefined {
  if (escaped === '') return undefined;
  if (escaped === '-') return '/';
  const bytes: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    const ch = escaped[i];
    if (ch === '-') { bytes.push(0x2f); continue; }
    if (ch === '\\') {
      const m = /^x([0-9a-fA-F]{2})/.exec(escaped.slice(i + 1));
      if (!m) return undefined;
      bytes.push(parseInt(m[1], 16));
      i += 3;
      continue;
    }
    for (const b of new TextEncoder().encode(ch)) bytes.push(b);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
  // "-a" or "a-" would put a slash at the start or the end, "a--b" an empty component: not a path.
  if (text.startsWith('/') || text.endsWith('/')) return undefined;
  const path = `/${text}`;
  if (!pathIsNormalized(path) || path.includes('\0')) return undefined;
  return path;
}

/** The unit's name without its ".type" suffix (mount, automount and swap names are escaped paths). */
export function pathOfUnitName(unitName: string): string | undefined {
  const dot = unitName.lastIndexOf('.');
  return dot <= 0 ? undefined : unescapePath(unitName.slice(0, dot));
}
