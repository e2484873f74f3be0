/**
 * Path escaping (server/src/service/values/unitNameEscape.ts) against the real `systemd-escape --path`
 * and `systemd-escape --unescape --path` of this machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { escapePath, unescapePath, unitNameFromPath } from '../server/src/service/values/unitNameEscape';

const PATHS = [
  '/', '//', '/mnt/a', '//mnt//a/', '/mnt/./a', '/./', '/a-b/c', '/with space', '/ünï/ç', '/日本/語', '/.hidden', '/a/.b',
  '/a:b_c.d', '/tmp/%x', '/ta b/$x', '/a/b/', '/foo@bar', '/x~y', '/back\\slash', '/tab\there', '/q"uote', "/s'q",
  '/dev/disk/by-uuid/1234-ABCD', '/home/user/.local', '/a/b/c/d/e/f', '/emoji/😀', '/-', '/--x', '/a..b', '/...',
  '/a/../b', '/..', '/a/..',
];

function systemdEscape(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('systemd-escape', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout.trim() };
}

const skip = spawnSync('systemd-escape', ['--version'], { encoding: 'utf8' }).error ? 'systemd-escape is not installed' : false;

test('escapePath agrees with systemd-escape --path', { skip }, () => {
  const problems: string[] = [];
  for (const p of PATHS) {
    const sys = systemdEscape(['--path', '--', p]);
    const ours = escapePath(p);
    const mine = ours.ok ? ours.name : undefined;
    if ((sys.ok ? sys.out : undefined) !== mine) problems.push(`${JSON.stringify(p)}: systemd ${sys.ok ? sys.out : 'fails'}, ours ${mine ?? 'fails'}`);
  }
  assert.deepEqual(problems, []);
});

test('unescapePath agrees with systemd-escape --unescape --path', { skip }, () => {
  const problems: string[] = [];
  const names = [...PATHS.map((p) => escapePath(p)).filter((e) => e.ok).map((e) => (e as { name: string }).name), 'a--b', '-a', 'a-', 'x\\x2fy', 'foo\\x'];
  for (const n of names) {
    const sys = systemdEscape(['--unescape', '--path', '--', n]);
    const mine = unescapePath(n);
    if ((sys.ok ? sys.out : undefined) !== mine) problems.push(`${JSON.stringify(n)}: systemd ${sys.ok ? sys.out : 'fails'}, ours ${mine ?? 'fails'}`);
  }
  assert.deepEqual(problems, []);
});

test('unitNameFromPath: absolute paths only, suffix added', () => {
  assert.deepEqual(unitNameFromPath('/mnt/a', '.mount'), { ok: true, name: 'mnt-a.mount' });
  assert.deepEqual(unitNameFromPath('/', '.mount'), { ok: true, name: '-.mount' });
  assert.equal(unitNameFromPath('mnt/a', '.mount').ok, false);
  assert.equal(unitNameFromPath('/a/../b', '.mount').ok, false);
  assert.equal(unitNameFromPath(`/${'x'.repeat(300)}`, '.mount').ok, false);
});
