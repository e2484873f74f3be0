/**
 * Go to definition on a unit name in a value (Service=, Sockets=, Requires=, WantedBy=, Unit= …): the
 * unit file that name stands for, beside the unit first, else in the workspace; an instance whose own
 * file is missing goes to its template. Names with specifiers before the "@" lead nowhere.
 *
 * The [Socket] header of a socket that names no service (and [Timer], [Path] likewise) leads to the
 * service it starts by name: it is where find references shows that implicit reference.
 */
import { LocationLink, Range, type Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DirectiveCatalog } from './catalog';
import type { UnitFile } from './parser';
import { occurrenceAt, rangeOf, unitDirOf, UnitIndex, type UnitFileSet } from './unitReferences';

const TOP = Range.create(0, 0, 0, 0);

export function findDefinition(
  document: TextDocument,
  unit: UnitFile,
  position: Position,
  files: UnitFileSet,
  catalog: DirectiveCatalog,
): LocationLink[] {
  const source = { uri: document.uri, document, unit };
  const offset = document.offsetAt(position);
  const occurrence = occurrenceAt(source, offset, catalog);
  const index = new UnitIndex(files, catalog, source);
  // The whole name is the link (editors would otherwise stop the word at "." or "@"); a unit file has no
  // one line that declares it, so the target is its top.
  if (occurrence) {
    const origin = rangeOf(document, occurrence.span);
    return index.resolveOccurrence(occurrence).map((uri) => LocationLink.create(uri, TOP, TOP, origin));
  }
  const implicit = index.implicitTrigger(document.uri);
  if (!implicit || implicit.span.start > offset || offset > implicit.span.end || !unit.sections.some((s) => s.headerSpan === implicit.span)) return [];
  const origin = rangeOf(document, implicit.span);
  return index.resolveBeside(unitDirOf(document.uri), implicit.partner).map((uri) => LocationLink.create(uri, TOP, TOP, origin));
}
