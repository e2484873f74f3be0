/**
 * Slice units (src/core/slice.c slice_verify(), src/basic/unit-name.c slice_name_is_valid()): the name
 * is the place in the tree, "a-b-c.slice" sitting in "a-b.slice", "a.slice" in the root "-.slice". So a
 * slice name may not start or end with "-" nor hold "--" (an empty level). The parent always comes from
 * the name: Slice= in a slice unit is not applied (systemd ignores the line).
 */
import { appliedIn } from '../analysis';
import { typeSectionSpan, wholeUnitCheckable } from './unitTypeShared';
import type { Check, Finding } from './types';
import { firstLineSpan } from '../parser';
import { unitNameForm } from '../values/unitName';

/** slice_name_is_valid() for a plain name (templates are refused earlier, when the file is loaded). */
export function sliceNameIsValid(name: string): boolean {
  if (name === '-.slice') return true;
  if (!name.endsWith('.slice') || unitNameForm(name) !== 'plain') return false;
  const prefix = name.slice(0, -'.slice'.length);
  return prefix !== '' && !prefix.startsWith('-') && !prefix.endsWith('-') && !prefix.includes('--');
}

/** slice_build_parent_slice(): "a-b-c.slice" → "a-b.slice", "a.slice" → "-.slice", "-.slice" → none. */
export function parentSlice(name: string): string | undefined {
  if (name === '-.slice') return undefined;
  const prefix = name.slice(0, -'.slice'.length);
  const dash = prefix.lastIndexOf('-');
  return dash < 0 ? '-.slice' : `${prefix.slice(0, dash)}.slice`;
}

export const checkSlice: Check = (analysis) => {
  const name = analysis.context.unitName;
  if (!name || analysis.context.unitType !== 'slice') return [];
  const findings: Finding[] = [];
  // Slice= is ignored in a drop-in of a slice just the same.
  for (const section of ['Slice']) {
    for (const e of appliedIn(analysis, section, 'Slice')) {
      if (e.entry.value === '') continue;
      const parent = parentSlice(name);
      findings.push({
        code: 'slice-of-slice',
        span: e.entry.span,
        message: `Slice= is not applied to a slice unit (systemd ignores the line): its place comes from its name${parent ? `, ${name} sits in ${parent}` : ''}. Rename the unit to move it.`,
      });
    }
  }
  if (!wholeUnitCheckable(analysis, 'slice')) return findings;
  if (unitNameForm(name) === 'plain' && !sliceNameIsValid(name)) {
    findings.push({
      code: 'invalid-slice-name',
      span: analysis.unit.sections.length ? typeSectionSpan(analysis, 'Slice') : firstLineSpan(analysis.unit),
      message: `"${name}" is not a valid slice name: each "-" in it starts a level of the slice tree, so it may not begin or end with "-" or hold "--". systemd refuses the unit.`,
    });
  }
  return findings;
};
