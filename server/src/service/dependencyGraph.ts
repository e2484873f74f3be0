/**
 * The dependency picture of one unit: what it starts and what it orders itself against, and which units
 * of the workspace name it. Built from the same name resolution navigation uses (unitReferences.ts: the
 * file beside the unit, else the installed units the host locates, else any file of that name in the
 * workspace; an instance falls back to its template's file), so clicking a node goes where "Go to
 * Definition" goes.
 *
 * Edges, from the unit that writes the name to the unit named:
 *  - triggers: a socket's Service=, a timer's or path's Unit=, or the unit such a unit starts by name
 *    when it names none (foo.socket → foo.service; with Accept=yes the template foo@.service);
 *  - sockets: a service's Sockets=;
 *  - the [Unit] dependencies Requires=, Requisite=, Wants=, BindsTo=, PartOf=, Upholds= and the
 *    orderings After=, Before=;
 *  - the [Install] lists WantedBy=, RequiredBy=, UpheldBy= and Also=.
 * Dependencies cannot be reset by an empty assignment (unlike most lists), so the unit file and every
 * drop-in of it simply add up.
 *
 * Reverse edges are the same kinds written in other units of the workspace (and the socket, timer or
 * path that starts this unit by name). Depth 1 is the unit and its direct neighbours; depth 2 expands
 * each neighbour once more.
 *
 * One node per file (the instances named of a template share its node); a unit no file was found for is
 * a "missing" node, with the folders systemd would look in when the host can tell.
 */
import type { DirectiveCatalog } from './catalog';
import type { UnitFile } from './parser';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { unitContextFromUri } from './unitContext';
import {
  occurrencesIn, uriBaseName, unitDirOf, uriKey, UnitIndex, type UnitFileSet, type UnitNameOccurrence, type UnitSource,
} from './unitReferences';
import { unitTypeOf } from './values/unitName';

export type EdgeKind =
  | 'triggers' | 'sockets'
  | 'requires' | 'requisite' | 'wants' | 'binds-to' | 'part-of' | 'upholds'
  | 'after' | 'before'
  | 'wanted-by' | 'required-by' | 'upheld-by' | 'also';

/** Which directive writes which kind of edge ("Section:Key"). */
const KIND_OF: Readonly<Record<string, EdgeKind>> = {
  'Socket:Service': 'triggers',
  'Timer:Unit': 'triggers',
  'Path:Unit': 'triggers',
  'Service:Sockets': 'sockets',
  'Unit:Requires': 'requires',
  'Unit:Requisite': 'requisite',
  'Unit:Wants': 'wants',
  'Unit:BindsTo': 'binds-to',
  'Unit:PartOf': 'part-of',
  'Unit:Upholds': 'upholds',
  'Unit:After': 'after',
  'Unit:Before': 'before',
  'Install:WantedBy': 'wanted-by',
  'Install:RequiredBy': 'required-by',
  'Install:UpheldBy': 'upheld-by',
  'Install:Also': 'also',
};


export interface GraphNode {
  /** Opaque and stable within one answer: the file's path for a found unit, "missing:NAME" otherwise. */
  id: string;
  /** The unit's name: its file's name (a template for instances), or the name written for a missing one. */
  name: string;
  /** "socket", "service" … (undefined for a name that is no unit name). */
  type?: string;
  /** Where its file is: among the workspace's files (open documents too), elsewhere on the search path, or nowhere. */
  found: 'workspace' | 'installed' | 'missing';
  uri?: string;
  /** Instances named that load this (template) file: ["foo@a.service"]. */
  instances?: string[];
  /** For a missing unit: the folders systemd would search, in order (when the host knows them). */
  lookIn?: string[];
  /** Steps from the unit the graph is about (0 for that unit). */
  distance: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** A trigger by name only (no Service=/Unit= written). */
  implicit?: boolean;
}

export interface DependencyGraph {
  /** The id of the unit the graph is about. */
  root: string;
  depth: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const MAX_GRAPH_DEPTH = 2;

/** What the host adds to the workspace's files: where systemd would look for a unit named from a folder. */
export interface GraphFiles extends UnitFileSet {
  searchDirs?(unitDir: string): readonly string[] | undefined;
}

/** A name written somewhere and what it stands for. */
interface Link {
  /** Node of the unit that writes it. */
  from: Endpoint;
  to: Endpoint;
  kind: EdgeKind;
  implicit: boolean;
}

interface Endpoint {
  id: string;
  name: string;
  uri?: string;
  /** The instance written, when the file found is its template's. */
  instance?: string;
  /** Folder of the unit that names it (for the folders a missing unit is looked for in). */
  seenFrom?: string;
}

class GraphBuilder {
  private readonly workspace: Set<string>;
  private readonly nodes = new Map<string, GraphNode>();
  private readonly edges = new Map<string, GraphEdge>();
  private reverse?: Map<string, Link[]>;

  constructor(
    private readonly index: UnitIndex,
    private readonly files: GraphFiles,
  ) {
    this.workspace = new Set(index.uris().map(uriKey));
  }

  /** The endpoint for a unit file (a drop-in stands for the unit it extends). */
  endpointOfFile(uri: string): Endpoint {
    const context = unitContextFromUri(uri);
    if (!context.isDropIn) return { id: uriKey(uri), name: uriBaseName(uri), uri };
    const name = context.unitName ?? uriBaseName(uri);
    const [fragment] = this.index.resolveBeside(context.unitDir, name);
    return fragment ? { id: uriKey(fragment), name: uriBaseName(fragment), uri: fragment } : { id: `missing:${name}`, name, seenFrom: context.unitDir };
  }

  private endpointOfOccurrence(occurrence: UnitNameOccurrence): Endpoint {
    const { name, uris } = this.index.resolveNamed(occurrence);
    const seenFrom = unitDirOf(occurrence.source.uri);
    if (!uris.length) return { id: `missing:${name}`, name, seenFrom };
    const uri = uris[0];
    const fileName = uriBaseName(uri);
    return { id: uriKey(uri), name: fileName, uri, instance: occurrence.name !== fileName && occurrence.literal ? occurrence.name : undefined };
  }

  /** The names a unit's files write (the unit file and its drop-ins), and the unit it starts by name. */
  forward(of: Endpoint): Link[] {
    const dir = of.uri ? unitDirOf(of.uri) : of.seenFrom;
    const own = of.uri ? [of.uri] : [];
    const files = [...own, ...(dir === undefined ? [] : this.index.dropInsOf(dir, of.name))];
    const links: Link[] = [];
    for (const uri of files) {
      const source = this.index.source(uri);
      if (!source) continue;
      for (const occurrence of occurrencesWithKind(this.index, source)) {
        links.push({ from: of, to: this.endpointOfOccurrence(occurrence.occurrence), kind: occurrence.kind, implicit: false });
      }
    }
    if (of.uri) {
      const implicit = this.index.implicitTrigger(of.uri);
      if (implicit) links.push({ from: of, to: this.endpointOfTrigger(of.uri, implicit.partner), kind: 'triggers', implicit: true });
    }
    return links;
  }

  private endpointOfTrigger(uri: string, partner: string): Endpoint {
    const dir = unitDirOf(uri);
    const [found] = this.index.resolveBeside(dir, partner);
    return found ? { id: uriKey(found), name: uriBaseName(found), uri: found } : { id: `missing:${partner}`, name: partner, seenFrom: dir };
  }

  /** Every link of the workspace by the id of the unit it names, built once per graph. */
  private reverseLinks(): Map<string, Link[]> {
    if (this.reverse) return this.reverse;
    const byTarget = new Map<string, Link[]>();
    const add = (link: Link) => byTarget.set(link.to.id, [...(byTarget.get(link.to.id) ?? []), link]);
    const named = new Map<string, Endpoint>();
    const sourceOf = (uri: string) => {
      const key = uriKey(uri);
      if (!named.has(key)) named.set(key, this.endpointOfFile(uri));
      return named.get(key)!;
    };
    for (const uri of this.index.uris()) {
      const source = this.index.source(uri);
      if (!source) continue;
      for (const { occurrence, kind } of occurrencesWithKind(this.index, source)) {
        add({ from: sourceOf(uri), to: this.endpointOfOccurrence(occurrence), kind, implicit: false });
      }
    }
    for (const uri of this.index.unitFiles()) {
      const implicit = this.index.implicitTrigger(uri);
      if (implicit) add({ from: sourceOf(uri), to: this.endpointOfTrigger(uri, implicit.partner), kind: 'triggers', implicit: true });
    }
    return (this.reverse = byTarget);
  }

  backward(of: Endpoint): Link[] {
    return (this.reverseLinks().get(of.id) ?? []).filter((l) => l.from.id !== of.id);
  }

  node(at: Endpoint, distance: number): GraphNode {
    let node = this.nodes.get(at.id);
    if (!node) {
      node = { id: at.id, name: at.name, type: unitTypeOf(at.name), found: 'missing', distance };
      if (at.uri) {
        node.uri = at.uri;
        node.found = this.workspace.has(at.id) ? 'workspace' : 'installed';
      } else if (at.seenFrom !== undefined) {
        const dirs = this.files.searchDirs?.(at.seenFrom);
        if (dirs) node.lookIn = [...dirs];
      }
      this.nodes.set(at.id, node);
    }
    if (at.instance && !(node.instances ??= []).includes(at.instance)) node.instances.push(at.instance);
    return node;
  }

  edge(link: Link): void {
    const key = `${link.from.id}\0${link.to.id}\0${link.kind}`;
    const known = this.edges.get(key);
    // Written out once anywhere counts as written out.
    if (known) known.implicit = known.implicit && link.implicit ? true : undefined;
    else this.edges.set(key, { from: link.from.id, to: link.to.id, kind: link.kind, ...(link.implicit ? { implicit: true } : {}) });
  }

  result(root: string, depth: number): DependencyGraph {
    const edges = [...this.edges.values()].map((e) => (e.implicit ? e : { from: e.from, to: e.to, kind: e.kind }));
    return { root, depth, nodes: [...this.nodes.values()], edges };
  }
}

/** The unit names a file writes in directives that make edges, with their kind. */
function occurrencesWithKind(index: UnitIndex, source: UnitSource): Array<{ occurrence: UnitNameOccurrence; kind: EdgeKind }> {
  const out: Array<{ occurrence: UnitNameOccurrence; kind: EdgeKind }> = [];
  for (const occurrence of occurrencesIn(source, index.catalog)) {
    const kind = KIND_OF[`${occurrence.section.name}:${occurrence.entry.key}`];
    if (kind) out.push({ occurrence, kind });
  }
  return out;
}

/**
 * The graph around the unit of `document` (a unit file or one of its drop-ins); undefined when the
 * document is no unit's. `depth` is clamped to 1…MAX_GRAPH_DEPTH.
 */
export function dependencyGraph(
  document: TextDocument,
  unit: UnitFile,
  files: GraphFiles,
  catalog: DirectiveCatalog,
  depth = 1,
): DependencyGraph | undefined {
  const context = unitContextFromUri(document.uri);
  if (!context.unitName) return undefined;
  const index = new UnitIndex(files, catalog, { uri: document.uri, document, unit });
  const builder = new GraphBuilder(index, files);
  const limit = Math.max(1, Math.min(MAX_GRAPH_DEPTH, Math.floor(Number.isFinite(depth) ? depth : 1)));
  const root = builder.endpointOfFile(document.uri);
  builder.node(root, 0);
  let frontier = [root];
  for (let distance = 1; distance <= limit; distance++) {
    const next: Endpoint[] = [];
    const visit = (at: Endpoint) => {
      const before = builder.node(at, distance);
      if (before.distance === distance && !next.some((n) => n.id === at.id)) next.push(at);
    };
    for (const at of frontier) {
      for (const link of builder.forward(at)) {
        visit(link.to);
        builder.edge(link);
      }
      for (const link of builder.backward(at)) {
        visit(link.from);
        builder.edge(link);
      }
    }
    frontier = next;
  }
  return builder.result(root.id, limit);
}
