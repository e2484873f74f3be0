/** What every editor feature (completion, hover, code actions, links …) gets besides the document and its tree. */
import type { DirectiveCatalog } from './catalog';
import type { UnitContext } from './unitContext';
import type { UnitIndex } from './workspaceIndex';

export interface FeatureContext {
  catalog: DirectiveCatalog;
  /** Unit type, name, folder, drop-in or not, system or user scope. */
  context: UnitContext;
  /** The systemd version the user targets (setting, else the local systemd, else the newest known). */
  systemdVersion: number;
  /** Unit file names found in the workspace (e.g. "web.service"), for unit-name completion. */
  workspaceUnits: readonly string[];
  /** Also offer directives newer than the target version (the user asked for them). */
  includeNewer?: boolean;
  /** The client's command that reopens completion (after a directive name with "=" is inserted). */
  suggestCommand?: string;
  /** The workspace's units and drop-ins, when the host has them (quick fixes that touch a unit's partner). */
  index?: UnitIndex;
}
