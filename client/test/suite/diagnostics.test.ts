import * as assert from 'node:assert/strict';
import { codeOf, diagnosticsWith, open, ours, waitFor } from './helpers';
import * as vscode from 'vscode';

describe('diagnostics', () => {
  it('broken.socket: inline comment, bad Accept= value, and therefore no usable Listen', async () => {
    const doc = await open('broken.socket');
    const found = await diagnosticsWith(doc.uri, ['inline-comment', 'invalid-value', 'no-listen']);
    const inline = found.find((d) => codeOf(d) === 'inline-comment')!;
    assert.equal(inline.range.start.line, 2);
    assert.equal(doc.getText(inline.range).trim().startsWith('#'), true, `range covers ${JSON.stringify(doc.getText(inline.range))}`);
    assert.equal(inline.severity, vscode.DiagnosticSeverity.Warning);
    const invalid = found.find((d) => codeOf(d) === 'invalid-value')!;
    assert.equal(invalid.range.start.line, 3);
    assert.match(invalid.message, /Accept=maybe/);
    assert.equal(found.find((d) => codeOf(d) === 'no-listen')!.severity, vscode.DiagnosticSeverity.Error);
  });

  it('echo.socket: Accept=yes without echo@.service is missing-service', async () => {
    const doc = await open('echo.socket');
    const found = await diagnosticsWith(doc.uri, ['missing-service']);
    assert.match(found.find((d) => codeOf(d) === 'missing-service')!.message, /echo@\.service/);
  });

  it('web.socket and web.service: a correct pair has no diagnostics', async () => {
    for (const name of ['web.socket', 'web.service']) {
      // An empty list is indistinguishable from "not analysed yet", so first make the server publish something
      // for this very document (a typo), then undo it: the list it publishes for the file as it is must be empty.
      const doc = await open(name, true);
      const editor = vscode.window.activeTextEditor!;
      assert.equal(editor.document.uri.toString(), doc.uri.toString());
      await editor.edit((b) => b.insert(doc.lineAt(doc.lineCount - 1).range.end, '\nBogusKey=1'));
      await diagnosticsWith(doc.uri, ['unknown-directive']);
      await vscode.commands.executeCommand('undo');
      await waitFor(() => ours(doc.uri).length === 0, 15_000, () => `${name} to have no diagnostics (has: ${ours(doc.uri).map((d) => `${codeOf(d)}: ${d.message}`).join('; ')})`);
      assert.equal(doc.isDirty, false);
    }
  });

  it('diagnostics follow typing: a new typo gets unknown-directive, undoing it clears it', async () => {
    const doc = await open('web.socket', true);
    const editor = vscode.window.activeTextEditor!;
    const end = positionOfLine(doc, 'ListenStream=8080');
    await editor.edit((b) => b.insert(end, '\nListenStrem=8081'));
    const found = await diagnosticsWith(doc.uri, ['unknown-directive']);
    assert.match(found.find((d) => codeOf(d) === 'unknown-directive')!.message, /ListenStream/);
    await vscode.commands.executeCommand('undo');
    await waitFor(() => !ours(doc.uri).some((d) => codeOf(d) === 'unknown-directive'), 15_000, 'unknown-directive to go away');
    assert.equal(doc.isDirty, false);
  });
});

function positionOfLine(doc: vscode.TextDocument, text: string): vscode.Position {
  const line = doc.getText().split('\n').findIndex((l) => l.startsWith(text));
  assert.ok(line >= 0);
  return doc.lineAt(line).range.end;
}
