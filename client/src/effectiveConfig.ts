/**
 * "Show Effective Configuration": the unit merged with its drop-ins as a read-only document of its own
 * scheme (sockact-effective:), computed by the language server (sockact/effectiveConfiguration) and
 * shown as a unit file, with every "path:line" a link to where the line comes from.
 *
 * The document has the unit-file language for its colours, but the language server never sees it (the
 * client's middleware keeps it out, isVirtual()): it is no file of the unit, and checking it would report
 * what the real files already report, at lines that do not exist there.
 */
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';

export const EFFECTIVE_SCHEME = 'sockact-effective';
const REQUEST = 'sockact/effectiveConfiguration';
const LANGUAGE_ID = 'systemd-unit-file';
const MAX_KEPT = 16;

/** What the server answers (server/src/service/effectiveConfig.ts; only the parts shown here). */
interface Answer {
  unit: string;
  text: string;
  links: Array<{ line: number; start: number; end: number; targetUri: string; targetLine: number }>;
}

/** A document of the effective-configuration scheme (the language client must leave it alone). */
export function isVirtual(document: { uri: vscode.Uri }): boolean {
  return document.uri.scheme === EFFECTIVE_SCHEME;
}

export class EffectiveConfigView implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /**
   * The last answer per virtual document (its links are served from it). Kept when the document closes:
   * changing its language closes and reopens it without asking for the content again. A few at most.
   */
  private readonly answers = new Map<string, Answer>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly client: () => BaseLanguageClient | undefined) {
    this.subscriptions.push(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(EFFECTIVE_SCHEME, this),
      vscode.languages.registerDocumentLinkProvider({ scheme: EFFECTIVE_SCHEME }, this),
      // An edit of any unit file or drop-in may change an open merged view: ask again once typing pauses.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === LANGUAGE_ID && !isVirtual(e.document)) this.scheduleRefresh();
      }),
    );
  }

  /** The virtual document of a unit file or drop-in: one per source, named after the file. */
  static uriFor(source: vscode.Uri): vscode.Uri {
    const name = source.path.slice(source.path.lastIndexOf('/') + 1);
    return vscode.Uri.from({ scheme: EFFECTIVE_SCHEME, path: `/${name} (effective)`, query: source.toString() });
  }

  private async ask(source: string): Promise<Answer> {
    const client = this.client();
    if (!client) throw new Error('the language server has not been started');
    return client.sendRequest<Answer>(REQUEST, { textDocument: { uri: source } });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    try {
      const answer = await this.ask(uri.query);
      this.remember(uri, answer);
      return answer.text;
    } catch (e) {
      this.answers.delete(uri.toString());
      return `# The effective configuration cannot be shown: ${oneLine(e)}\n`;
    }
  }

  private remember(uri: vscode.Uri, answer: Answer): void {
    this.answers.delete(uri.toString());
    this.answers.set(uri.toString(), answer);
    if (this.answers.size > MAX_KEPT) this.answers.delete(this.answers.keys().next().value!);
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const answer = this.answers.get(document.uri.toString());
    // Links only for the text they were computed with (an answer newer than the text shown would misplace them).
    if (!answer || answer.text !== document.getText()) return [];
    return answer.links.map((l) => {
      const link = new vscode.DocumentLink(
        new vscode.Range(l.line, l.start, l.line, l.end),
        vscode.Uri.parse(l.targetUri).with({ fragment: `L${l.targetLine + 1}` }),
      );
      link.tooltip = 'Open the line this comes from';
      return link;
    });
  }

  /**
   * Opens the effective configuration of `arg` (a URI from the code lens or explorer), else of the active
   * editor's unit; in a merged view, of the unit it shows. Returns the virtual document's URI.
   */
  async show(arg?: unknown): Promise<string | undefined> {
    const source = sourceOf(arg);
    if (!source) {
      void vscode.window.showWarningMessage('Socket Activation: open a unit file or a drop-in to see its effective configuration.');
      return undefined;
    }
    try {
      // Asked first, so a file that is no unit gets a message instead of an empty document.
      await this.ask(source.toString());
    } catch (e) {
      void vscode.window.showWarningMessage(`Socket Activation: cannot show the effective configuration: ${oneLine(e)}`);
      return undefined;
    }
    const uri = EffectiveConfigView.uriFor(source);
    // Already open: show it as it is now.
    this.changed.fire(uri);
    let document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== LANGUAGE_ID) document = await vscode.languages.setTextDocumentLanguage(document, LANGUAGE_ID);
    await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    return uri.toString();
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      for (const d of vscode.workspace.textDocuments) if (isVirtual(d)) this.changed.fire(d.uri);
    }, 300);
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const s of this.subscriptions) s.dispose();
  }
}

function sourceOf(arg: unknown): vscode.Uri | undefined {
  const given = arg instanceof vscode.Uri ? arg : typeof arg === 'string' && arg !== '' ? vscode.Uri.parse(arg) : undefined;
  const uri = given ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri) return undefined;
  return uri.scheme === EFFECTIVE_SCHEME ? vscode.Uri.parse(uri.query) : uri;
}

function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0];
}
