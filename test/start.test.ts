/**
 * `npm start [-- FOLDER]`: which folder code-server opens. The resolution is tested on its own; the real
 * script is run with a folder that does not exist and must stop at once with one line (before packaging).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ESM script of the repository, without type declarations
import { startFolder } from '../scripts/startFolder.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples');

test('npm start opens examples/ by default, and the folder given, relative to where npm was started', () => {
  assert.deepEqual(startFolder([], {}, EXAMPLES), { folder: EXAMPLES, isExamples: true });
  const mine = mkdtempSync(join(tmpdir(), 'sockact start folder '));
  try {
    assert.deepEqual(startFolder(['--', mine], {}, EXAMPLES), { folder: mine, isExamples: false });
    assert.deepEqual(startFolder(['.'], { INIT_CWD: mine }, EXAMPLES), { folder: mine, isExamples: false });
    writeFileSync(join(mine, 'web.socket'), '[Socket]\nListenStream=80\n');
    assert.match(startFolder([join(mine, 'web.socket')], {}, EXAMPLES).error, /is not a folder/);
    assert.match(startFolder([mine, mine], {}, EXAMPLES).error, /one folder at a time/);
    assert.match(startFolder(['--port'], {}, EXAMPLES).error, /unknown option/);
  } finally {
    rmSync(mine, { recursive: true, force: true });
  }
});

test('npm start -- a folder that does not exist: one line, exit 1, nothing packaged or started', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/start.mjs'), '--', '/nonexistent/units'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(r.stderr.trim(), 'npm start: /nonexistent/units does not exist');
  assert.doesNotMatch(r.stdout, /packaged/);
});
