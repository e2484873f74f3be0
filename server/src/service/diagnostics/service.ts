/**
 * The reasons systemd refuses a service unit (src/core/service.c service_verify()), computed from what
 * systemd applies: list directives with resets, the last value of single ones, and the type systemd
 * infers when Type= is not given (service_add_extras()).
 */
import type { UnitAnalysis } from '../analysis';
import { stopsReading, type Span } from '../parser';
import { parseBoolean } from '../values';
import { viewList, viewValue, type UnitView } from '../unitView';
import { inCurrent, selfView } from './pairContext';
import type { Check, Finding } from './types';

function serviceType(view: UnitView, hasExecStart: boolean): string {
  const explicit = viewValue(view, 'Service', 'Type');
  if (explicit) return explicit;
  if (viewValue(view, 'Service', 'BusName')) return 'dbus';
  const credentials = ['LoadCredential', 'LoadCredentialEncrypted', 'SetCredential', 'SetCredentialEncrypted', 'ImportCredential'];
  if (credentials.some((k) => viewValue(view, 'Service', k))) return 'exec';
  return hasExecStart ? 'simple' : 'oneshot';
}

function sectionSpan(analysis: UnitAnalysis): Span {
  const section = analysis.unit.sections.find((s) => s.name === 'Service') ?? analysis.unit.sections[0];
  return section ? section.headerSpan : { start: 0, end: 0 };
}

/**
 * Judged on the whole unit as systemd loads it, the file and its drop-ins (an ExecStart= in
 * web.service.d/exec.conf counts); reported on the unit file only.
 */
export const checkService: Check = (analysis, input) => {
  const { context } = analysis;
  if (context.unitType !== 'service' || context.isDropIn) return [];
  if (stopsReading(analysis.unit)) return [];
  const view = selfView(analysis, input);
  if (!view) return [];
  const start = viewList(view, 'Service', (v) => v.e.entry.key === 'ExecStart');
  const stop = viewList(view, 'Service', (v) => v.e.entry.key === 'ExecStop');
  const successAction = viewValue(view, 'Unit', 'SuccessAction') ?? 'none';
  const remainAfterExit = parseBoolean(viewValue(view, 'Service', 'RemainAfterExit') ?? 'no') ?? false;
  const type = serviceType(view, start.length > 0);
  const at = sectionSpan(analysis);
  const refuse = (message: string, span: Span = at): Finding[] => [{ code: 'service-refused', span, message: `${message} systemd refuses the unit.` }];

  // Same order as service_verify(): the first failing rule is the one systemd reports.
  if (!start.length && !stop.length && successAction === 'none') return refuse('A service needs ExecStart=, ExecStop= or SuccessAction=.');
  if (type !== 'oneshot' && !start.length) return refuse(`Type=${type} needs ExecStart= (only Type=oneshot may go without).`);
  if (!remainAfterExit && !start.length && successAction === 'none') return refuse('Without ExecStart= a service needs RemainAfterExit=yes or a SuccessAction=.');
  if (type !== 'oneshot' && start.length > 1) {
    return refuse(`Type=${type} allows one ExecStart= (only Type=oneshot may have several).`, inCurrent(start[1]) ? start[1].e.entry.span : at);
  }
  const restart = viewValue(view, 'Service', 'Restart');
  if (type === 'oneshot' && (restart === 'always' || restart === 'on-success')) return refuse(`Restart=${restart} is not allowed with Type=oneshot.`);
  if (type === 'oneshot' && viewValue(view, 'Service', 'ExitType') === 'cgroup') return refuse('ExitType=cgroup is not allowed with Type=oneshot.');
  if (type === 'dbus' && !viewValue(view, 'Service', 'BusName')) return refuse('Type=dbus needs BusName=.');
  return [];
};
