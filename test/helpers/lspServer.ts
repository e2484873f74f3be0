/**
 * The bundled server (`sockact lsp --stdio`) driven over stdio by a plain JSON-RPC client, for tests that
 * watch diagnostics change: wait for the first publication for a document that satisfies a condition.
 */
import { spawn } from 'node:child_process';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic } from 'vscode-languageserver-types';
import { CLI_PATH } from './cli';

export interface Publication {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

export interface LspSession {
  connection: MessageConnection;
  /** Resolves with the first publication for `uri` (from now on, or the latest one so far) that `ok` accepts. */
  diagnostics(uri: string, ok: (p: Publication) => boolean, what: string): Promise<Publication>;
  open(uri: string, text: string, version?: number): Promise<void>;
  change(uri: string, text: string, version: number): Promise<void>;
  closeDocument(uri: string): Promise<void>;
  /** workspace/didChangeWatchedFiles: 1 created, 2 changed, 3 deleted. */
  filesChanged(changes: Array<{ uri: string; type: 1 | 2 | 3 }>): Promise<void>;
  stop(): Promise<number | null>;
}

export async function startLspServer(rootUri: string, settings: Record<string, unknown>): Promise<LspSession> {
  const child = spawn(process.execPath, [CLI_PATH, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const latest = new Map<string, Publication>();
  const waiters: Array<() => void> = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: Publication) => {
    latest.set(p.uri, p);
    waiters.splice(0).forEach((w) => w());
  });
  connection.onNotification('sockact/status', () => undefined);
  let configured!: () => void;
  const settingsRead = new Promise<void>((resolve) => (configured = resolve));
  connection.onRequest('workspace/configuration', () => {
    setImmediate(configured);
    return [settings];
  });
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'workspace' }],
    capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: false } } },
  });
  await connection.sendNotification('initialized', {});
  await settingsRead;
  return {
    connection,
    diagnostics: (uri, ok, what) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${uri}: no publication with ${what} within 10 s; last: ${JSON.stringify(latest.get(uri)?.diagnostics.map((d) => d.code))}`)), 10_000);
        const check = () => {
          const p = latest.get(uri);
          if (p && ok(p)) {
            clearTimeout(timer);
            resolve(p);
          } else waiters.push(check);
        };
        check();
      }),
    open: (uri, text, version = 1) =>
      connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'systemd-unit-file', version, text } }),
    change: (uri, text, version) =>
      connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] }),
    closeDocument: (uri) => connection.sendNotification('textDocument/didClose', { textDocument: { uri } }),
    filesChanged: (changes) => connection.sendNotification('workspace/didChangeWatchedFiles', { changes }),
    async stop() {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      connection.dispose();
      return code;
    },
  };
}

/** The codes of a publication, sorted. */
export const codesOf = (p: Publication) => p.diagnostics.map((d) => String(d.code)).sort();
