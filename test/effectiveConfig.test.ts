/**
 * The effective configuration of a unit (service/effectiveConfig.ts over node/workspaceIndex.ts): real
 * files in a temporary root whose etc/ and usr/lib/ folders are the search path (SOCKACT_UNIT_PATH), so
 * nothing depends on this machine's /etc. The reading order is checked against this machine's systemd:
 * `systemd-analyze verify --root=` warns about an unknown key in every file it parses, in the order it
 * parses them, and says nothing of a file it does not read (shadowed or masked).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { WorkspaceIndex } from '../server/src/node/workspaceIndex';
import { createLanguageService, EffectiveConfigError } from '../server/src/service/languageService';
import type { EffectiveEntry } from '../server/src/service/effectiveConfig';
import { pathToUri } from '../server/src/service/editText';
import { startLspServer } from './helpers/lspServer';

const root = mkdtempSync(join(tmpdir(), 'sockact-effective-'));
const etc = join(root, 'etc/systemd/system');
const lib = join(root, 'usr/lib/systemd/system');
const saved = process.env.SOCKACT_UNIT_PATH;
process.env.SOCKACT_UNIT_PATH = `${etc}:${lib}`;
after(() => {
  rmSync(root, { recursive: true, force: true });
  if (saved === undefined) delete process.env.SOCKACT_UNIT_PATH;
  else process.env.SOCKACT_UNIT_PATH = saved;
});

function write(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/**
 * web-api@blue.service: its template in usr/lib, a template drop-in in both folders under one name (etc
 * wins), a dash-prefix drop-in (web-.service.d), an instance drop-in masked by a /dev/null link in etc,
 * and one in etc that empties ExecStart= and sets Restart= last. 05-early.conf sits in usr/lib but is
 * read first: drop-ins go by file name, not by folder.
 */
const UNIT = write(join(lib, 'web-api@.service'), '[Service]\nExecStart=/bin/a\nRestart=no\nEnvironment=A=1\n');
const EARLY = write(join(lib, 'web-api@.service.d/05-early.conf'), '[Service]\nRestart=on-abort\n');
const VENDOR_LIB = write(join(lib, 'web-api@.service.d/10-vendor.conf'), '[Service]\nRestart=on-failure\n');
const VENDOR_ETC = write(join(etc, 'web-api@.service.d/10-vendor.conf'), '[Service]\nEnvironment=B=2\n');
const PREFIX = write(join(lib, 'web-.service.d/20-prefix.conf'), '[Service]\nTimeoutStartSec=5\n');
const MASKED_LIB = write(join(lib, 'web-api@blue.service.d/30-masked.conf'), '[Service]\nRestart=always\nExecStart=/bin/masked\n');
const MASK = join(etc, 'web-api@blue.service.d/30-masked.conf');
mkdirSync(dirname(MASK), { recursive: true });
symlinkSync('/dev/null', MASK);
const RESET = write(join(etc, 'web-api@blue.service.d/40-reset.conf'), '[Service]\nExecStart=\nExecStart=/bin/b\nRestart=always\n');

const uri = (path: string) => pathToFileURL(path).href;

function configOf(path: string, text?: string) {
  const index = new WorkspaceIndex();
  const service = createLanguageService({ index });
  const document = TextDocument.create(uri(path), 'systemd-unit-file', 1, text ?? readFileSync(path, 'utf8'));
  if (text !== undefined) index.openDocument(document.uri, text);
  return { service, document, config: service.effectiveConfiguration(document, service.parse(document)) };
}

function entry(entries: EffectiveEntry[], path: string, line: number): EffectiveEntry {
  const found = entries.find((e) => e.path === path && e.line === line);
  assert.ok(found, `an entry at ${path}:${line + 1}`);
  return found;
}

test('sources: unit file, then drop-ins by file name across folders; same name: the higher folder; /dev/null masks', () => {
  const { config } = configOf(RESET);
  assert.equal(config.unit, 'web-api@blue.service');
  assert.deepEqual(config.sources.map((s) => [s.role, s.path]), [
    ['unit', UNIT], ['drop-in', EARLY], ['drop-in', VENDOR_ETC], ['drop-in', PREFIX], ['drop-in', RESET],
  ]);
  assert.deepEqual(
    [...config.skipped].sort((a, b) => a.path.localeCompare(b.path)),
    [
      { path: MASK, reason: 'masked' },
      { path: VENDOR_LIB, reason: 'shadowed', by: VENDOR_ETC },
      { path: MASKED_LIB, reason: 'shadowed', by: MASK },
    ].sort((a, b) => a.path.localeCompare(b.path)),
  );
});

test('single values: the last assignment wins; every earlier one is overridden, and names the winner', () => {
  const { config } = configOf(RESET);
  const service = config.sections.find((s) => s.name === 'Service')!.entries;
  const first = entry(service, UNIT, 2);
  assert.equal(first.kind, 'single');
  assert.deepEqual([first.state, first.by?.path, first.by?.line, first.by?.value], ['overridden', RESET, 3, 'always']);
  assert.deepEqual([entry(service, EARLY, 1).state, entry(service, EARLY, 1).by?.path], ['overridden', RESET]);
  assert.deepEqual([entry(service, RESET, 3).state, entry(service, RESET, 3).value], ['wins', 'always']);
  // The shadowed vendor file's Restart=on-failure and the masked one's Restart=always are not read at all.
  assert.equal(service.filter((e) => e.key === 'Restart').length, 3);
});

test('lists: values add up; an empty assignment drops the ones before it, wherever they were set', () => {
  const { config } = configOf(RESET);
  const service = config.sections.find((s) => s.name === 'Service')!.entries;
  const a = entry(service, UNIT, 1);
  const reset = entry(service, RESET, 1);
  assert.equal(a.kind, 'list');
  assert.deepEqual([a.state, a.by?.path, a.by?.line], ['reset', RESET, 1]);
  assert.equal(reset.state, 'resets');
  assert.deepEqual(reset.drops?.map((d) => [d.path, d.line, d.value]), [[UNIT, 1, '/bin/a']]);
  assert.equal(entry(service, RESET, 2).state, 'wins');
  // Environment= is a list too, never reset here: both values stay.
  assert.deepEqual(service.filter((e) => e.key === 'Environment').map((e) => [e.value, e.state]), [['A=1', 'wins'], ['B=2', 'wins']]);
  // TimeoutStartSec= has a parser not classified as single or list: alone, it is still the one in effect.
  assert.deepEqual([entry(service, PREFIX, 1).kind, entry(service, PREFIX, 1).state], ['other', 'wins']);
});

test('the read-only text: its plain lines are the effective configuration, every origin is a link', () => {
  const { config } = configOf(RESET);
  const lines = config.text.split('\n');
  const plain = lines.filter((l) => l !== '' && !l.startsWith('#'));
  assert.deepEqual(plain, ['[Service]', 'Environment=A=1', 'Environment=B=2', 'TimeoutStartSec=5', 'ExecStart=/bin/b', 'Restart=always']);
  // The commented-out ExecStart=/bin/a says what dropped it, and both places are links.
  const at = lines.indexOf('#ExecStart=/bin/a');
  assert.equal(lines[at - 1], `# ${UNIT}:2 · dropped by the empty ExecStart= at ${RESET}:2`);
  const links = config.links.filter((l) => l.line === at - 1);
  // (Compared as paths: '@' may or may not be percent-encoded in a file URI.)
  assert.deepEqual(links.map((l) => [new URL(l.targetUri).pathname, l.targetLine]).map(([p, n]) => [decodeURIComponent(p as string), n]), [[UNIT, 1], [RESET, 1]]);
  for (const l of links) assert.equal(lines[l.line].slice(l.start, l.end), `${decodeURIComponent(new URL(l.targetUri).pathname)}:${l.targetLine + 1}`);
  assert.ok(lines.includes(`#   ${MASK}: linked to /dev/null, masks the drop-ins of this name`), config.text);
  assert.ok(lines.includes(`#   1. ${UNIT}`), config.text);
});

test('the open document counts as it is typed, and a drop-in opened shows its whole unit', () => {
  const { config } = configOf(EARLY, '[Service]\nRestart=on-watchdog\n');
  // The template's own view: its drop-ins and the prefix folder, not the instance's.
  assert.equal(config.unit, 'web-api@.service');
  assert.deepEqual(config.sources.map((s) => s.path), [UNIT, EARLY, VENDOR_ETC, PREFIX]);
  const restart = config.sections[0].entries.filter((e) => e.key === 'Restart');
  assert.deepEqual(restart.map((e) => [e.value, e.state]), [['no', 'overridden'], ['on-watchdog', 'wins']]);
});

test('hover on an overridden directive names the assignment that overrides it, as a link', () => {
  const index = new WorkspaceIndex();
  const service = createLanguageService({ index });
  const text = readFileSync(UNIT, 'utf8');
  const document = TextDocument.create(uri(UNIT), 'systemd-unit-file', 1, text);
  const hover = service.doHover(document, service.parse(document), { line: 2, character: 2 });
  const value = (hover?.contents as { value: string }).value;
  assert.ok(value.startsWith(`🔀 Overridden by [${EARLY}:2](${pathToUri(EARLY)}#L2) (\`Restart=on-abort\`).`), value);
  // A directive nothing overrides says nothing of the kind.
  const exec = service.doHover(document, service.parse(document), { line: 1, character: 2 });
  assert.doesNotMatch((exec?.contents as { value: string }).value, /Overridden|Dropped/);
});

test('a file that is no unit is refused with a one-line reason', () => {
  const path = write(join(root, 'notes.txt'), 'hello\n');
  assert.throws(() => configOf(path), (e: unknown) => e instanceof EffectiveConfigError && !e.message.includes('\n'));
});

test("the reading order is systemd's: systemd-analyze verify --root= parses the same files in the same order", (t) => {
  const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) return t.skip('systemd-analyze is not installed');
  // A copy of the layout where every file carries an unknown key: systemd warns once per file it parses.
  const copy = mkdtempSync(join(tmpdir(), 'sockact-effective-root-'));
  try {
    const files = [UNIT, EARLY, VENDOR_LIB, VENDOR_ETC, PREFIX, MASKED_LIB, RESET];
    for (const f of files) write(join(copy, f.slice(root.length)), `[Service]\nExecStart=/bin/true\nSockactProbe=1\n`);
    mkdirSync(dirname(join(copy, MASK.slice(root.length))), { recursive: true });
    symlinkSync('/dev/null', join(copy, MASK.slice(root.length)));
    const verify = spawnSync('systemd-analyze', ['verify', `--root=${copy}`, 'web-api@blue.service'], { encoding: 'utf8' });
    const parsed = [...`${verify.stdout}${verify.stderr}`.matchAll(/^(\/\S+):\d+: Unknown key .SockactProbe./gm)].map((m) => m[1].slice(copy.length));
    assert.ok(parsed.length > 0, `systemd-analyze said: ${verify.stderr}`);
    const ours = configOf(RESET).config.sources.map((s) => s.path!.slice(root.length));
    assert.deepEqual(ours, parsed);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('over LSP: sockact/effectiveConfiguration answers for an open unit, and refuses a non-unit in one line', async () => {
  const workspace = join(__dirname, '../client/test/fixtures/workspace');
  const session = await startLspServer({}, { rootUri: pathToFileURL(workspace).href });
  try {
    const unitUri = pathToFileURL(join(workspace, 'layered.service')).href;
    await session.open(unitUri, readFileSync(join(workspace, 'layered.service'), 'utf8'));
    const answer = (await session.connection.sendRequest('sockact/effectiveConfiguration', { textDocument: { uri: unitUri } })) as { text: string; sources: Array<{ path: string }> };
    assert.deepEqual(answer.sources.map((s) => s.path.slice(workspace.length)), ['/layered.service', '/layered.service.d/10-override.conf']);
    assert.ok(answer.text.includes('\nExecStart=/usr/bin/layered --new\n'), answer.text);
    // A file never opened is read from the disk.
    const dropIn = pathToFileURL(join(workspace, 'layered.service.d/10-override.conf')).href;
    const fromDisk = (await session.connection.sendRequest('sockact/effectiveConfiguration', { textDocument: { uri: dropIn } })) as { unit: string };
    assert.equal(fromDisk.unit, 'layered.service');
    await assert.rejects(
      session.connection.sendRequest('sockact/effectiveConfiguration', { textDocument: { uri: pathToFileURL(join(workspace, 'nothing-here.txt')).href } }),
      (e: { message: string }) => /cannot be read as a unit file|not a unit file/.test(e.message) && !e.message.includes('\n'),
    );
  } finally {
    await session.stop();
  }
});

test('the code lens: atop a unit file that has drop-ins, with their count; none without drop-ins or on a drop-in', () => {
  const index = new WorkspaceIndex();
  const service = createLanguageService({ index });
  const lensesOf = (path: string, text: string) => {
    const document = TextDocument.create(uri(path), 'systemd-unit-file', 1, text);
    return service.findCodeLenses(document, service.parse(document)).filter((l) => l.command?.command === 'sockact.showEffectiveConfiguration');
  };
  const [lens, ...rest] = lensesOf(UNIT, readFileSync(UNIT, 'utf8'));
  assert.deepEqual(rest, []);
  assert.deepEqual(lens.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  assert.equal(lens.command?.title, 'Effective configuration (3 drop-ins)');
  assert.deepEqual(lens.command?.arguments, [uri(UNIT)]);
  assert.deepEqual(lensesOf(write(join(lib, 'plain.service'), '[Service]\nExecStart=/bin/p\n'), '[Service]\nExecStart=/bin/p\n'), []);
  assert.deepEqual(lensesOf(EARLY, readFileSync(EARLY, 'utf8')), []);
});

test('hover in a drop-in: what it overrides and what its empty assignment drops, in the other files', () => {
  const index = new WorkspaceIndex();
  const service = createLanguageService({ index });
  const document = TextDocument.create(uri(RESET), 'systemd-unit-file', 1, readFileSync(RESET, 'utf8'));
  const hoverAt = (line: number) => ((service.doHover(document, service.parse(document), { line, character: 1 })?.contents as { value: string }) ?? { value: '' }).value;
  assert.ok(hoverAt(1).startsWith(`🔀 Empties the list, dropping \`ExecStart=/bin/a\` at [${UNIT}:2](${pathToUri(UNIT)}#L2).`), hoverAt(1));
  assert.ok(
    hoverAt(3).startsWith(`🔀 Overrides \`Restart=no\` at [${UNIT}:3](${pathToUri(UNIT)}#L3), \`Restart=on-abort\` at [${EARLY}:2](${pathToUri(EARLY)}#L2).`),
    hoverAt(3),
  );
  // The value in effect, overriding nothing: no note.
  assert.doesNotMatch(hoverAt(2), /🔀/);
});
