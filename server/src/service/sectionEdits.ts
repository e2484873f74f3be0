/** Text edits that add lines to a section, shared by the features that write assignments (rename, sandboxing). */
import { TextEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Entry, Section, UnitFile } from './parser';

const LINE_BREAK = '\n\r\0';

/** The document's line break, for inserted lines. */
export function eolOf(text: string): string {
  return /\r\n|\n|\r/.exec(text)?.[0] ?? '\n';
}

/** Start of the physical line holding `offset`. */
export function lineStartAt(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && !LINE_BREAK.includes(text[i - 1])) i--;
  return i;
}

/** The blanks before an assignment's key on its first line. */
export function indentOf(text: string, entry: Entry): string {
  return text.slice(lineStartAt(text, entry.span.start), entry.span.start).replace(/[^ \t]/g, '');
}

/** Inserts lines after the last assignment of a section (or after its header), indented like that assignment. */
export function insertAfterSection(document: TextDocument, unit: UnitFile, section: Section, lines: readonly string[]): TextEdit {
  const text = unit.text;
  const eol = eolOf(text);
  const last = section.entries[section.entries.length - 1];
  const after = last ? last.span.end : section.headerSpan.end;
  const indent = last ? indentOf(text, last) : '';
  const block = lines.map((l) => indent + l);
  let end = after;
  while (end < text.length && !LINE_BREAK.includes(text[end])) end++;
  if (end >= text.length) return TextEdit.insert(document.positionAt(text.length), eol + block.join(eol));
  const next = end + (text[end] === '\r' && text[end + 1] === '\n' ? 2 : 1);
  return TextEdit.insert(document.positionAt(next), block.join(eol) + eol);
}

/** Inserts lines right above an assignment, indented like it. */
export function insertAbove(document: TextDocument, unit: UnitFile, entry: Entry, lines: readonly string[]): TextEdit {
  const text = unit.text;
  const eol = eolOf(text);
  const indent = indentOf(text, entry);
  return TextEdit.insert(document.positionAt(lineStartAt(text, entry.span.start)), lines.map((l) => indent + l + eol).join(''));
}
