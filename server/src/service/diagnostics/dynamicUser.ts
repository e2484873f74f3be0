/**
 * DynamicUser= in a unit a user manager runs. systemd 257 refuses such a unit when loading it
 * (unit_verify_contexts(), src/core/unit.c: "DynamicUser= enabled for user unit, which is not supported.
 * Refusing."). systemd 252 loads it, and every start fails in the child: "Failed to update dynamic user
 * credentials: Permission denied", status 217/USER (seen with a real 252 user manager, test/pairSystemd.test.ts).
 * Either way the unit never runs. Checked in drop-ins too: the line itself is the problem.
 */
import { lastApplied } from '../analysis';
import { parseBoolean } from '../values';
import type { Check, Finding } from './types';

export const checkDynamicUser: Check = (analysis) => {
  if (analysis.context.scope !== 'user') return [];
  const findings: Finding[] = [];
  for (const section of analysis.applied.keys()) {
    const e = lastApplied(analysis, section, 'DynamicUser');
    if (!e || parseBoolean(e.entry.value) !== true) continue;
    findings.push({
      code: 'dynamic-user-in-user-unit',
      span: e.entry.span,
      message:
        'DynamicUser= needs the system manager, and this unit is for a user manager: systemd 257 and later refuse the unit ' +
        '("DynamicUser= enabled for user unit, which is not supported"); 252 loads it, and every start fails with ' +
        '"Failed to update dynamic user credentials: Permission denied" (status 217/USER). A user service already runs as that user: ' +
        'remove the line, or install the unit as a system unit.',
    });
  }
  return findings;
};
