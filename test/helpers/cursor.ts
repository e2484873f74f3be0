/**
 * Cursor-marker helpers: write a unit with `|` where the cursor is, get the clean text and the
 * position; apply completion edits and compare whole texts.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionItem, Position, TextEdit } from 'vscode-languageserver-types';

export interface Marked {
  text: string;
  offset: number;
  document: TextDocument;
  position: Position;
}

/** Splits "a|b" into text "ab" and the cursor at offset 1. Exactly one `|` must be present. */
export function withCursor(marked: string, uri = 'file:///proj/echo.socket'): Marked {
  const offset = marked.indexOf('|');
  if (offset < 0 || marked.indexOf('|', offset + 1) >= 0) throw new Error(`need exactly one | in ${JSON.stringify(marked)}`);
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const document = TextDocument.create(uri, 'systemd-unit-file', 1, text);
  return { text, offset, document, position: document.positionAt(offset) };
}

/** Applies a completion item the way an editor does (textEdit, or insertText/label at the cursor). */
export function applyCompletion(marked: Marked, item: CompletionItem): string {
  const edits: TextEdit[] = [];
  const edit = item.textEdit;
  if (edit && 'range' in edit) edits.push({ range: edit.range, newText: edit.newText });
  else if (edit && 'replace' in edit) edits.push({ range: edit.replace, newText: edit.newText });
  else edits.push({ range: { start: marked.position, end: marked.position }, newText: item.insertText ?? item.label });
  edits.push(...(item.additionalTextEdits ?? []));
  return stripSnippet(TextDocument.applyEdits(marked.document, edits), item.insertTextFormat === 2);
}

/** Snippet syntax to plain text: ${1:default} → default, $0 / $1 → nothing, \$ → $. */
export function stripSnippet(text: string, isSnippet: boolean): string {
  if (!isSnippet) return text;
  let previous: string;
  do {
    previous = text;
    text = text.replace(/\$\{\d+:([^{}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\|\}/g, '$1');
  } while (text !== previous);
  return text.replace(/\$\{\d+\}|\$\d+/g, '').replace(/\\([$}\\])/g, '$1');
}
