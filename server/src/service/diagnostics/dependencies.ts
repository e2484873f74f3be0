/**
 * Dependencies on units that exist nowhere systemd would look (the unit's folder, the installed search
 * path) nor anywhere in the workspace. What systemd does then (checked with systemd-analyze verify at 252,
 * 257 and 262):
 *  - Requires=, Requisite=, BindsTo=: the start job of this unit fails ("Unit … not found"): the unit is
 *    loaded but refused at start, so an error;
 *  - Wants=, Upholds=, PartOf=, OnFailure=, OnSuccess=, PropagatesReloadTo=: the dependency does nothing
 *    (the line is in effect ignored), so a warning;
 *  - After=, Before=, Conflicts= and the rest: harmless, nothing said.
 * Only unit types that need a file are checked: a .slice or .device without one still exists, .mount,
 * .swap, .automount and .scope units also come from the running system (fstab, /proc/swaps, the API).
 * Silent unless the index can see the installed units (visibleUnitNames), so a virtual workspace never
 * gets a false report.
 */
import { appliedIn, type AnalyzedEntry } from '../analysis';
import { valueRangeToSpan } from '../parser';
import { suggestUnitName, unitFound } from '../unitNames';
import { unitNameForm, unitTypeOf } from '../values/unitName';
import { splitWords, WHITESPACE } from '../values/words';
import type { Check, Finding } from './types';

const STRONG = new Set(['UNIT_REQUIRES', 'UNIT_REQUISITE', 'UNIT_BINDS_TO']);
const WEAK = new Set(['UNIT_WANTS', 'UNIT_UPHOLDS', 'UNIT_PART_OF', 'UNIT_ON_FAILURE', 'UNIT_ON_SUCCESS', 'UNIT_PROPAGATES_RELOAD_TO']);
const NEED_A_FILE = new Set(['service', 'socket', 'target', 'timer', 'path']);

interface NamedWord {
  name: string;
  start: number;
  end: number;
}

/** The literal unit names of a dependency line (words with specifiers or escapes are left alone). */
function namesOf(e: AnalyzedEntry): NamedWord[] {
  const value = e.entry.value;
  const words = splitWords(value, WHITESPACE, { retainEscape: true }) ?? [];
  return words
    .map((w) => ({ name: value.slice(w.start, w.end), start: w.start, end: w.end }))
    .filter((w) => !/[%\\"']/.test(w.name) && unitNameForm(w.name) !== undefined && unitNameForm(w.name) !== 'template')
    .filter((w) => NEED_A_FILE.has(unitTypeOf(w.name) ?? ''));
}

export const checkDependencies: Check = (analysis, input) => {
  const { index } = input;
  const dir = analysis.context.unitDir;
  if (!index || !dir || !index.visibleUnitNames) return [];
  const entries = appliedIn(analysis, 'Unit').filter((e) => STRONG.has(e.def?.ltype ?? '') || WEAK.has(e.def?.ltype ?? ''));
  if (!entries.length) return [];
  const visible = index.visibleUnitNames(dir);
  if (!visible) return [];
  const known = new Set(visible);
  const findings: Finding[] = [];
  for (const e of entries) {
    const strong = STRONG.has(e.def!.ltype);
    for (const w of namesOf(e)) {
      if (w.name === analysis.context.unitName) continue;
      const found = unitFound((n) => {
        if (known.has(n) || index.exists(n)) return true;
        const unit = index.unit(n, dir);
        return unit === null ? undefined : unit !== undefined;
      }, w.name);
      if (found !== false) continue;
      findings.push(missing(e, w, strong, suggestUnitName(w.name, known)));
    }
  }
  return findings;
};

function missing(e: AnalyzedEntry, w: NamedWord, strong: boolean, suggestion: ReturnType<typeof suggestUnitName>): Finding {
  const key = e.entry.key;
  const hint = suggestion ? ` Did you mean ${suggestion.name}?` : '';
  const what = strong
    ? `systemd loads this unit but refuses to start it ("Unit ${w.name} not found").`
    : `systemd loads this unit, and this dependency does nothing.`;
  return {
    code: strong ? 'missing-dependency' : 'missing-weak-dependency',
    span: valueRangeToSpan(e.entry, w.start, w.end),
    message: `${key}=${w.name}: no such unit beside this one, installed, or in the workspace; ${what}${hint}`,
    data: { unit: w.name, ...(suggestion ? { suggestion: suggestion.name, certain: suggestion.sameStem } : {}) },
  };
}
