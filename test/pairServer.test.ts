/**
 * The workspace index through the real server over LSP (stdio): a socket's diagnostics follow its partner
 * files as they are created, changed and deleted on disk (workspace/didChangeWatchedFiles), an open
 * document's text wins over the disk (and the disk counts again once it is closed), drop-ins count, and
 * the "Create foo.service" quick fix arrives as a WorkspaceEdit with a CreateFile.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction } from 'vscode-languageserver-types';
import { cliBuilt } from './helpers/cli';
import { codesOf, startLspServer, type LspSession } from './helpers/lspServer';

const root = mkdtempSync(join(tmpdir(), 'sockact-pair-server-'));
const file = (name: string) => join(root, name);
const uri = (name: string) => pathToFileURL(file(name)).href;
let server: LspSession;

before(async () => {
  assert.ok(cliBuilt(), 'dist/cli.js is missing: run `npm run build`');
  writeFileSync(file('web.socket'), '[Socket]\nListenStream=8080\nListenStream=/run/web.sock\n');
  server = await startLspServer({ systemdVersion: 252 }, { rootUri: pathToFileURL(root).href });
});
after(async () => {
  assert.equal(await server?.stop(), 0);
  rmSync(root, { recursive: true, force: true });
});

const has = (code: string) => (p: { diagnostics: Array<{ code?: unknown }> }) => p.diagnostics.some((d) => d.code === code);
const lacks = (code: string) => (p: { diagnostics: Array<{ code?: unknown }> }) => !has(code)(p);

test('creating, changing and deleting the service on disk re-checks the open socket', async () => {
  const socket = uri('web.socket');
  await server.open(socket, '[Socket]\nListenStream=8080\nListenStream=/run/web.sock\n');
  assert.deepEqual(codesOf(await server.diagnostics(socket, has('missing-service'), 'missing-service')), ['missing-service']);

  writeFileSync(file('web.service'), '[Service]\nExecStart=/usr/bin/web\n');
  await server.filesChanged([{ uri: uri('web.service'), type: 1 }]);
  assert.deepEqual(codesOf(await server.diagnostics(socket, lacks('missing-service'), 'missing-service gone')), []);

  writeFileSync(file('web.service'), '[Service]\nExecStart=/usr/bin/web\nStandardInput=socket\n');
  await server.filesChanged([{ uri: uri('web.service'), type: 2 }]);
  assert.deepEqual(codesOf(await server.diagnostics(socket, has('stdio-socket-many'), 'stdio-socket-many')), ['stdio-socket-many']);

  unlinkSync(file('web.service'));
  await server.filesChanged([{ uri: uri('web.service'), type: 3 }]);
  assert.deepEqual(codesOf(await server.diagnostics(socket, has('missing-service'), 'missing-service again')), ['missing-service']);
});

test('an open service wins over the disk, and both files show stdio-socket-many; closing it brings the disk back', async () => {
  const socket = uri('web.socket');
  const service = uri('web.service');
  // Not on disk at all: only the editor has it.
  await server.open(service, '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n');
  assert.deepEqual(codesOf(await server.diagnostics(service, has('stdio-socket-many'), 'stdio-socket-many in the service')), ['stdio-socket-many']);
  assert.deepEqual(codesOf(await server.diagnostics(socket, has('stdio-socket-many'), 'stdio-socket-many in the socket')), ['stdio-socket-many']);
  // Editing the service re-checks the socket beside it.
  await server.change(service, '[Service]\nExecStart=/bin/cat\n', 2);
  assert.deepEqual(codesOf(await server.diagnostics(socket, lacks('stdio-socket-many'), 'stdio-socket-many gone')), []);
  await server.closeDocument(service);
  assert.deepEqual(codesOf(await server.diagnostics(socket, has('missing-service'), 'missing-service after close')), ['missing-service']);
});

test('a drop-in created on disk counts (a third Listen*= line via web.socket.d/)', async () => {
  const socket = uri('web.socket');
  writeFileSync(file('web.service'), '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n');
  await server.change(socket, '[Socket]\nListenStream=8080\n', 2);
  await server.filesChanged([{ uri: uri('web.service'), type: 1 }]);
  assert.deepEqual(codesOf(await server.diagnostics(socket, (p) => p.version === 2 && codesOf(p).length === 0, 'a clean socket')), []);
  mkdirSync(file('web.socket.d'));
  writeFileSync(file('web.socket.d/admin.conf'), '[Socket]\nListenStream=/run/web-admin.sock\n');
  await server.filesChanged([{ uri: uri('web.socket.d/admin.conf'), type: 1 }]);
  // The line that makes it two is in the drop-in; the socket file itself stays clean, the open drop-in shows it.
  const dropIn = uri('web.socket.d/admin.conf');
  await server.open(dropIn, '[Socket]\nListenStream=/run/web-admin.sock\n');
  assert.deepEqual(codesOf(await server.diagnostics(dropIn, has('stdio-socket-many'), 'stdio-socket-many in the drop-in')), ['stdio-socket-many']);
  await server.closeDocument(dropIn);
  rmSync(file('web.socket.d'), { recursive: true });
  await server.filesChanged([{ uri: uri('web.socket.d'), type: 3 }]);
  unlinkSync(file('web.service'));
  await server.filesChanged([{ uri: uri('web.service'), type: 3 }]);
  await server.diagnostics(socket, has('missing-service'), 'missing-service once the service is gone');
});

test('the Create quick fix over LSP: a CreateFile and its text, for the socket beside it', async () => {
  const socket = uri('web.socket');
  const { diagnostics } = await server.diagnostics(socket, has('missing-service'), 'missing-service');
  const missing = diagnostics.find((d) => d.code === 'missing-service')!;
  const actions = (await server.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: socket },
    range: missing.range,
    context: { diagnostics: [missing] },
  })) as CodeAction[];
  const create = actions.find((a) => a.title === 'Create web.service');
  assert.ok(create, JSON.stringify(actions.map((a) => a.title)));
  const [op, fill] = create.edit!.documentChanges! as Array<{ kind?: string; uri?: string; textDocument?: { uri: string }; edits?: Array<{ newText: string }> }>;
  assert.equal(op.kind, 'create');
  assert.equal(decodeURIComponent(op.uri!), decodeURIComponent(uri('web.service')));
  assert.equal(fill.textDocument!.uri, op.uri);
  assert.match(fill.edits![0].newText, /^ExecStart=\/usr\/local\/bin\/web$/m);
});
