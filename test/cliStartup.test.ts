/**
 * How `sockact` starts (issue 15): dist/cli.js is a dispatcher that loads one bundle per command with V8's
 * code cache, and the local systemd version is kept per systemctl binary. These tests check the behaviour
 * (what is cached, that a bad or missing cache changes nothing, that each command loads only its own
 * code); how much faster it is belongs to `npm run bench`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH, cliBuilt, REPO_ROOT } from './helpers/cli';

const skip = cliBuilt() ? false : `${CLI_PATH} is missing: run \`npm run build\``;
const SOCKET = '[Socket]\nListenStream=8080\nDeferTrigger=yes\n';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'sockact-startup-'));
}

function sockact(args: string[], env: Record<string, string>, cwd: string) {
  const r = spawnSync(process.execPath, [CLI_PATH, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SOCKACT_DEBUG_CODE_CACHE: '1', ...env },
    timeout: 60_000,
  });
  const cacheLines = r.stderr.split('\n').filter((l) => l.startsWith('sockact: code cache '));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => l && !l.startsWith('sockact: code cache ')).join('\n'), cacheLines };
}

test('lint writes a code cache on its first run and uses it on the next, with the same findings', { skip }, () => {
  const dir = scratch();
  try {
    writeFileSync(join(dir, 'web.socket'), SOCKET);
    const env = { SOCKACT_CACHE_DIR: join(dir, 'cache') };
    const first = sockact(['lint', '--format', 'json', '--systemd-version', '252', 'web.socket'], env, dir);
    assert.deepEqual(first.cacheLines, ['sockact: code cache absent for engine.js']);
    const caches = readdirSync(join(dir, 'cache', 'code-cache'));
    assert.equal(caches.length, 1);
    assert.match(caches[0], /^engine-\d+-\d+-v\d+\.\d+\.\d+-\w+\.v8$/);
    // Only the owner may read or replace bytecode that is going to be run.
    assert.equal(statSync(join(dir, 'cache', 'code-cache')).mode & 0o077, 0);
    const second = sockact(['lint', '--format', 'json', '--systemd-version', '252', 'web.socket'], env, dir);
    assert.deepEqual(second.cacheLines, ['sockact: code cache accepted for engine.js']);
    assert.equal(second.stdout, first.stdout);
    assert.equal(second.status, first.status);
    assert.ok(JSON.parse(first.stdout).some((d: { code: string }) => d.code === 'directive-too-new'), first.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt code cache is rejected and written again; an unwritable cache folder changes nothing', { skip }, () => {
  const dir = scratch();
  try {
    writeFileSync(join(dir, 'web.socket'), SOCKET);
    const args = ['lint', '--format', 'json', '--systemd-version', '252', 'web.socket'];
    const env = { SOCKACT_CACHE_DIR: join(dir, 'cache') };
    const clean = sockact(args, env, dir);
    const cacheFile = join(dir, 'cache', 'code-cache', readdirSync(join(dir, 'cache', 'code-cache'))[0]);
    writeFileSync(cacheFile, Buffer.alloc(4096, 7));
    const corrupt = sockact(args, env, dir);
    assert.deepEqual(corrupt.cacheLines, ['sockact: code cache rejected for engine.js']);
    assert.equal(corrupt.stdout, clean.stdout);
    assert.equal(corrupt.stderr, '');
    assert.notDeepEqual(readFileSync(cacheFile), Buffer.alloc(4096, 7), 'the cache was written again');
    assert.deepEqual(sockact(args, env, dir).cacheLines, ['sockact: code cache accepted for engine.js']);

    // The cache "folder" is a file: nothing can be written, and the run is the same.
    writeFileSync(join(dir, 'not-a-folder'), '');
    const blocked = sockact(args, { SOCKACT_CACHE_DIR: join(dir, 'not-a-folder') }, dir);
    assert.equal(blocked.stdout, clean.stdout);
    assert.equal(blocked.stderr, '');
    const off = sockact(args, { SOCKACT_CACHE_DIR: 'off' }, dir);
    assert.deepEqual(off.cacheLines, ['sockact: code cache off for engine.js']);
    assert.equal(off.stdout, clean.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lint initialises only its own code: no language server, no activation or deploy (their modules are never loaded)', { skip }, () => {
  const dir = scratch();
  try {
    const dispatcher = readFileSync(join(REPO_ROOT, 'dist', 'cli.js'), 'utf8');
    assert.ok(dispatcher.length < 30_000, `dist/cli.js is ${dispatcher.length} bytes: the dispatcher should hold no engine`);
    assert.ok(!dispatcher.includes('doValidation'), 'the dispatcher holds no language service');
    // A preload that records every module the run requires, read after it ends.
    const record = join(dir, 'required.txt');
    writeFileSync(join(dir, 'record.cjs'), `const M = require('module'); const fs = require('fs'); const seen = new Set();
const load = M._load; M._load = function (id, ...rest) { seen.add(id); return load.call(this, id, ...rest); };
process.on('exit', () => fs.writeFileSync(${JSON.stringify(record)}, [...seen].join('\\n')));\n`);
    writeFileSync(join(dir, 'web.socket'), SOCKET);
    const r = spawnSync(process.execPath, ['--require', join(dir, 'record.cjs'), CLI_PATH, 'lint', '--systemd-version', '252', 'web.socket'], { cwd: dir, encoding: 'utf8', env: { ...process.env, SOCKACT_CACHE_DIR: join(dir, 'cache') } });
    assert.ok(r.status === 0 || r.status === 1, `lint ran: ${r.status} ${r.stderr}`);
    const required = readFileSync(record, 'utf8').split('\n');
    for (const foreign of ['child_process', 'node:child_process', 'net', 'node:net', 'dgram', 'node:dgram', './koffi/index.cjs']) {
      assert.ok(!required.includes(foreign), `lint required ${foreign}: ${required.join(', ')}`);
    }
    assert.ok(required.includes('node:fs') || required.includes('fs'), `the record works: ${required.join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // And each command still answers through the dispatcher, with one line for a usage mistake.
  for (const [args, status] of [[['lint', '--bogus'], 2], [['activate'], 2], [['verify', '--bogus'], 2], [['lsp'], 2], [['frobnicate'], 2]] as const) {
    const r = sockact([...args], { SOCKACT_CACHE_DIR: 'off' }, REPO_ROOT);
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.split('\n')[0], /^sockact: /);
    assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace: ${r.stderr}`);
  }
});

test('the local systemd version is asked of systemctl once per systemctl binary, and again when it changes', { skip }, () => {
  const dir = scratch();
  try {
    const bin = join(dir, 'bin');
    const calls = join(dir, 'calls');
    writeFileSync(join(dir, 'web.socket'), SOCKET);
    const fake = (version: number) => {
      writeFileSync(join(dir, 'bin-systemctl'), `#!/bin/sh\necho x >> '${calls}'\necho 'systemd ${version} (${version}-1)'\n`);
    };
    spawnSync('mkdir', [bin]);
    fake(247);
    // A new file each time (a package upgrade replaces the binary): a new inode and mtime.
    const install = () => {
      rmSync(join(bin, 'systemctl'), { force: true });
      writeFileSync(join(bin, 'systemctl'), readFileSync(join(dir, 'bin-systemctl')));
      chmodSync(join(bin, 'systemctl'), 0o755);
    };
    install();
    const env = { SOCKACT_CACHE_DIR: join(dir, 'cache'), PATH: `${bin}:${process.env.PATH}` };
    const codes = () => (JSON.parse(sockact(['lint', '--format', 'json', 'web.socket'], env, dir).stdout) as Array<{ code: string; message: string }>);
    const callCount = () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean).length : 0);
    const at247 = codes();
    assert.ok(at247.some((d) => d.code === 'directive-too-new' && d.message.includes('247')), JSON.stringify(at247));
    assert.equal(callCount(), 1);
    codes();
    assert.equal(callCount(), 1, 'the second run took the version from the cache');
    fake(258);
    install();
    const at258 = codes();
    assert.equal(callCount(), 2, 'a replaced systemctl is asked again');
    assert.ok(!at258.some((d) => d.code === 'directive-too-new'), JSON.stringify(at258));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
