/**
 * The workspace's unit files as navigation sees them (definition, references, rename): every unit file
 * and drop-in (`foo.service.d/*.conf`) below the workspace folders, read from disk, with the editor's
 * open documents taking the place of their files. The folder walk is bounded like the one that lists
 * unit names for completion, and kept until invalidate() (the server calls it on file-watcher events);
 * file texts are cached by modification time and size.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { UnitFileSet, UnitSource } from '../service/languageService';
import type { UnitFile } from '../service/parser';
import { unitTypeOfName, uriToPath } from '../service/unitContext';
import { decodeUnitBytes, searchDirs } from './fileResolver';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', '.cache', 'test-results']);
const MAX_ENTRIES = 20_000;
const MAX_DEPTH = 6;

/** Paths of the unit files and drop-ins below the folders. */
export function findUnitFilePaths(folders: readonly string[]): string[] {
  const paths = new Set<string>();
  let budget = MAX_ENTRIES;
  const walk = (dir: string, depth: number, dropInOf: boolean): void => {
    if (depth > MAX_DEPTH || budget <= 0) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: nothing to navigate to in it
    }
    for (const entry of entries) {
      if (--budget <= 0) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (SKIPPED_FOLDERS.has(entry.name)) continue;
        // foo.service.d/ holds foo.service's drop-ins.
        walk(path, depth + 1, entry.name.endsWith('.d') && unitTypeOfName(entry.name.slice(0, -2)) !== undefined);
      } else if (dropInOf ? entry.name.endsWith('.conf') : unitTypeOfName(entry.name) !== undefined) {
        paths.add(path);
      }
    }
  };
  for (const folder of folders) walk(folder, 0, false);
  return [...paths].sort();
}

/** What the server keeps open: the documents the editor has open, and its parse cache. */
export interface OpenUnitDocuments {
  all(): readonly TextDocument[];
  /** The parsed tree of an open document (the server's parse-once cache). */
  unitOf(document: TextDocument): UnitFile;
  /** Parses a file read from disk. */
  parse(document: TextDocument): UnitFile;
}

function isUnitPath(path: string): boolean {
  const parts = path.split('/');
  const name = parts[parts.length - 1] ?? '';
  const parent = parts[parts.length - 2] ?? '';
  return unitTypeOfName(name) !== undefined || (name.endsWith('.conf') && parent.endsWith('.d') && unitTypeOfName(parent.slice(0, -2)) !== undefined);
}

export class WorkspaceUnitFiles implements UnitFileSet {
  private listing?: string[];
  private readonly cache = new Map<string, { mtimeMs: number; size: number; source: UnitSource }>();

  constructor(
    private readonly folders: () => readonly string[],
    private readonly open: OpenUnitDocuments,
  ) {}

  /** Forget the folder walk (files were created, deleted or renamed). */
  invalidate(): void {
    this.listing = undefined;
  }

  private openByPath(): Map<string, TextDocument> {
    const byPath = new Map<string, TextDocument>();
    for (const document of this.open.all()) {
      const path = uriToPath(document.uri);
      if (path !== undefined && isUnitPath(path)) byPath.set(path, document);
    }
    return byPath;
  }

  uris(): readonly string[] {
    this.listing ??= findUnitFilePaths(this.folders());
    const open = this.openByPath();
    const uris = this.listing.map((path) => open.get(path)?.uri ?? pathToFileURL(path).href);
    const listed = new Set(this.listing);
    for (const [path, document] of open) if (!listed.has(path)) uris.push(document.uri);
    return uris;
  }

  get(uri: string): UnitSource | undefined {
    const path = uriToPath(uri);
    if (path === undefined) return undefined;
    const document = this.openByPath().get(path);
    if (document) return { uri: document.uri, document, unit: this.open.unitOf(document) };
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    const cached = this.cache.get(path);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.source;
    let text: string;
    try {
      text = decodeUnitBytes(readFileSync(path));
    } catch {
      return undefined;
    }
    // Version 0: a file the editor does not have open.
    const fileDocument = TextDocument.create(uri, 'systemd-unit-file', 0, text);
    const source = { uri, document: fileDocument, unit: this.open.parse(fileDocument) };
    this.cache.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, source });
    return source;
  }

  locate(unitName: string, unitDir: string): string | undefined {
    for (const dir of searchDirs(unitDir) ?? []) {
      const path = join(dir, unitName);
      if (existsSync(path)) return pathToFileURL(path).href;
    }
    return undefined;
  }
}
