/**
 * Formatting and semantic tokens through VS Code's own commands (the ones Format Document, Format
 * Selection, format on type and the theme's colouring use), on untitled unit documents.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LANGUAGE_ID, waitFor } from './helpers';

const OPTIONS: vscode.FormattingOptions = { tabSize: 4, insertSpaces: true };
const MESSY = '[Unit]\nDescription = Web  \n[Socket]\nListenStream = 8080\nAccept=yes\n\n\n';

async function untitled(content: string): Promise<vscode.TextDocument> {
  return vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content });
}

/** The document's text with the edits applied, without changing the document. */
function applied(doc: vscode.TextDocument, edits: readonly vscode.TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => doc.offsetAt(b.range.start) - doc.offsetAt(a.range.start));
  let text = doc.getText();
  for (const e of sorted) text = text.slice(0, doc.offsetAt(e.range.start)) + e.newText + text.slice(doc.offsetAt(e.range.end));
  return text;
}

describe('formatting', () => {
  it('Format Document: Key=value, no trailing blanks, one blank line between sections, one final line break', async () => {
    const doc = await untitled(MESSY);
    // The first request may come before the server has the document: ask until edits arrive.
    const edits = await waitFor(async () => {
      const e = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', doc.uri, OPTIONS);
      return e?.length ? e : undefined;
    }, 15_000, 'formatting edits');
    assert.equal(applied(doc, edits), '[Unit]\nDescription=Web\n\n[Socket]\nListenStream=8080\nAccept=yes\n');
    // Small edits, not a replacement of the whole document.
    assert.ok(edits.every((e) => e.range.start.line === e.range.end.line || e.newText === ''), JSON.stringify(edits));
    const edit = new vscode.WorkspaceEdit();
    edit.set(doc.uri, edits);
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    assert.equal(doc.getText(), '[Unit]\nDescription=Web\n\n[Socket]\nListenStream=8080\nAccept=yes\n');
  });

  it('Format Selection takes only the selected lines; format on type after = only that =', async () => {
    const doc = await untitled(MESSY);
    const ranged = await waitFor(async () => {
      const e = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatRangeProvider', doc.uri, new vscode.Range(3, 0, 3, 5), OPTIONS);
      return e?.length ? e : undefined;
    }, 15_000, 'range formatting edits');
    assert.equal(applied(doc, ranged), '[Unit]\nDescription = Web  \n[Socket]\nListenStream=8080\nAccept=yes\n\n\n');
    const typed = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatOnTypeProvider', doc.uri, new vscode.Position(1, 13), '=', OPTIONS);
    assert.equal(applied(doc, typed ?? []), '[Unit]\nDescription=Web  \n[Socket]\nListenStream = 8080\nAccept=yes\n\n\n');
  });
});

describe('semantic tokens', () => {
  it('colours sections, keys and values with standard token types', async () => {
    const doc = await untitled('[Socket]\nListenStream=8080\nAccept=yes\nBogus=1\n[Service]\nType=notify\n');
    const legend = await waitFor(
      async () => vscode.commands.executeCommand<vscode.SemanticTokensLegend | undefined>('vscode.provideDocumentSemanticTokensLegend', doc.uri),
      15_000,
      'the semantic tokens legend',
    );
    const decode = (tokens: vscode.SemanticTokens | undefined) => {
      const data = tokens?.data ?? new Uint32Array();
      const out: string[] = [];
      for (let i = 0, line = 0, ch = 0; i < data.length; i += 5) {
        line += data[i];
        ch = data[i] === 0 ? ch + data[i + 1] : data[i + 1];
        out.push(`${doc.getText(new vscode.Range(line, ch, line, ch + data[i + 2]))} ${legend.tokenTypes[data[i + 3]]}`);
      }
      return out;
    };
    const full = await waitFor(async () => {
      const t = decode(await vscode.commands.executeCommand<vscode.SemanticTokens>('vscode.provideDocumentSemanticTokens', doc.uri));
      return t.length ? t : undefined;
    }, 15_000, 'semantic tokens');
    assert.deepEqual(full, ['Socket namespace', 'ListenStream property', '8080 number', 'Accept property', 'yes keyword', 'Bogus variable', 'Service namespace', 'Type property', 'notify enumMember']);
    const range = decode(await vscode.commands.executeCommand<vscode.SemanticTokens>('vscode.provideDocumentRangeSemanticTokens', doc.uri, new vscode.Range(2, 0, 2, 5)));
    assert.deepEqual(range, ['Accept property', 'yes keyword']);
  });
});
