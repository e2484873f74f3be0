/** Refusals systemd applies to every unit that runs processes (src/core/unit.c unit_verify_contexts()). */
import { lastApplied } from '../analysis';
import type { Check } from './types';

const PAM_KILL_MODES = new Set(['control-group', 'mixed']);

/** mount_verify() and swap_verify() asked for control-group alone until v254 (255/256 unchecked: read as later). */
function mixedRefused(type: string | undefined, version: number, mode: string): boolean {
  return mode === 'mixed' && (type === 'mount' || type === 'swap') && version <= 254;
}

export const checkExec: Check = (analysis, input) => {
  const systemdVersion = input.settings.systemdVersion;
  if (analysis.context.isDropIn) return [];
  const findings = [];
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
