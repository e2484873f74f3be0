/** What the pair quick fixes share: the document being fixed and small builders for their WorkspaceEdits. */
import {
  CodeActionKind, CreateFile, TextDocumentEdit, TextEdit, type CodeAction, type Diagnostic, type WorkspaceEdit,
} from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EditTarget } from './editText';
import type { FeatureContext } from './featureContext';
import { entryAtOffset, type Entry, type Section, type Span, type UnitFile } from './parser';

export interface PairFixEnv {
  document: TextDocument;
  unit: UnitFile;
  ctx: FeatureContext;
  target: EditTarget;
}

export function spanOf(env: PairFixEnv, d: Diagnostic): Span {
  return { start: env.document.offsetAt(d.range.start), end: env.document.offsetAt(d.range.end) };
}

export function located(env: PairFixEnv, span: Span): { section: Section; entry: Entry } | undefined {
  const found = entryAtOffset(env.unit, span.start);
  return found && found.entry.span.start === span.start && found.entry.span.end === span.end ? found : undefined;
}

export function quickFix(title: string, diagnostics: Diagnostic[], edit: WorkspaceEdit, preferred = false): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics, edit, ...(preferred ? { isPreferred: true } : {}) };
}

/** Edits of the document itself, as a documentChanges entry. */
export function documentEdit(env: PairFixEnv, edits: TextEdit[]): TextDocumentEdit {
  return TextDocumentEdit.create({ uri: env.document.uri, version: env.document.version }, edits);
}

/** A CreateFile and the edit that fills the new file. */
export function createWithText(uri: string, lines: string[], eol: string): Array<CreateFile | TextDocumentEdit> {
  return [
    CreateFile.create(uri, { overwrite: false, ignoreIfExists: false }),
    TextDocumentEdit.create({ uri, version: null }, [TextEdit.insert({ line: 0, character: 0 }, lines.join(eol) + eol)]),
  ];
}
