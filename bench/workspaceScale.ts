/**
 * (g) The language server in a large workspace (issue 15): a generated workspace of 1,000 / 10,000 /
 * 50,000 unit files (socket + service pairs, every fifth service with a drop-in, in 100 folders) and
 * `node dist/cli.js lsp --stdio` started on it with a vscode-jsonrpc client, as bench/lspLatency.ts does.
 *
 * For each size it measures
 *   - `initialize` against an empty server's `initialize` in the same run (target ≤ 1.5×);
 *   - the first diagnostics of a document opened right after `initialize` answered (target ≤ 300 ms);
 *   - references, definition and prepareRename on a unit name (median, target < 50 ms);
 *   - how many of the open documents a file event re-validates (one changed service among 20 open units);
 *   - the server's resident memory (VmRSS; target < 120 MB at 10,000 units).
 * Every input is generated deterministically; `node dist/bench.js --only workspace [--sizes 1000,10000]`
 * runs this part alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { fmt, median } from './stats';

const FOLDERS = 100;
const COMMON = 50;

/** Writes `units` unit files (half sockets, half services) and a drop-in for every fifth service. */
export function generateWorkspace(root: string, units: number): { folders: string[]; namingCommon: Map<string, number> } {
  const namingCommon = new Map<string, number>();
  const pairsPerFolder = Math.max(1, Math.floor(units / 2 / FOLDERS));
  const folders: string[] = [];
  for (let f = 0; f < FOLDERS; f++) {
    const dir = join(root, `f${String(f).padStart(2, '0')}`);
    mkdirSync(dir);
    folders.push(dir);
    for (let j = 0; j < pairsPerFolder; j++) {
      const name = `u${j}`;
      const common = `common-${(f * 7 + j) % COMMON}.service`;
      namingCommon.set(common, (namingCommon.get(common) ?? 0) + 1);
      writeFileSync(
        join(dir, `${name}.socket`),
        ['[Unit]', `Description=socket ${f}/${j}`, '', '[Socket]', `ListenStream=${10_000 + ((f * pairsPerFolder + j) % 50_000)}`,
          ...(j % 3 === 0 ? [`Service=${name}.service`] : []), '', '[Install]', 'WantedBy=sockets.target', ''].join('\n'),
      );
      writeFileSync(
        join(dir, `${name}.service`),
        ['[Unit]', `Description=service ${f}/${j}`, `Wants=${common}`, `After=${common} network.target`, '',
          '[Service]', 'ExecStart=/usr/bin/env bench-server --listen-fds', ''].join('\n'),
      );
      if (j % 5 === 0) {
        mkdirSync(join(dir, `${name}.service.d`));
        writeFileSync(join(dir, `${name}.service.d`, '10-env.conf'), ['[Service]', `Environment=FOLDER=${f}`, ''].join('\n'));
      }
    }
  }
  // The units every service names live in the first folder.
  for (let k = 0; k < COMMON; k++) {
    writeFileSync(join(folders[0], `common-${k}.service`), ['[Unit]', `Description=common ${k}`, '', '[Service]', 'ExecStart=/bin/true', ''].join('\n'));
  }
  return { folders, namingCommon };
}

function residentMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

interface Server {
  child: ChildProcess;
  connection: MessageConnection;
  /** Publications of diagnostics in the order they came: uri and the time they arrived. */
  published: Array<{ uri: string; at: number }>;
  waitFor(uri: string, after: number, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

function startServer(cli: string, extraArgs: string[] = []): Server {
  // BENCH_SERVER_NODE_ARGS: node flags for the server (experiments: --max-semi-space-size=1 …).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...extraArgs, cli, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: Array<{ uri: string; at: number }> = [];
  const waiters: Array<{ uri: string; after: number; resolve: (t: number) => void }> = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => {
    const at = performance.now();
    published.push({ uri: p.uri, at });
    for (const w of [...waiters]) {
      if (w.uri === p.uri && at >= w.after) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(at);
      }
    }
  });
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.listen();
  return {
    child,
    connection,
    published,
    waitFor(uri, after, timeoutMs = 30_000) {
      const seen = published.find((p) => p.uri === uri && p.at >= after);
      if (seen) return Promise.resolve(seen.at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ uri, after, resolve: (t) => (clearTimeout(timer), resolve(t)) });
      });
    },
    async stop() {
      try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 5000))]);
        await connection.sendNotification('exit');
      } catch {
        // the process may be gone already
      }
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => (child.kill('SIGKILL'), resolve()), 3000);
        child.once('exit', () => (clearTimeout(timer), resolve()));
      });
      connection.dispose();
    },
  };
}

/** Milliseconds `initialize` takes from sending it to its response. */
async function initialize(server: Server, root: string | null): Promise<number> {
  const t0 = performance.now();
  await server.connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: root ? pathToFileURL(root).href : null,
    workspaceFolders: root ? [{ uri: pathToFileURL(root).href, name: 'bench' }] : null,
    capabilities: {
      workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: false } },
      textDocument: { rename: { prepareSupport: true }, publishDiagnostics: { relatedInformation: true } },
    },
  });
  const ms = performance.now() - t0;
  await server.connection.sendNotification('initialized', {});
  return ms;
}

async function open(server: Server, path: string): Promise<string> {
  const uri = pathToFileURL(path).href;
  await server.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'systemd-unit-file', version: 1, text: readFileSync(path, 'utf8') },
  });
  return uri;
}

async function timeRequest(server: Server, method: string, params: unknown, warmup: number, runs: number): Promise<{ median: number; first: number; result: unknown }> {
  const times: number[] = [];
  let first = 0;
  let result: unknown;
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    result = await server.connection.sendRequest(method, params);
    const ms = performance.now() - t0;
    if (i === 0) first = ms;
    if (i >= warmup) times.push(ms);
  }
  return { median: median(times), first, result };
}

const met = (ok: boolean) => (ok ? 'met' : 'not met');

/** A quiet period: resolves once no diagnostics arrived for `quietMs`. */
async function settle(server: Server, quietMs: number, maxMs = 20_000): Promise<void> {
  const start = performance.now();
  for (;;) {
    const last = server.published.length ? server.published[server.published.length - 1].at : 0;
    const now = performance.now();
    if (now - Math.max(last, start) >= quietMs || now - start > maxMs) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function measureSize(cli: string, dir: string, units: number, emptyInit: number, runs: number, profile: string[]): Promise<void> {
  const root = join(dir, `ws-${units}`);
  mkdirSync(root);
  const { folders, namingCommon } = generateWorkspace(root, units);
  const target = join(folders[50], 'u3.service');
  const label = `${units.toLocaleString('en-US')} units`;

  // initialize and the first diagnostics, on fresh servers.
  const inits: number[] = [];
  const firsts: number[] = [];
  for (let r = 0; r < runs; r++) {
    const server = startServer(cli, r === 0 ? profile : []);
    const init = await initialize(server, root);
    const answered = performance.now();
    const uri = await open(server, target);
    const at = await server.waitFor(uri, answered);
    inits.push(init);
    firsts.push(at - answered);
    if (r < runs - 1) await server.stop();
    else await rest(server, uri);
  }

  async function rest(server: Server, uri: string): Promise<void> {
    const initMs = median(inits);
    const firstMs = median(firsts);
    console.log(
      `  ${label}: initialize ${fmt(initMs)} ms (empty server ${fmt(emptyInit)} ms, ${(initMs / emptyInit).toFixed(2)}×, target ≤ 1.5×: ${met(initMs <= 1.5 * emptyInit)}); ` +
        `first diagnostics ${fmt(firstMs)} ms after it (target ≤ 300 ms: ${met(firstMs <= 300)}) — medians of ${runs}`,
    );
    // Wants=common-N.service is line 3 of every service: a name with ~units/100 references.
    const rssBefore = residentMb(server.child.pid!);
    const at = { textDocument: { uri }, position: { line: 2, character: 8 } };
    const refs = await timeRequest(server, 'textDocument/references', { ...at, context: { includeDeclaration: true } }, 3, 20);
    const def = await timeRequest(server, 'textDocument/definition', at, 3, 20);
    const prep = await timeRequest(server, 'textDocument/prepareRename', at, 3, 20);
    const count = Array.isArray(refs.result) ? refs.result.length : 0;
    // Its file, and Wants= and After= of every service that names it.
    const expected = 1 + 2 * (namingCommon.get(/Wants=(\S+)/.exec(readFileSync(target, 'utf8'))![1]) ?? 0);
    const rssAfter = residentMb(server.child.pid!);
    const slowest = Math.max(refs.median, def.median, prep.median);
    console.log(
      `    references ${fmt(refs.median)} ms (${count} locations of ${expected} in the workspace${count < expected ? ': the walk stops at 20,000 entries' : ''}; first request ${fmt(refs.first)} ms), definition ${fmt(def.median)} ms, ` +
        `prepareRename ${fmt(prep.median)} ms — medians of 20 (target < 50 ms: ${met(slowest < 50)})`,
    );

    // 20 open units in 20 folders; one service changes on disk.
    const openUris: string[] = [uri];
    const opened = performance.now();
    for (let f = 0; f < 19; f++) openUris.push(await open(server, join(folders[f * 5 + 1], f % 2 ? 'u1.socket' : 'u2.service')));
    const socketBeside = await open(server, join(folders[50], 'u3.socket'));
    openUris.push(socketBeside);
    for (const u of openUris.slice(1)) await server.waitFor(u, opened);
    await settle(server, 500);
    const changed = join(folders[50], 'u3.service');
    writeFileSync(changed, readFileSync(changed, 'utf8') + '# changed\n');
    const before = server.published.length;
    const t0 = performance.now();
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(changed).href, type: 2 }] });
    // The socket beside it must be checked again; then whatever else comes within half a second counts.
    await server.waitFor(socketBeside, t0).catch(() => undefined);
    await settle(server, 500);
    const revalidated = new Set(server.published.slice(before).map((p) => p.uri));
    if (process.env.BENCH_DEBUG) console.log([...revalidated].join("\n"));
    const took = server.published.length > before ? server.published[server.published.length - 1].at - t0 : 0;
    console.log(
      `    file event (a service changed): ${revalidated.size} of ${openUris.length} open documents re-validated in ${fmt(took)} ms ` +
        `(target: only those it can affect — its socket and the service itself: ${met(revalidated.size <= 2)})`,
    );
    // References must see the file event: a new file naming common-N.service joins them.
    const created = join(folders[70], 'extra.service');
    const common = /Wants=(\S+)/.exec(readFileSync(target, 'utf8'))![1];
    writeFileSync(created, `[Unit]\nWants=${common}\n`);
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(created).href, type: 1 }] });
    const after = (await server.connection.sendRequest('textDocument/references', { ...at, context: { includeDeclaration: true } })) as unknown[];
    console.log(`    after creating a file that names it: ${after.length} locations (${after.length === count + 1 ? 'one more, as expected' : 'WRONG'})`);

    const rss = residentMb(server.child.pid!);
    // V8 gives memory back (its young generation) only after a while without allocation.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const idle = residentMb(server.child.pid!);
    if (process.env.BENCH_HEAP_SNAPSHOT) {
      // With BENCH_SERVER_NODE_ARGS=--heapsnapshot-signal=SIGUSR2: the server writes a heap snapshot.
      server.child.kill('SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 8000));
    }
    console.log(
      `    server resident memory ${rss.toFixed(1)} MB${units === 10_000 ? ` (target < 120 MB: ${met(rss < 120)})` : ''}; ` +
        `${rssBefore.toFixed(0)} MB at the first diagnostics, ${rssAfter.toFixed(0)} MB after the references requests, ${idle.toFixed(0)} MB after 10 s idle`,
    );
    await server.stop();
  }
}

export async function measureWorkspaceScale(options: { cli: string; dir: string; sizes?: number[]; runs?: number; profile?: string[] }): Promise<void> {
  const sizes = options.sizes ?? [1_000, 10_000, 50_000];
  const runs = options.runs ?? 3;
  console.log(`\n(g) large workspaces: ${sizes.map((s) => s.toLocaleString('en-US')).join(' / ')} unit files in ${FOLDERS} folders, lsp --stdio`);
  const base = mkdtempSync(join(options.dir, 'scale-'));
  try {
    const empty: number[] = [];
    const emptyDir = join(base, 'empty');
    mkdirSync(emptyDir);
    for (let r = 0; r < runs; r++) {
      const server = startServer(options.cli);
      empty.push(await initialize(server, emptyDir));
      if (r === runs - 1) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        console.log(`  empty workspace: server resident memory ${residentMb(server.child.pid!).toFixed(0)} MB`);
      }
      await server.stop();
    }
    const emptyInit = median(empty);
    for (const units of sizes) await measureSize(options.cli, base, units, emptyInit, runs, options.profile ?? []);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

