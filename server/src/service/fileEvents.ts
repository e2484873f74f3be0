/**
 * Which open documents a change of workspace files can affect (workspace/didChangeWatchedFiles), so that
 * only those are checked again: re-checking every open document on every saved file kept a large
 * workspace busy for nothing.
 *
 * A unit's diagnostics look at other files in two ways only. Its folder: the units beside it (its socket,
 * its service, the pairs of a folder) and the drop-ins of the units there (`foo.service.d/`, the
 * template's and the dash prefixes' folders), all of which live below the unit's folder. And names: a
 * unit it names (Service=, Requires= …, found beside it, in the search path or anywhere in the workspace),
 * the service it starts by its own name, or a unit of its own name elsewhere. So a changed file affects a
 * document in the same unit folder, or one of whose names is the changed unit's name, its template, or a
 * name whose drop-in folders include the changed drop-in's (a prefix `foo-.service` for `foo-bar.service`).
 * A changed folder (or any other path) affects the documents in it and beside it.
 */
import type { DirectiveCatalog } from './catalog';
import type { UnitFile } from './parser';
import { unitContextFromPath, unitContextFromUri, unitPrefix, withSuffix } from './unitContext';
import { dropInFolderNames, fragmentNames } from './unitNames';
import { namesWrittenIn } from './unitReferences';
import { dirOf } from './workspaceIndex';

export interface OpenUnit {
  uri: string;
  unit: UnitFile;
}

/** Unit names a change of `name` (a unit, or a drop-in's owner) can matter to: those that load it. */
function related(written: string, changed: string): boolean {
  if (fragmentNames(written).includes(changed) || fragmentNames(changed).includes(written)) return true;
  return dropInFolderNames(written).includes(`${changed}.d`);
}

/** The names a document depends on: its own, the ones it writes, and the services it starts by name. */
function namesOf(document: OpenUnit, catalog: DirectiveCatalog): string[] {
  const context = unitContextFromUri(document.uri);
  const names = namesWrittenIn(document.uri, document.unit, catalog);
  if (context.unitName) {
    names.push(context.unitName, withSuffix(context.unitName, '.service'), `${unitPrefix(context.unitName)}@.service`);
  }
  return names;
}

function inside(dir: string, folder: string): boolean {
  return dir === folder || dir.startsWith(folder.endsWith('/') ? folder : folder + '/');
}

/** The open documents that the changed paths (files or folders, as POSIX paths) can affect, in their order. */
export function documentsAffectedBy<T extends OpenUnit>(documents: readonly T[], changed: Iterable<string>, catalog: DirectiveCatalog): T[] {
  const units: Array<{ name: string; dir: string }> = [];
  const others: string[] = [];
  for (const path of changed) {
    const context = unitContextFromPath(path);
    if (context.unitName && context.unitDir !== undefined) units.push({ name: context.unitName, dir: context.unitDir });
    else others.push(path);
  }
  if (units.length === 0 && others.length === 0) return [];
  return documents.filter((document) => {
    const dir = unitContextFromUri(document.uri).unitDir;
    if (dir !== undefined) {
      if (units.some((u) => u.dir === dir)) return true;
      if (others.some((p) => inside(dir, p) || dirOf(p) === dir)) return true;
    }
    if (units.length === 0) return false;
    const names = namesOf(document, catalog);
    return units.some((u) => names.some((n) => related(n, u.name)));
  });
}
