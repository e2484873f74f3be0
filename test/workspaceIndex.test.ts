/**
 * The node side of the workspace index on a real folder: what the walk finds (units and drop-ins, not
 * other files), open documents over the disk, file events (a file, a new drop-in folder, a deleted
 * folder), units outside the workspace read from the disk as their file changes, and "no telling" for a
 * folder that does not exist.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkspaceIndex } from '../server/src/node/workspaceIndex';
import { resolverFromIndex } from '../server/src/service/workspaceIndex';

const base = mkdtempSync(join(tmpdir(), 'sockact-index-'));
after(() => rmSync(base, { recursive: true, force: true }));

function tree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

const uri = (path: string) => pathToFileURL(path).href;

test('the walk indexes unit files and drop-ins of the workspace, nothing else', () => {
  const ws = join(base, 'walk');
  tree(ws, {
    'units/web.socket': '[Socket]\nListenStream=80\n',
    'units/web.service': '[Service]\nExecStart=/bin/true\n',
    'units/web.service.d/20-b.conf': '[Service]\nNice=2\n',
    'units/web.service.d/10-a.conf': '[Service]\nNice=1\n',
    'units/web.service.d/notes.txt': 'not a drop-in',
    'units/README.md': '# units',
    'node_modules/dep/x.service': '[Service]\nExecStart=/bin/true\n',
  });
  const index = new WorkspaceIndex([ws]);
  const dir = join(ws, 'units');
  assert.deepEqual(index.unitNames(), ['web.service', 'web.socket']);
  assert.equal(index.unit('web.service', dir)?.text, '[Service]\nExecStart=/bin/true\n');
  assert.equal(index.unit('other.service', dir), undefined);
  assert.deepEqual(index.dropIns('web.service', dir).map((f) => f.path.slice(dir.length + 1)), ['web.service.d/10-a.conf', 'web.service.d/20-b.conf']);
  assert.deepEqual(index.unitsIn(dir, 'socket').map((u) => u.name), ['web.socket']);
  assert.deepEqual(index.named('web.socket').map((u) => u.dir), [dir]);
  assert.equal(index.exists('x.service'), false, 'node_modules is not walked');
});

test('open documents win over the disk until closed; file events keep the rest current', () => {
  const ws = join(base, 'events');
  tree(ws, { 'web.socket': '[Socket]\nListenStream=80\n' });
  const index = new WorkspaceIndex([ws]);
  const resolver = resolverFromIndex(index);
  assert.equal(resolver.unitExists('web.service', ws), false);

  index.openDocument(uri(join(ws, 'web.service')), '[Service]\nExecStart=/bin/editor\n');
  assert.equal(resolver.readUnit!('web.service', ws), '[Service]\nExecStart=/bin/editor\n');
  index.closeDocument(uri(join(ws, 'web.service')));
  assert.equal(resolver.unitExists('web.service', ws), false, 'never saved: gone with the editor');

  writeFileSync(join(ws, 'web.service'), '[Service]\nExecStart=/bin/disk\n');
  index.applyFileEvents([{ uri: uri(join(ws, 'web.service')), type: 1 }]);
  assert.equal(resolver.readUnit!('web.service', ws), '[Service]\nExecStart=/bin/disk\n');

  // A drop-in in a folder the walk has never seen.
  tree(ws, { 'web.socket.d/port.conf': '[Socket]\nListenStream=81\n' });
  index.applyFileEvents([{ uri: uri(join(ws, 'web.socket.d/port.conf')), type: 1 }]);
  assert.deepEqual(index.dropIns('web.socket', ws).map((f) => f.text), ['[Socket]\nListenStream=81\n']);
  // The folder deleted as a whole.
  rmSync(join(ws, 'web.socket.d'), { recursive: true });
  index.applyFileEvents([{ uri: uri(join(ws, 'web.socket.d')), type: 3 }]);
  assert.deepEqual(index.dropIns('web.socket', ws), []);
});

test('outside the workspace: read from the disk (again when the file changes); a missing folder is "no telling"', () => {
  const outside = join(base, 'outside');
  tree(outside, { 'db.socket': '[Socket]\nListenStream=5432\n', 'db.service': '[Service]\nExecStart=/bin/a\n' });
  const index = new WorkspaceIndex([join(base, 'walk')]);
  assert.equal(index.unit('db.service', outside)?.text, '[Service]\nExecStart=/bin/a\n');
  writeFileSync(join(outside, 'db.service'), '[Service]\nExecStart=/bin/bb\n');
  assert.equal(index.unit('db.service', outside)?.text, '[Service]\nExecStart=/bin/bb\n');
  assert.deepEqual(index.unitsIn(outside).map((u) => u.name), ['db.service', 'db.socket']);
  assert.equal(index.unit('db.service', join(base, 'no-such-folder')), null);
  assert.equal(resolverFromIndex(index).unitExists('db.service', join(base, 'no-such-folder')), undefined);
});

test('a unit written to a walked folder is found before any file event arrives (the editor\'s watcher lags)', () => {
  const ws = join(base, 'lag');
  tree(ws, { 'units/ui.socket': '[Socket]\nListenStream=127.0.0.1:9000\n' });
  const index = new WorkspaceIndex([ws]);
  const dir = join(ws, 'units');
  assert.equal(index.unit('ui.service', dir), undefined);
  // Written behind the index's back: no applyFileEvents call.
  writeFileSync(join(dir, 'ui.service'), '[Service]\nExecStart=/bin/true\n');
  assert.equal(index.unit('ui.service', dir)?.path, join(dir, 'ui.service'));
  assert.equal(resolverFromIndex(index).unitExists('ui.service', dir), true);
});

test('a walk lists files and reads them as they are asked for; changes are reported once, to whoever takes them', () => {
  const ws = join(base, 'lazy');
  tree(ws, {
    'a/web.socket': '[Socket]\nListenStream=80\n',
    'a/web.service': '[Service]\nExecStart=/bin/web\n',
    'a/web.service.d/10-env.conf': '[Service]\nEnvironment=A=1\n',
    'b/db.service': '[Service]\nExecStart=/bin/db\n',
  });
  const index = new WorkspaceIndex([], {});
  index.setFolders([ws], { defer: true });
  // Deferred: the first question walks the folders.
  assert.deepEqual(index.unitNames(), ['db.service', 'web.service', 'web.socket']);
  assert.equal(index.takeChanges().all, true, 'a fresh walk: everything changed');
  // Written after the walk listed it and before anything read it: the read sees the disk as it is now.
  writeFileSync(join(ws, 'a/web.service'), '[Service]\nExecStart=/bin/web --new\n');
  assert.equal(index.unit('web.service', join(ws, 'a'))?.text, '[Service]\nExecStart=/bin/web --new\n');
  assert.deepEqual(index.dropIns('web.service', join(ws, 'a')).map((f) => f.text), ['[Service]\nEnvironment=A=1\n']);
  assert.deepEqual(index.named('db.service').map((u) => u.dir), [join(ws, 'b')]);
  // Deleted before it was read: it leaves every list.
  rmSync(join(ws, 'a/web.socket'));
  index.applyFileEvents([{ uri: uri(join(ws, 'a/web.socket')), type: 3 }]);
  assert.deepEqual(index.allPaths(), [join(ws, 'a/web.service'), join(ws, 'a/web.service.d/10-env.conf'), join(ws, 'b/db.service')]);
  assert.ok(index.takeChanges().paths.includes(join(ws, 'a/web.socket')));
  assert.deepEqual(index.takeChanges(), { all: false, paths: [] }, 'taken once');
  // A new folder: listed, reported, read when asked.
  tree(ws, { 'c/cache.service': '[Service]\nExecStart=/bin/cache\n' });
  const touched = index.applyFileEvents([{ uri: uri(join(ws, 'c')), type: 1 }]);
  assert.ok(touched.has(join(ws, 'c/cache.service')), 'the file of a new folder is among the touched paths');
  assert.equal(index.textByPath(join(ws, 'c/cache.service')), '[Service]\nExecStart=/bin/cache\n');
});
