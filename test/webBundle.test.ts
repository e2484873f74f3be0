/**
 * The web build (package.json "browser"): the bundles scripts/build.mjs wrote to dist/browser/ hold no
 * Node built-in and require nothing but `vscode`, and the build's guard (scripts/noNodeBuiltins.mjs)
 * refuses an entry that would pull Node-only code in, naming the module. Whether the bundles work is the
 * web worker host's part of `npm run test:e2e` (a real browser), not this file's.
 * Needs a current build: `npm run build`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
// @ts-expect-error: a plain .mjs module of the build scripts, without types
import { noNodeBuiltins } from '../scripts/noNodeBuiltins.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));

/** What a bundle requires, and every "node:…" string it names. */
function scan(bundle: string): { required: string[]; nodeNames: string[] } {
  const source = readFileSync(`${root}${bundle}`, 'utf8');
  return {
    required: [...new Set([...source.matchAll(/\brequire\(\s*(["'`])([^"'`]+)\1\s*\)/g)].map((m) => m[2]))],
    nodeNames: [...new Set([...source.matchAll(/(["'`])node:([a-z_/]+)\1/g)].map((m) => `node:${m[2]}`))],
  };
}

test('dist/browser/client.js requires vscode only, and names no Node built-in', () => {
  const { required, nodeNames } = scan('dist/browser/client.js');
  assert.deepEqual(required, ['vscode']);
  assert.deepEqual(nodeNames, []);
});

test('dist/browser/server.js requires nothing, names no Node built-in, and has the language service in it', () => {
  const { required, nodeNames } = scan('dist/browser/server.js');
  assert.deepEqual(required, []);
  assert.deepEqual(nodeNames, []);
  const source = readFileSync(`${root}dist/browser/server.js`, 'utf8');
  // The same catalog and checks as the Node server: a directive's summary and a diagnostic code are there.
  for (const marker of ['ListenStream', 'inline-comment', 'missing-service']) assert.ok(source.includes(marker), marker);
  for (const marker of ['readdirSync', 'spawnSync', 'systemctl --version']) assert.ok(!source.includes(marker), `${marker}: Node-only code was bundled`);
});

async function webBuild(entry: string): Promise<{ ok: boolean; errors: string[] }> {
  try {
    await build({ entryPoints: [`${root}${entry}`], bundle: true, write: false, platform: 'browser', format: 'iife', mainFields: ['browser', 'module', 'main'], logLevel: 'silent', plugins: [noNodeBuiltins] });
    return { ok: true, errors: [] };
  } catch (e) {
    return { ok: false, errors: ((e as { errors?: { text: string }[] }).errors ?? []).map((x) => x.text) };
  }
}

test('the guard passes the web server entry and fails an entry that reaches Node-only code', async () => {
  assert.deepEqual(await webBuild('server/src/browser/server.ts'), { ok: true, errors: [] });
  // The Node server entry: its disk-walking index and systemctl must be refused, by name.
  const node = await webBuild('server/src/server.ts');
  assert.equal(node.ok, false);
  assert.ok(node.errors.some((t) => /^node:(fs|child_process|url) is a Node built-in, imported by .*server\/src\//.test(t)), node.errors.join('\n'));
});
