/**
 * The VS Code extension: starts the bundled language server for systemd unit files, shows the target
 * systemd version in a language status item, and registers the commands. The language client's default
 * error handler restarts the server after a crash.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { activationUnsupported } from '../../server/src/node/platform';
import { ActivationManager } from './activation';
import { registerCommands, type ExtensionState } from './commands';
import { DeployManager } from './deploy/deploy';
import { EffectiveConfigView, isVirtual } from './effectiveConfig';
import { SocketsView, VIEW_ID } from './deploy/socketsView';
import { DependencyGraphPanel } from './graph/graphPanel';
import type { DependencyGraph } from './graph/layout';
import { TargetVersionStatus, type ServerStatus } from './systemdVersion';

export const LANGUAGE_ID = 'systemd-unit-file';


let client: LanguageClient | undefined;

function createClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): LanguageClient {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID }],
    outputChannel: output,
    // The merged view of a unit (effectiveConfig.ts) has the unit-file language but is no file of the
    // unit: the server is not told about it, so it checks and counts only the real files.
    middleware: {
      didOpen: (document, next) => (isVirtual(document) ? Promise.resolve() : next(document)),
      didChange: (event, next) => (isVirtual(event.document) ? Promise.resolve() : next(event)),
      didClose: (document, next) => (isVirtual(document) ? Promise.resolve() : next(document)),
    },
    // Accepting a directive name inserts its "=" too; this reopens the list so its values show at once.
    initializationOptions: { suggestCommand: 'editor.action.triggerSuggest' },
    synchronize: {
      configurationSection: 'sockact',
      // The server's workspace index: unit names for completion, the partner units and drop-ins a socket and
      // its service are checked against (a new foo.service clears foo.socket's missing-service), and the
      // files go to definition, references and rename work on.
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/*.{socket,service,timer,path,mount,automount,swap,target,slice}'),
        vscode.workspace.createFileSystemWatcher('**/*.{socket,service,timer,path,mount,automount,swap,target,slice}.d/*.conf'),
        // A drop-in folder deleted as a whole is reported as the folder only.
        vscode.workspace.createFileSystemWatcher('**/*.{socket,service,timer,path,mount,automount,swap,target,slice}.d'),
      ],
    },
  };
  return new LanguageClient('sockact', 'Socket Activation (systemd units)', serverOptions, clientOptions);
}

function createStatusItem(): vscode.LanguageStatusItem {
  const item = vscode.languages.createLanguageStatusItem('sockact.status', { language: LANGUAGE_ID });
  item.name = 'Socket Activation language server';
  item.text = 'sockact …';
  item.detail = 'starting the language server';
  item.command = { command: 'sockact.showOutput', title: 'Show output' };
  return item;
}


export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Socket Activation');
  const status = createStatusItem();
  const target = new TargetVersionStatus(LANGUAGE_ID);
  const activation = new ActivationManager(context);
  const cliPath = context.asAbsolutePath(path.join('dist', 'cli.js'));
  const sockets = new SocketsView(cliPath);
  const deploy = new DeployManager(context, cliPath, sockets);
  context.subscriptions.push(output, status, target, activation, sockets, deploy, vscode.window.createTreeView(VIEW_ID, { treeDataProvider: sockets, showCollapseAll: true }));
  client = createClient(context, output);
  const current = client;
  const effective = new EffectiveConfigView(() => current);
  context.subscriptions.push(effective);
  context.subscriptions.push(
    current.onDidChangeState((e) => {
      if (e.newState === State.Stopped) {
        status.text = 'sockact: server stopped';
        status.severity = vscode.LanguageStatusSeverity.Error;
      }
    }),
  );
  const graph = new DependencyGraphPanel((uri, depth) => current.sendRequest<DependencyGraph | null>('sockact/dependencyGraph', { textDocument: { uri }, depth }));
  context.subscriptions.push(graph);
  const state: ExtensionState = {
    hasClient: true,
    restartServer: async () => {
      output.appendLine('Restarting the language server.');
      await current.restart();
    },
    showOutput: () => output.show(true),
    pickSystemdVersion: () => target.pick(),
    activation,
    deploy,
    sockets,
    graph,
    effective,
  };
  registerCommands(context, state);
  // Run / Restart with Socket Activation are greyed out where activation cannot run (macOS, Windows). Set
  // where it can't rather than where it can: before the extension starts the key is unset, and the commands
  // must stay clickable on Linux then (clicking one starts the extension).
  void vscode.commands.executeCommand('setContext', 'sockact.activationUnsupported', activationUnsupported(process.platform) !== undefined);
  // Registered before start() so the first status the server sends is not missed.
  context.subscriptions.push(
    current.onNotification('sockact/status', (s: ServerStatus) => {
      status.text = 'sockact';
      status.detail = 'language server running · show output';
      status.severity = vscode.LanguageStatusSeverity.Information;
      target.update(s);
    }),
  );
  await current.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
