/**
 * No orphans: `sockact activate` killed with SIGKILL (it cannot clean up) must still take its programs with
 * it, and the next run must find the port free. Real sockact, real programs, a real port on 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { freePort, start, waitFor, request, kill, probeDir, writeService, startedPids } from './helpers/activate';

/**
 * Whether the process still runs. A zombie counts as gone: it holds no fd and no port, and it stays only
 * until whoever inherited it reaps it (in some containers PID 1 never does).
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Whether this process can listen on the port itself (what the next `sockact activate` would do). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** Polls for up to `ms` until `f` holds; true when it did. */
async function within(ms: number, f: () => Promise<boolean> | boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await f()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('Accept=no: SIGKILL of sockact takes the running program with it and frees the port within 1 s', async () => {
  const port = await freePort();
  const { dir } = probeDir('orphan-no');
  writeFileSync(join(dir, 'web.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n`);
  writeService(dir, 'web.service', '');
  const run = start([join(dir, 'web.socket')]);
  let pid = 0;
  try {
    await waitFor('listening', () => run.err().includes('waiting for the first connection'));
    const answer = await request({ host: '127.0.0.1', port });
    [pid] = await waitFor('the started line', () => startedPids(run.err()).length > 0 && startedPids(run.err()));
    assert.equal(answer, `pid ${pid}\n`);
    run.child.kill('SIGKILL');
    await run.exited;
    assert.ok(await within(1000, () => !alive(pid)), `pid ${pid} outlived sockact`);
    assert.ok(await within(1000, () => bindable(port)), `port ${port} is still held`);
  } finally {
    kill(run.child);
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('Accept=yes: SIGKILL of sockact takes the per-connection program with it and frees the port within 1 s', async () => {
  const port = await freePort();
  const { dir } = probeDir('orphan-yes');
  writeFileSync(join(dir, 'echo.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\n`);
  writeService(dir, 'echo@.service', 'Environment=PROBE_MODE=echo\n');
  const run = start([join(dir, 'echo.socket')]);
  let pid = 0;
  let client: net.Socket | undefined;
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    // The connection stays open: its program is still serving it when sockact is killed.
    client = net.connect({ host: '127.0.0.1', port });
    client.on('error', () => {});
    let data = '';
    client.on('data', (d) => (data += d));
    client.write('hello\n');
    await waitFor('the echo', () => data.includes('hello'));
    [pid] = startedPids(run.err());
    assert.match(data, new RegExp(`^${pid} hello\\n`));
    run.child.kill('SIGKILL');
    await run.exited;
    assert.ok(await within(1000, () => !alive(pid)), `pid ${pid} outlived sockact`);
    assert.ok(await within(1000, () => bindable(port)), `port ${port} is still held`);
  } finally {
    client?.destroy();
    kill(run.child);
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  }
});
