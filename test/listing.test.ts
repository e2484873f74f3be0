/**
 * What a Marketplace / Open VSX listing needs, checked from the files themselves: the manifest's links and
 * search words, a changelog, a README whose top shows the product (screenshots the e2e run takes), and a
 * getting-started walkthrough whose steps point at commands that exist and media that ships. Also the
 * first step's "New Socket-Activated Service" text: the pair it writes is clean for our checks and for
 * systemd-analyze verify.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pairNameProblem, skeletonText, snippetDefaults } from '../server/src/service/completionSkeletons';
import { diagnose } from './helpers/diagnose';
import { runSystemdVerify, systemdAnalyzeVersion } from './helpers/cli';

const root = fileURLToPath(new URL('../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const commandIds = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
/** Categories the Marketplace accepts (vsce rejects others). */
const MARKETPLACE_CATEGORIES = new Set([
  'Azure', 'Data Science', 'Debuggers', 'Education', 'Extension Packs', 'Formatters', 'Keymaps', 'Language Packs',
  'Linters', 'Machine Learning', 'Notebooks', 'Other', 'Programming Languages', 'SCM Providers', 'Snippets',
  'Testing', 'Themes', 'Visualization', 'AI', 'Chat',
]);

test('the manifest links the repository, the issue tracker and the homepage', () => {
  assert.match(manifest.repository?.url ?? '', /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
  assert.match(manifest.bugs?.url ?? '', /^https:\/\/github\.com\/.+\/issues$/);
  assert.match(manifest.homepage ?? '', /^https:\/\//);
});

test('a search for systemd finds it: keywords and Marketplace categories', () => {
  const keywords: string[] = manifest.keywords;
  for (const k of ['systemd', 'socket activation', 'unit file']) assert.ok(keywords.includes(k), k);
  // vsce refuses more than 30 keywords.
  assert.ok(keywords.length <= 30, `${keywords.length} keywords`);
  for (const c of manifest.categories) assert.ok(MARKETPLACE_CATEGORIES.has(c), `${c} is not a Marketplace category`);
  assert.ok(manifest.categories.includes('Programming Languages'));
  // Formatters: the server formats documents, ranges and on type.
  assert.ok(manifest.categories.includes('Formatters'));
});

test('CHANGELOG.md ships and names this version or an unreleased section', () => {
  const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
  assert.match(changelog, /^# Changelog\n/);
  assert.ok(changelog.includes('## [Unreleased]') || changelog.includes(`## [${manifest.version}]`));
  const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
  assert.ok(ignore.includes('!CHANGELOG.md'), '.vscodeignore whitelists CHANGELOG.md');
});

test('the walkthrough: every step has media that ships, and its links and completion events name contributed commands', () => {
  const walkthroughs = manifest.contributes.walkthroughs;
  assert.equal(walkthroughs.length, 1);
  const steps: Array<{ id: string; title: string; description: string; media: { markdown?: string }; completionEvents: string[] }> = walkthroughs[0].steps;
  assert.deepEqual(steps.map((s) => s.id), ['write', 'check', 'run', 'deploy']);
  const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
  for (const step of steps) {
    const media = step.media.markdown;
    assert.ok(media, `${step.id}: markdown media`);
    assert.ok(existsSync(join(root, media)), `${media} exists`);
    assert.ok(ignore.includes('!walkthroughs/*.md') && /^walkthroughs\/[a-z]+\.md$/.test(media), `${media} ships in the .vsix`);
    const links = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
    assert.ok(links.length > 0, `${step.id}: a button`);
    for (const id of links) assert.ok(commandIds.has(id), `${step.id}: ${id} is contributed`);
    assert.ok(step.completionEvents.length > 0, `${step.id}: completes`);
    for (const e of step.completionEvents) {
      const m = /^onCommand:(.+)$/.exec(e);
      assert.ok(m && commandIds.has(m[1]), `${step.id}: ${e} names a contributed command`);
    }
  }
});

test('the README opens with screenshots of the product, taken by the e2e run', () => {
  const top = readme.split('\n').slice(0, 40).join('\n');
  const images = [...top.matchAll(/!\[[^\]]+\]\((images\/screenshots\/[\w-]+\.png)\)/g)].map((m) => m[1]);
  assert.ok(images.length >= 3, `${images.length} screenshots near the top`);
  // The e2e run refreshes exactly these (README_SHOTS in scripts/e2e.mjs).
  const e2e = readFileSync(join(root, 'scripts', 'e2e.mjs'), 'utf8');
  const listed = /const README_SHOTS = \[([^\]]*)\]/.exec(e2e)?.[1] ?? '';
  for (const image of images) {
    const png = readFileSync(join(root, image));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', `${image} is a PNG`);
    const name = image.replace(/^images\/screenshots\/|\.png$/g, '');
    assert.ok(listed.includes(`'${name}'`), `${name} is one the e2e run takes and refreshes`);
  }
});

test('snippet placeholders resolve to their defaults, nested ones too', () => {
  assert.equal(snippetDefaults('A=${1:web}'), 'A=web');
  assert.equal(snippetDefaults('D=${2:${1:web} (socket-activated)}'), 'D=web (socket-activated)');
  assert.equal(snippetDefaults('P=${2|yes,no|}$0'), 'P=yes');
  assert.equal(snippetDefaults('E=\\$HOME \\} x$3'), 'E=$HOME } x');
});

test('pair names are checked as systemd checks unit names', () => {
  assert.equal(pairNameProblem('web'), undefined);
  assert.equal(pairNameProblem('my-app.v2'), undefined);
  for (const bad of ['', 'a b', 'x@', 'x/y', 'é', 'a'.repeat(250)]) assert.ok(pairNameProblem(bad), bad);
});

test('the pair "New Socket-Activated Service" writes is clean for our checks and loads in systemd', (t) => {
  const socket = skeletonText('sd-socket', 'web');
  const service = skeletonText('sd-service', 'web');
  assert.match(socket, /^ListenStream=8080$/m);
  assert.match(service, /^Requires=web\.socket$/m);
  const siblings = { 'web.service': service, 'web.socket': socket };
  for (const [name, text] of Object.entries(siblings)) {
    const found = diagnose(text, { path: `/proj/${name}`, siblingTexts: siblings, siblings: Object.keys(siblings) });
    assert.deepEqual(found.filter((d) => (d.severity ?? 1) <= 2).map((d) => d.code), [], `${name}: no errors or warnings`);
  }
  if (systemdAnalyzeVersion() === undefined) {
    t.skip('systemd-analyze is not installed');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sockact-newunit-'));
  try {
    writeFileSync(join(dir, 'web.socket'), socket);
    // The skeleton's program does not exist here; systemd says so and nothing else.
    writeFileSync(join(dir, 'web.service'), service);
    const outcome = runSystemdVerify([join(dir, 'web.socket'), join(dir, 'web.service')], dir);
    assert.deepEqual(outcome.parseMessages, [], outcome.output);
    const refusals = outcome.refusals.filter((r) => !/\/usr\/local\/bin\/web/.test(r.text));
    assert.deepEqual(refusals, [], outcome.output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
