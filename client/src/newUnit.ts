/**
 * "New Socket-Activated Service…": writes NAME.socket and NAME.service into a folder and opens the socket.
 * It is the first step of the getting-started walkthrough, so it must work for someone who has never
 * written a unit: the names are checked as systemd checks them, nothing existing is overwritten, and the
 * text is the same skeleton completion offers (completionSkeletons.ts), with its placeholders filled in.
 *
 * It only writes files the user asked for through vscode.workspace.fs, so it also works in untrusted and
 * virtual folders and on the web.
 */
import * as vscode from 'vscode';
import { pairNameProblem, skeletonText } from '../../server/src/service/completionSkeletons';

export interface NewUnitOptions {
  /** The unit prefix ("web" → web.socket and web.service); asked for when absent. */
  name?: string;
  /** The folder to write into; the only workspace folder, or asked for, when absent. */
  folder?: vscode.Uri;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function pickFolder(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0].uri;
  if (folders.length > 1) return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder for the new units' }))?.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, openLabel: 'Create the units here' });
  return chosen?.[0];
}

/** Runs the command; returns the socket file's URI (new or already there), or undefined when cancelled. */
export async function newSocketUnit(arg?: unknown): Promise<vscode.Uri | undefined> {
  // From the explorer's context menu on a folder: that folder; from a test or another extension: options.
  const options: NewUnitOptions = arg instanceof vscode.Uri ? { folder: arg } : ((arg ?? {}) as NewUnitOptions);
  const name =
    options.name ??
    (await vscode.window.showInputBox({
      title: 'New socket-activated service',
      prompt: 'The name both units share: NAME.socket listens, NAME.service is started on the first connection',
      placeHolder: 'web',
      validateInput: (value) => pairNameProblem(value.trim()),
    }))?.trim();
  if (name === undefined) return undefined;
  const problem = pairNameProblem(name);
  if (problem) {
    void vscode.window.showErrorMessage(`Socket Activation: ${problem}.`);
    return undefined;
  }
  const folder = options.folder ?? (await pickFolder());
  if (!folder) return undefined;

  const socket = vscode.Uri.joinPath(folder, `${name}.socket`);
  const service = vscode.Uri.joinPath(folder, `${name}.service`);
  const taken: string[] = [];
  for (const uri of [socket, service]) if (await exists(uri)) taken.push(uri.path.slice(uri.path.lastIndexOf('/') + 1));
  if (taken.length > 0) {
    void vscode.window.showWarningMessage(`Socket Activation: ${taken.join(' and ')} already exist${taken.length === 1 ? 's' : ''}; nothing was overwritten.`);
  } else {
    const encoder = new TextEncoder();
    await vscode.workspace.fs.writeFile(service, encoder.encode(skeletonText('sd-service', name)));
    await vscode.workspace.fs.writeFile(socket, encoder.encode(skeletonText('sd-socket', name)));
  }
  const editor = await vscode.window.showTextDocument(socket);
  // The cursor on the port: the one value a new socket most often changes.
  const line = editor.document.getText().split('\n').findIndex((l) => l.startsWith('ListenStream='));
  if (line >= 0) {
    const start = new vscode.Position(line, 'ListenStream='.length);
    editor.selection = new vscode.Selection(start, editor.document.lineAt(line).range.end);
  }
  return socket;
}
