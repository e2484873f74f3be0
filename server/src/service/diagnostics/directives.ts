/** Keys systemd does not know, no longer supports, knows under a newer name, or only knows in a newer version. */
import { dropsAssignment, type AnalyzedEntry } from '../analysis';
import { directiveAt, editDistance as swapDistance, type DirectiveCatalog } from '../catalog';
import { editDistance } from '../unitNames';
import { unitTypesForParser } from '../unitTypeSupport';
import { validatorForParser } from '../values';
import { isSingleValue } from './duplicates';
import { wishedDirective } from './wishedDirectives';
import type { Check, Finding } from './types';

/**
 * Close spellings worth proposing for an unknown key: not a single-value key the section already sets
 * (renaming the line would override that one; a list such as ListenStream= just gets one more), and only
 * keys whose parser takes this very value at the target (else the rename would make a line of another
 * kind). `certain` — only then may an editor apply it as the preferred fix — needs all of:
 *   - one candidate left, the same key but for letter case or one edit;
 *   - no other key of the section within two edits, kept or filtered out: a typo two edits from the key
 *     that was meant can be one edit from another key, and then which one was meant is a guess (the
 *     filters must not turn an ambiguous typo into a "certain" one by removing the intended key);
 *   - the candidate is not set in the section yet, even a list (another ListenStream= is a new socket).
 */
export function didYouMean(
  catalog: DirectiveCatalog,
  version: number,
  section: string,
  taken: ReadonlySet<string>,
  key: string,
  value: string,
): { names: string[]; certain: boolean } {
  const close = catalog.suggest(section, key);
  const names = close.filter((name) => {
    const known = catalog.lookup(section, name);
    if (!known) return false;
    const def = directiveAt(known, version);
    if (taken.has(name) && isSingleValue(def)) return false;
    const validate = validatorForParser(def.parser, def.ltype);
    return !validate || !validate(value, { directive: def, systemdVersion: version }).some(dropsAssignment);
  });
  const lower = key.toLowerCase();
  const oneEdit = (name: string) => name.toLowerCase() === lower || editDistance(name, key) <= 1;
  // suggest() sorts by distance, so a second key within two edits would be among its first results.
  // The same distance suggest() measures (a swap of neighbours is one edit), not the plain one of oneEdit.
  const rivals = close.filter((name) => name !== names[0] && swapDistance(name.toLowerCase(), lower, 2) <= 2);
  const certain = names.length === 1 && oneEdit(names[0]) && rivals.length === 0 && !taken.has(names[0]);
  return { names, certain };
}

function plausibleSuggestions(e: AnalyzedEntry, catalog: DirectiveCatalog, version: number): { names: string[]; certain: boolean } {
  const taken = new Set(e.section.entries.filter((x) => x !== e.entry).map((x) => x.key));
  return didYouMean(catalog, version, e.section.name, taken, e.entry.key, e.entry.value);
}

function unknownDirective(e: AnalyzedEntry, catalog: DirectiveCatalog, version: number): Finding {
  const { key } = e.entry;
  const section = e.section.name;
  const wished = wishedDirective(section, key);
  if (wished) {
    return {
      code: 'unknown-directive',
      span: e.entry.keySpan,
      message: `systemd has no ${key}= setting and ignores this line. ${wished.explanation[0].toUpperCase()}${wished.explanation.slice(1)}`,
      data: { suggestions: [], ...(wished.instead ? { instead: wished.instead } : {}) },
    };
  }
  const { names, certain } = plausibleSuggestions(e, catalog, version);
  const elsewhere = catalog.sectionsKnowing(key).filter((s) => s !== section);
  let hint = '';
  if (names.length) hint = ` Did you mean ${names.map((s) => s + '=').join(', ')}?`;
  else if (elsewhere.length) hint = ` ${key}= belongs in [${elsewhere.join('], [')}].`;
  return {
    code: 'unknown-directive',
    span: e.entry.keySpan,
    message: `Unknown directive ${key}= in [${section}]: systemd ignores this line.${hint}`,
    data: { suggestions: names, certain },
  };
}

export const checkDirectives: Check = (analysis, { catalog, settings }) => {
  const findings: Finding[] = [];
  for (const e of analysis.entries) {
    const { key } = e.entry;
    switch (e.fate) {
      case 'unknown':
        findings.push(unknownDirective(e, catalog, settings.systemdVersion));
        break;
      case 'removed':
        findings.push({
          code: 'removed-directive',
          span: e.entry.keySpan,
          message: `systemd no longer supports ${key}=: it accepts the line but ignores it.`,
        });
        break;
      case 'wrong-unit-type':
        findings.push({
          code: 'unsupported-for-unit-type',
          span: e.entry.keySpan,
          message: `systemd ignores ${key}= in a .${analysis.context.unitType} unit: it only applies to .${unitTypesForParser(e.def!.parser)!.join(', .')} units.`,
        });
        break;
      case 'too-new':
        findings.push({
          code: 'directive-too-new',
          span: e.entry.keySpan,
          message: `${key}= needs systemd ${e.def!.since}; systemd ${settings.systemdVersion} (the target) ignores it as an unknown key.`,
          data: { since: e.def!.since },
        });
        break;
    }
    if (e.def?.aliasOf && e.fate !== 'section-ignored') {
      findings.push({
        code: 'renamed-directive',
        span: e.entry.keySpan,
        message: `${key}= is the old name of ${e.def.aliasOf}=; systemd still accepts it, but prefer ${e.def.aliasOf}=.`,
        data: { replacement: e.def.aliasOf },
      });
    }
  }
  return findings;
};
