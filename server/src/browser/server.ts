/**
 * The language server in a web worker (vscode.dev, github.dev, code-server's web worker extension host):
 * the same wiring (lsp/serve.ts) and the same pure language service as the Node server, over the worker's
 * message port. What needs a disk or processes is left out and named in `limits`, which the client shows
 * in the language status: the workspace is the open documents, and the target version is the setting or
 * the newest the catalog knows (there is no systemctl to ask).
 */
import { BrowserMessageReader, BrowserMessageWriter, createConnection, ProposedFeatures } from 'vscode-languageserver/browser';
import { CONNECTION_OPTIONS, startServer } from '../lsp/serve';
import { OpenDocumentsIndex } from './openDocumentsIndex';

// `self` of a dedicated worker; typed loosely, the project's lib is Node's (no DOM/WebWorker lib).
declare const self: ConstructorParameters<typeof BrowserMessageReader>[0];

const connection = createConnection(ProposedFeatures.all, new BrowserMessageReader(self), new BrowserMessageWriter(self), CONNECTION_OPTIONS);

startServer(connection, {
  host: 'web worker',
  index: new OpenDocumentsIndex(),
  toUri: (path) => 'file://' + path.split('/').map(encodeURIComponent).join('/'),
  runsUnits: false,
  activates: false,
  yieldToQueue: () => new Promise<void>((resolve) => setTimeout(resolve, 0)),
  // Short: they share one line of the language status with the client's own.
  limits: ['open files only', 'no local systemd'],
});
