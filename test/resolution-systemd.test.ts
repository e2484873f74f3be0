/**
 * Unit look-up against real systemd: every case is a folder written to a temporary directory (symlinks
 * included), verified with `systemd-analyze verify` of every version here (validators(): 252 on this
 * machine, 257 and 262 in Debian roots) and linted with `sockact lint --systemd-version` of that version.
 * Where systemd loads and starts the unit, lint reports no error; where it refuses, lint reports the code.
 *
 * The "installed" case names systemd-hostnamed.service, which every validator has in its own search
 * path (the roots' /usr/lib/systemd/system, this machine's for lint): lint and verify each look it up on
 * their own system. Nothing here sets SOCKACT_UNIT_PATH: both see the real search path.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBuilt, runLint } from './helpers/cli';
import { describeValidator, validators, type Validator } from './helpers/validators';

const EXEC = '[Service]\nExecStart=/bin/cat\n';

interface Case {
  name: string;
  files: Record<string, string>;
  /** name → target of a symlink in the case folder. */
  links?: Record<string, string>;
  /** The file verified and linted. */
  check: string;
  /** undefined: systemd loads and can start it, lint has no error; else the error code lint must report. */
  refused?: string;
}

const CASES: Case[] = [
  {
    name: 'instance of the template beside it',
    files: { 'kresd.socket': '[Socket]\nListenStream=/run/sockact-kresd.sock\nService=kresd@1.service\n', 'kresd@.service': EXEC },
    check: 'kresd.socket',
  },
  {
    name: 'service installed in the search path',
    files: { 'host.socket': '[Socket]\nListenStream=/run/sockact-host.sock\nService=systemd-hostnamed.service\n' },
    check: 'host.socket',
  },
  {
    name: 'alias symlink beside the socket',
    files: { 'web.socket': '[Socket]\nListenStream=/run/sockact-web.sock\nService=web-alias.service\n', 'web-real.service': EXEC },
    links: { 'web-alias.service': 'web-real.service' },
    check: 'web.socket',
  },
  {
    name: "template drop-in gives the instance its ExecStart=",
    files: {
      'tpl.socket': '[Socket]\nListenStream=/run/sockact-tpl.sock\nService=tpl@1.service\n',
      'tpl@.service': '[Unit]\nDescription=template\n',
      'tpl@.service.d/exec.conf': EXEC,
    },
    check: 'tpl.socket',
  },
  {
    name: 'dash-prefix drop-in gives the service its ExecStart=',
    files: {
      'app-web.socket': '[Socket]\nListenStream=/run/sockact-app.sock\n',
      'app-web.service': '[Unit]\nDescription=app\n',
      'app-.service.d/exec.conf': EXEC,
    },
    check: 'app-web.socket',
  },
  {
    name: 'Requires= a unit that exists, Wants= one that does not',
    files: { 'dep.service': '[Unit]\nRequires=network-online.target\nWants=sockact-nowhere.service\n[Service]\nExecStart=/bin/true\n' },
    check: 'dep.service',
  },
  {
    name: 'instance with no template anywhere',
    files: { 'gone.socket': '[Socket]\nListenStream=/run/sockact-gone.sock\nService=gone@1.service\n' },
    check: 'gone.socket',
    refused: 'missing-service',
  },
  {
    name: 'a service made of drop-ins only',
    files: { 'only.socket': '[Socket]\nListenStream=/run/sockact-only.sock\n', 'only.service.d/exec.conf': EXEC },
    check: 'only.socket',
    refused: 'missing-service',
  },
  {
    name: 'Alias= in [Install] that was never enabled (no symlink)',
    files: {
      'al.socket': '[Socket]\nListenStream=/run/sockact-al.sock\nService=al.service\n',
      'al-real.service': `${EXEC}[Install]\nAlias=al.service\n`,
    },
    check: 'al.socket',
    refused: 'missing-service',
  },
  {
    name: 'Requires= a unit found nowhere',
    files: { 'dep.service': '[Unit]\nRequires=network-online.service\n[Service]\nExecStart=/bin/true\n' },
    check: 'dep.service',
    refused: 'missing-dependency',
  },
];

const base = mkdtempSync(join(tmpdir(), 'sockact-resolution-'));
after(() => rmSync(base, { recursive: true, force: true }));

function write(c: Case, i: number): string {
  const dir = join(base, String(i));
  for (const [rel, text] of Object.entries(c.files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  for (const [name, target] of Object.entries(c.links ?? {})) symlinkSync(target, join(dir, name));
  return dir;
}

/** systemd refuses when verify fails the unit: a refusal line, or a start job it cannot create. */
function systemdRefuses(v: Validator, file: string): { refuses: boolean; output: string } {
  const o = v.verify([file]);
  const startFails = /Failed to create .+\/start: Unit .+ not found/.test(o.output);
  return { refuses: o.refusals.length > 0 || startFails, output: o.output };
}

const found = validators();
const agreements: string[] = [];

CASES.forEach((c, i) => {
  test(`resolution agrees with systemd: ${c.name}`, { skip: found.length ? false : 'no systemd-analyze here' }, () => {
    assert.ok(cliBuilt(), 'dist/cli.js is missing: run `npm run build`');
    const dir = write(c, i);
    const file = join(dir, c.check);
    for (const v of found) {
      const verdict = systemdRefuses(v, file);
      assert.equal(verdict.refuses, c.refused !== undefined, `${describeValidator(v)} on ${c.check}:\n${verdict.output}`);
      const lint = runLint([file], ['--systemd-version', String(v.version)]);
      const errors = lint.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
      assert.deepEqual(errors, c.refused ? [c.refused] : [], `lint at ${v.version} on ${c.check}: ${JSON.stringify(lint.diagnostics)}`);
      agreements.push(`${c.name} @ ${v.version}`);
    }
  });
});

test('every case was checked at every available version', { skip: found.length ? false : 'no systemd-analyze here' }, () => {
  assert.equal(agreements.length, CASES.length * found.length, agreements.join('\n'));
});
