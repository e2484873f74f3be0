/** Keys systemd does not know, no longer supports, knows under a newer name, or only knows in a newer version. */
import { parserAt, type AnalyzedEntry } from '../analysis';
import { unitTypesForParser } from '../unitTypeSupport';
import type { DirectiveCatalog } from '../catalog';
import type { Check, Finding } from './types';

function unknownDirective(e: AnalyzedEntry, catalog: DirectiveCatalog): Finding {
  const { key } = e.entry;
  const section = e.section.name;
  const suggestions = catalog.suggest(section, key);
  const elsewhere = catalog.sectionsKnowing(key).filter((s) => s !== section);
  let hint = '';
  if (suggestions.length) hint = ` Did you mean ${suggestions.map((s) => s + '=').join(', ')}?`;
  else if (elsewhere.length) hint = ` ${key}= belongs in [${elsewhere.join('], [')}].`;
  return {
    code: 'unknown-directive',
    span: e.entry.keySpan,
    message: `Unknown directive ${key}= in [${section}]: systemd ignores this line.${hint}`,
    data: { suggestions },
  };
}

export const checkDirectives: Check = (analysis, { catalog, settings }) => {
  const findings: Finding[] = [];
  for (const e of analysis.entries) {
    const { key } = e.entry;
    switch (e.fate) {
      case 'unknown':
        findings.push(unknownDirective(e, catalog));
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
          message: `systemd ignores ${key}= in a .${analysis.context.unitType} unit: it only applies to .${unitTypesForParser(parserAt(e.def!, settings.systemdVersion))!.join(', .')} units.`,
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
