/**
 * Every command the extension contributes, in one registry. A command says when it can run
 * (`disabledReason`, and `needsTrust` for workspace trust), so the palette and the handler agree; the
 * state lives in ExtensionState.
 *
 * Workspace trust: package.json declares `untrustedWorkspaces: limited`. Language features (diagnostics,
 * completion, hover, quick fixes) only read the files, so they work in untrusted folders. A command that
 * runs programs on the units or deploys them (e.g. `systemd-analyze verify`, `systemctl start`) must set
 * `needsTrust: true` AND get `"enablement": "isWorkspaceTrusted"` in package.json's `contributes.commands`
 * (test/vsix.test.ts checks the pair): the palette then greys it out, and a keybinding or another
 * extension calling it gets the explanation below instead of a run.
 *
 * The web (vscode.dev, github.dev, a web worker extension host): there is no disk to run programs from and
 * no ssh. A command that needs the desktop sets `needsDesktop: true` and gets `!sockact.web` in its
 * package.json `enablement` and palette `when` (the browser client sets that context key; VS Code's own
 * `isWeb` is true in code-server's Node host too, where these commands do work). Invoked anyway, it says so
 * in one line.
 */
import * as vscode from 'vscode';
import { activationUnsupported } from '../../server/src/node/platform';
import type { ActivationManager } from './activation';
import type { DebugManager } from './debug/debugSession';
import type { DeployManager } from './deploy/deploy';
import type { SocketsView } from './deploy/socketsView';
import { newSocketUnit } from './newUnit';
import type { DependencyGraphPanel } from './graph/graphPanel';
import type { EffectiveConfigView } from './effectiveConfig';

export interface ExtensionState {
  /** The language client has been created (it may be starting, running or stopped). */
  readonly hasClient: boolean;
  restartServer(): Promise<void>;
  showOutput(): void;
  /** The target-version picker of the language status (sockact.systemdVersion). */
  pickSystemdVersion(): Promise<void>;
  /** What needs a disk and processes; undefined on the web. */
  readonly desktop?: DesktopState;
  /** The dependency graph panel (reads the units only: no trust needed). */
  readonly graph: DependencyGraphPanel;
  /** The unit merged with its drop-ins, as a read-only document. */
  readonly effective: EffectiveConfigView;
}

export interface DesktopState {
  /** Socket activation runs (`sockact activate` in a terminal) and their status bar item. */
  readonly activation: ActivationManager;
  /** The `sockact` debug type: Debug with Socket Activation. */
  readonly debug: DebugManager;
  /** Deploy / Undeploy / Verify Activation, and Start / Stop of a listed socket. */
  readonly deploy: DeployManager;
  /** The Socket Units view. */
  readonly sockets: SocketsView;
}

export interface CommandSpec {
  id: string;
  /** Used by the extension itself (status bar, tests): registered but not contributed to the palette. */
  internal?: boolean;
  /** Runs programs or changes the system: disabled until the folder is trusted (see the header). */
  needsTrust?: boolean;
  /** Needs a disk and processes: not available on the web (see the header). */
  needsDesktop?: boolean;
  /** Why it cannot run right now, or undefined when it can. */
  disabledReason(state: ExtensionState): string | undefined;
  /** `args`: what the caller passed (a URI from the code lens, explorer or editor title). */
  run(state: ExtensionState, ...args: unknown[]): unknown;
}

export const UNTRUSTED_REASON = 'this folder is not trusted (Workspaces: Manage Workspace Trust)';
export const WEB_REASON = 'it needs a local disk and processes, which the web version of VS Code does not have';

/** Why the command cannot run right now: the web first, then an untrusted folder, then the command's own reason. */
export function disabledReason(spec: CommandSpec, state: ExtensionState): string | undefined {
  if (spec.needsDesktop && !state.desktop) return WEB_REASON;
  if (spec.needsTrust && !vscode.workspace.isTrusted) return UNTRUSTED_REASON;
  return spec.disabledReason(state);
}

/** The desktop part of the state, for a command marked needsDesktop (registerCommands checked it is there). */
function desktop(state: ExtensionState): DesktopState {
  if (!state.desktop) throw new Error(WEB_REASON);
  return state.desktop;
}

// Restarting our own bundled server and showing its output run nothing from the workspace; running a
// unit's program (activate, restart) does. Stopping it, sending it a request and reading its state need no
// trust: nothing can be running in an untrusted folder.
export const COMMANDS: readonly CommandSpec[] = [
  {
    id: 'sockact.restartServer',
    disabledReason: (state) => (state.hasClient ? undefined : 'the language server has not been started yet'),
    run: (state) => state.restartServer(),
  },
  {
    id: 'sockact.showOutput',
    disabledReason: () => undefined,
    run: (state) => state.showOutput(),
  },
  {
    id: 'sockact.pickSystemdVersion',
    disabledReason: () => undefined,
    run: (state) => state.pickSystemdVersion(),
  },
  {
    // Writes two files the user names; runs nothing, so it needs no trust.
    id: 'sockact.newSocketUnit',
    disabledReason: () => undefined,
    run: (_state, arg) => newSocketUnit(arg),
  },
  {
    // Reads the unit and its neighbours through the language server: works in untrusted folders.
    id: 'sockact.showDependencyGraph',
    disabledReason: (state) => (state.hasClient ? undefined : 'the language server has not been started yet'),
    run: (state, uri) => state.graph.show(uri),
  },
  {
    // Reads the unit's files only (through the language server): no trust needed.
    id: 'sockact.showEffectiveConfiguration',
    disabledReason: (state) => (state.hasClient ? undefined : 'the language server has not been started yet'),
    run: (state, uri) => state.effective.show(uri),
  },
  {
    id: 'sockact.activate',
    needsDesktop: true,
    needsTrust: true,
    // Linux only (server/src/node/platform.ts); the manifest disables it too (sockact.activationUnsupported).
    disabledReason: () => activationUnsupported(process.platform),
    run: (state, uri) => desktop(state).activation.start(uri),
  },
  {
    // The same run with --watch: a save restarts the program on the sockets sockact keeps open.
    id: 'sockact.activateWatch',
    needsDesktop: true,
    needsTrust: true,
    disabledReason: () => activationUnsupported(process.platform),
    run: (state, uri) => desktop(state).activation.start(uri, true),
  },
  {
    // Runs the unit's program under a debugger (client/src/debug/): as Run, a trusted folder on Linux.
    id: 'sockact.debugActivation',
    needsDesktop: true,
    needsTrust: true,
    disabledReason: () => activationUnsupported(process.platform),
    run: (state, uri) => desktop(state).debug.start(uri),
  },
  {
    id: 'sockact.stopActivation',
    needsDesktop: true,
    disabledReason: (state) => (state.desktop?.activation.isRunning ? undefined : 'no socket activation is running'),
    run: (state) => desktop(state).activation.stop(),
  },
  {
    id: 'sockact.restartActivation',
    needsDesktop: true,
    needsTrust: true,
    disabledReason: (state) => activationUnsupported(process.platform) ?? (state.desktop?.activation.hasRun ? undefined : 'nothing has been run with socket activation yet'),
    run: (state) => desktop(state).activation.restart(),
  },
  {
    id: 'sockact.sendTestRequest',
    needsDesktop: true,
    disabledReason: (state) => (state.desktop?.activation.isRunning ? undefined : 'no socket activation is running'),
    // An address label (one of sockact.testRequestChoices) skips the QuickPick; the palette passes none.
    run: (state, address) => desktop(state).activation.sendTestRequest(address),
  },
  {
    id: 'sockact.deploy',
    needsDesktop: true,
    needsTrust: true,
    disabledReason: () => undefined,
    run: (state, uri, options) => desktop(state).deploy.deploy('deploy', uri, options),
  },
  {
    id: 'sockact.undeploy',
    needsDesktop: true,
    needsTrust: true,
    disabledReason: () => undefined,
    run: (state, uri, options) => desktop(state).deploy.deploy('undeploy', uri, options),
  },
  {
    // A .socket file (code lens, explorer, editor) or a socket of the Socket Units view.
    id: 'sockact.verifyActivation',
    needsDesktop: true,
    needsTrust: true,
    disabledReason: () => undefined,
    run: (state, arg, options) => desktop(state).deploy.verify(arg, options),
  },
  {
    id: 'sockact.refreshSockets',
    needsDesktop: true,
    needsTrust: true,
    disabledReason: () => undefined,
    run: (state) => desktop(state).sockets.refresh(),
  },
  {
    id: 'sockact.startSocket',
    needsDesktop: true,
    needsTrust: true,
    disabledReason: () => undefined,
    run: (state, node) => desktop(state).deploy.startStop('start', node),
  },
  {
    id: 'sockact.stopSocket',
    needsDesktop: true,
    needsTrust: true,
    disabledReason: () => undefined,
    run: (state, node) => desktop(state).deploy.startStop('stop', node),
  },
  {
    id: 'sockact.activationMenu',
    needsDesktop: true,
    internal: true,
    disabledReason: () => undefined,
    run: (state) => desktop(state).activation.showMenu(),
  },
  {
    id: 'sockact.activationState',
    needsDesktop: true,
    internal: true,
    disabledReason: () => undefined,
    run: (state) => JSON.stringify(desktop(state).activation.state() ?? null),
  },
  {
    // Where Send Test Request can go in the current run: the addresses offered, and the others with why not.
    id: 'sockact.testRequestChoices',
    needsDesktop: true,
    internal: true,
    disabledReason: () => undefined,
    run: (state) => JSON.stringify(desktop(state).activation.testRequestChoices()),
  },
  {
    // The Socket Units view as data (lists every target; `true` lists them again). Runs nothing in an
    // untrusted folder: the view itself refuses there.
    id: 'sockact.socketsSnapshot',
    needsDesktop: true,
    internal: true,
    disabledReason: () => undefined,
    run: async (state, refresh) => JSON.stringify(await desktop(state).sockets.snapshot(refresh === true)),
  },
  {
    // Deploy / Undeploy / Verify terminals of this session and how they ended (the terminal's text cannot
    // be read through the API; the reason the CLI gave can). Reads state only.
    id: 'sockact.deployRuns',
    needsDesktop: true,
    internal: true,
    disabledReason: () => undefined,
    run: (state) => JSON.stringify(desktop(state).deploy.terminalRuns()),
  },
  {
    // The last deploy target picker: its items and which targets were marked as not answering.
    id: 'sockact.deployPicker',
    needsDesktop: true,
    internal: true,
    disabledReason: () => undefined,
    run: (state) => JSON.stringify(desktop(state).deploy.pickerState() ?? null),
  },
  {
    // The dependency graph panel as data: whether it is open, the unit, depth, follow mode, the last model.
    id: 'sockact.dependencyGraphState',
    internal: true,
    disabledReason: () => undefined,
    run: (state) => JSON.stringify(state.graph.state()),
  },
  {
    // What a click on a node of the graph does (the browser check clicks the real node).
    id: 'sockact.dependencyGraphOpenNode',
    internal: true,
    disabledReason: () => undefined,
    run: (state, id) => (typeof id === 'string' ? state.graph.openNode(id) : undefined),
  },
  {
    id: 'sockact.dependencyGraphClose',
    internal: true,
    disabledReason: () => undefined,
    run: (state) => state.graph.close(),
  },
];

/** Registers every command; a disabled one explains itself instead of failing silently. */
export function registerCommands(context: vscode.ExtensionContext, state: ExtensionState): void {
  for (const spec of COMMANDS) {
    context.subscriptions.push(
      vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
        const reason = disabledReason(spec, state);
        if (reason === UNTRUSTED_REASON) {
          const manage = 'Manage Workspace Trust';
          // Not awaited: the command returns at once, the button opens the trust editor.
          void vscode.window.showWarningMessage(`Socket Activation: cannot run this now: ${reason}.`, manage).then((choice) => {
            if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
          });
          return;
        }
        if (reason === WEB_REASON) {
          void vscode.window.showInformationMessage(`Socket Activation: this command is not available on the web: ${reason}.`);
          return;
        }
        if (reason) {
          void vscode.window.showWarningMessage(`Socket Activation: cannot run this now: ${reason}.`);
          return;
        }
        return await spec.run(state, ...args);
      }),
    );
  }
}
