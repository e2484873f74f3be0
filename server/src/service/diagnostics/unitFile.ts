/** Whole-file conditions: a name systemd cannot load, and an empty file (which systemd treats as masked). */
import { firstLineSpan } from '../parser';
import { isValidUnitName, unitNameForm, unitTypeMayTemplate } from '../values/unitName';
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
  const form = unitNameForm(context.unitName);
  if (form && form !== 'plain' && context.unitType && !unitTypeMayTemplate(context.unitType)) {
    // unit_name_is_valid() with the type's template flags (manager_load_unit_prepare()): EINVAL.
    findings.push({
      code: 'unit-type-not-template',
      span: start,
      message: `.${context.unitType} units cannot be templates or instances (only service, socket, target, timer and path units can): systemd cannot load '${context.unitName}'.`,
    });
  }
  if (unit.text.length === 0) {
    findings.push({ code: 'empty-unit', span: start, message: 'This unit file is empty: systemd treats an empty unit file as masked and will not start it.' });
  }
  return findings;
};
