/**
 * The crash-loop brakes of `sockact activate` against systemd itself: the same units, the same program (a
 * shell script that writes one line per run and exits 1) run once under an isolated systemd (PID 1 of its
 * own namespaces, support/isolatedSystemd.ts) and once under sockact, and compared: how many times the
 * program ran, what it was handed on each run, and how it ended (the socket's Result= under systemd, the
 * `limit hit` line and exit code under sockact). Counts and states only, never durations.
 * Skipped with the reason where no isolated systemd can boot.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';

import { bootIsolatedSystemd, canBootSystemd, type IsolatedSystemd } from './support/isolatedSystemd';
import { freePort, kill, probeDir, start, startedPids, stopRun, waitFor } from './helpers/activate';

const can = canBootSystemd();

const SCRIPT = 'echo "$LISTEN_FDS ${LISTEN_FDNAMES:-none} ${REMOTE_ADDR:-none}" >> OUT\nexit 1\n';

interface Case {
  name: string;
  accept?: boolean;
  socket?: string;
  unit?: string;
  service?: string;
  /** Start the service at once (systemctl start x.service / --now) instead of by a connection. */
  now?: boolean;
}

function files(c: Case, port: number, script: string): { socket: string; service: string; serviceName: string } {
  return {
    socket: `[Socket]\nListenStream=127.0.0.1:${port}\n${c.accept ? 'Accept=yes\n' : ''}${c.socket ?? ''}`,
    service: `${c.unit ? `[Unit]\n${c.unit}` : ''}[Service]\n${c.service ?? ''}ExecStart=/bin/sh ${script}\n`,
    serviceName: c.accept ? `${c.name}@.service` : `${c.name}.service`,
  };
}

function held(port: number): net.Socket {
  const c = net.connect({ host: '127.0.0.1', port });
  c.on('error', () => {});
  return c;
}

async function underSystemd(sys: IsolatedSystemd, c: Case): Promise<{ runs: string[]; result: string }> {
  const port = await freePort();
  const dir = `/run/limits-${c.name}`;
  const script = `${dir}/prog.sh`;
  const f = files(c, port, script);
  await sys.writeFile(script, SCRIPT.replace('OUT', `${dir}/runs`));
  await sys.writeFile(`${dir}/runs`, '');
  await sys.writeFile(`/etc/systemd/system/${c.name}.socket`, f.socket);
  await sys.writeFile(`/etc/systemd/system/${f.serviceName}`, f.service);
  await sys.run(['systemctl', 'daemon-reload']);
  await sys.run(['systemctl', 'start', `${c.name}.socket`]);
  const conn = c.now ? undefined : held(port);
  try {
    if (c.now) await sys.exec(['systemctl', 'start', '--no-block', `${c.name}.service`]);
    const show = async (unit: string): Promise<[string, string]> => {
      const props = new Map((await sys.run(['systemctl', 'show', '-p', 'ActiveState,Result', unit])).trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
      return [props.get('ActiveState') ?? '', props.get('Result') ?? ''];
    };
    let result = '';
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [state, res] = await show(`${c.name}.socket`);
      if (state === 'failed') {
        result = `socket ${res}`;
        break;
      }
      if (c.accept) {
        const failed = (await sys.run(['systemctl', 'list-units', '--all', '--failed', '--plain', '--no-legend', `${c.name}@*`])).trim();
        if (failed) {
          // Its Result= stays the last run's exit-code: the refused start does not overwrite it.
          const [instanceState] = await show(failed.split(/\s+/)[0]);
          result = `instance ${instanceState}, socket ${state}`;
          break;
        }
      }
      if (Date.now() > deadline) throw new Error(`${c.name}: systemd did not settle: ${await sys.journal(undefined, 30)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const runs = readFileSync(join(sys.root, dir, 'runs'), 'utf8').split('\n').filter(Boolean);
    return { runs, result };
  } finally {
    conn?.destroy();
    await sys.exec(['systemctl', 'stop', `${c.name}.socket`]);
  }
}

async function underSockact(c: Case): Promise<{ runs: string[]; result: string; err: string }> {
  const port = await freePort();
  const { dir, out } = probeDir(`sd-${c.name}`);
  const script = join(dir, 'prog.sh');
  const f = files(c, port, script);
  writeFileSync(script, SCRIPT.replace('OUT', join(out, 'runs')));
  writeFileSync(join(out, 'runs'), '');
  writeFileSync(join(dir, `${c.name}.socket`), f.socket);
  writeFileSync(join(dir, f.serviceName), f.service);
  const run = start([...(c.now ? ['--now'] : []), join(dir, `${c.name}.socket`)]);
  let conn: net.Socket | undefined;
  try {
    await waitFor('listening', () => run.err().includes('listening on'));
    if (!c.now) conn = held(port);
    const result = await waitFor(`${c.name} to settle under sockact`, () => {
      const m = /^sockact: (start|trigger) limit hit: .*$/m.exec(run.err());
      if (!m) return undefined;
      if (/goes on listening/.test(m[0])) return run.child.exitCode === null ? 'instance failed, socket active' : undefined;
      return run.child.exitCode === 1 ? `socket ${m[1] === 'start' ? 'service-start-limit-hit' : 'trigger-limit-hit'}` : undefined;
    }, 20_000);
    const runs = readFileSync(join(out, 'runs'), 'utf8').split('\n').filter(Boolean);
    assert.equal(startedPids(run.err()).length, runs.length, run.err());
    return { runs, result, err: run.err() };
  } finally {
    conn?.destroy();
    await stopRun(run);
    kill(run.child);
  }
}

const CASES: Case[] = [
  { name: 'loop' },
  { name: 'burst', unit: 'StartLimitBurst=3\n' },
  { name: 'nostart', unit: 'StartLimitIntervalSec=0\n', socket: 'TriggerLimitBurst=8\nTriggerLimitIntervalSec=1min\n' },
  { name: 'restart', service: 'Restart=on-failure\n', now: true },
  { name: 'inst', accept: true, service: 'Restart=on-failure\n' },
];

describe('start and trigger limits, sockact against systemd', { skip: can.ok ? false : `cannot boot an isolated systemd here: ${can.why}`, timeout: 120_000 }, () => {
  let sys: IsolatedSystemd;
  before(async () => {
    sys = await bootIsolatedSystemd();
  });
  after(async () => {
    await sys?.stop();
  });

  for (const c of CASES) {
    test(`${c.name}: ${JSON.stringify(c)}`, async () => {
      const expected = await underSystemd(sys, c);
      const got = await underSockact(c);
      assert.deepEqual(got.runs, expected.runs, `runs under sockact vs systemd\n${got.err}`);
      assert.equal(got.result, expected.result, got.err);
    });
  }
});
