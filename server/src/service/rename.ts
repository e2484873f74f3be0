/**
 * Renaming units: `textDocument/rename` on a unit name in a value, and `workspace/willRenameFiles`
 * when a unit file is renamed in the editor. Both rewrite every name that stands for the renamed unit
 * (resolved as definition resolves it) and keep what the rename would silently break:
 *
 * - Instances follow their template: renaming foo@.service to bar@.service turns "foo@x.service" and
 *   "foo@%i.service" into "bar@x.service" and "bar@%i.service".
 * - Implicit pairs stay paired. foo.socket starts foo.service because the names match (foo.timer and
 *   foo.path likewise); no text names the pair, so renaming either file would quietly separate them and
 *   the socket would start a service that does not exist (or, worse, an unrelated bar.service that
 *   does). A user who renames web.socket to api.socket expects api.socket to go on starting web.service,
 *   so the rename writes that down: `Service=web.service` (Unit= for timers and paths) is added to the
 *   trigger unit, and only when the partner file exists beside it. Files are never renamed behind the
 *   user's back to restore the pair. When both are renamed alike in one go (web.* to api.*), nothing is
 *   added. A socket with Accept=yes cannot take Service= (systemd refuses the unit), so its pair is left
 *   to the missing-service diagnostic, which names the template it now looks for.
 * - Drop-ins follow their unit: foo.service.d/ is renamed along with foo.service (when the client can
 *   rename files and the same operation does not move that folder already); otherwise its overrides
 *   would stop applying without a word.
 *
 * A file renamed to something that is not a unit name of the same type and form (foo.service.bak,
 * foo.disabled, foo.timer) is being taken out of use or turned into something else: references keep
 * the name they had. Moving a unit to another folder keeps its name, so nothing is rewritten either.
 */
import {
  RenameFile, TextDocumentEdit, TextEdit, type Position, type Range, type WorkspaceEdit,
} from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DirectiveCatalog } from './catalog';
import type { UnitFile } from './parser';
import { insertAfterSection } from './sectionEdits';
import { unitContextFromUri, withSuffix } from './unitContext';
import {
  namesUnit, occurrenceAt, rangeOf, sameUri, siblingUri, typeSuffixOf, unitDirOf, UnitIndex, uriBaseName, uriKey,
  type UnitFileSet, type UnitSource,
} from './unitReferences';
import { describeInvalidUnitName, unitNameForm } from './values/unitName';

const UNIT_SUFFIXES = '{socket,service,timer,path,mount,automount,swap,target,slice}';

/** What workspace/willRenameFiles is registered for: unit files, and drop-in folders (foo.service.d). */
export const UNIT_FILE_RENAME_FILTERS = [
  { scheme: 'file', pattern: { glob: `**/*.${UNIT_SUFFIXES}`, matches: 'file' } },
  // Drop-in folders too, so that when the user renames a unit and its folder together the folder is
  // seen here and not renamed a second time.
  { scheme: 'file', pattern: { glob: `**/*.${UNIT_SUFFIXES}.d`, matches: 'folder' } },
] as const;

/** A rename the user asked for that cannot be done; the message says why (the server turns it into an error response). */
export class RenameError extends Error {}

/** What the client can do with a WorkspaceEdit (from its initialize capabilities). */
export interface RenameCapabilities {
  /** It applies RenameFile operations (workspace.workspaceEdit.resourceOperations includes "rename"). */
  canRenameFiles: boolean;
  /**
   * It asks workspace/willRenameFiles before renaming a file, also one renamed by a WorkspaceEdit (VS Code
   * does). Then textDocument/rename only renames the file and the references come from willRenameFiles;
   * sending both would rewrite each reference twice.
   */
  sendsWillRename: boolean;
}

/** One unit renamed: its file (absent when the workspace has none: then names are matched as written). */
interface UnitRename {
  oldName: string;
  newName: string;
  uri?: string;
  newUri?: string;
}

interface Plan {
  edits: Map<string, { uri: string; edits: TextEdit[] }>;
  folders: RenameFile[];
}

/** Why `newName` cannot replace `oldName`, or undefined when it can. */
export function renameProblem(oldName: string, newName: string): string | undefined {
  const form = unitNameForm(newName);
  if (form === undefined) return `"${newName}" is not a valid unit name: ${describeInvalidUnitName(newName)}.`;
  const oldSuffix = typeSuffixOf(oldName);
  if (typeSuffixOf(newName) !== oldSuffix) return `A unit's type is its suffix: ${oldName} must keep "${oldSuffix}".`;
  const oldForm = unitNameForm(oldName);
  if (form !== oldForm) return `${oldName} is ${formDescription(oldForm)} unit name, "${newName}" is ${formDescription(form)} one.`;
  return undefined;
}

function formDescription(form: string | undefined): string {
  return form === 'template' ? 'a template' : form === 'instance' ? 'an instance' : 'a plain';
}

/** The unit name under the cursor and what renaming it edits: the whole name, or a template's prefix through an instance. */
function renameTarget(document: TextDocument, unit: UnitFile, position: Position, files: UnitFileSet, catalog: DirectiveCatalog) {
  const source: UnitSource = { uri: document.uri, document, unit };
  const occurrence = occurrenceAt(source, document.offsetAt(position), catalog);
  if (!occurrence) return undefined;
  const index = new UnitIndex(files, catalog, source);
  const { name, uris } = index.resolveNamed(occurrence);
  // Through "foo@bar.service" (no file of its own) or "foo@%i.service" the template foo@.service is
  // renamed, and only the part before "@" is the user's to change.
  const viaTemplate = name !== occurrence.name;
  if (viaTemplate && !occurrence.prefixSpan) return undefined;
  const span = viaTemplate ? occurrence.prefixSpan! : occurrence.span;
  return { index, source, occurrence, oldName: name, uris, viaTemplate, span };
}

export function prepareUnitRename(
  document: TextDocument,
  unit: UnitFile,
  position: Position,
  files: UnitFileSet,
  catalog: DirectiveCatalog,
): { range: Range; placeholder: string } | null {
  const target = renameTarget(document, unit, position, files, catalog);
  if (!target) return null;
  const placeholder = document.getText().slice(target.span.start, target.span.end);
  // The range must hold the cursor (LSP). Through an instance only the prefix is the user's to change; with
  // the cursor elsewhere in the name the whole name is the range, and the prefix stays what is typed over.
  const offset = document.offsetAt(position);
  const span = target.span.start <= offset && offset <= target.span.end ? target.span : target.occurrence.span;
  return { range: rangeOf(document, span), placeholder };
}

export function doUnitRename(
  document: TextDocument,
  unit: UnitFile,
  position: Position,
  newText: string,
  files: UnitFileSet,
  catalog: DirectiveCatalog,
  capabilities: RenameCapabilities,
): WorkspaceEdit {
  const target = renameTarget(document, unit, position, files, catalog);
  if (!target) throw new RenameError('Only a unit name in a value (Service=, Requires=, WantedBy= …) can be renamed.');
  const { index, oldName, uris } = target;
  const typed = newText.trim();
  // Through an instance the prefix is edited; a whole template name typed there is taken as it is.
  const newName = target.viaTemplate && !typed.includes('@') ? `${typed}${oldName.slice(oldName.indexOf('@'))}` : typed;
  const problem = renameProblem(oldName, newName);
  if (problem) throw new RenameError(problem);
  if (newName === oldName) return {};

  if (uris.length === 0) {
    // No file in the workspace (multi-user.target, a unit installed elsewhere): rename the name everywhere.
    return toWorkspaceEdit(planRenames(index, [{ oldName, newName }], [], capabilities)) ?? {};
  }
  if (!capabilities.canRenameFiles) {
    throw new RenameError(`${oldName} is a file in the workspace and this editor cannot rename files: rename the file itself.`);
  }
  const renames: UnitRename[] = uris.map((uri) => ({ oldName, newName, uri, newUri: siblingUri(uri, newName) }));
  for (const r of renames) {
    const taken = index.filesNamed(newName).find((u) => unitDirOf(u) === unitDirOf(r.uri!));
    if (taken) throw new RenameError(`${newName} already exists beside ${oldName}.`);
  }
  const fileOps = renames.map((r) => RenameFile.create(r.uri!, r.newUri!));
  if (capabilities.sendsWillRename) return { documentChanges: fileOps };
  const plan = planRenames(index, renames, [], capabilities);
  return { documentChanges: [...textDocumentEdits(plan), ...fileOps, ...plan.folders] };
}

/** workspace/willRenameFiles: the edits that keep the workspace working once the files have their new names. */
export function willRenameUnitFiles(
  files: readonly { oldUri: string; newUri: string }[],
  set: UnitFileSet,
  catalog: DirectiveCatalog,
  capabilities: RenameCapabilities,
): WorkspaceEdit | null {
  const renames: UnitRename[] = [];
  for (const { oldUri, newUri } of files) {
    const oldName = uriBaseName(oldUri);
    const newName = uriBaseName(newUri);
    const context = unitContextFromUri(oldUri);
    // Drop-ins, drop-in folders and moves keep every unit's name.
    if (oldName === newName || context.isDropIn || context.unitName !== oldName) continue;
    if (renameProblem(oldName, newName)) continue;
    renames.push({ oldName, newName, uri: oldUri, newUri });
  }
  if (renames.length === 0) return null;
  // The renamed files join the index even if the set has not seen them yet (created a moment ago).
  const index = new UnitIndex(set, catalog, undefined, renames.map((r) => r.uri!));
  return toWorkspaceEdit(planRenames(index, renames, files, capabilities));
}

function planRenames(
  index: UnitIndex,
  renames: readonly UnitRename[],
  requested: readonly { oldUri: string; newUri: string }[],
  capabilities: RenameCapabilities,
): Plan {
  const plan: Plan = { edits: new Map(), folders: [] };
  const add = (source: UnitSource, edit: TextEdit) => {
    const key = uriKey(source.uri);
    const entry = plan.edits.get(key) ?? { uri: source.uri, edits: [] };
    entry.edits.push(edit);
    plan.edits.set(key, entry);
  };

  // Only names of the renamed units (or of their files) can stand for them; the index has the files that write one.
  const names = [...new Set(renames.flatMap((r) => [r.oldName, ...(r.uri ? [uriBaseName(r.uri)] : [])]))];
  for (const occurrence of index.occurrencesNaming(names)) {
    const resolved = index.resolveOccurrence(occurrence);
    for (const r of renames) {
      const hit = r.uri ? resolved.some((u) => sameUri(u, r.uri!)) : resolved.length === 0 && namesUnit(occurrence, r.oldName);
      if (!hit) continue;
      const { document } = occurrence.source;
      if (occurrence.literal && occurrence.name === r.oldName) {
        add(occurrence.source, TextEdit.replace(rangeOf(document, occurrence.span), r.newName));
      } else if (occurrence.template === r.oldName && occurrence.prefixSpan) {
        add(occurrence.source, TextEdit.replace(rangeOf(document, occurrence.prefixSpan), r.newName.slice(0, r.newName.indexOf('@'))));
      }
      break;
    }
  }

  const renamedTo = (uri: string) => renames.find((r) => r.uri && sameUri(r.uri, uri))?.newName;
  // A pair neither of whose units is renamed keeps its names matching: only triggers of these names, or renamed ones.
  for (const uri of index.triggersOf(names, renames.flatMap((r) => (r.uri ? [r.uri] : [])))) {
    const implicit = index.implicitTrigger(uri);
    // A template partner (Accept=yes, or a template trigger unit) cannot be named by Service=/Unit=.
    if (!implicit || implicit.partner.includes('@')) continue;
    const partners = index.resolveBeside(unitDirOf(uri), implicit.partner);
    if (partners.length === 0) continue;
    const trigger = renamedTo(uri) ?? uriBaseName(uri);
    const partner = partners.map(renamedTo).find((n) => n !== undefined) ?? implicit.partner;
    if (withSuffix(trigger, '.service') === partner) continue;
    const sections = implicit.source.unit.sections.filter((s) => s.name === implicit.section);
    const section = sections[sections.length - 1];
    if (section) add(implicit.source, insertAfterSection(implicit.source.document, implicit.source.unit, section, [`${implicit.key}=${partner}`]));
  }

  for (const r of renames) {
    if (!r.uri || !r.newUri || !capabilities.canRenameFiles) continue;
    const unitDir = unitDirOf(r.uri);
    if (unitDir === undefined || index.dropInsOf(unitDir, r.oldName).length === 0) continue;
    const folder = siblingUri(r.uri, `${r.oldName}.d`);
    if (requested.some((f) => sameUri(f.oldUri, folder))) continue; // the user moves it already
    plan.folders.push(RenameFile.create(folder, siblingUri(r.newUri, `${r.newName}.d`), { ignoreIfExists: true }));
  }
  return plan;
}

function textDocumentEdits(plan: Plan): TextDocumentEdit[] {
  return [...plan.edits.values()].map(({ uri, edits }) => TextDocumentEdit.create({ uri, version: null }, edits));
}

function toWorkspaceEdit(plan: Plan): WorkspaceEdit | null {
  if (plan.edits.size === 0 && plan.folders.length === 0) return null;
  if (plan.folders.length) return { documentChanges: [...textDocumentEdits(plan), ...plan.folders] };
  return { changes: Object.fromEntries([...plan.edits.values()].map(({ uri, edits }) => [uri, edits])) };
}
