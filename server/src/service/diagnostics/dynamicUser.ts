/**
 * DynamicUser= in a unit a user manager runs. systemd 257 refuses such a unit when loading it
 * (unit_verify_contexts(), src/core/unit.c: "DynamicUser= enabled for user unit, which is not supported.
 * Refusing."). systemd 252 loads it, and every start fails in the child: "Failed to update dynamic user
 * credentials: Permission denied", status 217/USER (seen with a real 252 user manager, test/pairSystemd.test.ts).
 * Either way the unit never runs. Checked in drop-ins too: the line itself is the problem.
 * Also: WorkingDirectory=~ under DynamicUser=yes (below).
 */
import { lastApplied, type UnitAnalysis } from '../analysis';
import { parseBoolean } from '../values';
import type { Check, CheckInput, Finding } from './types';

export const checkDynamicUser: Check = (analysis, input) => [...userUnitFindings(analysis), ...homeWorkdirFindings(analysis, input)];

/**
 * WorkingDirectory=~ (or -~) with DynamicUser=yes: a dynamic user has no home. systemd 257 refuses the
 * unit in unit_verify_contexts() ("WorkingDirectory=~ is not allowed under DynamicUser=yes. Refusing.");
 * 254 has no such check and loads it (252 checked too). 255 and 256 were not checked, so the Error starts
 * at 257, the first version seen refusing. Only when both lines are in this file: a drop-in may change either.
 */
const HOME_WORKDIR_REFUSED_SINCE = 257;

function homeWorkdirFindings(analysis: UnitAnalysis, input: CheckInput): Finding[] {
  if (analysis.context.isDropIn || input.settings.systemdVersion < HOME_WORKDIR_REFUSED_SINCE) return [];
  const findings: Finding[] = [];
  for (const section of analysis.applied.keys()) {
    const dyn = lastApplied(analysis, section, 'DynamicUser');
    const wd = lastApplied(analysis, section, 'WorkingDirectory');
    if (!dyn || parseBoolean(dyn.entry.value) !== true || !wd) continue;
    if (wd.entry.value !== '~' && wd.entry.value !== '-~') continue;
    findings.push({
      code: 'dynamic-user-home-workdir',
      span: wd.entry.span,
      message:
        'A dynamic user has no home directory, so systemd refuses a unit with DynamicUser=yes and WorkingDirectory=~. ' +
        'Give an absolute WorkingDirectory= (e.g. under StateDirectory=) or drop the line.',
    });
  }
  return findings;
}

function userUnitFindings(analysis: UnitAnalysis): Finding[] {
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
