/**
 * Round-trip latency of the language server as an editor sees it: `node dist/cli.js lsp --stdio` as a
 * child process, a plain JSON-RPC client (vscode-jsonrpc) on its stdio, and the wall time from sending a
 * request to having its decoded response, one request at a time.
 *
 * For a small and a huge unit it measures the median of
 *   - an empty round trip: `sockact/ping`, which the server answers with null and no work, i.e. the cost
 *     of the transport, the JSON-RPC layers and the event loop;
 *   - `textDocument/completion` in a key and in a value;
 *   - `textDocument/hover` on a key.
 * A method the server does not have (MethodNotFound) is reported as "not available" and skipped.
 * Part of `npm run bench` (bench/bench.ts, section (d)); never throws for a server that misbehaves, it
 * prints what went wrong instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fmt, median } from './stats';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  ErrorCodes,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';

export interface LatencyDocument {
  /** label printed for it, e.g. "30-line unit" */
  label: string;
  /** absolute path the document claims to be (a real file, with its .service beside it) */
  path: string;
  text: string;
  runs: number;
  warmup: number;
}

export interface LatencyOptions {
  /** absolute path of dist/cli.js */
  cli: string;
  documents: LatencyDocument[];
  /** per request; a request that takes longer ends the measurement of that method */
  requestTimeoutMs?: number;
}

const PING = 'sockact/ping';

type Outcome = { kind: 'ok'; median: number; min: number; max: number } | { kind: 'unavailable' } | { kind: 'failed'; reason: string };


function show(o: Outcome): string {
  if (o.kind === 'ok') return `${fmt(o.median)} ms`;
  if (o.kind === 'unavailable') return 'not available';
  return `failed (${o.reason})`;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

interface Probe {
  method: string;
  params: unknown;
}

/**
 * Sends each probe warmup + runs times, one request at a time, taking turns (probe 1, 2, 3, 1, 2, 3 …)
 * so that drift (JIT, GC, CPU clock) affects every probe alike; the median of the timed runs of each.
 * A probe that fails is dropped from the rounds that follow.
 */
async function measure(connection: MessageConnection, probes: Probe[], warmup: number, runs: number, timeoutMs: number): Promise<Outcome[]> {
  const outcomes: Array<Outcome | undefined> = probes.map(() => undefined);
  const times: number[][] = probes.map(() => []);
  for (let round = 0; round < warmup + runs; round++) {
    for (let i = 0; i < probes.length; i++) {
      if (outcomes[i]) continue;
      const { method, params } = probes[i];
      const t0 = performance.now();
      try {
        await withTimeout(params === undefined ? connection.sendRequest(method) : connection.sendRequest(method, params), timeoutMs, method);
      } catch (e) {
        outcomes[i] =
          e instanceof ResponseError && e.code === ErrorCodes.MethodNotFound
            ? { kind: 'unavailable' }
            : { kind: 'failed', reason: e instanceof Error ? e.message : String(e) };
        continue;
      }
      if (round >= warmup) times[i].push(performance.now() - t0);
    }
  }
  return probes.map(
    (_, i) => outcomes[i] ?? { kind: 'ok', median: median(times[i]), min: Math.min(...times[i]), max: Math.max(...times[i]) },
  );
}

/** 0-based position of `column` in the last line that starts with `prefix` (the worst case for a scan from the top). */
function lastLineStarting(text: string, prefix: string, column: number): { line: number; character: number } | undefined {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].startsWith(prefix)) return { line: i, character: column };
  return undefined;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function measureLspLatency(options: LatencyOptions): Promise<void> {
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const child = spawn(process.execPath, [options.cli, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published = new Set<string>();
  const waiters = new Map<string, () => void>();
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => {
    published.add(p.uri);
    waiters.get(p.uri)?.();
  });
  // Defaults for every setting, as a client without sockact settings would answer.
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.listen();

  try {
    const init = (await Promise.race([
      withTimeout(
        connection.sendRequest('initialize', {
          processId: process.pid,
          rootUri: null,
          capabilities: {
            workspace: { configuration: true },
            textDocument: {
              synchronization: { didSave: false },
              completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
              hover: { contentFormat: ['markdown', 'plaintext'] },
              publishDiagnostics: { relatedInformation: true },
            },
          },
        }),
        timeoutMs,
        'initialize',
      ),
      spawnError,
    ])) as { capabilities: Record<string, unknown> };
    await connection.sendNotification('initialized', {});
    const advertised = ['completionProvider', 'hoverProvider'].filter((c) => init.capabilities[c]).join(', ') || 'neither completion nor hover';
    console.log(`  server advertises: ${advertised}`);

    for (const doc of options.documents) {
      const uri = pathToFileURL(doc.path).href;
      // Open, and wait for its diagnostics, so the validation on open is not part of what is measured.
      const diagnosed = new Promise<void>((resolve) => (published.has(uri) ? resolve() : waiters.set(uri, resolve)));
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'systemd-unit-file', version: 1, text: doc.text },
      });
      await withTimeout(diagnosed, timeoutMs, `diagnostics for ${doc.label}`).catch((e: Error) => console.log(`  ${doc.label}: ${e.message}`));

      const key = lastLineStarting(doc.text, 'Backlog=', 4); // Back|log=
      const value = lastLineStarting(doc.text, 'KeepAlive=', 'KeepAlive='.length); // KeepAlive=|yes
      const hoverAt = lastLineStarting(doc.text, 'Backlog=', 2); // Ba|cklog
      if (!key || !value || !hoverAt) throw new Error(`${doc.label}: no Backlog=/KeepAlive= line to measure at`);
      const at = (position: { line: number; character: number }) => ({ textDocument: { uri }, position });

      const [ping, completionKey, completionValue, hover] = await measure(
        connection,
        [
          { method: PING, params: undefined },
          { method: 'textDocument/completion', params: at(key) },
          { method: 'textDocument/completion', params: at(value) },
          { method: 'textDocument/hover', params: at(hoverAt) },
        ],
        doc.warmup,
        doc.runs,
        timeoutMs,
      );

      // "completion" in the summary is the slower of the two positions.
      const completions = [completionKey, completionValue];
      const completion: Outcome = completions.every((c) => c.kind === 'ok')
        ? completions.reduce((a, b) => ((a as { median: number }).median >= (b as { median: number }).median ? a : b))
        : (completions.find((c) => c.kind === 'failed') ?? completions.find((c) => c.kind === 'unavailable'))!;
      const ratio =
        completion.kind === 'ok' && ping.kind === 'ok' ? `${(completion.median / ping.median).toFixed(2)}×` : 'n/a';
      console.log(
        `  ${doc.label}: completion median ${show(completion)}, hover ${show(hover)}, empty round-trip ${show(ping)} ` +
          `(completion/empty = ${ratio}, target ≤ 1.5×)`,
      );
      const detail = (name: string, o: Outcome, p: { line: number; character: number }) =>
        `${name} at ${p.line + 1}:${p.character + 1} ${show(o)}${o.kind === 'ok' ? ` (min ${fmt(o.min)}, max ${fmt(o.max)})` : ''}`;
      console.log(
        `    ${detail('completion in a key', completionKey, key)}; ${detail('in a value', completionValue, value)}; ` +
          `${detail('hover', hover, hoverAt)}; ${doc.runs} runs each after ${doc.warmup} warm-up`,
      );
    }

    await withTimeout(connection.sendRequest('shutdown'), timeoutMs, 'shutdown');
    await connection.sendNotification('exit');
    await stop(child);
  } catch (e) {
    console.log(`  stopped: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    connection.dispose();
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}
