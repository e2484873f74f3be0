/**
 * Outline: one symbol per section with its assignments as children. Assignments before the first
 * section (systemd ignores them, but they are still in the file) are listed at the top level.
 */
import { DocumentSymbol, Range, SymbolKind } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Entry, Span, UnitFile } from './parser';

/** Longest value shown as a symbol's detail; longer values are cut and end in an ellipsis. */
export const SYMBOL_DETAIL_MAX = 60;

function rangeOf(document: TextDocument, span: Span): Range {
  return Range.create(document.positionAt(span.start), document.positionAt(span.end));
}

/** The value as a one-line detail: runs of blanks (e.g. from continuation lines) collapsed, then cut. */
export function symbolDetail(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > SYMBOL_DETAIL_MAX ? `${flat.slice(0, SYMBOL_DETAIL_MAX - 1)}…` : flat;
}

function entrySymbol(document: TextDocument, entry: Entry): DocumentSymbol {
  return DocumentSymbol.create(
    entry.key,
    symbolDetail(entry.value),
    SymbolKind.Property,
    rangeOf(document, entry.span),
    rangeOf(document, entry.keySpan),
  );
}

export function findDocumentSymbols(document: TextDocument, unit: UnitFile): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = unit.orphanEntries.map((entry) => entrySymbol(document, entry));
  for (const section of unit.sections) {
    const children = section.entries.map((entry) => entrySymbol(document, entry));
    // Editors reject symbols with an empty name; "[]" is a (useless but well-formed) header.
    const name = section.name.length > 0 ? section.name : '[]';
    symbols.push(
      DocumentSymbol.create(
        name,
        undefined,
        SymbolKind.Namespace,
        rangeOf(document, section.span),
        rangeOf(document, section.nameSpan),
        children,
      ),
    );
  }
  return symbols;
}
