/**
 * The workspace's unit files as navigation sees them (definition, references, rename): the one workspace
 * index the checks use (node/workspaceIndex.ts on the desktop: the bounded walk, drop-ins, file events,
 * open documents over the disk; browser/openDocumentsIndex.ts on the web: the open documents), seen as a
 * UnitFileSet. An open document is handed over as the editor's own TextDocument, so positions and versions
 * in edits are the editor's. No Node imports: the web worker server uses it too (the path → URI step is
 * the platform's, `toUri`).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DirectiveCatalog } from '../service/catalog';
import type { GraphFiles, UnitSource } from '../service/languageService';
import { NavigationIndex } from '../service/unitReferences';
import type { UnitFile } from '../service/parser';
import { uriToPath } from '../service/unitContext';
import { baseOf, type IndexedFile, type UnitIndex } from '../service/workspaceIndex';

/** What navigation needs of an index besides the look-ups: every file it holds, and one by its path. */
export interface NavigableIndex extends UnitIndex {
  allPaths(): string[];
  fileByPath(path: string): IndexedFile | undefined;
  /** The folders systemd searches for a unit named from `unitDir`; absent where there is no search path (the web). */
  searchDirs?(unitDir: string): readonly string[] | undefined;
  /** The paths that changed since the last call (`all`: start over), for navigation's index of names. */
  takeChanges(): { all: boolean; paths: readonly string[] };
  /** Whether the index holds a file at `path`. */
  hasPath(path: string): boolean;
  /** The text of the file at `path` without parsing it; undefined when unreadable. */
  textByPath(path: string): string | undefined;
}

/** What the server keeps open: the documents the editor has open, and its parse cache. */
export interface OpenUnitDocuments {
  all(): readonly TextDocument[];
  /** The parsed tree of an open document (the server's parse-once cache). */
  unitOf(document: TextDocument): UnitFile;
}

export class WorkspaceUnitFiles implements GraphFiles {
  /** Names by file, kept current from the workspace index's changes (built on first use, or by warm()). */
  private nav?: NavigationIndex;
  /** Paths the navigation index has yet to take in (a rescan, file events, edits). */
  private readonly pending = new Set<string>();

  constructor(
    private readonly index: NavigableIndex,
    private readonly open: OpenUnitDocuments,
    /** A path to its file: URI (node: url.pathToFileURL). */
    private readonly toUri: (path: string) => string,
  ) {}

  /** Takes the workspace index's changes into the pending paths; a rescan starts the index afresh. */
  private collect(catalog: DirectiveCatalog): NavigationIndex {
    const changes = this.index.takeChanges();
    if (!this.nav || changes.all || this.nav.catalog !== catalog) {
      this.nav = new NavigationIndex(catalog, true);
      this.pending.clear();
      for (const path of this.index.allPaths()) this.pending.add(path);
    }
    for (const path of changes.paths) this.pending.add(path);
    return this.nav;
  }

  /** Brings one pending path into the navigation index (added, changed or gone). */
  private sync(nav: NavigationIndex, path: string, open: Map<string, TextDocument>): void {
    this.pending.delete(path);
    const document = open.get(path);
    const uri = document?.uri ?? this.toUri(path);
    const text = this.index.hasPath(path) ? (document ? document.getText() : this.index.textByPath(path)) : undefined;
    if (text === undefined) nav.delete(uri);
    else nav.set(uri, text, document ? () => this.open.unitOf(document) : undefined);
  }

  navigation(catalog: DirectiveCatalog): NavigationIndex {
    const nav = this.collect(catalog);
    const open = this.openByPath();
    for (const path of [...this.pending]) this.sync(nav, path, open);
    return nav;
  }

  /**
   * Takes in pending paths for about `budgetMs`, so that the index is built in the background between
   * messages rather than by the first request; true while some are left.
   */
  warm(catalog: DirectiveCatalog, budgetMs: number): boolean {
    const nav = this.collect(catalog);
    const open = this.openByPath();
    // performance: a global in Node and in a web worker alike.
    const until = performance.now() + budgetMs;
    for (const path of this.pending) {
      this.sync(nav, path, open);
      if (performance.now() > until) break;
    }
    return this.pending.size > 0;
  }

  private openByPath(): Map<string, TextDocument> {
    const byPath = new Map<string, TextDocument>();
    for (const document of this.open.all()) {
      const path = uriToPath(document.uri);
      if (path !== undefined) byPath.set(path, document);
    }
    return byPath;
  }

  uris(): readonly string[] {
    const open = this.openByPath();
    return this.index.allPaths().map((path) => open.get(path)?.uri ?? this.toUri(path));
  }

  get(uri: string): UnitSource | undefined {
    const path = uriToPath(uri);
    if (path === undefined) return undefined;
    const document = this.openByPath().get(path);
    if (document) return { uri: document.uri, document, unit: this.open.unitOf(document) };
    const file = this.index.fileByPath(path);
    if (!file) return undefined;
    // Version 0: a file the editor does not have open; the index parsed it once already.
    return { uri, document: TextDocument.create(uri, 'systemd-unit-file', 0, file.text), unit: file.unit };
  }

  /**
   * The file of exactly this name where systemd looks (beside the unit, then the search path). An
   * instance's fall-back to its template is navigation's own step (unitReferences.ts resolveNamed()), which
   * needs to know that the template was what it found.
   */
  locate(unitName: string, unitDir: string): string | undefined {
    const unit = this.index.unit(unitName, unitDir);
    return unit && baseOf(unit.path) === unitName ? this.toUri(unit.path) : undefined;
  }

  /** The folders systemd searches for a unit named from `unitDir` (the dependency graph's missing units). */
  searchDirs(unitDir: string): readonly string[] | undefined {
    return this.index.searchDirs?.(unitDir);
  }
}
