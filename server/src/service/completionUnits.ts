/**
 * Unit names for the directives that take them: Service=, Sockets=, the [Unit] dependencies, Unit=,
 * Slice= and the [Install] lists. Candidates are the units of the workspace plus systemd's own
 * well-known targets (systemd.special(7)).
 */
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver-types';
import type { UnitType } from './catalogTypes';
import type { UnitContext } from './unitContext';
import { unitNameForm, unitTypeOf } from './values/unitName';

interface SpecialUnit {
  name: string;
  detail: string;
  /** Also exists in a user manager (systemd --user); the others are system-manager only. */
  user: boolean;
}

const SPECIAL_TARGETS: readonly SpecialUnit[] = [
  { name: 'sockets.target', detail: 'socket units started at boot', user: true },
  { name: 'multi-user.target', detail: 'the normal running system (no graphical session)', user: false },
  { name: 'default.target', detail: 'what the manager starts by default (boot, or user login)', user: true },
  { name: 'network.target', detail: 'network stack started (not necessarily online)', user: false },
  { name: 'network-online.target', detail: 'network configured and online (use with Wants= and After=)', user: false },
  { name: 'timers.target', detail: 'timer units started at boot', user: true },
  { name: 'basic.target', detail: 'basic boot finished: sockets, timers, paths, mounts', user: true },
  { name: 'sysinit.target', detail: 'early boot set-up finished', user: false },
  { name: 'shutdown.target', detail: 'reached at shutdown (Conflicts=/Before= to stop in time)', user: true },
];

const SPECIAL_SLICES: readonly SpecialUnit[] = [
  { name: 'system.slice', detail: 'default slice of system services', user: false },
  { name: 'user.slice', detail: 'slice of user sessions', user: false },
  { name: 'machine.slice', detail: 'slice of virtual machines and containers', user: false },
  { name: 'app.slice', detail: 'default slice of user services', user: true },
  { name: 'background.slice', detail: 'low-priority user services', user: true },
];

/** What kind of unit list a directive takes. */
type UnitListKind = 'service' | 'sockets' | 'dependencies' | 'trigger' | 'slice' | 'install-targets' | 'also';

export interface UnitListInfo {
  kind: UnitListKind;
  /** Several names separated by blanks: complete the word under the cursor only. */
  isList: boolean;
}

/** Which parsers take unit names; the [Install] lists are plain strv lists parsed by install.c. */
export function unitListInfo(section: string, parser: string): UnitListInfo | undefined {
  switch (parser) {
    case 'config_parse_socket_service': return { kind: 'service', isList: false };
    case 'config_parse_service_sockets': return { kind: 'sockets', isList: true };
    case 'config_parse_unit_deps':
    case 'config_parse_obsolete_unit_deps': return { kind: 'dependencies', isList: true };
    case 'config_parse_trigger_unit': return { kind: 'trigger', isList: false };
    case 'config_parse_unit_slice': return { kind: 'slice', isList: false };
    case 'config_parse_also': return { kind: 'also', isList: true };
    case 'config_parse_strv': return section === 'Install' ? { kind: 'install-targets', isList: true } : undefined;
    default: return undefined;
  }
}

interface Candidate {
  name: string;
  detail: string;
  /** Lower sorts first. */
  rank: number;
}

/**
 * The target a unit of this type is usually installed into: sockets.target for sockets, timers.target
 * for timers, else multi-user.target (system) or default.target (user manager).
 */
function usualInstallTarget(context: UnitContext): string {
  if (context.unitType === 'socket') return 'sockets.target';
  if (context.unitType === 'timer') return 'timers.target';
  return context.scope === 'user' ? 'default.target' : 'multi-user.target';
}

function specialsFor(list: readonly SpecialUnit[], context: UnitContext): SpecialUnit[] {
  return list.filter((u) => context.scope === 'system' || u.user);
}

function workspaceOfType(units: readonly string[], types: readonly UnitType[]): string[] {
  return units.filter((u) => {
    const type = unitTypeOf(u);
    return type !== undefined && types.includes(type);
  });
}

function fromWorkspace(names: readonly string[], rank: number): Candidate[] {
  return names.map((name) => ({ name, detail: 'unit in this workspace', rank }));
}

function fromSpecials(list: readonly SpecialUnit[], rank: number): Candidate[] {
  return list.map((u) => ({ name: u.name, detail: u.detail, rank }));
}

function candidatesFor(kind: UnitListKind, workspace: readonly string[], context: UnitContext): Candidate[] {
  switch (kind) {
    case 'service':
      // Service= is loaded as named, and a template has no instance to run (dependencies, by contrast,
      // get this unit's instance or prefix filled in, so templates stay in those lists).
      return fromWorkspace(workspaceOfType(workspace, ['service']).filter((u) => unitNameForm(u) !== 'template'), 0);
    case 'sockets':
      return fromWorkspace(workspaceOfType(workspace, ['socket']), 0);
    case 'dependencies':
      return [...fromWorkspace(workspace, 0), ...fromSpecials(specialsFor(SPECIAL_TARGETS, context), 1)];
    case 'trigger':
      // Unit= of a .timer or .path: whatever it starts, never another timer or path.
      return fromWorkspace(workspace.filter((u) => !['timer', 'path'].includes(unitTypeOf(u) ?? '')), 0);
    case 'slice':
      return [...fromWorkspace(workspaceOfType(workspace, ['slice']), 0), ...fromSpecials(specialsFor(SPECIAL_SLICES, context), 1)];
    case 'also':
      return fromWorkspace(workspace, 0);
    case 'install-targets': {
      const usual = usualInstallTarget(context);
      const specials = specialsFor(SPECIAL_TARGETS, context).map((u) => ({ name: u.name, detail: u.detail, rank: u.name === usual ? 0 : 1 }));
      return [...specials, ...fromWorkspace(workspaceOfType(workspace, ['target']), 1), ...fromWorkspace(workspace, 2)];
    }
  }
}

/**
 * Unit-name items for a directive. `alreadyListed`: the other words of the value, which are not offered
 * again; the unit itself is never offered (a dependency on itself means nothing).
 */
export function unitNameItems(info: UnitListInfo, workspace: readonly string[], context: UnitContext, alreadyListed: readonly string[]): CompletionItem[] {
  const seen = new Set<string>([...alreadyListed, ...(context.unitName ? [context.unitName] : [])]);
  const items: CompletionItem[] = [];
  for (const c of candidatesFor(info.kind, workspace, context)) {
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    items.push({ label: c.name, kind: CompletionItemKind.Reference, detail: c.detail, sortText: `${c.rank}-${c.name}`, insertText: c.name });
  }
  return items;
}
