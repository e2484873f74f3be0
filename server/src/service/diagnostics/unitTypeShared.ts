/** Small helpers the per-type refusal checks (timer, path, mount, automount, swap, slice) share. */
import { lastApplied, type AnalyzedEntry, type UnitAnalysis } from '../analysis';
import { firstLineSpan, stopsReading, type Span } from '../parser';

/** The header of the type's own section (where a whole-unit refusal is shown), else the first line. */
export function typeSectionSpan(analysis: UnitAnalysis, section: string): Span {
  const found = analysis.unit.sections.find((s) => s.name === section);
  return found ? found.headerSpan : firstLineSpan(analysis.unit);
}

/** The last applied, non-empty value of a single-value setting (empty = back to the default). */
export function lastSet(analysis: UnitAnalysis, section: string, key: string): AnalyzedEntry | undefined {
  const e = lastApplied(analysis, section, key);
  return e && e.entry.value !== '' ? e : undefined;
}

/**
 * Whole-unit rules need the whole unit: not a drop-in alone, and not a file systemd stops reading
 * (a broken section header or bad UTF-8 already refuses it).
 */
export function wholeUnitCheckable(analysis: UnitAnalysis, type: string): boolean {
  const { context } = analysis;
  if (context.unitType !== type || context.isDropIn) return false;
  return !stopsReading(analysis.unit);
}
