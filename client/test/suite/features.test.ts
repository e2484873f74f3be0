import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, diagnosticsWith, hoverText, open, ours, positionOf, revertAll, waitFor } from './helpers';

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

async function completionLabels(uri: vscode.Uri, position: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
  return list.items.map(labelOf);
}

describe('completion', () => {
  it('offers ListenStream on a blank line in [Socket]', async () => {
    const doc = await open('complete.socket');
    const blank = new vscode.Position(2, 0);
    assert.equal(doc.lineAt(blank.line).text, '');
    const labels = await waitFor(async () => {
      const l = await completionLabels(doc.uri, blank);
      return l.some((x) => x.startsWith('ListenStream')) ? l : undefined;
    }, 15_000, 'ListenStream in the completion list');
    // Directives only a [Service] reads are not offered in [Socket] (ExecStartPre= is, so compare exactly).
    for (const serviceOnly of ['ExecStart', 'Restart', 'Type']) {
      assert.ok(!labels.includes(serviceOnly), `${serviceOnly} offered in [Socket]: ${labels.join(', ')}`);
    }
  });

  it('offers the workspace unit web.service after Service=', async () => {
    const doc = await open('complete.socket');
    const after = positionOf(doc, 'Service=', 'Service='.length);
    const labels = await waitFor(async () => {
      const l = await completionLabels(doc.uri, after);
      return l.includes('web.service') ? l : undefined;
    }, 15_000, 'web.service in the completion list');
    assert.ok(labels.every((l) => l.endsWith('.service')), `only services after Service=: ${labels.join(', ')}`);
  });
});

describe('hover', () => {
  it('ListenStream shows its documentation with the man-page link', async () => {
    const doc = await open('web.socket');
    const text = await waitFor(async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'ListenStream', 3));
      return hovers.length > 0 ? hoverText(hovers) : undefined;
    }, 15_000, 'a hover on ListenStream');
    const link = 'https://www.freedesktop.org/software/systemd/man/latest/systemd.socket.html#ListenStream=';
    assert.ok(text.includes(link), `the hover lacks the man-page link ${link}; it says:\n${text}`);
  });
});

describe('quick fix', () => {
  after(revertAll);

  it('"Move the comment to its own line" repairs the inline comment', async () => {
    const doc = await open('broken.socket', true);
    const found = await diagnosticsWith(doc.uri, ['inline-comment']);
    const inline = found.find((d) => codeOf(d) === 'inline-comment')!;
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, inline.range);
    const titles = actions.map((a) => a.title);
    const move = actions.find((a): a is vscode.CodeAction => a.title === 'Move the comment to its own line');
    assert.ok(move, `code actions offered: ${titles.join(' | ')}`);
    assert.equal(move.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.ok(move.edit, 'the quick fix carries an edit');
    assert.equal(await vscode.workspace.applyEdit(move.edit), true);
    assert.match(doc.getText(), /^# http\r?\nListenStream=8081$/m);
    await waitFor(() => !ours(doc.uri).some((d) => codeOf(d) === 'inline-comment'), 15_000, 'inline-comment to disappear');
    // The Listen line is valid now, so the unit has a usable socket again; Accept=maybe stays wrong.
    await waitFor(() => !ours(doc.uri).some((d) => codeOf(d) === 'no-listen'), 15_000, 'no-listen to disappear');
    assert.ok(ours(doc.uri).some((d) => codeOf(d) === 'invalid-value'));
  });
});

describe('outline and links', () => {
  it('the outline has [Socket] with ListenStream', async () => {
    const doc = await open('web.socket');
    const symbols = await waitFor(
      async () => {
        const s = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
        return s?.length ? s : undefined;
      },
      15_000,
      'document symbols',
    );
    const names = symbols.map((s) => s.name);
    const socket = symbols.find((s) => s.name.replace(/^\[|\]$/g, '') === 'Socket');
    assert.ok(socket, `outline: ${names.join(', ')}`);
    assert.ok(socket.children.some((c) => c.name === 'ListenStream'), `[Socket] children: ${socket.children.map((c) => c.name).join(', ')}`);
    assert.ok(names.some((n) => n.includes('Unit')) && names.some((n) => n.includes('Install')), names.join(', '));
  });

  it('Documentation= man: pages and URLs are links', async () => {
    const doc = await open('web.socket');
    const links = await waitFor(
      async () => {
        const l = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri);
        return l?.length >= 2 ? l : undefined;
      },
      15_000,
      'two document links',
    );
    const targets = links.map((l) => l.target?.toString(true) ?? '');
    assert.ok(targets.some((t) => t === 'https://www.freedesktop.org/software/systemd/man/latest/systemd.socket.html'), targets.join(', '));
    const man = links.find((l) => doc.getText(l.range) === 'man:systemd.socket(5)');
    assert.ok(man, `a link on man:systemd.socket(5); ranges: ${links.map((l) => doc.getText(l.range)).join(', ')}`);
  });
});
