/**
 * The units of a popular socket-activation tutorial, as a new user pastes them (issue 12): what the editor
 * says about each, and that no quick fix it offers turns a line into a setting with another meaning.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, diagnosticsWith, ours, positionOf, waitFor, workspaceRoot } from './helpers';

const encoder = new TextEncoder();

/** Writes a unit into the workspace (a folder of its own, so the other suites' files are not affected) and opens it. */
async function pasted(name: string, text: string, companions: Record<string, string> = {}): Promise<vscode.TextDocument> {
  const dir = vscode.Uri.joinPath(workspaceRoot(), 'tutorial');
  for (const [file, body] of Object.entries(companions)) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, file), encoder.encode(body));
  const uri = vscode.Uri.joinPath(dir, name);
  await vscode.workspace.fs.writeFile(uri, encoder.encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

async function actionsAt(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, range);
  return all.filter((a): a is vscode.CodeAction => 'kind' in a || 'edit' in a);
}

/** The document's text after an action's edit, without applying it. */
function textAfter(doc: vscode.TextDocument, action: vscode.CodeAction): string {
  const edits = action.edit?.get(doc.uri) ?? [];
  let text = doc.getText();
  for (const e of [...edits].sort((a, b) => doc.offsetAt(b.range.start) - doc.offsetAt(a.range.start))) {
    text = text.slice(0, doc.offsetAt(e.range.start)) + e.newText + text.slice(doc.offsetAt(e.range.end));
  }
  return text;
}

const SERVICE = '[Service]\nExecStart=/usr/bin/true\n';

/** Closes this suite's editors (nothing here is edited, so nothing asks to be saved) and removes its folder. */
async function cleanUp(): Promise<void> {
  const dir = vscode.Uri.joinPath(workspaceRoot(), 'tutorial');
  const mine = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.path.startsWith(dir.path + '/'));
  await vscode.window.tabGroups.close(mine);
  await vscode.workspace.fs.delete(dir, { recursive: true, useTrash: false }).then(undefined, () => undefined);
}

describe('the tutorial units, as pasted', () => {
  after(cleanUp);

  it('SocketLinger=0 beside SocketUser=myapp: no fix makes it SocketUser=, none is preferred', async () => {
    const doc = await pasted('linger.socket', '[Socket]\nListenStream=8080\nSocketUser=myapp\nSocketLinger=0\n', { 'linger.service': SERVICE });
    const found = await diagnosticsWith(doc.uri, ['unknown-directive']);
    const unknown = found.find((d) => codeOf(d) === 'unknown-directive')!;
    assert.equal(unknown.range.start.line, 3, 'the diagnostic is on SocketLinger=');
    assert.match(unknown.message, /SO_LINGER|linger/i, `the message says what SocketLinger= was meant for: ${unknown.message}`);
    const actions = await actionsAt(doc, unknown.range);
    assert.ok(!actions.some((a) => a.isPreferred), `a preferred fix for a guess: ${actions.map((a) => a.title).join(' | ')}`);
    for (const a of actions) {
      assert.doesNotMatch(textAfter(doc, a), /^SocketUser=0$/m, `"${a.title}" turns the line into SocketUser=0`);
    }
  });

  it('SocketUser=myapp # comment is a Warning: systemd takes the whole text as a user name', async () => {
    const doc = await pasted('comment.socket', '[Socket]\nListenStream=8081\nSocketUser=myapp   # the app user\n', { 'comment.service': SERVICE });
    const found = await diagnosticsWith(doc.uri, ['relaxed-user-name']);
    const relaxed = found.find((d) => codeOf(d) === 'relaxed-user-name')!;
    assert.equal(relaxed.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(relaxed.range.start.line, 2);
  });

  it('StandardInput=socket with Accept=no: the listening socket on stdin is explained', async () => {
    const doc = await pasted('quick.service', '[Service]\nExecStart=/usr/bin/python3 /srv/app.py\nStandardInput=socket\n', {
      'quick.socket': '[Socket]\nListenStream=8082\n\n[Install]\nWantedBy=sockets.target\n',
    });
    const found = await diagnosticsWith(doc.uri, ['stdin-listening-socket']);
    const stdin = found.find((d) => codeOf(d) === 'stdin-listening-socket')!;
    assert.equal(stdin.range.start.line, positionOf(doc, 'StandardInput=').line);
    assert.ok(stdin.severity !== vscode.DiagnosticSeverity.Error, 'systemd loads this unit: never an Error');
    await waitFor(() => ours(doc.uri).every((d) => d.severity !== vscode.DiagnosticSeverity.Error), 5_000, 'no Error on a unit systemd loads');
  });
});
