/**
 * The graph panel's drawing (client/src/graph/layout.ts): columns by direction, every node and edge in the
 * markup with its kind's class and label, names escaped, and the tooltip of a missing unit naming the folders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignLayers, edgeLabel, layout, nodeTooltip, renderLegend, renderSvg, type DependencyGraph } from '../client/src/graph/layout';

const graph: DependencyGraph = {
  root: '/p/web.service',
  depth: 2,
  nodes: [
    { id: '/p/web.service', name: 'web.service', type: 'service', found: 'workspace', uri: 'file:///p/web.service', distance: 0 },
    { id: '/p/web.socket', name: 'web.socket', type: 'socket', found: 'workspace', uri: 'file:///p/web.socket', distance: 1 },
    { id: '/usr/lib/systemd/system/multi-user.target', name: 'multi-user.target', type: 'target', found: 'installed', uri: 'file:///usr/lib/systemd/system/multi-user.target', distance: 1 },
    { id: 'missing:db<x>.service', name: 'db<x>.service', type: 'service', found: 'missing', lookIn: ['/p', '/etc/systemd/system'], distance: 1 },
    { id: '/p/top.target', name: 'top.target', type: 'target', found: 'workspace', uri: 'file:///p/top.target', distance: 2 },
  ],
  edges: [
    { from: '/p/web.socket', to: '/p/web.service', kind: 'triggers', implicit: true },
    { from: '/p/web.service', to: '/p/web.socket', kind: 'requires' },
    { from: '/p/web.service', to: '/p/web.socket', kind: 'after' },
    { from: '/p/web.service', to: '/usr/lib/systemd/system/multi-user.target', kind: 'wanted-by' },
    { from: '/p/web.service', to: 'missing:db<x>.service', kind: 'wants' },
    { from: '/p/top.target', to: '/p/web.socket', kind: 'wants' },
  ],
};

test('layout: the root in the middle column, names to its right, units naming it to its left', () => {
  const layers = assignLayers(graph);
  assert.equal(layers.get('/p/web.service'), 0);
  assert.equal(layers.get('/usr/lib/systemd/system/multi-user.target'), 1);
  assert.equal(layers.get('missing:db<x>.service'), 1);
  // web.socket is named by the root (first edge seen that reaches it decides): one side, never both.
  assert.ok([1, -1].includes(layers.get('/p/web.socket')!));
  const placed = layout(graph);
  const x = (id: string) => placed.nodes.find((n) => n.node.id === id)!.x;
  assert.ok(x('/usr/lib/systemd/system/multi-user.target') > x('/p/web.service'));
  // No two nodes overlap.
  for (const a of placed.nodes) {
    for (const b of placed.nodes) {
      if (a === b) continue;
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      assert.ok(apart, `${a.node.name} overlaps ${b.node.name}`);
    }
  }
  for (const n of placed.nodes) assert.ok(n.x >= 0 && n.y >= 0 && n.x + n.width <= placed.width && n.y + n.height <= placed.height, `${n.node.name} outside`);
  // Two edges between the same pair get labels of their own.
  const pair = placed.edges.filter((e) => e.edge.to === '/p/web.socket' && e.edge.from === '/p/web.service');
  assert.equal(pair.length, 2);
  assert.notEqual(pair[0].labelY, pair[1].labelY);
  // No two labels cover each other.
  const box = (e: (typeof placed.edges)[number]) => ({ x: e.labelX, y: e.labelY, w: edgeLabel(e.edge).length * 6.2 + 8 });
  for (const a of placed.edges) {
    for (const b of placed.edges) {
      if (a === b) continue;
      const [p, q] = [box(a), box(b)];
      assert.ok(Math.abs(p.x - q.x) >= (p.w + q.w) / 2 || Math.abs(p.y - q.y) >= 15, `labels ${edgeLabel(a.edge)} and ${edgeLabel(b.edge)} overlap`);
    }
  }
});

test('svg: every node and edge drawn, classes by kind and found, text escaped, legend marks the kinds used', () => {
  const svg = renderSvg(graph);
  assert.equal((svg.match(/data-node="/g) ?? []).length, graph.nodes.length);
  assert.equal((svg.match(/class="edge /g) ?? []).length, graph.edges.length);
  assert.match(svg, /class="edge g-trigger implicit" data-kind="triggers"/);
  assert.match(svg, /class="edge g-strong" data-kind="requires"/);
  assert.match(svg, /class="edge g-install" data-kind="wanted-by"/);
  assert.match(svg, />Requires=</);
  assert.match(svg, />triggers \(by name\)</);
  assert.match(svg, /class="node found-missing" data-node="missing:db&lt;x&gt;.service"/);
  assert.match(svg, /class="node found-workspace root"/);
  assert.ok(!svg.includes('db<x>'), 'an unescaped name');
  assert.ok(!/style="/.test(svg), 'inline styles would be refused by the CSP');
  const legend = renderLegend(graph);
  assert.match(legend, /class="kind used"[^>]*>Requires=/);
  assert.match(legend, /class="kind"[^>]*>Requisite=/);
  assert.equal(nodeTooltip(graph.nodes[3]), 'db<x>.service: not found\nsystemd would look in:\n/p\n/etc/systemd/system');
  assert.match(nodeTooltip(graph.nodes[0]), /^web.service\n\/p\/web.service\n/);
});
