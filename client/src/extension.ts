/**
 * The VS Code extension on a Node extension host (desktop, a remote, code-server's default): the shared
 * start (start.ts) with the bundled language server over IPC, and the desktop parts (socket activation,
 * deploy, the Socket Units view). The language client's default error handler restarts the server after
 * a crash. The web build is browserExtension.ts.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { activationUnsupported } from '../../server/src/node/platform';
import { ActivationManager } from './activation';
import { DebugManager } from './debug/debugSession';
import { DeployManager } from './deploy/deploy';
import { SocketsView, VIEW_ID } from './deploy/socketsView';
import { startExtension } from './start';

export { LANGUAGE_ID } from './start';

let client: BaseLanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    // A 4 MB semi-space: while the server reads a large workspace V8's young generation otherwise grows to
    // its default maximum and stays (10,000 units: 121 MB resident, 96 MB with this, the same timings; bench
    // (g), BENCH_SERVER_NODE_ARGS). It has to be given at start: V8 ignores it once the heap exists.
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--max-semi-space-size=4'] } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  client = await startExtension(context, {
    host: `Node ${process.version}`,
    web: false,
    newClient: (id, name, options) => new LanguageClient(id, name, serverOptions, options),
    desktop: (ctx) => {
      const activation = new ActivationManager(ctx);
      const cliPath = ctx.asAbsolutePath(path.join('dist', 'cli.js'));
      const sockets = new SocketsView(cliPath);
      const deploy = new DeployManager(ctx, cliPath, sockets);
      const debug = new DebugManager(cliPath);
      ctx.subscriptions.push(activation, debug, sockets, deploy, vscode.window.createTreeView(VIEW_ID, { treeDataProvider: sockets, showCollapseAll: true }));
      // Run / Restart with Socket Activation are greyed out where activation cannot run (macOS, Windows). Set
      // where it can't rather than where it can: before the extension starts the key is unset, and the commands
      // must stay clickable on Linux then (clicking one starts the extension).
      void vscode.commands.executeCommand('setContext', 'sockact.activationUnsupported', activationUnsupported(process.platform) !== undefined);
      return { activation, debug, deploy, sockets };
    },
  });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
