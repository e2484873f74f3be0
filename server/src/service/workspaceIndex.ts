/**
 * The workspace index as the pure language service sees it: unit files and their drop-ins by folder and
 * name, each with its text and its parsed tree (parsed once per text). Features that look past the open
 * document (a socket and the service it starts, Sockets=, Service=) query this; where the files come from
 * (workspace folders on disk, open editors, a test's in-memory workspace) is the caller's business.
 *
 * Paths are plain POSIX paths ("/proj/web.socket"); a unit lives in the folder that holds its file, and a
 * drop-in "/proj/web.socket.d/10-port.conf" belongs to the unit "web.socket" in "/proj".
 */
import type { UnitResolver } from './diagnostics/types';
import { parseUnit, type UnitFile } from './parser';
import { chooseDropIns, dropInFolderNames, findFragment, fragmentNames, type SkippedDropIn } from './unitNames';
import { unitContextFromPath, unitTypeOfName } from './unitContext';

export interface IndexedFile {
  /** Absolute path of the file. */
  path: string;
  text: string;
  /** The parsed tree of `text` (parsed once and kept while the text stays the same). */
  unit: UnitFile;
}

export interface IndexedUnit extends IndexedFile {
  /** "web.socket" */
  name: string;
  /** The folder that holds the unit file. */
  dir: string;
}

export interface UnitIndex {
  /**
   * The unit file systemd loads for `name`, named from a unit in `dir`: searched in that folder and the
   * search path (unitNames.ts findFragment(): an instance falls back to its template's file; `name` of
   * the result stays the name asked for). undefined: there is none; null: no telling (e.g. a folder that
   * does not exist, of a file that was never saved; a masked unit).
   */
  unit(name: string, dir: string): IndexedUnit | undefined | null;
  /**
   * The drop-ins of unit `name` seen from `dir`, in the order systemd applies them: `name.d/*.conf`, the
   * template's and the dash prefixes' folders too (unitNames.ts dropInFolderNames()).
   */
  dropIns(name: string, dir: string): IndexedFile[];
  /**
   * The same drop-ins, with the files systemd does not read and why (a file of the same name in a folder
   * of higher priority, a link to /dev/null). Absent where the host cannot tell (then: dropIns() only).
   */
  dropInSources?(name: string, dir: string): DropInSources;
  /** Every unit file in `dir` (optionally only of one type, e.g. "socket"), sorted by name. */
  unitsIn(dir: string, type?: string): IndexedUnit[];
  /** Units of this name anywhere in the workspace (any folder). */
  named(name: string): IndexedUnit[];
  /** Whether a unit of this name exists anywhere systemd or the workspace has one (not only beside a file). */
  exists(name: string): boolean;
  /**
   * Every unit name systemd would find from `dir` (the folder, the installed search path) and the
   * workspace's names, for "does this dependency exist?" and "did you mean". undefined (or absent) when
   * the installed units cannot be seen (a virtual workspace): such checks then stay silent.
   */
  visibleUnitNames?(dir: string): string[] | undefined;
}

export interface DropInSources {
  applied: IndexedFile[];
  skipped: SkippedDropIn[];
}

/** The folder part of a POSIX path ("/a/b" → "/a"; "/a" → "/"). */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The last component of a POSIX path. */
export function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** What a path is to the index: a unit file, a drop-in of a unit, or neither. */
export type IndexedKind = { kind: 'unit'; name: string; dir: string } | { kind: 'drop-in'; owner: string; dir: string } | undefined;

export function classifyPath(path: string): IndexedKind {
  const context = unitContextFromPath(path);
  if (!context.unitName || !context.unitDir) return undefined;
  if (context.isDropIn) return { kind: 'drop-in', owner: context.unitName, dir: context.unitDir };
  return unitTypeOfName(baseOf(path)) ? { kind: 'unit', name: context.unitName, dir: context.unitDir } : undefined;
}

/** Parses each distinct text once (several files can share a text; a changed file gets a new tree). */
export class ParseCache {
  private readonly byPath = new Map<string, UnitFile>();

  tree(path: string, text: string): UnitFile {
    const cached = this.byPath.get(path);
    if (cached && cached.text === text) return cached;
    const unit = parseUnit(text);
    this.byPath.set(path, unit);
    return unit;
  }

  forget(path: string): void {
    this.byPath.delete(path);
  }
}

/**
 * An index held in memory: files are set and deleted by path. The node side fills one from the disk and
 * the open documents; tests fill one directly.
 */
export class MemoryUnitIndex implements UnitIndex {
  private readonly files = new Map<string, string>();
  private readonly trees = new ParseCache();
  /**
   * `knows`: folders whose absence of a unit means "there is none" rather than "no telling" (default: all).
   * `searchPath`: folders of this index that stand for the installed search path (a unit anywhere else
   * sees its own folder, then these); without one the installed units are unknown.
   */
  constructor(
    private readonly knows: (dir: string) => boolean = () => true,
    private readonly searchPath?: readonly string[],
  ) {}

  /** Folders searched for a unit named from `dir`. */
  private lookup(dir: string): string[] {
    const path = this.searchPath ?? [];
    return path.includes(dir) ? [...path] : [dir, ...path];
  }

  /** Folders installed together with `dir`: the search path for a folder in it, else the folder alone. */
  private install(dir: string): string[] {
    return this.searchPath?.includes(dir) ? [...this.searchPath] : [dir];
  }

  set(path: string, text: string): void {
    this.files.set(path, text);
  }

  delete(path: string): boolean {
    this.trees.forget(path);
    return this.files.delete(path);
  }

  /** Removes a file, or everything below a folder; returns the paths removed. */
  deleteTree(path: string): string[] {
    const gone = [...this.files.keys()].filter((p) => p === path || p.startsWith(path.endsWith('/') ? path : path + '/'));
    for (const p of gone) this.delete(p);
    return gone;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  text(path: string): string | undefined {
    return this.files.get(path);
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  file(path: string): IndexedFile | undefined {
    const text = this.files.get(path);
    return text === undefined ? undefined : { path, text, unit: this.trees.tree(path, text) };
  }

  unit(name: string, dir: string): IndexedUnit | undefined | null {
    const found = findFragment(name, this.lookup(dir), (p) => this.file(p));
    if (found) return { ...found.file, name, dir: found.dir };
    return this.knows(dir) ? undefined : null;
  }

  /** The drop-in files directly in `folder`, sorted by name. */
  private dropInFiles(folder: string): Array<{ name: string; file: IndexedFile }> {
    const prefix = folder + '/';
    return [...this.files.keys()]
      .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
      .sort((a, b) => (baseOf(a) < baseOf(b) ? -1 : baseOf(a) > baseOf(b) ? 1 : 0))
      .map((p) => ({ name: baseOf(p), file: this.file(p)!, path: p }));
  }

  dropIns(name: string, dir: string): IndexedFile[] {
    return this.dropInSources(name, dir).applied;
  }

  dropInSources(name: string, dir: string): DropInSources {
    const byFolder = this.install(dir).flatMap((d) => dropInFolderNames(name).map((f) => ({ files: this.dropInFiles(joinPath(d, f)) })));
    return chooseDropIns(byFolder);
  }

  unitsIn(dir: string, type?: string): IndexedUnit[] {
    const units: IndexedUnit[] = [];
    for (const path of this.files.keys()) {
      if (dirOf(path) !== dir) continue;
      const name = baseOf(path);
      const unitType = unitTypeOfName(name);
      if (!unitType || (type !== undefined && unitType !== type)) continue;
      units.push({ ...this.file(path)!, name, dir });
    }
    return units.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  named(name: string): IndexedUnit[] {
    return [...this.files.keys()].filter((p) => baseOf(p) === name).map((p) => ({ ...this.file(p)!, name, dir: dirOf(p) }));
  }

  exists(name: string): boolean {
    const names = fragmentNames(name);
    for (const p of this.files.keys()) if (names.includes(baseOf(p))) return true;
    return false;
  }

  visibleUnitNames(dir: string): string[] | undefined {
    if (!this.searchPath) return undefined;
    const names = new Set(this.unitNames());
    return [...names].sort();
  }

  /** Unit file names in the index (for completion of unit names). */
  unitNames(): string[] {
    const names = new Set<string>();
    for (const p of this.files.keys()) if (classifyPath(p)?.kind === 'unit') names.add(baseOf(p));
    return [...names].sort();
  }
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** The triggered-service look-up (UnitResolver) answered from an index; null from the index means "no telling". */
export function resolverFromIndex(index: UnitIndex): UnitResolver {
  return {
    unitExists: (name, dir) => {
      const unit = index.unit(name, dir);
      return unit === null ? undefined : unit !== undefined;
    },
    readUnit: (name, dir) => index.unit(name, dir)?.text,
  };
}
