/**
 * The dependency graph drawn as SVG markup, with a layered layout of its own (no library): the unit the
 * graph is about in the middle column, what it names to the right (one column per step), the units that
 * name it to the left. Within a column, nodes are ordered by the mean row of their neighbours in the
 * column next to the middle (one sweep is enough for graphs this small), so edges cross less.
 *
 * Pure (no vscode import): the panel posts the markup to its webview, and tests can read the layout.
 * Colours are classes only: the webview's stylesheet maps them to --vscode-* theme variables (the strict
 * CSP allows no inline style attributes).
 */
import type { DependencyGraph, EdgeKind, GraphEdge, GraphNode } from '../../../server/src/service/languageService';

export type { DependencyGraph, EdgeKind, GraphEdge, GraphNode };

/** How an edge kind is drawn, and what the legend says about it. */
export interface KindStyle {
  group: 'trigger' | 'strong' | 'weak' | 'order' | 'install';
  label: string;
  meaning: string;
}

export const KIND_STYLES: Readonly<Record<EdgeKind, KindStyle>> = {
  triggers: { group: 'trigger', label: 'triggers', meaning: 'starts it (Service=, Unit=, or by name)' },
  sockets: { group: 'trigger', label: 'Sockets=', meaning: 'gets the listening sockets of' },
  requires: { group: 'strong', label: 'Requires=', meaning: 'needs it started' },
  requisite: { group: 'strong', label: 'Requisite=', meaning: 'needs it already running' },
  'binds-to': { group: 'strong', label: 'BindsTo=', meaning: 'stops when it stops' },
  wants: { group: 'weak', label: 'Wants=', meaning: 'starts it, does not need it' },
  'part-of': { group: 'weak', label: 'PartOf=', meaning: 'stopped / restarted with it' },
  upholds: { group: 'weak', label: 'Upholds=', meaning: 'keeps it running' },
  after: { group: 'order', label: 'After=', meaning: 'starts after it' },
  before: { group: 'order', label: 'Before=', meaning: 'starts before it' },
  'wanted-by': { group: 'install', label: 'WantedBy=', meaning: 'enabling makes it want this' },
  'required-by': { group: 'install', label: 'RequiredBy=', meaning: 'enabling makes it require this' },
  'upheld-by': { group: 'install', label: 'UpheldBy=', meaning: 'enabling makes it uphold this' },
  also: { group: 'install', label: 'Also=', meaning: 'enabled together with' },
};

export const GROUPS: ReadonlyArray<{ group: KindStyle['group']; title: string }> = [
  { group: 'trigger', title: 'activation' },
  { group: 'strong', title: 'hard dependency' },
  { group: 'weak', title: 'soft dependency' },
  { group: 'order', title: 'ordering only' },
  { group: 'install', title: '[Install]' },
];

export interface PlacedNode {
  node: GraphNode;
  layer: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  edge: GraphEdge;
  /** SVG path data of the curve. */
  d: string;
  labelX: number;
  labelY: number;
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const NODE_HEIGHT = 44;
const ROW_GAP = 26;
const COLUMN_GAP = 190;
const MARGIN = 24;
const CHAR_WIDTH = 7.4;

/** Columns: the root at 0, a name written by a node one column right of it, a unit naming it one left. */
export function assignLayers(graph: DependencyGraph): Map<string, number> {
  const layer = new Map<string, number>([[graph.root, 0]]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of graph.edges) {
      if (layer.has(e.from) && !layer.has(e.to)) {
        layer.set(e.to, layer.get(e.from)! + 1);
        changed = true;
      } else if (layer.has(e.to) && !layer.has(e.from)) {
        layer.set(e.from, layer.get(e.to)! - 1);
        changed = true;
      }
    }
  }
  // Not reached from the root (nothing the server sends, but a node is never dropped).
  for (const n of graph.nodes) if (!layer.has(n.id)) layer.set(n.id, 1);
  return layer;
}

function nodeWidth(node: GraphNode): number {
  const sub = subtitle(node);
  return Math.max(130, Math.ceil(Math.max(node.name.length, sub.length) * CHAR_WIDTH) + 24);
}

/** The node's second line: where its file is. */
export function subtitle(node: GraphNode): string {
  const instances = node.instances?.length ? ` · ${node.instances.length} instance${node.instances.length > 1 ? 's' : ''}` : '';
  if (node.found === 'missing') return 'not found';
  return `${node.found === 'workspace' ? 'workspace' : 'installed'}${instances}`;
}

export function layout(graph: DependencyGraph): Layout {
  const layers = assignLayers(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const columns = new Map<number, GraphNode[]>();
  for (const n of graph.nodes) {
    const l = layers.get(n.id)!;
    columns.set(l, [...(columns.get(l) ?? []), n]);
  }
  const order = [...columns.keys()].sort((a, b) => a - b);
  const row = new Map<string, number>();
  const neighbours = (id: string) => graph.edges.flatMap((e) => (e.from === id ? [e.to] : e.to === id ? [e.from] : []));
  // Outward from the middle: each column sorted by where its neighbours sit in the column nearer the root.
  const outward = [...order].sort((a, b) => Math.abs(a) - Math.abs(b) || b - a);
  for (const l of outward) {
    const nodes = columns.get(l)!;
    const inner = l > 0 ? l - 1 : l + 1;
    const mean = (n: GraphNode) => {
      const rows = neighbours(n.id).filter((m) => layers.get(m) === inner && row.has(m)).map((m) => row.get(m)!);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.MAX_SAFE_INTEGER;
    };
    nodes.sort((a, b) => (a.id === graph.root ? -1 : b.id === graph.root ? 1 : 0) || (l === 0 ? 0 : mean(a) - mean(b)) || a.name.localeCompare(b.name));
    nodes.forEach((n, i) => row.set(n.id, i));
  }
  const tallest = Math.max(...[...columns.values()].map((c) => c.length));
  const fullHeight = tallest * NODE_HEIGHT + (tallest - 1) * ROW_GAP;
  const placed = new Map<string, PlacedNode>();
  let x = MARGIN;
  for (const l of order) {
    const nodes = columns.get(l)!.sort((a, b) => row.get(a.id)! - row.get(b.id)!);
    const width = Math.max(...nodes.map(nodeWidth));
    const height = nodes.length * NODE_HEIGHT + (nodes.length - 1) * ROW_GAP;
    let y = MARGIN + (fullHeight - height) / 2;
    for (const node of nodes) {
      placed.set(node.id, { node, layer: l, x, y, width, height: NODE_HEIGHT });
      y += NODE_HEIGHT + ROW_GAP;
    }
    x += width + COLUMN_GAP;
  }
  // Edges between the same two nodes fan out, so each keeps a label of its own.
  const pairs = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) {
    if (!byId.has(e.from) || !byId.has(e.to)) continue;
    const key = [e.from, e.to].sort().join('\0');
    pairs.set(key, [...(pairs.get(key) ?? []), e]);
  }
  const edges: PlacedEdge[] = [];
  for (const group of pairs.values()) {
    group.forEach((edge, i) => {
      const spread = (i - (group.length - 1) / 2) * 18;
      edges.push(curve(edge, placed.get(edge.from)!, placed.get(edge.to)!, spread));
    });
  }
  separateLabels(edges);
  return { width: x - COLUMN_GAP + MARGIN, height: fullHeight + 2 * MARGIN, nodes: [...placed.values()], edges };
}

/** The text on an edge. */
export function edgeLabel(edge: GraphEdge): string {
  return `${KIND_STYLES[edge.kind].label}${edge.implicit ? ' (by name)' : ''}`;
}

const labelWidth = (edge: GraphEdge) => edgeLabel(edge).length * 6.2 + 8;
const LABEL_HEIGHT = 15;

/** Labels that would cover each other are moved apart vertically (greedy, top to bottom). */
function separateLabels(edges: PlacedEdge[]): void {
  const done: PlacedEdge[] = [];
  for (const e of [...edges].sort((a, b) => a.labelY - b.labelY || a.labelX - b.labelX)) {
    for (let moved = true, tries = 0; moved && tries < 20; tries++) {
      moved = false;
      for (const o of done) {
        const overlapX = Math.abs(e.labelX - o.labelX) < (labelWidth(e.edge) + labelWidth(o.edge)) / 2;
        if (overlapX && Math.abs(e.labelY - o.labelY) < LABEL_HEIGHT + 1) {
          e.labelY = o.labelY + LABEL_HEIGHT + 1;
          moved = true;
        }
      }
    }
    done.push(e);
  }
}

/** Where an edge leaves or enters a node's side: moved toward the other end, so edges fan out. */
function anchorY(node: PlacedNode, other: PlacedNode, spread: number): number {
  const centre = node.y + node.height / 2;
  const toward = Math.max(-(node.height / 2 - 8), Math.min(node.height / 2 - 8, (other.y + other.height / 2 - centre) * 0.12));
  return centre + toward + spread / 3;
}

function curve(edge: GraphEdge, a: PlacedNode, b: PlacedNode, spread: number): PlacedEdge {
  const ay = anchorY(a, b, spread);
  const by = anchorY(b, a, spread);
  let sx: number, tx: number, c1: number, c2: number;
  if (b.layer > a.layer) {
    sx = a.x + a.width;
    tx = b.x;
    c1 = sx + COLUMN_GAP / 2;
    c2 = tx - COLUMN_GAP / 2;
  } else if (b.layer < a.layer) {
    sx = a.x;
    tx = b.x + b.width;
    c1 = sx - COLUMN_GAP / 2;
    c2 = tx + COLUMN_GAP / 2;
  } else {
    // Same column: a loop out to the right.
    sx = a.x + a.width;
    tx = b.x + b.width;
    c1 = sx + 60 + Math.abs(spread);
    c2 = c1;
  }
  const cy1 = ay + spread;
  const cy2 = by + spread;
  const d = `M${r(sx)},${r(ay)} C${r(c1)},${r(cy1)} ${r(c2)},${r(cy2)} ${r(tx)},${r(by)}`;
  // The label sits nearer the end farther from the root: edges fanning out of the root start close
  // together but reach their other ends apart. Between the same two nodes the spread keeps labels apart.
  const t = b.layer === a.layer ? 0.5 : Math.abs(b.layer) >= Math.abs(a.layer) ? 0.68 : 0.32;
  const at = (p0: number, p1: number, p2: number, p3: number) => (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t ** 2 * p2 + t ** 3 * p3;
  return { edge, d, labelX: at(sx, c1, c2, tx), labelY: at(ay, cy1, cy2, by) + spread * 0.4 };
}

const r = (n: number) => Math.round(n * 10) / 10;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The tooltip of a node: its file, or where systemd would look for it. */
export function nodeTooltip(node: GraphNode): string {
  const instances = node.instances?.length ? `\ninstances: ${node.instances.join(', ')}` : '';
  if (node.uri) return `${node.name}\n${decodeURIComponent(node.uri.replace(/^file:\/\//, ''))}${instances}\n(click to open)`;
  const where = node.lookIn?.length ? `systemd would look in:\n${node.lookIn.join('\n')}` : 'no file of this name was found';
  return `${node.name}: not found\n${where}`;
}

/** The graph as an <svg> element's markup (every text escaped). */
export function renderSvg(graph: DependencyGraph, placed: Layout = layout(graph)): string {
  const markers = GROUPS.map(
    ({ group }) =>
      `<marker id="arrow-${group}" class="m-${group}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>`,
  ).join('');
  const edges = placed.edges
    .map(({ edge, d, labelX, labelY }) => {
      const style = KIND_STYLES[edge.kind];
      const label = edgeLabel(edge);
      const w = labelWidth(edge);
      return (
        `<g class="edge g-${style.group}${edge.implicit ? ' implicit' : ''}" data-kind="${edge.kind}" data-from="${escapeXml(edge.from)}" data-to="${escapeXml(edge.to)}">` +
        `<path d="${d}" marker-end="url(#arrow-${style.group})"/>` +
        `<rect class="label-bg" x="${r(labelX - w / 2)}" y="${r(labelY - 8)}" width="${r(w)}" height="15" rx="3"/>` +
        `<text x="${r(labelX)}" y="${r(labelY + 3.5)}" text-anchor="middle">${escapeXml(label)}</text></g>`
      );
    })
    .join('');
  const nodes = placed.nodes
    .map(({ node, x, y, width, height }) => {
      const classes = ['node', `found-${node.found}`, node.id === graph.root ? 'root' : ''].filter(Boolean).join(' ');
      return (
        `<g class="${classes}" data-node="${escapeXml(node.id)}" data-name="${escapeXml(node.name)}" tabindex="0" role="button" aria-label="${escapeXml(`${node.name}, ${subtitle(node)}`)}">` +
        `<title>${escapeXml(nodeTooltip(node))}</title>` +
        `<rect x="${r(x)}" y="${r(y)}" width="${r(width)}" height="${height}" rx="6"/>` +
        `<text class="name" x="${r(x + width / 2)}" y="${r(y + 18)}" text-anchor="middle">${escapeXml(node.name)}</text>` +
        `<text class="sub" x="${r(x + width / 2)}" y="${r(y + 34)}" text-anchor="middle">${escapeXml(subtitle(node))}</text></g>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="${r(placed.width)}" height="${r(placed.height)}" viewBox="0 0 ${r(placed.width)} ${r(placed.height)}" role="img" aria-label="dependency graph">` +
    `<defs>${markers}</defs><g class="edges">${edges}</g><g class="nodes">${nodes}</g></svg>`
  );
}

/** The legend: one sample line per group, with the kinds it covers; node styles too. */
export function renderLegend(graph: DependencyGraph): string {
  const used = new Set(graph.edges.map((e) => e.kind));
  const rows = GROUPS.map(({ group, title }) => {
    const kinds = (Object.keys(KIND_STYLES) as EdgeKind[]).filter((k) => KIND_STYLES[k].group === group);
    const items = kinds
      .map((k) => `<span class="kind${used.has(k) ? ' used' : ''}" title="${escapeXml(KIND_STYLES[k].meaning)}">${escapeXml(KIND_STYLES[k].label)}</span>`)
      .join(' ');
    return (
      `<div class="legend-row"><svg width="44" height="12" aria-hidden="true"><g class="edge g-${group}"><path d="M2,6 L34,6" marker-end="url(#arrow-${group})"/></g></svg>` +
      `<span class="group">${escapeXml(title)}</span> ${items}</div>`
    );
  }).join('');
  const nodes =
    '<div class="legend-row nodes-legend"><span class="swatch found-workspace"></span>in the workspace' +
    '<span class="swatch found-installed"></span>installed (search path)<span class="swatch found-missing"></span>not found' +
    '<span class="dashed-sample"></span>started by name (no Service=/Unit=)</div>';
  return `<div class="legend">${rows}${nodes}</div>`;
}
