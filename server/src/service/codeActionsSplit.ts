/**
 * The fix for fdname-per-socket: FileDescriptorName= names every socket of its unit, so a unit that means
 * to give each Listen*= line its own name is split into one .socket unit per name. systemd passes the fds
 * of every socket unit that triggers a service (Service=) or that the service lists in Sockets=, each
 * named by its own unit's FileDescriptorName=.
 *
 * Which Listen*= lines a name was meant for: people write the name below its Listen*= line (or, less
 * often, above it, when the first name comes before the first Listen*= line). The first group stays in
 * the unit; each later group moves to `PREFIX-NAME.socket` with the unit's other [Socket] settings,
 * `FileDescriptorName=NAME` and `Service=` the same service; the service's Sockets= lists them all.
 */
import { TextDocumentEdit, TextEdit, type CodeAction, type CreateFile, type Diagnostic } from 'vscode-languageserver-types';
import { analyzeUnit, appliedIn, type AnalyzedEntry } from './analysis';
import { createWithText, documentEdit, quickFix, spanOf, type PairFixEnv } from './codeActionsPairShared';
import { appendBlock, editTarget, entryText, insertInSection, pathToUri, removeEntry, siblingUri } from './editText';
import { triggeredService } from './pairs';
import type { Entry, UnitFile } from './parser';
import { unitPrefix, uriToPath } from './unitContext';
import { currentView, partnerView, viewBool, viewWords, type UnitView, type ViewEnv } from './unitView';
import type { IndexedUnit } from './workspaceIndex';
import { unitNameForm } from './values/unitName';

interface Group {
  name: AnalyzedEntry;
  listens: AnalyzedEntry[];
}

const isListen = (e: AnalyzedEntry) => e.def?.parser === 'config_parse_socket_listen';
const isName = (e: AnalyzedEntry) => e.entry.key === 'FileDescriptorName';

/** Settings that stay with the unit they are in, instead of being copied to every new unit. */
function staysBehind(key: string): boolean {
  return key.startsWith('Listen') || key === 'FileDescriptorName' || key === 'Service' || key === 'Symlinks' || key.startsWith('Exec');
}

/** Groups Listen*= lines by the name meant for them; undefined when there is no clear reading. */
export function groupByName(entries: readonly AnalyzedEntry[]): Group[] | undefined {
  const relevant = entries.filter((e) => isListen(e) || isName(e));
  if (relevant.some((e) => e.entry.value === '')) return undefined; // a reset: no clear intent
  const firstName = relevant.findIndex(isName);
  const firstListen = relevant.findIndex(isListen);
  if (firstName < 0 || firstListen < 0) return undefined;
  const groups: Group[] = [];
  if (firstName < firstListen) {
    // Names above their lines.
    for (const e of relevant) {
      if (isName(e)) groups.push({ name: e, listens: [] });
      else groups[groups.length - 1].listens.push(e);
    }
  } else {
    // Names below their lines; lines after the last name stay with the first group.
    let pending: AnalyzedEntry[] = [];
    for (const e of relevant) {
      if (isListen(e)) pending.push(e);
      else {
        groups.push({ name: e, listens: pending });
        pending = [];
      }
    }
  }
  const names = new Set(groups.map((g) => g.name.entry.value));
  if (groups.length < 2 || names.size !== groups.length || groups.some((g) => !g.listens.length)) return undefined;
  return groups;
}

/** A unit name for a descriptor name: characters a unit name cannot hold become "-". */
export function splitUnitName(socket: string, fdName: string): string {
  const part = fdName.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${unitPrefix(socket)}-${part || 'socket'}.socket`;
}

function sectionLines(unit: UnitFile, name: string, adjust?: (entry: Entry) => string | undefined): string[] {
  const lines: string[] = [];
  for (const section of unit.sections.filter((s) => s.name === name)) {
    for (const entry of section.entries) lines.push(adjust?.(entry) ?? entryText(unit, entry));
  }
  return lines;
}

function newUnitLines(unit: UnitFile, group: Group, service: string): string[] {
  const fdName = group.name.entry.value;
  const unitLines = sectionLines(unit, 'Unit', (e) => (e.key === 'Description' && e.value !== '' ? `Description=${e.value} (${fdName})` : undefined));
  const socketLines = [
    ...group.listens.map((l) => entryText(unit, l.entry)),
    ...sectionLines(unit, 'Socket').filter((line) => !staysBehind(line.slice(0, line.indexOf('=')).trim())),
    `FileDescriptorName=${fdName}`,
    `Service=${service}`,
  ];
  const installLines = sectionLines(unit, 'Install');
  return [
    ...(unitLines.length ? ['[Unit]', ...unitLines, ''] : []),
    '[Socket]',
    ...socketLines,
    ...(installLines.length ? ['', '[Install]', ...installLines] : []),
  ];
}

/** Adds the socket units to the service's Sockets= (the end of its last Sockets= line, or a new line in [Service]). */
function socketsEdit(service: UnitView, file: IndexedUnit, all: string[]): TextDocumentEdit | undefined {
  const listed = new Set(viewWords(service, 'Service', 'Sockets').map((w) => w.word));
  const missing = all.filter((n) => !listed.has(n));
  if (!missing.length) return undefined;
  const target = editTarget(pathToUri(file.path), file.unit);
  const own = appliedIn(service.parts[0].analysis, 'Service', 'Sockets');
  const last = own[own.length - 1];
  let edit: TextEdit;
  if (last) {
    const at = target.document.positionAt(last.entry.valueSpan.end);
    edit = TextEdit.insert(at, (last.entry.value === '' ? '' : ' ') + missing.join(' '));
  } else {
    const sections = file.unit.sections.filter((s) => s.name === 'Service');
    const section = sections[sections.length - 1];
    const line = `Sockets=${all.join(' ')}`;
    edit = section ? insertInSection(target, section, [line]) : appendBlock(target, ['[Service]', line]);
  }
  return TextDocumentEdit.create({ uri: target.uri, version: null }, [edit]);
}

export function splitFdNameFix(env: PairFixEnv, diagnostics: Diagnostic[]): CodeAction[] {
  const { context } = env.ctx;
  const name = context.unitName;
  if (context.unitType !== 'socket' || context.isDropIn || !name || !context.unitDir || unitNameForm(name) !== 'plain') return [];
  const analysis = analyzeUnit(env.unit, context, env.ctx.catalog, env.ctx.systemdVersion);
  const entries = appliedIn(analysis, 'Socket');
  const names = entries.filter(isName);
  // The diagnostics must still sit on this text's FileDescriptorName= lines.
  if (!diagnostics.some((d) => names.some((n) => n.entry.span.start === spanOf(env, d).start && n.entry.span.end === spanOf(env, d).end))) return [];
  if (entries.some((e) => e.entry.key === 'Symlinks')) return [];
  const viewEnv: ViewEnv = { catalog: env.ctx.catalog, systemdVersion: env.ctx.systemdVersion, index: env.ctx.index, scope: context.scope };
  const view = currentView(analysis, uriToPath(env.document.uri), viewEnv);
  // Accept=yes cannot name a Service= (systemd refuses that), so there is nothing to point the new units at.
  if (!view || viewBool(view, 'Socket', 'Accept', false)) return [];
  const service = triggeredService(view, false);
  const groups = groupByName(entries);
  if (!service || !groups) return [];
  const moved = groups.slice(1);
  const newNames = moved.map((g) => splitUnitName(name, g.name.entry.value));
  if (new Set(newNames).size !== newNames.length || newNames.some((n) => unitNameForm(n) !== 'plain' || n === name)) return [];
  if (newNames.some((n) => env.ctx.index?.unit(n, context.unitDir!))) return [];

  const changes: Array<CreateFile | TextDocumentEdit> = [];
  moved.forEach((g, i) => changes.push(...createWithText(siblingUri(env.document.uri, newNames[i]), newUnitLines(env.unit, g, service), env.target.eol)));
  const removals = moved.flatMap((g) => [...g.listens, g.name]).map((e) => removeEntry(env.target, e.entry));
  changes.push(documentEdit(env, removals));
  const serviceFile = env.ctx.index?.unit(service, context.unitDir);
  const serviceView = serviceFile ? partnerView(service, context.unitDir, viewEnv) : undefined;
  const socketsChange = serviceFile && serviceView && socketsEdit(serviceView, serviceFile, [name, ...newNames]);
  if (socketsChange) changes.push(socketsChange);
  const title = `Split into one .socket unit per name (${newNames.join(', ')})`;
  return [quickFix(title, diagnostics, { documentChanges: changes }, true)];
}
