/**
 * The extension manifest agrees with the code: every diagnostic code can be configured, every
 * registered command is contributed (and the other way round), unit files and drop-ins map to the
 * shared language id, and the .vsix keeps only the bundles and static contributions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DIAGNOSTIC_CODES } from '../server/src/service/languageService';

const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const contributes = manifest.contributes;

test('sockact.severity accepts exactly the diagnostic codes', () => {
  const codes = contributes.configuration.properties['sockact.severity'].propertyNames.enum;
  assert.deepEqual([...codes].sort(), Object.keys(DIAGNOSTIC_CODES).sort());
});

test('contributed commands are exactly the registered ones (but those marked internal: true)', () => {
  const source = readFileSync(new URL('client/src/commands.ts', root), 'utf8');
  const registry = source.slice(source.indexOf('export const COMMANDS'));
  const ids = [...registry.matchAll(/id: '([^']+)'/g)];
  assert.ok(ids.length > 0, 'no commands found in client/src/commands.ts');
  // Each registry entry runs from its `id: '…'` to the next one.
  const registered = ids
    .filter((m, i) => !/internal: true/.test(registry.slice(m.index, ids[i + 1]?.index)))
    .map((m) => m[1])
    .sort();
  const contributed = contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual(contributed, registered);
});

test('unit files and drop-ins open as systemd-unit-file, activated lazily', () => {
  const [language] = contributes.languages;
  assert.equal(language.id, 'systemd-unit-file');
  for (const ext of ['.socket', '.service', '.timer', '.path', '.mount', '.automount', '.swap', '.target', '.slice']) {
    assert.ok(language.extensions.includes(ext), ext);
  }
  assert.deepEqual(language.filenamePatterns, ['**/*.{socket,service,timer,path,mount,automount,swap,target,slice}.d/*.conf']);
  assert.deepEqual(manifest.activationEvents, ['onLanguage:systemd-unit-file']);
});

test('.vscodeignore excludes everything and whitelists the bundles and contributions', () => {
  const lines = readFileSync(new URL('.vscodeignore', root), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  assert.equal(lines[0], '**');
  for (const kept of ['!dist/client.js', '!dist/server.js', '!dist/cli.js', '!dist/browser/client.js', '!dist/browser/server.js', '!package.json', '!README.md', '!LICENSE', '!syntaxes/**']) {
    assert.ok(lines.includes(kept), kept);
  }
  // Unit skeletons come from the server's completion; there are no static snippets to ship.
  assert.ok(!lines.some((l) => l.includes('snippets')), 'no snippets');
  assert.ok(!lines.some((l) => l.includes('src') || l.includes('node_modules')));
});
