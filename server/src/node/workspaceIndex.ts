/**
 * The workspace index on the node side: unit files and drop-ins found by a bounded walk of the workspace
 * folders (as workspaceUnits.ts walks them), the open documents on top (an open document's text wins
 * over the file on disk), kept current from workspace/didChangeWatchedFiles.
 *
 * A folder the walk did not list (a unit outside the workspace, /etc/systemd/system, the CLI's files) is
 * read from the disk when asked, and cached until the file's mtime or size changes. Names are resolved as
 * systemd loads them (unitNames.ts: instance → template, drop-in folders) over the folders systemd would
 * search (unitSearchPath.ts: the unit's folder, then the search path of its scope). With no workspace folders at all this is exactly the
 * file resolver's view, which is what `sockact lint` uses.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { servicePaths } from './servicePaths';
import { decodeUnitBytes } from './fileResolver';
import { installDirs, lookupDirs, scopeOfSearchDir, unitSearchPath } from './unitSearchPath';
import { chooseDropIns, dropInFolderNames, findFragment, fragmentNames, type DropInCandidate } from '../service/unitNames';
import { unitTypeOfName, uriToPath } from '../service/unitContext';
import {
  baseOf, classifyPath, dirOf, joinPath, MemoryUnitIndex, ParseCache, type DropInSources, type IndexedFile, type IndexedUnit, type UnitIndex,
} from '../service/workspaceIndex';

/** '/' between names on every platform, as the service's paths are (servicePaths.ts). */
const { join, resolve } = servicePaths();

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', '.cache', 'test-results']);
const MAX_ENTRIES = 20_000;
const MAX_DEPTH = 6;
/** How long the language server keeps folder listings and look-ups when nothing says they changed. */
const MEMO_MS = 1000;

/** Unit files are small; anything bigger is not one worth reading into memory. */
const MAX_FILE_BYTES = 1 << 20;

/** A file change as workspace/didChangeWatchedFiles reports it (1 created, 2 changed, 3 deleted). */
export interface FileEvent {
  uri: string;
  type: number;
}

function readUnitFile(path: string): string | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    return decodeUnitBytes(readFileSync(path));
  } catch {
    return undefined;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export class WorkspaceIndex implements UnitIndex {
  /** What the walk found on disk. */
  private readonly disk = new MemoryUnitIndex();
  /** Open documents, by path. */
  private readonly open = new Map<string, string>();
  /** Folders the walk listed completely: there, the disk index is the whole truth. */
  private readonly walked = new Set<string>();
  private folders: string[] = [];
  private readonly trees = new ParseCache();
  /** Files read on demand outside the walked folders, by path, with the stat they were read at. */
  private readonly reads = new Map<string, { stamp: string; text: string | undefined }>();

  /**
   * `snapshot`: the disk does not change while this index lives (one `sockact lint` run), so folder
   * listings, lookups and reads are kept instead of asked again for every unit: linting 200 files side by
   * side otherwise lists their folder 200 times.
   */
  private readonly snapshot: boolean;
  private readonly memo = new Map<string, unknown>();
  /**
   * Without a snapshot (the language server) look-ups are kept for MEMO_MS at most, and forgotten at once
   * when a document or a file event says something changed: every keystroke re-checks a unit, and listing
   * /usr/lib/systemd/system each time cost more than the checks themselves. File contents are always
   * re-read by their stat stamp (readStamped), never taken from this memo.
   */
  private memoUntil = 0;

  /**
   * Paths whose file (disk or open document) was added, changed or removed since takeChanges() last
   * ran, for a consumer that keeps its own index of the files (navigation); `changedAll` after a rescan.
   */
  private changed = new Set<string>();
  private changedAll = true;
  /** While file events are applied: the index paths they touched (for re-checking only those they affect). */
  private touched?: Set<string>;

  constructor(folders: readonly string[] = [], options: { snapshot?: boolean } = {}) {
    this.snapshot = options.snapshot === true;
    this.setFolders(folders);
  }

  private remember<T>(key: string, compute: () => T): T {
    if (!this.snapshot) {
      if (key.startsWith('read:')) return compute();
      const now = Date.now();
      if (now > this.memoUntil) {
        this.memo.clear();
        this.memoUntil = now + MEMO_MS;
      }
    }
    if (!this.memo.has(key)) this.memo.set(key, compute());
    return this.memo.get(key) as T;
  }

  private note(path: string): void {
    this.changed.add(path);
    this.touched?.add(path);
  }

  private setDisk(path: string, text: string): void {
    if (this.disk.text(path) !== text) this.note(path);
    this.disk.set(path, text);
  }

  private deleteDisk(path: string): void {
    if (this.disk.delete(path)) this.note(path);
  }

  private deleteDiskTree(path: string): void {
    for (const p of this.disk.deleteTree(path)) this.note(p);
    const below = path.endsWith('/') ? path : path + '/';
    for (const p of this.unreadPaths()) if (p === path || p.startsWith(below)) if (this.dropUnread(p)) this.note(p);
  }

  /** What changed since the last call: every path (after a rescan), or these paths. */
  takeChanges(): { all: boolean; paths: string[] } {
    this.ensureWalked();
    const result = { all: this.changedAll, paths: [...this.changed] };
    this.changedAll = false;
    this.changed = new Set();
    return result;
  }

  /** Is this path one of allPaths()? */
  hasPath(path: string): boolean {
    this.ensureWalked();
    return this.disk.has(path) || this.unread.get(dirOf(path))?.has(path) === true || (this.open.has(path) && classifyPath(path) !== undefined);
  }

  /** The text of a file of allPaths() without parsing it (fileByPath() parses and keeps the tree). */
  textByPath(path: string): string | undefined {
    this.ensureWalked();
    const open = this.open.get(path);
    if (open !== undefined) return open;
    this.readListed(path);
    return this.disk.text(path) ?? this.fileAt(path)?.text;
  }

  /** Something changed (a document, a file event, the folders): forget the kept look-ups. */
  private forget(): void {
    if (!this.snapshot) this.memo.clear();
  }

  private list(dir: string): string[] {
    return this.remember(`list:${dir}`, () => listDir(dir));
  }

  /**
   * Does `dir` list `name`? Asked of the parent's listing (kept like any other) instead of the file system:
   * most of the drop-in folders and unit names systemd would look for do not exist, and every failed
   * readdir or realpath is an exception. Linting /usr/lib/systemd/system asked thousands of them.
   */
  private listed(dir: string, name: string): boolean {
    return this.remember(`names:${dir}`, () => new Set(this.list(dir))).has(name);
  }

  /**
   * `defer`: the walk waits for ensureWalked() (or the first question asked of the index), so the
   * language server can answer initialize before it reads a large workspace.
   */
  setFolders(folders: readonly string[], options: { defer?: boolean } = {}): void {
    this.folders = folders.map((f) => resolve(f));
    if (options.defer) this.walkPending = true;
    else this.rescan();
  }

  private walkPending = false;

  /**
   * Unit files and drop-ins the walk listed but did not read yet, by folder and by file name: a walk
   * only lists, so a large workspace is known by name at once and read as it is asked for (a folder's
   * files when its units are listed, a name's files when that name is looked up; navigation reads the
   * rest in the background).
   */
  private readonly unread = new Map<string, Set<string>>();
  private readonly unreadByName = new Map<string, Set<string>>();

  private addUnread(path: string): void {
    for (const [map, key] of [[this.unread, dirOf(path)], [this.unreadByName, baseOf(path)]] as const) {
      const set = map.get(key);
      if (set) set.add(path);
      else map.set(key, new Set([path]));
    }
    this.note(path);
  }

  /** Forgets that a path waits to be read; true when it did. */
  private dropUnread(path: string): boolean {
    const inDir = this.unread.get(dirOf(path));
    if (!inDir?.delete(path)) return false;
    if (inDir.size === 0) this.unread.delete(dirOf(path));
    const named = this.unreadByName.get(baseOf(path));
    named?.delete(path);
    if (named?.size === 0) this.unreadByName.delete(baseOf(path));
    return true;
  }

  /** Reads a listed file now, if it waits to be read. */
  private readListed(path: string): void {
    if (!this.dropUnread(path)) return;
    const text = readUnitFile(path);
    if (text !== undefined) this.setDisk(path, text);
    else this.note(path); // listed, but unreadable: it leaves allPaths()
  }

  private readFolder(dir: string): void {
    for (const path of [...(this.unread.get(dir) ?? [])]) this.readListed(path);
  }

  private readNamed(name: string): void {
    for (const path of [...(this.unreadByName.get(name) ?? [])]) this.readListed(path);
  }

  private unreadPaths(): string[] {
    return [...this.unread.values()].flatMap((set) => [...set]);
  }

  /** Walks the folders now if setFolders() deferred it. */
  ensureWalked(): void {
    if (this.walkPending) this.rescan();
  }

  /** Walks the workspace folders again from scratch. */
  rescan(): void {
    this.walkPending = false;
    this.forget();
    for (const p of this.disk.paths()) this.disk.delete(p);
    this.changedAll = true;
    this.changed.clear();
    this.unread.clear();
    this.unreadByName.clear();
    this.walked.clear();
    const budget = { left: MAX_ENTRIES };
    for (const folder of this.folders) this.walk(folder, 0, budget);
  }

  private walk(dir: string, depth: number, budget: { left: number }): void {
    if (depth > MAX_DEPTH || budget.left <= 0) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (--budget.left <= 0) return; // listed only in part: the folder stays "not walked"
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) this.walk(path, depth + 1, budget);
      } else if (entry.isFile() && classifyPath(path)) {
        // Known already (a folder walked again after an event): read again now, as a change would be.
        if (this.disk.has(path)) this.refreshKnown(path);
        else if (!this.unread.get(dir)?.has(path)) this.addUnread(path);
      }
    }
    this.walked.add(dir);
  }

  private insideWorkspace(path: string): boolean {
    return this.folders.some((f) => path === f || path.startsWith(f + '/'));
  }

  // -------------------------------------------------------------------------------------------------
  // Keeping it current

  /** An editor opened or changed a document: its text is the truth until it is closed. */
  openDocument(uri: string, text: string): void {
    this.forget();
    const path = uriToPath(uri);
    if (!path) return;
    if (this.open.get(path) !== text) this.changed.add(path);
    this.open.set(path, text);
  }

  /** The editor closed a document: the file on disk counts again. */
  closeDocument(uri: string): void {
    this.forget();
    const path = uriToPath(uri);
    if (!path || !this.open.delete(path)) return;
    this.changed.add(path);
    this.refreshFile(path);
  }

  /**
   * Applies file events from the editor's watcher (files and folders created, changed, deleted); returns
   * the paths they touched: the events' own and every unit file or drop-in of the index they added,
   * changed or removed (a folder's files too).
   */
  applyFileEvents(changes: readonly FileEvent[]): Set<string> {
    this.ensureWalked();
    this.touched = new Set();
    try {
      this.applyEvents(changes);
      return this.touched;
    } finally {
      this.touched = undefined;
    }
  }

  private applyEvents(changes: readonly FileEvent[]): void {
    this.forget();
    for (const { uri, type } of changes) {
      const path = uriToPath(uri);
      if (!path) continue;
      this.touched?.add(path);
      this.reads.delete(path);
      if (type === 3) {
        this.deleteDiskTree(path);
        for (const w of [...this.walked]) if (w === path || w.startsWith(path + '/')) this.walked.delete(w);
        continue;
      }
      let isDir = false;
      try {
        isDir = statSync(path).isDirectory();
      } catch {
        this.deleteDiskTree(path);
        continue;
      }
      if (isDir) {
        if (this.insideWorkspace(path)) this.walk(path, 0, { left: MAX_ENTRIES });
      } else if (this.walked.has(dirOf(path))) {
        this.refreshFile(path);
      } else if (this.insideWorkspace(dirOf(path))) {
        // A file in a folder the walk has not seen (e.g. a new drop-in folder): list that folder.
        this.walk(dirOf(path), 0, { left: MAX_ENTRIES });
      }
    }
  }

  private refreshFile(path: string): void {
    if (!this.walked.has(dirOf(path)) || !classifyPath(path)) return;
    this.refreshKnown(path);
  }

  private refreshKnown(path: string): void {
    this.dropUnread(path);
    const text = readUnitFile(path);
    if (text === undefined) this.deleteDisk(path);
    else this.setDisk(path, text);
  }

  // -------------------------------------------------------------------------------------------------
  // UnitIndex

  /** The file at `path`: the open document, else the walked disk, else read now (cached by stat). */
  private fileAt(path: string): IndexedFile | undefined {
    const open = this.open.get(path);
    if (open !== undefined) return { path, text: open, unit: this.trees.tree(path, open) };
    this.readListed(path);
    if (this.walked.has(dirOf(path))) {
      const known = this.disk.file(path);
      if (known) return known;
      // Not seen by the walk or a watcher event yet: the editor's file events can lag behind a file just
      // written (a service created a moment before its socket is checked), so the disk has the last word.
      const fresh = this.readCached(path);
      if (fresh === undefined) return undefined;
      this.setDisk(path, fresh);
      return this.disk.file(path);
    }
    // One lint run: the folder's listing says whether the file is there (a stat of a missing file throws).
    // The language server stats it: a listing kept for a second could miss a file just written.
    if (this.snapshot && !this.listed(dirOf(path), baseOf(path))) return undefined;
    const text = this.readCached(path);
    return text === undefined ? undefined : { path, text, unit: this.trees.tree(path, text) };
  }

  private readCached(path: string): string | undefined {
    return this.remember(`read:${path}`, () => this.readStamped(path));
  }

  private readStamped(path: string): string | undefined {
    let stamp = '';
    try {
      const s = statSync(path);
      stamp = `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      this.reads.delete(path);
      return undefined;
    }
    const cached = this.reads.get(path);
    if (cached && cached.stamp === stamp) return cached.text;
    const text = readUnitFile(path);
    this.reads.set(path, { stamp, text });
    return text;
  }

  /** Folders systemd searches for a unit named from a unit in `dir` (undefined: the folder is unknown). */
  /** The folders systemd searches for a unit named from a unit in `dir` (the dependency graph's missing units). */
  searchDirs(dir: string): readonly string[] | undefined {
    return this.lookupFor(dir);
  }

  private lookupFor(dir: string): string[] | undefined {
    const d = resolve(dir);
    return this.remember(`lookup:${d}`, () => lookupDirs(d));
  }

  /** Folders installed together with `dir` (its drop-ins, its sockets); a walked folder is its own. */
  private installFor(dir: string): string[] | undefined {
    const d = resolve(dir);
    if (this.walked.has(d) && !scopeOfSearchDir(d)) return [d];
    return this.remember(`install:${d}`, () => installDirs(d));
  }

  /**
   * Whether `dir` may hold the file `fileName`: an open document or a walked folder say so themselves;
   * any other folder (the search path) is listed once per memo instead of asked with a stat per name,
   * which a references request over a hundred folders did a thousand times.
   */
  private mayHold(dir: string, fileName: string): boolean {
    if (this.walked.has(dir) || this.open.has(joinPath(dir, fileName))) return true;
    return this.remember(`names:${dir}`, () => new Set(this.list(dir))).has(fileName);
  }

  /** fileAt() for a look-up along folders: files a folder's listing does not have are not read. */
  private fileIn = (path: string): IndexedFile | undefined => (this.mayHold(dirOf(path), baseOf(path)) ? this.fileAt(path) : undefined);

  /** A unit file name linked to /dev/null (masked): systemd knows the unit but will not load it. */
  private masked(name: string, dirs: readonly string[]): boolean {
    return fragmentNames(name).some((n) => dirs.some((d) => {
      if (!this.mayHold(resolve(d), n)) return false;
      try {
        return realpathSync(joinPath(d, n)) === '/dev/null';
      } catch {
        return false;
      }
    }));
  }

  /**
   * Kept for the whole run in a snapshot (one `sockact lint`): checking a service looks at every socket of
   * its folder, and each of those at its drop-ins over the whole search path, for every unit linted. The
   * language server asks again: a file written a moment ago must be found at once.
   */
  private inSnapshot<T>(key: string, compute: () => T): T {
    return this.snapshot ? this.remember(key, compute) : compute();
  }

  unit(name: string, dir: string): IndexedUnit | undefined | null {
    this.ensureWalked();
    return this.inSnapshot(`unit:${dir}:${name}`, () => this.findUnit(name, dir));
  }

  private findUnit(name: string, dir: string): IndexedUnit | undefined | null {
    const dirs = this.lookupFor(dir);
    const found = findFragment(name, dirs ?? [resolve(dir)], this.fileIn);
    if (found) return { ...found.file, name, dir: found.dir };
    // A masked unit exists for systemd, it just refuses it: not "missing", so no telling here.
    if (!dirs || this.masked(name, dirs)) return null;
    return undefined;
  }

  dropIns(name: string, dir: string): IndexedFile[] {
    return this.dropInSources(name, dir).applied;
  }

  dropInSources(name: string, dir: string): DropInSources {
    this.ensureWalked();
    return this.inSnapshot(`dropins:${dir}:${name}`, () => this.findDropInSources(name, dir));
  }

  private findDropInSources(name: string, dir: string): DropInSources {
    const byFolder: Array<{ files: Array<DropInCandidate<IndexedFile>> }> = [];
    const folderNames = dropInFolderNames(name);
    for (const d of this.installFor(dir) ?? [resolve(dir)]) {
      for (const folderName of folderNames) {
        const folder = joinPath(d, folderName);
        const owner = folderName.slice(0, -2);
        const walked = this.walked.has(folder);
        // Open documents count even where the folder is not on disk yet (a drop-in being written).
        if (!walked && !this.listed(d, folderName) && !this.openIn(folder)) {
          byFolder.push({ files: [] });
          continue;
        }
        if (walked) for (const f of dropInFolderNames(owner)) this.readFolder(joinPath(d, f));
        // A walked folder's listing is still asked for: the walk keeps regular files only, not a /dev/null link.
        const names = new Set(walked ? [...this.disk.dropIns(owner, d).map((f) => baseOf(f.path)), ...this.list(folder)] : this.list(folder));
        for (const p of this.open.keys()) if (dirOf(p) === folder) names.add(baseOf(p));
        const files: Array<DropInCandidate<IndexedFile>> = [];
        for (const n of [...names].sort()) {
          if (!n.endsWith('.conf') || n.startsWith('.')) continue;
          const path = joinPath(folder, n);
          const file = this.fileAt(path);
          // A drop-in linked to /dev/null is read as empty by systemd: it applies nothing and, being the
          // first file of its name, keeps the lower folders' files of that name out (a mask).
          if (file) files.push({ name: n, file, path });
          else if (this.isNullLink(path)) files.push({ name: n, file: undefined, path });
        }
        byFolder.push({ files });
      }
    }
    return chooseDropIns(byFolder);
  }

  private isNullLink(path: string): boolean {
    try {
      return realpathSync(path) === '/dev/null';
    } catch {
      return false;
    }
  }

  /** Is an open document inside `folder`? */
  private openIn(folder: string): boolean {
    for (const p of this.open.keys()) if (dirOf(p) === folder) return true;
    return false;
  }

  unitsIn(dir: string, type?: string): IndexedUnit[] {
    this.ensureWalked();
    return this.remember(`units:${dir}:${type ?? ''}`, () => this.listUnitsIn(dir, type));
  }

  private listUnitsIn(dir: string, type?: string): IndexedUnit[] {
    const byName = new Map<string, IndexedUnit>();
    for (const d of this.installFor(dir) ?? [resolve(dir)]) {
      if (this.walked.has(d)) this.readFolder(d);
      const names = new Set(this.walked.has(d) ? this.disk.unitsIn(d).map((u) => u.name) : this.list(d));
      for (const p of this.open.keys()) if (dirOf(p) === d) names.add(baseOf(p));
      for (const n of names) {
        const unitType = unitTypeOfName(n);
        if (!unitType || (type !== undefined && unitType !== type) || byName.has(n)) continue;
        const file = this.fileAt(joinPath(d, n));
        if (file) byName.set(n, { ...file, name: n, dir: d });
      }
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  named(name: string): IndexedUnit[] {
    this.ensureWalked();
    this.readNamed(name);
    const paths = new Set(this.disk.named(name).map((u) => u.path));
    for (const p of this.open.keys()) if (baseOf(p) === name) paths.add(p);
    return [...paths].flatMap((p) => {
      const file = this.fileAt(p);
      return file ? [{ ...file, name, dir: dirOf(p) }] : [];
    });
  }

  exists(name: string): boolean {
    this.ensureWalked();
    if (fragmentNames(name).some((n) => this.named(n).length)) return true;
    return this.remember(`exists:${name}`, () => {
      const dirs = [...new Set([...unitSearchPath('system'), ...unitSearchPath('user')])];
      return findFragment(name, dirs, this.fileIn) !== undefined || this.masked(name, dirs);
    });
  }

  visibleUnitNames(dir: string): string[] | undefined {
    this.ensureWalked();
    const dirs = this.lookupFor(dir);
    if (!dirs) return undefined;
    return this.remember(`visible:${resolve(dir)}`, () => {
      const names = new Set(this.unitNames());
      for (const d of dirs) for (const n of this.list(d)) if (unitTypeOfName(n)) names.add(n);
      return [...names].sort();
    });
  }

  /** Every unit file and drop-in the walk found, plus open documents: paths (navigation lists these). */
  allPaths(): string[] {
    this.ensureWalked();
    const paths = new Set([...this.disk.paths(), ...this.unreadPaths()]);
    for (const p of this.open.keys()) if (classifyPath(p)) paths.add(p);
    return [...paths].sort();
  }

  /** A unit file or drop-in by path, from the open document, the walk or the disk; undefined when unreadable. */
  fileByPath(path: string): IndexedFile | undefined {
    this.ensureWalked();
    return this.fileAt(path);
  }

  /** Unit file names of the workspace and the open documents (completion of Service=, Requires= …). */
  unitNames(): string[] {
    this.ensureWalked();
    const names = new Set(this.disk.unitNames());
    // A file named like a unit is a unit file wherever it is (a drop-in's name ends in .conf).
    for (const name of this.unreadByName.keys()) if (unitTypeOfName(name)) names.add(name);
    for (const p of this.open.keys()) if (classifyPath(p)?.kind === 'unit') names.add(baseOf(p));
    return [...names].sort();
  }
}

export { sameUnitFolder } from '../service/unitContext';
