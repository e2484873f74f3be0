/**
 * Settings systemd applies but logs as deprecated at load time (src/core/load-fragment.c): KillMode=none,
 * and the cgroup-v1 spellings before their removal in 258 (after that the catalog marks them removed and
 * directives.ts says they are ignored). The line works, so this is information, never a warning.
 * Checked with systemd-analyze verify of 252, 257 and 262 (test/fixtures/verify/deprecated-settings).
 */
import type { AnalyzedEntry } from '../analysis';
import type { Check, Finding } from './types';

/**
 * Keys whose parser logs "Unit uses X=; please use Y instead" while it still applies them. By name, not
 * parser: config_parse_memory_limit also reads MemoryMax= etc., and BlockIOWeight= (another parser)
 * logs nothing.
 */
export const CGROUP_V1_SUCCESSORS: Readonly<Record<string, string>> = {
  CPUShares: 'CPUWeight=',
  StartupCPUShares: 'StartupCPUWeight=',
  MemoryLimit: 'MemoryMax=',
  BlockIODeviceWeight: 'IODeviceWeight=',
  BlockIOReadBandwidth: 'IOReadBandwidthMax=',
  BlockIOWriteBandwidth: 'IOWriteBandwidthMax=',
};

function deprecationOf(e: AnalyzedEntry): string | undefined {
  const { key, value } = e.entry;
  if (key === 'KillMode' && value === 'none') {
    return 'systemd applies KillMode=none but logs that it is unsafe and deprecated: processes of the unit are left running when it stops. Use KillMode=mixed or control-group.';
  }
  const successor = Object.prototype.hasOwnProperty.call(CGROUP_V1_SUCCESSORS, key) ? CGROUP_V1_SUCCESSORS[key] : undefined;
  if (successor && value !== '') {
    return `systemd still applies ${key}= but logs that it is deprecated (it is ignored from systemd 258 on). Use ${successor} instead.`;
  }
  return undefined;
}

export const checkDeprecated: Check = (analysis) => {
  const findings: Finding[] = [];
  for (const e of analysis.entries) {
    if (e.fate !== 'applied') continue;
    const message = deprecationOf(e);
    if (message) findings.push({ code: 'deprecated-setting', span: e.entry.keySpan, message });
  }
  return findings;
};
