/**
 * `sockact activate` with the socket kinds Node itself cannot open (SOCK_SEQPACKET, Unix datagrams,
 * netlink, POSIX message queues, special files) and the socket options that matter locally, each checked
 * from inside a real program (test/fixtures/activate/pyprobe.py reads them back with getsockopt/fcntl).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import { join } from 'node:path';
import { execArg, envAssignment } from './helpers/unitQuote';
import { PYPROBE, freePort, probeDir, pythonRequest, reports, start, stopRun, waitFor, startedPids } from './helpers/activate';

const AF_NETLINK = 16;
const SOCK_DGRAM = 2;
const SOCK_SEQPACKET = 5;

function pyService(dir: string, name: string, out: string, mode: string, extra = ''): void {
  writeFileSync(join(dir, name), `[Service]\nExecStart=/usr/bin/env python3 ${execArg(PYPROBE)}\nEnvironment=${envAssignment('PROBE_OUT', out)} PROBE_MODE=${mode}\n${extra}`);
}

test('ListenSequentialPacket=, Accept=no: the program accepts SOCK_SEQPACKET connections on fd 3 (blocking, as systemd passes it)', async () => {
  const { dir, out } = probeDir('seq');
  const path = join(dir, 'seq.sock');
  writeFileSync(join(dir, 'seq.socket'), `[Socket]\nListenSequentialPacket=${path}\nSocketMode=0600\n`);
  pyService(dir, 'seq.service', out, 'seq-echo');
  const run = start([join(dir, 'seq.socket')]);
  try {
    await waitFor('waiting', () => run.err().includes('waiting for the first connection'));
    assert.equal(statSync(path).mode & 0o777, 0o600, 'SocketMode= is the socket file\'s mode');
    const answer = await pythonRequest('seqpacket', path, 'hello');
    const [r] = reports(out);
    assert.equal(answer, `${r.pid} hello`);
    assert.equal(r.LISTEN_PID, String(r.pid));
    assert.equal(r.fds[0].type, SOCK_SEQPACKET);
    assert.equal(r.fds[0].nonblock, false);
    // A second connection goes to the same running program.
    assert.equal(await pythonRequest('seqpacket', path, 'again'), `${r.pid} again`);
    assert.deepEqual(startedPids(run.err()), [r.pid]);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    assert.equal(existsSync(path), false, 'the socket file sockact created is removed on stop');
  } finally {
    await stopRun(run);
  }
});

test('ListenSequentialPacket=, Accept=yes: one program per connection, the connection as fd 3', async () => {
  const { dir, out } = probeDir('seq-accept');
  const path = join(dir, 'seqa.sock');
  writeFileSync(join(dir, 'seqa.socket'), `[Socket]\nListenSequentialPacket=${path}\nAccept=yes\n`);
  pyService(dir, 'seqa@.service', out, 'seq-conn');
  const run = start([join(dir, 'seqa.socket')]);
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    const [a, b] = await Promise.all([pythonRequest('seqpacket', path, 'one'), pythonRequest('seqpacket', path, 'two')]);
    const pidA = Number(a.split(' ')[0]);
    const pidB = Number(b.split(' ')[0]);
    assert.notEqual(pidA, pidB);
    assert.deepEqual([a.split(' ')[1], b.split(' ')[1]], ['one', 'two']);
    const rs = await waitFor('two reports', () => reports(out).length === 2 && reports(out));
    for (const r of rs) {
      assert.equal(r.LISTEN_FDNAMES, 'connection');
      assert.equal(r.fds[0].type, SOCK_SEQPACKET);
    }
  } finally {
    await stopRun(run);
  }
});

test('ListenDatagram= on a Unix path: the first datagram starts the program, which reads it', async () => {
  const { dir, out } = probeDir('udg');
  const path = join(dir, 'log.sock');
  writeFileSync(join(dir, 'udg.socket'), `[Socket]\nListenDatagram=${path}\nPassCredentials=yes\n`);
  pyService(dir, 'udg.service', out, 'dgram');
  const run = start([join(dir, 'udg.socket')]);
  try {
    await waitFor('waiting', () => run.err().includes('waiting for the first connection'));
    assert.equal(reports(out).length, 0);
    await pythonRequest('unix-dgram', path, 'first datagram');
    const got = await waitFor('the datagram', () => existsSync(join(out, 'dgram.txt')) && readFileSync(join(out, 'dgram.txt'), 'utf8'));
    assert.equal(got, 'first datagram', 'the datagram that triggered the start is not lost');
    const [r] = reports(out);
    assert.equal(r.fds[0].type, SOCK_DGRAM);
    assert.equal(r.fds[0].passcred, 1, 'PassCredentials= sets SO_PASSCRED');
  } finally {
    await stopRun(run);
  }
});

test('socket options reach the program: the service NonBlocking=, ReusePort=, ReceiveBuffer=, KeepAlive=, NoDelay=', async () => {
  const port = await freePort();
  const { dir, out } = probeDir('options');
  writeFileSync(join(dir, 'opt.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nReusePort=yes\nReceiveBuffer=300K\nKeepAlive=yes\nNoDelay=yes\n`);
  pyService(dir, 'opt.service', out, 'report', 'NonBlocking=yes\n');
  const run = start(['--now', join(dir, 'opt.socket')]);
  try {
    const [r] = await waitFor('the report', () => reports(out).length > 0 && reports(out));
    const fd = r.fds[0];
    assert.equal(fd.nonblock, true, 'NonBlocking=yes leaves O_NONBLOCK set');
    assert.equal(fd.reuseport, 1);
    assert.equal(fd.keepalive, 1);
    assert.equal(fd.nodelay, 1);
    assert.ok(fd.rcvbuf >= 300 * 1024, `SO_RCVBUF ${fd.rcvbuf} ≥ 300K (the kernel doubles it)`);
    // With SO_REUSEPORT on both sides, a second listener may share the port: proof the option is real.
    const other = spawnSync('python3', ['-c', `import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1); s.bind(("127.0.0.1", ${port})); s.listen(); print("ok")`], { encoding: 'utf8' });
    assert.equal(other.stdout.trim(), 'ok', other.stderr);
  } finally {
    await stopRun(run);
  }
});

test('without NonBlocking=, a TCP port is passed blocking and without SO_REUSEPORT (a second bind fails)', async () => {
  const port = await freePort();
  const { dir, out } = probeDir('defaults');
  writeFileSync(join(dir, 'def.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n`);
  pyService(dir, 'def.service', out, 'report');
  const run = start(['--now', join(dir, 'def.socket')]);
  try {
    const [r] = await waitFor('the report', () => reports(out).length > 0 && reports(out));
    assert.equal(r.fds[0].nonblock, false);
    assert.equal(r.fds[0].reuseport, 0);
    const busy = await new Promise<string>((resolve) => {
      const s = net.createServer().once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')).listen({ host: '127.0.0.1', port }, () => s.close(() => resolve('bound')));
    });
    assert.equal(busy, 'EADDRINUSE');
  } finally {
    await stopRun(run);
  }
});

test('ListenNetlink=route 1: the program gets an AF_NETLINK socket of that protocol', async () => {
  const { dir, out } = probeDir('netlink');
  writeFileSync(join(dir, 'nl.socket'), '[Socket]\nListenNetlink=route 1\n');
  pyService(dir, 'nl.service', out, 'report');
  const run = start(['--now', join(dir, 'nl.socket')]);
  try {
    await waitFor('listening', () => run.err().includes('listening on') || run.err().includes('cannot'));
    assert.match(run.err(), /listening on netlink route 1 \(fd 3, nl\.socket\)/);
    const [r] = await waitFor('the report', () => reports(out).length > 0 && reports(out));
    assert.equal(r.fds[0].family, AF_NETLINK);
    assert.equal(r.fds[0].proto, 0, 'NETLINK_ROUTE');
  } finally {
    await stopRun(run);
  }
});

/**
 * The queue's file under /dev/mqueue shows its mode and size only when the mqueue file system is mounted
 * there; a container may have the folder without the mount, so the mount table decides, not the folder.
 */
const MQUEUE_MOUNTED = readFileSync('/proc/self/mountinfo', 'utf8')
  .split('\n')
  .some((line) => {
    const [before, after] = line.split(' - ');
    return before?.split(' ')[4] === '/dev/mqueue' && after?.split(' ')[0] === 'mqueue';
  });

test('ListenMessageQueue=: created with SocketMode=, a message starts the program, removed on stop', async () => {
  const name = `/sockact-test-${process.pid}`;
  const { dir, out } = probeDir('mqueue');
  writeFileSync(join(dir, 'mq.socket'), `[Socket]\nListenMessageQueue=${name}\nSocketMode=0640\nMessageQueueMaxMessages=4\nMessageQueueMessageSize=64\n`);
  pyService(dir, 'mq.service', out, 'report');
  const run = start([join(dir, 'mq.socket')]);
  try {
    await waitFor('waiting', () => run.err().includes('waiting for the first connection') || run.err().includes('cannot'));
    assert.match(run.err(), /listening on \/sockact-test-\d+ \(message queue\)/);
    const node = `/dev/mqueue${name}`;
    if (MQUEUE_MOUNTED) {
      assert.equal(statSync(node).mode & 0o777, 0o640);
      assert.match(readFileSync(node, 'utf8'), /QSIZE:0/);
    }
    assert.equal(reports(out).length, 0, 'nothing runs before a message arrives');
    sendToQueue(name, 'hello');
    const [r] = await waitFor('the report', () => reports(out).length > 0 && reports(out));
    assert.equal(r.fds[0].kind, 'file', 'a message queue descriptor');
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    if (MQUEUE_MOUNTED) assert.equal(existsSync(node), false, 'the queue sockact created is unlinked');
  } finally {
    await stopRun(run);
  }
});

/** mq_send() through koffi (the same FFI package sockact uses): neither Node nor Python's stdlib has it. */
function sendToQueue(name: string, text: string): void {
  const koffi = createRequire(import.meta.url)('koffi');
  const c = koffi.load('libc.so.6');
  const mqOpen = c.func('int mq_open(const char *, int)');
  const mqSend = c.func('int mq_send(int, const char *, unsigned long, unsigned int)');
  const fd = mqOpen(name, 1 /* O_WRONLY */);
  assert.ok(fd >= 0, 'mq_open for writing');
  assert.equal(mqSend(fd, text, Buffer.byteLength(text), 0), 0);
  c.func('int close(int)')(fd);
}

test('ListenSpecial= on a regular file: the program gets it as fd 3 and reads it', async () => {
  const { dir, out } = probeDir('special');
  const file = join(dir, 'data.txt');
  writeFileSync(file, 'special contents\n');
  writeFileSync(join(dir, 'sp.socket'), `[Socket]\nListenSpecial=${file}\n`);
  pyService(dir, 'sp.service', out, 'read');
  const run = start([join(dir, 'sp.socket')]);
  try {
    // A regular file is always readable, so (as with systemd) the program starts straight away.
    const got = await waitFor('the read', () => existsSync(join(out, 'read.txt')) && readFileSync(join(out, 'read.txt'), 'utf8'));
    assert.equal(got, 'special contents\n');
    assert.equal(reports(out)[0].fds[0].kind, 'file');
  } finally {
    await stopRun(run);
  }
});

test('ListenUSBFunction= is refused in one line naming the directive; nothing else is bound', async () => {
  const port = await freePort();
  const { dir } = probeDir('usb');
  writeFileSync(join(dir, 'usb.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nListenUSBFunction=/dev/usb-ffs/x\n`);
  writeFileSync(join(dir, 'usb.service'), '[Service]\nExecStart=/bin/true\n');
  const run = start([join(dir, 'usb.socket')]);
  assert.equal(await run.exited, 1);
  const lines = run.err().trim().split('\n');
  assert.equal(lines.length, 1, run.err());
  assert.match(lines[0], /^sockact: ListenUSBFunction=\/dev\/usb-ffs\/x: .*USB/);
  // The TCP port opened before it was closed again.
  const free = await new Promise<boolean>((resolve) => {
    const s = net.createServer().once('error', () => resolve(false)).listen({ host: '127.0.0.1', port }, () => s.close(() => resolve(true)));
  });
  assert.equal(free, true);
});

test('SocketUser=/SocketGroup=: the socket file is given to them as root; otherwise one warning and it stays ours', async () => {
  const { dir, out } = probeDir('owner');
  const path = join(dir, 'own.sock');
  writeFileSync(join(dir, 'own.socket'), `[Socket]\nListenStream=${path}\nSocketUser=nobody\nSocketGroup=nogroup\n`);
  pyService(dir, 'own.service', out, 'report');
  const run = start([join(dir, 'own.socket')]);
  try {
    await waitFor('waiting', () => run.err().includes('waiting for the first connection'));
    const st = statSync(path);
    if (process.getuid?.() === 0) {
      const nobody = Number(readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'))!.split(':')[2]);
      assert.equal(st.uid, nobody);
    } else {
      assert.match(run.err(), /warning: SocketUser=\/SocketGroup= need root/);
      assert.equal(st.uid, process.getuid?.());
    }
  } finally {
    await stopRun(run);
  }
});

test('the program gets a service\'s environment, not the caller\'s shell: only PATH, TERM, USER, HOME pass, plus Environment=', async () => {
  const port = await freePort();
  const { dir, out } = probeDir('environment');
  writeFileSync(join(dir, 'env.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n`);
  writeFileSync(join(dir, 'env.service'), `[Service]\nExecStart=/usr/bin/python3 -c "import json, os; open('${out}/env.json', 'w').write(json.dumps(dict(os.environ)))"\nEnvironment=FROM_UNIT=1\n`);
  const run = start(['--now', join(dir, 'env.socket')], { SOCKACT_TEST_EXPORTED: 'from the shell', TERM: 'xterm-test' });
  try {
    // The program may still be writing the file: a partial one is read again.
    const env = await waitFor('the environment', () => {
      try {
        return existsSync(join(out, 'env.json')) && JSON.parse(readFileSync(join(out, 'env.json'), 'utf8'));
      } catch {
        return undefined;
      }
    });
    assert.equal(env.SOCKACT_TEST_EXPORTED, undefined, 'a variable exported in the caller\'s shell does not reach the service');
    assert.equal(env.FROM_UNIT, '1');
    assert.equal(env.TERM, 'xterm-test');
    assert.equal(env.PATH, process.env.PATH);
    assert.equal(env.LISTEN_FDS, '1');
    assert.deepEqual(Object.keys(env).filter((k) => !['PATH', 'TERM', 'USER', 'HOME', 'FROM_UNIT', 'LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'PWD', 'LC_CTYPE'].includes(k)), []);
  } finally {
    await stopRun(run);
  }
});
