/**
 * Differential test for `sockact activate`: the same probe program (test/fixtures/probe/probe.mjs) is
 * run once under Debian's `systemd-socket-activate` and once under `sockact activate UNIT.socket --
 * node probe.mjs` with an equivalent unit, the probe is triggered the same way (a TCP connection or a
 * UDP datagram), and the two reports it writes are compared field by field:
 *   - LISTEN_PID equals the probe's own pid in both (the pids themselves differ);
 *   - LISTEN_FDS, LISTEN_FDNAMES are equal;
 *   - for every fd 3..: kind (socket/fifo), family, type (stream/dgram), state (listen/established/…)
 *     and local address are equal (same port and same Unix path in both halves: the halves run one
 *     after the other, the path is removed in between);
 *   - Accept=yes: one connection socket at fd 3 with the test's own connection as its peer; sockact
 *     sets REMOTE_ADDR/REMOTE_PORT to that peer as PID 1 does (systemd-socket-activate 252 sets neither —
 *     observed — so REMOTE_* is checked against the peer, not against the other report);
 *   - Accept=yes + StandardInput=/StandardOutput=socket vs `--accept --inetd`: the connection is stdin,
 *     no LISTEN_* variables at all.
 * O_NONBLOCK on the passed fds is reported as a diagnostic only (systemd clears it unless NonBlocking=yes).
 *
 * Name equivalence: PID 1 names the fds of a socket unit after FileDescriptorName= (default: the unit's
 * file name, `connection` for Accept=yes), and one unit has one name for all its sockets, so
 * systemd-socket-activate gets `--fdname=<that name>` (it replicates one name to every fd).
 *
 * Until dist/cli.js has an `activate` command the sockact half of each case is skipped; the
 * systemd-socket-activate half still runs and checks its report is sane (which proves the probe).
 * Only argument arrays, bounded waits, and every child process group is killed in `finally`.
 */
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { execLine, envAssignment } from './helpers/unitQuote';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// SOCKACT_CLI: another sockact entry point (e.g. a stand-in while `activate` is being built).
const CLI = process.env.SOCKACT_CLI || fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const PROBE = fileURLToPath(new URL('./fixtures/probe/probe.mjs', import.meta.url));
const NODE = process.execPath;
const SSA = ['/usr/bin/systemd-socket-activate', '/lib/systemd/systemd-activate'].find((p) => existsSync(p));
const WAIT_MS = 10_000;

/** What the probe writes (see probe.mjs). */
interface FdReport {
  fd: number;
  kind: string;
  nonblock?: boolean;
  family?: string;
  type?: string;
  state?: string;
  local?: { address?: string; port?: number; path?: string | null };
  remote?: { address: string; port: number } | null;
}
interface ProbeReport {
  pid: number;
  env: Record<'LISTEN_PID' | 'LISTEN_FDS' | 'LISTEN_FDNAMES' | 'REMOTE_ADDR' | 'REMOTE_PORT', string | null>;
  listenPidMatches: boolean;
  stdin: FdReport | null;
  fds: FdReport[];
}

function activateAvailable(): { ok: boolean; why: string } {
  if (!existsSync(CLI)) return { ok: false, why: 'dist/cli.js is missing (run `node scripts/build.mjs`)' };
  const r = spawnSync(NODE, [CLI, 'activate', '--help'], { encoding: 'utf8', timeout: 10_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (/unknown command/i.test(out) || !/activate/.test(out)) {
    return { ok: false, why: `dist/cli.js has no \`activate\` command yet (\`sockact activate --help\` said: ${out.trim().split('\n')[0]})` };
  }
  return { ok: true, why: '' };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  // A port free for TCP and UDP on 127.0.0.1.
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const a = s.address();
        s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port');
}

interface Trigger {
  kind: 'tcp' | 'udp' | 'unix-stream' | 'seqpacket' | 'unix-dgram';
  port?: number;
  /** Unix socket path, or @name for an abstract one (unix-* and seqpacket triggers). */
  path?: string;
}

/**
 * Unix triggers run in Python: Node can't connect SOCK_SEQPACKET, send Unix datagrams, or reach an abstract
 * name exactly (it pads it to 108 bytes). The client connects (or sends one datagram) and holds on.
 */
function pythonTrigger(kind: 'unix-stream' | 'seqpacket' | 'unix-dgram', path: string): ChildProcess {
  const script = `
import socket, sys, time
kind, path = sys.argv[1], sys.argv[2]
addr = '\\0' + path[1:] if path.startswith('@') else path
t = {'unix-stream': socket.SOCK_STREAM, 'seqpacket': socket.SOCK_SEQPACKET, 'unix-dgram': socket.SOCK_DGRAM}[kind]
for i in range(100):
    try:
        s = socket.socket(socket.AF_UNIX, t)
        if kind == 'unix-dgram': s.sendto(b'ping', addr)
        else: s.connect(addr)
        break
    except OSError:
        time.sleep(0.05)
time.sleep(20)
`;
  const child = spawn('python3', ['-c', script, kind, path], { stdio: 'ignore' });
  child.on('error', () => {});
  return child;
}

interface RunResult {
  report: ProbeReport;
  /** Local port of the test's TCP connection (the probe's peer with Accept=yes). */
  clientPort: number | null;
  stderr: string;
}

/** Kill a child's whole process group (it was spawned detached) and wait, bounded, for it to exit. */
async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* group already gone */
    }
    if (await Promise.race([exited.then(() => true), sleep(2000).then(() => false)])) break;
  }
  // The probe may be in the group even after the leader exited (Accept=yes children): one more sweep.
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

function tryConnect(port: number): Promise<Socket | null> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve(null);
    }, 500);
    s.once('connect', () => {
      clearTimeout(timer);
      s.on('error', () => {});
      resolve(s);
    });
    s.once('error', () => {
      clearTimeout(timer);
      s.destroy();
      resolve(null);
    });
  });
}

/**
 * Start `argv` (detached, own process group), trigger it until the probe has written `out`, return the
 * report. The TCP connection stays open until the report is there (Accept=yes hands it to the probe).
 */
async function runUnder(argv: string[], env: NodeJS.ProcessEnv, trigger: Trigger, out: string): Promise<RunResult> {
  rmSync(out, { force: true });
  const child = spawn(argv[0], argv.slice(1), { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  let conn: Socket | null = null;
  let clientPort: number | null = null;
  const udp = trigger.kind === 'udp' ? createSocket('udp4') : null;
  udp?.on('error', () => {});
  let python: ChildProcess | undefined;
  try {
    const deadline = Date.now() + WAIT_MS;
    while (Date.now() < deadline) {
      if (existsSync(out)) {
        const report = JSON.parse(readFileSync(out, 'utf8')) as ProbeReport;
        return { report, clientPort, stderr };
      }
      const err = await Promise.race([spawnError, sleep(0).then(() => null)]);
      if (err) throw new Error(`${argv[0]} could not be started: ${err.message}`);
      if (exited && !existsSync(out)) {
        await sleep(200); // a report written just before exit
        if (existsSync(out)) continue;
        throw new Error(`${argv.join(' ')} exited (code ${child.exitCode}) without a probe report; output:\n${stderr}`);
      }
      if (trigger.kind === 'tcp' && !conn) {
        conn = await tryConnect(trigger.port!);
        if (conn) clientPort = conn.localPort ?? null;
      } else if (udp) {
        udp.send('ping\n', trigger.port!, '127.0.0.1');
      } else if (trigger.path && !python && /Listening on|waiting for the first connection/.test(stderr)) {
        python = pythonTrigger(trigger.kind as 'unix-stream' | 'seqpacket' | 'unix-dgram', trigger.path);
      }
      await sleep(100);
    }
    throw new Error(`no probe report within ${WAIT_MS} ms from ${argv.join(' ')}; output:\n${stderr}`);
  } finally {
    conn?.destroy(); // the client closes first, so the TIME_WAIT stays on the client's port
    udp?.close();
    python?.kill('SIGKILL');
    await killGroup(child);
  }
}

/** The fields that must agree between the two implementations. */
function comparable(r: ProbeReport) {
  const fd = (f: FdReport) => ({
    fd: f.fd,
    kind: f.kind,
    family: f.family,
    type: f.type,
    state: f.state,
    // systemd hands fds over blocking unless NonBlocking=yes; so does systemd-socket-activate.
    nonblock: f.nonblock,
    local: f.local,
    remoteAddress: f.remote ? f.remote.address : null,
  });
  return {
    LISTEN_PID_set: r.env.LISTEN_PID !== null,
    LISTEN_FDS: r.env.LISTEN_FDS,
    LISTEN_FDNAMES: r.env.LISTEN_FDNAMES,
    stdin: r.stdin?.kind === 'socket' ? fd(r.stdin) : r.stdin?.kind ?? null,
    fds: r.fds.map(fd),
  };
}

/** Field-by-field differences, as "path: a ≠ b" lines (for the message and the diagnostics). */
function diff(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${path}: systemd-socket-activate=${JSON.stringify(a)} sockact=${JSON.stringify(b)}`];
}

function assertSane(r: ProbeReport, expect: Case['expect'] & { clientPort: number | null }, who: string): void {
  if (expect.inetd) {
    // StandardInput=socket / --inetd: the connection is stdin (and stdout), no LISTEN_* at all.
    assert.equal(r.env.LISTEN_PID, null, `${who}: no LISTEN_PID with the connection on stdin`);
    assert.equal(r.env.LISTEN_FDS, null, `${who}: no LISTEN_FDS with the connection on stdin`);
    assert.equal(r.stdin?.kind, 'socket', `${who}: stdin is the connection`);
    assert.equal(r.stdin?.state, 'established', `${who}: stdin is a connected socket`);
    assert.equal(r.stdin?.remote?.port, expect.clientPort, `${who}: stdin's peer is the test's connection`);
    return;
  }
  assert.equal(r.env.LISTEN_PID, String(r.pid), `${who}: LISTEN_PID must be the probe's own pid`);
  assert.ok(r.listenPidMatches, `${who}: listenPidMatches`);
  assert.equal(r.env.LISTEN_FDS, String(expect.fds), `${who}: LISTEN_FDS`);
  assert.equal(r.env.LISTEN_FDNAMES, expect.names, `${who}: LISTEN_FDNAMES`);
  assert.equal(r.fds.length, expect.fds, `${who}: one entry per passed fd`);
  for (const f of r.fds) {
    assert.equal(f.kind, 'socket', `${who}: fd ${f.fd} is a socket`);
    assert.ok(f.family && f.family !== 'unknown', `${who}: fd ${f.fd} found in /proc/net (${JSON.stringify(f)})`);
  }
  if (expect.accept) {
    const f = r.fds[0];
    assert.equal(f.state, 'established', `${who}: Accept=yes passes the connection, not the listener`);
    assert.equal(f.remote?.address, '127.0.0.1', `${who}: peer address`);
    assert.equal(f.remote?.port, expect.clientPort, `${who}: the peer is the test's connection`);
  } else {
    for (const f of r.fds) {
      assert.ok(f.type === 'dgram' || f.state === 'listen', `${who}: fd ${f.fd} is a listening socket (${f.state})`);
    }
  }
}

interface Case {
  name: string;
  unitName: string;
  socketUnit: string;
  serviceName: string;
  ssaArgs: string[];
  trigger: Trigger;
  expect: { fds: number; names: string | null; accept: boolean; inetd?: boolean };
  serviceExtra?: string;
  check?: (r: ProbeReport) => void;
  cleanup?: () => void;
}

const avail = SSA ? activateAvailable() : { ok: false, why: '' };
const dir = mkdtempSync(join(tmpdir(), 'sockact-diff-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function serviceText(out: string, description: string, extra = ''): string {
  return [
    '[Unit]',
    `Description=${description}`,
    '',
    '[Service]',
    `ExecStart=${execLine(NODE, PROBE)}`,
    `Environment=${envAssignment('PROBE_OUT', out)}`,
    '',
  ].join('\n') + extra;
}

describe('sockact activate vs systemd-socket-activate (same probe, same trigger)', { skip: SSA ? false : 'systemd-socket-activate is not installed' }, () => {
  const cases: Case[] = [];
  before(async () => {
    const [p1, p2, p3, p4, p5, p6] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const sockPath = join(dir, 'two.sock');
    const seqPath = join(dir, 'seq.sock');
    const dgramPath = join(dir, 'dgram.sock');
    const abstract = `@sockact-diff-${process.pid}`;
    cases.push(
      {
        name: 'one TCP port (default name = unit file name)',
        unitName: 'probe-tcp.socket',
        socketUnit: `[Socket]\nListenStream=127.0.0.1:${p1}\n`,
        serviceName: 'probe-tcp.service',
        ssaArgs: ['-l', `127.0.0.1:${p1}`, '--fdname=probe-tcp.socket'],
        trigger: { kind: 'tcp', port: p1 },
        expect: { fds: 1, names: 'probe-tcp.socket', accept: false },
        check: (r) => assert.deepEqual(r.fds[0].local, { address: '127.0.0.1', port: p1 }),
      },
      {
        name: 'TCP + Unix path, FileDescriptorName=web names both',
        unitName: 'probe-two.socket',
        socketUnit: `[Socket]\nListenStream=127.0.0.1:${p2}\nListenStream=${sockPath}\nFileDescriptorName=web\n`,
        serviceName: 'probe-two.service',
        ssaArgs: ['-l', `127.0.0.1:${p2}`, '-l', sockPath, '--fdname=web'],
        trigger: { kind: 'tcp', port: p2 },
        expect: { fds: 2, names: 'web:web', accept: false },
        check: (r) => {
          assert.deepEqual(r.fds[0].local, { address: '127.0.0.1', port: p2 });
          assert.deepEqual(r.fds[1].local, { path: sockPath });
          assert.equal(r.fds[1].family, 'unix');
          assert.equal(r.fds[1].type, 'stream');
        },
        cleanup: () => rmSync(sockPath, { force: true }),
      },
      {
        name: 'Accept=yes: the connection as fd 3',
        unitName: 'probe-acc.socket',
        socketUnit: `[Socket]\nListenStream=127.0.0.1:${p3}\nAccept=yes\n`,
        serviceName: 'probe-acc@.service',
        ssaArgs: ['-a', '-l', `127.0.0.1:${p3}`, '--fdname=connection'],
        trigger: { kind: 'tcp', port: p3 },
        expect: { fds: 1, names: 'connection', accept: true },
        check: (r) => assert.deepEqual(r.fds[0].local, { address: '127.0.0.1', port: p3 }),
      },
      {
        name: 'UDP datagram socket',
        unitName: 'probe-udp.socket',
        socketUnit: `[Socket]\nListenDatagram=127.0.0.1:${p4}\n`,
        serviceName: 'probe-udp.service',
        ssaArgs: ['-d', '-l', `127.0.0.1:${p4}`, '--fdname=probe-udp.socket'],
        trigger: { kind: 'udp', port: p4 },
        expect: { fds: 1, names: 'probe-udp.socket', accept: false },
        check: (r) => {
          assert.equal(r.fds[0].family, 'inet');
          assert.equal(r.fds[0].type, 'dgram');
          assert.deepEqual(r.fds[0].local, { address: '127.0.0.1', port: p4 });
        },
      },
      {
        name: 'Accept=yes + StandardInput=socket (inetd style): the connection as stdin/stdout',
        unitName: 'probe-inetd.socket',
        socketUnit: `[Socket]\nListenStream=127.0.0.1:${p5}\nAccept=yes\n`,
        serviceName: 'probe-inetd@.service',
        serviceExtra: 'StandardInput=socket\nStandardOutput=socket\n',
        ssaArgs: ['-a', '--inetd', '-l', `127.0.0.1:${p5}`],
        trigger: { kind: 'tcp', port: p5 },
        expect: { fds: 0, names: null, accept: true, inetd: true },
        check: (r) => assert.deepEqual(r.stdin?.local, { address: '127.0.0.1', port: p5 }),
      },
      {
        name: 'ListenSequentialPacket= on a Unix path',
        unitName: 'probe-seq.socket',
        socketUnit: `[Socket]\nListenSequentialPacket=${seqPath}\n`,
        serviceName: 'probe-seq.service',
        ssaArgs: ['--seqpacket', '-l', seqPath, '--fdname=probe-seq.socket'],
        trigger: { kind: 'seqpacket', path: seqPath },
        expect: { fds: 1, names: 'probe-seq.socket', accept: false },
        check: (r) => {
          assert.equal(r.fds[0].type, 'seqpacket');
          assert.deepEqual(r.fds[0].local, { path: seqPath });
        },
        cleanup: () => rmSync(seqPath, { force: true }),
      },
      {
        name: 'ListenDatagram= on a Unix path',
        unitName: 'probe-udg.socket',
        socketUnit: `[Socket]\nListenDatagram=${dgramPath}\n`,
        serviceName: 'probe-udg.service',
        ssaArgs: ['-d', '-l', dgramPath, '--fdname=probe-udg.socket'],
        trigger: { kind: 'unix-dgram', path: dgramPath },
        expect: { fds: 1, names: 'probe-udg.socket', accept: false },
        check: (r) => {
          assert.equal(r.fds[0].family, 'unix');
          assert.equal(r.fds[0].type, 'dgram');
          assert.deepEqual(r.fds[0].local, { path: dgramPath });
        },
        cleanup: () => rmSync(dgramPath, { force: true }),
      },
      {
        name: 'abstract ListenStream=@name (the exact name, not padded)',
        unitName: 'probe-abs.socket',
        socketUnit: `[Socket]\nListenStream=${abstract}\n`,
        serviceName: 'probe-abs.service',
        ssaArgs: ['-l', abstract, '--fdname=probe-abs.socket'],
        trigger: { kind: 'unix-stream', path: abstract },
        expect: { fds: 1, names: 'probe-abs.socket', accept: false },
        check: (r) => assert.deepEqual(r.fds[0].local, { path: abstract }),
      },
      {
        name: 'a bare port: dual-stack [::]',
        unitName: 'probe-any.socket',
        socketUnit: `[Socket]\nListenStream=${p6}\n`,
        serviceName: 'probe-any.service',
        ssaArgs: ['-l', String(p6), '--fdname=probe-any.socket'],
        trigger: { kind: 'tcp', port: p6 },
        expect: { fds: 1, names: 'probe-any.socket', accept: false },
        check: (r) => assert.deepEqual(r.fds[0].local, { address: '::', port: p6 }),
      },
    );
  });

  const reports = new Map<number, RunResult>();
  for (let i = 0; i < 9; i++) {
    test(`case ${i + 1}: systemd-socket-activate half`, { timeout: 30_000 }, async (t) => {
      const c = cases[i];
      t.diagnostic(c.name);
      c.cleanup?.();
      const out = join(dir, `ssa-${i}.json`);
      const argv = [SSA!, ...c.ssaArgs, '-E', `PROBE_OUT=${out}`, '--', NODE, PROBE];
      const res = await runUnder(argv, { ...process.env }, c.trigger, out);
      c.cleanup?.();
      reports.set(i, res);
      t.diagnostic(`report: ${JSON.stringify(res.report)}`);
      assertSane(res.report, { ...c.expect, clientPort: res.clientPort }, 'systemd-socket-activate');
      c.check?.(res.report);
      if (c.expect.accept) {
        t.diagnostic(`systemd-socket-activate REMOTE_ADDR=${res.report.env.REMOTE_ADDR} REMOTE_PORT=${res.report.env.REMOTE_PORT}`);
      }
    });

    test(`case ${i + 1}: sockact activate half, compared`, { timeout: 30_000, skip: avail.ok ? false : `sockact half skipped: ${avail.why}` }, async (t) => {
      const c = cases[i];
      t.diagnostic(c.name);
      const ref = reports.get(i);
      assert.ok(ref, 'the systemd-socket-activate half of this case failed; nothing to compare against');
      c.cleanup?.();
      const out = join(dir, `sockact-${i}.json`);
      const unitDir = mkdtempSync(join(dir, `unit-${i}-`));
      const socketPath = join(unitDir, c.unitName);
      writeFileSync(socketPath, c.socketUnit);
      writeFileSync(join(unitDir, c.serviceName), serviceText(out, `probe for ${c.name}`, c.serviceExtra));
      const argv = [NODE, CLI, 'activate', socketPath, '--', NODE, PROBE];
      let res: RunResult;
      try {
        res = await runUnder(argv, { ...process.env, PROBE_OUT: out }, c.trigger, out);
      } finally {
        c.cleanup?.();
      }
      t.diagnostic(`report: ${JSON.stringify(res.report)}`);
      const differences = diff(comparable(ref.report), comparable(res.report));
      for (const d of differences) t.diagnostic(`differs: ${d}`);
      if (!c.expect.inetd) assert.equal(res.report.env.LISTEN_PID, String(res.report.pid), 'sockact: LISTEN_PID must be the probe\'s own pid');
      assert.deepEqual(differences, [], `sockact and systemd-socket-activate disagree:\n${differences.join('\n')}`);
      assertSane(res.report, { ...c.expect, clientPort: res.clientPort }, 'sockact');
      c.check?.(res.report);
      if (c.expect.accept) {
        // PID 1 (service.c) sets these from getpeername() of the connection.
        assert.equal(res.report.env.REMOTE_ADDR, '127.0.0.1', 'sockact: REMOTE_ADDR is the peer address');
        assert.equal(res.report.env.REMOTE_PORT, String(res.clientPort), 'sockact: REMOTE_PORT is the peer port');
      } else {
        assert.equal(res.report.env.REMOTE_ADDR, null, 'sockact: no REMOTE_ADDR without Accept=yes');
      }
    });
  }
});
