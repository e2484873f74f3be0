/**
 * `sockact activate` and a program that keeps failing: the service's start limit (StartLimitIntervalSec=/
 * StartLimitBurst=), the socket's trigger limit (TriggerLimitIntervalSec=/TriggerLimitBurst=) and the
 * service's Restart=, as systemd applies them (limits.ts, restart.ts). Real sockets on 127.0.0.1, real
 * programs that exit at once (/bin/sh); the assertions are counts and messages, never durations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';

import { freePort, kill, probeDir, request, start, startedPids, stopRun, waitFor } from './helpers/activate';

/** A socket unit and its service (optional [Unit] and [Service] lines) around a shell script. */
function unitPair(name: string, socket: string, service: { unit?: string; service?: string }, script: string, accept = false): { unit: string; out: string } {
  const { dir, out } = probeDir(name);
  const sh = join(dir, 'prog.sh');
  writeFileSync(sh, script.replaceAll('OUT', join(out, 'log')));
  writeFileSync(join(dir, `${name}.socket`), `[Socket]\n${socket}${accept ? 'Accept=yes\n' : ''}`);
  const unitSection = service.unit ? `[Unit]\n${service.unit}\n` : '';
  writeFileSync(join(dir, accept ? `${name}@.service` : `${name}.service`), `${unitSection}[Service]\n${service.service ?? ''}ExecStart=/bin/sh ${sh}\n`);
  return { unit: join(dir, `${name}.socket`), out: join(out, 'log') };
}

/** One connection nobody accepts: it stays queued, so with Accept=no every exit is followed by a new start. */
function pendingConnection(port: number): net.Socket {
  const c = net.connect({ host: '127.0.0.1', port });
  c.on('error', () => {});
  return c;
}

async function exitCode(run: ReturnType<typeof start>): Promise<number | null | 'still running'> {
  return Promise.race([run.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 15_000))]);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Starts the unit, queues one connection nobody accepts once sockact waits for the first one, runs the
 * checks, and cleans up whatever happened.
 */
async function withQueuedConnection(unit: string, port: number, check: (run: ReturnType<typeof start>) => Promise<void>): Promise<void> {
  const run = start([unit]);
  let pending: net.Socket | undefined;
  try {
    await waitFor('listening', () => run.err().includes('waiting for the first connection'));
    pending = pendingConnection(port);
    await check(run);
  } finally {
    pending?.destroy();
    kill(run.child);
  }
}

const EXIT_1 = 'exit 1\n';

test('Accept=no, a program that fails at once: the default start limit stops it after 5 starts, says so in one line, closes the socket, exit 1', async () => {
  const port = await freePort();
  const { unit } = unitPair('deflimit', `ListenStream=127.0.0.1:${port}\n`, {}, EXIT_1);
  await withQueuedConnection(unit, port, async (run) => {
    assert.equal(await exitCode(run), 1, run.err());
    assert.equal(startedPids(run.err()).length, 5, run.err());
    const lines = run.err().match(/^sockact: start limit hit: .*$/gm) ?? [];
    assert.equal(lines.length, 1, run.err());
    assert.match(lines[0], /^sockact: start limit hit: deflimit\.service was started 5 times within 10s \(StartLimitBurst=5, StartLimitIntervalSec=10s, the defaults\); /);
    assert.match(lines[0], /deflimit\.socket fails with result 'service-start-limit-hit'/);
    assert.doesNotMatch(run.err(), /trigger limit hit/);
    assert.ok(await portIsFree(port), 'the socket is closed');
  });
});

test('StartLimitBurst=3 in the service\'s [Unit] stops it after 3 starts, and the message names the file', async () => {
  const port = await freePort();
  const { unit } = unitPair('burst3', `ListenStream=127.0.0.1:${port}\n`, { unit: 'StartLimitBurst=3\nStartLimitIntervalSec=1min\n' }, EXIT_1);
  await withQueuedConnection(unit, port, async (run) => {
    assert.equal(await exitCode(run), 1, run.err());
    assert.equal(startedPids(run.err()).length, 3, run.err());
    assert.match(run.err(), /^sockact: start limit hit: burst3\.service was started 3 times within 60s \(StartLimitBurst=3, StartLimitIntervalSec=60s in burst3\.service\); /m);
  });
});

test('the pre-229 StartLimitBurst= in [Service] is still read', async () => {
  const port = await freePort();
  const { unit } = unitPair('legacy', `ListenStream=127.0.0.1:${port}\n`, { service: 'StartLimitBurst=2\n' }, EXIT_1);
  await withQueuedConnection(unit, port, async (run) => {
    assert.equal(await exitCode(run), 1, run.err());
    assert.equal(startedPids(run.err()).length, 2, run.err());
    assert.match(run.err(), /start limit hit: legacy\.service was started 2 times/);
  });
});

test('StartLimitIntervalSec=0 turns the start limit off: the trigger limit stops it (TriggerLimitBurst=8), with its own line', async () => {
  const port = await freePort();
  const { unit } = unitPair('nolimit', `ListenStream=127.0.0.1:${port}\nTriggerLimitBurst=8\nTriggerLimitIntervalSec=1min\n`, { unit: 'StartLimitIntervalSec=0\n' }, EXIT_1);
  await withQueuedConnection(unit, port, async (run) => {
    assert.equal(await exitCode(run), 1, run.err());
    assert.equal(startedPids(run.err()).length, 8, run.err());
    assert.doesNotMatch(run.err(), /start limit hit/);
    const lines = run.err().match(/^sockact: trigger limit hit: .*$/gm) ?? [];
    assert.equal(lines.length, 1, run.err());
    assert.match(lines[0], /^sockact: trigger limit hit: the socket started the program 8 times in 60s \(TriggerLimitBurst=8, TriggerLimitIntervalSec=60s in nolimit\.socket\); systemd stops nolimit\.socket with result 'trigger-limit-hit'/);
    assert.ok(await portIsFree(port), 'the socket is closed');
  });
});

test('TriggerLimitIntervalSec=0 and StartLimitBurst=0 turn both limits off: it keeps restarting until stopped', async () => {
  const port = await freePort();
  const { unit } = unitPair('unlimited', `ListenStream=127.0.0.1:${port}\nTriggerLimitIntervalSec=0\n`, { unit: 'StartLimitBurst=0\n' }, EXIT_1);
  await withQueuedConnection(unit, port, async (run) => {
    // Far beyond both defaults (20 triggers, 5 starts).
    await waitFor('30 starts', () => startedPids(run.err()).length >= 30, 15_000);
    assert.doesNotMatch(run.err(), /limit hit/);
    await stopRun(run);
    assert.equal(run.child.exitCode, 0);
  });
});

test('Restart=on-failure restarts it without any connection, and the start limit stops that after 5 starts', async () => {
  const port = await freePort();
  const { unit } = unitPair('restart', `ListenStream=127.0.0.1:${port}\n`, { service: 'Restart=on-failure\nRestartSec=10ms\n' }, EXIT_1);
  const run = start(['--now', unit]);
  try {
    assert.equal(await exitCode(run), 1, run.err());
    assert.equal(startedPids(run.err()).length, 5, run.err());
    // Five restarts scheduled, the fifth refused (systemd 252 shows NRestarts=5 for the same unit).
    assert.equal((run.err().match(/^sockact: Restart=on-failure: starting it again in 10ms$/gm) ?? []).length, 5, run.err());
    assert.match(run.err(), /start limit hit: restart\.service was started 5 times within 10s/);
  } finally {
    kill(run.child);
  }
});

test('Restart=on-failure does not restart a clean exit, nor one RestartPreventExitStatus= names; Restart=always does', async () => {
  const cases: Array<[string, string, number]> = [
    ['clean', 'Restart=on-failure\nRestartSec=10ms\n', 0],
    ['prevented', 'Restart=on-failure\nRestartSec=10ms\nRestartPreventExitStatus=7\n', 7],
  ];
  for (const [name, service, code] of cases) {
    const port = await freePort();
    const { unit } = unitPair(name, `ListenStream=127.0.0.1:${port}\n`, { service }, `exit ${code}\n`);
    const run = start(['--now', unit]);
    let pending: net.Socket | undefined;
    try {
      await waitFor('the exit', () => new RegExp(`exited with code ${code}`).test(run.err()));
      // Not restarted by itself: only a connection starts it again (then, never accepted, until the start limit).
      pending = pendingConnection(port);
      assert.equal(await exitCode(run), 1, run.err());
      assert.doesNotMatch(run.err(), /Restart=/, name);
      assert.equal(startedPids(run.err()).length, 5, name);
    } finally {
      pending?.destroy();
      kill(run.child);
    }
  }
  const port = await freePort();
  const { unit } = unitPair('always', `ListenStream=127.0.0.1:${port}\n`, { service: 'Restart=always\nRestartSec=10ms\n' }, 'exit 0\n');
  const run = start(['--now', unit]);
  try {
    assert.equal(await exitCode(run), 1, run.err());
    assert.equal(startedPids(run.err()).length, 5, run.err());
  } finally {
    kill(run.child);
  }
});

test('Accept=yes: each connection is its own instance, so StartLimitBurst=1 stops nothing', async () => {
  const port = await freePort();
  const { unit, out } = unitPair('inst', `ListenStream=127.0.0.1:${port}\n`, { unit: 'StartLimitBurst=1\n' }, 'echo "$REMOTE_ADDR" >> OUT\nexit 1\n', true);
  const run = start([unit]);
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    for (let i = 1; i <= 4; i++) {
      await request({ host: '127.0.0.1', port }).catch(() => '');
      await waitFor(`exit ${i}`, () => (run.err().match(/exited with code 1/g) ?? []).length === i);
    }
    assert.equal(startedPids(run.err()).length, 4);
    assert.doesNotMatch(run.err(), /limit hit/);
    assert.equal(run.child.exitCode, null, 'still running');
    assert.equal(readFileSync(out, 'utf8'), '127.0.0.1\n'.repeat(4));
  } finally {
    await stopRun(run);
  }
});

test('Accept=yes + Restart=on-failure: the instance restarts with the listening socket, no REMOTE_ADDR, until its own start limit; the socket goes on', async () => {
  const port = await freePort();
  const { unit, out } = unitPair('instrestart', `ListenStream=127.0.0.1:${port}\n`, { service: 'Restart=on-failure\nRestartSec=10ms\n' },
    'echo "$LISTEN_FDS $LISTEN_FDNAMES ${REMOTE_ADDR:-none}" >> OUT\nexit 1\n', true);
  const run = start([unit]);
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    await request({ host: '127.0.0.1', port }).catch(() => '');
    await waitFor('the instance\'s start limit', () => /start limit hit/.test(run.err()), 10_000);
    assert.equal(startedPids(run.err()).length, 5, run.err());
    assert.equal(readFileSync(out, 'utf8'), `1 connection 127.0.0.1\n${'1 instrestart.socket none\n'.repeat(4)}`);
    assert.match(run.err(), /^sockact: start limit hit: instrestart@0-….service was started 5 times within 10s \(StartLimitBurst=5, StartLimitIntervalSec=10s, the defaults\); systemd refuses to start it again and the instance fails; instrestart\.socket goes on listening/m);
    assert.equal(run.child.exitCode, null, 'the socket still runs');
    // A new connection is a new instance with a fresh limit.
    await request({ host: '127.0.0.1', port }).catch(() => '');
    await waitFor('a sixth start', () => startedPids(run.err()).length >= 6);
  } finally {
    await stopRun(run);
  }
});

test('Accept=yes: the trigger limit (TriggerLimitBurst=3) stops the socket at the 4th connection, exit 1', async () => {
  const port = await freePort();
  const { unit } = unitPair('acctrig', `ListenStream=127.0.0.1:${port}\nTriggerLimitBurst=3\nTriggerLimitIntervalSec=1min\n`, {}, 'exit 0\n', true);
  const run = start([unit]);
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    for (let i = 0; i < 4; i++) await request({ host: '127.0.0.1', port }).catch(() => '');
    assert.equal(await exitCode(run), 1, run.err());
    assert.equal(startedPids(run.err()).length, 3);
    assert.match(run.err(), /^sockact: trigger limit hit: 3 connections in 60s \(TriggerLimitBurst=3, TriggerLimitIntervalSec=60s in acctrig\.socket\); /m);
  } finally {
    kill(run.child);
  }
});

const HAS_IPV6 = existsSync('/proc/net/if_inet6');

test('a bare port handed to a Python program that wraps fd 3 as AF_INET: one note, once per run; not for 127.0.0.1 or socket(fileno=3)', { skip: HAS_IPV6 ? false : 'no IPv6 here: a bare port is AF_INET' }, async () => {
  const cases: Array<[string, string, string, boolean]> = [
    ['v6wrap', 'ListenStream=PORT\n', 's = socket.fromfd(3, socket.AF_INET, socket.SOCK_STREAM)', true],
    ['v4wrap', 'ListenStream=127.0.0.1:PORT\n', 's = socket.fromfd(3, socket.AF_INET, socket.SOCK_STREAM)', false],
    ['v6auto', 'ListenStream=PORT\n', 's = socket.socket(fileno=3)', false],
  ];
  for (const [name, listen, py, noted] of cases) {
    const port = await freePort();
    const { dir } = probeDir(name);
    // Takes one connection and closes it, so each request is one start.
    writeFileSync(join(dir, 'app.py'), `import socket\n${py}\nc, _ = s.accept()\nc.close()\n`);
    writeFileSync(join(dir, `${name}.socket`), `[Socket]\n${listen.replace('PORT', String(port))}`);
    writeFileSync(join(dir, `${name}.service`), `[Service]\nWorkingDirectory=${dir}\nExecStart=/usr/bin/env python3 app.py\n`);
    const run = start([join(dir, `${name}.socket`)]);
    try {
      await waitFor('listening', () => run.err().includes('waiting for the first connection'));
      for (let i = 1; i <= 2; i++) {
        await request({ host: '127.0.0.1', port }).catch(() => '');
        await waitFor(`exit ${i}`, () => (run.err().match(/exited with code 0/g) ?? []).length === i);
      }
      const notes: string[] = run.err().match(/^sockact: note: .*AF_INET.*$/gm) ?? [];
      assert.equal(notes.length, noted ? 1 : 0, `${name}: ${run.err()}`);
      if (noted) {
        assert.match(String(notes[0]), new RegExp(`^sockact: note: \\[::\\]:${port} is an IPv6 socket \\(AF_INET6; .*\\) but app\\.py wraps fd 3 as AF_INET, so peer addresses come out garbled: wrap it as AF_INET6 \\(in Python socket\\.socket\\(fileno=3\\) detects the family\\), or listen on 0\\.0\\.0\\.0:${port} if IPv4 is all you need$`));
      }
    } finally {
      await stopRun(run);
    }
  }
});
