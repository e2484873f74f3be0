/**
 * Fast typing on a large unit full of warnings: a thousand one-character edits sent as fast as the pipe
 * takes them, a hover in the middle. Measures how long the server needs, after the last edit, to publish
 * the final diagnostics, the hover's round trip, and the server's resident memory.
 */
import { readFileSync } from 'node:fs';
import { startLspServer } from '../helpers/lspServer';

export interface StormFigures {
  lines: number;
  edits: number;
  warnings: number;
  /** From the last edit sent to the final diagnostics published. */
  drainMs: number;
  hoverMs: number;
  maxRssMb: number;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
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
    let maxRss = rssMb(server.pid);
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMb(server.pid))), 20);
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
    maxRss = Math.max(maxRss, rssMb(server.pid));
    return { lines, edits, warnings: first.diagnostics.length, drainMs, hoverMs, maxRssMb: maxRss };
  } finally {
    await server.stop();
  }
}
