/**
 * "Show Dependency Graph": a webview panel that draws the graph the server computes for a unit
 * (sockact/dependencyGraph). The markup comes from layout.ts; the webview's own script only puts it in
 * place and reports clicks, so the page needs no library and loads nothing: the CSP allows the nonce'd
 * script and stylesheet and nothing else. Clicking a node opens its file; a node without one shows the
 * folders systemd would search.
 *
 * It refreshes when a unit document changes (debounced), and in follow mode (on by default) it shows the
 * unit of whichever unit file becomes the active editor. It only reads: it works in untrusted folders.
 */
import * as vscode from 'vscode';
import { escapeXml, layout, nodeTooltip, renderLegend, renderSvg, type DependencyGraph, type GraphNode } from './layout';

export const GRAPH_VIEW_TYPE = 'sockact.dependencyGraph';
const LANGUAGE_ID = 'systemd-unit-file';
const REFRESH_DELAY_MS = 300;

/** Asks the language server for the graph of an open document; null when it is no unit's. */
export type GraphRequest = (uri: string, depth: number) => Promise<DependencyGraph | null>;

/** What the test hook reports: the panel's state and the last model it drew. */
export interface GraphPanelState {
  open: boolean;
  visible: boolean;
  uri?: string;
  depth: number;
  follow: boolean;
  model?: DependencyGraph | null;
  /** The node whose details are shown (a click on a node without a file). */
  selected?: string;
  error?: string;
  /** Nodes the webview reported drawing after the last render (its script ran and inserted the SVG). */
  drawnNodes?: number;
  /** How many times a model was rendered. */
  renders: number;
}

type WebviewMessage = { type: 'ready' } | { type: 'open'; id: string } | { type: 'depth'; depth: number } | { type: 'follow' } | { type: 'refresh' } | { type: 'drawn'; nodes: number };

export class DependencyGraphPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private uri?: vscode.Uri;
  private depth = 1;
  private follow = true;
  private model?: DependencyGraph | null;
  private selected?: string;
  private error?: string;
  private drawnNodes?: number;
  private renders = 0;
  private ready = false;
  private timer?: ReturnType<typeof setTimeout>;
  /** Bumped per request, so an older answer arriving late does not replace a newer one. */
  private generation = 0;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Listeners of the current panel, dropped with it. */
  private panelSubscriptions: vscode.Disposable[] = [];

  constructor(private readonly request: GraphRequest) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.panel && e.document.languageId === LANGUAGE_ID && e.contentChanges.length) this.scheduleRefresh();
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // The panel itself taking focus leaves no active text editor: keep what is shown.
        if (!this.panel || !this.follow || !editor || editor.document.languageId !== LANGUAGE_ID) return;
        if (this.uri && editor.document.uri.toString() === this.uri.toString()) return;
        this.uri = editor.document.uri;
        this.selected = undefined;
        void this.refresh();
      }),
    );
  }

  /** Opens (or reveals) the panel on `arg` (a URI from the explorer or editor title), else the active unit file. */
  async show(arg?: unknown): Promise<void> {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.languageId === LANGUAGE_ID ? vscode.window.activeTextEditor.document.uri : this.uri;
    if (!uri) {
      void vscode.window.showInformationMessage('Socket Activation: open a unit file to see its dependency graph.');
      return;
    }
    // The server answers for documents it has open: opening it (without showing) makes sure it does.
    await vscode.workspace.openTextDocument(uri);
    this.uri = uri;
    this.selected = undefined;
    if (!this.panel) this.createPanel();
    else this.panel.reveal(undefined, true);
    await this.refresh();
  }

  state(): GraphPanelState {
    return {
      open: this.panel !== undefined,
      visible: this.panel?.visible ?? false,
      uri: this.uri?.toString(),
      depth: this.depth,
      follow: this.follow,
      model: this.model,
      selected: this.selected,
      error: this.error,
      drawnNodes: this.drawnNodes,
      renders: this.renders,
    };
  }

  /** What a click on a node does (the webview's message; the test hook calls it the same way). */
  async openNode(id: string): Promise<void> {
    const node = this.model?.nodes.find((n) => n.id === id);
    if (!node) return;
    if (!node.uri) {
      this.selected = id;
      this.render();
      return;
    }
    this.selected = undefined;
    const column = this.panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    await vscode.window.showTextDocument(vscode.Uri.parse(node.uri), { viewColumn: column, preview: false });
  }

  private createPanel(): void {
    const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'Dependency Graph', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      // Nothing to load: every byte is in the page.
      localResourceRoots: [],
      retainContextWhenHidden: false,
    });
    this.panel = panel;
    this.ready = false;
    panel.webview.html = pageHtml(panel.webview);
    panel.webview.onDidReceiveMessage((m: WebviewMessage) => this.onMessage(m), undefined, this.panelSubscriptions);
    // A hidden webview is rebuilt when shown again (retainContextWhenHidden off): it says ready again.
    panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    }, undefined, this.panelSubscriptions);
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
      this.drawnNodes = undefined;
      for (const s of this.panelSubscriptions.splice(0)) s.dispose();
    });
  }

  private async onMessage(message: WebviewMessage): Promise<void> {
    switch (message?.type) {
      case 'ready':
        this.ready = true;
        this.render();
        return;
      case 'drawn':
        this.drawnNodes = message.nodes;
        return;
      case 'open':
        if (typeof message.id === 'string') await this.openNode(message.id);
        return;
      case 'depth':
        if (message.depth === 1 || message.depth === 2) {
          this.depth = message.depth;
          await this.refresh();
        }
        return;
      case 'follow':
        this.follow = !this.follow;
        this.render();
        return;
      case 'refresh':
        await this.refresh();
        return;
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  /** Asks the server again and redraws. */
  async refresh(): Promise<void> {
    if (!this.uri) return;
    const generation = ++this.generation;
    try {
      const model = await this.request(this.uri.toString(), this.depth);
      if (generation !== this.generation) return;
      this.model = model;
      this.error = undefined;
      if (this.selected && !model?.nodes.some((n) => n.id === this.selected)) this.selected = undefined;
    } catch (e) {
      if (generation !== this.generation) return;
      this.model = undefined;
      this.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
    }
    this.render();
  }

  private render(): void {
    if (!this.panel) return;
    const name = this.uri ? decodeURIComponent(this.uri.path.slice(this.uri.path.lastIndexOf('/') + 1)) : '';
    const root = this.model?.nodes.find((n) => n.id === this.model?.root);
    this.panel.title = `Dependencies: ${root?.name ?? name}`;
    if (!this.ready) return;
    this.renders++;
    this.drawnNodes = undefined;
    void this.panel.webview.postMessage({ type: 'render', html: this.bodyHtml(name), nodes: this.model?.nodes.length ?? 0 });
  }

  private bodyHtml(name: string): string {
    const toolbar =
      `<div class="toolbar"><span class="title">${escapeXml(this.model ? `Dependencies of ${this.model.nodes.find((n) => n.id === this.model!.root)?.name ?? name}` : name)}</span>` +
      [1, 2].map((d) => `<button data-action="depth" data-depth="${d}" class="${this.depth === d ? 'on' : ''}" aria-pressed="${this.depth === d}">Depth ${d}</button>`).join('') +
      `<button data-action="follow" class="${this.follow ? 'on' : ''}" aria-pressed="${this.follow}" title="Show the unit of the active editor">Follow editor</button>` +
      `<button data-action="refresh">Refresh</button></div>`;
    if (this.error) return `${toolbar}<p class="message error">The language server did not answer: ${escapeXml(this.error)}</p>`;
    if (!this.model) return `${toolbar}<p class="message">${escapeXml(name)} is not a unit file (or the language server does not have it open).</p>`;
    const selected = this.model.nodes.find((n) => n.id === this.selected);
    return `${toolbar}<div class="canvas">${renderSvg(this.model, layout(this.model))}</div>${selected ? detailHtml(selected) : ''}${renderLegend(this.model)}`;
  }

  /** Closes the panel (the suite's clean-up). */
  close(): void {
    this.panel?.dispose();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}

/** Where systemd would look for a unit no file was found for. */
function detailHtml(node: GraphNode): string {
  const lines = nodeTooltip(node).split('\n');
  return `<div class="detail" role="status"><strong>${escapeXml(lines[0])}</strong>${lines
    .slice(1)
    .map((l) => `<div>${escapeXml(l)}</div>`)
    .join('')}</div>`;
}

function pageHtml(webview: vscode.Webview): string {
  // Web Crypto: there on the desktop (Node 20) and in the web worker extension host alike.
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const nonce = btoa(String.fromCharCode(...bytes));
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource} 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`, `img-src ${webview.cspSource} data:`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Dependency Graph</title>
<style nonce="${nonce}">${STYLES}</style>
</head>
<body>
<main id="main"><p class="message">Loading the dependency graph…</p></main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

/** The webview's script: put the markup in place, report clicks and key presses on nodes and buttons. */
const SCRIPT = `
const vscode = acquireVsCodeApi();
const main = document.getElementById('main');
window.addEventListener('message', (event) => {
  const message = event.data;
  if (!message || message.type !== 'render') return;
  main.innerHTML = message.html;
  vscode.postMessage({ type: 'drawn', nodes: main.querySelectorAll('[data-node]').length });
});
function act(target) {
  const node = target.closest('[data-node]');
  if (node) { vscode.postMessage({ type: 'open', id: node.getAttribute('data-node') }); return true; }
  const button = target.closest('[data-action]');
  if (!button) return false;
  const action = button.getAttribute('data-action');
  if (action === 'depth') vscode.postMessage({ type: 'depth', depth: Number(button.getAttribute('data-depth')) });
  else vscode.postMessage({ type: action });
  return true;
}
document.addEventListener('click', (event) => { act(event.target); });
document.addEventListener('keydown', (event) => {
  if ((event.key === 'Enter' || event.key === ' ') && event.target.closest && event.target.closest('[data-node]')) {
    event.preventDefault();
    act(event.target);
  }
});
vscode.postMessage({ type: 'ready' });
`;

const STYLES = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 12px; }
.toolbar { display: flex; gap: 6px; align-items: center; padding: 8px 0; flex-wrap: wrap; }
.toolbar .title { font-weight: 600; margin-right: 12px; }
button { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: 1px solid var(--vscode-button-border, transparent); padding: 3px 10px; cursor: pointer; border-radius: 2px; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button.on { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
button:focus-visible, .node:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
.message { color: var(--vscode-descriptionForeground); }
.message.error { color: var(--vscode-errorForeground); }
.canvas { overflow: auto; }
/* Shrinks to the panel's width (never grows past its own size): the whole graph stays in sight. */
svg.graph { max-width: 100%; height: auto; }
svg.graph text { font-family: var(--vscode-font-family); font-size: 12px; fill: var(--vscode-editor-foreground); }
.node { cursor: pointer; }
.node rect { fill: var(--vscode-editorWidget-background); stroke: var(--vscode-focusBorder); stroke-width: 1.2; }
.node.found-installed rect { stroke: var(--vscode-charts-yellow); }
.node.found-missing rect { stroke: var(--vscode-errorForeground); stroke-dasharray: 5 3; fill: var(--vscode-editor-background); }
.node.found-missing text.name { font-style: italic; fill: var(--vscode-errorForeground); }
.node.root rect { stroke-width: 2.6; fill: var(--vscode-editor-selectionBackground); }
.node:hover rect { stroke-width: 2.2; }
.node text.name { font-weight: 600; }
svg.graph .node text.sub { font-size: 10.5px; fill: var(--vscode-descriptionForeground); }
.edge path { fill: none; stroke-width: 1.6; }
.edge text { font-size: 10.5px; }
.edge .label-bg { fill: var(--vscode-editor-background); opacity: 0.85; }
.g-trigger path { stroke: var(--vscode-charts-blue); stroke-width: 2.4; }
.g-trigger.implicit path { stroke-dasharray: 7 4; }
.g-strong path { stroke: var(--vscode-charts-red); }
.g-weak path { stroke: var(--vscode-charts-green); stroke-dasharray: 6 4; }
.g-order path { stroke: var(--vscode-descriptionForeground); stroke-dasharray: 2 3; }
.g-install path { stroke: var(--vscode-charts-purple); stroke-dasharray: 9 3 2 3; }
.m-trigger path { fill: var(--vscode-charts-blue); }
.m-strong path { fill: var(--vscode-charts-red); }
.m-weak path { fill: var(--vscode-charts-green); }
.m-order path { fill: var(--vscode-descriptionForeground); }
.m-install path { fill: var(--vscode-charts-purple); }
.detail { margin: 8px 0; padding: 6px 10px; border-left: 3px solid var(--vscode-errorForeground); background: var(--vscode-textBlockQuote-background); font-family: var(--vscode-editor-font-family); font-size: 12px; }
.legend { margin: 12px 0; color: var(--vscode-descriptionForeground); font-size: 12px; }
.legend-row { display: flex; align-items: center; gap: 6px; margin: 3px 0; flex-wrap: wrap; }
.legend .group { min-width: 110px; color: var(--vscode-foreground); }
.legend .kind { opacity: 0.6; }
.legend .kind.used { opacity: 1; font-weight: 600; }
.swatch { display: inline-block; width: 14px; height: 10px; border: 1.5px solid var(--vscode-focusBorder); margin-left: 10px; }
.swatch:first-child { margin-left: 0; }
.swatch.found-installed { border-color: var(--vscode-charts-yellow); }
.swatch.found-missing { border: 1.5px dashed var(--vscode-errorForeground); }
.dashed-sample { display: inline-block; width: 30px; border-top: 2.4px dashed var(--vscode-charts-blue); margin-left: 14px; }
`;
