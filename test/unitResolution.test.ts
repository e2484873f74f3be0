/**
 * How a unit name becomes the files systemd loads: the pure name rules (service/unitNames.ts), the search
 * path (node/unitSearchPath.ts) and the on-disk index that uses both (node/workspaceIndex.ts), with the
 * search path pointed at temporary folders (SOCKACT_UNIT_PATH) so nothing depends on this machine's /etc.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { WorkspaceIndex } from '../server/src/node/workspaceIndex';
import { lookupDirs, unitSearchPath } from '../server/src/node/unitSearchPath';
import { createLanguageService } from '../server/src/service/languageService';
import {
  dropInFolderNames, editDistance, findFragment, fragmentNames, orderDropIns, suggestUnitName, templateOf, unitFound,
} from '../server/src/service/unitNames';
import { MemoryUnitIndex } from '../server/src/service/workspaceIndex';

// --- the name rules -------------------------------------------------------------------------------------

test('an instance falls back to its template; plain names and templates have no fallback', () => {
  assert.equal(templateOf('kresd@1.service'), 'kresd@.service');
  assert.equal(templateOf('getty@tty1.service'), 'getty@.service');
  assert.equal(templateOf('a@b@c.socket'), 'a@.socket');
  assert.equal(templateOf('kresd@.service'), undefined);
  assert.equal(templateOf('kresd.service'), undefined);
  assert.deepEqual(fragmentNames('kresd@1.service'), ['kresd@1.service', 'kresd@.service']);
  assert.deepEqual(fragmentNames('web.service'), ['web.service']);
});

test("the instance's own file anywhere in the path wins over the template's in an earlier folder", () => {
  const files = new Set(['/etc/foo@.service', '/usr/foo@x.service', '/usr/foo@.service']);
  const at = (p: string) => (files.has(p) ? p : undefined);
  assert.equal(findFragment('foo@x.service', ['/etc', '/usr'], at)?.file, '/usr/foo@x.service');
  assert.equal(findFragment('foo@y.service', ['/etc', '/usr'], at)?.file, '/etc/foo@.service');
  assert.equal(findFragment('bar.service', ['/etc', '/usr'], at), undefined);
});

test('unitFound: true when one name is found, undefined when one cannot be known, else false', () => {
  assert.equal(unitFound((n) => n === 'a@.service', 'a@1.service'), true);
  assert.equal(unitFound(() => false, 'a@1.service'), false);
  assert.equal(unitFound((n) => (n === 'a@.service' ? undefined : false), 'a@1.service'), undefined);
});

test('drop-in folders in the order of unit_file_find_dirs(): name, template, dash prefixes', () => {
  assert.deepEqual(dropInFolderNames('web.service'), ['web.service.d']);
  assert.deepEqual(dropInFolderNames('foo-bar-baz.service'), ['foo-bar-baz.service.d', 'foo-bar-.service.d', 'foo-.service.d']);
  assert.deepEqual(dropInFolderNames('foo@x.service'), ['foo@x.service.d', 'foo@.service.d']);
  // A template's prefix is a plain name; an instance's keeps the instance.
  assert.deepEqual(dropInFolderNames('foo-bar@x.service'), [
    'foo-bar@x.service.d', 'foo-bar@.service.d', 'foo-.service.d', 'foo-@x.service.d', 'foo-@.service.d',
  ]);
  // A leading dash is no prefix; a trailing one is chopped once.
  assert.deepEqual(dropInFolderNames('-foo.service'), ['-foo.service.d']);
  assert.deepEqual(dropInFolderNames('foo--bar.service'), ['foo--bar.service.d', 'foo--.service.d', 'foo-.service.d']);
});

test('drop-ins: sorted by file name, the first folder holding a name wins, only *.conf', () => {
  const order = orderDropIns([
    { files: [{ name: '20-b.conf', file: 'etc/20-b' }, { name: 'x.txt', file: 'etc/x' }] },
    { files: [{ name: '10-a.conf', file: 'usr/10-a' }, { name: '20-b.conf', file: 'usr/20-b' }, { name: '.h.conf', file: 'usr/h' }] },
  ]);
  assert.deepEqual(order, ['usr/10-a', 'etc/20-b']);
});

test('did you mean: the same stem of another type first (certain), else one close spelling of the same type', () => {
  assert.deepEqual(suggestUnitName('network-online.service', ['network-online.target', 'network.target']), { name: 'network-online.target', sameStem: true });
  assert.deepEqual(suggestUnitName('netwrk-online.target', ['network-online.target']), { name: 'network-online.target', sameStem: false });
  assert.equal(suggestUnitName('web.service', ['db.service']), undefined);
  // Two equally close names: no guess.
  assert.equal(suggestUnitName('webx.service', ['weba.service', 'webb.service']), undefined);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

// --- the search path -------------------------------------------------------------------------------------

test("the system search path in lookup_paths_init()'s order", () => {
  assert.deepEqual(unitSearchPath('system', {}), [
    '/etc/systemd/system.control', '/run/systemd/system.control', '/run/systemd/transient', '/run/systemd/generator.early',
    '/etc/systemd/system', '/etc/systemd/system.attached', '/run/systemd/system', '/run/systemd/system.attached',
    '/run/systemd/generator', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system',
    '/run/systemd/generator.late',
  ]);
});

test('the user search path: ~/.config first, the XDG folders, /usr/lib last', () => {
  const path = unitSearchPath('user', { HOME: '/home/u', XDG_RUNTIME_DIR: '/run/user/1000' });
  assert.equal(path[0], '/home/u/.config/systemd/user.control');
  const order = ['/home/u/.config/systemd/user', '/etc/systemd/user', '/run/user/1000/systemd/user', '/run/systemd/user',
    '/home/u/.local/share/systemd/user', '/usr/local/lib/systemd/user', '/usr/lib/systemd/user'];
  const positions = order.map((d) => path.indexOf(d));
  assert.ok(positions.every((p) => p >= 0), JSON.stringify(path));
  assert.deepEqual([...positions].sort((a, b) => a - b), positions);
});

test('SOCKACT_UNIT_PATH replaces the search path; a folder outside it sees itself first, then the path', () => {
  const env = { SOCKACT_UNIT_PATH: '/tmp/a::/tmp/b' };
  assert.deepEqual(unitSearchPath('system', env), ['/tmp/a', '/tmp/b']);
  assert.deepEqual(lookupDirs('/tmp/b', env), ['/tmp/a', '/tmp/b'], 'a folder of the path sees the whole path');
  assert.deepEqual(lookupDirs(tmpdir(), env), [tmpdir(), '/tmp/a', '/tmp/b']);
  assert.equal(lookupDirs('/no/such/folder', env), undefined, 'an unsaved folder: no telling');
});

// --- the index on disk ------------------------------------------------------------------------------------

const base = mkdtempSync(join(tmpdir(), 'sockact-resolve-'));
const etc = join(base, 'etc');
const lib = join(base, 'lib');
const saved = process.env.SOCKACT_UNIT_PATH;
process.env.SOCKACT_UNIT_PATH = `${etc}:${lib}`;
after(() => {
  if (saved === undefined) delete process.env.SOCKACT_UNIT_PATH;
  else process.env.SOCKACT_UNIT_PATH = saved;
  rmSync(base, { recursive: true, force: true });
});

function tree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

const EXEC = '[Service]\nExecStart=/bin/cat\n';

function lint(path: string, index: WorkspaceIndex, version = 257): Array<{ code: string; severity: number | undefined; data?: unknown }> {
  const service = createLanguageService({ index });
  const document = TextDocument.create(pathToFileURL(path).href, 'systemd-unit-file', 1, index.fileByPath(path)!.text);
  return service.doValidation(document, service.parse(document), { systemdVersion: version }).map((d) => ({ code: String(d.code), severity: d.severity, data: d.data }));
}

test('a repository socket finds an instance through the template beside it, and a service installed in the search path', () => {
  const repo = join(base, 'repo1');
  tree(repo, {
    'kresd.socket': '[Socket]\nListenStream=/run/kresd.sock\nService=kresd@1.service\n',
    'kresd@.service': EXEC,
    'host.socket': '[Socket]\nListenStream=/run/host.sock\nService=installed.service\n',
    'gone.socket': '[Socket]\nListenStream=/run/gone.sock\nService=gone@1.service\n',
  });
  tree(lib, { 'installed.service': EXEC });
  for (const index of [new WorkspaceIndex([repo]), new WorkspaceIndex([], { snapshot: true })]) {
    assert.equal(index.unit('kresd@1.service', repo)?.path, join(repo, 'kresd@.service'));
    assert.equal(index.unit('installed.service', repo)?.path, join(lib, 'installed.service'));
    assert.deepEqual(lint(join(repo, 'kresd.socket'), index), []);
    assert.deepEqual(lint(join(repo, 'host.socket'), index), []);
    assert.deepEqual(lint(join(repo, 'gone.socket'), index).map((d) => d.code), ['missing-service']);
  }
});

test('an earlier folder of the path wins; an alias symlink makes a name exist; a dangling one does not; masked is no telling', () => {
  tree(etc, { 'shadow.service': '[Service]\nExecStart=/bin/etc\n' });
  tree(lib, { 'shadow.service': EXEC, 'real.service': EXEC });
  symlinkSync('real.service', join(lib, 'alias.service'));
  symlinkSync(join(lib, 'real.service'), join(etc, 'linked.service'));
  symlinkSync('nowhere.service', join(lib, 'dangling.service'));
  symlinkSync('/dev/null', join(etc, 'masked.service'));
  const index = new WorkspaceIndex();
  assert.equal(index.unit('shadow.service', lib)?.text, '[Service]\nExecStart=/bin/etc\n');
  assert.equal(index.unit('alias.service', lib)?.text, EXEC);
  assert.equal(index.unit('linked.service', etc)?.text, EXEC);
  assert.equal(index.unit('dangling.service', lib), undefined);
  assert.equal(index.unit('masked.service', lib), null);
  assert.equal(index.exists('alias.service'), true);
});

test('drop-ins of the template and of dash prefixes apply; a unit of drop-ins only does not exist', () => {
  const repo = join(base, 'repo2');
  tree(repo, {
    'tpl@.service': '[Unit]\nDescription=template\n',
    'tpl@.service.d/exec.conf': EXEC,
    'tpl.socket': '[Socket]\nListenStream=/run/tpl.sock\nService=tpl@1.service\n',
    'app-web.service': '[Unit]\nDescription=app\n',
    'app-.service.d/exec.conf': EXEC,
    'app-web.socket': '[Socket]\nListenStream=/run/app.sock\n',
    'only.service.d/exec.conf': EXEC,
    'only.socket': '[Socket]\nListenStream=/run/only.sock\n',
  });
  const index = new WorkspaceIndex([repo]);
  assert.deepEqual(index.dropIns('tpl@1.service', repo).map((f) => f.path), [join(repo, 'tpl@.service.d/exec.conf')]);
  assert.deepEqual(index.dropIns('app-web.service', repo).map((f) => f.path), [join(repo, 'app-.service.d/exec.conf')]);
  // ExecStart= from a drop-in: neither the service nor the socket starting it is refused.
  assert.deepEqual(lint(join(repo, 'tpl.socket'), index), []);
  assert.deepEqual(lint(join(repo, 'tpl@.service'), index), []);
  assert.deepEqual(lint(join(repo, 'app-web.socket'), index), []);
  assert.deepEqual(lint(join(repo, 'app-web.service'), index), []);
  assert.equal(index.unit('only.service', repo), undefined);
  assert.deepEqual(lint(join(repo, 'only.socket'), index).map((d) => d.code), ['missing-service']);
});

test('dependencies on units found nowhere: Requires= an error, Wants= information, a certain fix for the same stem', () => {
  const repo = join(base, 'repo3');
  tree(lib, { 'network-online.target': '[Unit]\nDescription=net\n', 'db@.service': EXEC });
  tree(repo, {
    'app.service': '[Unit]\nRequires=network-online.service\nWants=nosuch.service\nAfter=nosuch.service\nBindsTo=db@main.service\n[Service]\nExecStart=/bin/true\n',
  });
  const index = new WorkspaceIndex([repo]);
  const found = lint(join(repo, 'app.service'), index);
  assert.deepEqual(found.map((d) => [d.code, d.severity]), [['missing-dependency', 1], ['missing-weak-dependency', 3]]);
  assert.deepEqual(found[0].data, { unit: 'network-online.service', suggestion: 'network-online.target', certain: true });

  const service = createLanguageService({ index });
  const path = join(repo, 'app.service');
  const document = TextDocument.create(pathToFileURL(path).href, 'systemd-unit-file', 1, index.fileByPath(path)!.text);
  const unit = service.parse(document);
  const diagnostics = service.doValidation(document, unit, { systemdVersion: 257 });
  const all = { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } };
  const fixes = service.doCodeActions(document, unit, all, diagnostics).filter((a) => a.title.startsWith('Change to'));
  assert.deepEqual(fixes.map((a) => a.title), ['Change to network-online.target'], 'no fix for a guess');
  const edit = fixes[0].edit!.changes![document.uri][0];
  assert.equal(TextDocument.applyEdits(document, [edit]).split('\n')[1], 'Requires=network-online.target');
});

test('in memory without the installed units (a virtual workspace) a dependency is never reported', () => {
  const index = new MemoryUnitIndex();
  index.set('/p/app.service', '[Unit]\nRequires=nosuch.service\n[Service]\nExecStart=/bin/true\n');
  const service = createLanguageService({ index });
  const document = TextDocument.create('file:///p/app.service', 'systemd-unit-file', 1, index.text('/p/app.service')!);
  assert.deepEqual(service.doValidation(document, service.parse(document), {}).map((d) => d.code), []);
});
