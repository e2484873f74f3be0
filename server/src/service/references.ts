/**
 * Find references of a unit: every place in the workspace that names it in a unit-name value (Service=,
 * Sockets=, the [Unit] dependencies, Unit=, Slice=, Also=, WantedBy= …), each name resolved the way
 * definition resolves it, so a name that stands for a web.service in another folder is not taken for
 * this one. Asked on a name in a value, the unit is the one that name stands for; asked anywhere else,
 * it is the unit of the file (for a drop-in: the unit it extends).
 *
 * Implicit references count too: foo.socket starts foo.service without naming it (foo@.service with
 * Accept=yes), and foo.timer and foo.path start foo.service, as long as they have no Service=/Unit= of
 * their own. Such a unit is listed at its [Socket]/[Timer]/[Path] header (the first line when it has
 * none), the place that decides what it starts.
 */
import { Location, Range, type Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DirectiveCatalog } from './catalog';
import { firstLineSpan, type UnitFile } from './parser';
import { unitContextFromUri } from './unitContext';
import {
  namesUnit, occurrenceAt, rangeOf, sameUri, unitDirOf, UnitIndex, uriBaseName, uriKey, type UnitFileSet, type UnitSource,
} from './unitReferences';

/** The unit a references request is about: its files (when the workspace has them) and its name. */
export interface UnitTarget {
  name: string;
  uris: string[];
}

/** The unit named under the cursor, else the unit of the file itself. */
export function targetAt(index: UnitIndex, source: UnitSource, offset: number): UnitTarget | undefined {
  const occurrence = occurrenceAt(source, offset, index.catalog);
  if (occurrence) return index.resolveNamed(occurrence);
  const context = unitContextFromUri(source.uri);
  if (!context.unitName) return undefined;
  if (context.isDropIn) return { name: context.unitName, uris: index.resolveBeside(context.unitDir, context.unitName) };
  return { name: context.unitName, uris: [source.uri] };
}

/** Does something that stands for `resolved` (or for nothing, when the target has no file) refer to the target? */
function refersTo(target: UnitTarget, resolved: readonly string[], written: () => boolean): boolean {
  if (target.uris.length) return resolved.some((r) => target.uris.some((t) => sameUri(r, t)));
  return resolved.length === 0 && written();
}

export function findUnitReferences(index: UnitIndex, target: UnitTarget, includeDeclaration: boolean): Location[] {
  const locations: Location[] = [];
  if (includeDeclaration) {
    // A unit is declared by its file as a whole: its first line stands for it.
    for (const uri of target.uris) {
      const declared = index.source(uri);
      locations.push(Location.create(uri, declared ? rangeOf(declared.document, firstLineSpan(declared.unit)) : Range.create(0, 0, 0, 0)));
    }
  }
  // Only a name of the target (or of one of its files) can stand for it: the index has the files that write one.
  const names = [...new Set([target.name, ...target.uris.map(uriBaseName)])];
  for (const occurrence of index.occurrencesNaming(names)) {
    if (refersTo(target, index.resolveOccurrence(occurrence), () => namesUnit(occurrence, target.name))) {
      locations.push(Location.create(occurrence.source.uri, rangeOf(occurrence.source.document, occurrence.span)));
    }
  }
  for (const uri of index.triggersOf(names)) {
    const implicit = index.implicitTrigger(uri);
    if (!implicit) continue;
    if (refersTo(target, index.resolveBeside(unitDirOf(uri), implicit.partner), () => implicit.partner === target.name)) {
      locations.push(Location.create(implicit.source.uri, rangeOf(implicit.source.document, implicit.span)));
    }
  }
  return dedupe(locations);
}

function dedupe(locations: Location[]): Location[] {
  const seen = new Set<string>();
  return locations.filter((l) => {
    const key = `${uriKey(l.uri)}:${l.range.start.line}:${l.range.start.character}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function findReferences(
  document: TextDocument,
  unit: UnitFile,
  position: Position,
  includeDeclaration: boolean,
  files: UnitFileSet,
  catalog: DirectiveCatalog,
): Location[] {
  const source = { uri: document.uri, document, unit };
  const index = new UnitIndex(files, catalog, source);
  const target = targetAt(index, source, document.offsetAt(position));
  return target ? findUnitReferences(index, target, includeDeclaration) : [];
}
