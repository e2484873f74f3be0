/**
 * `sockact activate --watch`: a saved file replaces the program on the same sockets without a failed
 * connection. Real sockact (dist/cli.js), real examples/node-http, real HTTP clients on 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { execLine } from './helpers/unitQuote';
import { freePort, start, waitFor, kill, probeDir, stopRun, startedPids } from './helpers/activate';

const NODE_HTTP = fileURLToPath(new URL('../examples/node-http/server.mjs', import.meta.url));

interface Outcome {
  ok: boolean;
  pid?: number;
  ms: number;
  error?: string;
}

/** One GET on a fresh connection (Connection: close), generous timeout: a slow answer is not a failure. */
function get(port: number): Promise<Outcome> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/watch', agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        const m = /^hello from pid (\d+) \(socket-activated\)/.exec(body);
        resolve({ ok: res.statusCode === 200 && !!m, pid: m ? Number(m[1]) : undefined, ms: performance.now() - t0, error: m ? undefined : `status ${res.statusCode}: ${body}` });
      });
      res.on('error', (e) => resolve({ ok: false, ms: performance.now() - t0, error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ ok: false, ms: performance.now() - t0, error: e.message }));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('Accept=no: 200 requests/s to examples/node-http while server.mjs is saved 20 times: none fails, the pid changes, no start limit', async (t) => {
  const port = await freePort();
  const { dir } = probeDir('node-http');
  const app = join(dir, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  const source = join(app, 'server.mjs');
  copyFileSync(NODE_HTTP, source);
  const original = readFileSync(source, 'utf8');
  writeFileSync(join(dir, 'node-http.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n`);
  // The default start limit (5 starts in 10 s) stays: watch restarts must not count against it.
  writeFileSync(join(dir, 'node-http.service'), `[Service]\nWorkingDirectory=${app}\nExecStart=${execLine(process.execPath, 'server.mjs')}\n`);
  const run = start(['--watch', join(dir, 'node-http.socket')]);
  try {
    await waitFor('watching', () => run.err().includes('waiting for the first connection'));
    assert.match(run.err(), /watching .*app \(1 folder\)/, 'node_modules is not watched');
    const first = await get(port);
    assert.ok(first.ok, first.error);

    const outcomes: Outcome[] = [];
    const pending: Array<Promise<void>> = [];
    let sending = true;
    const client = (async () => {
      // ~200/s: one request every 5 ms, each on its own connection, not waiting for the answers.
      for (let next = performance.now(); sending; next += 5) {
        pending.push(get(port).then((o) => void outcomes.push(o)));
        await sleep(Math.max(0, next + 5 - performance.now()));
      }
    })();
    for (let i = 1; i <= 20; i++) {
      await sleep(400);
      writeFileSync(source, `${original}\n// edit ${i}\n`);
      // A write in an ignored folder is not a change.
      writeFileSync(join(app, 'node_modules', 'x.js'), String(i));
    }
    // Each restart has started its successor (the first start came from the first request).
    const settled = () => {
      const restarts = (run.err().match(/changed: restarting pid/g) ?? []).length;
      return restarts > 0 && startedPids(run.err()).length === restarts + 1;
    };
    await sleep(300);
    await waitFor('the last restart', settled, 5000);
    await sleep(700);
    sending = false;
    await client;
    await Promise.all(pending);

    const failed = outcomes.filter((o) => !o.ok);
    const pids = new Set(outcomes.map((o) => o.pid).filter((p) => p !== undefined));
    const longest = Math.max(...outcomes.map((o) => o.ms));
    t.diagnostic(`${outcomes.length} requests, ${failed.length} failed, ${pids.size} programs answered, longest ${longest.toFixed(0)} ms`);
    assert.ok(outcomes.length >= 1000, `only ${outcomes.length} requests were sent`);
    assert.deepEqual(failed.slice(0, 3).map((o) => o.error), [], `${failed.length} of ${outcomes.length} requests failed`);
    assert.ok(pids.size >= 5, `only ${pids.size} programs answered`);
    const restarts = (run.err().match(/server\.mjs changed: restarting pid/g) ?? []).length;
    assert.ok(restarts >= 5, `${restarts} restarts`);
    assert.doesNotMatch(run.err(), /start limit hit|trigger limit hit|x\.js changed/);
    assert.equal(run.child.exitCode, null, 'sockact still runs');
    // Every replaced program is gone; only the newest one runs.
    const started = startedPids(run.err());
    for (const pid of started.slice(0, -1)) assert.throws(() => process.kill(pid, 0), `pid ${pid} still runs`);
    await stopRun(run);
  } finally {
    kill(run.child);
  }
});

test('Accept=no with --build: a failed build keeps the old program running and says why; the next good one restarts it', async () => {
  const port = await freePort();
  const { dir } = probeDir('build');
  const app = join(dir, 'app');
  mkdirSync(app, { recursive: true });
  copyFileSync(NODE_HTTP, join(app, 'server.mjs'));
  // The build fails while a file named `broken` exists (an argument array, no shell).
  writeFileSync(join(dir, 'build.mjs'), `import { existsSync } from 'node:fs';\nif (existsSync(${JSON.stringify(join(app, 'broken'))})) { console.error('syntax error'); process.exit(2); }\n`);
  writeFileSync(join(dir, 'web.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n`);
  writeFileSync(join(dir, 'web.service'), `[Service]\nWorkingDirectory=${app}\nExecStart=${execLine(process.execPath, 'server.mjs')}\n`);
  const run = start(['--now', '--watch', '--build', process.execPath, '--build-arg', join(dir, 'build.mjs'), join(dir, 'web.socket')]);
  try {
    const [pid] = await waitFor('the start', () => startedPids(run.err()).length > 0 && startedPids(run.err()));
    writeFileSync(join(app, 'broken'), '');
    await waitFor('the failed build', () => /build failed: node exited with code 2; pid \d+ keeps running/.test(run.err()));
    assert.equal((await get(port)).pid, pid, 'the old program still answers');
    rmSync(join(app, 'broken'));
    const [, second] = await waitFor('the restart', () => startedPids(run.err()).length > 1 && startedPids(run.err()));
    const after = await get(port);
    assert.ok(after.ok, after.error);
    assert.equal(after.pid, second);
    await stopRun(run);
  } finally {
    kill(run.child);
  }
});

/** An Accept=yes program: says its VERSION and pid on connect, then echoes lines with them. */
const ECHO = (version: number) => `import * as net from 'node:net';
const VERSION = ${version};
const s = new net.Socket({ fd: 3, readable: true, writable: true });
s.write(\`\${VERSION} \${process.pid} hello\\n\`);
s.on('data', (d) => { for (const line of String(d).split('\\n').filter(Boolean)) { s.write(\`\${VERSION} \${process.pid} \${line}\\n\`); if (line === 'bye') s.end(); } });
s.on('end', () => process.exit(0));
s.on('error', () => process.exit(1));
`;

function lines(port: number) {
  const c = net.connect({ host: '127.0.0.1', port });
  let data = '';
  c.on('data', (d) => (data += d));
  c.on('error', () => {});
  return { c, data: () => data };
}

test('Accept=yes: after a change new connections get the new program, an open one finishes with the old', async () => {
  const port = await freePort();
  const { dir } = probeDir('accept');
  const app = join(dir, 'app');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'echo.mjs'), ECHO(1));
  writeFileSync(join(dir, 'echo.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\n`);
  writeFileSync(join(dir, 'echo@.service'), `[Service]\nExecStart=${execLine(process.execPath, join(app, 'echo.mjs'))}\n`);
  // No WorkingDirectory=: the default tree is the folder of the script.
  const run = start(['--watch', join(dir, 'echo.socket')]);
  try {
    // The watch line follows the listening lines; wait for it rather than for the first of them.
    await waitFor('watching', () => /watching /.test(run.err()));
    assert.match(run.err(), /watching .*app \(1 folder\)/);
    const old = lines(port);
    await waitFor('the old program', () => /^1 \d+ hello\n/.test(old.data()));
    writeFileSync(join(app, 'echo.mjs'), ECHO(2));
    await waitFor('the change', () => /echo\.mjs changed: new connections get the new program; 1 open one finishes with the old/.test(run.err()));
    const fresh = lines(port);
    await waitFor('the new program', () => /^2 \d+ hello\n/.test(fresh.data()));
    old.c.write('still here\n');
    await waitFor('the old one answering', () => /\n1 \d+ still here\n/.test(old.data()));
    old.c.end('bye\n');
    fresh.c.end('bye\n');
    await stopRun(run);
  } finally {
    kill(run.child);
  }
});

test('--watch usage: --build-arg needs --build, --build needs --watch, --watch= needs a path; exit 2 before anything is opened', async () => {
  const { dir } = probeDir('usage');
  writeFileSync(join(dir, 'u.socket'), '[Socket]\nListenStream=127.0.0.1:1\n');
  for (const [args, message] of [
    [['--build-arg', 'x', '--watch'], /--build-arg without --build/],
    [['--build', 'make'], /--build runs before each restart of --watch/],
    [['--watch='], /--watch= wants a file or folder/],
    [['--watch=/nonexistent/sockact-watch'], /no such file or folder/],
  ] as const) {
    const run = start([...args, join(dir, 'u.socket'), '--', process.execPath]);
    assert.equal(await run.exited, 2, run.err());
    assert.match(run.err(), message);
  }
});

test('Accept=no: a program that ignores SIGTERM is killed after TimeoutStopSec=; a crash loop under --watch keeps the sockets until the next change', async () => {
  const port = await freePort();
  const { dir } = probeDir('stubborn');
  const app = join(dir, 'app');
  mkdirSync(app, { recursive: true });
  // Serves fd 3, ignores SIGTERM; with CRASH set it exits 3 at once.
  writeFileSync(join(app, 'stubborn.mjs'), `import * as net from 'node:net';\nimport { existsSync } from 'node:fs';\nif (existsSync(new URL('./crash', import.meta.url))) process.exit(3);\nprocess.on('SIGTERM', () => {});\nnet.createServer((c) => c.end(\`pid \${process.pid}\\n\`)).listen({ fd: 3 });\n`);
  writeFileSync(join(dir, 's.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nTriggerLimitBurst=3\nTriggerLimitIntervalSec=30s\n`);
  writeFileSync(join(dir, 's.service'), `[Service]\nWorkingDirectory=${app}\nExecStart=${execLine(process.execPath, 'stubborn.mjs')}\nTimeoutStopSec=300ms\n`);
  const run = start(['--now', '--watch', join(dir, 's.socket')]);
  const pending: net.Socket[] = [];
  try {
    const [pid] = await waitFor('the start', () => startedPids(run.err()).length > 0 && startedPids(run.err()));
    const ask = () => new Promise<string>((resolve) => {
      const c = net.connect({ host: '127.0.0.1', port });
      let data = '';
      c.on('data', (d) => (data += d));
      c.on('end', () => resolve(data));
      c.on('error', () => resolve(''));
    });
    assert.equal(await ask(), `pid ${pid}\n`);
    const t0 = Date.now();
    writeFileSync(join(app, 'crash'), '');
    await waitFor('the kill', () => run.err().includes(`pid ${pid} did not stop within 300ms (TimeoutStopSec=); killed`));
    assert.ok(Date.now() - t0 < 2000);
    await waitFor('the crash', () => /exited with code 3/.test(run.err()));
    // Queued connections start it again and again, until the trigger limit: sockact keeps the sockets.
    for (let i = 0; i < 3; i++) {
      const c = net.connect({ host: '127.0.0.1', port });
      c.on('error', () => {});
      pending.push(c);
    }
    await waitFor('the limit', () => /trigger limit hit: .*; under --watch the sockets stay open and the next change starts it again/.test(run.err()));
    assert.equal(run.child.exitCode, null, 'sockact still runs');
    rmSync(join(app, 'crash'));
    await waitFor('the reset', () => /changed: the limits are reset/.test(run.err()));
    // The queued connections are answered by the fixed program.
    for (const c of pending) {
      let data = '';
      c.on('data', (d) => (data += d));
      await waitFor('an answer to a queued connection', () => /^pid \d+\n$/.test(data));
    }
    assert.match(await ask(), /^pid \d+\n$/);
    // No stopRun: it ignores SIGTERM; the SIGKILL below takes it along (orphans.ts).
  } finally {
    for (const c of pending) c.destroy();
    kill(run.child);
  }
});
