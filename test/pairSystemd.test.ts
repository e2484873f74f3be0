/**
 * The two error-severity pair checks that `systemd-analyze verify` cannot judge, judged by a real systemd
 * (the isolated PID 1 of test/support/isolatedSystemd.ts, systemd 252 here):
 *
 *  - stdio-socket-many: systemd loads both units (verify accepts them), but every start of the service
 *    fails at exec time with "Got more than one socket." (Result=resources); the Accept=yes variant, where
 *    we stay silent, answers connections.
 *  - dynamic-user-in-user-unit: 252 loads the user unit (`systemd-analyze --user verify` accepts it) and
 *    every start fails with status 217/USER; 257 and later refuse it at load time. The same unit in the
 *    system manager runs.
 *
 * `sockact lint` (with --systemd-version of the systemd that judges) must report the error exactly where
 * systemd fails. Skipped with the reason where an isolated systemd cannot boot (not root, no namespaces …).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBuilt, runLint, runSystemdVerify, systemdAnalyzeVersion } from './helpers/cli';
import { bootIsolatedSystemd, canBootSystemd, canRunUserManager, type IsolatedSystemd } from './support/isolatedSystemd';
import { freePort } from './support/sshServer';

const can = canBootSystemd();
const userCan = canRunUserManager();
const version = systemdAnalyzeVersion();
const USER = 'sockact-pair';
const host = mkdtempSync(join(tmpdir(), 'sockact-pair-systemd-'));

/** Writes units to a host folder and lints them there; returns code → files with that code at "error". */
function lintErrors(dir: string, files: Record<string, string>): Map<string, string[]> {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const lint = runLint(Object.keys(files), ['--systemd-version', String(version)], { cwd: dir });
  const errors = new Map<string, string[]>();
  for (const d of lint.diagnostics.filter((x) => x.severity === 'error')) errors.set(d.code, [...(errors.get(d.code) ?? []), d.file].sort());
  return errors;
}

/** Sends a line, returns what comes back before the peer closes (or '' on error). */
function exchange(port: number, line: string): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port }, () => c.end(`${line}\n`));
    let data = '';
    c.setTimeout(5000, () => c.destroy());
    c.on('data', (d) => (data += d));
    c.on('close', () => resolve(data));
    c.on('error', () => resolve(data));
  });
}

const show = async (sys: IsolatedSystemd, unit: string, prop: string, user?: string) =>
  (await sys.run(['systemctl', ...(user ? ['--user'] : []), 'show', '-P', prop, unit], user ? { user } : {})).trim();

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('pair checks against a real systemd', { skip: can.ok ? false : `cannot boot an isolated systemd here: ${can.why}`, timeout: 120_000 }, () => {
  let sys: IsolatedSystemd;

  before(async () => {
    assert.ok(cliBuilt(), 'dist/cli.js is missing: run `npm run build`');
    sys = await bootIsolatedSystemd();
    // PID 1 logs to its console here; the journal is where the test can read its messages.
    await sys.run(['systemd-analyze', 'set-log-target', 'journal']);
  });
  after(async () => {
    await sys?.stop();
    rmSync(host, { recursive: true, force: true });
  });

  test('stdio-socket-many: loads, then every start fails with "Got more than one socket."', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const files = {
      'pairstdio.socket': `[Socket]\nListenStream=127.0.0.1:${a}\nListenStream=127.0.0.1:${b}\n`,
      'pairstdio.service': '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n',
    };
    const dir = join(host, 'stdio');
    assert.deepEqual(lintErrors(dir, files), new Map([['stdio-socket-many', ['pairstdio.service', 'pairstdio.socket']]]));
    // Not a load-time refusal: systemd-analyze verify has nothing against either unit.
    assert.deepEqual(runSystemdVerify(Object.keys(files), dir).refusals, []);

    for (const [name, text] of Object.entries(files)) await sys.writeFile(`/etc/systemd/system/${name}`, text);
    await sys.run(['systemctl', 'daemon-reload']);
    await sys.run(['systemctl', 'start', 'pairstdio.socket']);
    await exchange(a, 'hello');
    await until('the service to fail', async () => (await show(sys, 'pairstdio.service', 'Result')) === 'resources');
    const journal = await sys.run(['journalctl', '--no-pager', '-o', 'cat', '-u', 'pairstdio.service']);
    assert.match(journal, /Got more than one socket\./);
  });

  test('the Accept=yes variant (we stay silent) answers: one connection, one socket on stdin', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const files = {
      'pairecho.socket': `[Socket]\nListenStream=127.0.0.1:${a}\nListenStream=127.0.0.1:${b}\nAccept=yes\n`,
      'pairecho@.service': '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n',
    };
    assert.deepEqual(lintErrors(join(host, 'echo'), files), new Map());
    for (const [name, text] of Object.entries(files)) await sys.writeFile(`/etc/systemd/system/${name}`, text);
    await sys.run(['systemctl', 'daemon-reload']);
    await sys.run(['systemctl', 'start', 'pairecho.socket']);
    assert.equal(await exchange(b, 'ping'), 'ping\n');
  });

  test('dynamic-user-in-user-unit: a user manager cannot run it; the system manager can', { skip: userCan.ok ? false : userCan.why }, async () => {
    const unit = '[Service]\nExecStart=/bin/sleep 60\nDynamicUser=yes\n';
    const userDir = join(host, 'home/.config/systemd/user');
    assert.deepEqual(lintErrors(userDir, { 'pairdu.service': unit }), new Map([['dynamic-user-in-user-unit', ['pairdu.service']]]));
    assert.deepEqual(lintErrors(join(host, 'system'), { 'pairdu.service': unit }), new Map());

    const u = await sys.startUserManager(USER);
    await sys.writeFile(`${u.home}/.config/systemd/user/pairdu.service`, unit, { user: USER });
    await sys.run(['systemctl', '--user', 'daemon-reload'], { user: USER });
    if (version! >= 257) {
      // Refused when loading: "DynamicUser= enabled for user unit, which is not supported. Refusing."
      assert.equal(await show(sys, 'pairdu.service', 'LoadState', USER), 'bad-setting');
    } else {
      assert.equal(await show(sys, 'pairdu.service', 'LoadState', USER), 'loaded');
      await sys.exec(['systemctl', '--user', 'start', 'pairdu.service'], { user: USER });
      await until('the user service to fail', async () => (await show(sys, 'pairdu.service', 'ExecMainStatus', USER)) === '217');
      assert.equal(await show(sys, 'pairdu.service', 'Result', USER), 'exit-code');
      // And systemd-analyze --user verify (run here, as root) has nothing against it at load time.
      const runtime = mkdtempSync(join(tmpdir(), 'sockact-xdg-'));
      const verify = spawnSync('systemd-analyze', ['--user', 'verify', '--man=no', 'pairdu.service'], {
        cwd: userDir,
        encoding: 'utf8',
        env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_LEVEL: 'info' },
      });
      rmSync(runtime, { recursive: true, force: true });
      assert.equal(verify.status, 0, verify.stderr);
    }

    await sys.writeFile('/etc/systemd/system/pairdu.service', unit);
    await sys.run(['systemctl', 'daemon-reload']);
    await sys.run(['systemctl', 'start', 'pairdu.service']);
    assert.equal(await show(sys, 'pairdu.service', 'ActiveState'), 'active', await sys.journal('pairdu.service'));
    await sys.run(['systemctl', 'stop', 'pairdu.service']);
  });
});
