/**
 * `sockact lint` as a user meets it: real files in a temporary folder, the bundled CLI as a child
 * process, exit statuses, both output formats, and one clear line for every kind of bad input.
 */
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { runLint } from './helpers/cli';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sockact-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function sockact(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m, 'a stack trace reached the user');
}

test('text output: file:line:col: severity code message, 1-based, exit 1 on an error', () => {
  const socket = write('web.socket', '[Socket]\nListenStream=8080 # web\n');
  write('web.service', '[Service]\nExecStart=/bin/true\n');
  const r = sockact('lint', socket);
  assert.equal(r.status, 1);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], `${socket}:1:1: error no-listen ${lines[0].split(' no-listen ')[1]}`);
  assert.match(lines[1], new RegExp(`^${socket}:2:19: warning inline-comment `));
});

test('json output has every field, and advice alone exits 0', () => {
  const socket = write('json/app.socket', '[Unit]\nDescription=App # main\n[Socket]\nListenStream=/var/run/app.sock\n');
  write('json/app.service', '[Service]\nExecStart=/bin/true\n');
  const r = sockact('lint', '--format', 'json', socket);
  assert.equal(r.status, 0, r.stderr);
  const diagnostics = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.line, d.column]), [
    ['inline-comment', 'information', 2, 17],
    ['legacy-path', 'information', 4, 14],
  ]);
  for (const d of diagnostics) {
    assert.deepEqual(Object.keys(d).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity']);
    assert.equal(d.file, socket);
  }
});

test('the triggered service is looked up next to the unit', () => {
  const lonely = write('lonely/echo.socket', '[Socket]\nListenStream=7\nAccept=yes\n');
  assert.deepEqual(JSON.parse(sockact('lint', '--format=json', lonely).stdout).map((d: { code: string }) => d.code), ['missing-service']);
  write('lonely/echo@.service', '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n');
  assert.equal(sockact('lint', lonely).status, 0);
});

test('--systemd-version changes what counts as too new', () => {
  const socket = write('v/defer.socket', '[Socket]\nListenStream=80\nDeferTrigger=yes\n');
  write('v/defer.service', '[Service]\nExecStart=/bin/true\n');
  assert.match(sockact('lint', '--systemd-version', '252', socket).stdout, /directive-too-new/);
  assert.equal(sockact('lint', '--systemd-version', '258', socket).stdout, '');
});

test('bad input gets one clear line each, and the readable files are still linted', () => {
  const good = write('bad/ok.socket', '[Socket]\nListenStream=80\nAccept=maybe\n');
  write('bad/ok.service', '[Service]\nExecStart=/bin/true\n');
  const binary = write('bad/junk.socket', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0, 0]));
  const r = sockact('lint', join(dir, 'missing.socket'), join(dir, 'bad'), binary, good);
  assert.equal(r.status, 2);
  const errors = r.stderr.trim().split('\n');
  assert.equal(errors.length, 3);
  assert.match(errors[0], /missing\.socket: no such file$/);
  assert.match(errors[1], /bad: is a directory/);
  assert.match(errors[2], /junk\.socket: looks like a binary file/);
  assert.match(r.stdout, /ok\.socket:3:8: warning invalid-value /);
  assertNoStackTrace(r.stderr);
});

test('usage errors exit 2 with a one-line reason and the usage', () => {
  for (const args of [[], ['lint'], ['lint', '--format', 'yaml', 'x'], ['lint', '--systemd-version', 'new', 'x'], ['frobnicate'], ['lsp']]) {
    const r = sockact(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stdout + r.stderr, /usage: sockact lint/);
    assertNoStackTrace(r.stderr);
  }
});

test('invalid UTF-8 and a BOM are read the way systemd reads them', () => {
  const bom = write('enc/bom.socket', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[Socket]\nListenStream=80\n')]));
  write('enc/bom.service', '[Service]\nExecStart=/bin/true\n');
  assert.equal(sockact('lint', bom).stdout, '');
  const latin1 = write('enc/latin1.socket', Buffer.from('[Unit]\nDescription=caf\xe9\n[Socket]\nListenStream=80\n', 'latin1'));
  write('enc/latin1.service', '[Service]\nExecStart=/bin/true\n');
  const r = sockact('lint', '--format', 'json', latin1);
  assert.equal(r.status, 1);
  assert.deepEqual(JSON.parse(r.stdout).map((d: { code: string }) => d.code), ['invalid-utf8']);
});

test('a masked unit (a link to /dev/null) is said to be masked and does not fail the run; another device still does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sockact-masked-'));
  try {
    symlinkSync('/dev/null', join(dir, 'masked.service'));
    symlinkSync('/dev/zero', join(dir, 'zero.service'));
    writeFileSync(join(dir, 'ok.service'), '[Service]\nExecStart=/bin/true\n');
    const masked = runLint(['masked.service', 'ok.service'], [], { cwd: dir });
    assert.equal(masked.status, 0, masked.stderr);
    assert.match(masked.stderr, /^sockact: masked\.service: masked \(a link to \/dev\/null\)/m);
    assert.ok(!masked.diagnostics.some((d) => d.file === 'masked.service'));
    const zero = runLint(['zero.service'], [], { cwd: dir });
    assert.equal(zero.status, 2);
    assert.match(zero.stderr, /zero\.service: not a regular file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
