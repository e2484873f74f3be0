/**
 * False-positive guard: the unit files the distribution ships in /lib/systemd/system are loaded by
 * systemd, so `sockact lint` must report no diagnostic of severity "error" for any of them. Warnings
 * are allowed but counted and printed (grouped by code) for review.
 *
 * One principled exception, decided live and never by a list: a unit that systemd itself refuses on
 * this machine. Example on Debian 12 without a syslog daemon: syslog.socket triggers syslog.service,
 * an alias that only exists once rsyslog (or similar) is installed, and `systemd-analyze verify`
 * says "syslog.socket: service syslog.service not loaded, socket cannot be started." For every file we
 * flag with an error, the test runs `systemd-analyze verify` on it; an error is excused only when
 * systemd also refuses that very unit (environment noise such as missing binaries does not count).
 * Drop-ins are never excused. Excused errors are printed.
 *
 * Files linted: regular files with a unit suffix, drop-ins (`*.d/*.conf`), and top-level alias
 * symlinks that resolve to a unit file (e.g. kmod.service → systemd-modules-load.service). Skipped:
 * masks (symlinks to /dev/null) and the enablement links in `*.wants/`, `*.requires/`, `*.upholds/`
 * (they point at files that are linted anyway).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliBuilt, formatDiag, runLint, runSystemdVerify, systemdAnalyzeVersion, type JsonDiag } from './helpers/cli';

const SYSTEM_DIR = '/lib/systemd/system';
const UNIT_SUFFIXES = ['socket', 'service', 'timer', 'path', 'mount', 'automount', 'swap', 'target', 'slice', 'scope'];
const UNIT_FILE = new RegExp(`\\.(${UNIT_SUFFIXES.join('|')})$`);
const LINK_DIRS = /\.(wants|requires|upholds)$/;
const BATCH = 300;

function collectUnitFiles(root: string): { files: string[]; skipped: string[] } {
  const files: string[] = [];
  const skipped: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth === 0 && UNIT_FILE.test(e.name.replace(/\.d$/, '')) && e.name.endsWith('.d')) walk(full, depth + 1);
        else if (!LINK_DIRS.test(e.name)) skipped.push(`${full}/ (directory)`);
        continue;
      }
      const isDropIn = depth === 1 && e.name.endsWith('.conf');
      if (!isDropIn && !(depth === 0 && UNIT_FILE.test(e.name))) continue;
      if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = fs.realpathSync(full);
        } catch {
          skipped.push(`${full} (dangling symlink)`);
          continue;
        }
        if (target === '/dev/null' || !fs.statSync(target).isFile()) {
          skipped.push(`${full} (masked: → ${target})`);
          continue;
        }
      } else if (!e.isFile()) {
        continue;
      }
      files.push(full);
    }
  };
  walk(root, 0);
  return { files, skipped };
}

const haveSystemDir = fs.existsSync(SYSTEM_DIR);

test(`no errors for the unit files shipped in ${SYSTEM_DIR}`, { skip: haveSystemDir ? false : `${SYSTEM_DIR} does not exist here` }, () => {
  assert.ok(cliBuilt(), 'dist/cli.js is missing: run `npm run build` (npm test does it in pretest)');
  const { files, skipped } = collectUnitFiles(SYSTEM_DIR);
  assert.ok(files.length > 0, `no unit files found in ${SYSTEM_DIR}`);

  const diagnostics: JsonDiag[] = [];
  const statuses: string[] = [];
  const started = Date.now();
  for (let i = 0; i < files.length; i += BATCH) {
    const batch = files.slice(i, i + BATCH);
    const r = runLint(batch);
    diagnostics.push(...r.diagnostics);
    if (r.status !== 0 && r.status !== 1) statuses.push(`batch ${i / BATCH}: exit ${r.status}; stderr: ${r.stderr.trim()}`);
  }
  const elapsed = Date.now() - started;

  // Report for review.
  const bySeverity = new Map<string, Map<string, JsonDiag[]>>();
  for (const d of diagnostics) {
    const codes = bySeverity.get(d.severity) ?? new Map<string, JsonDiag[]>();
    codes.set(d.code, [...(codes.get(d.code) ?? []), d]);
    bySeverity.set(d.severity, codes);
  }
  const report: string[] = [
    `Linted ${files.length} files from ${SYSTEM_DIR} (${files.filter((f) => f.endsWith('.conf')).length} drop-ins; ` +
      `${skipped.length} skipped) in ${elapsed} ms: ${diagnostics.length} diagnostics.`,
  ];
  for (const sev of ['error', 'warning', 'information', 'hint']) {
    const codes = bySeverity.get(sev);
    if (!codes) {
      report.push(`  ${sev}: 0`);
      continue;
    }
    const total = [...codes.values()].reduce((n, l) => n + l.length, 0);
    report.push(`  ${sev}: ${total}`);
    for (const [code, list] of [...codes.entries()].sort((a, b) => b[1].length - a[1].length)) {
      report.push(`    ${code}: ${list.length}`);
      const show = sev === 'error' || sev === 'warning' ? list : list.slice(0, 3);
      for (const d of show) report.push(`      ${formatDiag(d)}`);
      if (show.length < list.length) report.push(`      … and ${list.length - show.length} more`);
    }
  }
  if (skipped.length) report.push(`  skipped: ${skipped.join(', ')}`);
  console.log(report.join('\n'));

  assert.deepEqual(statuses, [], 'sockact lint failed to run on the system units');
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const { excused, unexcused } = confirmWithSystemd(errors);
  if (excused.length) {
    console.log(
      `Errors excused because systemd-analyze verify refuses the same unit here:\n` +
        excused.map(({ d, why }) => `  ${formatDiag(d)}\n    systemd: ${why}`).join('\n'),
    );
  }
  assert.equal(
    unexcused.length,
    0,
    `sockact reports errors for units systemd loads:\n${unexcused.map((d) => `${formatDiag(d)}\n    | ${sourceLine(d)}`).join('\n')}`,
  );
});

/** Split our errors into those systemd agrees with (it refuses the same unit file here) and the rest. */
function confirmWithSystemd(errors: JsonDiag[]): { excused: Array<{ d: JsonDiag; why: string }>; unexcused: JsonDiag[] } {
  const excused: Array<{ d: JsonDiag; why: string }> = [];
  const unexcused: JsonDiag[] = [];
  if (errors.length === 0) return { excused, unexcused };
  const haveSystemd = systemdAnalyzeVersion() !== undefined;
  const verdicts = new Map<string, string | undefined>();
  for (const d of errors) {
    const file = path.resolve(d.file);
    if (!verdicts.has(file)) {
      let why: string | undefined;
      if (haveSystemd && !file.endsWith('.conf')) {
        const v = runSystemdVerify([file]);
        const mine = v.refusals.filter((r) => r.file === file);
        why = mine.length ? mine.map((r) => r.text).join(' | ') : undefined;
      }
      verdicts.set(file, why);
    }
    const why = verdicts.get(file);
    if (why) excused.push({ d, why });
    else unexcused.push(d);
  }
  return { excused, unexcused };
}

function sourceLine(d: JsonDiag): string {
  try {
    return fs.readFileSync(d.file, 'utf8').split(/\r\n|\r|\n/)[d.line - 1] ?? '';
  } catch {
    return '(unreadable)';
  }
}
