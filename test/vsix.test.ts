/**
 * The .vsix that `npm run package` makes holds the bundles (client, server, and the CLI that Run with Socket
 * Activation runs) and static contributions and nothing else:
 * no sources, tests, node_modules or sourcemaps; the bundles need nothing at run time but Node's
 * built-ins (and `vscode`, for the client); the manifest inside points at the bundle and the icon.
 * The archive is read with test/helpers/zip.ts. This is the package for this machine (linux-x64, as e2e
 * installs it); test/platforms.test.ts checks all six.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { listZip, readZipEntry, type ZipEntry } from './helpers/zip';

const root = fileURLToPath(new URL('../', import.meta.url));
const MAX_BYTES = 1024 * 1024;
/**
 * koffi (the FFI package `sockact activate` opens sockets with), copied beside the bundles by
 * scripts/package.mjs: its loader and the linux-x64 glibc binary, nothing else of the package.
 */
const KOFFI = /^extension\/dist\/(koffi\/(package\.json|license\.txt|index\.cjs|src\/koffi\/index\.cjs|src\/koffi\/src\/static\.cjs)|@koromix\/koffi-linux-x64\/(package\.json|index\.js|linux_x64\/koffi\.node))$/i;

let zip: Buffer;
let entries: ZipEntry[];
let files: string[];
const file = (name: string): Buffer => {
  const entry = entries.find((e) => e.name === name);
  assert.ok(entry, `${name} is not in the .vsix`);
  return readZipEntry(zip, entry);
};

before(() => {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['scripts/package.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `scripts/package.mjs failed:\n${r.stdout}${r.stderr}`);
  const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
  // What it printed is what it made: the package for this machine.
  assert.match(r.stdout, new RegExp(`^dist-vsix/sockact-${version.replace(/\./g, '\\.')}-linux-x64\\.vsix \\(\\d+ KiB\\)$`, 'm'));
  const vsix = `${root}dist-vsix/sockact-${version}-linux-x64.vsix`;
  zip = readFileSync(vsix);
  entries = listZip(zip);
  files = entries.map((e) => e.name).filter((n) => !n.endsWith('/'));
  const unpacked = entries.reduce((sum, e) => sum + e.size, 0);
  console.log(
    `dist-vsix/sockact-${version}-linux-x64.vsix: ${(zip.length / 1024).toFixed(0)} KiB, ${files.length} files ` +
      `(${(unpacked / 1024).toFixed(0)} KiB unpacked), packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
});

test('the .vsix holds the bundles, the contributions, README, LICENSE, icon and manifest', () => {
  const names = new Set(files.map((f) => f.toLowerCase())); // vsce stores README.md as readme.md
  for (const required of [
    'extension/dist/client.js',
    'extension/dist/server.js',
    'extension/dist/cli.js',
    'extension/dist/engine.js',
    'extension/dist/browser/client.js',
    'extension/dist/browser/server.js',
    'extension/syntaxes/systemd.tmLanguage.json',
    'extension/README.md',
    'extension/images/icon.png',
    'extension/package.json',
    'extension/language-configuration.json',
    'extension.vsixmanifest',
    'extension/dist/koffi/index.cjs',
    'extension/dist/@koromix/koffi-linux-x64/linux_x64/koffi.node',
  ]) {
    assert.ok(names.has(required.toLowerCase()), `${required} is missing from the .vsix`);
  }
  assert.ok(names.has('extension/license.txt') || names.has('extension/license'), 'LICENSE is missing from the .vsix');
});

test('the .vsix holds nothing else: no sources, tests, node_modules, sourcemaps or the benchmark', () => {
  for (const f of files) {
    assert.ok(!/\.(ts|tsx|map)$/.test(f), `${f}: sources and sourcemaps stay out`);
    // koffi's own loader lives under a src/ folder of its package; it is runtime code, listed in KOFFI below.
    if (KOFFI.test(f)) continue;
    assert.ok(!/(^|\/)(node_modules|test|src|bench|scripts|examples|\.cache)\//.test(f), `${f}: only runtime files belong in the .vsix`);
  }
  const allowed = /^(\[Content_Types\]\.xml|extension\.vsixmanifest|extension\/(dist\/(client|server|cli|engine|browser\/client|browser\/server)\.js|package\.json|readme\.md|changelog\.md|walkthroughs\/[a-z]+\.md|license(\.txt)?|images\/icon\.png|language-configuration\.json|syntaxes\/[^/]+\.json))$/i;
  const unexpected = files.filter((f) => !allowed.test(f) && !KOFFI.test(f));
  assert.deepEqual(unexpected, [], '.vscodeignore lets through files the extension does not need');
});

test(`the .vsix is smaller than ${MAX_BYTES / 1024 / 1024} MB`, () => {
  assert.ok(zip.length < MAX_BYTES, `${zip.length} bytes`);
});

test('the packaged manifest starts the bundled client, shows the icon and supports untrusted folders', () => {
  const manifest = JSON.parse(file('extension/package.json').toString('utf8'));
  assert.equal(manifest.main, './dist/client.js');
  assert.equal(manifest.browser, './dist/browser/client.js');
  assert.equal(manifest.icon, 'images/icon.png');
  assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, 'limited');
  assert.ok(manifest.capabilities.untrustedWorkspaces.description);
  const png = file('extension/images/icon.png');
  assert.equal(png.toString('latin1', 1, 4), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'icon size');
});

test('the bundles require nothing but Node built-ins (and vscode, in the client), or files shipped beside them', () => {
  const builtins = new Set(builtinModules);
  const isBuiltin = (m: string) => m.startsWith('node:') || builtins.has(m) || builtins.has(m.split('/')[0]);
  for (const [bundle, extra] of [
    ['extension/dist/client.js', ['vscode']],
    ['extension/dist/server.js', []],
    ['extension/dist/cli.js', []],
    ['extension/dist/engine.js', []],
  ] as const) {
    const source = file(bundle).toString('utf8');
    const required = [...source.matchAll(/\brequire\(\s*(["'`])([^"'`]+)\1\s*\)/g)].map((m) => m[2]);
    assert.ok(required.length > 0, `${bundle}: no require() found at all; is the scan still right?`);
    const shipped = (m: string) => m.startsWith('./') && files.includes(posix.join(posix.dirname(bundle), m));
    const outside = [...new Set(required.filter((m) => !isBuiltin(m) && !(extra as readonly string[]).includes(m) && !shipped(m)))];
    assert.deepEqual(outside, [], `${bundle} requires modules that are not in the .vsix`);
  }
});

test('the web bundles (package.json "browser") require nothing but vscode, and no Node built-in at all', () => {
  for (const [bundle, allowed] of [
    ['extension/dist/browser/client.js', ['vscode']],
    ['extension/dist/browser/server.js', []],
  ] as const) {
    const source = file(bundle).toString('utf8');
    // A web worker has no require() of its own: the extension host provides `vscode`, nothing else.
    const required = [...new Set([...source.matchAll(/\brequire\(\s*(["'`])([^"'`]+)\1\s*\)/g)].map((m) => m[2]))];
    assert.deepEqual(required.filter((m) => !(allowed as readonly string[]).includes(m)), [], `${bundle} requires modules a web worker does not have`);
    const nodeImports = [...new Set([...source.matchAll(/(["'`])node:([a-z_/]+)\1/g)].map((m) => `node:${m[2]}`))];
    assert.deepEqual(nodeImports, [], `${bundle} names Node built-ins`);
    // Known Node-only code paths of our own that must stay out (the disk walk, systemctl, the CLI's activation).
    for (const marker of ['readdirSync', 'spawnSync', 'execFile', 'pathToFileURL']) {
      assert.ok(!source.includes(marker), `${bundle} contains ${marker}: Node-only code was bundled`);
    }
  }
  // The web server is a worker script: one IIFE, the web client a CommonJS module for the extension host.
  assert.match(file('extension/dist/browser/server.js').toString('utf8').trimStart(), /^(\(\(\)\s*=>|\(function|"use strict";\s*\(\(\)\s*=>|\(\(\)=>|var )/);
});

test('commands that need a trusted folder are disabled by the manifest too (enablement: isWorkspaceTrusted)', () => {
  const manifest = JSON.parse(file('extension/package.json').toString('utf8'));
  const source = readFileSync(`${root}client/src/commands.ts`, 'utf8');
  const registry = source.slice(source.indexOf('export const COMMANDS'));
  // Each registry entry runs from its `id: '…'` to the next one.
  const ids = [...registry.matchAll(/id: '([^']+)'/g)];
  assert.ok(ids.length > 0, 'no commands found in client/src/commands.ts');
  for (const [i, m] of ids.entries()) {
    const entry = registry.slice(m.index, ids[i + 1]?.index);
    const needsTrust = /needsTrust: true/.test(entry);
    const contributed = manifest.contributes.commands.find((c: { command: string }) => c.command === m[1]);
    if (/internal: true/.test(entry)) {
      assert.equal(contributed, undefined, `${m[1]} is internal and must not be contributed`);
      assert.ok(!needsTrust, `${m[1]}: an internal command cannot be disabled by the manifest, so it must not need trust`);
      continue;
    }
    const enablement: string = contributed?.enablement ?? '';
    assert.equal(/\bisWorkspaceTrusted\b/.test(enablement), needsTrust, `${m[1]}: needsTrust ${needsTrust} but enablement "${enablement}"`);
    // The web (commands.ts header): a command that needs the desktop is disabled there by the manifest too.
    const needsDesktop = /needsDesktop: true/.test(entry);
    assert.equal(/!sockact\.web\b/.test(enablement), needsDesktop, `${m[1]}: needsDesktop ${needsDesktop} but enablement "${enablement}"`);
  }
});

test('the packaged CLI opens sockets with the koffi it ships (unpacked alone, no node_modules anywhere above)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sockact-vsix-'));
  try {
    for (const f of files.filter((n) => n.startsWith('extension/dist/'))) {
      const target = join(dir, f.slice('extension/'.length));
      mkdirSync(posix.dirname(target), { recursive: true });
      writeFileSync(target, file(f));
    }
    writeFileSync(join(dir, 'probe.socket'), '[Socket]\nListenSequentialPacket=@sockact-vsix-' + process.pid + '\n');
    // --now: the program starts at once; it reports the type of fd 3 (5 = SOCK_SEQPACKET, which Node can't open).
    const r = spawnSync(process.execPath, [join(dir, 'dist', 'cli.js'), 'activate', '--now', join(dir, 'probe.socket'), '--', 'python3', '-c',
      'import os, socket; s = socket.socket(fileno=3); print(int(s.type), os.environ["LISTEN_FDS"], flush=True); os.kill(os.getppid(), 15)'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.stdout.trim(), '5 1', r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
