/**
 * The VS Code side of Run with Socket Activation without VS Code (client/src/activationTargets.ts): the
 * `sockact activate` arguments built from the settings (checked against the real CLI's parser, which
 * must read them as meant), and which addresses Send Test Request offers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activateArgs, noTargetReason, testRequestChoices } from '../client/src/activationTargets';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

test('without watch: version, unit, then the program after --', () => {
  assert.deepEqual(activateArgs({ fsPath: '/u/a.socket', systemdVersion: 252, command: ['node', 'x.js'] }), { args: ['--systemd-version', '252', '/u/a.socket', '--', 'node', 'x.js'] });
  assert.deepEqual(activateArgs({ fsPath: '/u/a.socket', systemdVersion: 'auto', command: [] }), { args: ['/u/a.socket'] });
  // A watch setting means nothing to the plain command.
  assert.deepEqual(activateArgs({ fsPath: '/u/a.socket' }), { args: ['/u/a.socket'] });
});

test('watch with no paths is a plain --watch; paths are one --watch=PATH each and no plain --watch', () => {
  assert.deepEqual(activateArgs({ fsPath: '/u/a.socket', watch: { paths: [] } }), { args: ['--watch', '/u/a.socket'] });
  assert.deepEqual(activateArgs({ fsPath: '/u/a.socket', watch: {} }), { args: ['--watch', '/u/a.socket'] });
  assert.deepEqual(activateArgs({ fsPath: '/u/a.socket', watch: { paths: ['src', 'lib/a.js'] } }), { args: ['--watch=src', '--watch=lib/a.js', '/u/a.socket'] });
});

test('the build setting: --build PROGRAM, then one --build-arg per argument, before the unit', () => {
  assert.deepEqual(activateArgs({ fsPath: '/u/a.socket', command: ['./app'], watch: { paths: [], build: ['make', '-C', 'src', 'all'] } }), {
    args: ['--watch', '--build', 'make', '--build-arg', '-C', '--build-arg', 'src', '--build-arg', 'all', '/u/a.socket', '--', './app'],
  });
});

test('a setting of the wrong shape is an error, not a silent default', () => {
  assert.match((activateArgs({ fsPath: '/u/a.socket', watch: { paths: 'src' } }) as { error: string }).error, /sockact\.activate\.watch must be a list/);
  assert.match((activateArgs({ fsPath: '/u/a.socket', watch: { paths: ['src', ''] } }) as { error: string }).error, /sockact\.activate\.watch/);
  assert.match((activateArgs({ fsPath: '/u/a.socket', watch: { build: [1] } }) as { error: string }).error, /sockact\.activate\.build must be a list/);
});

test('the real CLI reads the built arguments as meant (its errors name the watched path and the build program)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sockact-client-args-'));
  try {
    writeFileSync(join(dir, 'a.socket'), '[Socket]\nListenStream=127.0.0.1:1\n');
    writeFileSync(join(dir, 'a.service'), `[Service]\nExecStart=${process.execPath} -e 0\n`);
    const run = (args: string[]) => spawnSync(process.execPath, [CLI, 'activate', ...args], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    // The path is resolved against the unit's folder (where the extension starts sockact).
    let built = activateArgs({ fsPath: join(dir, 'a.socket'), watch: { paths: ['src'] } }) as { args: string[] };
    let r = run(built.args);
    assert.notEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /--watch=src: no such file or folder/);
    mkdirSync(join(dir, 'src'));
    built = activateArgs({ fsPath: join(dir, 'a.socket'), watch: { paths: ['src'], build: ['no-such-build-tool-x', '--flag', '-x'] } }) as { args: string[] };
    r = run(built.args);
    assert.notEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /--build: program not found or not executable: no-such-build-tool-x/);
    // Read as --build-arg values, not as options of activate.
    assert.doesNotMatch(r.stderr, /unknown option|wants/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Send Test Request offers TCP and Unix stream sockets, and says why the others are not', () => {
  const c = testRequestChoices(['127.0.0.1:8080', '[::]:8081', '/run/app.sock', '@abstract', '127.0.0.1:53 (udp)', '/run/d.sock (datagram)', '/run/fifo (fifo)', 'netlink route 1']);
  assert.deepEqual(c.offered, [
    { label: '127.0.0.1:8080', target: { host: '127.0.0.1', port: 8080 } },
    { label: '[::]:8081', target: { host: '127.0.0.1', port: 8081 } },
    { label: '/run/app.sock', target: { socketPath: '/run/app.sock' } },
    { label: '@abstract', target: { socketPath: '\0abstract' } },
  ]);
  assert.deepEqual(c.skipped.map((s) => s.label), ['127.0.0.1:53 (udp)', '/run/d.sock (datagram)', '/run/fifo (fifo)', 'netlink route 1']);
  assert.match(c.skipped[0].why, /datagram/);
  assert.match(c.skipped[2].why, /fifo/);
});

test('with nothing left to send to, one line says why', () => {
  const reason = noTargetReason(testRequestChoices(['127.0.0.1:53 (udp)']));
  assert.equal(reason, 'no TCP or Unix stream socket to send HTTP to: 127.0.0.1:53 (udp) is a datagram socket (HTTP needs a stream)');
  assert.doesNotMatch(reason, /\n/);
  assert.match(noTargetReason(testRequestChoices([])), /nothing is listening/);
});
