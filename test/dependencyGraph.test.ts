/**
 * The dependency graph over real files: a project folder and an "installed" folder standing for the unit
 * search path (SOCKACT_UNIT_PATH), read through the same workspace index and file set the server uses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { WorkspaceIndex } from '../server/src/node/workspaceIndex';
import { WorkspaceUnitFiles } from '../server/src/lsp/unitFiles';
import { createLanguageService, type DependencyGraph } from '../server/src/service/languageService';

const ls = createLanguageService();
const SERVICE = '[Service]\nExecStart=/usr/bin/true\n';

function tree(files: Record<string, string>): { root: string; proj: string; installed: string; done(): void } {
  const root = mkdtempSync(join(tmpdir(), 'sockact-graph-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  mkdirSync(join(root, 'installed'), { recursive: true });
  const before = process.env.SOCKACT_UNIT_PATH;
  process.env.SOCKACT_UNIT_PATH = join(root, 'installed');
  return {
    root,
    proj: join(root, 'proj'),
    installed: join(root, 'installed'),
    done() {
      if (before === undefined) delete process.env.SOCKACT_UNIT_PATH;
      else process.env.SOCKACT_UNIT_PATH = before;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The graph of `path` with the project folder as the workspace (nothing open in an editor). */
function graphOf(folder: string, path: string, depth?: number, text?: string): DependencyGraph {
  const index = new WorkspaceIndex([folder]);
  const files = new WorkspaceUnitFiles(index, { all: () => [], unitOf: (d) => ls.parse(d) }, (p) => pathToFileURL(p).href);
  const uri = pathToFileURL(path).href;
  const document = TextDocument.create(uri, 'systemd-unit-file', 1, text ?? files.get(uri)!.document.getText());
  const graph = ls.dependencyGraph(document, ls.parse(document), files, depth);
  assert.ok(graph, `no graph for ${path}`);
  return graph;
}

/** "from -kind-> to" by node names, sorted; implicit triggers marked with "*". */
function edges(graph: DependencyGraph): string[] {
  const name = (id: string) => graph.nodes.find((n) => n.id === id)!.name;
  return graph.edges.map((e) => `${name(e.from)} -${e.kind}${e.implicit ? '*' : ''}-> ${name(e.to)}`).sort();
}

function node(graph: DependencyGraph, name: string) {
  const found = graph.nodes.find((n) => n.name === name);
  assert.ok(found, `no node ${name}: ${graph.nodes.map((n) => n.name).join(', ')}`);
  return found;
}

test('graph: every [Unit] and [Install] kind of a service, its drop-in, workspace / installed / missing nodes', () => {
  const t = tree({
    'proj/web.service':
      '[Unit]\nRequires=db.service\nRequisite=req.service\nWants=cache.service\nBindsTo=db.service\nPartOf=app.target\n' +
      'Upholds=helper.service\nAfter=network.target db.service\nBefore=late.service\n' +
      SERVICE +
      '[Install]\nWantedBy=multi-user.target\nRequiredBy=app.target\nUpheldBy=app.target\nAlso=web.socket\n',
    'proj/web.service.d/10-more.conf': '[Unit]\nWants=extra.service\n',
    'proj/db.service': SERVICE,
    'proj/app.target': '[Unit]\nDescription=app\n',
    'proj/web.socket': '[Socket]\nListenStream=80\n',
    'installed/multi-user.target': '[Unit]\nDescription=multi\n',
    'installed/network.target': '[Unit]\nDescription=net\n',
  });
  try {
    const graph = graphOf(t.proj, join(t.proj, 'web.service'));
    assert.deepEqual(edges(graph), [
      'web.service -after-> db.service',
      'web.service -after-> network.target',
      'web.service -also-> web.socket',
      'web.service -before-> late.service',
      'web.service -binds-to-> db.service',
      'web.service -part-of-> app.target',
      'web.service -required-by-> app.target',
      'web.service -requires-> db.service',
      'web.service -requisite-> req.service',
      'web.service -upheld-by-> app.target',
      'web.service -upholds-> helper.service',
      'web.service -wanted-by-> multi-user.target',
      'web.service -wants-> cache.service',
      'web.service -wants-> extra.service',
      // Reverse: the socket starts it by name.
      'web.socket -triggers*-> web.service',
    ]);
    assert.equal(graph.depth, 1);
    assert.equal(graph.root, node(graph, 'web.service').id);
    assert.equal(node(graph, 'web.service').distance, 0);
    assert.equal(node(graph, 'db.service').found, 'workspace');
    assert.equal(node(graph, 'db.service').uri, pathToFileURL(join(t.proj, 'db.service')).href);
    assert.equal(node(graph, 'multi-user.target').found, 'installed');
    assert.equal(node(graph, 'multi-user.target').uri, pathToFileURL(join(t.installed, 'multi-user.target')).href);
    const missing = node(graph, 'cache.service');
    assert.equal(missing.found, 'missing');
    assert.equal(missing.uri, undefined);
    assert.equal(missing.type, 'service');
    // Where systemd would look: the unit's own folder first, then the search path.
    assert.deepEqual(missing.lookIn, [t.proj, t.installed]);
  } finally {
    t.done();
  }
});

test('graph: socket → service by name, Service=, Accept=yes → the template; timers and paths by name and Unit=', () => {
  const t = tree({
    'proj/web.socket': '[Socket]\nListenStream=80\n',
    'proj/web.service': SERVICE,
    'proj/api.socket': '[Socket]\nListenStream=81\nService=backend.service\n',
    'proj/backend.service': `[Service]\nSockets=api.socket\nExecStart=/usr/bin/true\n`,
    'proj/echo.socket': '[Socket]\nListenStream=82\nAccept=yes\n',
    'proj/echo@.service': SERVICE,
    'proj/backup.timer': '[Timer]\nOnCalendar=daily\n',
    'proj/backup.service': SERVICE,
    'proj/watch.path': '[Path]\nPathChanged=/tmp/x\nUnit=sync.service\n',
  });
  try {
    assert.deepEqual(edges(graphOf(t.proj, join(t.proj, 'web.socket'))), ['web.socket -triggers*-> web.service']);
    assert.deepEqual(edges(graphOf(t.proj, join(t.proj, 'api.socket'))), [
      'api.socket -triggers-> backend.service',
      'backend.service -sockets-> api.socket',
    ]);
    const echo = graphOf(t.proj, join(t.proj, 'echo.socket'));
    assert.deepEqual(edges(echo), ['echo.socket -triggers*-> echo@.service']);
    assert.equal(node(echo, 'echo@.service').found, 'workspace');
    assert.deepEqual(edges(graphOf(t.proj, join(t.proj, 'backup.timer'))), ['backup.timer -triggers*-> backup.service']);
    const path = graphOf(t.proj, join(t.proj, 'watch.path'));
    assert.deepEqual(edges(path), ['watch.path -triggers-> sync.service']);
    assert.equal(node(path, 'sync.service').found, 'missing');
    // From the service's side: who starts it (the reverse edges of the same kinds).
    assert.deepEqual(edges(graphOf(t.proj, join(t.proj, 'backup.service'))), ['backup.timer -triggers*-> backup.service']);
    assert.deepEqual(edges(graphOf(t.proj, join(t.proj, 'echo@.service'))), ['echo.socket -triggers*-> echo@.service']);
  } finally {
    t.done();
  }
});

test('graph: reverse edges from the workspace, instances sharing their template node, depth 2', () => {
  const t = tree({
    'proj/db.service': `[Unit]\nWants=log.service\n${SERVICE}`,
    'proj/log.service': SERVICE,
    'proj/app.service': `[Unit]\nRequires=db.service worker@one.service worker@two.service\n${SERVICE}`,
    'proj/cron.service': `[Unit]\nWants=db.service\nAfter=db.service\n${SERVICE}`,
    'proj/top.target': '[Unit]\nWants=app.service\n',
    'proj/worker@.service': SERVICE,
    'proj/unrelated.service': `[Unit]\nWants=log.service\n${SERVICE}`,
  });
  try {
    const one = graphOf(t.proj, join(t.proj, 'db.service'));
    assert.deepEqual(edges(one), [
      'app.service -requires-> db.service',
      'cron.service -after-> db.service',
      'cron.service -wants-> db.service',
      'db.service -wants-> log.service',
    ]);
    const two = graphOf(t.proj, join(t.proj, 'db.service'), 2);
    assert.equal(two.depth, 2);
    assert.deepEqual(edges(two), [
      'app.service -requires-> db.service',
      'app.service -requires-> worker@.service',
      'cron.service -after-> db.service',
      'cron.service -wants-> db.service',
      'db.service -wants-> log.service',
      'top.target -wants-> app.service',
      'unrelated.service -wants-> log.service',
    ]);
    assert.equal(node(two, 'top.target').distance, 2);
    assert.equal(node(two, 'app.service').distance, 1);
    // Both instances load the template's file: one node, the instances listed.
    const worker = node(two, 'worker@.service');
    assert.deepEqual(worker.instances, ['worker@one.service', 'worker@two.service']);
    assert.equal(two.nodes.filter((n) => n.name.startsWith('worker@')).length, 1);
    // Depth is clamped: 5 is 2.
    assert.equal(graphOf(t.proj, join(t.proj, 'db.service'), 5).depth, 2);
  } finally {
    t.done();
  }
});

test('graph: an instance whose template is missing is a missing node; the editor text wins over the disk', () => {
  const t = tree({
    'proj/app.service': `[Unit]\nRequires=gone@x.service\n${SERVICE}`,
  });
  try {
    const graph = graphOf(t.proj, join(t.proj, 'app.service'));
    assert.deepEqual(edges(graph), ['app.service -requires-> gone@x.service']);
    assert.equal(node(graph, 'gone@x.service').found, 'missing');
    // Unsaved text: the graph follows the document, not the file.
    const edited = graphOf(t.proj, join(t.proj, 'app.service'), 1, `[Unit]\nWants=other.service\n${SERVICE}`);
    assert.deepEqual(edges(edited), ['app.service -wants-> other.service']);
  } finally {
    t.done();
  }
});

test('graph: a drop-in shows the unit it extends; a file that is no unit has no graph', () => {
  const t = tree({
    'proj/web.service': `[Unit]\nWants=a.service\n${SERVICE}`,
    'proj/web.service.d/override.conf': '[Unit]\nWants=b.service\n',
    'proj/a.service': SERVICE,
  });
  try {
    const graph = graphOf(t.proj, join(t.proj, 'web.service.d/override.conf'));
    assert.equal(node(graph, 'web.service').id, graph.root);
    assert.deepEqual(edges(graph), ['web.service -wants-> a.service', 'web.service -wants-> b.service']);
    const notes = TextDocument.create(pathToFileURL(join(t.proj, 'notes.txt')).href, 'plaintext', 1, 'x');
    const index = new WorkspaceIndex([t.proj]);
    assert.equal(ls.dependencyGraph(notes, ls.parse(notes), new WorkspaceUnitFiles(index, { all: () => [], unitOf: (d) => ls.parse(d) }, (p) => pathToFileURL(p).href)), undefined);
  } finally {
    t.done();
  }
});

test('graph over LSP: sockact/dependencyGraph follows the open document; bad depth is InvalidParams', async () => {
  const { startLspServer } = await import('./helpers/lspServer');
  const t = tree({
    'proj/web.socket': '[Socket]\nListenStream=80\n',
    'proj/web.service': `[Unit]\nRequires=web.socket\n${SERVICE}`,
  });
  const server = await startLspServer({}, { rootUri: pathToFileURL(t.proj).href });
  try {
    const uri = pathToFileURL(join(t.proj, 'web.service')).href;
    await server.open(uri, `[Unit]\nRequires=web.socket\nWants=db.service\n${SERVICE}`);
    const graph = (await server.connection.sendRequest('sockact/dependencyGraph', { textDocument: { uri } })) as DependencyGraph;
    assert.deepEqual(edges(graph), ['web.service -requires-> web.socket', 'web.service -wants-> db.service', 'web.socket -triggers*-> web.service']);
    assert.equal(node(graph, 'web.socket').found, 'workspace');
    assert.equal(node(graph, 'db.service').found, 'missing');
    await server.change(uri, `[Unit]\nAfter=web.socket\n${SERVICE}`, 2);
    const changed = (await server.connection.sendRequest('sockact/dependencyGraph', { textDocument: { uri }, depth: 2 })) as DependencyGraph;
    assert.deepEqual(edges(changed), ['web.service -after-> web.socket', 'web.socket -triggers*-> web.service']);
    assert.equal(changed.depth, 2);
    await assert.rejects(server.connection.sendRequest('sockact/dependencyGraph', { textDocument: { uri }, depth: 'deep' }), (e: { code?: number; message?: string }) => e.code === -32602 && /depth/.test(e.message ?? ''));
    await assert.rejects(server.connection.sendRequest('sockact/dependencyGraph', {}), (e: { code?: number }) => e.code === -32602);
    // A document the server does not have open: null.
    assert.equal(await server.connection.sendRequest('sockact/dependencyGraph', { textDocument: { uri: pathToFileURL(join(t.proj, 'web.socket')).href } }), null);
  } finally {
    await server.stop();
    t.done();
  }
});
