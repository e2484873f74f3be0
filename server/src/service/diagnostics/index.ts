/**
 * Runs every check over one analysis and turns findings into LSP diagnostics. The order of CHECKS is
 * the order diagnostics are listed in.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeUnit } from '../analysis';
import { parseUnit } from '../parser';
import { unitTypeOfName } from '../unitContext';
import { defaultSeverity, type Severity } from './codes';
import { checkDeprecated } from './deprecated';
import { checkDirectives } from './directives';
import { checkDuplicates } from './duplicates';
import { checkDynamicUser } from './dynamicUser';
import { checkExec } from './exec';
import { checkPairService } from './pairService';
import { checkPairSocket } from './pairSocket';
import { checkSocket } from './socket';
import { checkService } from './service';
import { checkSections, checkSyntax } from './syntax';
import { checkUnitFile } from './unitFile';
import type { Check, CheckInput, Finding } from './types';
import { checkValues } from './values';

const CHECKS: Check[] = [
  checkUnitFile, checkSyntax, checkSections, checkDirectives, checkDeprecated, checkValues, checkDuplicates, checkExec, checkService, checkSocket,
  checkDynamicUser, checkPairSocket, checkPairService,
];

export const DIAGNOSTIC_SOURCE = 'sockact';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function collectFindings(input: CheckInput): Finding[] {
  const analysis = analyzeUnit(input.unit, input.context, input.catalog, input.settings.systemdVersion);
  const withSiblings = { ...input, siblingRefusal: (name: string) => siblingRefusal(input, name) };
  return afterStop(input, CHECKS.flatMap((check) => check(analysis, withSiblings)));
}

/** Problems that make systemd stop reading the file: nothing after them is ever parsed. */
const STOPS_READING = new Set(['invalid-section-header', 'invalid-utf8']);

/** Drops findings about lines systemd never reads (after an invalid section header or UTF-8 line). */
function afterStop(input: CheckInput, findings: Finding[]): Finding[] {
  const stop = input.unit.problems.find((p) => STOPS_READING.has(p.kind));
  if (!stop) return findings;
  return findings.filter((f) => f.span.start <= stop.span.start || STOPS_READING.has(f.code));
}

/** Lints a unit found next to this one (one level deep: the sibling gets no resolver of its own). */
function siblingRefusal(input: CheckInput, unitName: string): string | undefined {
  const dir = input.context.unitDir;
  const text = dir ? input.resolver?.readUnit?.(unitName, dir) : undefined;
  if (text === undefined) return undefined;
  const findings = collectFindings({
    ...input,
    unit: parseUnit(text),
    context: { ...input.context, unitName, unitType: unitTypeOfName(unitName), isDropIn: false, unitDir: dir },
    resolver: undefined,
    index: undefined,
  });
  return findings.find((f) => (f.severity ?? defaultSeverity(f.code)) === 'error')?.message;
}

function severityOf(finding: Finding, input: CheckInput): Severity | 'off' {
  return input.settings.severities?.[finding.code] ?? finding.severity ?? defaultSeverity(finding.code);
}

export function toDiagnostic(document: TextDocument, finding: Finding, severity: Severity): Diagnostic {
  return {
    range: { start: document.positionAt(finding.span.start), end: document.positionAt(finding.span.end) },
    severity: LSP_SEVERITY[severity],
    code: finding.code,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    ...(finding.data ? { data: finding.data } : {}),
  };
}

export function computeDiagnostics(document: TextDocument, input: CheckInput): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // Document order, so a terminal reads top to bottom (the sort is stable: same place keeps check order).
  const findings = collectFindings(input).sort((a, b) => a.span.start - b.span.start);
  for (const finding of findings) {
    const severity = severityOf(finding, input);
    if (severity !== 'off') diagnostics.push(toDiagnostic(document, finding, severity));
  }
  return diagnostics;
}
