/**
 * Renaming units: workspace/willRenameFiles (a unit file renamed in the editor) and textDocument/rename
 * on a unit name in a value. Each edit is applied to an in-memory workspace the way an editor applies
 * it (text edits, then file renames), and every file is linted again: a rename must leave no
 * diagnostic that was not there before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RenameFile, WorkspaceEdit } from 'vscode-languageserver-types';
import { RenameError, type RenameCapabilities } from '../server/src/service/languageService';
import { assertNoNewDiagnostics, ls, MemoryWorkspace, uriOf } from './helpers/unitWorkspace';

const SERVICE = '[Service]\nExecStart=/usr/bin/true\n';
const VSCODE: RenameCapabilities = { canRenameFiles: true, sendsWillRename: true };
const NO_FILE_OPS: RenameCapabilities = { canRenameFiles: false, sendsWillRename: false };
const FILE_OPS: RenameCapabilities = { canRenameFiles: true, sendsWillRename: false };

/** Renames files the way an editor does: asks willRenameFiles, applies its edit, then renames. */
function renameFiles(ws: MemoryWorkspace, moves: Record<string, string>, capabilities = VSCODE): { edit: WorkspaceEdit | null; after: MemoryWorkspace } {
  const edit = ls.willRenameFiles(Object.entries(moves).map(([from, to]) => ({ oldUri: uriOf(from), newUri: uriOf(to) })), ws, capabilities);
  const after = ws.apply(edit);
  for (const [from, to] of Object.entries(moves)) after.renameInPlace(from, to);
  return { edit, after };
}

function folderRenames(edit: WorkspaceEdit | null): string[] {
  return (edit?.documentChanges ?? []).filter((c): c is RenameFile => 'kind' in c && c.kind === 'rename').map((c) => `${c.oldUri} -> ${c.newUri}`);
}

const PAIR = {
  '/proj/web.socket': '[Unit]\nDescription=web\n\n[Socket]\nListenStream=80\n\n[Install]\nWantedBy=sockets.target\n',
  '/proj/web.service': `[Unit]\nDescription=web\n${SERVICE}`,
  '/proj/other.service': `[Unit]\nAfter=network.target web.service\nWants=web.service\n${SERVICE}`,
};

test('willRenameFiles: renaming a service rewrites every name of it and keeps its socket paired', () => {
  const ws = new MemoryWorkspace(PAIR);
  const { after } = renameFiles(ws, { '/proj/web.service': '/proj/api.service' });
  assert.equal(after.text('/proj/other.service'), `[Unit]\nAfter=network.target api.service\nWants=api.service\n${SERVICE}`);
  // web.socket started web.service by its name; it now says which service it starts.
  assert.equal(after.text('/proj/web.socket'), '[Unit]\nDescription=web\n\n[Socket]\nListenStream=80\nService=api.service\n\n[Install]\nWantedBy=sockets.target\n');
  assertNoNewDiagnostics(ws, after, { '/proj/web.service': '/proj/api.service' });
});

test('willRenameFiles: renaming a socket keeps it starting the service it started', () => {
  const ws = new MemoryWorkspace({ ...PAIR, '/proj/web.service': `[Unit]\nDescription=web\n[Service]\nSockets=web.socket\nExecStart=/usr/bin/true\n` });
  const { after } = renameFiles(ws, { '/proj/web.socket': '/proj/api.socket' });
  assert.match(after.text('/proj/api.socket'), /\[Socket\]\nListenStream=80\nService=web\.service\n/);
  assert.match(after.text('/proj/web.service'), /Sockets=api\.socket/);
  assertNoNewDiagnostics(ws, after, { '/proj/web.socket': '/proj/api.socket' });
  // Without the added Service= the renamed socket would look for api.service, which does not exist.
  const naive = ws.apply(null);
  naive.renameInPlace('/proj/web.socket', '/proj/api.socket');
  assert.ok(naive.diagnostics()['/proj/api.socket'].some((d) => d.endsWith('missing-service')));
});

test('willRenameFiles: a socket and its service renamed together stay an implicit pair (nothing added)', () => {
  const ws = new MemoryWorkspace(PAIR);
  const { edit, after } = renameFiles(ws, { '/proj/web.socket': '/proj/api.socket', '/proj/web.service': '/proj/api.service' });
  assert.deepEqual(Object.keys(edit?.changes ?? {}), [uriOf('/proj/other.service')]);
  assert.equal(after.text('/proj/api.socket'), PAIR['/proj/web.socket']);
  assertNoNewDiagnostics(ws, after, { '/proj/web.socket': '/proj/api.socket', '/proj/web.service': '/proj/api.service' });
});

test('willRenameFiles: a timer keeps its service through Unit=', () => {
  const ws = new MemoryWorkspace({
    '/proj/backup.timer': '[Timer]\nOnCalendar=daily\n[Install]\nWantedBy=timers.target\n',
    '/proj/backup.service': SERVICE,
  });
  const { after } = renameFiles(ws, { '/proj/backup.timer': '/proj/nightly.timer' });
  assert.equal(after.text('/proj/nightly.timer'), '[Timer]\nOnCalendar=daily\nUnit=backup.service\n[Install]\nWantedBy=timers.target\n');
  assertNoNewDiagnostics(ws, after, { '/proj/backup.timer': '/proj/nightly.timer' });
});

test('willRenameFiles: a socket that names its service already needs nothing; an unrelated unit is untouched', () => {
  const ws = new MemoryWorkspace({
    '/proj/web.socket': '[Socket]\nListenStream=80\nService=app.service\n',
    '/proj/app.service': SERVICE,
    '/proj/unrelated.service': `[Unit]\nAfter=other.service\n${SERVICE}`,
  });
  assert.equal(renameFiles(ws, { '/proj/web.socket': '/proj/api.socket' }).edit, null);
  const { edit, after } = renameFiles(ws, { '/proj/app.service': '/proj/api.service' });
  assert.deepEqual(Object.keys(edit?.changes ?? {}), [uriOf('/proj/web.socket')]);
  assert.equal(after.text('/proj/web.socket'), '[Socket]\nListenStream=80\nService=api.service\n');
  assert.equal(after.text('/proj/unrelated.service'), ws.text('/proj/unrelated.service'));
});

test('willRenameFiles: renamed out of use (.bak, another type) or moved: references keep their name', () => {
  const ws = new MemoryWorkspace(PAIR);
  assert.equal(renameFiles(ws, { '/proj/web.service': '/proj/web.service.bak' }).edit, null);
  assert.equal(renameFiles(ws, { '/proj/web.service': '/proj/web.target' }).edit, null);
  assert.equal(renameFiles(ws, { '/proj/web.service': '/proj/sub/web.service' }).edit, null);
  assert.equal(renameFiles(ws, { '/proj/web.service': '/proj/web@.service' }).edit, null, 'plain to template');
});

test('willRenameFiles: a template renamed, its instances follow (specifiers kept)', () => {
  const ws = new MemoryWorkspace({
    '/proj/worker@.service': SERVICE,
    '/proj/pool.target': '[Unit]\nWants=worker@1.service worker@2.service\n',
    '/proj/worker-watch@.service': `[Unit]\nBindsTo=worker@%i.service\nAfter=worker@%i.service\n${SERVICE}`,
    '/proj/job.socket': '[Socket]\nListenStream=9\nAccept=yes\n',
    '/proj/job@.service': SERVICE,
  });
  const { after } = renameFiles(ws, { '/proj/worker@.service': '/proj/task@.service' });
  assert.equal(after.text('/proj/pool.target'), '[Unit]\nWants=task@1.service task@2.service\n');
  assert.match(after.text('/proj/worker-watch@.service'), /BindsTo=task@%i\.service\nAfter=task@%i\.service/);
  assertNoNewDiagnostics(ws, after, { '/proj/worker@.service': '/proj/task@.service' });
  // Accept=yes takes no Service=: renaming the template leaves the socket alone (missing-service says what it wants).
  assert.equal(renameFiles(ws, { '/proj/job@.service': '/proj/conn@.service' }).edit, null);
});

test('willRenameFiles: the drop-in folder follows its unit when the editor can rename files', () => {
  const files = { ...PAIR, '/proj/web.service.d/10-env.conf': '[Service]\nEnvironment=A=1\n' };
  const ws = new MemoryWorkspace(files);
  const { edit, after } = renameFiles(ws, { '/proj/web.service': '/proj/api.service' });
  assert.deepEqual(folderRenames(edit), [`${uriOf('/proj/web.service.d')} -> ${uriOf('/proj/api.service.d')}`]);
  assert.equal(after.text('/proj/api.service.d/10-env.conf'), '[Service]\nEnvironment=A=1\n');
  assert.match(after.text('/proj/other.service'), /Wants=api\.service/);
  assertNoNewDiagnostics(ws, after, { '/proj/web.service': '/proj/api.service', '/proj/web.service.d/10-env.conf': '/proj/api.service.d/10-env.conf' });
  // The user renames the folder in the same operation: not a second time.
  assert.deepEqual(folderRenames(renameFiles(ws, { '/proj/web.service': '/proj/api.service', '/proj/web.service.d': '/proj/api.service.d' }).edit), []);
  // An editor that cannot rename files gets the text edits only.
  const plain = renameFiles(ws, { '/proj/web.service': '/proj/api.service' }, NO_FILE_OPS).edit;
  assert.deepEqual(folderRenames(plain), []);
  assert.ok(plain?.changes?.[uriOf('/proj/other.service')]);
  // Renaming the drop-in folder or a drop-in itself renames no unit.
  assert.equal(renameFiles(ws, { '/proj/web.service.d': '/proj/api.service.d' }).edit, null);
});

test('willRenameFiles: names in drop-ins and [Install] are rewritten too; other folders are not', () => {
  const ws = new MemoryWorkspace({
    '/proj/a/web.target': '[Unit]\nDescription=web\n',
    '/proj/a/web.socket': '[Socket]\nListenStream=80\n[Install]\nWantedBy=web.target\n',
    '/proj/a/web.service': SERVICE,
    '/proj/a/web.service.d/x.conf': '[Unit]\nPartOf=web.target\n',
    '/proj/b/web.target': '[Unit]\n',
    '/proj/b/app.service': `${SERVICE}[Install]\nWantedBy=web.target\n`,
  });
  const { after } = renameFiles(ws, { '/proj/a/web.target': '/proj/a/site.target' });
  assert.match(after.text('/proj/a/web.socket'), /WantedBy=site\.target/);
  assert.equal(after.text('/proj/a/web.service.d/x.conf'), '[Unit]\nPartOf=site.target\n');
  assert.match(after.text('/proj/b/app.service'), /WantedBy=web\.target/, 'b/ has a web.target of its own');
});

// ---------------------------------------------------------------------------------------------------
// textDocument/rename

function prepare(files: Record<string, string>) {
  const ws = new MemoryWorkspace(files);
  const { document, source, position } = ws.at();
  return ls.prepareRename(document, source.unit, position, ws);
}

function rename(files: Record<string, string>, newName: string, capabilities: RenameCapabilities) {
  const ws = new MemoryWorkspace(files);
  const { document, source, position } = ws.at();
  return { ws, edit: ls.doRename(document, source.unit, position, newName, ws, capabilities) };
}

const NAMED = {
  '/proj/web.socket': '[Socket]\nListenStream=80\nService=app.serv|ice\n',
  '/proj/app.service': SERVICE,
  '/proj/other.service': `[Unit]\nAfter=app.service\n${SERVICE}`,
};

test('prepareRename: the whole name; through an instance only the template prefix; nothing elsewhere', () => {
  assert.deepEqual(prepare(NAMED), { range: { start: { line: 2, character: 8 }, end: { line: 2, character: 19 } }, placeholder: 'app.service' });
  assert.deepEqual(prepare({ '/proj/a.target': '[Unit]\nWants=get|ty@tty1.service\n', '/proj/getty@.service': SERVICE }), {
    range: { start: { line: 1, character: 6 }, end: { line: 1, character: 11 } },
    placeholder: 'getty',
  });
  // The range always holds the cursor (LSP): past the prefix it is the whole name, the prefix still the text to edit.
  assert.deepEqual(prepare({ '/proj/a.target': '[Unit]\nWants=getty@tty|1.service\n', '/proj/getty@.service': SERVICE }), {
    range: { start: { line: 1, character: 6 }, end: { line: 1, character: 24 } },
    placeholder: 'getty',
  });
  assert.deepEqual(prepare({ '/proj/kresd.socket': '[Socket]\nListenStream=53\nService=kresd@%i|.service\n', '/proj/kresd@.service': SERVICE }), {
    range: { start: { line: 2, character: 8 }, end: { line: 2, character: 24 } },
    placeholder: 'kresd',
  });
  assert.equal(prepare({ '/proj/a.service': `[Unit]\nDescription=app.serv|ice\n${SERVICE}` }), null);
  assert.equal(prepare({ '/proj/a.service': `[Unit]\nAfter=%N-x.serv|ice\n${SERVICE}` }), null);
});

test('rename: VS Code renames the file and lets willRenameFiles rewrite the references', () => {
  const { ws, edit } = rename(NAMED, 'api.service', VSCODE);
  assert.deepEqual(edit, { documentChanges: [{ kind: 'rename', oldUri: uriOf('/proj/app.service'), newUri: uriOf('/proj/api.service') }] });
  // What VS Code then does: willRenameFiles for that file rename, its edit, the rename.
  const { after } = renameFiles(ws, { '/proj/app.service': '/proj/api.service' });
  assert.equal(after.text('/proj/web.socket'), '[Socket]\nListenStream=80\nService=api.service\n');
  assert.match(after.text('/proj/other.service'), /After=api\.service/);
  assertNoNewDiagnostics(ws, after, { '/proj/app.service': '/proj/api.service' });
});

test('rename: an editor without willRenameFiles gets the text edits and the file rename in one edit', () => {
  const { ws, edit } = rename({ ...NAMED, '/proj/app.service.d/x.conf': '[Service]\nNice=5\n' }, 'api.service', FILE_OPS);
  const kinds = (edit.documentChanges ?? []).map((c) => ('kind' in c ? `${c.kind} ${(c as RenameFile).oldUri.slice(7)}` : `edit ${c.textDocument.uri.slice(7)}`));
  assert.deepEqual(kinds, ['edit /proj/web.socket', 'edit /proj/other.service', 'rename /proj/app.service', 'rename /proj/app.service.d']);
  const after = ws.apply(edit);
  assert.equal(after.text('/proj/web.socket'), '[Socket]\nListenStream=80\nService=api.service\n');
  assert.equal(after.text('/proj/api.service'), SERVICE);
  assert.equal(after.text('/proj/api.service.d/x.conf'), '[Service]\nNice=5\n');
  assertNoNewDiagnostics(ws, after, { '/proj/app.service': '/proj/api.service', '/proj/app.service.d/x.conf': '/proj/api.service.d/x.conf' });
});

test('rename: a unit without a file in the workspace is renamed by name everywhere', () => {
  const { ws, edit } = rename(
    {
      '/proj/a.service': `${SERVICE}[Install]\nWantedBy=multi-user.tar|get\n`,
      '/proj/b.service': `[Unit]\nAfter=multi-user.target\n${SERVICE}`,
      '/proj/c.service': `${SERVICE}[Install]\nWantedBy=graphical.target\n`,
    },
    'server.target',
    NO_FILE_OPS,
  );
  const after = ws.apply(edit);
  assert.match(after.text('/proj/a.service'), /WantedBy=server\.target/);
  assert.match(after.text('/proj/b.service'), /After=server\.target/);
  assert.equal(after.text('/proj/c.service'), ws.text('/proj/c.service'));
});

test('rename: a template through one of its instances: the prefix is typed, every instance follows', () => {
  const { ws, edit } = rename(
    {
      '/proj/pool.target': '[Unit]\nWants=work|er@1.service worker@2.service\n',
      '/proj/worker@.service': SERVICE,
    },
    'task',
    FILE_OPS,
  );
  const after = ws.apply(edit);
  assert.equal(after.text('/proj/pool.target'), '[Unit]\nWants=task@1.service task@2.service\n');
  assert.equal(after.text('/proj/task@.service'), SERVICE);
  // The whole template name typed into the prefix box works too.
  const whole = rename({ '/proj/pool.target': '[Unit]\nWants=work|er@1.service\n', '/proj/worker@.service': SERVICE }, 'job@.service', FILE_OPS);
  assert.equal(whole.ws.apply(whole.edit).text('/proj/pool.target'), '[Unit]\nWants=job@1.service\n');
});

test('rename: refused with a reason (bad name, other type, other form, taken, no file renames)', () => {
  const refused = (newName: string, capabilities = FILE_OPS, files: Record<string, string> = NAMED) =>
    assert.throws(() => rename(files, newName, capabilities), (e: unknown) => e instanceof RenameError && e.message.length > 10, newName);
  refused('api');
  refused('api.socket');
  refused('api@.service');
  refused('bad/name.service');
  refused('other.service');
  refused('api.service', NO_FILE_OPS);
  // Same name: nothing to do.
  assert.deepEqual(rename(NAMED, 'app.service', FILE_OPS).edit, {});
});
