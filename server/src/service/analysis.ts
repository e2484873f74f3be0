/**
 * One pass that decides, for every assignment, what systemd does with it: applies it, or ignores it
 * (unknown section or key, removed, too new for the target version, a value it cannot parse).
 * Every diagnostic check and every later feature reads this instead of re-deciding.
 */
import type { DirectiveDef } from './catalogTypes';
import { directiveAt, wordVersions, type DirectiveCatalog } from './catalog';
import type { Entry, Section, UnitFile } from './parser';
import type { UnitContext } from './unitContext';
import type { ValueProblem } from './values/types';
import { validatorForParser } from './values';
import { unitTypesForParser } from './unitTypeSupport';

export type EntryFate =
  | 'applied'
  | 'section-ignored'
  | 'unknown'
  | 'removed'
  | 'disabled'
  | 'too-new'
  | 'invalid-value'
  | 'wrong-unit-type' // the parser ignores the line for this unit type (unitTypeSupport.ts)
  | 'extension'; // X- keys: ignored by design, no warning

export interface AnalyzedEntry {
  section: Section;
  entry: Entry;
  def?: DirectiveDef;
  fate: EntryFate;
  /** Problems of the value as systemd reads it (including any inline "comment"). */
  problems: ValueProblem[];
}

export interface UnitAnalysis {
  unit: UnitFile;
  context: UnitContext;
  /** Per section (same index as unit.sections): does this unit type read it? */
  sectionRead: boolean[];
  entries: AnalyzedEntry[];
  /** Applied entries by section and by key, in document order (checks ask for these a lot). */
  applied: Map<string, AppliedSection>;
}

export interface AppliedSection {
  all: AnalyzedEntry[];
  byKey: Map<string, AnalyzedEntry[]>;
}

const NO_PROBLEMS: ValueProblem[] = [];

export function isExtensionName(name: string): boolean {
  return name.startsWith('X-');
}

function sectionIsRead(name: string, context: UnitContext, catalog: DirectiveCatalog): boolean {
  if (!context.unitType) return catalog.allSections().includes(name);
  return catalog.sectionsFor(context.unitType).includes(name);
}

/** The parser systemd uses for this directive at the target version (a removal may postdate the target). */
export function parserAt(def: DirectiveDef, systemdVersion: number): string {
  return directiveAt(def, systemdVersion).parser;
}

function problemsOf(known: DirectiveDef, def: DirectiveDef, entry: Entry, context: UnitContext, systemdVersion: number): ValueProblem[] {
  // Empty values go through the validator too: most parsers treat "Key=" as a reset, but some
  // (booleans, numbers, time spans …) reject it and systemd ignores the line.
  const validate = validatorForParser(def.parser, def.ltype);
  if (!validate) return NO_PROBLEMS;
  const problems = validate(entry.value, { directive: def, unitName: context.unitName, systemdVersion });
  return problems.some(dropsAssignment) ? tooNewInstead(known, entry, systemdVersion) ?? problems : problems;
}

/**
 * A value the target cannot parse but a later release's table has (Type=notify-reload before 253,
 * PrivateTmp=disconnected while PrivateTmp= was a boolean): say which version it needs.
 */
function tooNewInstead(known: DirectiveDef, entry: Entry, systemdVersion: number): ValueProblem[] | undefined {
  if (!known.history) return undefined;
  const since = wordVersions(known, entry.value).since;
  if (since === undefined || since <= systemdVersion) return undefined;
  return [{
    code: 'value-too-new',
    message: `${known.name}=${entry.value} needs systemd ${since}; systemd ${systemdVersion} (the target) cannot parse it and ignores the line.`,
  }];
}

/** A problem that makes systemd drop the assignment or the whole unit (as opposed to advice on a line that works). */
export function dropsAssignment(problem: ValueProblem): boolean {
  return problem.effect !== 'advice';
}

function fateOf(
  def: DirectiveDef | undefined,
  problems: ValueProblem[],
  key: string,
  systemdVersion: number,
  context: UnitContext,
): EntryFate {
  if (!def) return isExtensionName(key) ? 'extension' : 'unknown';
  if (def.status === 'removed') return 'removed';
  if (def.status === 'disabled') return 'disabled';
  if (def.since !== undefined && def.since > systemdVersion) return 'too-new';
  // `def` is already the target's shape of the directive (analyzeUnit), so its parser is the target's.
  const types = unitTypesForParser(def.parser);
  if (types && context.unitType && !types.includes(context.unitType)) return 'wrong-unit-type';
  return problems.some(dropsAssignment) ? 'invalid-value' : 'applied';
}

/**
 * One analysis per parsed unit, context and target: diagnostics, code actions and the pair checks each ask
 * for it, and a large unit's analysis is the costly part of all of them. A unit is never changed after
 * parsing, so the tree itself keys the memo (and lets it go with the tree).
 */
const ANALYSES = new WeakMap<UnitFile, { key: string; catalog: DirectiveCatalog; analysis: UnitAnalysis }>();

export function analyzeUnit(unit: UnitFile, context: UnitContext, catalog: DirectiveCatalog, systemdVersion: number): UnitAnalysis {
  const key = `${context.unitName}\0${context.unitType}\0${context.isDropIn}\0${context.unitDir}\0${context.scope}\0${systemdVersion}`;
  const memo = ANALYSES.get(unit);
  if (memo && memo.key === key && memo.catalog === catalog) return memo.analysis;
  const analysis = computeAnalysis(unit, context, catalog, systemdVersion);
  ANALYSES.set(unit, { key, catalog, analysis });
  return analysis;
}

function computeAnalysis(unit: UnitFile, context: UnitContext, catalog: DirectiveCatalog, systemdVersion: number): UnitAnalysis {
  const sectionRead = unit.sections.map((s) => sectionIsRead(s.name, context, catalog));
  const entries: AnalyzedEntry[] = [];
  const applied = new Map<string, AppliedSection>();
  const index = (e: AnalyzedEntry) => {
    let section = applied.get(e.section.name);
    if (!section) applied.set(e.section.name, (section = { all: [], byKey: new Map() }));
    section.all.push(e);
    const list = section.byKey.get(e.entry.key);
    if (list) list.push(e);
    else section.byKey.set(e.entry.key, [e]);
  };
  unit.sections.forEach((section, i) => {
    for (const entry of section.entries) {
      if (!sectionRead[i]) {
        entries.push({ section, entry, fate: 'section-ignored', problems: NO_PROBLEMS });
        continue;
      }
      // The directive as the target version parses it (its parser and words may have changed since).
      const known = catalog.lookup(section.name, entry.key);
      const def = known && directiveAt(known, systemdVersion);
      const problems = known && def ? problemsOf(known, def, entry, context, systemdVersion) : NO_PROBLEMS;
      const analyzed: AnalyzedEntry = { section, entry, def, problems, fate: fateOf(def, problems, entry.key, systemdVersion, context) };
      entries.push(analyzed);
      if (analyzed.fate === 'applied') index(analyzed);
    }
  });
  return { unit, context, sectionRead, entries, applied };
}


/** Assignments systemd applies in a section (optionally only one key), in document order. */
export function appliedIn(analysis: UnitAnalysis, section: string, key?: string): readonly AnalyzedEntry[] {
  const applied = analysis.applied.get(section);
  return (key === undefined ? applied?.all : applied?.byKey.get(key)) ?? NO_ENTRIES;
}

const NO_ENTRIES: AnalyzedEntry[] = [];

/** What a list directive ends up with: the assignments after the last empty one (which clears the list). */
export function afterResets(entries: readonly AnalyzedEntry[]): AnalyzedEntry[] {
  let start = 0;
  entries.forEach((e, i) => {
    if (e.entry.value === '') start = i + 1;
  });
  return entries.slice(start);
}

/** The value a single-value directive ends up with: the last applied assignment (empty = default). */
export function lastApplied(analysis: UnitAnalysis, section: string, key: string): AnalyzedEntry | undefined {
  const all = appliedIn(analysis, section, key);
  return all[all.length - 1];
}
