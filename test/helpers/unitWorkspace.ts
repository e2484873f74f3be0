/**
 * An in-memory workspace of unit files for navigation tests: files by path, one of them may hold the
 * `|` cursor. It is the UnitFileSet the language service navigates, it applies the WorkspaceEdits that
 * rename produces (text edits and file renames, as an editor does), and it lints every file with the
 * others as its neighbours, so a test can check that a rename left no new diagnostic behind.
 */
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { createLanguageService, type LanguageService, type UnitFileSet, type UnitSource } from '../../server/src/service/languageService';

export const ls: LanguageService = createLanguageService();

export function uriOf(path: string): string {
  return `file://${path}`;
}

function pathOf(uri: string): string {
  assert.ok(uri.startsWith('file://'), uri);
  return decodeURIComponent(uri.slice('file://'.length));
}

export interface Cursor {
  path: string;
  uri: string;
  document: TextDocument;
  position: Position;
  source: UnitSource;
}

export class MemoryWorkspace implements UnitFileSet {
  readonly files: Map<string, string>;
  cursor?: Cursor;

  /** `files`: path → text; at most one text holds a `|` cursor. */
  constructor(files: Record<string, string>) {
    this.files = new Map();
    for (const [path, marked] of Object.entries(files)) {
      const at = marked.indexOf('|');
      // Only a unit text can hold the cursor marker; "|" never appears in these fixtures otherwise.
      const text = at >= 0 ? marked.slice(0, at) + marked.slice(at + 1) : marked;
      this.files.set(path, text);
      if (at >= 0) {
        assert.equal(this.cursor, undefined, 'one cursor per workspace');
        const document = TextDocument.create(uriOf(path), 'systemd-unit-file', 1, text);
        this.cursor = { path, uri: document.uri, document, position: document.positionAt(at), source: { uri: document.uri, document, unit: ls.parse(document) } };
      }
    }
  }

  uris(): readonly string[] {
    return [...this.files.keys()].map(uriOf);
  }

  get(uri: string): UnitSource | undefined {
    const text = this.files.get(pathOf(uri));
    if (text === undefined) return undefined;
    const document = TextDocument.create(uri, 'systemd-unit-file', 1, text);
    return { uri, document, unit: ls.parse(document) };
  }

  /** The cursor's document and tree (a test without a cursor fails here). */
  at(): Cursor {
    assert.ok(this.cursor, 'no | cursor in the workspace');
    return this.cursor;
  }

  /** A copy with the edit applied: text edits first (on the old names), then the file renames, as editors do. */
  apply(edit: WorkspaceEdit | null): MemoryWorkspace {
    const next = new MemoryWorkspace(Object.fromEntries(this.files));
    if (!edit) return next;
    const textEdits = new Map<string, TextEdit[]>();
    const renames: { oldUri: string; newUri: string }[] = [];
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) textEdits.set(pathOf(uri), [...(textEdits.get(pathOf(uri)) ?? []), ...edits]);
    for (const change of edit.documentChanges ?? []) {
      if ('kind' in change) {
        assert.equal(change.kind, 'rename', `unexpected ${change.kind}`);
        renames.push(change);
      } else {
        const path = pathOf(change.textDocument.uri);
        textEdits.set(path, [...(textEdits.get(path) ?? []), ...change.edits.filter((e): e is TextEdit => 'range' in e)]);
      }
    }
    for (const [path, edits] of textEdits) {
      const text = next.files.get(path);
      assert.ok(text !== undefined, `edit for a file that does not exist: ${path}`);
      next.files.set(path, TextDocument.applyEdits(TextDocument.create(uriOf(path), 'systemd-unit-file', 1, text), edits));
    }
    for (const { oldUri, newUri } of renames) next.renameInPlace(pathOf(oldUri), pathOf(newUri));
    return next;
  }

  /** Renames a file or a folder (everything below it). */
  renameInPlace(oldPath: string, newPath: string): void {
    const moved = [...this.files].filter(([p]) => p === oldPath || p.startsWith(`${oldPath}/`));
    assert.ok(moved.length > 0, `nothing to rename at ${oldPath}`);
    for (const [p, text] of moved) {
      this.files.delete(p);
      this.files.set(newPath + p.slice(oldPath.length), text);
    }
  }

  /** The diagnostics of every file, with the other files as the units beside it. */
  diagnostics(systemdVersion = 258): Record<string, string[]> {
    const service = createLanguageService({
      resolver: {
        unitExists: (name, dir) => this.files.has(`${dir}/${name}`),
        readUnit: (name, dir) => this.files.get(`${dir}/${name}`),
      },
    });
    const out: Record<string, string[]> = {};
    for (const [path, text] of [...this.files].sort()) {
      const document = TextDocument.create(uriOf(path), 'systemd-unit-file', 1, text);
      out[path] = service.doValidation(document, service.parse(document), { systemdVersion }).map((d) => `${d.range.start.line}:${d.code}`);
    }
    return out;
  }

  text(path: string): string {
    const text = this.files.get(path);
    assert.ok(text !== undefined, `no file ${path}; files: ${[...this.files.keys()].join(', ')}`);
    return text;
  }
}

/** Every diagnostic of `after` also existed before the rename (in the file at its old path, per `moved`). */
export function assertNoNewDiagnostics(before: MemoryWorkspace, after: MemoryWorkspace, moved: Record<string, string> = {}): void {
  const old = before.diagnostics();
  const now = after.diagnostics();
  const back = Object.fromEntries(Object.entries(moved).map(([from, to]) => [to, from]));
  for (const [path, codes] of Object.entries(now)) {
    const was = old[back[path] ?? path] ?? [];
    const added = codes.map((c) => c.split(':')[1]).filter((c) => !was.some((w) => w.endsWith(`:${c}`)));
    assert.deepEqual(added, [], `${path} has new diagnostics after the rename: ${codes.join(', ')} (before: ${was.join(', ')})`);
  }
}
