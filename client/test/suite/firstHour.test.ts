/**
 * What a new user met in the first hour (issue 12), checked in the editor: the quick fix on several
 * FileDescriptorName= applied leaves no problem hidden, value lists open when "=" is typed, and a .socket
 * file is offered only socket skeletons, once each, with its own name. The files are written into the
 * workspace copy here and removed afterwards, so other suites see the fixtures unchanged.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, diagnosticsWith, fixture, ours, revertAll, waitFor } from './helpers';

const created: vscode.Uri[] = [];

async function write(relative: string, text: string): Promise<vscode.TextDocument> {
  const uri = fixture(relative);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  created.push(uri);
  return vscode.workspace.openTextDocument(uri);
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

async function completions(uri: vscode.Uri, at: vscode.Position, trigger?: string): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at, trigger);
  // Word-based suggestions (kind Text) come from the editor, not from the extension.
  return list.items.filter((i) => i.kind !== vscode.CompletionItemKind.Text);
}

describe('first hour (issue 12)', () => {
  after(async () => {
    await revertAll();
    for (const uri of created) await vscode.workspace.fs.delete(uri, { useTrash: false }).then(undefined, () => undefined);
  });

  it('fdname-per-socket: the quick-fix menu has no "remove" that hides it; the split applied leaves one name per socket unit', async () => {
    await write('multi.service', '[Service]\nExecStart=/usr/bin/multi\n');
    const doc = await write(
      'multi.socket',
      '[Socket]\nListenStream=8080\nFileDescriptorName=http\nListenStream=8443\nFileDescriptorName=https\nListenStream=9000\nFileDescriptorName=control\n',
    );
    await vscode.window.showTextDocument(doc, { preview: false });
    const found = (await diagnosticsWith(doc.uri, ['fdname-per-socket'])).filter((d) => codeOf(d) === 'fdname-per-socket');
    assert.equal(found.length, 2);
    let split: vscode.CodeAction | undefined;
    for (const d of found) {
      const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, d.range);
      const titles = actions.map((a) => a.title);
      assert.ok(!titles.some((t) => /remove/i.test(t)), `a removal is offered: ${titles.join(' | ')}`);
      split ??= actions.find((a): a is vscode.CodeAction => 'edit' in a && /^Split into one \.socket unit per name/.test(a.title));
    }
    assert.ok(split?.edit, 'the split is offered');
    assert.equal(await vscode.workspace.applyEdit(split.edit), true);
    created.push(fixture('multi-https.socket'), fixture('multi-control.socket'));
    await waitFor(() => !ours(doc.uri).some((d) => codeOf(d) === 'fdname-per-socket'), 15_000, 'fdname-per-socket to disappear');
    // Each socket unit now names its own sockets: three units, three different names, one each.
    const names: string[] = [];
    for (const file of ['multi.socket', 'multi-https.socket', 'multi-control.socket']) {
      const text = (await vscode.workspace.openTextDocument(fixture(file))).getText();
      const own = [...text.matchAll(/^FileDescriptorName=(.*)$/gm)].map((m) => m[1]);
      assert.equal(own.length, 1, `${file}:\n${text}`);
      names.push(own[0]);
    }
    assert.deepEqual(names.sort(), ['control', 'http', 'https']);
    const service = (await vscode.workspace.openTextDocument(fixture('multi.service'))).getText();
    assert.match(service, /^Sockets=.*multi-https\.socket/m);
  });

  it('typing "=" after a key opens its value list; "=" in a comment or a header offers nothing', async () => {
    const doc = await write('typing.socket', '[Socket]\nListenStream=8080\n\nBindIPv6Only=\n# note=\n[Soc=\n');
    const values = await waitFor(async () => {
      const items = await completions(doc.uri, new vscode.Position(3, 'BindIPv6Only='.length), '=');
      return items.length ? items : undefined;
    }, 15_000, 'values after BindIPv6Only=');
    const labels = values.map(labelOf);
    assert.deepEqual(labels.filter((l) => ['default', 'both', 'ipv6-only', 'yes', 'no'].includes(l)).sort(), ['both', 'default', 'ipv6-only', 'no', 'yes']);
    const yes = values.find((i) => labelOf(i) === 'yes');
    assert.equal(yes?.detail, 'boolean: same as ipv6-only');
    assert.deepEqual((await completions(doc.uri, new vscode.Position(4, '# note='.length), '=')).map(labelOf), []);
    assert.deepEqual((await completions(doc.uri, new vscode.Position(5, '[Soc='.length), '=')).map(labelOf), []);
    // A directive name accepted from the list brings its "=": the item reopens the list for the values.
    const keys = await completions(doc.uri, new vscode.Position(2, 0));
    const accept = keys.find((i) => labelOf(i) === 'Accept');
    assert.equal(accept?.command?.command, 'editor.action.triggerSuggest');
  });

  it('a .socket file is offered socket skeletons only, once each, with its own name', async () => {
    const doc = await write('newapp.socket', '');
    const items = await waitFor(async () => {
      const found = (await completions(doc.uri, new vscode.Position(0, 0))).filter((i) => labelOf(i).startsWith('sd-'));
      return found.length ? found : undefined;
    }, 15_000, 'skeletons in an empty .socket');
    const labels = items.map(labelOf);
    assert.equal(new Set(labels).size, labels.length, `duplicates: ${labels.join(', ')}`);
    // One entry per skeleton: no two labels (aliases) for the same text.
    const bodies = items.map((i) => (i.insertText instanceof vscode.SnippetString ? i.insertText.value : String(i.insertText)));
    assert.equal(new Set(bodies).size, bodies.length, `the same skeleton under two names: ${labels.join(', ')}`);
    assert.deepEqual(labels.filter((l) => /service|sandbox/.test(l)), [], `service skeletons in a .socket: ${labels.join(', ')}`);
    const socket = items.find((i) => labelOf(i) === 'sd-socket');
    assert.ok(socket, labels.join(', '));
    const text = socket.insertText instanceof vscode.SnippetString ? socket.insertText.value : String(socket.insertText);
    assert.match(text, /newapp/);
    assert.doesNotMatch(text, /myapp/);
  });
});
