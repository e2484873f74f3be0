/**
 * The workspace index of the web worker server: the open documents only. A worker has no disk to walk and
 * no search path to list, so a unit is checked against the other unit files the editor has open (a socket
 * and its service, both open, still see each other), and "is there such a unit?" stays silent rather than
 * guessing (the MemoryUnitIndex without a search path answers no telling for names it does not hold).
 */
import { uriToPath } from '../service/unitContext';
import { MemoryUnitIndex, type IndexedFile } from '../service/workspaceIndex';
import type { ServerIndex } from '../lsp/serve';

export class OpenDocumentsIndex extends MemoryUnitIndex implements ServerIndex {
  constructor() {
    // No folder is known completely: a unit that is not open may well exist, so absence means "no telling".
    super(() => false);
  }

  /** The folders are not walked: nothing in them can be read from a worker. */
  setFolders(): void {}

  openDocument(uri: string, text: string): void {
    const path = uriToPath(uri);
    if (path) this.set(path, text);
  }

  closeDocument(uri: string): void {
    const path = uriToPath(uri);
    if (path) this.delete(path);
  }

  /** File events name files that cannot be read here; only a deletion is news (the file is gone). */
  applyFileEvents(changes: readonly { uri: string; type: number }[]): string[] {
    const touched: string[] = [];
    for (const { uri, type } of changes) {
      const path = uriToPath(uri);
      if (path && type === 3) {
        touched.push(...this.paths().filter((p) => p === path || p.startsWith(`${path}/`)));
        this.deleteTree(path);
      }
    }
    return touched;
  }

  /** Navigation's index of names starts over each time: it only ever holds the few open documents. */
  takeChanges(): { all: boolean; paths: readonly string[] } {
    return { all: true, paths: [] };
  }

  hasPath(path: string): boolean {
    return this.file(path) !== undefined;
  }

  textByPath(path: string): string | undefined {
    return this.file(path)?.text;
  }

  allPaths(): string[] {
    return this.paths();
  }

  fileByPath(path: string): IndexedFile | undefined {
    return this.file(path);
  }
}
