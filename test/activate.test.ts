/**
 * `sockact activate` with real sockets, real child processes and temp folders (bundled CLI, dist/cli.js).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../dist/cli.js', import.meta.url).pathname;
const PROBE = new URL('./fixtures/activate/probe.mjs', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'sockact-activate-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, 'activate', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, err: () => stderr, out: () => stdout };
}

async function waitFor<T>(what: string, f: () => T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function reports(out: string): Array<Record<string, any>> {
  return readdirSync(out).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')));
}

function request(opts: net.NetConnectOpts, send = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(opts, () => c.write(send));
    let data = '';
    c.setTimeout(4000, () => c.destroy(new Error('timeout')));
    c.on('data', (d) => (data += d));
    c.on('end', () => resolve(data));
    c.on('error', reject);
  });
}

function kill(c: ChildProcess) {
  if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

function writeService(dir: string, name: string, body: string) {
  writeFileSync(join(dir, name), `[Service]\nExecStart=${process.execPath} ${PROBE}\n${body}`);
}

test('Accept=no: TCP + Unix sockets as fds 3,4 with names, LISTEN_PID is the program, SIGTERM cleans up', async () => {
  const port = await freePort();
  const dir = join(root, 'web');
  const out = join(dir, 'out');
  mkdirSync(out, { recursive: true });
  const sock = join(dir, 'run', 'web.sock');
  writeFileSync(join(dir, 'web.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nListenStream=${sock}\nFileDescriptorName=web\n`);
  writeService(dir, 'web.service', `Environment=PROBE_OUT=${out} FOO=bar\n`);
  const run = start([join(dir, 'web.socket')]);
  try {
    const [r] = await waitFor('the probe report', () => reports(out).length > 0 && reports(out));
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
  const dir = join(root, 'crash');
  const out = join(dir, 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(dir, 'crash.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nTriggerLimitBurst=3\nTriggerLimitIntervalSec=10s\n`);
  writeService(dir, 'crash.service', `Environment=PROBE_OUT=${out} PROBE_MODE=crash\n`);
  const run = start([join(dir, 'crash.socket')]);
  try {
    assert.equal(await run.exited, 1);
    const rs = reports(out);
    assert.equal(rs.length, 3);
    assert.equal(rs[0].LISTEN_FDNAMES, 'crash.socket');
    assert.match(run.err(), /exited with code 3/);
    assert.match(run.err(), /trigger limit hit: the program exited 3 times in 10s/);
  } finally {
    kill(run.child);
  }
});

test('Accept=yes: one program per connection, REMOTE_ADDR, concurrent clients', async () => {
  const port = await freePort();
  const dir = join(root, 'echo');
  const out = join(dir, 'out');
  mkdirSync(out, { recursive: true });
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
