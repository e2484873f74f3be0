/**
 * "New Socket-Activated Service…" (the walkthrough's first step) in a real VS Code: it writes the pair into
 * the folder, opens the socket with the port selected, the language server finds nothing wrong with the
 * pair, and a second run never overwrites what is there. It writes files only, so it works in untrusted
 * folders too (the suite runs there again).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ours, waitFor, workspaceRoot } from './helpers';

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

describe('New Socket-Activated Service', () => {
  const folder = () => vscode.Uri.joinPath(workspaceRoot(), 'new-units');
  const name = `hello${process.pid}`;

  after(async () => {
    // Only this suite's editors: closing all of them would ask about other suites' unsaved documents.
    const mine = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.path.startsWith(`${folder().path}/`));
    await vscode.window.tabGroups.close(mine);
    await vscode.workspace.fs.delete(folder(), { recursive: true, useTrash: false }).then(undefined, () => {});
  });

  it('writes NAME.socket and NAME.service, opens the socket on its port, and the pair has no errors or warnings', async () => {
    await vscode.workspace.fs.createDirectory(folder());
    const socket = await vscode.commands.executeCommand<vscode.Uri>('sockact.newSocketUnit', { name, folder: folder() });
    assert.ok(socket, 'the command returned the socket');
    assert.equal(socket.path, vscode.Uri.joinPath(folder(), `${name}.socket`).path);
    const service = vscode.Uri.joinPath(folder(), `${name}.service`);
    assert.ok(await exists(service), 'the service was written');
    const serviceText = new TextDecoder().decode(await vscode.workspace.fs.readFile(service));
    assert.match(serviceText, new RegExp(`^Requires=${name}\\.socket$`, 'm'));
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.path, socket.path);
    assert.equal(editor?.document.languageId, 'systemd-unit-file');
    assert.equal(editor?.document.getText(editor.selection), '8080');
    // The server has checked it (its code lens or diagnostics came back) and found nothing worse than a hint.
    await waitFor(async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', socket);
      return lenses && lenses.length > 0 ? lenses : undefined;
    }, 15_000, 'code lenses on the new socket');
    const serious = ours(socket).filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning);
    assert.deepEqual(serious.map((d) => d.message), []);
  });

  it('never overwrites: a second run on the same name leaves the files as they are', async () => {
    const socket = vscode.Uri.joinPath(folder(), `${name}.socket`);
    await vscode.workspace.fs.writeFile(socket, new TextEncoder().encode('[Socket]\nListenStream=9999\n'));
    await vscode.commands.executeCommand('sockact.newSocketUnit', { name, folder: folder() });
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(socket)), '[Socket]\nListenStream=9999\n');
  });

  it('refuses a name systemd would not accept, writing nothing', async () => {
    const result = await vscode.commands.executeCommand('sockact.newSocketUnit', { name: 'two words', folder: folder() });
    assert.equal(result, undefined);
    assert.equal(await exists(vscode.Uri.joinPath(folder(), 'two words.socket')), false);
  });
});
