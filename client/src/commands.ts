/**
 * Every command the extension contributes, in one registry. A command says when it can run
 * (`enabledWhen`), so the palette and the handler agree; the state lives in ExtensionState.
 */
import * as vscode from 'vscode';

export interface ExtensionState {
  /** The language client has been created (it may be starting, running or stopped). */
  readonly hasClient: boolean;
  restartServer(): Promise<void>;
  showOutput(): void;
}

export interface CommandSpec {
  id: string;
  /** Why it cannot run right now, or undefined when it can. */
  disabledReason(state: ExtensionState): string | undefined;
  run(state: ExtensionState): Promise<void> | void;
}

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
];

/** Registers every command; a disabled one explains itself instead of failing silently. */
export function registerCommands(context: vscode.ExtensionContext, state: ExtensionState): void {
  for (const spec of COMMANDS) {
    context.subscriptions.push(
      vscode.commands.registerCommand(spec.id, async () => {
        const reason = spec.disabledReason(state);
        if (reason) {
          void vscode.window.showWarningMessage(`Socket Activation: cannot run this now: ${reason}.`);
          return;
        }
        await spec.run(state);
      }),
    );
  }
}
