/**
 * Fast typing on a large unit full of warnings: a thousand one-character edits sent as fast as the pipe
 * takes them, a hover in the middle. Measures how long the server needs, after the last edit, to publish
 * the final diagnostics, the hover's round trip, and the server's resident memory.
 */
import { residentMb, startLspServer } from '../helpers/lspServer';

export interface StormFigures {
  lines: number;
  edits: number;
  warnings: number;
  /** From the last edit sent to the final diagnostics published. */
  drainMs: number;
  hoverMs: number;
  maxRssMb: number;
}

export async function storm(lines = 3000, edits = 1000): Promise<StormFigures> {
  const server = await startLspServer({ systemdVersion: 252 });
  try {
    const body: string[] = ['[Socket]'];
    while (body.length < lines) body.push(`ListenStream=/var/run/s${body.length}.sock`, `Backlog=${body.length}`);
    const text = body.join('\n') + '\n';
    const uri = 'file:///sockact-storm/big.socket';
    await server.open(uri, text);
    const first = await server.diagnosticsFor(uri, 1);
    let maxRss = residentMb(server.pid);
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, residentMb(server.pid))), 20);
    let hoverMs = 0;
    let version = 1;
    for (let i = 0; i < edits; i++) {
      version++;
      // Type one character at the end of line 2, as a user typing there would.
      const at = { line: 2, character: 7 + i };
      void server.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: at, end: at }, text: String(i % 10) }],
      });
      if (i === edits >> 1) {
        const t = performance.now();
        void server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 3 } }).then(() => (hoverMs = performance.now() - t));
      }
    }
    const sent = performance.now();
    await server.diagnosticsFor(uri, version);
    const drainMs = performance.now() - sent;
    clearInterval(sampler);
    maxRss = Math.max(maxRss, residentMb(server.pid));
    return { lines, edits, warnings: first.diagnostics.length, drainMs, hoverMs, maxRssMb: maxRss };
  } finally {
    await server.stop();
  }
}

export interface LargeUnitFigures {
  lines: number;
  /** Slowest round trip per request kind, ms. */
  slowest: Record<string, number>;
  /** The reference: an empty round trip (sockact/ping). */
  pingMs: number;
}

/**
 * Every request kind at random places of a 10,000-line unit made of real units, a few times each: the
 * slowest round trip per kind, beside an empty round trip for scale.
 */
export async function largeUnitLatency(seedTexts: string[], lines = 10_000, rounds = 5): Promise<LargeUnitFigures> {
  const server = await startLspServer({ systemdVersion: 252 }, { clientCapabilities: { textDocument: { rename: { prepareSupport: true } } } });
  try {
    const body: string[] = [];
    for (let i = 0; body.length < lines; i++) body.push(...seedTexts[i % seedTexts.length].split('\n'));
    const text = body.slice(0, lines).join('\n') + '\n';
    const uri = 'file:///sockact-large/big.service';
    await server.open(uri, text);
    await server.diagnosticsFor(uri, 1);
    const slowest: Record<string, number> = {};
    const time = async (label: string, params: unknown) => {
      const method = label.replace(/ \(.*\)$/, '');
      const t = performance.now();
      await server.connection.sendRequest(method, params).catch(() => undefined);
      slowest[label] = Math.max(slowest[label] ?? 0, performance.now() - t);
    };
    let pingMs = Infinity;
    for (let r = 0; r < rounds; r++) {
      const line = Math.floor(((r + 1) / (rounds + 1)) * lines);
      const position = { line, character: 3 };
      const doc = { textDocument: { uri } };
      const t = performance.now();
      await server.connection.sendRequest('sockact/ping', null);
      pingMs = Math.min(pingMs, performance.now() - t);
      await time('textDocument/completion', { ...doc, position });
      await time('textDocument/hover', { ...doc, position });
      await time('textDocument/codeAction', { ...doc, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } }, context: { diagnostics: [] } });
      await time('textDocument/codeAction (one line)', { ...doc, range: { start: position, end: position }, context: { diagnostics: [] } });
      await time('textDocument/documentSymbol', doc);
      await time('textDocument/foldingRange', doc);
      await time('textDocument/documentLink', doc);
      await time('textDocument/codeLens', doc);
      await time('textDocument/definition', { ...doc, position });
      await time('textDocument/references', { ...doc, position, context: { includeDeclaration: true } });
      await time('textDocument/prepareRename', { ...doc, position });
    }
    return { lines, slowest, pingMs };
  } finally {
    await server.stop();
  }
}
