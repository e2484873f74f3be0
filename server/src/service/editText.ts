/**
 * Line-level text edits on a unit file for quick fixes that create or change several files: where a
 * line starts and ends (as systemd counts lines), removing an assignment with its continuation lines,
 * inserting a line below another, and file URIs for units that do not exist yet. Pure.
 */
import { TextEdit } from 'vscode-languageserver-types';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lineOfOffset, type Entry, type Section, type UnitFile } from './parser';

/** A unit file's text with its tree and a TextDocument to turn offsets into positions. */
export interface EditTarget {
  uri: string;
  unit: UnitFile;
  document: TextDocument;
  /** The file's own line break (for inserted lines). */
  eol: string;
}

export function editTarget(uri: string, unit: UnitFile, document?: TextDocument): EditTarget {
  return {
    uri,
    unit,
    document: document ?? TextDocument.create(uri, 'systemd-unit-file', 0, unit.text),
    eol: /\r\n|\n|\r/.exec(unit.text)?.[0] ?? '\n',
  };
}

/**
 * A file:// URI for a path as uriToPath writes it (each component percent-encoded): a Windows drive path
 * `c:/x` gets its leading '/' back (`file:///c%3A/x`), a share `//server/share/x` its authority.
 */
export function pathToUri(path: string): string {
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  if (path.startsWith('//')) {
    const slash = path.indexOf('/', 2);
    return slash < 0 ? `file:${path}/` : `file://${path.slice(2, slash)}${encode(path.slice(slash))}`;
  }
  return 'file://' + (/^[A-Za-z]:(\/|$)/.test(path) ? '/' : '') + encode(path);
}

/** The URI of `name` in the folder of the document `uri` (same scheme and encoding style). */
export function siblingUri(uri: string, name: string): string {
  return uri.slice(0, uri.lastIndexOf('/') + 1) + encodeURIComponent(name);
}

function lineEndFrom(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0) return i;
  }
  return text.length;
}

export function lineStartOf(unit: UnitFile, offset: number): number {
  return unit.lineStarts[lineOfOffset(unit, offset)] ?? 0;
}

/** Start of the line after the one holding `offset`; undefined on a last line without a line break. */
export function nextLineStartOf(unit: UnitFile, offset: number): number | undefined {
  const end = lineEndFrom(unit.text, lineStartOf(unit, offset));
  if (end >= unit.text.length) return undefined;
  return end + (unit.text[end] === '\r' && unit.text[end + 1] === '\n' ? 2 : 1);
}

function replace(target: EditTarget, start: number, end: number, text: string): TextEdit {
  return TextEdit.replace({ start: target.document.positionAt(start), end: target.document.positionAt(end) }, text);
}

/** Deletes an assignment: its first line to its last (continuation lines too) with the line break. */
export function removeEntry(target: EditTarget, entry: Entry): TextEdit {
  const { unit } = target;
  let start = lineStartOf(unit, entry.span.start);
  let end = nextLineStartOf(unit, entry.span.end - 1);
  if (end === undefined) {
    // The last line of a file without a final line break: take the break before it instead.
    end = unit.text.length;
    const text = unit.text;
    start -= start >= 2 && text[start - 2] === '\r' && text[start - 1] === '\n' ? 2 : start > 0 ? 1 : 0;
  }
  return replace(target, start, end, '');
}

/** The blanks before an assignment's key. */
export function indentOf(target: EditTarget, entry: Entry): string {
  return target.unit.text.slice(lineStartOf(target.unit, entry.span.start), entry.span.start).replace(/[^ \t]/g, '');
}

/** Inserts lines right below an assignment (after its continuation lines), with its indentation. */
export function insertBelow(target: EditTarget, entry: Entry, lines: string[]): TextEdit {
  const indent = indentOf(target, entry);
  const body = lines.map((l) => indent + l);
  const next = nextLineStartOf(target.unit, entry.span.end - 1);
  if (next === undefined) return TextEdit.insert(target.document.positionAt(target.unit.text.length), target.eol + body.join(target.eol));
  return TextEdit.insert(target.document.positionAt(next), body.join(target.eol) + target.eol);
}

/** Inserts lines at the end of a section (below its last assignment, or right below its header). */
export function insertInSection(target: EditTarget, section: Section, lines: string[]): TextEdit {
  const last = section.entries[section.entries.length - 1];
  if (last) return insertBelow(target, last, lines);
  const next = nextLineStartOf(target.unit, section.headerSpan.end - 1);
  if (next === undefined) return TextEdit.insert(target.document.positionAt(target.unit.text.length), target.eol + lines.join(target.eol));
  return TextEdit.insert(target.document.positionAt(next), lines.join(target.eol) + target.eol);
}

/** Appends a block of lines at the end of the file, a blank line above it. */
export function appendBlock(target: EditTarget, lines: string[]): TextEdit {
  const { text } = target.unit;
  const { eol } = target;
  let prefix = '';
  if (text.trim() !== '') {
    const lastLine = text.replace(/(\r\n|\n|\r)$/, '');
    if (lastLine === text) prefix = eol + eol;
    else if (!/[\r\n][ \t]*$/.test(lastLine)) prefix = eol;
  }
  return TextEdit.insert(target.document.positionAt(text.length), prefix + lines.join(eol) + eol);
}

/** Replaces a document span. */
export function replaceSpan(target: EditTarget, span: { start: number; end: number }, text: string): TextEdit {
  return replace(target, span.start, span.end, text);
}

/** The raw text of an assignment as written (continuation lines included). */
export function entryText(unit: UnitFile, entry: Entry): string {
  return unit.text.slice(entry.span.start, entry.span.end);
}
