/**
 * An in-memory workspace for the checks that pair units: files by absolute path, an index built from
 * them, the language service over that index, and WorkspaceEdits applied back to the files (CreateFile
 * and text edits, the way an editor applies them).
 */
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, Range, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { createLanguageService, type ServiceSettings } from '../../server/src/service/languageService';
import { uriToPath } from '../../server/src/service/unitContext';
import { classifyPath, MemoryUnitIndex } from '../../server/src/service/workspaceIndex';

export const uriOf = (path: string) => `file://${path.split('/').map(encodeURIComponent).join('/')}`;

export class Workspace {
  readonly files = new Map<string, string>();
  /** Document versions, as an editor keeps them (a file starts at 1; each applied edit adds 1). */
  private readonly versions = new Map<string, number>();

  constructor(files: Record<string, string>, readonly settings: ServiceSettings = { systemdVersion: 252 }) {
    for (const [path, text] of Object.entries(files)) this.files.set(path, text);
  }

  private service() {
    const index = new MemoryUnitIndex();
    for (const [path, text] of this.files) index.set(path, text);
    return createLanguageService({ index });
  }

  document(path: string): TextDocument {
    const text = this.files.get(path);
    assert.ok(text !== undefined, `no file ${path} in the workspace`);
    return TextDocument.create(uriOf(path), 'systemd-unit-file', this.versions.get(path) ?? 1, text);
  }

  diagnose(path: string): Diagnostic[] {
    const ls = this.service();
    const document = this.document(path);
    return ls.doValidation(document, ls.parse(document), this.settings);
  }

  codes(path: string): string[] {
    return this.diagnose(path).map((d) => String(d.code));
  }

  /** Every unit file and drop-in, re-diagnosed: path → codes. */
  all(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const path of [...this.files.keys()].sort()) if (classifyPath(path)) out[path] = this.codes(path);
    return out;
  }

  /** Where a code is reported across the workspace: ["path:line", …] (1-based lines). */
  where(code: string): string[] {
    const out: string[] = [];
    for (const path of [...this.files.keys()].sort()) {
      if (!classifyPath(path)) continue;
      for (const d of this.diagnose(path)) if (d.code === code) out.push(`${path}:${d.range.start.line + 1}`);
    }
    return out;
  }

  /** The code actions at the first diagnostic of `code` in `path` (or at `range`), given all the file's diagnostics. */
  actions(path: string, at: string | Range): CodeAction[] {
    const ls = this.service();
    const document = this.document(path);
    const unit = ls.parse(document);
    const diagnostics = ls.doValidation(document, unit, this.settings);
    let range: Range;
    if (typeof at === 'string') {
      const d = diagnostics.find((x) => x.code === at);
      assert.ok(d, `no ${at} in ${path}: ${JSON.stringify(diagnostics.map((x) => x.code))}`);
      range = d.range;
    } else range = at;
    return ls.doCodeActions(document, unit, range, diagnostics, this.settings);
  }

  action(path: string, code: string, title: string): CodeAction {
    const actions = this.actions(path, code);
    const action = actions.find((a) => a.title === title);
    assert.ok(action, `no action '${title}' for ${code} in ${path}: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(action.kind, 'quickfix');
    assert.ok(action.diagnostics?.some((d) => d.code === code), `${title} does not name its ${code} diagnostic`);
    return action;
  }

  /** Applies a WorkspaceEdit as an editor does; throws where an editor would refuse it. */
  apply(edit: WorkspaceEdit | undefined): void {
    assert.ok(edit, 'the action has no edit');
    for (const change of edit.documentChanges ?? []) {
      if ('kind' in change) {
        assert.equal(change.kind, 'create', `unexpected resource operation ${change.kind}`);
        const path = uriToPath(change.uri)!;
        if (this.files.has(path)) {
          assert.ok(change.options?.overwrite || change.options?.ignoreIfExists, `CreateFile ${path}: it exists`);
          if (change.options?.ignoreIfExists && !change.options.overwrite) continue;
        }
        this.files.set(path, '');
        this.versions.set(path, 1);
        continue;
      }
      this.applyText(change);
    }
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
      this.applyText({ textDocument: { uri, version: null }, edits });
    }
  }

  private applyText(change: TextDocumentEdit): void {
    const path = uriToPath(change.textDocument.uri)!;
    const document = this.document(path);
    if (change.textDocument.version !== null) assert.equal(change.textDocument.version, document.version, `stale edit of ${path}`);
    const edits = change.edits.map((e) => ('newText' in e ? e : assert.fail('annotated edits are not expected')));
    this.files.set(path, TextDocument.applyEdits(document, edits));
    this.versions.set(path, document.version + 1);
  }
}
