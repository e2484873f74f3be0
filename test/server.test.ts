/**
 * The bundled server over stdio, driven by a plain JSON-RPC client (not VS Code): it starts, reads its
 * settings, publishes diagnostics, answers every feature request it advertises, and exits on request.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startLspServer, type LspSession } from './helpers/lspServer';
import type {
  CodeAction, CompletionList, DocumentLink, DocumentSymbol, FoldingRange, Hover, Location, LocationLink, SemanticTokens, TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-types';
import { TextDocument } from 'vscode-languageserver-textdocument';

const workspace = mkdtempSync(join(tmpdir(), 'sockact-server-'));
after(() => rmSync(workspace, { recursive: true, force: true }));

/** The shared launcher (test/helpers/lspServer.ts), checking that every feature is advertised. */
async function startServer(settings: Record<string, unknown>, rootUri: string | null = null, clientCapabilities: Record<string, unknown> = {}): Promise<LspSession> {
  const session = await startLspServer(settings, { rootUri, clientCapabilities });
  for (const provider of ['textDocumentSync', 'completionProvider', 'hoverProvider', 'codeActionProvider', 'documentSymbolProvider', 'foldingRangeProvider', 'documentLinkProvider']) {
    assert.ok(session.capabilities[provider], provider);
  }
  return session;
}

test('sockact lsp --stdio publishes diagnostics for an opened and edited unit', async () => {
  const server = await startServer({ systemdVersion: 252 });
  // A folder that does not exist: the server cannot know whether web.service exists, so it does not say.
  const uri = 'file:///nonexistent/web.socket';
  await server.open(uri, '[Socket]\nListenStream=8080 # web\nDeferTrigger=yes\n');
  const first = await server.diagnosticsFor(uri, 1);
  // 252 (from workspace/configuration) does not know DeferTrigger=; the comment ruins the only socket.
  assert.deepEqual(first.diagnostics.map((d) => d.code).sort(), ['directive-too-new', 'inline-comment', 'no-listen']);
  await server.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ text: '[Socket]\nListenStream=8080\n' }],
  });
  assert.deepEqual((await server.diagnosticsFor(uri, 2)).diagnostics, []);
  assert.deepEqual(server.statuses.at(-1), { systemdVersion: 252, source: 'setting', newestVersion: 262, oldestVersion: 239, host: 'node' });
  assert.equal(await server.stop(), 0);
});

test('settings: a severity override silences a code', async () => {
  const server = await startServer({ systemdVersion: 258, severity: { 'inline-comment': 'off', 'legacy-path': 'error' } });
  const uri = 'file:///nonexistent/quiet.socket';
  await server.open(uri, '[Unit]\nDescription=Quiet # really\n[Socket]\nListenStream=/var/run/quiet.sock\n');
  const { diagnostics } = await server.diagnosticsFor(uri, 1);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['legacy-path', 1]]);
  assert.equal(await server.stop(), 0);
});

test('every advertised feature answers over stdio, with workspace units in completion', async () => {
  writeFileSync(join(workspace, 'web.service'), '[Service]\nExecStart=/bin/true\n');
  writeFileSync(join(workspace, 'other.service'), '[Service]\nExecStart=/bin/true\n');
  const text = '[Unit]\nDocumentation=man:systemd.socket(5)\n\n[Socket]\nListenStream=8080 # web\nService=\n';
  writeFileSync(join(workspace, 'web.socket'), text);
  const uri = pathToFileURL(join(workspace, 'web.socket')).href;
  const server = await startServer({ systemdVersion: 252 }, pathToFileURL(workspace).href);
  await server.open(uri, text);
  const { diagnostics } = await server.diagnosticsFor(uri, 1);
  const textDocument = { uri };
  const ping = await server.connection.sendRequest('sockact/ping');
  assert.equal(ping, null);

  const completion = (await server.connection.sendRequest('textDocument/completion', { textDocument, position: { line: 5, character: 8 } })) as CompletionList;
  const labels = completion.items.map((i) => i.label);
  assert.ok(labels.includes('web.service') && labels.includes('other.service'), labels.join(', '));

  const hover = (await server.connection.sendRequest('textDocument/hover', { textDocument, position: { line: 4, character: 3 } })) as Hover;
  assert.match(JSON.stringify(hover.contents), /systemd\.socket\.html#ListenStream=/);

  const comment = diagnostics.find((d) => d.code === 'inline-comment')!;
  const actions = (await server.connection.sendRequest('textDocument/codeAction', {
    textDocument,
    range: comment.range,
    context: { diagnostics: [comment] },
  })) as CodeAction[];
  assert.ok(actions.some((a) => a.kind === 'quickfix' && a.edit?.changes?.[uri]), JSON.stringify(actions.map((a) => a.title)));

  const symbols = (await server.connection.sendRequest('textDocument/documentSymbol', { textDocument })) as DocumentSymbol[];
  assert.deepEqual(symbols.map((s) => [s.name, s.children?.map((c) => c.name)]), [['Unit', ['Documentation']], ['Socket', ['ListenStream', 'Service']]]);

  const folds = (await server.connection.sendRequest('textDocument/foldingRange', { textDocument })) as FoldingRange[];
  assert.deepEqual(folds.map((f) => [f.startLine, f.endLine]), [[0, 1], [3, 5]]);

  const links = (await server.connection.sendRequest('textDocument/documentLink', { textDocument })) as DocumentLink[];
  assert.deepEqual(links.map((l) => l.target), ['https://www.freedesktop.org/software/systemd/man/latest/systemd.socket.html']);
  assert.equal(await server.stop(), 0);
});

test('navigation over stdio: definition, references, rename and willRenameFiles on files in the workspace', async () => {
  const folder = join(workspace, 'nav');
  mkdirSync(join(folder, 'api.service.d'), { recursive: true });
  const files: Record<string, string> = {
    'api.socket': '[Socket]\nListenStream=8080\n\n[Install]\nWantedBy=sockets.target\n',
    'api.service': '[Unit]\nDescription=api\n[Service]\nExecStart=/usr/bin/api\n',
    'api.service.d/env.conf': '[Service]\nEnvironment=A=1\n',
    'worker.service': '[Unit]\nAfter=api.service\nWants=api.service\n[Service]\nExecStart=/usr/bin/worker\n',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  const uri = (name: string) => pathToFileURL(join(folder, name)).href;
  // A client that takes LocationLinks and applies file renames, like VS Code (but without willRename of its own).
  const server = await startServer({ systemdVersion: 258 }, pathToFileURL(folder).href, {
    textDocument: { definition: { linkSupport: true }, rename: { prepareSupport: true } },
    workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] } },
  });
  for (const provider of ['definitionProvider', 'referencesProvider', 'renameProvider']) assert.ok(server.capabilities[provider], provider);
  const willRename = (server.capabilities.workspace as { fileOperations?: { willRename?: { filters: { pattern: { glob: string; matches?: string } }[] } } } | undefined)?.fileOperations?.willRename;
  assert.deepEqual(willRename?.filters.map((f) => [f.pattern.glob, f.pattern.matches]), [
    ['**/*.{socket,service,timer,path,mount,automount,swap,target,slice}', 'file'],
    ['**/*.{socket,service,timer,path,mount,automount,swap,target,slice}.d', 'folder'],
  ]);

  await server.open(uri('worker.service'), files['worker.service']);
  await server.diagnosticsFor(uri('worker.service'), 1);
  const textDocument = { uri: uri('worker.service') };
  // Definition of "api.service" in After= (line 1, on the "s" of service): the file on disk.
  const links = (await server.connection.sendRequest('textDocument/definition', { textDocument, position: { line: 1, character: 12 } })) as LocationLink[];
  assert.deepEqual(links.map((l) => [l.targetUri, l.originSelectionRange]), [[uri('api.service'), { start: { line: 1, character: 6 }, end: { line: 1, character: 17 } }]]);
  const none = (await server.connection.sendRequest('textDocument/definition', { textDocument, position: { line: 4, character: 12 } })) as LocationLink[];
  assert.deepEqual(none, []);

  const refs = (await server.connection.sendRequest('textDocument/references', { textDocument, position: { line: 2, character: 8 }, context: { includeDeclaration: false } })) as Location[];
  assert.deepEqual(refs.map((l) => [l.uri, l.range.start.line]).sort(), [[uri('api.socket'), 0], [uri('worker.service'), 1], [uri('worker.service'), 2]]);

  const prepared = (await server.connection.sendRequest('textDocument/prepareRename', { textDocument, position: { line: 2, character: 8 } })) as { placeholder: string };
  assert.equal(prepared.placeholder, 'api.service');
  const renamed = (await server.connection.sendRequest('textDocument/rename', { textDocument, position: { line: 2, character: 8 }, newName: 'backend.service' })) as WorkspaceEdit;
  const ops = (renamed.documentChanges ?? []).map((c) => ('kind' in c ? `${c.kind} ${(c as { oldUri: string }).oldUri.split('/').pop()}` : `edit ${c.textDocument.uri.split('/').pop()}`));
  assert.deepEqual(ops, ['edit worker.service', 'edit api.socket', 'rename api.service', 'rename api.service.d']);
  await assert.rejects(
    server.connection.sendRequest('textDocument/rename', { textDocument, position: { line: 2, character: 8 }, newName: 'backend.socket' }),
    /must keep ".service"/,
  );

  // The file renamed in the editor: the server rewrites the references and keeps the socket paired.
  const edit = (await server.connection.sendRequest('workspace/willRenameFiles', {
    files: [{ oldUri: uri('api.service'), newUri: uri('backend.service') }],
  })) as WorkspaceEdit;
  const changes = edit.documentChanges ?? [];
  const editOf = (name: string) => changes.find((c) => 'textDocument' in c && c.textDocument.uri === uri(name)) as { edits: { newText: string }[] } | undefined;
  assert.deepEqual(editOf('worker.service')?.edits.map((e) => e.newText), ['backend.service', 'backend.service']);
  assert.deepEqual(editOf('api.socket')?.edits.map((e) => e.newText), ['Service=backend.service\n']);
  assert.ok(changes.some((c) => 'kind' in c && c.kind === 'rename' && c.newUri === uri('backend.service.d')));
  assert.equal(await server.connection.sendRequest('workspace/willRenameFiles', { files: [{ oldUri: uri('api.service'), newUri: uri('api.service.bak') }] }), null);

  // Add sandboxing on the [Service] section of an open service.
  const sandboxed = (await server.connection.sendRequest('textDocument/codeAction', {
    textDocument,
    range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } },
    context: { diagnostics: [] },
  })) as CodeAction[];
  assert.ok(sandboxed.some((a) => a.title === 'Add sandboxing' && a.kind === 'refactor.rewrite'), JSON.stringify(sandboxed.map((a) => a.title)));
  assert.equal(await server.stop(), 0);
});

test('navigation over stdio: Locations for a client without link support; VS Code-like clients rename the file only', async () => {
  const folder = join(workspace, 'nav2');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'db.service'), '[Service]\nExecStart=/usr/bin/db\n');
  const text = '[Unit]\nRequires=db.service\n[Service]\nExecStart=/usr/bin/app\n';
  writeFileSync(join(folder, 'app.service'), text);
  const server = await startServer({ systemdVersion: 258 }, pathToFileURL(folder).href, {
    workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['rename'] }, fileOperations: { willRename: true } },
  });
  assert.equal(server.capabilities.renameProvider, true, 'no prepareSupport announced');
  const app = pathToFileURL(join(folder, 'app.service')).href;
  await server.open(app, text);
  await server.diagnosticsFor(app, 1);
  const locations = (await server.connection.sendRequest('textDocument/definition', { textDocument: { uri: app }, position: { line: 1, character: 10 } })) as Location[];
  assert.deepEqual(locations, [{ uri: pathToFileURL(join(folder, 'db.service')).href, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]);
  const renamed = (await server.connection.sendRequest('textDocument/rename', { textDocument: { uri: app }, position: { line: 1, character: 10 }, newName: 'pg.service' })) as WorkspaceEdit;
  // The client will ask willRenameFiles for this rename, which brings the reference edits.
  assert.deepEqual(renamed.documentChanges, [{ kind: 'rename', oldUri: pathToFileURL(join(folder, 'db.service')).href, newUri: pathToFileURL(join(folder, 'pg.service')).href }]);
  assert.equal(await server.stop(), 0);
});

test('formatting and semantic tokens over stdio: document, range, on type after =, full and range tokens', async () => {
  const server = await startServer({ systemdVersion: 252 });
  let stopped = false;
  try {
    const caps = server.capabilities as {
      documentOnTypeFormattingProvider?: { firstTriggerCharacter: string };
      semanticTokensProvider?: { legend: { tokenTypes: string[]; tokenModifiers: string[] }; full: boolean; range: boolean };
    };
    assert.ok(server.capabilities.documentFormattingProvider, 'documentFormattingProvider');
    assert.ok(server.capabilities.documentRangeFormattingProvider, 'documentRangeFormattingProvider');
    assert.equal(caps.documentOnTypeFormattingProvider?.firstTriggerCharacter, '=');
    assert.equal(caps.semanticTokensProvider?.full, true);
    assert.equal(caps.semanticTokensProvider?.range, true);
    const legend = caps.semanticTokensProvider!.legend;

    const uri = 'file:///nonexistent/fmt.socket';
    const text = '[Unit]\nDescription = Web  \n[Socket]\nListenStream = 8080\nAccept=yes';
    await server.open(uri, text);
    await server.diagnosticsFor(uri, 1);
    const textDocument = { uri };
    const options = { tabSize: 4, insertSpaces: true };
    const apply = (edits: TextEdit[]) => TextDocument.applyEdits(TextDocument.create(uri, 'systemd-unit-file', 1, text), edits);

    const whole = (await server.connection.sendRequest('textDocument/formatting', { textDocument, options })) as TextEdit[];
    assert.equal(apply(whole), '[Unit]\nDescription=Web\n\n[Socket]\nListenStream=8080\nAccept=yes\n');
    const range = (await server.connection.sendRequest('textDocument/rangeFormatting', {
      textDocument,
      options,
      range: { start: { line: 3, character: 0 }, end: { line: 3, character: 5 } },
    })) as TextEdit[];
    assert.equal(apply(range), '[Unit]\nDescription = Web  \n[Socket]\nListenStream=8080\nAccept=yes');
    const typed = (await server.connection.sendRequest('textDocument/onTypeFormatting', {
      textDocument,
      options,
      position: { line: 1, character: 13 },
      ch: '=',
    })) as TextEdit[];
    assert.equal(apply(typed), '[Unit]\nDescription=Web  \n[Socket]\nListenStream = 8080\nAccept=yes');

    const decode = (data: number[]) => {
      const out: string[] = [];
      for (let i = 0, line = 0, ch = 0; i < data.length; i += 5) {
        line += data[i];
        ch = data[i] === 0 ? ch + data[i + 1] : data[i + 1];
        out.push(`${line}:${ch}:${data[i + 2]} ${legend.tokenTypes[data[i + 3]]}`);
      }
      return out;
    };
    const full = (await server.connection.sendRequest('textDocument/semanticTokens/full', { textDocument })) as SemanticTokens;
    assert.deepEqual(decode(full.data), ['0:1:4 namespace', '1:0:11 property', '2:1:6 namespace', '3:0:12 property', '3:15:4 number', '4:0:6 property', '4:7:3 keyword']);
    const part = (await server.connection.sendRequest('textDocument/semanticTokens/range', {
      textDocument,
      range: { start: { line: 4, character: 0 }, end: { line: 4, character: 10 } },
    })) as SemanticTokens;
    assert.deepEqual(decode(part.data), ['4:0:6 property', '4:7:3 keyword']);
    // A document the server does not have: nothing, not an error.
    const unknown = { uri: 'file:///nonexistent/never-opened.socket' };
    assert.deepEqual(await server.connection.sendRequest('textDocument/formatting', { textDocument: unknown, options }), []);
    assert.deepEqual(await server.connection.sendRequest('textDocument/semanticTokens/full', { textDocument: unknown }), { data: [] });
    stopped = true;
    assert.equal(await server.stop(), 0);
  } finally {
    // A failed assertion must not leave the server running (the test process would never end).
    if (!stopped) await server.stop();
  }
});
