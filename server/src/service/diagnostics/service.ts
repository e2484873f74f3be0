/**
 * The reasons systemd refuses a service unit (src/core/service.c service_verify()), computed from what
 * systemd applies: list directives with resets, the last value of single ones, and the type systemd
 * infers when Type= is not given (service_add_extras()).
 */
import { afterResets, appliedIn, lastApplied, type AnalyzedEntry, type UnitAnalysis } from '../analysis';
import type { Span } from '../parser';
import { parseBoolean } from '../values';
import type { Check, Finding } from './types';

function effectiveList(analysis: UnitAnalysis, key: string): AnalyzedEntry[] {
  return afterResets(appliedIn(analysis, 'Service', key));
}

function lastValue(analysis: UnitAnalysis, section: string, key: string): string | undefined {
  const value = lastApplied(analysis, section, key)?.entry.value;
  return value === '' ? undefined : value;
}

function serviceType(analysis: UnitAnalysis, hasExecStart: boolean): string {
  const explicit = lastValue(analysis, 'Service', 'Type');
  if (explicit) return explicit;
  if (lastValue(analysis, 'Service', 'BusName')) return 'dbus';
  const credentials = ['LoadCredential', 'LoadCredentialEncrypted', 'SetCredential', 'SetCredentialEncrypted', 'ImportCredential'];
  if (credentials.some((k) => lastValue(analysis, 'Service', k))) return 'exec';
  return hasExecStart ? 'simple' : 'oneshot';
}

function sectionSpan(analysis: UnitAnalysis): Span {
  const section = analysis.unit.sections.find((s) => s.name === 'Service') ?? analysis.unit.sections[0];
  return section ? section.headerSpan : { start: 0, end: 0 };
}

export const checkService: Check = (analysis) => {
  const { context } = analysis;
  if (context.unitType !== 'service' || context.isDropIn) return [];
  if (analysis.unit.problems.some((p) => p.kind === 'invalid-section-header' || p.kind === 'invalid-utf8')) return [];
  const start = effectiveList(analysis, 'ExecStart');
  const stop = effectiveList(analysis, 'ExecStop');
  const successAction = lastValue(analysis, 'Unit', 'SuccessAction') ?? 'none';
  const remainAfterExit = parseBoolean(lastValue(analysis, 'Service', 'RemainAfterExit') ?? 'no') ?? false;
  const type = serviceType(analysis, start.length > 0);
  const at = sectionSpan(analysis);
  const refuse = (message: string, span: Span = at): Finding[] => [{ code: 'service-refused', span, message: `${message} systemd refuses the unit.` }];

  // Same order as service_verify(): the first failing rule is the one systemd reports.
  if (!start.length && !stop.length && successAction === 'none') return refuse('A service needs ExecStart=, ExecStop= or SuccessAction=.');
  if (type !== 'oneshot' && !start.length) return refuse(`Type=${type} needs ExecStart= (only Type=oneshot may go without).`);
  if (!remainAfterExit && !start.length && successAction === 'none') return refuse('Without ExecStart= a service needs RemainAfterExit=yes or a SuccessAction=.');
  if (type !== 'oneshot' && start.length > 1) return refuse(`Type=${type} allows one ExecStart= (only Type=oneshot may have several).`, start[1].entry.span);
  const restart = lastValue(analysis, 'Service', 'Restart');
  if (type === 'oneshot' && (restart === 'always' || restart === 'on-success')) return refuse(`Restart=${restart} is not allowed with Type=oneshot.`);
  if (type === 'oneshot' && lastValue(analysis, 'Service', 'ExitType') === 'cgroup') return refuse('ExitType=cgroup is not allowed with Type=oneshot.');
  if (type === 'dbus' && !lastValue(analysis, 'Service', 'BusName')) return refuse('Type=dbus needs BusName=.');
  return [];
};
