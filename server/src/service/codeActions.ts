/**
 * Code actions: quick fixes for our own diagnostics, and the one refactoring a new socket unit commonly
 * needs (an [Install] section). Pure: document + parsed tree + diagnostics in, plain LSP CodeActions
 * with WorkspaceEdits out.
 *
 * `diagnostics` are the diagnostics the editor passes (ours carry `code`, `source: 'sockact'` and
 * `data`; others are ignored). A fix for one diagnostic is offered when that diagnostic touches `range`.
 * The "fix all" actions (inline comments, /var/run/ paths) edit EVERY diagnostic of their code found in
 * `diagnostics`, so the server should pass the document's full diagnostic list here rather than only the
 * editor's context.diagnostics (which holds just the ones under the cursor); with the editor's list the
 * "fix all" simply covers fewer lines. A fix-all is offered only when it would fix more than one line.
 *
 * Diagnostics can be older than the document. Every fix re-checks its diagnostic against the current
 * tree (same key, same span, same kind of value) and is left out when they no longer agree.
 */
import { CodeActionKind, TextEdit, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { directiveAt } from './catalog';
import { booleanReplacement, modeReplacement } from './codeActionsConvert';
import type { DiagnosticCode } from './diagnostics/codes';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import type { FeatureContext } from './featureContext';
import { entryAtOffset, lineOfOffset, valueRangeToSpan, type Entry, type Section, type Span, type UnitFile } from './parser';
import { parseBoolean } from './values';
import { pathStartsWith } from './values/paths';
import { unitPrefix as unitPrefixOf } from './unitContext';

/** The kinds doCodeActions() returns (for the server's codeActionProvider capability). */
export const CODE_ACTION_KINDS: readonly string[] = [CodeActionKind.QuickFix, CodeActionKind.Refactor];

/** How many diagnostics in the requested range get fixes of their own in one answer. */
export const MAX_DIAGNOSTICS_FIXED = 500;

/** What the placeholder Listen line says when a socket unit has none. */
export const LISTEN_SKELETON = 'ListenStream=8080';

const INSTALL_LINES = ['[Install]', 'WantedBy=sockets.target'];

/** Parsers whose values are parse_boolean() words (config_parse_job_mode_isolate is a boolean too). */
const BOOLEAN_PARSERS = new Set(['config_parse_bool', 'config_parse_tristate', 'config_parse_job_mode_isolate']);

interface Env {
  document: TextDocument;
  unit: UnitFile;
  ctx: FeatureContext;
  text: string;
  /** The document's line break, for inserted lines. */
  eol: string;
}

interface Located {
  section: Section;
  entry: Entry;
}

export function doCodeActions(
  document: TextDocument,
  unit: UnitFile,
  range: Range,
  diagnostics: Diagnostic[],
  ctx: FeatureContext,
): CodeAction[] {
  const text = document.getText();
  const env: Env = { document, unit, ctx, text, eol: eolOf(text) };
  const lo = document.offsetAt(range.start);
  const hi = document.offsetAt(range.end);
  const ours = diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && d.code !== undefined);
  // A range over a whole large unit touches thousands of diagnostics; no menu shows that many fixes, and
  // building and sending them all kept the server from answering anything else. The fix-all actions below
  // still cover every diagnostic of their kind.
  const here = ours
    .filter((d) => {
      const span = spanOf(env, d);
      return span.start <= hi && lo <= span.end;
    })
    .slice(0, MAX_DIAGNOSTICS_FIXED);

  const actions: CodeAction[] = [];
  const acceptGroups = new Map<string, Diagnostic[]>();
  for (const d of here) {
    const code = String(d.code) as DiagnosticCode;
    switch (code) {
      case 'unknown-directive':
        actions.push(...unknownDirectiveFixes(env, d));
        break;
      case 'renamed-directive':
        actions.push(...renamedDirectiveFixes(env, d));
        break;
      case 'inline-comment':
        actions.push(...single(env, d, 'Move the comment to its own line', moveCommentEdits(env, d), true));
        break;
      case 'overridden-directive':
        actions.push(...overriddenFixes(env, d));
        break;
      // fdname-per-socket gets no removal here: deleting the lost name makes the warning go away while every
      // socket still carries the last name. Its only fix splits the unit (codeActionsSplit.ts).
      case 'relative-exec-argument':
        actions.push(...workingDirectoryFixes(env, d));
        break;
      case 'legacy-path':
        actions.push(...single(env, d, 'Replace /var/run/ with /run/', legacyPathEdits(env, d), true));
        break;
      case 'accept-non-accepting': {
        // Every such diagnostic points at the same Accept= line: one action fixes them all.
        const key = acceptSpanKey(d);
        if (key) acceptGroups.set(key, [...(acceptGroups.get(key) ?? []), d]);
        break;
      }
      case 'no-listen':
        actions.push(...single(env, d, noListenTitle(env), noListenEdits(env, d), false));
        break;
      case 'invalid-value':
        actions.push(...invalidValueFixes(env, d));
        break;
      case 'missing-dependency':
      case 'missing-weak-dependency':
        actions.push(...dependencyFixes(env, d));
        break;
      default:
        // directive-too-new and the rest: nothing to fix mechanically.
        break;
    }
  }
  for (const group of acceptGroups.values()) actions.push(...acceptFixes(env, group));

  actions.push(
    ...fixAll(env, ours, here, 'inline-comment', 'Move all inline comments to their own lines', moveCommentEdits),
    ...fixAll(env, ours, here, 'legacy-path', 'Replace /var/run/ with /run/ in all paths', legacyPathEdits),
    ...installRefactor(env),
  );
  return actions;
}

// ---------------------------------------------------------------------------------------------------
// Action builders

function quickFix(env: Env, title: string, diagnostics: Diagnostic[], edits: TextEdit[], preferred: boolean): CodeAction {
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics,
    edit: { changes: { [env.document.uri]: edits } },
    ...(preferred ? { isPreferred: true } : {}),
  };
}

function single(env: Env, d: Diagnostic, title: string, edits: TextEdit[] | undefined, preferred: boolean): CodeAction[] {
  return edits ? [quickFix(env, title, [d], edits, preferred)] : [];
}

function fixAll(
  env: Env,
  all: Diagnostic[],
  here: Diagnostic[],
  code: DiagnosticCode,
  title: string,
  editsOf: (env: Env, d: Diagnostic) => TextEdit[] | undefined,
): CodeAction[] {
  if (!here.some((d) => d.code === code)) return [];
  const fixed: Diagnostic[] = [];
  const edits: TextEdit[] = [];
  const seen = new Set<number>();
  for (const d of all) {
    if (d.code !== code) continue;
    const at = env.document.offsetAt(d.range.start);
    if (seen.has(at)) continue; // the same diagnostic passed twice would give overlapping edits
    const e = editsOf(env, d);
    if (!e) continue;
    seen.add(at);
    fixed.push(d);
    edits.push(...e);
  }
  return fixed.length > 1 ? [quickFix(env, title, fixed, edits, false)] : [];
}

// ---------------------------------------------------------------------------------------------------
// Directives

function unknownDirectiveFixes(env: Env, d: Diagnostic): CodeAction[] {
  const found = entryWithKeyAt(env, d);
  const data = d.data as { suggestions?: unknown; certain?: unknown } | undefined;
  const raw = data?.suggestions;
  if (!found || !Array.isArray(raw)) return [];
  const suggestions = raw.filter((s): s is string => typeof s === 'string' && s !== '' && s !== found.entry.key);
  // Preferred (applied by "fix all" and Ctrl+.) only when the check found it certain: one close candidate.
  const preferred = data?.certain === true && suggestions.length === 1;
  return suggestions.map((s) => quickFix(env, `Change to ${s}=`, [d], [replace(env, found.entry.keySpan, s)], preferred));
}

function renamedDirectiveFixes(env: Env, d: Diagnostic): CodeAction[] {
  const found = entryWithKeyAt(env, d);
  const replacement = (d.data as { replacement?: unknown } | undefined)?.replacement;
  if (!found || typeof replacement !== 'string' || replacement === '' || replacement === found.entry.key) return [];
  return [quickFix(env, `Rename to ${replacement}=`, [d], [replace(env, found.entry.keySpan, replacement)], true)];
}

/**
 * A dependency on a unit that exists nowhere: replace it only with a certain suggestion (the same name
 * with another type, e.g. network-online.service → network-online.target, and that unit exists). A close
 * spelling is only mentioned in the message: replacing it could name a different unit.
 */
function dependencyFixes(env: Env, d: Diagnostic): CodeAction[] {
  const data = d.data as { unit?: unknown; suggestion?: unknown; certain?: unknown } | undefined;
  if (data?.certain !== true || typeof data.unit !== 'string' || typeof data.suggestion !== 'string') return [];
  const span = spanOf(env, d);
  // A stale diagnostic no longer covering the name would replace something else.
  if (env.text.slice(span.start, span.end) !== data.unit) return [];
  return [quickFix(env, `Change to ${data.suggestion}`, [d], [replace(env, span, data.suggestion)], true)];
}

/** The entry whose key the diagnostic underlines. */
function entryWithKeyAt(env: Env, d: Diagnostic): Located | undefined {
  const span = spanOf(env, d);
  const found = entryAt(env, span.start);
  return found && sameSpan(found.entry.keySpan, span) ? found : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Inline comments

/**
 * Moves "# text" from the end of a value to a comment line above the assignment (same indentation) and
 * drops the blanks it leaves behind. On a line continued with a backslash only that line's part is the
 * comment; the backslash stays so the value still continues.
 */
function moveCommentEdits(env: Env, d: Diagnostic): TextEdit[] | undefined {
  const { text, unit } = env;
  const at = env.document.offsetAt(d.range.start);
  if (text[at] !== '#' && text[at] !== ';') return undefined;
  const found = entryAt(env, at);
  if (!found || at <= found.entry.valueSpan.start) return undefined;
  const { entry } = found;
  const lineStart = lineStartOf(unit, at);
  const lineEnd = lineContentEnd(text, lineStart);
  // The line is continued when the value goes on past it; its last character is then the backslash.
  const continued = entry.span.end > lineEnd;
  const commentEnd = continued ? lineEnd - 1 : lineEnd;
  const comment = text.slice(at, commentEnd).trimEnd();
  let valueEnd = at;
  while (valueEnd > lineStart && /\s/.test(text[valueEnd - 1])) valueEnd--;
  const entryLineStart = lineStartOf(unit, entry.span.start);
  return [
    insert(env, entryLineStart, indentOf(env, entry) + comment + env.eol),
    replace(env, { start: valueEnd, end: continued ? lineEnd - 1 : lineEnd }, continued ? ' ' : ''),
  ];
}

// ---------------------------------------------------------------------------------------------------
// Overridden assignments

/**
 * Removing the earlier of two assignments is honest only when the author merely repeated the setting. In a
 * [Socket] section with several sockets, a value written between Listen*= lines was meant for the socket
 * above it (the fdname-per-socket mistake with another key): deleting it hides that every socket gets the
 * last value, so no removal is offered; the message says what systemd does.
 */
function overriddenFixes(env: Env, d: Diagnostic): CodeAction[] {
  if ((d.data as { perSocket?: unknown } | undefined)?.perSocket === true) return [];
  return single(env, d, 'Remove the overridden line', removeEntryEdits(env, d), true);
}

/** Deletes the whole assignment: its first line to its last (continuation lines too) and the line break. */
function removeEntryEdits(env: Env, d: Diagnostic): TextEdit[] | undefined {
  const span = spanOf(env, d);
  const found = entryAt(env, span.start);
  if (!found || !sameSpan(found.entry.span, span)) return undefined;
  const { unit, text } = env;
  const { entry } = found;
  let start = lineStartOf(unit, entry.span.start);
  let end = nextLineStartOf(unit, entry.span.end - 1);
  if (end === undefined) {
    // The last line of a file without a final line break: take the break before it instead.
    end = text.length;
    start -= lineBreakBefore(text, start);
  }
  return [replace(env, { start, end }, '')];
}

// ---------------------------------------------------------------------------------------------------
// A relative file on a command line without WorkingDirectory=

/**
 * Adds a WorkingDirectory= line above the command (same section). The folder is a placeholder, /opt/PREFIX,
 * said in the title: only the user knows where the file will be. Never preferred, and the command line itself
 * is not touched.
 */
function workingDirectoryFixes(env: Env, d: Diagnostic): CodeAction[] {
  const span = spanOf(env, d);
  const found = entryAt(env, span.start);
  const section = (d.data as { section?: unknown } | undefined)?.section;
  if (!found || found.section.name !== section || !found.entry.key.startsWith('Exec')) return [];
  if (span.start < found.entry.valueSpan.start || span.end > found.entry.valueSpan.end) return [];
  // Already added (the diagnostic is older than the text).
  if (found.section.entries.some((e) => e.key === 'WorkingDirectory' || e.key === 'RootDirectory')) return [];
  const unitName = env.ctx.context.unitName;
  const folder = `/opt/${unitName ? unitPrefixOf(unitName) : 'app'}`;
  const file = env.text.slice(span.start, span.end);
  const line = indentOf(env, found.entry) + `WorkingDirectory=${folder}` + env.eol;
  return single(env, d, `Add WorkingDirectory=${folder} (change it to the folder that holds ${file})`, [insert(env, lineStartOf(env.unit, found.entry.span.start), line)], false);
}

// ---------------------------------------------------------------------------------------------------
// /var/run/

function legacyPathEdits(env: Env, d: Diagnostic): TextEdit[] | undefined {
  const span = spanOf(env, d);
  const found = entryAt(env, span.start);
  if (!found || !sameSpan(found.entry.valueSpan, span)) return undefined;
  const { value } = found.entry;
  const rest = pathStartsWith(value, '/var/run/');
  if (rest === null) return undefined;
  // Only the prefix changes (however many slashes it was written with), so the rest keeps its place.
  return [replace(env, valueRangeToSpan(found.entry, 0, value.length - rest.length), '/run/')];
}

// ---------------------------------------------------------------------------------------------------
// Accept=yes on sockets that cannot accept

function acceptSpanOf(d: Diagnostic): Span | undefined {
  const span = (d.data as { acceptSpan?: Partial<Span> } | undefined)?.acceptSpan;
  return typeof span?.start === 'number' && typeof span.end === 'number' ? { start: span.start, end: span.end } : undefined;
}

function acceptSpanKey(d: Diagnostic): string | undefined {
  const span = acceptSpanOf(d);
  return span && `${span.start}:${span.end}`;
}

function acceptFixes(env: Env, group: Diagnostic[]): CodeAction[] {
  const span = acceptSpanOf(group[0])!;
  const found = entryAt(env, span.start);
  if (!found || found.section.name !== 'Socket' || found.entry.key !== 'Accept' || !sameSpan(found.entry.span, span)) return [];
  if (parseBoolean(found.entry.value) !== true) return [];
  return [quickFix(env, 'Change to Accept=no', group, [replace(env, found.entry.valueSpan, 'no')], true)];
}

// ---------------------------------------------------------------------------------------------------
// A socket unit without Listen*= lines

function isListenKey(key: string): boolean {
  // Misspelt Listen lines count too: renaming them is the better fix than a placeholder.
  return /^listen/i.test(key);
}

function noListenTitle(env: Env): string {
  return env.unit.sections.some((s) => s.name === 'Socket') ? `Add ${LISTEN_SKELETON}` : `Add a [Socket] section with ${LISTEN_SKELETON}`;
}

/**
 * Inserts a placeholder ListenStream= at the end of the (last) [Socket] section, or a [Socket] section
 * holding it (before [Install], else at the end). Not offered when Listen lines exist but are unusable:
 * then the fix belongs to those lines.
 */
function noListenEdits(env: Env, d: Diagnostic): TextEdit[] | undefined {
  const { unit, text, eol } = env;
  const { context } = env.ctx;
  if (context.unitType !== 'socket' || context.isDropIn) return undefined;
  const sockets = unit.sections.filter((s) => s.name === 'Socket');
  const written = [...sockets.flatMap((s) => s.entries), ...unit.orphanEntries].some((e) => isListenKey(e.key));
  if (written) return undefined;
  const span = spanOf(env, d);
  const socket = sockets[sockets.length - 1];
  if (socket) {
    // The diagnostic sits on the first [Socket] header; a stale one would be somewhere else.
    if (sockets[0].headerSpan.start !== span.start) return undefined;
    const last = socket.entries[socket.entries.length - 1];
    const indent = last ? indentOf(env, last) : '';
    const next = nextLineStartOf(unit, socket.span.end - 1);
    if (next === undefined) return [insert(env, text.length, eol + indent + LISTEN_SKELETON)];
    return [insert(env, next, indent + LISTEN_SKELETON + eol)];
  }
  if (span.start !== 0) return undefined;
  const lines = ['[Socket]', LISTEN_SKELETON];
  const install = unit.sections.find((s) => s.name === 'Install');
  if (install) return [insert(env, lineStartOf(unit, install.headerSpan.start), lines.join(eol) + eol + eol)];
  return [appendBlock(env, lines)];
}

// ---------------------------------------------------------------------------------------------------
// Values systemd rejects

function invalidValueFixes(env: Env, d: Diagnostic): CodeAction[] {
  const span = spanOf(env, d);
  const found = entryAt(env, span.start);
  if (!found || !sameSpan(found.entry.valueSpan, span)) return [];
  const { entry, section } = found;
  const known = env.ctx.catalog.lookup(section.name, entry.key);
  if (!known) return [];
  const def = directiveAt(known, env.ctx.systemdVersion);
  const parser = def.parser;
  const change = (value: string, preferred: boolean) =>
    quickFix(env, `Change to ${entry.key}=${value}`, [d], [replace(env, entry.valueSpan, value)], preferred);
  if (BOOLEAN_PARSERS.has(parser)) {
    const meant = booleanReplacement(entry.value);
    // No telling what "maybe" meant: offer both words, prefer neither.
    return meant ? [change(meant, true)] : [change('yes', false), change('no', false)];
  }
  if (parser === 'config_parse_mode') {
    const mode = modeReplacement(entry.value);
    return mode ? [change(mode, true)] : [];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------
// [Install]

/** A .socket unit without [Install] cannot be enabled; offered anywhere in the file. */
function installRefactor(env: Env): CodeAction[] {
  const { context } = env.ctx;
  if (context.unitType !== 'socket' || context.isDropIn) return [];
  if (env.unit.sections.some((s) => s.name === 'Install')) return [];
  return [{
    title: 'Add [Install] WantedBy=sockets.target',
    kind: CodeActionKind.Refactor,
    edit: { changes: { [env.document.uri]: [appendBlock(env, INSTALL_LINES)] } },
  }];
}

// ---------------------------------------------------------------------------------------------------
// Text helpers

function eolOf(text: string): string {
  return /\r\n|\n|\r/.exec(text)?.[0] ?? '\n';
}

function spanOf(env: Env, d: Diagnostic): Span {
  return { start: env.document.offsetAt(d.range.start), end: env.document.offsetAt(d.range.end) };
}

function sameSpan(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end;
}

function replace(env: Env, span: Span, newText: string): TextEdit {
  return TextEdit.replace({ start: env.document.positionAt(span.start), end: env.document.positionAt(span.end) }, newText);
}

function insert(env: Env, offset: number, newText: string): TextEdit {
  return TextEdit.insert(env.document.positionAt(offset), newText);
}

/** The assignment (in a section) that covers a document offset. */
function entryAt(env: Env, offset: number): Located | undefined {
  return entryAtOffset(env.unit, offset);
}

function lineStartOf(unit: UnitFile, offset: number): number {
  return unit.lineStarts[lineOfOffset(unit, offset)] ?? 0;
}

/** Start of the line after the one holding `offset`; undefined on a last line without a line break. */
function nextLineStartOf(unit: UnitFile, offset: number): number | undefined {
  const { text } = unit;
  const end = lineContentEnd(text, lineStartOf(unit, offset));
  if (end >= text.length) return undefined;
  return end + (text[end] === '\r' && text[end + 1] === '\n' ? 2 : 1);
}

/** Where the physical line starting at `from` ends (before its line break; NUL ends a line for systemd). */
function lineContentEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0) return i;
  }
  return text.length;
}

/** Length of the line break that ends just before `lineStart` (0 at the start of the text). */
function lineBreakBefore(text: string, lineStart: number): number {
  if (lineStart >= 2 && text[lineStart - 2] === '\r' && text[lineStart - 1] === '\n') return 2;
  return lineStart > 0 ? 1 : 0;
}

/** The blanks before an assignment's key on its first line. */
function indentOf(env: Env, entry: Entry): string {
  return env.text.slice(lineStartOf(env.unit, entry.span.start), entry.span.start).replace(/[^ \t]/g, '');
}

/**
 * Appends lines as a block of their own at the end of the file: the last line gets its line break if it
 * lacks one, a blank line separates the block from what is above, and the block ends with a line break.
 */
function appendBlock(env: Env, lines: string[]): TextEdit {
  const { text, eol } = env;
  let prefix = '';
  if (text.trim() !== '') {
    const lastLine = text.replace(/(\r\n|\n|\r)$/, '');
    if (lastLine === text) prefix = eol + eol;
    else if (!/[\r\n][ \t]*$/.test(lastLine)) prefix = eol; // no blank line yet
  }
  return insert(env, text.length, prefix + lines.join(eol) + eol);
}
