import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { open, positionOf, waitFor } from './helpers';

function targetOf(l: vscode.Location | vscode.LocationLink): vscode.Uri {
  return 'targetUri' in l ? l.targetUri : l.uri;
}

describe('navigation', () => {
  it('go to definition on Service=web.service opens web.service', async () => {
    const doc = await open('web.socket');
    const at = positionOf(doc, 'Service=web.service', 'Service=we'.length);
    const found = await waitFor(async () => {
      const l = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, at);
      return l.length ? l : undefined;
    }, 15_000, 'a definition for web.service');
    assert.deepEqual(found.map((l) => targetOf(l).path.split('/').pop()), ['web.service']);
    const link = found[0];
    // The link covers the whole name, not just the word VS Code would pick ("web" or "service").
    if ('originSelectionRange' in link && link.originSelectionRange) assert.equal(doc.getText(link.originSelectionRange), 'web.service');
  });

  it('references of web.socket list Requires= and After= in web.service', async () => {
    const doc = await open('web.socket');
    const found = await waitFor(async () => {
      const l = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, new vscode.Position(3, 0));
      return l.length >= 2 ? l : undefined;
    }, 15_000, 'references of web.socket');
    const names = found.map((l) => `${l.uri.path.split('/').pop()}:${l.range.start.line}`).sort();
    assert.ok(names.includes('web.service:3') && names.includes('web.service:4'), names.join(', '));
  });

  it('rename on a unit name renames the file (the references come through willRenameFiles)', async () => {
    const doc = await open('web.service');
    const at = positionOf(doc, 'Requires=web.socket', 'Requires=w'.length);
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, at, 'site.socket');
    // Not applied here: applying a file rename asks the user (a dialog) before the server's edits.
    const entries = edit.entries();
    assert.equal(entries.length, 0, `text edits in the rename itself: ${entries.map(([u]) => u.path).join(', ')}`);
    // The API shows no file operations of a WorkspaceEdit (size and entries() count text edits only);
    // the extension host's own list does.
    const all = (edit as unknown as { _allEntries?(): { from?: vscode.Uri; to?: vscode.Uri }[] })._allEntries?.() ?? [];
    assert.deepEqual(all.map((e) => [e.from?.path.split('/').pop(), e.to?.path.split('/').pop()]), [['web.socket', 'site.socket']]);
  });

  it('"Add sandboxing" is offered in [Service] of a service', async () => {
    const doc = await open('complete.service');
    const actions = await waitFor(async () => {
      const a = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, 0, 0), vscode.CodeActionKind.Refactor.value);
      return a.some((x) => x.title === 'Add sandboxing') ? a : undefined;
    }, 15_000, 'the Add sandboxing action');
    const action = actions.find((a) => a.title === 'Add sandboxing')!;
    assert.equal(action.kind?.value, vscode.CodeActionKind.RefactorRewrite.value);
  });
});
