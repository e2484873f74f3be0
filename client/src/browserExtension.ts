/**
 * The VS Code extension on the web (vscode.dev, github.dev, code-server's web worker extension host): the
 * shared start (start.ts) with the language server in a web worker (dist/browser/server.js, the same pure
 * language service). Socket activation, deploy and the Socket Units view need a disk and processes: they
 * are not created, their commands are hidden (the sockact.web context key) and say why when invoked, and
 * the language status names what the web version leaves out.
 */
import * as vscode from 'vscode';
import {
  BaseLanguageClient,
  BrowserMessageReader,
  BrowserMessageWriter,
  type LanguageClientOptions,
  type MessageTransports,
} from 'vscode-languageclient/browser';
import { startExtension } from './start';

export { LANGUAGE_ID } from './start';

// The worker globals, typed loosely: the project's lib is Node's (no DOM/WebWorker lib).
type ServerWorker = ConstructorParameters<typeof BrowserMessageReader>[0] & { terminate(): void };
declare const Worker: new (url: string) => ServerWorker;
declare const navigator: { userAgent?: string } | undefined;

let client: BaseLanguageClient | undefined;

/** Where this runs, in the output channel: the e2e check reads it to tell a web worker from Node. */
function describeHost(): string {
  const scope = (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== undefined ? 'WorkerGlobalScope' : 'no WorkerGlobalScope';
  const proc = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string' ? 'Node process' : 'no Node process';
  return `web worker (${scope}, ${proc}, ${typeof navigator !== 'undefined' ? navigator.userAgent ?? 'navigator' : 'no navigator'})`;
}

/**
 * A worker on the server bundle. On vscode.dev the extension's files have an https: URI a Worker can load.
 * Where the extension lives on a remote (code-server's web worker host: vscode-remote:), the host refuses
 * to start a Worker from that URI ("Creating workers from remote extensions is currently not supported"),
 * so the bundle is read through the workspace file system and started from a blob: URL instead.
 */
async function serverWorker(serverMain: vscode.Uri): Promise<ServerWorker> {
  if (serverMain.scheme === 'http' || serverMain.scheme === 'https') return new Worker(serverMain.toString(true));
  const source = await vscode.workspace.fs.readFile(serverMain);
  return new Worker(URL.createObjectURL(new Blob([source], { type: 'application/javascript' })));
}

/**
 * vscode-languageclient/browser's LanguageClient keeps one worker for its whole life, but a stopped server
 * in a worker does not end (its exit does nothing there), so a restart would talk to the old one again.
 * This client starts a fresh worker on every start and terminates the one before.
 */
class WorkerLanguageClient extends BaseLanguageClient {
  private worker: ServerWorker | undefined;

  constructor(id: string, name: string, options: LanguageClientOptions, private readonly serverMain: vscode.Uri) {
    super(id, name, options);
  }

  protected async createMessageTransports(): Promise<MessageTransports> {
    this.worker?.terminate();
    const worker = await serverWorker(this.serverMain);
    this.worker = worker;
    return { reader: new BrowserMessageReader(worker), writer: new BrowserMessageWriter(worker) };
  }

  override async stop(timeout?: number): Promise<void> {
    try {
      await super.stop(timeout);
    } finally {
      this.worker?.terminate();
      this.worker = undefined;
    }
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverMain = vscode.Uri.joinPath(context.extensionUri, 'dist', 'browser', 'server.js');
  client = await startExtension(context, {
    host: describeHost(),
    web: true,
    newClient: (id, name, options) => new WorkerLanguageClient(id, name, options, serverMain),
  });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
