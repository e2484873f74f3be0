/**
 * A whole unit as systemd loads it: the unit file, then its drop-ins in order, each analysed on its own
 * (what systemd applies, line by line). Checks that pair units (a socket and its service) read settings
 * through a view, so a Listen*= or Accept= that lives in a drop-in counts, and every finding can point at
 * the file and line it comes from.
 */
import { analyzeUnit, type AnalyzedEntry, type UnitAnalysis } from './analysis';
import type { DirectiveCatalog } from './catalog';
import type { UnitFile } from './parser';
import { unitContextFromPath, type UnitContext } from './unitContext';
import { parseBoolean } from './values';
import type { IndexedFile, UnitIndex } from './workspaceIndex';

export interface ViewPart {
  /** Absolute path; undefined for the open document when it has no path (untitled). */
  path?: string;
  analysis: UnitAnalysis;
  /** The document being checked (findings here are reported; elsewhere they belong to another file). */
  current: boolean;
}

export interface UnitView {
  /** "web.socket" */
  name: string;
  /** The folder the unit lives in. */
  dir: string;
  /** The unit file first (absent when only drop-ins are known), then its drop-ins. */
  parts: ViewPart[];
}

export interface ViewEntry {
  e: AnalyzedEntry;
  part: ViewPart;
}

export interface ViewEnv {
  catalog: DirectiveCatalog;
  systemdVersion: number;
  index?: UnitIndex;
  /** Scope every unit is read in (the manager of the document being checked). */
  scope: 'system' | 'user';
}

const analyses = new WeakMap<UnitFile, Map<string, UnitAnalysis>>();

/** Analyses a file of the index once per tree, version and scope. */
function analyzeFile(file: IndexedFile, env: ViewEnv): UnitAnalysis {
  let byKey = analyses.get(file.unit);
  if (!byKey) analyses.set(file.unit, (byKey = new Map()));
  const key = `${file.path}\0${env.systemdVersion}\0${env.scope}\0${env.catalog.newestVersion}`;
  let analysis = byKey.get(key);
  if (!analysis) {
    const context: UnitContext = { ...unitContextFromPath(file.path), scope: env.scope };
    analysis = analyzeUnit(file.unit, context, env.catalog, env.systemdVersion);
    byKey.set(key, analysis);
  }
  return analysis;
}

/** The unit `name` as seen from `dir`, from the index; undefined when it is not there (or no telling). */
export function partnerView(name: string, dir: string, env: ViewEnv): UnitView | undefined {
  const file = env.index?.unit(name, dir);
  if (!file) return undefined;
  const parts: ViewPart[] = [{ path: file.path, analysis: analyzeFile(file, env), current: false }];
  for (const d of env.index!.dropIns(name, dir)) parts.push({ path: d.path, analysis: analyzeFile(d, env), current: false });
  return { name, dir: file.dir, parts };
}

/**
 * The unit the document being checked belongs to: the document itself (a unit file or one of its
 * drop-ins) and the other files of the unit from the index.
 */
export function currentView(analysis: UnitAnalysis, path: string | undefined, env: ViewEnv): UnitView | undefined {
  const { unitName, unitDir, isDropIn } = analysis.context;
  if (!unitName) return undefined;
  const current: ViewPart = { path, analysis, current: true };
  const dir = unitDir ?? '';
  if (!env.index || !unitDir) return { name: unitName, dir, parts: [current] };
  const parts: ViewPart[] = [];
  if (isDropIn) {
    const main = env.index.unit(unitName, unitDir);
    if (main) parts.push({ path: main.path, analysis: analyzeFile(main, env), current: false });
  } else {
    parts.push(current);
  }
  let placed = !isDropIn;
  for (const d of env.index.dropIns(unitName, unitDir)) {
    if (d.path === path) {
      parts.push(current);
      placed = true;
    } else {
      parts.push({ path: d.path, analysis: analyzeFile(d, env), current: false });
    }
  }
  if (!placed) parts.push(current);
  return { name: unitName, dir, parts };
}

/** Assignments systemd applies, across the unit file and its drop-ins, in the order it reads them. */
export function viewApplied(view: UnitView, section: string, key?: string): ViewEntry[] {
  const out: ViewEntry[] = [];
  for (const part of view.parts) {
    const applied = part.analysis.applied.get(section);
    const list = key === undefined ? applied?.all : applied?.byKey.get(key);
    for (const e of list ?? []) out.push({ e, part });
  }
  return out;
}

/** The last assignment of a single-value directive (undefined when never set). */
export function viewLast(view: UnitView, section: string, key: string): ViewEntry | undefined {
  const all = viewApplied(view, section, key);
  return all[all.length - 1];
}

/** The value of a single-value directive; an empty assignment resets it to the default (undefined). */
export function viewValue(view: UnitView, section: string, key: string): string | undefined {
  const value = viewLast(view, section, key)?.e.entry.value;
  return value === '' ? undefined : value;
}

/** A boolean directive's value, `fallback` when unset or unparsable. */
export function viewBool(view: UnitView, section: string, key: string, fallback: boolean): boolean {
  const value = viewValue(view, section, key);
  return value === undefined ? fallback : (parseBoolean(value) ?? fallback);
}

/** What a list ends up with: the entries `pick` selects, after the last empty one (which clears the list). */
export function viewList(view: UnitView, section: string, pick: (v: ViewEntry) => boolean): ViewEntry[] {
  const all = viewApplied(view, section).filter(pick);
  let start = 0;
  all.forEach((v, i) => {
    if (v.e.entry.value === '') start = i + 1;
  });
  return all.slice(start);
}

/** The Listen*= lines of a socket unit that systemd keeps (every Listen*= feeds one list). */
export function viewPorts(view: UnitView): ViewEntry[] {
  return viewList(view, 'Socket', (v) => v.e.def?.parser === 'config_parse_socket_listen');
}

/** The words of a space-separated list directive (Sockets=, Requires= …), with the entry each came from. */
export function viewWords(view: UnitView, section: string, key: string): Array<{ word: string; at: ViewEntry; start: number }> {
  const out: Array<{ word: string; at: ViewEntry; start: number }> = [];
  for (const v of viewList(view, section, (x) => x.e.entry.key === key)) {
    for (const m of v.e.entry.value.matchAll(/\S+/g)) out.push({ word: m[0], at: v, start: m.index! });
  }
  return out;
}
