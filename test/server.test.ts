/**
 * The bundled server over stdio, driven by a plain JSON-RPC client (not VS Code): it starts, publishes
 * diagnostics for an opened unit, updates them on change, and exits on request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic } from 'vscode-languageserver-types';

interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

const CLI = new URL('../dist/cli.js', import.meta.url).pathname;

test('sockact lsp --stdio publishes diagnostics for an opened and edited unit', async () => {
  const child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: Array<() => void> = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.push(p);
    waiters.splice(0).forEach((w) => w());
  });
  let configured!: () => void;
  const settingsRead = new Promise<void>((resolve) => (configured = resolve));
  connection.onRequest('workspace/configuration', () => {
    setImmediate(configured);
    return [{ systemdVersion: 252 }];
  });
  connection.listen();
  // The server may publish a document more than once (e.g. again after reading the settings), so wait
  // for the newest publication of the version we want.
  const diagnosticsFor = (version: number) =>
    new Promise<PublishDiagnosticsParams>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for version ${version} within 10 s`)), 10_000);
      const check = () => {
        const found = published.filter((p) => p.version === version).pop();
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      check();
    });

  try {
    const init = (await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true } },
    })) as { capabilities: { textDocumentSync: unknown } };
    assert.ok(init.capabilities.textDocumentSync);
    await connection.sendNotification('initialized', {});
    // The document arrives once the server has its settings, so every publication uses them.
    await settingsRead;
    // A folder that does not exist: the server cannot know whether web.service exists, so it does not say.
    const uri = 'file:///nonexistent/web.socket';
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'systemd-unit-file', version: 1, text: '[Socket]\nListenStream=8080 # web\nDeferTrigger=yes\n' },
    });
    const first = await diagnosticsFor(1);
    assert.equal(first.uri, uri);
    const codes = first.diagnostics.map((d) => d.code).sort();
    // 252 (from workspace/configuration) does not know DeferTrigger=; the comment ruins the only socket.
    assert.deepEqual(codes, ['directive-too-new', 'inline-comment', 'no-listen']);
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: '[Socket]\nListenStream=8080\n' }],
    });
    const second = await diagnosticsFor(2);
    assert.deepEqual(second.diagnostics, []);
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
  } finally {
    connection.dispose();
    child.kill();
  }
});
