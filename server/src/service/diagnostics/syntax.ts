/** Line-level problems systemd's ini reader reports, and sections the unit type does not read. */
import type { ParseProblemKind } from '../parser';
import { isExtensionName } from '../analysis';
import { withSuffix } from '../unitContext';
import type { Check, Finding } from './types';
import type { DiagnosticCode } from './codes';

const PARSE_PROBLEM_CODES: Record<ParseProblemKind, DiagnosticCode> = {
  'invalid-section-header': 'invalid-section-header',
  'invalid-utf8': 'invalid-utf8',
  'line-too-long': 'line-too-long',
  'missing-equals': 'missing-equals',
  'missing-key': 'missing-key',
  'assignment-outside-section': 'assignment-outside-section',
};

function parseProblemMessage(kind: ParseProblemKind, text: string): string {
  switch (kind) {
    case 'invalid-section-header':
      return `Invalid section header '${text}': systemd stops reading the file here and refuses the unit.`;
    case 'invalid-utf8':
      return 'This line is not valid UTF-8: systemd stops reading the file here and refuses the unit.';
    case 'line-too-long':
      return 'This line is 1 MiB or longer: systemd cannot read it, stops at this line and refuses the unit.';
    case 'missing-equals':
      return `Missing '=': systemd ignores the line '${text}'.`;
    case 'missing-key':
      return 'Missing key name before \'=\': systemd ignores the line.';
    case 'assignment-outside-section':
      return 'Assignment outside of any section: systemd ignores it. Put it under a [Section] header.';
  }
}

export const checkSyntax: Check = (analysis) =>
  analysis.unit.problems.map((p) => ({
    code: PARSE_PROBLEM_CODES[p.kind],
    span: p.span,
    message: parseProblemMessage(p.kind, p.text),
  }));

export const checkSections: Check = (analysis, { catalog }) => {
  const findings: Finding[] = [];
  const { context } = analysis;
  analysis.unit.sections.forEach((section, i) => {
    if (analysis.sectionRead[i] || isExtensionName(section.name)) return;
    findings.push({ code: 'unknown-section', span: section.headerSpan, message: unknownSectionMessage(section.name) });
  });
  return findings;

  function unknownSectionMessage(name: string): string {
    if (!context.unitType) return `Unknown section [${name}]: systemd ignores it and everything in it.`;
    const readers = Object.entries(catalog.data.sectionsByUnitType)
      .filter(([, sections]) => sections.includes(name))
      .map(([type]) => type);
    const where =
      readers.length === 1 && context.unitName && !context.isDropIn
        ? ` It belongs in ${withSuffix(context.unitName, '.' + readers[0])}.`
        : readers.length
          ? ` It is read in .${readers.join(', .')} units.`
          : '';
    return `A .${context.unitType} unit has no [${name}] section: systemd ignores it and everything in it.${where}`;
  }
};
