/**
 * `sockact activate` with real sockets, real child processes and temp folders (bundled CLI, dist/cli.js).
 */
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { join } from 'node:path';
import { execLine } from './helpers/unitQuote';

import {
  root, freePort, start, waitFor, reports, request, requestEnd, pythonRequest, kill, probeDir, writeService, stopRun, startedPids,
} from './helpers/activate';
test('Accept=no: TCP + Unix sockets as fds 3,4 with names, LISTEN_PID is the program, SIGTERM cleans up', async () => {
  const port = await freePort();
  const { dir, out } = probeDir('web');
  const sock = join(dir, 'run', 'web.sock');
  writeFileSync(join(dir, 'web.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nListenStream=${sock}\nFileDescriptorName=web\n`);
  writeService(dir, 'web.service', `Environment=PROBE_OUT=${out} FOO=bar\n`);
  const run = start([join(dir, 'web.socket')]);
  try {
    await waitFor('listening', () => run.err().includes('waiting for the first connection'));
    // The first connection (here on the Unix socket) starts the program, which then answers it.
    const first = await request({ path: sock });
    const [r] = await waitFor('the probe report', () => reports(out).length > 0 && reports(out));
    assert.equal(first, `pid ${r.pid}\n`);
    assert.equal(r.LISTEN_PID, String(r.pid));
    assert.equal(r.LISTEN_FDS, '2');
    assert.equal(r.LISTEN_FDNAMES, 'web:web');
    assert.equal(r.FOO, 'bar');
    assert.deepEqual(r.fds.map((f: any) => f.socket), [true, true]);
    assert.equal(await request({ host: '127.0.0.1', port }), `pid ${r.pid}\n`);
    assert.equal(await request({ path: sock }), `pid ${r.pid}\n`);
    assert.match(run.err(), new RegExp(`listening on 127\\.0\\.0\\.1:${port} \\(fd 3, web\\)`));
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    assert.equal(existsSync(sock), false, 'the socket file is removed');
    assert.throws(() => process.kill(r.pid, 0), 'the program is gone');
    assert.doesNotMatch(run.err(), /^\s+at /m);
  } finally {
    kill(run.child);
  }
});

test('default fd name is the unit file name; a crashing program is restarted until the trigger limit', async () => {
  const port = await freePort();
  const { dir, out } = probeDir('crash');
  writeFileSync(join(dir, 'crash.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nTriggerLimitBurst=3\nTriggerLimitIntervalSec=10s\n`);
  writeService(dir, 'crash.service', `Environment=PROBE_OUT=${out} PROBE_MODE=crash\n`);
  const run = start([join(dir, 'crash.socket')]);
  let pending: net.Socket | undefined;
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    // One connection that nobody accepts: it stays queued, so each exit is followed by a new start.
    pending = net.connect({ host: '127.0.0.1', port });
    pending.on('error', () => {});
    assert.equal(await Promise.race([run.exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]), 1);
    const rs = reports(out);
    assert.equal(rs.length, 3);
    assert.equal(rs[0].LISTEN_FDNAMES, 'crash.socket');
    assert.match(run.err(), /exited with code 3/);
    assert.match(run.err(), /^sockact: trigger limit hit: the socket started the program 3 times in 10s \(TriggerLimitBurst=3, TriggerLimitIntervalSec=10s in crash\.socket\); /m);
  } finally {
    pending?.destroy();
    kill(run.child);
  }
});

test('Accept=yes: one program per connection, REMOTE_ADDR, concurrent clients', async () => {
  const port = await freePort();
  const { dir, out } = probeDir('echo');
  writeFileSync(join(dir, 'echo.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\n`);
  writeService(dir, 'echo@.service', `Environment=PROBE_OUT=${out} PROBE_MODE=echo\n`);
  const run = start([join(dir, 'echo.socket')]);
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    const answers = await Promise.all([1, 2, 3].map((i) => request({ host: '127.0.0.1', port }, `hello ${i}\nbye\n`)));
    const pids = answers.map((a) => a.split(' ')[0]);
    assert.equal(new Set(pids).size, 3, answers.join('|'));
    answers.forEach((a, i) => assert.match(a, new RegExp(`^\\d+ hello ${i + 1}\\n\\d+ bye\\n$`)));
    const rs = reports(out);
    assert.equal(rs.length, 3);
    for (const r of rs) {
      assert.equal(r.REMOTE_ADDR, '127.0.0.1');
      assert.equal(r.LISTEN_FDNAMES, 'connection');
      assert.equal(r.LISTEN_PID, String(r.pid));
    }
  } finally {
    kill(run.child);
  }
});

test('Accept=yes with MaxConnections=1 drops the second concurrent connection', async () => {
  const port = await freePort();
  const dir = join(root, 'max');
  mkdirSync(join(dir, 'out'), { recursive: true });
  writeFileSync(join(dir, 'max.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\nMaxConnections=1\n`);
  writeService(dir, 'max@.service', `Environment=PROBE_MODE=echo\n`);
  const run = start([join(dir, 'max.socket')]);
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    const first = net.connect({ host: '127.0.0.1', port });
    // The program goes away with sockact at the end: a reset then is expected, not a failure.
    first.on('error', () => {});
    let firstData = '';
    first.on('data', (d) => (firstData += d));
    first.write('one\n');
    await waitFor('the first answer', () => firstData.includes('one'));
    const second = await request({ host: '127.0.0.1', port }, 'two\n').catch(() => '');
    assert.equal(second, '');
    assert.match(run.err(), /too many incoming connections/);
    first.end('bye\n');
  } finally {
    kill(run.child);
  }
});

test('a unit systemd would refuse is not started: diagnostics, exit 1, nothing bound', async () => {
  const dir = join(root, 'bad');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bad.socket'), '[Socket]\nAccept=yes\n');
  writeService(dir, 'bad@.service', '');
  const run = start([join(dir, 'bad.socket')]);
  assert.equal(await run.exited, 1);
  assert.match(run.out(), /bad\.socket:1:1: error no-listen /);
  assert.doesNotMatch(run.err(), /listening on/);
});

test('a busy port is named in one line', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  const port = (blocker.address() as net.AddressInfo).port;
  const dir = join(root, 'busy');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'busy.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n`);
  writeService(dir, 'busy.service', '');
  try {
    const run = start([join(dir, 'busy.socket')]);
    assert.equal(await run.exited, 1);
    assert.equal(run.err(), `sockact: 127.0.0.1:${port} is already in use\n`);
  } finally {
    blocker.close();
  }
});

/** SIGTERM, bounded wait, then SIGKILL: sockact stops its programs on SIGTERM. */
test('ListenDatagram=: a UDP datagram sent to the port reaches the program', async () => {
  const port = await freePort();
  const { dir, out } = probeDir('udp');
  // Also on-demand: the first datagram starts the program, which then reads it.
  writeFileSync(join(dir, 'udp.socket'), `[Socket]\nListenDatagram=127.0.0.1:${port}\n`);
  writeService(dir, 'udp.service', `Environment=PROBE_OUT=${out} PROBE_MODE=udp\n`);
  const run = start([join(dir, 'udp.socket')]);
  const u = dgram.createSocket('udp4');
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    assert.match(run.err(), new RegExp(`listening on 127\\.0\\.0\\.1:${port} \\(udp\\) \\(fd 3, udp\\.socket\\)`));
    // The socket exists before the program is up, so a datagram sent this early is queued, not lost.
    u.send('ping 1', port, '127.0.0.1');
    const got = await waitFor('the datagram', () => existsSync(join(out, 'udp.txt')) && readFileSync(join(out, 'udp.txt'), 'utf8'));
    assert.equal(got, 'ping 1');
    const [r] = reports(out);
    assert.equal(r.LISTEN_FDS, '1');
    assert.equal(r.fds[0].socket, true);
  } finally {
    u.close();
    await stopRun(run);
  }
});

test('ListenFIFO=: nothing runs until the FIFO is written to; then the program reads it; the FIFO is removed on stop', async () => {
  const { dir, out } = probeDir('fifo');
  const fifo = join(dir, 'run', 'ctl.fifo');
  writeFileSync(join(dir, 'ctl.socket'), `[Socket]\nListenFIFO=${fifo}\nSocketMode=0620\n`);
  writeService(dir, 'ctl.service', `Environment=PROBE_OUT=${out} PROBE_MODE=fifo\n`);
  const run = start([join(dir, 'ctl.socket')]);
  try {
    await waitFor('waiting', () => run.err().includes('waiting for the first connection'));
    assert.equal(statSync(fifo).isFIFO(), true);
    assert.equal(statSync(fifo).mode & 0o777, 0o620, 'SocketMode= is the FIFO\'s mode');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(reports(out).length, 0, 'like systemd, a FIFO unit starts its program only when data arrives');
    // sockact keeps the FIFO open for reading, so opening it for writing does not block.
    writeFileSync(fifo, 'hello fifo\n');
    const got = await waitFor('the FIFO data', () => existsSync(join(out, 'fifo.txt')) && readFileSync(join(out, 'fifo.txt'), 'utf8'));
    assert.equal(got, 'hello fifo\n');
    assert.equal(reports(out)[0].fds[0].fifo, true);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    assert.equal(existsSync(fifo), false, 'the FIFO sockact created is removed');
  } finally {
    await stopRun(run);
  }
});

test('Accept=yes + StandardInput=/StandardOutput=socket: the connection is stdin/stdout, no LISTEN_*', async () => {
  const port = await freePort();
  const dir = join(root, 'inetd');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cat.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\n`);
  writeFileSync(join(dir, 'cat@.service'), '[Service]\nExecStart=/bin/cat\nStandardInput=socket\nStandardOutput=socket\n');
  const envDump = join(dir, 'env@.service');
  writeFileSync(envDump, '[Service]\nExecStart=/bin/sh -c "env; cat"\nStandardInput=socket\nStandardOutput=socket\n');
  writeFileSync(join(dir, 'env.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\n`);
  const run = start([join(dir, 'cat.socket')]);
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    const answers = await Promise.all([1, 2].map((i) => requestEnd({ host: '127.0.0.1', port }, `line ${i}\n`)));
    assert.deepEqual(answers, ['line 1\n', 'line 2\n']);
    await waitFor('both cats to exit', () => (run.err().match(/exited with code 0/g) ?? []).length === 2);
  } finally {
    await stopRun(run);
  }
  const run2 = start([join(dir, 'env.socket')]);
  try {
    await waitFor('listening', () => run2.err().includes('listening on'));
    const answer = await requestEnd({ host: '127.0.0.1', port }, 'tail\n');
    assert.match(answer, /^REMOTE_ADDR=127\.0\.0\.1$/m);
    assert.match(answer, /^REMOTE_PORT=\d+$/m);
    assert.doesNotMatch(answer, /^LISTEN_/m);
    assert.match(answer, /tail\n$/);
  } finally {
    await stopRun(run2);
  }
});

test('Accept=yes with MaxConnectionsPerSource=1 drops a second concurrent connection from the same address', async () => {
  const port = await freePort();
  const dir = join(root, 'persource');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ps.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\nMaxConnectionsPerSource=1\n`);
  writeService(dir, 'ps@.service', `Environment=PROBE_MODE=echo\n`);
  const run = start([join(dir, 'ps.socket')]);
  let first: net.Socket | undefined;
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    first = net.connect({ host: '127.0.0.1', port });
    first.on('error', () => {});
    let firstData = '';
    first.on('data', (d) => (firstData += d));
    first.write('one\n');
    await waitFor('the first answer', () => firstData.includes('one'));
    const second = await request({ host: '127.0.0.1', port }, 'two\n').catch(() => '');
    assert.equal(second, '');
    assert.match(run.err(), /too many incoming connections \(1\) from source 127\.0\.0\.1, dropping connection/);
    // Once the first one is over, the same source is served again.
    first.end('bye\n');
    await waitFor('the first instance to exit', () => /exited with code 0/.test(run.err()));
    assert.match(await request({ host: '127.0.0.1', port }, 'three\nbye\n'), /^\d+ three\n\d+ bye\n$/);
  } finally {
    first?.destroy();
    await stopRun(run);
  }
});

test('abstract socket ListenStream=@name: the program gets it as fd 3 and answers', async () => {
  const name = `@sockact-test-${process.pid}-${Date.now()}`;
  const { dir, out } = probeDir('abstract');
  writeFileSync(join(dir, 'abs.socket'), `[Socket]\nListenStream=${name}\n`);
  writeService(dir, 'abs.service', `Environment=PROBE_OUT=${out}\n`);
  const run = start([join(dir, 'abs.socket')]);
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    assert.match(run.err(), new RegExp(`listening on ${name} \\(fd 3, abs\\.socket\\)`));
    // Node's net pads abstract names to 108 bytes; systemd (and sockact) bind the exact name, so the client
    // is one that connects to the exact name, as every C, Python or Go client does.
    const answer = await pythonRequest('unix-abstract', name.slice(1));
    const [r] = await waitFor('the probe report', () => reports(out).length > 0 && reports(out));
    assert.equal(answer, `pid ${r.pid}\n`);
    assert.equal(r.LISTEN_PID, String(r.pid));
  } finally {
    await stopRun(run);
  }
});

const NODE_HTTP = fileURLToPath(new URL('../examples/node-http/server.mjs', import.meta.url));

function httpGet(port: number, path: string, ms = 10_000): Promise<string> {
  return requestEnd({ host: '127.0.0.1', port }, `GET ${path} HTTP/1.0\r\nHost: x\r\n\r\n`, ms);
}

test('200 concurrent first connections to a cold socket (Accept=no, Node HTTP on fd 3): all answered; crash, then reconnect: answered', async (t) => {
  const port = await freePort();
  const dir = join(root, 'cold');
  mkdirSync(dir, { recursive: true });
  // Backlog=512 > 200; the kernel caps it at net.core.somaxconn (4096 on current kernels, 128 before 5.4).
  writeFileSync(join(dir, 'cold.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nBacklog=512\n`);
  writeFileSync(join(dir, 'cold.service'), `[Service]\nExecStart=${execLine(process.execPath, NODE_HTTP)}\n`);
  const run = start([join(dir, 'cold.socket')]);
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    // Right away: no program runs yet (it starts when the first connection is queued, then needs
    // ~100 ms to boot Node); every connection waits in the backlog of the socket sockact holds.
    const t0 = Date.now();
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => httpGet(port, `/r${i}`).catch((e) => `ERR ${e.code ?? e.message}`)));
    const ms = Date.now() - t0;
    const ok = answers.filter((a, i) => a.startsWith('HTTP/1.1 200') && a.includes(`(socket-activated): GET /r${i}\n`));
    assert.equal(ok.length, 200, `answered ${ok.length}/200 in ${ms} ms; first failure: ${answers.find((a) => !a.startsWith('HTTP/1.1 200'))}`);
    t.diagnostic(`200/200 answered ${ms} ms after 'listening on' (program cold-started meanwhile)`);
    const [pid] = startedPids(run.err());
    assert.ok(pid, run.err());
    assert.equal(startedPids(run.err()).length, 1, 'one program served them all');
    assert.ok(answers.every((a) => a.includes(`hello from pid ${pid} `)));

    // Crash: kill the program; connect at once (before the restart): the connection waits in the
    // backlog of the socket sockact still holds and is answered by the restarted program.
    process.kill(pid, 'SIGKILL');
    await waitFor('the exit line', () => run.err().includes(`sockact: pid ${pid} killed by SIGKILL`));
    const again = await httpGet(port, '/again');
    const pids = await waitFor('the restart', () => startedPids(run.err()).length === 2 && startedPids(run.err()), 10_000);
    assert.match(again, new RegExp(`^HTTP/1\\.1 200[^]*hello from pid ${pids[1]} \\(socket-activated\\): GET /again\\n$`));
  } finally {
    await stopRun(run);
  }
});

test('a program that binds the port itself (EADDRINUSE) gets one plain explanation and the fix', async () => {
  const port = await freePort();
  const dir = join(root, 'selfbind');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nTriggerLimitBurst=3\nTriggerLimitIntervalSec=20s\n`);
  const fixture = fileURLToPath(new URL('./fixtures/activate/binds-itself.mjs', import.meta.url));
  writeFileSync(join(dir, 'app.service'), `[Service]\nExecStart=${execLine(process.execPath, fixture)}\nEnvironment=PORT=${port}\n`);
  const run = start([join(dir, 'app.socket')]);
  let pending: net.Socket | undefined;
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    pending = net.connect({ host: '127.0.0.1', port });
    pending.on('error', () => {});
    assert.equal(await Promise.race([run.exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]), 1);
    const err = run.err();
    assert.match(err, /EADDRINUSE/, 'the program\'s own stderr is passed on');
    const explanations = err.match(/^sockact: your program bound .*$/gm) ?? [];
    assert.equal(explanations.length, 1, err);
    assert.equal(explanations[0].startsWith(`sockact: your program bound ${port} itself instead of taking fd 3 from systemd`), true, explanations[0]);
    assert.match(err, /^sockact: {3}Node: {3}server\.listen\(process\.env\.LISTEN_PID === String\(process\.pid\) \? \{ fd: 3 \}/m);
    assert.match(err, /^sockact: {3}Python: sock = socket\.socket\(fileno=3\)/m);
    assert.match(err, /^sockact: {3}Go: {5}ln, err := net\.FileListener\(os\.NewFile\(3, /m);
    // The event lines keep their formats, and the explanation follows the first exit line.
    assert.equal((err.match(/^sockact: pid \d+ exited with code 1$/gm) ?? []).length, 3);
    assert.ok(err.indexOf('sockact: your program bound') > err.search(/^sockact: pid \d+ exited with code 1$/m));
    assert.match(err, /^sockact: trigger limit hit: /m);
  } finally {
    pending?.destroy();
    await stopRun(run);
  }
});

test('a crash without EADDRINUSE in its output gets no such explanation', async () => {
  const port = await freePort();
  const { dir, out } = probeDir('passthrough');
  writeFileSync(join(dir, 'pt.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nTriggerLimitBurst=2\n`);
  writeService(dir, 'pt.service', `Environment=PROBE_OUT=${out} PROBE_MODE=crash\n`);
  const run = start([join(dir, 'pt.socket'), '--now']);
  let pending: net.Socket | undefined;
  try {
    await waitFor('the first start', () => run.err().includes('started pid'));
    pending = net.connect({ host: '127.0.0.1', port });
    pending.on('error', () => {});
    assert.equal(await Promise.race([run.exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]), 1);
    assert.doesNotMatch(run.err(), /your program bound/);
  } finally {
    pending?.destroy();
    await stopRun(run);
  }
});

test('Accept=no starts on demand: nothing runs until the first connection; after an exit, the next connection restarts it', async () => {
  const port = await freePort();
  const { dir, out } = probeDir('ondemand');
  writeFileSync(join(dir, 'od.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n`);
  writeService(dir, 'od.service', `Environment=PROBE_OUT=${out}\n`);
  const run = start([join(dir, 'od.socket')]);
  try {
    await waitFor('listening', () => run.err().includes('waiting for the first connection'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(startedPids(run.err()).length, 0, 'not started before a connection');
    assert.equal(reports(out).length, 0);
    const a = await request({ host: '127.0.0.1', port });
    const [pid] = startedPids(run.err());
    assert.equal(a, `pid ${pid}\n`);
    process.kill(pid, 'SIGTERM');
    await waitFor('the exit line', () => run.err().includes(`sockact: pid ${pid} killed by SIGTERM`));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(startedPids(run.err()).length, 1, 'not restarted without a connection');
    const b = await request({ host: '127.0.0.1', port });
    const pids = startedPids(run.err());
    assert.equal(pids.length, 2);
    assert.equal(b, `pid ${pids[1]}\n`);
  } finally {
    await stopRun(run);
  }
});

test('--now starts the program at launch, before any connection', async () => {
  const port = await freePort();
  const { dir, out } = probeDir('now');
  writeFileSync(join(dir, 'now.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n`);
  writeService(dir, 'now.service', `Environment=PROBE_OUT=${out}\n`);
  const run = start(['--now', join(dir, 'now.socket')]);
  try {
    const [r] = await waitFor('the probe report without any connection', () => reports(out).length > 0 && reports(out));
    assert.equal(r.LISTEN_PID, String(r.pid));
    assert.doesNotMatch(run.err(), /waiting for the first connection/);
  } finally {
    await stopRun(run);
  }
});

test('a WorkingDirectory= that does not exist stops it before anything is bound (not at the first connection)', async () => {
  const port = await freePort();
  const dir = join(root, 'nowd');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'nowd.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n`);
  writeService(dir, 'nowd.service', `WorkingDirectory=${join(dir, 'missing')}\n`);
  const run = start([join(dir, 'nowd.socket')]);
  try {
    assert.equal(await run.exited, 1);
    assert.equal(run.err(), `sockact: cannot start ${process.execPath}: ENOENT (WorkingDirectory=${join(dir, 'missing')} is not a folder here)\n`);
  } finally {
    kill(run.child);
  }
});

test('a program that runs but never takes its socket: one note after 10 s of a connection waiting', async () => {
  const port = await freePort();
  const dir = join(root, 'stuck');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'stuck.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n`);
  const fixture = fileURLToPath(new URL('./fixtures/activate/ignores-fd3.mjs', import.meta.url));
  writeFileSync(join(dir, 'stuck.service'), `[Service]\nExecStart=${execLine(process.execPath, fixture)}\n`);
  const run = start([join(dir, 'stuck.socket')]);
  let pending: net.Socket | undefined;
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    pending = net.connect({ host: '127.0.0.1', port });
    pending.on('error', () => {});
    const [pid] = await waitFor('the start', () => startedPids(run.err()).length > 0 && startedPids(run.err()));
    const note = new RegExp(`^sockact: note: pid ${pid} has left connections waiting on 127\\.0\\.0\\.1:${port} for 10 s without taking them: does it use fd 3`, 'm');
    await waitFor('the note', () => note.test(run.err()), 15_000);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((run.err().match(/^sockact: note: /gm) ?? []).length, 1, 'said once');
    process.kill(pid, 0); // still running: it is only a note
  } finally {
    pending?.destroy();
    await stopRun(run);
  }
});
