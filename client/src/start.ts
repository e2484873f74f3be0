/**
 * What the extension does on every host, desktop and web: the language client for systemd unit files,
 * the language status items (the server's state, the target systemd version) and the command registry.
 * extension.ts (Node) and browserExtension.ts (web worker) differ only in how the server is started and
 * whether the desktop parts (socket activation, deploy, the Socket Units view) exist; they come in as a
 * ClientPlatform. No Node imports here: 'vscode-languageclient' resolves to its browser build on the web.
 */
import * as vscode from 'vscode';
import { State, type BaseLanguageClient, type LanguageClientOptions } from 'vscode-languageclient';
import { registerCommands, type DesktopState, type ExtensionState } from './commands';
import { EffectiveConfigView, isVirtual } from './effectiveConfig';
import { DependencyGraphPanel } from './graph/graphPanel';
import type { DependencyGraph } from './graph/layout';
import { TargetVersionStatus, type ServerStatus } from './systemdVersion';

export const LANGUAGE_ID = 'systemd-unit-file';

/** Set to true by the web client: package.json hides and disables the desktop-only commands with it. */
export const WEB_CONTEXT_KEY = 'sockact.web';

export interface ClientPlatform {
  /** Which extension host this is, for the output channel ("Node", "web worker (…)"). */
  host: string;
  web: boolean;
  /** A language client over this platform's transport (IPC to dist/server.js, or a worker on dist/browser/server.js). */
  newClient(id: string, name: string, options: LanguageClientOptions): BaseLanguageClient;
  /** The desktop parts; undefined on the web. */
  desktop?(context: vscode.ExtensionContext): DesktopState;
}

function clientOptions(output: vscode.OutputChannel): LanguageClientOptions {
  return {
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
}

function createStatusItem(): vscode.LanguageStatusItem {
  const item = vscode.languages.createLanguageStatusItem('sockact.status', { language: LANGUAGE_ID });
  item.name = 'Socket Activation language server';
  item.text = 'sockact …';
  item.detail = 'starting the language server';
  item.command = { command: 'sockact.showOutput', title: 'Show output' };
  return item;
}

/** What the running server answered for; on the web, also what it cannot do there and why. */
function showRunning(status: vscode.LanguageStatusItem, s: ServerStatus): void {
  if (s.host === 'web worker') {
    status.text = 'sockact (web)';
    // The reason stays visible: it is the item's detail, not a notification that goes away.
    // Short: the language status hover cuts a longer line. The output channel names the host in full.
    status.detail = [...(s.limits ?? []), 'no run/deploy'].join(' · ');
  } else {
    status.text = 'sockact';
    status.detail = 'language server running · show output';
  }
  status.severity = vscode.LanguageStatusSeverity.Information;
}

/** Starts everything; resolves with the client once it runs (deactivate() stops it). */
export async function startExtension(context: vscode.ExtensionContext, platform: ClientPlatform): Promise<BaseLanguageClient> {
  const output = vscode.window.createOutputChannel('Socket Activation');
  output.appendLine(`Socket Activation: extension host: ${platform.host}`);
  const status = createStatusItem();
  const target = new TargetVersionStatus(LANGUAGE_ID);
  context.subscriptions.push(output, status, target);
  await vscode.commands.executeCommand('setContext', WEB_CONTEXT_KEY, platform.web);
  const desktop = platform.desktop?.(context);
  const client = platform.newClient('sockact', 'Socket Activation (systemd units)', clientOptions(output));
  context.subscriptions.push(
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped) {
        status.text = 'sockact: server stopped';
        status.severity = vscode.LanguageStatusSeverity.Error;
      }
    }),
  );
  const effective = new EffectiveConfigView(() => client);
  const graph = new DependencyGraphPanel((uri, depth) => client.sendRequest<DependencyGraph | null>('sockact/dependencyGraph', { textDocument: { uri }, depth }));
  context.subscriptions.push(effective, graph);
  const state: ExtensionState = {
    hasClient: true,
    restartServer: async () => {
      output.appendLine('Restarting the language server.');
      // The Node client has restart() (it also waits for a debugged server); the web one stops and starts.
      const restartable = client as BaseLanguageClient & { restart?: () => Promise<void> };
      if (restartable.restart) await restartable.restart();
      else {
        await client.stop();
        await client.start();
      }
    },
    showOutput: () => output.show(true),
    pickSystemdVersion: () => target.pick(),
    desktop,
    graph,
    effective,
  };
  registerCommands(context, state);
  // Registered before start() so the first status the server sends is not missed.
  context.subscriptions.push(
    client.onNotification('sockact/status', (s: ServerStatus) => {
      showRunning(status, s);
      target.update(s);
    }),
  );
  await client.start();
  return client;
}
