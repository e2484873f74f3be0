/**
 * Hover lines for an OnCalendar= value: the normalized form systemd prints for it (as
 * `systemd-analyze calendar` does) and the next elapse times from now. Pure: Date and Intl only.
 */
import { nextElapses, parseCalendarSpec } from './values/calendarSpec';

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** "Mon 2026-12-07 10:00:00 UTC" or the same in the local zone of the editor. */
function formatTime(d: Date, utc: boolean): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  if (utc) return `${days[d.getUTCDay()]} ${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC`;
  return `${days[d.getDay()]} ${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} (local time of this editor)`;
}

export function calendarLines(value: string, now: Date = new Date(), count = 3): string[] {
  // A specifier is expanded on the target first; the expression is not known here.
  if (value.includes('%')) return [];
  const parsed = parseCalendarSpec(value);
  if (!parsed.ok) return [`⚠️ Not a calendar expression systemd accepts (${parsed.error}); systemd ignores this line.`];
  const lines = [`**Normalized form:** \`${parsed.normalized}\``];
  const next = nextElapses(parsed.spec, now, count);
  if (!next.ok) return [...lines, '', `Next elapse: ${next.reason}.`];
  if (next.times.length === 0) return [...lines, '', 'Next elapse: never (this expression has no time left to match).'];
  lines.push('', ...next.times.map((t, i) => `${i === 0 ? 'Next elapse' : `Then #${i + 1}`}: ${formatTime(t, parsed.spec.utc)}  `));
  return lines;
}
