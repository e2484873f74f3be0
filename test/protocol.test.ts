/**
 * The server keeps to the protocol whatever a client sends (issue 13): edits that reach outside the
 * document, a version sent twice, malformed params, cancellation, and answers whose ranges the spec
 * constrains. Each case failed before the fix it names. Over stdio, against the bundled server.
 */
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { CLI_PATH } from './helpers/cli';
import assert from 'node:assert/strict';
import type { CompletionList, DocumentSymbol, Range } from 'vscode-languageserver-types';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startLspServer, type LspSession } from './helpers/lspServer';
import { updateSafely } from '../server/src/service/textSync';

const within = (r: Range, lines: number) =>
  r.start.line >= 0 && r.end.line < lines && Number.isInteger(r.start.character) && Number.isInteger(r.end.character);

async function withServer(run: (s: LspSession) => Promise<void>): Promise<void> {
  const server = await startLspServer({ systemdVersion: 252 });
  try {
    await run(server);
  } finally {
    assert.equal(await server.stop(), 0);
  }
}

test('an edit whose range starts past the last line is clamped: symbols and diagnostics stay inside the text', async () => {
  await withServer(async (server) => {
    const uri = 'file:///nonexistent/oob.service';
    await server.open(uri, '[Service]\nExecStart=/bin/true\nTimeoutSec=30s\n');
    await server.diagnosticsFor(uri, 1);
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 24, character: 0 }, end: { line: 27, character: 0 } }, text: 'Bogus=1\nRestart=sometimes\nNice=5\n' }],
    });
    const published = await server.diagnosticsFor(uri, 2);
    // Three lines replaced by three (the library then writes its line table by index, past its end): clamped
    // to the end, the insertion is appended, six lines of text and the empty one after the last break.
    const lines = 7;
    assert.ok(published.diagnostics.length >= 2, JSON.stringify(published.diagnostics));
    for (const d of published.diagnostics) assert.ok(within(d.range, lines), `diagnostic outside the document: ${JSON.stringify(d.range)}`);
    assert.deepEqual(published.diagnostics.map((d) => d.range.start.line).sort(), [3, 4]);
    const symbols = (await server.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
    assert.equal(symbols[0].name, 'Service');
    assert.deepEqual(symbols[0].children?.map((c) => c.name), ['ExecStart', 'TimeoutSec', 'Bogus', 'Restart', 'Nice']);
  });
});

test('updateSafely: reversed, negative and non-numeric ranges are clamped; a change without text is dropped', () => {
  const doc = TextDocument.create('file:///x.service', 'systemd-unit-file', 1, 'ab\ncd\n');
  const r = updateSafely(
    doc,
    [
      { range: { start: { line: 1, character: 9 }, end: { line: 0, character: 1 } }, text: 'X' },
      { range: { start: { line: -3, character: null }, end: { line: 0, character: 0 } }, text: '>' },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
    ],
    2,
  );
  assert.equal(r.document.getText(), '>aX\n');
  assert.equal(r.clamped, 2);
  assert.equal(r.dropped, 1);
  assert.equal(r.document.version, 2);
});

test('the same version sent twice with other text: the server follows the text, not the version', async () => {
  await withServer(async (server) => {
    const uri = 'file:///nonexistent/twice.service';
    await server.open(uri, '[Service]\nExecStart=/bin/true\nBogus=1\n');
    assert.deepEqual((await server.diagnosticsFor(uri, 1)).diagnostics.map((d) => d.code), ['unknown-directive']);
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 1 },
      contentChanges: [{ range: { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } }, text: '' }],
    });
    await server.diagnostics(uri, (p) => p.diagnostics.length === 0, 'no diagnostic once Bogus= is deleted');
    const symbols = (await server.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(symbols[0].children?.map((c) => c.name), ['ExecStart']);
  });
});

test('malformed params: InvalidParams with a sentence, not an internal error with a TypeError', async () => {
  await withServer(async (server) => {
    const uri = 'file:///nonexistent/m.socket';
    await server.open(uri, '[Socket]\nListenStream=80\n');
    const cases: Array<[string, unknown]> = [
      ['textDocument/hover', { textDocument: null, position: { line: 0, character: 0 } }],
      ['textDocument/completion', { textDocument: { uri } }],
      ['textDocument/definition', { textDocument: { uri }, position: { line: 'x', character: 0 } }],
      ['textDocument/codeAction', { textDocument: { uri }, context: { diagnostics: [] } }],
      ['textDocument/documentSymbol', {}],
      ['textDocument/rename', { textDocument: { uri }, position: { line: 1, character: 3 } }],
    ];
    for (const [method, params] of cases) {
      await assert.rejects(server.connection.sendRequest(method, params), (e: { code?: number; message?: string }) => {
        assert.equal(e.code, -32602, `${method}: ${e.message}`);
        assert.doesNotMatch(e.message ?? '', /TypeError|Cannot read|undefined/, method);
        return true;
      });
    }
    // A position past the end is not an error: it is read as the end of the document.
    assert.equal(await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 99, character: 99 } }), null);
  });
});

test('completion after a line continued with a backslash: the edit stays on the cursor line and holds the cursor', async () => {
  await withServer(async (server) => {
    const uri = 'file:///nonexistent/cont.service';
    await server.open(uri, '[Unit]\nDefaultDepen\\\r\nConditionVirtualization=!lxc\n');
    const list = (await server.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 9 } })) as CompletionList;
    assert.ok(list.items.some((i) => i.label === 'DefaultDependencies'), JSON.stringify(list.items.map((i) => i.label)));
    for (const item of list.items) {
      const edit = item.textEdit as { range?: Range } | undefined;
      if (!edit?.range) continue;
      assert.equal(edit.range.start.line, edit.range.end.line, `${item.label}: ${JSON.stringify(edit.range)}`);
      assert.ok(edit.range.start.character <= 9 && 9 <= edit.range.end.character, `${item.label}: ${JSON.stringify(edit.range)}`);
    }
  });
});

test('prepareRename through an instance with the cursor after the prefix: the range holds the cursor', async () => {
  const server = await startLspServer({ systemdVersion: 252 }, { clientCapabilities: { textDocument: { rename: { prepareSupport: true } } } });
  try {
    const uri = 'file:///nonexistent/kresd.socket';
    await server.open(uri, '[Socket]\nListenStream=53\nService=kresd@%i.service\n');
    const r = (await server.connection.sendRequest('textDocument/prepareRename', { textDocument: { uri }, position: { line: 2, character: 16 } })) as { range: Range } | null;
    if (r) assert.ok(r.range.start.character <= 16 && 16 <= r.range.end.character, JSON.stringify(r));
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

/** Frames JSON-RPC messages the way LSP does on stdio. */
function frame(...messages: object[]): Buffer {
  return Buffer.concat(messages.map((m) => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...m }), 'utf8');
    return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
  }));
}

test('a request cancelled before the server starts it is answered RequestCancelled, and the next one in full', async () => {
  // One write holds the request and its cancellation, so the server reads both before it runs either:
  // the order is the protocol's, not this machine's speed.
  const child = spawn(process.execPath, [CLI_PATH, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  let out = Buffer.alloc(0);
  const responses = new Map<unknown, { result?: unknown; error?: { code: number } }>();
  child.stdout.on('data', (d: Buffer) => {
    out = Buffer.concat([out, d]);
    for (;;) {
      const head = out.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(out.subarray(0, head).toString('ascii'))?.[1]);
      if (out.length < head + 4 + length) return;
      const message = JSON.parse(out.subarray(head + 4, head + 4 + length).toString('utf8'));
      out = out.subarray(head + 4 + length);
      if (message.id !== undefined && message.method === undefined) responses.set(message.id, message);
    }
  });
  const answer = async (id: unknown) => {
    for (let i = 0; i < 400 && !responses.has(id); i++) await new Promise((r) => setTimeout(r, 25));
    return responses.get(id);
  };
  try {
    const uri = 'file:///nonexistent/c.socket';
    const text = '[Socket]\n' + Array.from({ length: 300 }, (_, i) => `ListenStream=/var/run/s${i}.sock # c`).join('\n') + '\n';
    const whole = { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 301, character: 0 } }, context: { diagnostics: [] } };
    child.stdin.write(frame({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
    assert.ok((await answer(1))?.result, 'initialize answered');
    child.stdin.write(frame(
      { method: 'initialized', params: {} },
      { method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'systemd-unit-file', version: 1, text } } },
      { id: 2, method: 'textDocument/codeAction', params: whole },
      { method: '$/cancelRequest', params: { id: 2 } },
      { id: 3, method: 'textDocument/codeAction', params: whole },
    ));
    assert.equal((await answer(2))?.error?.code, -32800);
    const full = await answer(3);
    assert.ok(Array.isArray(full?.result) && full.result.length > 100, JSON.stringify(full).slice(0, 200));
  } finally {
    child.kill();
  }
});

test('malformed notifications are ignored without a logged failure, and the server goes on', async () => {
  const server = await startLspServer({ systemdVersion: 252 });
  try {
    const uri = 'file:///nonexistent/n.socket';
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: null });
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: 42, type: 9 }] });
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'systemd-unit-file', version: 1, text: null } });
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: '[Socket]\nListenStream=80\nBogus=1\n' }] });
    const p = await server.diagnosticsFor(uri, 2);
    assert.deepEqual(p.diagnostics.map((d) => d.code), ['unknown-directive']);
    assert.deepEqual(server.logs.filter((l) => /failed with message|TypeError/.test(l.message)), []);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
