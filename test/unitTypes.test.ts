/**
 * Agreement with systemd-analyze verify at every version this machine has (252 here, 257 and 262 in
 * the Debian roots): each case folder under test/fixtures/unit-types/ holds timer, path, mount,
 * automount, swap or slice units (with partners), each refused or loaded; `sockact lint
 * --systemd-version N` must report an error on exactly the files systemd N refuses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { attributeUnit, cliBuilt, formatDiag, runLint } from './helpers/cli';
import { validators } from './helpers/validators';

const FIXTURES = path.join(__dirname, 'fixtures', 'unit-types');
const cases = fs.readdirSync(FIXTURES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const available = validators();
const results: string[] = [];

function caseFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(dir, e.name)).sort();
}

test('the unit-type corpus has refused and loaded cases of every type', () => {
  const types = new Set(cases.map((c) => c.split('-')[0]));
  for (const t of ['timer', 'path', 'mount', 'automount', 'swap', 'slice']) assert.ok(types.has(t), `no ${t} case`);
  assert.ok(cases.length >= 40, `only ${cases.length} cases`);
});

for (const v of available) {
  test(`unit types agree with systemd-analyze verify ${v.version} (${v.origin})`, () => {
    assert.ok(cliBuilt(), 'dist/cli.js is missing: run `npm run build`');
    const problems: string[] = [];
    let refusedFiles = 0;
    let files = 0;
    for (const c of cases) {
      const dir = path.join(FIXTURES, c);
      const all = caseFiles(dir);
      const outcome = v.verify(all);
      const strays = outcome.refusals.filter((r) => r.file === undefined);
      if (strays.length) problems.push(`${c}: systemd refused a unit that is not a case file: ${strays.map((s) => s.text).join(' | ')}`);
      if (outcome.unrecognised.length && outcome.status !== 0) problems.push(`${c}: unrecognised verify output: ${outcome.unrecognised.join(' | ')}`);
      const refused = new Set(outcome.refusals.map((r) => r.file));
      // "./" so that a name like -.slice is not read as an option.
      const names = all.map((f) => `./${path.basename(f)}`);
      const lint = runLint(names, ['--systemd-version', String(v.version)], { cwd: dir });
      for (const f of all) {
        files++;
        const errors = lint.diagnostics.filter((d) => d.severity === 'error' && attributeUnit(d.file, all) === f);
        const sys = refused.has(f);
        if (sys) refusedFiles++;
        if (sys !== errors.length > 0) {
          problems.push(`${c}/${path.basename(f)}: systemd ${v.version} ${sys ? 'REFUSES' : 'loads'} it, sockact reports ${errors.length ? errors.map(formatDiag).join('; ') : 'no error'}\n  systemd: ${outcome.output.trim().split('\n').join('\n           ')}`);
        }
      }
    }
    results.push(`systemd ${v.version}: ${files} files in ${cases.length} cases, ${refusedFiles} refused, ${problems.length} disagreement(s)`);
    console.log(results[results.length - 1]);
    assert.deepEqual(problems, []);
  });
}

test('whole-unit refusals skip drop-ins and follow the target version', async () => {
  const { codesOf } = await import('./helpers/diagnose');
  assert.deepEqual(codesOf('[Timer]\nPersistent=yes\n', { path: '/proj/a.timer.d/10-x.conf' }).filter((c) => c === 'timer-no-trigger'), []);
  assert.deepEqual(codesOf('[Mount]\nWhere=/mnt/b\n', { path: '/proj/mnt-a.mount.d/10-x.conf' }).filter((c) => c.startsWith('mount') || c === 'unit-name-path-mismatch'), []);
  const cred = '[Mount]\nWhat=/dev/sda1\nWhere=/run/credentials/x\n';
  assert.ok(!codesOf(cred, { path: '/proj/run-credentials-x.mount', systemdVersion: 252 }).includes('mount-api-path'));
  assert.ok(codesOf(cred, { path: '/proj/run-credentials-x.mount', systemdVersion: 257 }).includes('mount-api-path'));
  const swap = '[Swap]\nWhat=sda2\n';
  assert.ok(!codesOf(swap, { path: '/proj/dev-sda2.swap', systemdVersion: 252 }).includes('unit-name-path-mismatch'));
  assert.ok(codesOf(swap, { path: '/proj/dev-sda2.swap', systemdVersion: 257 }).includes('unit-name-path-mismatch'));
  const pam = '[Mount]\nWhat=/dev/sda1\nPAMName=login\nKillMode=mixed\n';
  assert.ok(codesOf(pam, { path: '/proj/mnt-a.mount', systemdVersion: 252 }).includes('pam-kill-mode'));
  assert.ok(!codesOf(pam, { path: '/proj/mnt-a.mount', systemdVersion: 257 }).includes('pam-kill-mode'));
});
