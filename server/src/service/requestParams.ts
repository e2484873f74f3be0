/**
 * What a request must carry before a feature sees it. A client that sends `textDocument: null` or no
 * position gets InvalidParams with a sentence saying what was missing, not an internal error with a
 * TypeError's text. Positions past the end of the document are not an error in LSP: they are clamped.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range } from 'vscode-languageserver-types';
import { clampPosition, isCount } from './textSync';

export class InvalidParamsError extends Error {}

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

export function requirePosition(document: TextDocument, params: unknown): Position {
  return clampPosition(document, requirePositionValue((params as { position?: unknown } | null)?.position, 'position'));
}

export function requireRange(document: TextDocument, params: unknown): Range {
  const range = (params as { range?: { start?: unknown; end?: unknown } | null } | null)?.range;
  if (!range) throw new InvalidParamsError('the request has no range');
  const start = clampPosition(document, requirePositionValue(range.start, 'range.start'));
  const end = clampPosition(document, requirePositionValue(range.end, 'range.end'));
  return document.offsetAt(end) < document.offsetAt(start) ? { start: end, end: start } : { start, end };
}
