/**
 * The reason systemd refuses a timer unit (src/core/timer.c timer_verify()): it has nothing that makes
 * it elapse. Every On*Sec= and OnCalendar= line that parsed adds a trigger, an empty one clears all
 * triggers given before it (config_parse_timer()), a line systemd cannot parse adds none; OnClockChange=
 * and OnTimezoneChange= also count.
 */
import { afterResets, appliedIn } from '../analysis';
import { parseBoolean } from '../values';
import { lastSet, typeSectionSpan, wholeUnitCheckable } from './unitTypeShared';
import type { Check } from './types';

export const checkTimer: Check = (analysis) => {
  if (!wholeUnitCheckable(analysis, 'timer')) return [];
  const triggers = afterResets(appliedIn(analysis, 'Timer').filter((e) => e.def?.parser === 'config_parse_timer'));
  if (triggers.length) return [];
  const onChange = ['OnClockChange', 'OnTimezoneChange'].some((k) => parseBoolean(lastSet(analysis, 'Timer', k)?.entry.value ?? 'no'));
  if (onChange) return [];
  const written = analysis.entries.some((e) => e.section.name === 'Timer' && e.def?.parser === 'config_parse_timer');
  const why = written ? 'every OnCalendar=/On*Sec= line is invalid, ignored or cleared by an empty one' : 'it has no OnCalendar=, OnBootSec=, OnUnitActiveSec= … line';
  return [{
    code: 'timer-no-trigger',
    span: typeSectionSpan(analysis, 'Timer'),
    message: `systemd refuses this timer unit: ${why}, so it could never elapse. Add a valid OnCalendar= or On*Sec= setting.`,
  }];
};
