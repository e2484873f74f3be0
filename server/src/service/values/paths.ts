/**
 * Path checks as systemd performs them (src/basic/path-util.c, src/shared/parse-helpers.c).
 *
 * path_simplify_and_warn() first simplifies ("//a/./b/" → "/a/b", a leading "/.." is dropped) and only
 * then checks, so redundant slashes are fine while an inner ".." component makes a path "not normalized".
 * Lengths count UTF-8 bytes: a component may hold 255 (NAME_MAX), a path 4095 (PATH_MAX - 1).
 */
import { stringIsValidUnicode, utf8ByteLength } from './words';

const NAME_MAX = 255;
const PATH_MAX = 4096;

export function pathIsAbsolute(p: string): boolean {
  return p.startsWith('/');
}

/** skip_slash_or_dot(): skips '/' and "./" sequences. */
function skipSlashOrDot(p: string, i: number): number {
  while (i < p.length) {
    if (p[i] === '/') { i++; continue; }
    if (p.startsWith('./', i)) { i += 2; continue; }
    break;
  }
  return i;
}

interface Component {
  /** -1 = too long or a forbidden "..", 0 = no more components, else the byte length. */
  result: number;
  start: number;
  text: string;
  next: number;
}

/** path_find_first_component(). */
function findFirstComponent(p: string, i: number, acceptDotDot: boolean): Component {
  const first = skipSlashOrDot(p, i);
  if (first >= p.length) return { result: 0, start: first, text: '', next: first };
  if (p.slice(first) === '.') return { result: 0, start: first, text: '', next: first + 1 };
  let endFirst = p.indexOf('/', first);
  if (endFirst < 0) endFirst = p.length;
  const text = p.slice(first, endFirst);
  const len = utf8ByteLength(text);
  if (len > NAME_MAX) return { result: -1, start: first, text, next: first };
  if (!acceptDotDot && text === '..') return { result: -1, start: first, text, next: first };
  const after = skipSlashOrDot(p, endFirst);
  const next = after + (p.slice(after) === '.' ? 1 : 0);
  return { result: len, start: first, text, next };
}

/**
 * path_simplify_full() without flags: drops duplicate slashes, "." components and a trailing slash,
 * and (systemd >= 253 or so; 252 keeps it) a leading "/..".
 */
export function pathSimplify(path: string, dropLeadingDotDot = true): string {
  if (path === '') return path;
  const absolute = pathIsAbsolute(path);
  let out = absolute ? '/' : '';
  let addSlash = false;
  let beginning = true;
  for (let i = absolute ? 1 : 0; ;) {
    const c = findFirstComponent(path, i, true);
    if (c.result === 0) break;
    // At the beginning of an absolute path, ".." is the root itself.
    if (dropLeadingDotDot && c.result > 0 && absolute && beginning && c.text === '..') { i = c.next; continue; }
    beginning = false;
    if (addSlash) out += '/';
    if (c.result < 0) return out + path.slice(i);
    out += c.text;
    addSlash = true;
    i = c.next;
  }
  if (out === '') out = '.';
  return out;
}

/** path_is_valid_full(). */
export function pathIsValid(p: string, acceptDotDot = true): boolean {
  if (p === '') return false;
  for (let i = 0; ;) {
    const c = findFirstComponent(p, i, acceptDotDot);
    if (c.result < 0) return false;
    i = c.next;
    if (utf8ByteLength(p.slice(0, i)) >= PATH_MAX) return false;
    if (i >= p.length) return true;
  }
}

/** path_is_normalized(): valid, no ".." components, no "." components, no "//". */
export function pathIsNormalized(p: string): boolean {
  if (!pathIsValid(p, false)) return false;
  if (p === '.' || p.startsWith('./') || p.endsWith('/.') || p.includes('/./')) return false;
  return !p.includes('//');
}

/** path_startswith(): component-wise prefix test, tolerant of redundant slashes. */
export function pathStartsWith(path: string, prefix: string): string | null {
  if (pathIsAbsolute(path) !== pathIsAbsolute(prefix)) return null;
  let i = 0;
  let j = 0;
  for (;;) {
    const a = findFirstComponent(path, i, true);
    if (a.result < 0) return null;
    const b = findFirstComponent(prefix, j, true);
    if (b.result < 0) return null;
    if (b.result === 0) return path.slice(a.result === 0 ? a.next : a.start);
    if (a.text !== b.text) return null;
    i = a.next;
    j = b.next;
  }
}

/** path_below_api_vfs(): /dev, /sys, /proc or below. */
export function pathIsBelowApiVfs(p: string): boolean {
  return ['/dev', '/sys', '/proc'].some((prefix) => pathStartsWith(p, prefix) !== null);
}

export function dotOrDotDot(p: string): boolean {
  return p === '.' || p === '..';
}

/** filename_is_valid(): non-empty, not "." or "..", no '/', at most 255 bytes. */
export function filenameIsValid(p: string): boolean {
  if (p === '' || dotOrDotDot(p)) return false;
  if (p.includes('/')) return false;
  return utf8ByteLength(p) <= NAME_MAX;
}

/** path_implies_directory(): ends in "/", "/." or "/..", or is "." / "..". */
export function pathImpliesDirectory(p: string): boolean {
  if (dotOrDotDot(p)) return true;
  return p.endsWith('/') || p.endsWith('/.') || p.endsWith('/..');
}

/** string_is_safe(): no control characters, quotes, backslash or DEL. */
export function stringIsSafe(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c > 0 && c < 0x20) return false;
    if (ch === '"' || ch === "'" || ch === '\\' || c === 0x7f) return false;
  }
  return true;
}

export interface PathCheckOptions {
  /** PATH_CHECK_ABSOLUTE. */
  absolute?: boolean;
  /** PATH_CHECK_RELATIVE. */
  relative?: boolean;
  /** PATH_CHECK_NON_API_VFS: refuse /dev, /sys, /proc. */
  nonApiVfs?: boolean;
  /** false = systemd 252 simplification, which keeps a leading "/.." (then "not normalized"). */
  dropLeadingDotDot?: boolean;
}

export type PathCheck = { ok: true; simplified: string } | { ok: false; reason: string };

/** path_simplify_and_warn(): the reason is phrased for "<Directive>= path …". */
export function checkPath(path: string, opts: PathCheckOptions): PathCheck {
  if (!stringIsValidUnicode(path)) return { ok: false, reason: 'is not valid UTF-8' };
  const absolute = pathIsAbsolute(path);
  if (!absolute && opts.absolute) return { ok: false, reason: 'is not absolute' };
  if (absolute && opts.relative) return { ok: false, reason: 'is absolute' };
  const simplified = pathSimplify(path, opts.dropLeadingDotDot ?? true);
  if (!pathIsValid(simplified)) return { ok: false, reason: `has invalid length (${utf8ByteLength(simplified)} bytes)` };
  if (!pathIsNormalized(simplified)) return { ok: false, reason: 'is not normalized' };
  if (opts.nonApiVfs && pathIsBelowApiVfs(simplified)) return { ok: false, reason: 'is below API VFS (/dev, /sys or /proc)' };
  return { ok: true, simplified };
}
