import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LANGUAGE_ID, codeOf, diagnosticsWith, ours, waitFor } from './helpers';

/** The target systemd version, changed in the settings and through the language status picker. */
describe('target systemd version', () => {
  const config = () => vscode.workspace.getConfiguration('sockact');
  afterEach(async () => {
    await config().update('systemdVersion', undefined, vscode.ConfigurationTarget.Global);
    await config().update('systemdVersion', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('every diagnostic answers for the target: Type=notify-reload is too new for 252, fine for 262', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: LANGUAGE_ID,
      content: '[Service]\nExecStart=/bin/true\nType=notify-reload\n',
    });
    await config().update('systemdVersion', 252, vscode.ConfigurationTarget.Global);
    const found = await diagnosticsWith(doc.uri, ['value-too-new']);
    assert.equal(found.find((d) => codeOf(d) === 'value-too-new')!.range.start.line, 2);
    await config().update('systemdVersion', 262, vscode.ConfigurationTarget.Global);
    await waitFor(() => !ours(doc.uri).some((d) => codeOf(d) === 'value-too-new'), 15_000, 'value-too-new to go away at 262');
  });

  it('the picker (the language status item\'s command) writes the version chosen', async () => {
    const picked = vscode.commands.executeCommand('sockact.pickSystemdVersion');
    // The list is "auto", then the newest version first: move one down and accept.
    await new Promise((r) => setTimeout(r, 800));
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await picked;
    const inspected = config().inspect<string | number>('systemdVersion');
    const chosen = inspected?.workspaceValue ?? inspected?.globalValue;
    assert.equal(typeof chosen, 'number', `the picker wrote ${JSON.stringify(chosen)}`);
    assert.ok((chosen as number) >= 262, `the first version offered is the newest (${chosen})`);
  });
});
