/**
 * Writing paths into unit files the way systemd reads them back, so the tests pass from a checkout whose path
 * has a space (or a `%`, `$`, quote) in it: systemd splits ExecStart= and Environment= on whitespace unless
 * quoted, expands `%x` specifiers everywhere and `$NAME` in ExecStart=.
 */

/** One word of a command line (ExecStart=): double-quoted when needed, `%` and `$` doubled. */
export function execArg(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /[\s"'\\;]/.test(escaped) || escaped === '' ? `"${escaped.replace(/[\\"]/g, '\\$&')}"` : escaped;
}

/** A whole command line: `execLine(process.execPath, PROBE)` → `/usr/bin/node "/tmp/a b/probe.mjs"`. */
export function execLine(...words: string[]): string {
  return words.map(execArg).join(' ');
}

/** One assignment of Environment=: `envAssignment('OUT', '/tmp/a b')` → `"OUT=/tmp/a b"` (no `$` expansion there). */
export function envAssignment(name: string, value: string): string {
  const word = `${name}=${value.replace(/%/g, '%%')}`;
  return /[\s"'\\]/.test(word) ? `"${word.replace(/[\\"]/g, '\\$&')}"` : word;
}
