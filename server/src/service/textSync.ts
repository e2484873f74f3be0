/**
 * Incremental document changes made safe before they reach the document. vscode-languageserver-textdocument
 * trusts a change's range: one that starts past the last line leaves holes in its line table, and from then
 * on every position it computes is wrong (diagnostics on lines that do not exist, `character: null`).
 * Editors clamp such ranges to the text (VS Code's model does); so does this, and says when it had to.
 */
import { TextDocument, type Position, type Range, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';

export interface SafeUpdate {
  document: TextDocument;
  /** Changes whose range reached outside the document (or was malformed) and were clamped to it. */
  clamped: number;
  /** Changes dropped because they carried no text. */
  dropped: number;
}

export function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** Length of a line of the document, without its line break. */
export function lineLength(document: TextDocument, line: number): number {
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return text.replace(/\r\n$|\r$|\n$/, '').length;
}

/**
 * The nearest position inside the document: a line past the end is the end of the text, a character past a
 * line's end is that end, and a missing or malformed number is 0.
 */
export function clampPosition(document: TextDocument, p: Partial<Position> | undefined): Position {
  const last = document.lineCount - 1;
  const line = isCount(p?.line) ? p.line : 0;
  if (line > last) return { line: last, character: lineLength(document, last) };
  const character = isCount(p?.character) ? Math.min(p.character, lineLength(document, line)) : 0;
  return { line, character };
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function sameRange(a: Partial<Range>, b: Range): boolean {
  return a.start?.line === b.start.line && a.start?.character === b.start.character && a.end?.line === b.end.line && a.end?.character === b.end.character;
}

/** One change with its range clamped to the document as it is now, or undefined when it has no text. */
export function safeChange(document: TextDocument, raw: unknown): { change: TextDocumentContentChangeEvent; clamped: boolean } | undefined {
  const change = raw as { range?: Partial<Range> | null; text?: unknown } | null;
  if (!change || typeof change.text !== 'string') return undefined;
  if (change.range === undefined || change.range === null) return { change: { text: change.text }, clamped: false };
  let start = clampPosition(document, change.range.start);
  let end = clampPosition(document, change.range.end);
  if (before(end, start)) [start, end] = [end, start];
  const range = { start, end };
  return { change: { range, text: change.text }, clamped: !sameRange(change.range, range) };
}

/**
 * Applies changes in order, each clamped against the text the earlier ones made (a TextDocumentsConfiguration
 * `update` that never corrupts the document).
 */
export function updateSafely(document: TextDocument, changes: readonly unknown[], version: number): SafeUpdate {
  let clamped = 0;
  let dropped = 0;
  let current = document;
  let applied = 0;
  for (const raw of Array.isArray(changes) ? changes : []) {
    const safe = safeChange(current, raw);
    if (!safe) {
      dropped++;
      continue;
    }
    if (safe.clamped) clamped++;
    current = TextDocument.update(current, [safe.change], version);
    applied++;
  }
  // A change list with nothing usable still moves the version on.
  if (applied === 0) current = TextDocument.update(current, [], version);
  return { document: current, clamped, dropped };
}
