/**
 * The bundled server (`sockact lsp --stdio`) driven over stdio by a plain JSON-RPC client, for tests that
 * watch diagnostics change and for feature requests: one launcher for every stdio test.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  /** The server process's pid (to read its memory use). */
  pid: number;
  /** Whether the server process has ended (crashed, or after stop()). */
  hasExited(): boolean;
  /** What the server wrote on stderr, when started with captureStderr. */
  stderr(): string;
  /** Every window/logMessage so far (type 1 error … 4 log). */
  logs: Array<{ type: number; message: string }>;
  /** What the server answered to initialize. */
  capabilities: Record<string, unknown>;
  /** Every publication of diagnostics so far, in the order they came. */
  published: readonly Publication[];
  /** Every `sockact/status` notification so far. */
  statuses: unknown[];
  /** Resolves with the first publication for `uri` (from now on, or the latest one so far) that `ok` accepts. */
  diagnostics(uri: string, ok: (p: Publication) => boolean, what: string): Promise<Publication>;
  /**
   * The newest publication of `uri` at `version`: the server may publish a document more than once (e.g.
   * again after reading the settings), and a later version may already be out when the test asks.
   */
  diagnosticsFor(uri: string, version: number): Promise<Publication>;
  open(uri: string, text: string, version?: number): Promise<void>;
  change(uri: string, text: string, version: number): Promise<void>;
  closeDocument(uri: string): Promise<void>;
  /** workspace/didChangeWatchedFiles: 1 created, 2 changed, 3 deleted. */
  filesChanged(changes: Array<{ uri: string; type: 1 | 2 | 3 }>): Promise<void>;
  /** shutdown + exit; resolves with the server's exit code. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** The workspace root (also sent as the one workspace folder); null: no workspace. */
  rootUri?: string | null;
  /** Client capabilities merged into the defaults (workspace/configuration and watched files). */
  clientCapabilities?: Record<string, unknown>;
  /** Keep the server's stderr (for tests that look for stack traces) instead of passing it through. */
  captureStderr?: boolean;
}

/** Starts `sockact lsp --stdio`, initializes it with `settings`, and resolves once it has read them. */
export async function startLspServer(settings: Record<string, unknown>, options: StartOptions = {}): Promise<LspSession> {
  const { rootUri = null, clientCapabilities = {}, captureStderr = false } = options;
  const child = spawn(process.execPath, [CLI_PATH, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', captureStderr ? 'pipe' : 'inherit'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: Publication[] = [];
  const statuses: unknown[] = [];
  const waiters: Array<() => void> = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: Publication) => {
    published.push(p);
    waiters.splice(0).forEach((w) => w());
  });
  connection.onNotification('sockact/status', (s: unknown) => statuses.push(s));
  const logs: Array<{ type: number; message: string }> = [];
  connection.onNotification('window/logMessage', (m: { type: number; message: string }) => logs.push(m));
  let configured!: () => void;
  const settingsRead = new Promise<void>((resolve) => (configured = resolve));
  connection.onRequest('workspace/configuration', () => {
    setImmediate(configured);
    return [settings];
  });
  connection.listen();
  const init = (await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    ...(rootUri ? { workspaceFolders: [{ uri: rootUri, name: 'workspace' }] } : {}),
    capabilities: {
      ...clientCapabilities,
      workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: false }, ...(clientCapabilities.workspace as object | undefined) },
    },
  })) as { capabilities: Record<string, unknown> };
  await connection.sendNotification('initialized', {});
  // Documents arrive once the server has its settings, so every publication uses them.
  await settingsRead;
  const waitFor = (find: () => Publication | undefined, failure: () => string) =>
    new Promise<Publication>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(failure())), 10_000);
      const check = () => {
        const found = find();
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      check();
    });
  const latest = (uri: string) => published.filter((p) => p.uri === uri).pop();
  return {
    connection,
    pid: child.pid!,
    hasExited: () => exited,
    stderr: () => stderr,
    logs,
    capabilities: init.capabilities,
    published,
    statuses,
    diagnostics: (uri, ok, what) =>
      waitFor(
        () => {
          const p = latest(uri);
          return p && ok(p) ? p : undefined;
        },
        () => `${uri}: no publication with ${what} within 10 s; last: ${JSON.stringify(latest(uri)?.diagnostics.map((d) => d.code))}`,
      ),
    diagnosticsFor: (uri, version) =>
      waitFor(() => published.filter((p) => p.uri === uri && p.version === version).pop(), () => `no diagnostics for ${uri} v${version} within 10 s`),
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

/** Resident memory of a process in MB, from /proc (0 once it has ended). */
export function residentMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
