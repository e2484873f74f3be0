/**
 * How systemd turns a unit name into the files it loads, as pure functions of names and folders (the
 * folders themselves come from the caller: node/unitSearchPath.ts on a machine, a test's list in memory).
 *
 *  - The fragment (src/shared/unit-file.c unit_file_find_fragment()): the name itself in the first folder
 *    of the search path that has it; for an instance with no file of its own anywhere, the template's file
 *    ("foo@x.service" → "foo@.service"). The instance is looked for in every folder before the template.
 *  - Drop-in folders (src/shared/dropin.c unit_file_find_dirs()): "name.d", for an instance the template's
 *    folders, then the prefix folders "foo-bar-.service.d", "foo-.service.d" (since v239, the oldest version
 *    targeted). Files of the same name in an earlier folder win; all are applied sorted by file name.
 *  - A unit made only of drop-ins has no fragment: systemd does not find it (the check is on fragments).
 */
import { unitNameForm, unitTypeOf } from './values/unitName';

/** "foo@x.service" → "foo@.service"; undefined for a name that is not an instance. */
export function templateOf(name: string): string | undefined {
  if (unitNameForm(name) !== 'instance') return undefined;
  const at = name.indexOf('@');
  return name.slice(0, at + 1) + name.slice(name.lastIndexOf('.'));
}

/** The file names systemd tries for a unit's fragment, in order: the name, then its template. */
export function fragmentNames(name: string): string[] {
  const template = templateOf(name);
  return template ? [name, template] : [name];
}

/**
 * The first file of the unit `name` in `dirs` (in search-path order), by systemd's rule: the instance's own
 * file in any folder before the template's. `fileAt` says whether a path holds a unit file (undefined: not).
 */
export function findFragment<T>(
  name: string,
  dirs: readonly string[],
  fileAt: (path: string) => T | undefined,
): { file: T; dir: string; fileName: string } | undefined {
  for (const fileName of fragmentNames(name)) {
    for (const dir of dirs) {
      const file = fileAt(joinDir(dir, fileName));
      if (file !== undefined) return { file, dir, fileName };
    }
  }
  return undefined;
}

/**
 * Whether systemd finds the unit `name` from `dir`, asking a yes/no/no-telling look-up for each file name
 * it tries (the name, then its template). true as soon as one is found; undefined when one is not known.
 */
export function unitFound(exists: (fileName: string) => boolean | undefined, name: string): boolean | undefined {
  let unknown = false;
  for (const fileName of fragmentNames(name)) {
    const found = exists(fileName);
    if (found === true) return true;
    if (found === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

/** "foo-bar-baz" → ["foo-bar-", "foo-"]: the prefixes systemd also reads drop-ins of, longest first. */
function dashPrefixes(prefix: string): string[] {
  const out: string[] = [];
  // unit_file_find_dirs() chops at the last inner dash; a trailing dash is chopped once and tried again.
  let rest = prefix.endsWith('-') ? prefix.slice(0, -1) : prefix;
  for (;;) {
    const dash = rest.lastIndexOf('-');
    if (dash <= 0) return out;
    out.push(rest.slice(0, dash + 1));
    rest = rest.slice(0, dash);
  }
}

/**
 * The drop-in folder names of `name` in one search folder, in the order systemd lists them (the more
 * specific first, so that its files win over a more generic folder's files of the same name).
 */
export function dropInFolderNames(name: string): string[] {
  const out: string[] = [];
  const visit = (n: string): void => {
    if (!out.includes(`${n}.d`)) out.push(`${n}.d`);
    const template = templateOf(n);
    if (template) visit(template);
    const type = unitTypeOf(n);
    const form = unitNameForm(n);
    if (!type || !form) return;
    const at = n.indexOf('@');
    const stem = at >= 0 ? n.slice(0, at) : n.slice(0, n.lastIndexOf('.'));
    const instance = form === 'instance' ? n.slice(at + 1, n.lastIndexOf('.')) : undefined;
    // Only the next shorter prefix here: its own visit goes on from there.
    const next = dashPrefixes(stem)[0];
    if (next === undefined) return;
    // A template's prefix is a plain name ("foo-bar@.service" → "foo-.service"); an instance keeps its instance.
    const built = instance !== undefined ? `${next}@${instance}.${type}` : `${next}.${type}`;
    if (unitNameForm(built)) visit(built);
  };
  visit(name);
  return out;
}

/** A file found in a drop-in folder: `file` undefined when it is linked to /dev/null (a mask). */
export interface DropInCandidate<T> {
  name: string;
  file: T | undefined;
  /** Absolute path, for saying which file was not read and why. */
  path?: string;
}

/** A drop-in systemd does not apply: a file of the same name comes first, or it is a mask itself. */
export interface SkippedDropIn {
  path: string;
  reason: 'shadowed' | 'masked';
  /** For 'shadowed': the file of the same name that is read (or masks) instead. */
  by?: string;
}

/**
 * Chooses drop-in files the way systemd does (src/basic/conf-files.c, as unit_file_find_dropin_paths()
 * calls it): one file per file name, the one in the folder listed first (higher priority); then all of
 * them sorted by file name, whatever folder they are in. A name whose first file is /dev/null applies
 * nothing and hides the lower files of that name (that is how a vendor drop-in is masked).
 */
export function chooseDropIns<T>(
  byFolder: ReadonlyArray<{ files: ReadonlyArray<DropInCandidate<T>> }>,
): { applied: T[]; skipped: SkippedDropIn[] } {
  const chosen = new Map<string, DropInCandidate<T>>();
  const skipped: SkippedDropIn[] = [];
  for (const folder of byFolder) {
    for (const candidate of folder.files) {
      const { name } = candidate;
      if (!name.endsWith('.conf') || name.startsWith('.')) continue;
      const first = chosen.get(name);
      if (!first) chosen.set(name, candidate);
      else if (candidate.path) skipped.push({ path: candidate.path, reason: 'shadowed', by: first.path });
    }
  }
  const applied: T[] = [];
  for (const name of [...chosen.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const candidate = chosen.get(name)!;
    if (candidate.file !== undefined) applied.push(candidate.file);
    else if (candidate.path) skipped.push({ path: candidate.path, reason: 'masked' });
  }
  return { applied, skipped };
}

/** The drop-ins systemd applies, in order (chooseDropIns() without the skipped ones). */
export function orderDropIns<T>(byFolder: ReadonlyArray<{ files: ReadonlyArray<DropInCandidate<T>> }>): T[] {
  return chooseDropIns(byFolder).applied;
}

/** Levenshtein distance, for "did you mean" over unit names. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

export interface UnitSuggestion {
  name: string;
  /** Same stem, another type ("network-online.service" → "network-online.target"): safe to replace. */
  sameStem: boolean;
}

/**
 * The unit the writer probably meant, from the names systemd would find: first one of the same stem and
 * another type, else the closest name of the same type within a small edit distance (ties: none).
 */
export function suggestUnitName(name: string, known: Iterable<string>): UnitSuggestion | undefined {
  const type = unitTypeOf(name);
  if (!type) return undefined;
  const stem = name.slice(0, name.lastIndexOf('.'));
  const names = [...new Set(known)].filter((n) => n !== name);
  const sameStem = names.filter((n) => n.slice(0, n.lastIndexOf('.')) === stem && unitTypeOf(n) !== undefined);
  if (sameStem.length === 1) return { name: sameStem[0], sameStem: true };
  if (sameStem.length > 1) return undefined;
  const limit = stem.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  let tie = false;
  for (const n of names) {
    if (unitTypeOf(n) !== type) continue;
    const d = editDistance(n, name);
    if (d < bestDistance) {
      best = n;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) {
      tie = true;
    }
  }
  return best && !tie ? { name: best, sameStem: false } : undefined;
}

function joinDir(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}
