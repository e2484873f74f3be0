/**
 * Runs every check over one analysis and turns findings into LSP diagnostics. The order of CHECKS is
 * the order diagnostics are listed in.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeUnit } from '../analysis';
import { parseUnit, STOPS_READING } from '../parser';
import { unitTypeOfName } from '../unitContext';
import { fragmentNames } from '../unitNames';
import { defaultSeverity, type Severity } from './codes';
import { checkDependencies } from './dependencies';
import { checkDeprecated } from './deprecated';
import { checkDirectives } from './directives';
import { checkDuplicates } from './duplicates';
import { checkDynamicUser } from './dynamicUser';
import { checkExec } from './exec';
import { checkRelativeExec } from './relativeExec';
import { checkPairService } from './pairService';
import { checkPairSocket } from './pairSocket';
import { checkSocket } from './socket';
import { checkService } from './service';
import { checkTimer } from './timer';
import { checkPathUnit } from './pathUnit';
import { checkMountLike } from './mount';
import { checkSlice } from './slice';
import { checkSections, checkSyntax } from './syntax';
import { checkUnitFile } from './unitFile';
import type { Check, CheckInput, Finding } from './types';
import { checkValues } from './values';

const CHECKS: Check[] = [
  checkUnitFile, checkSyntax, checkSections, checkDirectives, checkDeprecated, checkValues, checkDuplicates, checkExec, checkRelativeExec, checkService, checkSocket,
  checkTimer, checkPathUnit, checkMountLike, checkSlice,
  checkDynamicUser, checkPairSocket, checkPairService, checkDependencies,
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


/** Drops findings about lines systemd never reads (after an invalid section header or UTF-8 line). */
function afterStop(input: CheckInput, findings: Finding[]): Finding[] {
  const stop = input.unit.problems.find((p) => STOPS_READING.has(p.kind));
  if (!stop) return findings;
  return findings.filter((f) => f.span.start <= stop.span.start || (STOPS_READING as ReadonlySet<string>).has(f.code));
}

/** The checks of a unit on its own (no partners): what a sibling is linted with, one level deep. */
const OWN_CHECKS: Check[] = CHECKS.filter((c) => c !== checkPairSocket && c !== checkPairService && c !== checkDependencies);

/**
 * Lints a unit found next to this one (or through the search path) with its drop-ins, as systemd loads
 * it, but not its partners: one level deep, no resolver of its own.
 */
function siblingRefusal(input: CheckInput, unitName: string): string | undefined {
  const dir = input.context.unitDir;
  // An instance with no file of its own is read from its template's file, as systemd loads it.
  const text = dir ? fragmentNames(unitName).map((n) => input.resolver?.readUnit?.(n, dir)).find((t) => t !== undefined) : undefined;
  if (text === undefined) return undefined;
  // Its drop-ins are looked for where its file is (an installed service's are in the search path).
  const found = dir ? input.index?.unit(unitName, dir) : undefined;
  const sibling: CheckInput = {
    ...input,
    // The index's tree when it holds this very text (parsed once per file, and its analysis kept with it).
    unit: found && found.text === text ? found.unit : parseUnit(text),
    context: { ...input.context, unitName, unitType: unitTypeOfName(unitName), isDropIn: false, unitDir: found ? found.dir : dir },
    resolver: undefined,
    path: found ? found.path : undefined,
  };
  const analysis = analyzeUnit(sibling.unit, sibling.context, sibling.catalog, sibling.settings.systemdVersion);
  const findings = OWN_CHECKS.flatMap((check) => check(analysis, sibling));
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
