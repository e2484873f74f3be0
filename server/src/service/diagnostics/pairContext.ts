/** What the pair checks share: the view environment of a check run and the unit being checked as a whole. */
import type { UnitAnalysis } from '../analysis';
import { stopsReading } from '../parser';
import { currentView, type UnitView, type ViewEntry, type ViewEnv } from '../unitView';
import type { CheckInput } from './types';

export function viewEnvOf(analysis: UnitAnalysis, input: CheckInput): ViewEnv {
  return { catalog: input.catalog, systemdVersion: input.settings.systemdVersion, index: input.index, scope: analysis.context.scope };
}

/** The whole unit of the document being checked (its file and drop-ins); undefined without a unit name. */
export function selfView(analysis: UnitAnalysis, input: CheckInput): UnitView | undefined {
  return currentView(analysis, input.path, viewEnvOf(analysis, input));
}

/** Findings are reported where their line is: only lines of the document being checked. */
export function inCurrent(v: ViewEntry | undefined): v is ViewEntry {
  return v !== undefined && v.part.current;
}

/** A file that systemd stops reading (bad header, bad UTF-8) is refused anyway: pair checks stay quiet. */
export function unreadable(analysis: UnitAnalysis): boolean {
  return stopsReading(analysis.unit);
}
