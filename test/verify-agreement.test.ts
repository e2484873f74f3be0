/**
 * Agreement with the real validator: for every case folder under test/fixtures/verify/, run
 * `systemd-analyze verify` on the case's unit files, compute systemd's verdict per file from its
 * output, run `sockact lint --format json` on the same files, and require:
 *   - every unit file systemd refuses gets at least one diagnostic of severity "error" from us;
 *   - every unit file systemd accepts gets no "error" from us (warnings etc. are fine);
 *   - our exit status is 1 exactly when we report an error, else 0 (never 2 for these readable files).
 * Nothing is hard-coded per case: the verdict is computed live. A final check makes sure the corpus
 * still exercises both outcomes and every kind of refusal listed in REFUSAL_KINDS.
 *
 * How systemd 252 (Debian 12, run as root, system manager mode — `--user` is not needed) reports,
 * found by running `systemd-analyze verify *.socket *.service` by hand in each case folder:
 *   - Everything goes to stderr; stdout stays empty. One message per line.
 *   - Parse-time messages are `ABSOLUTE/PATH:LINE: text` (log_syntax): "Unknown key …, ignoring.",
 *     "Failed to parse address value in '0', ignoring: Invalid argument", "Unknown section 'Service'.
 *     Ignoring.", "Assignment outside of section. Ignoring.", "Invalid section header '[Socket'" …
 *     They are NOT refusals by themselves (the unit still loads), except that an invalid section header
 *     aborts loading, which is then reported by a unit-level line (below).
 *   - Refusals are unit-level lines naming the unit:
 *       `x.socket: Unit has no Listen setting (…). Refusing.`  (socket_verify(); any "…Refusing." line,
 *          e.g. MaxConnection= too small, non-accepting sockets, explicit Service= with Accept=yes,
 *          Symlinks= without a single node, PAM + KillMode, a .service without ExecStart=)
 *       `Unit x.socket has a bad unit file setting.`          (follows every load-time refusal)
 *       `Unit x.socket failed to load properly, please adjust/correct and reload service manager: Bad message`
 *          (invalid section header)
 *       `Unit x.socket is masked.`                              (an empty unit file is treated as masked)
 *       `x.socket: service x.service not loaded, socket cannot be started.`  (verify_socket(): no such
 *          service, `Service=` naming a missing unit, a missing `x@.service` for Accept=yes — reported as
 *          `x@internal.service` — or a paired service that was itself refused)
 *       `Failed to prepare filename bad name.socket: Invalid argument`  (file name is not a unit name;
 *          verify stops before loading anything)
 *   - The exit status is 1 when any of these happened, but ALSO for environment noise, which is why the
 *     exit status alone is not the signal: `x.service: Command /usr/bin/foo is not executable: No such
 *     file or directory` (depends on what is installed here) and `x.socket: Command 'man foo(8)' failed
 *     with code 16` (Documentation= man pages). Those are filtered out by message.
 *   - Syntax warnings alone never change the exit status on 252 (no --recursive-errors given).
 *   - Templates are verified as instance "i" on 252 ("test_instance" on 257): messages naming
 *     `foo@i.socket` are attributed to the file `foo@.socket`.
 *   - The /var/run → /run rewrite notice is only printed at debug level on 252; we run at "info".
 * So the signal is: a file is refused iff at least one unit-level refusal line (REFUSAL_PATTERNS)
 * names it. A non-zero exit that neither a refusal nor known noise explains, an unrecognised line when
 * the exit status is non-zero, or a refusal naming a unit that is not one of the case's files fails
 * the case, so a new kind of systemd message gets looked at instead of silently misjudged.
 *
 * Our CLI runs with `--systemd-version N`, N = the version of the systemd-analyze that judged, so
 * version-dependent checks (MaxConnections=0 without Accept=, vsock-dgram:, …) compare like with like.
 *
 * Every validator of test/helpers/validators.ts judges every case (252 here, 257 and 262 in the Debian
 * roots; a missing one is skipped with the reason), and the rules are per line too (helpers/agreement.ts):
 * Error exactly where that version refuses the unit, a Warning on each line it reports as ignored, no
 * Warning where it prints nothing (or only a notice: that is information). 257 and later print the
 * `/var/run/` rewrite at info level and name the setting in value errors ("Failed to parse Accept=maybe,
 * ignoring: …") where 252 said "Failed to parse boolean value, ignoring: maybe".
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareFile, describeDisagreement, type Disagreement } from './helpers/agreement';
import {
  attributeUnit as attribute,
  classifyVerifyOutput,
  cliBuilt,
  formatDiag,
  runLint,
  type JsonDiag,
  type VerifyOutcome,
} from './helpers/cli';
import { describeValidator, skipUnlessValidator, validatorFor, type Validator } from './helpers/validators';

const FIXTURES = path.join(__dirname, 'fixtures', 'verify');

/** The versions the harness compares with; each is skipped (with the reason) when its validator is missing. */
const VERSIONS = [252, 257, 262];

function caseFiles(caseDir: string): string[] {
  return fs
    .readdirSync(caseDir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}

const cases = fs.existsSync(FIXTURES)
  ? fs
      .readdirSync(FIXTURES, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()
  : [];

// ---------------------------------------------------------------------------------------------------
// Results and the summary table

interface Row {
  version: number;
  caseName: string;
  file: string;
  systemd: 'refused' | 'accepted';
  why: string;
  ours: string;
  agree: boolean;
}
const rows: Row[] = [];
/** Verdicts per version and case, computed on first use (a version's tests may all be skipped). */
const verdicts = new Map<number, Map<string, VerifyOutcome>>();

function verdict(v: Validator, caseName: string): VerifyOutcome {
  let byCase = verdicts.get(v.version);
  if (!byCase) verdicts.set(v.version, (byCase = new Map()));
  let o = byCase.get(caseName);
  if (!o) {
    const dir = path.join(FIXTURES, caseName);
    o = v.verify(caseFiles(dir).map((f) => path.join(dir, f)));
    // Validators see absolute paths; the harness works with the case's file names.
    o = classifyVerifyOutput(o.output, o.status, caseFiles(dir));
    byCase.set(caseName, o);
  }
  return o;
}

after(() => {
  if (rows.length === 0) return;
  const w = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
  const lines = [
    `systemd-analyze verify vs sockact lint, per version and file:`,
    `${w('ver', 4)} ${w('case', 28)} ${w('file', 34)} ${w('systemd', 9)} ${w('sockact', 44)} agree  systemd says`,
  ];
  for (const r of rows) {
    lines.push(`${w(String(r.version), 4)} ${w(r.caseName, 28)} ${w(r.file, 34)} ${w(r.systemd, 9)} ${w(r.ours, 44)} ${r.agree ? 'yes  ' : 'NO   '}  ${r.why}`);
  }
  for (const version of [...new Set(rows.map((r) => r.version))]) {
    const mine = rows.filter((r) => r.version === version);
    const bad = mine.filter((r) => !r.agree).length;
    lines.push(`systemd ${version}: ${mine.length} files in ${new Set(mine.map((r) => r.caseName)).size} cases, ${bad} disagreement(s).`);
  }
  console.log(lines.join('\n'));
});

// ---------------------------------------------------------------------------------------------------
// The classifier itself, on lines recorded from systemd 252 (no systemd needed)

test('verify output classifier: refusals, parse messages and environment noise', () => {
  const files = ['a.socket', 'a.service', 'b@.socket', 'bad name.socket'];
  const o = classifyVerifyOutput(
    [
      '/x/y/a.socket:3: Failed to parse address value in \'0\', ignoring: Invalid argument',
      'a.socket: Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.',
      'Unit a.socket has a bad unit file setting.',
      'a.service: Command /usr/bin/nonexistent-daemon is not executable: No such file or directory',
      "a.socket: Command 'man nonexistent-page(8)' failed with code 16",
      'b@i.socket: service b@internal.service not loaded, socket cannot be started.',
      'Failed to prepare filename bad name.socket: Invalid argument',
      'something new',
    ].join('\n'),
    1,
    files,
  );
  assert.deepEqual(
    o.refusals.map((r) => r.file),
    ['a.socket', 'a.socket', 'b@.socket', 'bad name.socket'],
  );
  assert.equal(o.noise.length, 2);
  assert.deepEqual(o.parseMessages.map((p) => [p.file, p.line]), [['a.socket', 3]]);
  assert.deepEqual(o.unrecognised, ['something new']);
});

// ---------------------------------------------------------------------------------------------------
// One test per case folder

test('the corpus exists', () => {
  assert.ok(cases.length >= 25, `expected at least 25 case folders in ${FIXTURES}, found ${cases.length}`);
});

for (const version of VERSIONS) {
  const skip = skipUnlessValidator(version);
  for (const caseName of cases) {
    test(`verify agreement at ${version}: ${caseName}`, { skip }, () => checkCase(validatorFor(version)!, caseName));
  }
}

function checkCase(validator: Validator, caseName: string): void {
  assert.ok(cliBuilt(), 'dist/cli.js is missing: run `npm run build` (npm test does it in pretest)');
  const dir = path.join(FIXTURES, caseName);
  const files = caseFiles(dir);
  const v = verdict(validator, caseName);

  // 1. systemd's verdict, with sanity checks so we never misjudge silently.
  const strays = v.refusals.filter((r) => r.file === undefined);
  assert.equal(strays.length, 0, `systemd refused a unit that is not one of the case files:\n${v.output}`);
  if (v.status !== 0) {
    assert.ok(
      v.refusals.length > 0 || (v.noise.length > 0 && v.unrecognised.length === 0),
      `systemd-analyze verify exited ${v.status} but no refusal or known noise explains it; output:\n${v.output}`,
    );
    assert.equal(v.unrecognised.length, 0, `unrecognised systemd-analyze output (classify it in this test):\n${v.unrecognised.join('\n')}`);
  }
  const refused = new Map<string, string[]>();
  for (const r of v.refusals) refused.set(r.file!, [...(refused.get(r.file!) ?? []), r.text]);

  // 2. Ours, on the same files from the same directory, at the same version.
  const lint = runLint(files, ['--systemd-version', String(validator.version)], { cwd: dir });
  const byFile = new Map<string, JsonDiag[]>();
  for (const d of lint.diagnostics) {
    const f = attribute(d.file, files) ?? d.file;
    byFile.set(f, [...(byFile.get(f) ?? []), { ...d, file: f }]);
  }

  const problems: string[] = [];
  const all: Disagreement[] = [];
  for (const f of files) {
    const ours = byFile.get(f) ?? [];
    const found = compareFile(f, v, ours, validator.version);
    all.push(...found);
    const parse = v.parseMessages.filter((p) => p.file === f).map((p) => `:${p.line}: ${p.text}`);
    rows.push({
      version: validator.version,
      caseName,
      file: f,
      systemd: refused.has(f) ? 'refused' : 'accepted',
      why: [...(refused.get(f) ?? []), ...parse].join(' | ') || '-',
      ours: ours.map((d) => `${d.severity[0].toUpperCase()}:${d.code}`).join(',') || '-',
      agree: found.length === 0,
    });
    if (found.length) {
      problems.push(...found.map((d) => describeDisagreement(d)));
      problems.push(`  sockact: ${ours.length ? ours.map(formatDiag).join('\n           ') : '(no diagnostics)'}`);
    }
  }
  const anyError = lint.diagnostics.some((d) => d.severity === 'error');
  if (lint.status !== (anyError ? 1 : 0)) {
    problems.push(`sockact exit status ${lint.status}, expected ${anyError ? 1 : 0} (errors reported: ${anyError}); stderr: ${lint.stderr.trim()}`);
  }
  const catalogOnly = all.length > 0 && all.every((d) => d.catalogCause);
  assert.ok(
    problems.length === 0,
    `${caseName}: sockact disagrees with ${describeValidator(validator)}` +
      (catalogOnly ? ' (ONLY because of the directive catalog: see the [catalog: …] notes)' : '') +
      `\n${problems.join('\n')}\nsystemd output:\n${v.output.trim()}`,
  );
}

// ---------------------------------------------------------------------------------------------------
// The corpus keeps covering both outcomes and every refusal systemd performs (computed live)

/** Kinds of refusal the corpus must keep exercising (texts as in 252 and later). */
const REFUSAL_KINDS: Array<[string, RegExp]> = [
  ['no Listen setting (none, all invalid, reset)', /has no Listen setting/],
  ['MaxConnections=0 (with Accept=yes on <= 256)', /MaxConnection= setting too small/],
  ['Accept=yes with non-accepting sockets', /configured for accepting sockets, but sockets are non-accepting/],
  ['Accept=yes with Service=', /Explicit service configuration for accepting socket units not supported/],
  ['Symlinks= without exactly one node', /symlinks set but none or more than one node/],
  ['PAMName= with KillMode= process/none', /has PAM enabled/],
  ['triggered service not loadable (verify_socket)', /not loaded, socket cannot be started/],
  ['file name is not a unit name (verify)', /Failed to prepare filename/],
  ['unit failed to load (invalid section header)', /failed to load properly/],
  ['empty unit file = masked', /is masked/],
];

for (const version of VERSIONS) {
  test(`the corpus covers both verdicts and every kind of refusal at ${version}`, { skip: skipUnlessValidator(version) }, () => {
    const validator = validatorFor(version)!;
    const all = cases.map((c) => verdict(validator, c));
    const texts = all.flatMap((v) => v.refusals.map((r) => r.text));
    const missing = REFUSAL_KINDS.filter(([, re]) => !texts.some((t) => re.test(t))).map(([k]) => k);
    assert.deepEqual(missing, [], `no case in ${FIXTURES} produces these refusals any more at ${version}`);
    const refusedCases = all.filter((v) => v.refusals.length > 0).length;
    const acceptedCases = all.length - refusedCases;
    assert.ok(refusedCases >= 10, `only ${refusedCases} cases are refused by systemd ${version}`);
    assert.ok(acceptedCases >= 10, `only ${acceptedCases} cases are accepted by systemd ${version}`);
  });
}
