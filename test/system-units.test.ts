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
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareFile, describeDisagreement, type Disagreement } from './helpers/agreement';
import { cliBuilt, formatDiag, runLint, runSystemdVerify, systemdAnalyzeVersion, type JsonDiag } from './helpers/cli';
import { describeValidator, skipUnlessValidator, validatorFor } from './helpers/validators';

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

// ---------------------------------------------------------------------------------------------------
// Every root's shipped units, at that root's version, compared line by line with that version's verify

const SHIPPED_DIRS: Array<{ dir: string; scope: 'system' | 'user' }> = [
  { dir: 'usr/lib/systemd/system', scope: 'system' },
  { dir: 'usr/lib/systemd/user', scope: 'user' },
];

/**
 * Refusals that come from verify's way of loading a template (as instance "i" or "test_instance"), not
 * from the unit: `quotaon@.service` wants the mount of its instance, which does not exist.
 */
const INSTANCE_ARTIFACT = /Failed to create .+\/start: Unit (?:i|test_instance)\.[a-z]+ not found\.$/;

/** Regular unit files and drop-ins (aliases and masks are links to files that are compared anyway). */
function shippedFiles(dir: string): string[] {
  return collectUnitFiles(dir).files.filter((f) => !fs.lstatSync(f).isSymbolicLink());
}

interface ShippedResult {
  version: number;
  origin: string;
  dir: string;
  units: number;
  agreeing: number;
  disagreements: Disagreement[];
  ms: number;
}
const shippedResults: ShippedResult[] = [];

for (const version of [252, 257, 262]) {
  for (const { dir, scope } of SHIPPED_DIRS) {
    test(`shipped ${scope} units at ${version} agree with that version's verify`, { skip: skipUnlessValidator(version) }, (t) => {
      const v = validatorFor(version)!;
      const folder = path.join(v.root ?? '/', dir);
      if (!fs.existsSync(folder)) return t.skip(`${folder} does not exist`);
      assert.ok(cliBuilt(), 'dist/cli.js is missing: run `npm run build` (npm test does it in pretest)');
      const started = Date.now();
      const files = shippedFiles(folder);
      const units = files.filter((f) => !f.endsWith('.conf'));
      const verdict = v.verifyInstalled(units, { scope });
      verdict.refusals = verdict.refusals.filter((r) => !INSTANCE_ARTIFACT.test(r.text));
      const lint = runLint(files, ['--systemd-version', String(version)]);
      assert.ok(lint.status === 0 || lint.status === 1, `sockact lint failed: exit ${lint.status}; ${lint.stderr.trim()}`);
      const byFile = new Map<string, JsonDiag[]>();
      for (const d of lint.diagnostics) {
        const f = path.resolve(d.file);
        byFile.set(f, [...(byFile.get(f) ?? []), { ...d, file: f }]);
      }
      const disagreements = files.flatMap((f) => compareFile(f, verdict, byFile.get(f) ?? [], version));
      const bad = new Set(disagreements.map((d) => d.file));
      shippedResults.push({ version, origin: v.origin, dir: folder, units: files.length, agreeing: files.length - bad.size, disagreements, ms: Date.now() - started });

      const ours = disagreements.filter((d) => !d.catalogCause);
      const catalog = disagreements.filter((d) => d.catalogCause);
      assert.equal(
        ours.length,
        0,
        `sockact disagrees with ${describeValidator(v)} on ${folder}:\n${ours.map((d) => `  ${describeDisagreement(d, folder)}`).join('\n')}`,
      );
      assert.equal(
        catalog.length,
        0,
        `CATALOG: sockact disagrees with ${describeValidator(v)} on ${folder} only because the directive catalog lacks ` +
          `systemd ${version}'s keys or enum words (the catalog regeneration fixes these):\n` +
          catalog.map((d) => `  ${describeDisagreement(d, folder)}`).join('\n'),
      );
    });
  }
}

after(() => {
  if (shippedResults.length === 0) return;
  const lines = ['Shipped units vs systemd-analyze verify at their version:'];
  for (const r of shippedResults) {
    const byClass = new Map<string, number>();
    for (const d of r.disagreements) {
      const k = `${d.cls}${d.catalogCause ? ' (catalog)' : ''}`;
      byClass.set(k, (byClass.get(k) ?? 0) + 1);
    }
    lines.push(
      `  ${r.version} ${r.origin} ${r.dir}: ${r.agreeing}/${r.units} files agree in ${r.ms} ms` +
        (byClass.size ? `; ${[...byClass].map(([k, n]) => `${k}: ${n}`).join(', ')}` : ''),
    );
    for (const d of r.disagreements) lines.push(`    ${describeDisagreement(d, r.dir)}`);
  }
  console.log(lines.join('\n'));
});
