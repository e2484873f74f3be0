/**
 * config_parse_timer (src/core/load-fragment.c): OnCalendar= takes a calendar expression, the other
 * On*Sec= settings a time span; both after specifier expansion. An empty value clears every trigger
 * given before; a value systemd cannot parse is ignored (the timer may then be left with none).
 */
import { parseCalendarSpec } from './calendarSpec';
import { expand, invalid } from './problems';
import { parseSec } from './timespan';
import { unitPathValidator } from './pathValues';
import type { Validator, ValueProblem } from './types';

const none: ValueProblem[] = [];

export function timerValidator(ltype: string): Validator {
  const calendar = ltype === 'TIMER_CALENDAR';
  return (value, ctx) => {
    if (value === '') return none;
    const e = expand(value, 'full', 'full', ctx);
    if (e.kind === 'failed') return e.problems;
    if (e.kind === 'unresolved') return none;
    if (calendar) {
      const r = parseCalendarSpec(e.text);
      return r.ok ? none : [invalid(ctx, value, `a calendar expression (${r.error}; e.g. "daily", "Mon..Fri 09:00", "*-*-* 06:00:00")`)];
    }
    return parseSec(e.text).ok ? none : [invalid(ctx, value, 'a time span (e.g. "30s", "5min", "1h 30min"; a bare number is seconds)')];
  };
}

/**
 * config_parse_mount_node (What= of .mount and .swap, v257 and later; 255/256 unchecked, read as
 * before): any string after specifier expansion. Before, a swap's What= was a path (an absolute,
 * normalized one, else the line is ignored) and a mount's What= a plain string.
 */
export const validateMountNode: Validator = (value, ctx) => {
  if ((ctx.systemdVersion ?? 999) < 257 && ctx.directive.section === 'Swap') return pathValidator(value, ctx);
  const e = expand(value, 'full', 'full', ctx);
  return e.kind === 'failed' ? e.problems : none;
};

const pathValidator = unitPathValidator('0');
