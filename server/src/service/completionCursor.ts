/**
 * Where the cursor is, in the terms completion needs: on a section header, typing a key, or inside the
 * value of an entry (possibly on a continuation line). Works on the parsed UnitFile plus the raw text
 * of the physical lines around the cursor; it never parses the file again.
 */
import { firstEntryFrom, type Entry, type Section, type UnitFile } from './parser';

/** Offsets into the document text, end exclusive. */
export interface OffsetRange {
  start: number;
  end: number;
}

export type CursorContext =
  | { kind: 'none' }
  /** A line that starts with '[': `replace` covers the header typed so far (closing ']' included). */
  | { kind: 'section-header'; replace: OffsetRange }
  /**
   * Typing a key at the start of a line. `section` is undefined before the first header. `hasEquals`:
   * the line already has "=" after the key, so only the name is inserted. `blankLine`: nothing typed yet,
   * so a section header is a sensible suggestion as well.
   */
  | { kind: 'key'; section?: Section; replace: OffsetRange; hasEquals: boolean; blankLine: boolean }
  /** Inside the value of `entry`. */
  | { kind: 'value'; section: Section; entry: Entry; at: ValuePosition };

/** The cursor inside a value, measured on the physical line it is on. */
export interface ValuePosition {
  offset: number;
  /** The value's text on this physical line (blanks, '=' and a continuation backslash excluded). */
  lineValue: OffsetRange;
  /** The blank-separated word around the cursor (empty at the cursor when it sits between words). */
  word: OffsetRange;
}

const LINE_BREAKS = '\n\r\0';
const BLANKS = ' \t';

function isLineBreak(ch: string | undefined): boolean {
  return ch !== undefined && LINE_BREAKS.includes(ch);
}

function isBlank(ch: string | undefined): boolean {
  return ch !== undefined && BLANKS.includes(ch);
}

/** Start of the physical line holding `offset` (line breaks as systemd counts them: LF, CR, NUL). */
function lineStartOf(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && !isLineBreak(text[i - 1])) i--;
  return i;
}

function lineEndOf(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && !isLineBreak(text[i])) i++;
  return i;
}

/** Start of the line before the one starting at `lineStart`, or undefined on the first line. */
function previousLineStart(text: string, lineStart: number): number | undefined {
  if (lineStart === 0) return undefined;
  let end = lineStart - 1;
  if (text[end] === '\n' && text[end - 1] === '\r') end--;
  return lineStartOf(text, end);
}

function firstNonBlank(text: string, from: number, to: number): number {
  while (from < to && isBlank(text[from])) from++;
  return from;
}

function isCommentLine(text: string, lineStart: number): boolean {
  const first = firstNonBlank(text, lineStart, lineEndOf(text, lineStart));
  return text[first] === '#' || text[first] === ';';
}

/** The same scan as the parser: a backslash that is not itself escaped ends the line. */
function endsWithContinuation(text: string, lineStart: number): boolean {
  const end = lineEndOf(text, lineStart);
  let escaped = false;
  for (let i = lineStart; i < end; i++) {
    if (escaped) escaped = false;
    else if (text[i] === '\\') escaped = true;
  }
  return escaped;
}

/**
 * First physical line of the logical line that holds `lineStart`: walk back while the previous
 * non-comment line ends in a continuation (systemd skips comment lines inside a continuation).
 */
function logicalLineStart(text: string, lineStart: number): number {
  let start = lineStart;
  for (;;) {
    let previous = previousLineStart(text, start);
    while (previous !== undefined && isCommentLine(text, previous)) previous = previousLineStart(text, previous);
    if (previous === undefined || !endsWithContinuation(text, previous)) return start;
    start = previous;
  }
}

/** End of the content of a physical line: without a continuation backslash and trailing blanks. */
function lineContentEnd(text: string, lineStart: number): number {
  let end = lineEndOf(text, lineStart);
  if (endsWithContinuation(text, lineStart)) end--;
  while (end > lineStart && isBlank(text[end - 1])) end--;
  return end;
}

/** The entry whose key sits on the physical line starting at `lineStart`. */
function entryOnLine(unit: UnitFile, text: string, lineStart: number): Entry | undefined {
  const lineEnd = lineEndOf(text, lineStart);
  const onLine = (e: Entry) => e.keySpan.start >= lineStart && e.keySpan.start <= lineEnd;
  // By binary search: a scan of every entry made each completion in a 10,000-line unit cost more than the rest.
  const found = firstEntryFrom(unit, lineStart);
  if (found && onLine(found)) return found;
  return unit.orphanEntries.find(onLine);
}

/** The section a line belongs to: the last header before it (trailing blank lines included). */
function sectionBefore(unit: UnitFile, lineStart: number): Section | undefined {
  let found: Section | undefined;
  for (const section of unit.sections) {
    if (section.headerSpan.start < lineStart) found = section;
    else break;
  }
  return found;
}

const KEY_CHARS = /^[A-Za-z0-9_-]*$/;

function wordAround(text: string, offset: number, within: OffsetRange): OffsetRange {
  if (offset < within.start || offset > within.end) return { start: offset, end: offset };
  let start = offset;
  while (start > within.start && !isBlank(text[start - 1])) start--;
  let end = offset;
  while (end < within.end && !isBlank(text[end])) end++;
  return { start, end };
}

function valuePosition(text: string, offset: number, lineStart: number, valueStart: number): ValuePosition {
  const end = lineContentEnd(text, lineStart);
  const start = firstNonBlank(text, valueStart, end);
  // Blanks around the cursor are not part of the value: with nothing typed yet ("Accept= |") or the
  // cursor before the text ("Accept=| yes"), the value starts at the cursor.
  const lineValue = start >= end ? { start: offset, end: offset } : { start: Math.min(start, offset), end: Math.max(end, offset) };
  return { offset, lineValue, word: wordAround(text, offset, lineValue) };
}

export function locateCursor(unit: UnitFile, offset: number): CursorContext {
  const text = unit.text;
  const lineStart = lineStartOf(text, offset);
  if (isCommentLine(text, lineStart)) return { kind: 'none' };

  const firstLine = logicalLineStart(text, lineStart);
  const entry = entryOnLine(unit, text, firstLine);
  if (firstLine !== lineStart) {
    // A continuation line: only a value can continue here.
    const section = entry && unit.sections[entry.sectionIndex];
    if (!entry || !section) return { kind: 'none' };
    return { kind: 'value', section, entry, at: valuePosition(text, offset, lineStart, lineStart) };
  }

  if (entry) {
    const equals = text.indexOf('=', entry.keySpan.end);
    if (offset > equals) {
      const section = unit.sections[entry.sectionIndex];
      if (!section) return { kind: 'none' }; // an assignment before any section: systemd ignores it
      return { kind: 'value', section, entry, at: valuePosition(text, offset, lineStart, equals + 1) };
    }
    if (offset < entry.keySpan.start) return { kind: 'none' };
    return { kind: 'key', section: sectionBefore(unit, lineStart), replace: { start: entry.keySpan.start, end: entry.keySpan.end }, hasEquals: true, blankLine: false };
  }

  return lineWithoutEntry(unit, text, offset, lineStart);
}

/** A line with no assignment yet: a header being typed, a key being typed, or something else. */
function lineWithoutEntry(unit: UnitFile, text: string, offset: number, lineStart: number): CursorContext {
  const lineEnd = lineEndOf(text, lineStart);
  const first = firstNonBlank(text, lineStart, lineEnd);
  if (text[first] === '[') {
    if (offset < first) return { kind: 'none' };
    return { kind: 'section-header', replace: { start: first, end: Math.max(offset, lineContentEnd(text, lineStart)) } };
  }
  const typed = text.slice(first, offset);
  if (offset < first || !KEY_CHARS.test(typed)) return { kind: 'none' };
  let end = offset;
  while (end < lineEnd && /[A-Za-z0-9_-]/.test(text[end])) end++;
  const blankLine = first === lineContentEnd(text, lineStart);
  return { kind: 'key', section: sectionBefore(unit, lineStart), replace: { start: first, end }, hasEquals: text[end] === '=', blankLine };
}
