/**
 * The fuzzer's own view of a document: text and line arithmetic written independently of the server's
 * (and of vscode-languageserver-textdocument), so a disagreement is the server's, not a shared mistake.
 */
export interface Pos {
  line: number;
  character: number;
}

export interface Rng {
  start: Pos;
  end: Pos;
}

/** Offsets where each line starts (LF, CRLF and CR end lines, as LSP counts them). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') {
      starts.push(i + 2);
      i++;
    } else if (c === '\n' || c === '\r') starts.push(i + 1);
  }
  return starts;
}

export function lineLength(text: string, starts: number[], line: number): number {
  const start = starts[line];
  let end = line + 1 < starts.length ? starts[line + 1] : text.length;
  if (end > start && text[end - 1] === '\n') end--;
  if (end > start && text[end - 1] === '\r') end--;
  return end - start;
}

export function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** The nearest position in the text (what an editor does with a position past the end). */
export function clamp(text: string, p: Partial<Pos> | undefined): Pos {
  const starts = lineStarts(text);
  const last = starts.length - 1;
  const line = isCount(p?.line) ? p.line : 0;
  if (line > last) return { line: last, character: lineLength(text, starts, last) };
  return { line, character: Math.min(isCount(p?.character) ? p.character : 0, lineLength(text, starts, line)) };
}

export function offsetOf(text: string, p: Pos): number {
  const starts = lineStarts(text);
  return starts[p.line] + p.character;
}

/** Applies one incremental change the way the server promises to: range clamped, reversed ends swapped. */
export function applyChange(text: string, range: Partial<Rng> | undefined, insert: string): string {
  if (!range) return insert;
  let a = offsetOf(text, clamp(text, range.start));
  let b = offsetOf(text, clamp(text, range.end));
  if (b < a) [a, b] = [b, a];
  return text.slice(0, a) + insert + text.slice(b);
}

/** Whether a range lies inside the text, start before end, every number a whole one. */
export function rangeInside(text: string, r: unknown): boolean {
  const range = r as Partial<Rng> | undefined;
  if (!range?.start || !range.end) return false;
  const { start, end } = range;
  if (![start.line, start.character, end.line, end.character].every(isCount)) return false;
  const starts = lineStarts(text);
  if (start.line >= starts.length || end.line >= starts.length) return false;
  if (start.character > lineLength(text, starts, start.line) || end.character > lineLength(text, starts, end.line)) return false;
  return start.line < end.line || (start.line === end.line && start.character <= end.character);
}

export function contains(r: Rng, p: Pos): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

export function rangeContains(outer: Rng, inner: Rng): boolean {
  return contains(outer, inner.start) && contains(outer, inner.end);
}
