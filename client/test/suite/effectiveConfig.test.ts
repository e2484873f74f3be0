/**
 * "Show Effective Configuration" on layered.service (fixture) and its drop-in layered.service.d/10-override.conf,
 * which empties ExecStart=, sets it again and overrides Restart=: the code lens, the read-only merged
 * document (its text, its links, no diagnostics of its own) and the hover that names the override.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { open, ours, positionOf, waitFor, revertAll } from './helpers';

const COMMAND = 'sockact.showEffectiveConfiguration';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

describe('effective configuration', () => {
  let virtual: vscode.TextDocument;

  before(async function () {
    this.timeout(40_000);
    const doc = await open('layered.service', true);
    // The lens appears once the server knows the drop-in; its command is the one under test.
    const lens = await waitFor(
      async () => ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? []).find((l) => l.command?.command === COMMAND),
      20_000,
      'the effective configuration lens on layered.service',
    );
    assert.equal(lens.command?.title, 'Effective configuration (1 drop-in)');
    assert.equal(lens.range.start.line, 0);
    const uri = await vscode.commands.executeCommand<string | undefined>(COMMAND, ...(lens.command?.arguments ?? []));
    assert.ok(uri, 'the command returns the document it opened');
    virtual = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  });

  after(async () => {
    await revertAll();
  });

  it('the merged document: what takes effect is plain, the rest commented out with where it comes from', () => {
    assert.equal(virtual.uri.scheme, 'sockact-effective');
    assert.equal(virtual.languageId, 'systemd-unit-file');
    const lines = virtual.getText().split('\n');
    const plain = lines.filter((l) => l !== '' && !l.startsWith('#'));
    assert.deepEqual(plain, ['[Unit]', 'Description=A service with a drop-in (the effective configuration test)', '[Service]', 'ExecStart=/usr/bin/layered --new', 'Restart=always']);
    const old = lines.indexOf('#ExecStart=/usr/bin/layered --old');
    assert.ok(old > 0, virtual.getText());
    assert.match(lines[old - 1], /^# \/.*\/layered\.service:5 · dropped by the empty ExecStart= at \/.*\/layered\.service\.d\/10-override\.conf:2$/);
    assert.ok(lines.includes('#Restart=no'), virtual.getText());
  });

  it('every origin is a link to its file and line', async () => {
    const links = await waitFor(async () => {
      const found = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', virtual.uri);
      return found?.length ? found : undefined;
    }, 10_000, 'links in the merged document');
    const line = virtual.getText().split('\n').indexOf('ExecStart=/usr/bin/layered --new') - 1;
    const link = links.find((l) => l.range.start.line === line);
    assert.ok(link?.target, `a link on line ${line}: ${virtual.lineAt(line).text}`);
    assert.equal(link.target.scheme, 'file');
    assert.match(link.target.path, /\/layered\.service\.d\/10-override\.conf$/);
    assert.equal(link.target.fragment, 'L3');
    assert.equal(virtual.getText(link.range).replace(/^.*\//, ''), '10-override.conf:3');
  });

  it('the language server never sees the merged document: no diagnostics, and it answers nothing for it', async () => {
    // A request on the real file has been answered, so the server had every chance to see the virtual one.
    const doc = await open('layered.service');
    const real = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'Restart=no', 1));
    assert.match(hoverText(real), /\*\*Restart=\*\*/);
    assert.deepEqual(ours(virtual.uri), []);
    // The same key in the merged document gets no hover: the client's middleware kept the document from the server.
    const there = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', virtual.uri, positionOf(virtual, '\nRestart=always', 2));
    assert.equal(hoverText(there), '');
  });

  it('hover on Restart= in the unit names the drop-in line that overrides it, as a link', async () => {
    const doc = await open('layered.service');
    const text = await waitFor(async () => {
      const h = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'Restart=no', 1)));
      return h.includes('Overridden by') ? h : undefined;
    }, 15_000, 'the override note in the hover');
    assert.match(text, /Overridden by \[\/.*\/layered\.service\.d\/10-override\.conf:4\]\(file:\/\/.*10-override\.conf#L4\) \(`Restart=always`\)/);
  });
});
