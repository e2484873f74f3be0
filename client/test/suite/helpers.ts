/**
 * Helpers for the extension-host suite: only the `vscode` API, no fixed sleeps (poll with a deadline).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as net from 'node:net';

export const EXTENSION_ID = 'sockact.sockact';
export const LANGUAGE_ID = 'systemd-unit-file';
export const SOURCE = 'sockact';

/**
 * Calls `fn` until it returns a value other than undefined/false without throwing, and returns that value.
 * Throws after `timeoutMs` with `what` (a string, or a function called then for the state at the deadline) and
 * the last error, so a failure says what it was waiting for and what it saw.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 10_000,
  what: string | (() => string) = 'condition',
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const description = typeof what === 'function' ? what() : what;
      if (last instanceof Error) {
        last.message = `waited ${timeoutMs} ms for ${description}: ${last.message}`;
        throw last;
      }
      throw new Error(`waited ${timeoutMs} ms for ${description}`);
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** The folder the suite runs in (the fixtures workspace, or a copy of it). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs the fixtures folder open as the workspace');
  return folder.uri;
}

export function fixture(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relative.split('/'));
}

export async function open(relative: string, show = false): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fixture(relative));
  if (show) await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  if (d.code === undefined) return undefined;
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Our diagnostics (source sockact) for a document, right now. */
export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** Waits until the document has a diagnostic of each code, and returns our diagnostics. */
export async function diagnosticsWith(uri: vscode.Uri, codes: string[], timeoutMs = 15_000): Promise<vscode.Diagnostic[]> {
  return waitFor(
    () => {
      const found = ours(uri);
      const have = new Set(found.map(codeOf));
      const missing = codes.filter((c) => !have.has(c));
      if (missing.length > 0) throw new Error(`${uri.path.split('/').pop()} lacks ${missing.join(', ')} (has: ${[...have].join(', ') || 'none'})`);
      return found;
    },
    timeoutMs,
    `diagnostics ${codes.join(', ')}`,
  );
}

/** Position of the first occurrence of `text` in the document (plus `delta` characters). */
export function positionOf(doc: vscode.TextDocument, text: string, delta = 0): vscode.Position {
  const offset = doc.getText().indexOf(text);
  assert.ok(offset >= 0, `${text} is not in ${doc.uri.path}`);
  return doc.positionAt(offset + delta);
}

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  return ext;
}

/** Plain text of hover contents (MarkdownString, MarkedString or string). */
export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : String(c)))
    .join('\n');
}

/** Reverts and closes every editor the tests changed, without a save prompt. */
export async function revertAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && !d.isUntitled)) {
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
