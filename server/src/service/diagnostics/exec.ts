/** Refusals systemd applies to every unit that runs processes (src/core/unit.c unit_verify_contexts()). */
import { lastApplied, type UnitAnalysis } from '../analysis';
import { parseBoolean } from '../values';
import type { Check, Finding } from './types';

const PAM_KILL_MODES = new Set(['control-group', 'mixed']);

/** mount_verify() and swap_verify() asked for control-group alone until v254 (255/256 unchecked: read as later). */
function mixedRefused(type: string | undefined, version: number, mode: string): boolean {
  return mode === 'mixed' && (type === 'mount' || type === 'swap') && version <= 254;
}

/**
 * PrivatePIDs= (new in 257) other than "no" in a unit that is not a service: unit_verify_contexts() refuses
 * it ("PrivatePIDs= setting is only supported for service units. Refusing.", 257 and 262 checked), because
 * only services can follow a main process in a new PID namespace (UNIT_VTABLE(u)->notify_pidref).
 * A drop-in counts too: the line itself is the problem, whatever else the unit says.
 */
const NON_SERVICE_EXEC_SECTIONS = ['Socket', 'Mount', 'Swap'];

function privatePidsFindings(analysis: UnitAnalysis): Finding[] {
  const findings: Finding[] = [];
  for (const section of NON_SERVICE_EXEC_SECTIONS) {
    const e = lastApplied(analysis, section, 'PrivatePIDs');
    if (!e || e.entry.value === '' || parseBoolean(e.entry.value) === false) continue;
    findings.push({
      code: 'private-pids-not-service',
      span: e.entry.span,
      message: `systemd refuses a .${section.toLowerCase()} unit with PrivatePIDs=${e.entry.value}: only services can run in a PID namespace of their own. Remove the line, or set it in the service.`,
    });
  }
  return findings;
}

export const checkExec: Check = (analysis, input) => {
  const systemdVersion = input.settings.systemdVersion;
  const privatePids = privatePidsFindings(analysis);
  if (analysis.context.isDropIn) return privatePids;
  const findings: Finding[] = [...privatePids];
  for (const section of new Set(analysis.entries.map((e) => e.section.name))) {
    const pam = lastApplied(analysis, section, 'PAMName');
    const kill = lastApplied(analysis, section, 'KillMode');
    if (!pam || pam.entry.value === '' || !kill || kill.entry.value === '') continue;
    if (PAM_KILL_MODES.has(kill.entry.value) && !mixedRefused(analysis.context.unitType, systemdVersion, kill.entry.value)) continue;
    findings.push({
      code: 'pam-kill-mode' as const,
      span: kill.entry.span,
      message: `PAMName= needs KillMode=control-group or mixed so the PAM session ends cleanly; with KillMode=${kill.entry.value} systemd refuses the unit.`,
    });
  }
  return findings;
};
