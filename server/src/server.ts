/**
 * The language server on Node (desktop VS Code, a remote or code-server's Node extension host): the shared
 * wiring (lsp/serve.ts) over an IPC/stdio connection, with the disk-walking workspace index and the local
 * systemd's version. The web worker server (browser/server.ts) is the same wiring without those.
 */
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { pathToFileURL } from 'node:url';
import { CONNECTION_OPTIONS, startServer } from './lsp/serve';
import { detectSystemdVersion } from './node/systemdVersion';
import { WorkspaceIndex } from './node/workspaceIndex';
import { activationUnsupported } from './node/platform';

const connection: Connection = createConnection(ProposedFeatures.all, CONNECTION_OPTIONS);

startServer(connection, {
  host: 'node',
  // Workspace units and drop-ins (open documents win over the disk); units outside it are read from the disk.
  index: new WorkspaceIndex(),
  toUri: (path) => pathToFileURL(path).href,
  localSystemdVersion: detectSystemdVersion,
  runsUnits: true,
  // The server runs beside the client: on the same platform.
  activates: activationUnsupported(process.platform) === undefined,
  yieldToQueue: () => new Promise<void>((resolve) => setImmediate(resolve)),
});
