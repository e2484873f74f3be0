/** Whole-file conditions: a name systemd cannot load, and an empty file (which systemd treats as masked). */
import { firstLineSpan } from '../parser';
import { isValidUnitName } from '../values/unitName';
import type { Check, Finding } from './types';

export const checkUnitFile: Check = (analysis) => {
  const { context, unit } = analysis;
  if (context.isDropIn || !context.unitName) return [];
  const findings: Finding[] = [];
  const start = firstLineSpan(unit);
  if (!isValidUnitName(context.unitName, { allowPlain: true, allowTemplate: true, allowInstance: true })) {
    findings.push({
      code: 'invalid-unit-name',
      span: start,
      message: `'${context.unitName}' is not a valid unit name (letters, digits, ":-_.\\" and one "@" for templates, under 256 characters): systemd cannot load it.`,
    });
  }
  if (unit.text.length === 0) {
    findings.push({ code: 'empty-unit', span: start, message: 'This unit file is empty: systemd treats an empty unit file as masked and will not start it.' });
  }
  return findings;
};
