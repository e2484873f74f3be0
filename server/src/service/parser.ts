/**
 * The unit-file parser: one pass over the text that reproduces systemd's config_parse()
 * (src/shared/conf-parser.c) and keeps exact offsets for every section, key and value.
 *
 * systemd's reading rules, in the order it applies them to each physical line:
 *  1. Lines end at "\n", "\r\n", "\r" or a NUL byte (read_line()).
 *  2. A line whose first non-blank character is '#' or ';' is a comment and is skipped, even in the
 *     middle of a continuation. A '#' anywhere else is part of the value.
 *  3. A UTF-8 BOM is stripped from the first line that has one (after the comment check, so a BOM
 *     followed by '#' is NOT a comment).
 *  4. A line ending in an unescaped backslash continues on the next line; the backslash becomes a space.
 *  5. The logical line is stripped of " \t\n\r"; empty lines are skipped.
 *  6. "[...]" opens a section; anything else needs "=", key and value are stripped around it.
 *
 * Everything here is plain data with offsets into the original text; nothing depends on LSP transport.
 */

export interface Span {
  start: number;
  end: number;
}

/** A piece of a joined value and where it sits in the document. */
export interface ValueSegment {
  /** Offset of the piece inside the joined value string. */
  valueOffset: number;
  /** Offset of the piece inside the document text. */
  docOffset: number;
  length: number;
}

export interface Entry {
  key: string;
  /** The value systemd sees: continuation lines joined (backslash → space), surrounding blanks stripped. */
  value: string;
  keySpan: Span;
  /** Document span from the first to the last character of the value (empty span right after '=' if empty). */
  valueSpan: Span;
  /** Whole logical line, including continuation lines. */
  span: Span;
  /**
   * Maps offsets in `value` back to the document, one segment per physical line; undefined when the
   * value sits on one line (the common case), where value offset i is document offset valueSpan.start + i.
   */
  segments?: ValueSegment[];
  /** Index of the section in UnitFile.sections, or -1 for an assignment before any section. */
  sectionIndex: number;
  /** 0-based line of the key. */
  line: number;
}

export interface Section {
  name: string;
  /** Span of the whole "[Name]" header. */
  headerSpan: Span;
  nameSpan: Span;
  /** From the header to the end of the section's last entry (trailing blank lines and comments excluded). */
  span: Span;
  entries: Entry[];
}

export type ParseProblemKind =
  | 'missing-equals'
  | 'missing-key'
  | 'assignment-outside-section'
  | 'invalid-section-header'
  | 'invalid-utf8'
  | 'line-too-long';

/** Problems after which systemd reads no further line of the file, and refuses the unit. */
export const STOPS_READING: ReadonlySet<ParseProblemKind> = new Set(['invalid-section-header', 'invalid-utf8', 'line-too-long']);

/** Whether systemd refuses the file at a line it cannot read (nothing after it is parsed). */
export function stopsReading(unit: UnitFile): boolean {
  return unit.problems.some((p) => STOPS_READING.has(p.kind));
}

/**
 * read_line() in config_parse() takes lines shorter than LONG_LINE_MAX (1 MiB) bytes, without the line break;
 * a longer one (a comment too) fails the whole file with ENOBUFS. Measured with systemd-analyze verify.
 */
export const LONG_LINE_MAX_BYTES = 1024 * 1024;

export interface ParseProblem {
  kind: ParseProblemKind;
  span: Span;
  /** The stripped logical line, for messages. */
  text: string;
}

export interface CommentLine {
  span: Span;
  text: string;
}

export interface UnitFile {
  text: string;
  sections: Section[];
  /** Assignments that appear before any section header (systemd ignores them). */
  orphanEntries: Entry[];
  problems: ParseProblem[];
  comments: CommentLine[];
  /** Offsets where each physical line starts (line breaks as systemd counts them). */
  lineStarts: number[];
}

const BLANKS = ' \t\n\r';
const BOM = '\uFEFF';

function isBlank(ch: string): boolean {
  return BLANKS.includes(ch);
}

function skipBlanks(text: string, from: number, to: number): number {
  while (from < to && isBlank(text[from])) from++;
  return from;
}

function trimEndBlanks(text: string, from: number, to: number): number {
  while (to > from && isBlank(text[to - 1])) to--;
  return to;
}

/** True when the line ends in a backslash that is not itself escaped (systemd's `escaped` scan). */
function endsWithContinuation(text: string, from: number, to: number): boolean {
  let escaped = false;
  for (let i = from; i < to; i++) {
    if (escaped) escaped = false;
    else if (text[i] === '\\') escaped = true;
  }
  return escaped;
}

/**
 * A logical line assembled from one or more physical lines. `chars` is what systemd would see; each
 * piece says where a run of those characters sits in the document (the backslash that became a space
 * keeps its own offset, so pieces stay contiguous with the line they end).
 */
interface LogicalLine {
  chars: string;
  pieces: ValueSegment[];
  firstLine: number;
}

/** Document offset of chars[i] of a logical line. */
function docOffsetOf(logical: LogicalLine, i: number): number {
  const pieces = logical.pieces;
  if (pieces.length === 1) return pieces[0].docOffset + i;
  for (const piece of pieces) if (i < piece.valueOffset + piece.length) return piece.docOffset + (i - piece.valueOffset);
  const last = pieces[pieces.length - 1];
  return last.docOffset + last.length;
}

/**
 * Adds a physical line's characters to a logical line being assembled. A continued line's backslash becomes
 * a space. The characters are kept as parts and joined once (finishLogical): growing one string and cutting
 * its last character per line made a long continued value quadratic.
 */
function appendPiece(logical: PendingLine, text: string, from: number, to: number, continues: boolean): void {
  logical.pieces.push({ valueOffset: logical.length, docOffset: from, length: to - from });
  logical.parts.push(continues ? text.slice(from, to - 1) + ' ' : text.slice(from, to));
  logical.length += to - from;
}

interface PendingLine extends LogicalLine {
  parts: string[];
  length: number;
}

function finishLogical(pending: PendingLine): LogicalLine {
  return { chars: pending.parts.join(''), pieces: pending.pieces, firstLine: pending.firstLine };
}

/** UTF-8 length of text[from, to) (no decoding: lone surrogates count as three bytes, as U+FFFD would). */
function utf8Length(text: string, from: number, to: number): number {
  let bytes = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Whether a physical line is too long for systemd (a UTF-16 unit is at most 3 bytes: count only when it could be). */
function tooLong(text: string, from: number, to: number): boolean {
  return (to - from) * 3 >= LONG_LINE_MAX_BYTES && utf8Length(text, from, to) >= LONG_LINE_MAX_BYTES;
}

/** Index of the first line terminator (LF, CR or NUL) at or after `from`, or text.length. */
function lineEndFrom(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0) return i;
  }
  return text.length;
}

/** The one-line logical line reused by parseUnit()'s fast path (nothing keeps a reference to it). */
const SINGLE_PIECE: ValueSegment = { valueOffset: 0, docOffset: 0, length: 0 };
const SINGLE_LINE: LogicalLine = { chars: '', pieces: [SINGLE_PIECE], firstLine: 0 };

export function parseUnit(text: string): UnitFile {
  const unit: UnitFile = { text, sections: [], orphanEntries: [], problems: [], comments: [], lineStarts: [] };
  let bomSeen = false;
  let pending: PendingLine | undefined;
  let stopped = false;
  // Same line splitting as splitPhysicalLines(), without materialising the lines (this loop is hot).
  for (let start = 0, lineNo = 0; start < text.length; lineNo++) {
    const end = lineEndFrom(text, start);
    unit.lineStarts.push(start);
    const next = end < text.length && text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    if (stopped) {
      start = next;
      continue;
    }
    if (tooLong(text, start, end)) {
      // systemd gives up on the file here: what was assembled before is all it parsed.
      if (pending) handleLogicalLine(unit, finishLogical(pending));
      pending = undefined;
      unit.problems.push({ kind: 'line-too-long', span: { start, end }, text: '' });
      stopped = true;
      start = next;
      continue;
    }
    const first = skipBlanks(text, start, end);
    if (first < end && (text[first] === '#' || text[first] === ';')) {
      unit.comments.push({ span: { start: first, end }, text: text.slice(first, end) });
      start = next;
      continue;
    }
    let contentStart = start;
    if (!bomSeen && text.startsWith(BOM, start)) {
      contentStart = start + BOM.length;
      bomSeen = true;
    }
    start = next;
    const continues = endsWithContinuation(text, contentStart, end);
    if (!pending && !continues) {
      // Fast path for the usual single-line assignment: no continuation bookkeeping to allocate.
      SINGLE_LINE.chars = text.slice(contentStart, end);
      SINGLE_LINE.firstLine = lineNo;
      SINGLE_PIECE.docOffset = contentStart;
      SINGLE_PIECE.length = end - contentStart;
      handleLogicalLine(unit, SINGLE_LINE);
      continue;
    }
    pending ??= { chars: '', pieces: [], firstLine: lineNo, parts: [], length: 0 };
    appendPiece(pending, text, contentStart, end, continues);
    if (continues) continue;
    handleLogicalLine(unit, finishLogical(pending));
    pending = undefined;
  }
  // A file that ends inside a continuation: config_parse() still parses what it has collected.
  if (pending) handleLogicalLine(unit, finishLogical(pending));
  return unit;
}

function isValidUtf8Text(s: string): boolean {
  // The document is already decoded; invalid byte sequences arrive as U+FFFD (TextDecoder replacement).
  return !s.includes('\uFFFD');
}

function handleLogicalLine(unit: UnitFile, logical: LogicalLine): void {
  const chars = logical.chars;
  const lo = skipBlanks(chars, 0, chars.length);
  const hi = trimEndBlanks(chars, lo, chars.length);
  if (lo >= hi) return;
  const docStart = docOffsetOf(logical, lo);
  const docEnd = docOffsetOf(logical, hi - 1) + 1;
  const stripped = chars.slice(lo, hi);
  const span = { start: docStart, end: docEnd };

  // systemd aborts loading the whole file on a line that is not valid UTF-8 (log_syntax_invalid_utf8
  // returns -EINVAL to config_parse()).
  if (!isValidUtf8Text(stripped)) {
    unit.problems.push({ kind: 'invalid-utf8', span, text: stripped });
    return;
  }

  if (stripped[0] === '[') {
    handleSectionHeader(unit, logical, lo, hi, span, stripped);
    return;
  }

  const current = unit.sections[unit.sections.length - 1];
  const eq = chars.indexOf('=', lo);
  if (!current) {
    // systemd checks "outside of section" before looking for '='.
    unit.problems.push({ kind: 'assignment-outside-section', span, text: stripped });
    if (eq >= 0 && eq < hi && eq > lo) unit.orphanEntries.push(makeEntry(logical, lo, eq, hi, -1));
    return;
  }
  if (eq < 0 || eq >= hi) {
    unit.problems.push({ kind: 'missing-equals', span, text: stripped });
    return;
  }
  if (eq === lo) {
    unit.problems.push({ kind: 'missing-key', span, text: stripped });
    return;
  }
  const entry = makeEntry(logical, lo, eq, hi, unit.sections.length - 1);
  current.entries.push(entry);
  current.span.end = entry.span.end;
}

function handleSectionHeader(
  unit: UnitFile,
  logical: LogicalLine,
  lo: number,
  hi: number,
  span: Span,
  stripped: string,
): void {
  const chars = logical.chars;
  if (chars[hi - 1] !== ']' || hi - lo < 2 || !isSafeSectionName(chars.slice(lo + 1, hi - 1))) {
    unit.problems.push({ kind: 'invalid-section-header', span, text: stripped });
    // systemd aborts loading the file here; we keep going so the rest of the file still gets feedback.
    return;
  }
  const nameStart = docOffsetOf(logical, lo + 1);
  const nameEnd = hi - 1 > lo + 1 ? docOffsetOf(logical, hi - 2) + 1 : nameStart;
  const section: Section = {
    name: chars.slice(lo + 1, hi - 1),
    headerSpan: span,
    nameSpan: { start: nameStart, end: nameEnd },
    span: { start: span.start, end: span.end },
    entries: [],
  };
  unit.sections.push(section);
}

/** systemd's string_is_safe(): no control characters, no quotes, no backslash. */
function isSafeSectionName(name: string): boolean {
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c === 0x7f || ch === '\\' || ch === '"' || ch === "'") return false;
  }
  return true;
}

function makeEntry(logical: LogicalLine, lo: number, eq: number, hi: number, sectionIndex: number): Entry {
  const chars = logical.chars;
  const keyEnd = trimEndBlanks(chars, lo, eq);
  const valueLo = skipBlanks(chars, eq + 1, hi);
  const at = (i: number) => docOffsetOf(logical, i);
  const valueSpan = valueLo < hi ? { start: at(valueLo), end: at(hi - 1) + 1 } : { start: at(eq) + 1, end: at(eq) + 1 };
  return {
    key: chars.slice(lo, keyEnd),
    value: chars.slice(valueLo, hi),
    keySpan: { start: at(lo), end: at(keyEnd - 1) + 1 },
    valueSpan,
    span: { start: at(lo), end: at(hi - 1) + 1 },
    segments: logical.pieces.length > 1 ? segmentsOf(logical, valueLo, hi) : undefined,
    sectionIndex,
    line: logical.firstLine,
  };
}

/** The value's part of each piece, re-based so that valueOffset counts from the value's first character. */
function segmentsOf(logical: LogicalLine, from: number, to: number): ValueSegment[] {
  const segments: ValueSegment[] = [];
  for (const piece of logical.pieces) {
    const lo = Math.max(from, piece.valueOffset);
    const hi = Math.min(to, piece.valueOffset + piece.length);
    if (lo < hi) segments.push({ valueOffset: lo - from, docOffset: piece.docOffset + (lo - piece.valueOffset), length: hi - lo });
  }
  return segments;
}

/** Maps an offset inside an entry's value to a document offset (end offsets map to just after a char). */
export function valueOffsetToDocument(entry: Entry, valueOffset: number): number {
  if (!entry.segments) return entry.valueSpan.start + Math.min(valueOffset, entry.value.length);
  if (entry.segments.length === 0) return entry.valueSpan.start;
  for (const seg of entry.segments) {
    if (valueOffset < seg.valueOffset + seg.length) return seg.docOffset + Math.max(0, valueOffset - seg.valueOffset);
  }
  const last = entry.segments[entry.segments.length - 1];
  return last.docOffset + last.length;
}

/** Maps a [start, end) range inside a value to a document span. */
export function valueRangeToSpan(entry: Entry, start: number, end: number): Span {
  if (end <= start) {
    const at = valueOffsetToDocument(entry, start);
    return { start: at, end: at };
  }
  return { start: valueOffsetToDocument(entry, start), end: valueOffsetToDocument(entry, end - 1) + 1 };
}

/** All entries in document order with their section (orphans excluded). */
export function* entriesOf(unit: UnitFile): Generator<{ section: Section; entry: Entry }> {
  for (const section of unit.sections) for (const entry of section.entries) yield { section, entry };
}

/** Every entry of the sections in document order, built once per parsed unit (a unit is never changed). */
const ENTRY_INDEX = new WeakMap<UnitFile, Array<{ section: Section; entry: Entry }>>();

function entryIndex(unit: UnitFile): Array<{ section: Section; entry: Entry }> {
  let index = ENTRY_INDEX.get(unit);
  if (!index) ENTRY_INDEX.set(unit, (index = [...entriesOf(unit)]));
  return index;
}

/** The first entry (in a section) whose key starts at `offset` or later, by binary search. */
export function firstEntryFrom(unit: UnitFile, offset: number): Entry | undefined {
  const index = entryIndex(unit);
  let lo = 0;
  let hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (index[mid].entry.keySpan.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return index[lo]?.entry;
}

/**
 * The entry (in a section) whose span holds `offset`, ends included: a binary search, so a feature that
 * looks up one entry per diagnostic stays linear in the diagnostics.
 */
export function entryAtOffset(unit: UnitFile, offset: number): { section: Section; entry: Entry } | undefined {
  const index = entryIndex(unit);
  let lo = 0;
  let hi = index.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index[mid].entry.span.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Spans touch when one entry ends where the next starts; the earlier one wins, as a forward scan would.
  if (found > 0 && index[found - 1].entry.span.end >= offset) return index[found - 1];
  return found >= 0 && offset <= index[found].entry.span.end ? index[found] : undefined;
}

/** 0-based line (as systemd counts lines) of a document offset. */
export function lineOfOffset(unit: UnitFile, offset: number): number {
  const starts = unit.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The first physical line, without its terminator: where whole-file findings are shown. */
export function firstLineSpan(unit: UnitFile): Span {
  return { start: 0, end: lineEndFrom(unit.text, 0) };
}
