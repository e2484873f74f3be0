/**
 * The target systemd version in the language status: one item that says which version every diagnostic,
 * completion item and hover answers for, and opens a picker to change it (sockact.systemdVersion, in the
 * folder's settings when a folder is open, else the user's).
 */
import * as vscode from 'vscode';

export interface ServerStatus {
  systemdVersion: number;
  source: 'setting' | 'local' | 'newest';
  newestVersion?: number;
  oldestVersion?: number;
  /** Why the target differs from the configured one (outside the supported range). */
  note?: string;
  /** Where the server runs: Node, or a web worker (vscode.dev, github.dev). */
  host?: 'node' | 'web worker';
  /** What the server cannot do where it runs (the web: no folder walk, no local systemd). */
  limits?: string[];
}

const FALLBACK_RANGE = { oldest: 239, newest: 262 };

export class TargetVersionStatus implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private last: ServerStatus | undefined;

  constructor(language: string) {
    this.item = vscode.languages.createLanguageStatusItem('sockact.systemdVersion', { language });
    this.item.name = 'Target systemd version';
    this.item.text = 'systemd …';
    this.item.command = { command: 'sockact.pickSystemdVersion', title: 'Change' };
  }

  update(status: ServerStatus): void {
    this.last = status;
    this.item.text = `systemd ${status.systemdVersion}`;
    this.item.detail = status.note ?? describeSource(status);
    this.item.severity = status.note ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  }

  /** Quick pick of "auto" and every supported version; writes the setting (the server then re-checks). */
  async pick(): Promise<void> {
    const range = { oldest: this.last?.oldestVersion ?? FALLBACK_RANGE.oldest, newest: this.last?.newestVersion ?? FALLBACK_RANGE.newest };
    const current = vscode.workspace.getConfiguration('sockact').get<string | number>('systemdVersion', 'auto');
    const items: (vscode.QuickPickItem & { value: string | number })[] = [
      { label: 'auto', description: 'the systemd installed here, else the newest known', value: 'auto' },
    ];
    for (let v = range.newest; v >= range.oldest; v--) {
      items.push({ label: String(v), description: v === this.last?.systemdVersion ? 'current target' : undefined, value: v });
    }
    const chosen = await vscode.window.showQuickPick(items, {
      title: 'Target systemd version',
      placeHolder: `Diagnostics, completion and hover answer for this version (now: ${current})`,
    });
    if (!chosen) return;
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('sockact').update('systemdVersion', chosen.value, target);
  }

  dispose(): void {
    this.item.dispose();
  }
}

function describeSource(status: ServerStatus): string {
  switch (status.source) {
    case 'setting':
      return 'set by sockact.systemdVersion';
    case 'local':
      return 'the systemd installed here';
    case 'newest':
      return status.host === 'web worker'
        ? 'newest known; the web has no local systemd'
        : 'the newest known (no systemd here)';
  }
}
