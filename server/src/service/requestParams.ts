/**
 * What a request must carry before a feature sees it. A client that sends `textDocument: null` or no
 * position gets InvalidParams with a sentence saying what was missing, not an internal error with a
 * TypeError's text. Positions past the end of the document are not an error in LSP: they are clamped.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range } from 'vscode-languageserver-types';

export class InvalidParamsError extends Error {}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** The request's document URI; throws InvalidParamsError when there is none. */
export function requireUri(params: unknown): string {
  const uri = (params as { textDocument?: { uri?: unknown } | null } | null | undefined)?.textDocument?.uri;
  if (typeof uri !== 'string' || uri === '') throw new InvalidParamsError('the request has no textDocument.uri');
  return uri;
}

function requirePositionValue(value: unknown, what: string): Position {
  const p = value as Partial<Position> | null | undefined;
  if (!p || !isCount(p.line) || !isCount(p.character)) {
    throw new InvalidParamsError(`the request's ${what} is not a position (line and character, whole numbers from 0)`);
  }
  return { line: p.line, character: p.character };
}

/** A position inside the document: a line past the end is its end, a character past a line's end is that end. */
export function clampToDocument(document: TextDocument, p: Position): Position {
  if (p.line >= document.lineCount) return document.positionAt(document.getText().length);
  const line = document.getText({ start: { line: p.line, character: 0 }, end: { line: p.line + 1, character: 0 } });
  return { line: p.line, character: Math.min(p.character, line.replace(/\r\n$|\r$|\n$/, '').length) };
}

export function requirePosition(document: TextDocument, params: unknown): Position {
  return clampToDocument(document, requirePositionValue((params as { position?: unknown } | null)?.position, 'position'));
}

export function requireRange(document: TextDocument, params: unknown): Range {
  const range = (params as { range?: { start?: unknown; end?: unknown } | null } | null)?.range;
  if (!range) throw new InvalidParamsError('the request has no range');
  const start = clampToDocument(document, requirePositionValue(range.start, 'range.start'));
  const end = clampToDocument(document, requirePositionValue(range.end, 'range.end'));
  return document.offsetAt(end) < document.offsetAt(start) ? { start: end, end: start } : { start, end };
}
