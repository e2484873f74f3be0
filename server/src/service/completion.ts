/**
 * Completion for unit files: section headers, directive names and values. Pure: the document, its
 * parsed tree and the feature context in, plain LSP types out.
 *
 * The work is split by where the cursor is (completionCursor.ts): a header line, a key being typed, or a
 * value (also on a continuation line). Comment lines get nothing: systemd reads nothing there.
 */
import type { CompletionItem, CompletionList, Position, Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FeatureContext } from './featureContext';
import type { UnitFile } from './parser';
import { locateCursor, type CursorContext, type OffsetRange } from './completionCursor';
import { directiveItems, sectionItems } from './completionDirectives';
import { valueItems } from './completionValues';
import { skeletonItems } from './completionSkeletons';
import { directiveAt } from './catalog';
import { lineLength } from './textSync';

export function doComplete(document: TextDocument, unit: UnitFile, position: Position, ctx: FeatureContext, triggerCharacter?: string): CompletionList {
  const offset = document.offsetAt(position);
  const line = cursorLine(document, offset);
  // A completion edit must stay on the cursor's line (LSP) and contain the cursor: a key or value continued
  // with a backslash spans lines, so only the part on this line is replaced.
  const toRange = (r: OffsetRange): Range => {
    const start = Math.min(Math.max(r.start, line.start), offset);
    // Cut at the line's end, and before the backslash that continues it, so the continuation stays.
    const lineEnd = r.end > line.end && document.getText().charCodeAt(line.end - 1) === 92 ? line.end - 1 : line.end;
    const end = Math.max(Math.min(r.end, lineEnd), offset);
    return { start: document.positionAt(start), end: document.positionAt(end) };
  };
  const cursor = locateCursor(unit, offset);
  if (triggerCharacter !== undefined && !triggerFits(triggerCharacter, cursor, unit.text, offset)) return { isIncomplete: false, items: [] };
  const typed = cursor.kind === 'key' ? unit.text.slice(cursor.replace.start, Math.max(cursor.replace.start, offset)) : '';
  // A [Socket] section knows some 300 keys: sending only those that can still match what is typed keeps
  // the answer small and fast. The list is then incomplete, so the editor asks again as the word changes
  // (including after a backspace, which could bring back keys left out here).
  return { isIncomplete: typed !== '', items: itemsFor(cursor, unit, ctx, toRange, typed) };
}

/** The cursor's line as the editor counts lines (LF, CRLF or CR), line break excluded. */
function cursorLine(document: TextDocument, offset: number): OffsetRange {
  const { line } = document.positionAt(offset);
  const start = document.offsetAt({ line, character: 0 });
  return { start, end: start + lineLength(document, line) };
}

/**
 * Typing a trigger character opens the list only where that character starts something to complete: "=" right
 * after a key (the value list), "%" and " " inside a value (a specifier, the next word of a list), "[" for a
 * header or an address. An "=" typed inside a header or elsewhere in a value offers nothing (comments never do).
 */
function triggerFits(character: string, cursor: CursorContext, text: string, offset: number): boolean {
  switch (character) {
    case '=':
      return cursor.kind === 'value' && text.slice(cursor.entry.keySpan.end, offset).trim() === '=';
    case '%':
    case ' ':
      return cursor.kind === 'value';
    case '[':
      return cursor.kind === 'section-header' || cursor.kind === 'value';
    default:
      return true;
  }
}

/** Nothing but the word being typed on the line (no "=" yet): where a unit skeleton may go. */
function aloneOnLine(text: string, end: number, hasEquals: boolean): boolean {
  if (hasEquals) return false;
  const rest = /^[^\n\r\0]*/.exec(text.slice(end))![0];
  return rest.trim() === '';
}

function itemsFor(
  cursor: CursorContext,
  unit: UnitFile,
  ctx: FeatureContext,
  toRange: (r: OffsetRange) => Range,
  typed: string,
): CompletionItem[] {
  switch (cursor.kind) {
    case 'none':
      return [];
    case 'section-header':
      return sectionItems(unit.sections, toRange(cursor.replace), ctx);
    case 'key': {
      const replace = toRange(cursor.replace);
      const directives = cursor.section ? directiveItems(cursor.section, replace, cursor.hasEquals, ctx, typed) : [];
      // On a blank line a new section is as likely as a new key; keys come first inside a section.
      const sections = cursor.blankLine ? sectionItems(unit.sections, replace, ctx, cursor.section ? '9' : '0') : [];
      const skeletons = aloneOnLine(unit.text, cursor.replace.end, cursor.hasEquals)
        ? skeletonItems(ctx.context, { replace, section: cursor.section?.name, noSections: unit.sections.length === 0 })
        : [];
      return [...skeletons, ...directives, ...sections];
    }
    case 'value': {
      // Words and parser as the target version has them (a value a newer systemd added is not offered).
      const known = ctx.catalog.lookup(cursor.section.name, cursor.entry.key);
      if (!known) return [];
      const def = directiveAt(known, ctx.systemdVersion);
      return valueItems({ def, entry: cursor.entry, text: unit.text, at: cursor.at, ctx, toRange });
    }
  }
}
