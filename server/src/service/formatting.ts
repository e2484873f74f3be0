/**
 * Formatting: document, range, and on type after `=`. The edits are small (deleted blanks, deleted or
 * inserted blank lines, a final line break), never a rewrite of the document, and they never change
 * what systemd reads (server/src/service/parser.ts has the reading rules they rely on):
 *  - `Key = value` → `Key=value`: systemd strips the key and the value around the first `=`.
 *  - Trailing blanks go, except after a backslash: `foo \  ` is NOT a continuation (systemd's escape scan
 *    sees the blanks last), and without the blanks it would become one and swallow the next line.
 *  - Runs of blank lines shrink to one; none at the start or the end of the file; one blank line before
 *    every section header (above the comments directly over it); the file ends in one line break.
 *  - A blank line right after a line ending in a backslash is kept: it is what ends that continuation
 *    (systemd joins comment lines' neighbours, but a blank line stops the joining), so removing it would
 *    glue the next line onto the value. `systemd-analyze verify` confirms this (test/formatting.test.ts).
 *  - Comments (`#`, `;`), section headers (blanks inside `[...]` are part of the name), lines systemd
 *    ignores (no `=`, outside any section), indentation and the order of lines stay as they are.
 *  - A file of blank lines becomes one line break, not an empty file: an empty file is a masked unit.
 *  - A file systemd stops reading (an invalid section header, invalid UTF-8) is refused as a whole:
 *    nothing in it is formatted.
 * Inserted line breaks follow the document's own (the line above's, else the first one in the file).
 */
import { TextEdit, type Position, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { UnitFile } from './parser';

/** Problems after which systemd reads no further (the same set the diagnostics cut off at). */
const STOPS_READING = new Set(['invalid-section-header', 'invalid-utf8']);

interface Line {
  start: number;
  /** End of the content, before the line break. */
  end: number;
  /** Start of the next line (text.length for the last one). */
  next: number;
  kind: 'blank' | 'comment' | 'content';
  /** Ends in an unescaped backslash: systemd joins the next (non-comment) line to it. */
  continues: boolean;
  /** A blank line that ends a continuation: it must stay. */
  endsContinuation: boolean;
}

/** One deletion or insertion, in document offsets. */
interface OffsetEdit {
  start: number;
  end: number;
  text: string;
}

function isBlankChar(c: string): boolean {
  return c === ' ' || c === '\t';
}

/** systemd's escape scan over one physical line: does it end in a backslash that escapes the line break? */
function endsInBackslash(text: string, from: number, to: number): boolean {
  let escaped = false;
  for (let i = from; i < to; i++) {
    if (escaped) escaped = false;
    else if (text.charCodeAt(i) === 92) escaped = true;
  }
  return escaped;
}

function lineEndFrom(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0) return i;
  }
  return text.length;
}

/** The physical lines as systemd splits them, classified. */
function linesOf(unit: UnitFile): Line[] {
  const text = unit.text;
  const lines: Line[] = [];
  let pending = false;
  for (const start of unit.lineStarts) {
    const end = lineEndFrom(text, start);
    const next = end >= text.length ? end : text[end] === '\r' && text[end + 1] === '\n' ? end + 2 : end + 1;
    let first = start;
    while (first < end && isBlankChar(text[first])) first++;
    if (first < end && (text[first] === '#' || text[first] === ';')) {
      // Comment lines are skipped before the continuation logic: they neither continue nor end one.
      lines.push({ start, end, next, kind: 'comment', continues: false, endsContinuation: false });
      continue;
    }
    const kind = first === end ? 'blank' : 'content';
    const continues = kind === 'content' && endsInBackslash(text, start, end);
    lines.push({ start, end, next, kind, continues, endsContinuation: kind === 'blank' && pending });
    pending = continues;
  }
  return lines;
}

function lineIndexAt(lines: readonly Line[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Trailing blanks of a kept line, unless removing them would turn the line into a continuation. */
function trailingBlanks(text: string, line: Line): OffsetEdit | undefined {
  let trimmed = line.end;
  while (trimmed > line.start && isBlankChar(text[trimmed - 1])) trimmed--;
  if (trimmed === line.end) return undefined;
  if (line.kind === 'content' && endsInBackslash(text, line.start, trimmed)) return undefined;
  return { start: trimmed, end: line.end, text: '' };
}

/**
 * The blanks around an assignment's first `=`, when they sit on the `=`'s own line (a key or value split
 * by a continuation is left alone). Deleting blanks never changes the escape scan: a blank after a
 * backslash clears the escape, and so does the `=` that takes its place.
 */
function blanksAroundEquals(text: string, keyEnd: number, lineEnd: number): OffsetEdit[] {
  let eq = keyEnd;
  while (eq < lineEnd && isBlankChar(text[eq])) eq++;
  if (text[eq] !== '=') return [];
  const edits: OffsetEdit[] = [];
  if (eq > keyEnd) edits.push({ start: keyEnd, end: eq, text: '' });
  let after = eq + 1;
  while (after < lineEnd && isBlankChar(text[after])) after++;
  if (after > eq + 1) edits.push({ start: eq + 1, end: after, text: '' });
  return edits;
}

/** Offset of the entry's first `=` when it is on the key's line right after the key's blanks. */
function equalsOffset(text: string, keyEnd: number, lineEnd: number): number | undefined {
  let eq = keyEnd;
  while (eq < lineEnd && isBlankChar(text[eq])) eq++;
  return text[eq] === '=' ? eq : undefined;
}

function documentEol(text: string): string {
  return /\r\n|\n|\r/.exec(text)?.[0] ?? '\n';
}

function eolOf(text: string, line: Line, fallback: string): string {
  const eol = text.slice(line.end, line.next);
  return eol === '\n' || eol === '\r\n' || eol === '\r' ? eol : fallback;
}

/** Blank-line edits: runs shrink to one, none at the file's ends, one above each header's comment block. */
function blankLineEdits(unit: UnitFile, lines: readonly Line[], eol: string): { edits: OffsetEdit[]; kept: boolean[] } {
  const text = unit.text;
  const edits: OffsetEdit[] = [];
  const kept = new Array<boolean>(lines.length).fill(true);
  for (let a = 0; a < lines.length; a++) {
    if (lines[a].kind !== 'blank') continue;
    let b = a;
    while (b + 1 < lines.length && lines[b + 1].kind === 'blank') b++;
    // The first blank line of a run is the one that may end a continuation; keep it unless the run is at
    // an end of the file (and even there when it ends a continuation).
    const keepFirst = lines[a].endsContinuation || (a > 0 && b < lines.length - 1);
    for (let i = keepFirst ? a + 1 : a; i <= b; i++) kept[i] = false;
    a = b;
  }
  for (const section of unit.sections) {
    const header = lineIndexAt(lines, section.headerSpan.start);
    let above = header - 1;
    while (above >= 0 && lines[above].kind === 'comment') above--;
    if (above < 0 || lines[above].kind === 'blank' || lines[above].continues) continue;
    edits.push({ start: lines[above + 1].start, end: lines[above + 1].start, text: eolOf(text, lines[above], eol) });
  }
  let endsInBreak = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!kept[i]) {
      edits.push({ start: line.start, end: line.next, text: '' });
      continue;
    }
    endsInBreak = line.next > line.end;
    if (line.kind !== 'blank' || line.end === line.start) continue;
    // Emptying `\r  \n` would make a CRLF of two line breaks and lose the line: give it the CR of the line above.
    const afterLoneCr = text[line.start - 1] === '\r';
    if (afterLoneCr && (line.next === line.end || text[line.end] === '\n')) {
      edits.push({ start: line.start, end: line.next, text: '\r' });
      endsInBreak = true;
    } else edits.push({ start: line.start, end: line.end, text: '' });
  }
  // The file ends in exactly one line break: add it after the last kept line if that line has none.
  if (!endsInBreak) edits.push({ start: text.length, end: text.length, text: eol });
  return { edits, kept };
}

/** Every formatting edit of the file, in document order, adjacent deletions merged. */
function allEdits(unit: UnitFile): OffsetEdit[] {
  if (unit.problems.some((p) => STOPS_READING.has(p.kind))) return [];
  const text = unit.text;
  const lines = linesOf(unit);
  const eol = documentEol(text);
  // An empty file is a masked unit to systemd (null_or_empty()); a file of blank lines is not. One line
  // break stays.
  if (lines.every((l) => l.kind === 'blank')) return text === '' || text === eol ? [] : [{ start: 0, end: text.length, text: eol }];
  const { edits, kept } = blankLineEdits(unit, lines, eol);
  const intraLine: OffsetEdit[] = [];
  lines.forEach((line, i) => {
    const trailing = line.kind !== 'blank' && kept[i] ? trailingBlanks(text, line) : undefined;
    if (trailing) intraLine.push(trailing);
  });
  for (const section of unit.sections) {
    for (const entry of section.entries) {
      const line = lines[lineIndexAt(lines, entry.keySpan.end)];
      intraLine.push(...blanksAroundEquals(text, entry.keySpan.end, line.end));
    }
  }
  return mergeDeletions([...edits, ...intraLine]);
}

/** Sorts the edits and joins deletions that overlap or touch (`Key =  ` loses its blanks once). */
function mergeDeletions(edits: OffsetEdit[]): OffsetEdit[] {
  edits.sort((a, b) => a.start - b.start || (a.text === '' ? 1 : 0) - (b.text === '' ? 1 : 0) || a.end - b.end);
  const out: OffsetEdit[] = [];
  for (const edit of edits) {
    const prev = out[out.length - 1];
    if (prev && prev.text === '' && edit.text === '' && edit.start <= prev.end) {
      prev.end = Math.max(prev.end, edit.end);
      continue;
    }
    out.push({ ...edit });
  }
  return out;
}

function toTextEdits(document: TextDocument, edits: readonly OffsetEdit[]): TextEdit[] {
  return edits.map((e) => TextEdit.replace({ start: document.positionAt(e.start), end: document.positionAt(e.end) }, e.text));
}

/** A tree parsed from another version of the text would put every edit in the wrong place. */
function stale(document: TextDocument, unit: UnitFile): boolean {
  return unit.text !== document.getText();
}

export function formatDocument(document: TextDocument, unit: UnitFile): TextEdit[] {
  if (stale(document, unit)) return [];
  return toTextEdits(document, allEdits(unit));
}

/**
 * The edits that fall on the lines the range touches (a range ending at the start of a line does not
 * take that line). Blank-line deletions are per line, so a run half inside the range is half shrunk.
 */
export function formatRange(document: TextDocument, unit: UnitFile, range: Range): TextEdit[] {
  if (stale(document, unit)) return [];
  let from = document.offsetAt({ line: range.start.line, character: 0 });
  const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  const to = endLine + 1 >= document.lineCount ? unit.text.length : document.offsetAt({ line: endLine + 1, character: 0 });
  if (from > to) from = to;
  const inside = splitLineDeletions(unit, allEdits(unit)).filter((e) => e.start >= from && e.end <= to && !(e.start === e.end && e.start === to && to < unit.text.length));
  return toTextEdits(document, mergeDeletions(inside));
}

/** Splits merged deletions back at line starts, so that a range can take part of a run of blank lines. */
function splitLineDeletions(unit: UnitFile, edits: readonly OffsetEdit[]): OffsetEdit[] {
  const out: OffsetEdit[] = [];
  const starts = unit.lineStarts;
  for (const edit of edits) {
    if (edit.text !== '' || edit.end <= edit.start) {
      out.push(edit);
      continue;
    }
    let start = edit.start;
    for (const s of starts) {
      if (s <= start) continue;
      if (s >= edit.end) break;
      out.push({ start, end: s, text: '' });
      start = s;
    }
    out.push({ start, end: edit.end, text: '' });
  }
  return out;
}

/**
 * After typing `=`: the blanks around it go, if it is the first `=` of an assignment (a second `=` inside
 * a value, or a `=` on a line systemd ignores, is left alone). Nothing else on the line changes while typing.
 */
export function formatOnType(document: TextDocument, unit: UnitFile, position: Position, ch: string): TextEdit[] {
  if (ch !== '=' || stale(document, unit) || unit.problems.some((p) => STOPS_READING.has(p.kind))) return [];
  const typed = document.offsetAt(position) - 1;
  const text = unit.text;
  for (const section of unit.sections) {
    for (const entry of section.entries) {
      if (entry.keySpan.end > typed || entry.span.end < typed) continue;
      const lineEnd = lineEndFrom(text, entry.keySpan.end);
      if (equalsOffset(text, entry.keySpan.end, lineEnd) !== typed) return [];
      return toTextEdits(document, blanksAroundEquals(text, entry.keySpan.end, lineEnd));
    }
  }
  return [];
}
