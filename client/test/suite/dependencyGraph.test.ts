/**
 * "Show Dependency Graph" on graph/shop.service of the fixtures: the panel opens and its webview draws the
 * model the server sent (the state hook says how many nodes the page's script inserted), the edges of each
 * kind in the fixture are there, an edit and a change of the active editor redraw it, and a click on a node
 * (the same handler the webview's message runs) opens the unit file. Read-only: it runs in the untrusted
 * session too.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture, open, waitFor, revertAll } from './helpers';

interface Node {
  id: string;
  name: string;
  found: string;
  uri?: string;
  lookIn?: string[];
}
interface State {
  open: boolean;
  uri?: string;
  model?: { root: string; nodes: Node[]; edges: { from: string; to: string; kind: string; implicit?: boolean }[] } | null;
  drawnNodes?: number;
  selected?: string;
  renders: number;
}

async function state(): Promise<State> {
  return JSON.parse(await vscode.commands.executeCommand<string>('sockact.dependencyGraphState')) as State;
}

function edges(s: State): string[] {
  const name = (id: string) => s.model!.nodes.find((n) => n.id === id)?.name ?? id;
  return s.model!.edges.map((e) => `${name(e.from)} -${e.kind}${e.implicit ? '*' : ''}-> ${name(e.to)}`).sort();
}

/** The state once the webview drew a model whose root is `name` and `ok` accepts it. */
function drawn(name: string, ok: (s: State) => boolean = () => true): Promise<State> {
  let last: State | undefined;
  return waitFor(
    async () => {
      last = await state();
      const root = last.model?.nodes.find((n) => n.id === last!.model!.root);
      return last.open && root?.name === name && last.drawnNodes === last.model!.nodes.length && ok(last) ? last : undefined;
    },
    20_000,
    () => `the graph of ${name} drawn; last state: ${JSON.stringify(last)}`,
  );
}

describe('dependency graph', () => {
  // One editor group to start from: an editor opened into the panel's group would hide the panel.
  before(async () => {
    await vscode.commands.executeCommand('sockact.dependencyGraphClose');
    await revertAll();
  });

  after(async () => {
    await vscode.commands.executeCommand('sockact.dependencyGraphClose');
    await revertAll();
  });

  it('Show Dependency Graph on shop.service draws its edges, the socket that starts it and the unit that wants it', async () => {
    const doc = await open('graph/shop.service', true);
    await vscode.commands.executeCommand('sockact.showDependencyGraph');
    const s = await drawn('shop.service');
    const all = edges(s);
    for (const e of [
      'shop.service -requires-> shop.socket',
      'shop.service -after-> shop.socket',
      'shop.service -after-> network.target',
      'shop.service -wants-> cache.service',
      'shop.service -also-> shop.socket',
      'shop.socket -triggers*-> shop.service',
      'admin.service -wants-> shop.service',
      'admin.service -after-> shop.service',
    ]) {
      assert.ok(all.includes(e), `${e} missing from:\n${all.join('\n')}`);
    }
    const socket = s.model!.nodes.find((n) => n.name === 'shop.socket')!;
    assert.equal(socket.found, 'workspace');
    assert.equal(vscode.Uri.parse(socket.uri!).fsPath, fixture('graph/shop.socket').fsPath);
    const cache = s.model!.nodes.find((n) => n.name === 'cache.service')!;
    assert.equal(cache.found, 'missing');
    assert.ok(cache.lookIn?.includes(fixture('graph').fsPath), `lookIn: ${cache.lookIn}`);
    assert.equal(s.uri, doc.uri.toString());
  });

  it('an edit of the unit redraws the graph; undoing it removes the edge again', async () => {
    const doc = await open('graph/shop.service', true);
    const before = await drawn('shop.service');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(1, 0), 'BindsTo=extra.service\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = await drawn('shop.service', (s) => s.renders > before.renders && edges(s).includes('shop.service -binds-to-> extra.service'));
    assert.equal(after.model!.nodes.find((n) => n.name === 'extra.service')?.found, 'missing');
    const undo = new vscode.WorkspaceEdit();
    undo.delete(doc.uri, new vscode.Range(1, 0, 2, 0));
    assert.ok(await vscode.workspace.applyEdit(undo));
    await drawn('shop.service', (s) => !edges(s).some((e) => e.includes('extra.service')));
    await doc.save();
  });

  it('follows the active editor, and a click on a node opens its unit file; a missing one shows where systemd looks', async () => {
    await open('graph/admin.service', true);
    const admin = await drawn('admin.service');
    assert.deepEqual(edges(admin).filter((e) => e.startsWith('admin.service')), ['admin.service -after-> shop.service', 'admin.service -wants-> shop.service']);
    const shop = admin.model!.nodes.find((n) => n.name === 'shop.service')!;
    await vscode.commands.executeCommand('sockact.dependencyGraphOpenNode', shop.id);
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.fsPath === fixture('graph/shop.service').fsPath, 10_000, 'shop.service in the active editor');
    const followed = await drawn('shop.service');
    const cache = followed.model!.nodes.find((n) => n.name === 'cache.service')!;
    await vscode.commands.executeCommand('sockact.dependencyGraphOpenNode', cache.id);
    await waitFor(async () => (await state()).selected === cache.id, 10_000, 'the missing node selected');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, fixture('graph/shop.service').fsPath, 'a missing node opens nothing');
  });
});
