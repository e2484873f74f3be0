/**
 * The "Socket Units" view in the Explorer (`sockact.sockets`): one node per target (User manager, System
 * manager, each host of `sockact.deploy.hosts`), under it the socket units `sockact list-sockets --format
 * json` finds there: label = listen addresses, description = `unit → service (state)`, icon by state. A
 * target that cannot be listed shows one child "cannot list: <why>". Each target is listed by its own
 * CLI child process when its node is first shown (in parallel, with the view's progress bar); the results
 * are kept until Refresh, a settings change or a deploy. Nothing is run in an untrusted folder.
 */
import * as vscode from 'vscode';
import { readDeploySettings, runCli } from './cli';
import {
  hostOf,
  listSocketsArgs,
  oneLine,
  parseListSockets,
  socketDescription,
  socketLabel,
  socketLook,
  socketTooltip,
  targetLabel,
  targetTitle,
  viewTargets,
  type ListedSocket,
  type TargetKey,
} from './model';

export const VIEW_ID = 'sockact.sockets';

export type SocketsNode =
  | { kind: 'target'; key: TargetKey }
  | { kind: 'socket'; key: TargetKey; unit: string; socket: ListedSocket }
  | { kind: 'message'; key?: TargetKey; text: string; severity: 'error' | 'info'; tooltip?: string };

/** A plain-data picture of the view (returned by the internal command sockact.socketsSnapshot, for tests). */
export interface SocketsSnapshot {
  trusted: boolean;
  targets: {
    key: TargetKey;
    label: string;
    description?: string;
    children: { kind: SocketsNode['kind']; label: string; description?: string; tooltip?: string; contextValue?: string; icon?: string; unit?: string }[];
  }[];
}

const LOOK_ICONS = {
  serving: new vscode.ThemeIcon('radio-tower', new vscode.ThemeColor('charts.green')),
  waiting: new vscode.ThemeIcon('radio-tower', new vscode.ThemeColor('charts.blue')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  inactive: new vscode.ThemeIcon('circle-slash'),
};

export class SocketsView implements vscode.TreeDataProvider<SocketsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SocketsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Listing per target: the children once loaded (or loading). Cleared by refresh. */
  private readonly loads = new Map<TargetKey, Promise<SocketsNode[]>>();
  private readonly targetNodes = new Map<TargetKey, SocketsNode & { kind: 'target' }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly cliPath: string) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('sockact.deploy')) this.refresh();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh()),
    );
  }

  /** Forgets every listing (or those of `keys`) and redraws: shown nodes are listed again. */
  refresh(keys?: readonly TargetKey[]): void {
    if (!keys) {
      this.loads.clear();
      this.changed.fire(undefined);
      return;
    }
    for (const key of keys) {
      this.loads.delete(key);
      const node = this.targetNodes.get(key);
      if (node) this.changed.fire(node);
    }
  }

  private targetNode(key: TargetKey): SocketsNode & { kind: 'target' } {
    let node = this.targetNodes.get(key);
    if (!node) this.targetNodes.set(key, (node = { kind: 'target', key }));
    return node;
  }

  getChildren(node?: SocketsNode): SocketsNode[] | Promise<SocketsNode[]> {
    if (!node) {
      if (!vscode.workspace.isTrusted) return [{ kind: 'message', text: 'Trust this folder to list socket units (Workspaces: Manage Workspace Trust)', severity: 'info' }];
      const targets = viewTargets(readDeploySettings());
      // macOS and Windows have no local managers: with no hosts either, say where to add them.
      if (targets.length === 0) return [{ kind: 'message', text: 'No hosts: add them to sockact.deploy.hosts to list their socket units', severity: 'info' }];
      return targets.map((k) => this.targetNode(k));
    }
    if (node.kind !== 'target') return [];
    return this.listing(node.key);
  }

  /** The children of a target: its sockets, "no socket units", or "cannot list: …". */
  listing(key: TargetKey): Promise<SocketsNode[]> {
    // A refresh while a listing runs drops it from the map: its result only reaches the caller that asked.
    let load = this.loads.get(key);
    if (!load) {
      load = Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => this.list(key)));
      this.loads.set(key, load);
    }
    return load;
  }

  private async list(key: TargetKey): Promise<SocketsNode[]> {
    if (!vscode.workspace.isTrusted) return [{ kind: 'message', key, text: 'not listed: this folder is not trusted', severity: 'info' }];
    let args: string[];
    try {
      args = listSocketsArgs(key, readDeploySettings());
    } catch (e) {
      return [{ kind: 'message', key, text: `cannot list: ${(e as Error).message}`, severity: 'error' }];
    }
    const r = await runCli(this.cliPath, args, { timeoutMs: 60_000 });
    let targets;
    try {
      targets = parseListSockets(r.stdout);
    } catch {
      return [{ kind: 'message', key, text: `cannot list: ${oneLine(r.stderr, `sockact list-sockets exited with ${r.code}`)}`, severity: 'error' }];
    }
    const t = targets.find((x) => x.target === targetLabel(key)) ?? targets[0];
    if (!t) return [{ kind: 'message', key, text: 'cannot list: sockact list-sockets named no target', severity: 'error' }];
    if (!t.ok) {
      // The plain reason on the line; what systemctl or ssh said (e.g. "Host is down") in the tooltip.
      const text = `cannot list: ${oneLine(t.error ?? r.stderr, 'failed')}`;
      return [{ kind: 'message', key, text, severity: 'error', tooltip: t.detail ? `${text}\n\n${t.detail}` : text }];
    }
    if (t.sockets.length === 0) return [{ kind: 'message', key, text: 'no socket units', severity: 'info' }];
    return t.sockets.map((socket) => ({ kind: 'socket', key, unit: socket.unit, socket }));
  }

  getTreeItem(node: SocketsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'target': {
        const item = new vscode.TreeItem(targetTitle(node.key), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `target:${node.key}`;
        item.contextValue = 'sockact.target';
        const host = hostOf(node.key);
        if (host) {
          item.iconPath = new vscode.ThemeIcon('remote');
          item.description = 'ssh';
          item.tooltip = `The system manager of ${host}, over ssh${readDeploySettings().sudo ? ' (sudo -n)' : ''}`;
        } else {
          item.iconPath = new vscode.ThemeIcon(node.key === 'user' ? 'account' : 'server');
          item.tooltip = node.key === 'user' ? 'Your user manager (systemctl --user)' : 'The system manager of this machine (systemctl)';
        }
        return item;
      }
      case 'socket': {
        const item = new vscode.TreeItem(socketLabel(node.socket), vscode.TreeItemCollapsibleState.None);
        item.id = `socket:${node.key}:${node.unit}`;
        item.description = socketDescription(node.socket);
        item.tooltip = socketTooltip(node.socket, node.key);
        const look = socketLook(node.socket);
        item.iconPath = LOOK_ICONS[look];
        // view/item/context menus: Stop when it listens, Start otherwise; Verify always.
        item.contextValue = look === 'serving' || look === 'waiting' ? 'sockact.socket.active' : 'sockact.socket.inactive';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.severity === 'error' ? 'warning' : 'info');
        item.contextValue = 'sockact.message';
        item.tooltip = node.tooltip ?? node.text;
        return item;
      }
    }
  }

  /** Lists every target (waiting for each) and describes the view as data. */
  async snapshot(refresh = false): Promise<SocketsSnapshot> {
    if (refresh) this.refresh();
    const roots = await this.getChildren();
    const targets: SocketsSnapshot['targets'] = [];
    for (const root of roots) {
      if (root.kind !== 'target') continue;
      const item = this.getTreeItem(root);
      const children = (await this.getChildren(root)).map((c) => {
        const ci = this.getTreeItem(c);
        return {
          kind: c.kind,
          label: String(typeof ci.label === 'object' ? ci.label.label : ci.label),
          description: typeof ci.description === 'string' ? ci.description : undefined,
          tooltip: typeof ci.tooltip === 'string' ? ci.tooltip : undefined,
          contextValue: ci.contextValue,
          icon: ci.iconPath instanceof vscode.ThemeIcon ? ci.iconPath.id : undefined,
          unit: c.kind === 'socket' ? c.unit : undefined,
        };
      });
      targets.push({ key: root.key, label: String(item.label), description: typeof item.description === 'string' ? item.description : undefined, children });
    }
    return { trusted: vscode.workspace.isTrusted, targets };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
