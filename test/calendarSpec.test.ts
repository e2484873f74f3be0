/**
 * The calendar-expression parser (server/src/service/values/calendarSpec.ts) against the real
 * `systemd-analyze calendar` of this machine: for every expression of test/fixtures/calendar/corpus.txt
 * the verdict, the normalized form and the next three elapse times from a fixed base must match.
 * Also a few unit tests that need no systemd.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nextElapses, parseCalendarSpec } from '../server/src/service/values/calendarSpec';

const CORPUS = fs
  .readFileSync(path.join(__dirname, 'fixtures', 'calendar', 'corpus.txt'), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'));

const BASE = '2026-03-15 12:34:56 UTC';
const BASE_DATE = new Date('2026-03-15T12:34:56Z');

function formatUtc(d: Date): string {
  const w = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const iso = d.toISOString();
  return `${w} ${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function analyzeSupportsBaseTime(): boolean | undefined {
  const r = spawnSync('systemd-analyze', ['calendar', '--help'], { encoding: 'utf8' });
  if (r.error) return undefined;
  return /--base-time/.test(r.stdout);
}

const baseTime = analyzeSupportsBaseTime();

function systemdCalendar(expr: string): { normalized?: string; times: string[] } {
  const args = ['calendar', '--iterations=3', ...(baseTime ? [`--base-time=${BASE}`] : []), expr];
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C', SYSTEMD_COLORS: '0' } });
  const normalized = /Normalized form: (.*)/.exec(r.stdout)?.[1];
  const times = [...r.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): (.*)/g)].map((m) => m[1].replace(/ \(in UTC\)$/, ''));
  return { normalized, times: times.filter((t) => t !== 'never') };
}

test('the calendar corpus is large and mixes valid and invalid expressions', () => {
  assert.ok(CORPUS.length >= 60, `only ${CORPUS.length} expressions`);
  const valid = CORPUS.filter((e) => parseCalendarSpec(e).ok).length;
  assert.ok(valid >= 30 && CORPUS.length - valid >= 20, `${valid} valid of ${CORPUS.length}`);
});

test('calendar expressions agree with systemd-analyze calendar', { skip: baseTime === undefined ? 'systemd-analyze is not installed' : false }, () => {
  const problems: string[] = [];
  for (const expr of CORPUS) {
    const sys = systemdCalendar(expr);
    const ours = parseCalendarSpec(expr);
    const normalized = ours.ok ? ours.normalized : undefined;
    if (normalized !== sys.normalized) problems.push(`${JSON.stringify(expr)}: systemd ${sys.normalized ?? 'rejects'}, ours ${normalized ?? `rejects (${!ours.ok && ours.error})`}`);
    if (!ours.ok || !sys.normalized || !baseTime) continue;
    const next = nextElapses(ours.spec, BASE_DATE, 3);
    if (!next.ok) continue; // a named zone: not computed
    const times = next.times.map(formatUtc);
    if (JSON.stringify(times) !== JSON.stringify(sys.times)) problems.push(`${JSON.stringify(expr)}: systemd elapses ${sys.times.join(' | ')}, ours ${times.join(' | ')}`);
  }
  assert.deepEqual(problems, []);
});

test('calendar: rules that need no systemd', () => {
  const norm = (e: string) => {
    const r = parseCalendarSpec(e);
    return r.ok ? r.normalized : undefined;
  };
  assert.equal(norm('weekly'), 'Mon *-*-* 00:00:00');
  assert.equal(norm('Mon..Fri 9:00'), 'Mon..Fri *-*-* 09:00:00');
  assert.equal(norm('*-*~03'), '*-*~03 00:00:00');
  assert.equal(norm('10:00 UTC'), '*-*-* 10:00:00 UTC');
  assert.equal(norm('10:00 Europe/Berlin'), '*-*-* 10:00:00 Europe/Berlin');
  assert.equal(norm('25:00'), undefined);
  assert.equal(norm('Fri..Mon 10:00'), undefined);
  assert.equal(norm(''), undefined);
  // The local zone of the target is unknown: an abbreviation is accepted as its name, a known list decides.
  assert.equal(norm('10:00 XYZ'), '*-*-* 10:00:00 XYZ');
  assert.equal(parseCalendarSpec('10:00 XYZ', { localZoneNames: ['UTC', 'UTC'] }).ok, false);
  const spec = parseCalendarSpec('*-*-* 06:00');
  assert.ok(spec.ok);
  const next = nextElapses(spec.spec, new Date('2026-01-01T07:00:00Z'), 2);
  assert.ok(next.ok);
  assert.deepEqual(next.times.map((d) => d.toISOString()), ['2026-01-02T06:00:00.000Z', '2026-01-03T06:00:00.000Z']);
  const zoned = parseCalendarSpec('10:00 Asia/Tokyo');
  assert.ok(zoned.ok);
  assert.equal(nextElapses(zoned.spec, new Date(), 3).ok, false);
});
