/**
 * `verifyActivation()` (server/src/deploy/verify.ts) against a REAL systemd: the isolated one of
 * test/support/isolatedSystemd.ts, reached the way a deploy reaches a server, over OpenSSH (a host target
 * through the harness's sshd), plus once from inside with a system-manager target. Every step is shown
 * passing and failing on units installed here by hand (not by the deploy code):
 *
 * - all pass: Accept=no (a Python server on fd 3 that speaks HTTP) and Accept=yes (/bin/cat per connection);
 * - 1 fails: the socket is stopped / not deployed at all;
 * - 2 fails: the service was started by hand before verify;
 * - 3 fails (4 shows the journal): a service that exits at once with "boom", and one that opens its own port;
 * - 5 fails: StartLimitBurst=1 in the service: after the kill the next start is refused (start-limit-hit) and
 *   systemd 252 puts the socket in failed state (service-start-limit-hit);
 * - an unreachable host: step 1 fails in one line, the others are skipped, nothing throws.
 *
 * One boot for the file. Skipped with the harness's reason where it can't boot (not root, no namespaces...)
 * or when OpenSSH's server is not installed.
 */
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { createTarget, type Target } from '../server/src/deploy/target';
import { formatChecklist, parseShow, verifyActivation, type Checklist, type ChecklistStep } from '../server/src/deploy/verify';
import { bootIsolatedSystemd, canBootSystemd, type IsolatedSystemd } from './support/isolatedSystemd';
import { canRunSshServer, freePort } from './support/sshServer';

const can = canBootSystemd();
const sshCan = canRunSshServer();
const skip = !can.ok ? `cannot boot an isolated systemd here: ${can.why}` : !sshCan.ok ? `no OpenSSH server for a host target: ${sshCan.why}` : false;

const REPO = fileURLToPath(new URL('..', import.meta.url));
const LIB = '/usr/local/lib/sockact-verify-test'; // inside
const UNIT_DIR = '/etc/systemd/system'; // inside

/** Takes the listening socket from systemd (fd 3, any family) and answers every request like an HTTP server. */
const WEB_PY = `import socket
s = socket.socket(fileno=3)
while True:
    c, _ = s.accept()
    c.recv(4096)
    c.sendall(b'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nhello from fd 3\\n')
    c.close()
`;

/** The classic mistake: ignores fd 3 and listens on a port of its own. */
const OWN_PORT_PY = `import socket, sys
port = int(sys.argv[1])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', port))
s.listen()
print(f'listening on 127.0.0.1:{port} with my own socket', flush=True)
while True:
    c, _ = s.accept()
    c.close()
`;

function step(c: Checklist, id: ChecklistStep['id']): ChecklistStep {
  const s = c.steps.find((x) => x.id === id);
  assert.ok(s, `no step ${id}`);
  return s;
}

/** [status of step 1..5] */
function statuses(c: Checklist): string[] {
  return c.steps.map((s) => s.status);
}

function assertShape(c: Checklist): void {
  assert.deepEqual(
    c.steps.map((s) => s.id),
    ['socket-listening', 'service-idle', 'first-connection', 'journal', 'survives-kill'],
  );
  for (const s of c.steps) {
    assert.ok(s.detail.length > 0, `${s.id} has a detail`);
    assert.ok(!s.detail.includes('\n'), `${s.id}: the detail is one line: ${JSON.stringify(s.detail)}`);
    assert.ok(s.title.length > 0);
  }
  assert.equal(c.ok, !c.steps.some((s) => s.status === 'fail'));
}

describe('verifyActivation on a real systemd over ssh', { skip, timeout: 150_000 }, () => {
  let sys: IsolatedSystemd;
  let target: Target;
  /** Host folder with the local copies of the units (what a user would pass to `sockact verify`). */
  let local = '';

  /** Writes the units locally and inside, reloads systemd, and starts the socket unless told otherwise. */
  async function install(files: Record<string, string>, opts: { start?: boolean; deploy?: boolean } = {}): Promise<string> {
    let socket = '';
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(local, name), text);
      if (opts.deploy !== false) await sys.writeFile(`${UNIT_DIR}/${name}`, text);
      if (name.endsWith('.socket')) socket = name;
    }
    if (opts.deploy !== false) {
      await sys.run(['systemctl', 'daemon-reload']);
      if (opts.start !== false) await sys.run(['systemctl', 'start', socket]);
    }
    return join(local, socket);
  }

  async function verify(socketPath: string, timeoutMs = 8000): Promise<Checklist> {
    const c = await verifyActivation(target, socketPath, { timeoutMs, systemdVersion: 252 });
    assertShape(c);
    return c;
  }

  before(async () => {
    local = mkdtempSync(join(tmpdir(), 'sockact-verify-'));
    sys = await bootIsolatedSystemd({ ssh: true });
    target = createTarget({ kind: 'host', host: sys.ssh!.alias, sshConfig: sys.ssh!.configFile });
    await sys.writeFile(`${LIB}/web.py`, WEB_PY);
    await sys.writeFile(`${LIB}/own-port.py`, OWN_PORT_PY);
  });

  after(async () => {
    await sys?.stop();
    if (local) rmSync(local, { recursive: true, force: true });
  });

  test('all pass, Accept=no: the socket listens, the service is idle, a GET starts it, it survives a kill', async (t) => {
    const port = await freePort();
    const path = await install({
      'sockact-vweb.socket': `[Socket]\nListenStream=127.0.0.1:${port}\n\n[Install]\nWantedBy=sockets.target\n`,
      'sockact-vweb.service': `[Service]\nExecStart=/usr/bin/python3 ${LIB}/web.py\n`,
    });
    const c = await verify(path);
    t.diagnostic(formatChecklist(c));
    assert.deepEqual(statuses(c), ['pass', 'pass', 'pass', 'skip', 'pass'], formatChecklist(c));
    assert.equal(c.ok, true);
    assert.equal(c.unit, 'sockact-vweb.socket');
    assert.equal(c.target, `host ${sys.ssh!.alias}`);
    assert.match(step(c, 'socket-listening').detail, new RegExp(`active \\(listening\\) on 127\\.0\\.0\\.1:${port} \\(Stream\\)`));
    assert.match(step(c, 'service-idle').detail, /sockact-vweb\.service is inactive \(dead\)/);
    assert.match(step(c, 'first-connection').detail, /answered "HTTP\/1\.0 200 OK"; sockact-vweb\.service is active \(running\)/);
    assert.equal(step(c, 'journal').detail, 'not needed');
    assert.match(step(c, 'survives-kill').detail, /killed sockact-vweb\.service; sockact-vweb\.socket kept listening .*answered "HTTP\/1\.0 200 OK"/);
    // It really ran over there: a fresh invocation after the kill, and the socket still listens.
    assert.equal((await sys.run(['systemctl', 'is-active', 'sockact-vweb.service'])).trim(), 'active');
    assert.equal((await sys.run(['systemctl', 'show', '-p', 'SubState', '--value', 'sockact-vweb.socket'])).trim(), 'running');
    const text = formatChecklist(c);
    assert.match(text, /^✔ 1\. /m);
    assert.match(text, /^– 4\. Service journal \(skipped\): not needed$/m);
    assert.match(text, /^✔ 5\. /m);
  });

  test('all pass, Accept=yes: one instance per connection, a killed instance does not take the socket down', async (t) => {
    const port = await freePort();
    const path = await install({
      'sockact-vecho.socket': `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\n`,
      'sockact-vecho@.service': `[Service]\nExecStart=/bin/cat\nStandardInput=socket\n`,
    });
    const c = await verify(path);
    t.diagnostic(formatChecklist(c));
    assert.deepEqual(statuses(c), ['pass', 'pass', 'pass', 'skip', 'pass'], formatChecklist(c));
    assert.match(step(c, 'service-idle').detail, /no instance of sockact-vecho@\.service runs \(NAccepted=0\)/);
    // Not HTTP: nothing is sent, cat answers nothing; the socket's NAccepted counts the connection.
    assert.match(step(c, 'first-connection').detail, /accepted the connection \(nothing was sent: not HTTP.*NAccepted 0 → 1/);
    assert.match(step(c, 'survives-kill').detail, /^killed sockact-vecho@\d+-127\.0\.0\.1:\d+-127\.0\.0\.1:\d+\.service; sockact-vecho\.socket kept listening .*NAccepted \d+ → \d+/);
    assert.equal((await sys.run(['systemctl', 'is-active', 'sockact-vecho.socket'])).trim(), 'active');
  });

  test('1 fails: a stopped socket, and a socket that was never deployed', async () => {
    const port = await freePort();
    const stopped = await install(
      {
        'sockact-vstopped.socket': `[Socket]\nListenStream=127.0.0.1:${port}\n`,
        'sockact-vstopped.service': `[Service]\nExecStart=/usr/bin/python3 ${LIB}/web.py\n`,
      },
      { start: false },
    );
    const c = await verify(stopped);
    assert.deepEqual(statuses(c), ['fail', 'pass', 'skip', 'skip', 'skip'], formatChecklist(c));
    assert.equal(c.ok, false);
    assert.match(step(c, 'socket-listening').detail, /sockact-vstopped\.socket is inactive \(dead\), not listening \(start it: systemctl enable --now sockact-vstopped\.socket\)/);
    assert.ok(step(c, 'socket-listening').lines?.some((l) => /Active: inactive \(dead\)/.test(l)), 'systemctl status lines');
    assert.match(step(c, 'first-connection').detail, /not run: sockact-vstopped\.socket is not listening/);

    const missing = await install({ 'sockact-vmissing.socket': `[Socket]\nListenStream=127.0.0.1:${port}\n` }, { deploy: false });
    const m = await verify(missing);
    assert.equal(step(m, 'socket-listening').status, 'fail');
    assert.match(step(m, 'socket-listening').detail, /sockact-vmissing\.socket is not loaded on host \S+ \(not-found\): deploy it first/);
    assert.deepEqual(step(m, 'socket-listening').lines, ['Unit sockact-vmissing.socket could not be found.']);
    assert.equal(step(m, 'first-connection').status, 'skip');
    assert.equal(step(m, 'survives-kill').status, 'skip');

    // And a local file that does not exist: no throw either.
    const gone = await verifyActivation(target, join(local, 'nope.socket'));
    assertShape(gone);
    assert.deepEqual(statuses(gone), ['fail', 'skip', 'skip', 'skip', 'skip']);
    assert.match(step(gone, 'socket-listening').detail, /cannot read .*nope\.socket: no such file/);
  });

  test('2 fails: the service was started by hand, so activation cannot be proven (3 and 5 are not run)', async () => {
    const port = await freePort();
    const path = await install({
      'sockact-vbusy.socket': `[Socket]\nListenStream=127.0.0.1:${port}\n`,
      'sockact-vbusy.service': `[Service]\nExecStart=/usr/bin/python3 ${LIB}/web.py\n`,
    });
    await sys.run(['systemctl', 'start', 'sockact-vbusy.service']);
    const c = await verify(path);
    assert.deepEqual(statuses(c), ['pass', 'fail', 'skip', 'skip', 'skip'], formatChecklist(c));
    assert.match(step(c, 'socket-listening').detail, /active \(running\)/); // the service holds the socket
    assert.match(step(c, 'service-idle').detail, /sockact-vbusy\.service is already active \(running\): socket activation can't be proven while it runs; stop it \(systemctl stop sockact-vbusy\.service\) and verify again/);
    assert.match(step(c, 'survives-kill').detail, /was already running before verify/);
    // verify did not kill what it did not start.
    assert.equal((await sys.run(['systemctl', 'is-active', 'sockact-vbusy.service'])).trim(), 'active');
    assert.match(formatChecklist(c), /^✘ 2\. Service is not running yet: /m);
  });

  test('3 fails and 4 shows the journal: a service that exits at once with an error', async (t) => {
    const port = await freePort();
    const path = await install({
      'sockact-vboom.socket': `[Socket]\nListenStream=127.0.0.1:${port}\n`,
      'sockact-vboom.service': `[Service]\nExecStart=/bin/sh -c 'echo boom >&2; exit 3'\n`,
    });
    const c = await verify(path, 4000);
    t.diagnostic(formatChecklist(c));
    assert.deepEqual(statuses(c), ['pass', 'pass', 'fail', 'fail', 'skip'], formatChecklist(c));
    // systemd 252: the pending connection re-triggers the failing service until its start limit (5 in 10 s)
    // is hit; then the socket gives up (failed, service-start-limit-hit) and drops the connection.
    // Which of the two verify sees first depends on timing; both name the exit status.
    const d3 = step(c, 'first-connection').detail;
    assert.match(d3, /sockact-vboom\.service (was started but )?is failed \(Result=exit-code; main process exited with status 3\)/);
    assert.equal((await sys.run(['systemctl', 'show', '-p', 'ActiveState,Result', '--value', 'sockact-vboom.socket'])).trim().split('\n').sort().join(' '), 'failed service-start-limit-hit');
    const j = step(c, 'journal');
    assert.match(j.detail, /^sockact-vboom\.service is failed \(Result=exit-code; main process exited with status 3\); last 5 journal line\(s\) of sockact-vboom\.service:$/);
    // Five starts (DefaultStartLimitBurst=5), each wrote its line to the journal (journald works inside;
    // PID 1's own messages go to the console there, so the state comes from `systemctl show`).
    assert.deepEqual(j.lines, ['boom', 'boom', 'boom', 'boom', 'boom']);
    assert.match(step(c, 'survives-kill').detail, /the first connection did not start the service/);
    const text = formatChecklist(c);
    assert.match(text, /^✘ 3\. /m);
    assert.match(text, /^✘ 4\. Service journal: .*\n {6}boom$/m);
    assert.match(text, /^– 5\. Socket survives a killed service \(skipped\): /m);
  });

  test('3 fails and 4 shows the journal: a web service that opens its own port instead of taking fd 3', async (t) => {
    const port = await freePort();
    const ownPort = await freePort();
    const path = await install({
      'sockact-vownport-web.socket': `[Socket]\nListenStream=127.0.0.1:${port}\n`,
      'sockact-vownport-web.service': `[Service]\nExecStart=/usr/bin/python3 ${LIB}/own-port.py ${ownPort}\n`,
    });
    const c = await verify(path, 3000);
    t.diagnostic(formatChecklist(c));
    assert.deepEqual(statuses(c), ['pass', 'pass', 'fail', 'fail', 'skip'], formatChecklist(c));
    // It was started (the socket did its part), but the request sits unanswered in the socket's queue.
    assert.match(step(c, 'first-connection').detail, /sockact-vownport-web\.service is active \(running\), but it did not answer the HTTP request .*fd 3/);
    const j = step(c, 'journal');
    assert.deepEqual(j.lines, [`listening on 127.0.0.1:${ownPort} with my own socket`]);
    assert.match(j.detail, /^sockact-vownport-web\.service is active \(running\); last 1 journal line\(s\)/);
  });

  test('5 fails: StartLimitBurst=1, so after the kill the next connection cannot start the service (systemd 252)', async (t) => {
    const port = await freePort();
    const path = await install({
      'sockact-vlimit-web.socket': `[Socket]\nListenStream=127.0.0.1:${port}\n`,
      'sockact-vlimit-web.service': `[Unit]\nStartLimitIntervalSec=60\nStartLimitBurst=1\n\n[Service]\nExecStart=/usr/bin/python3 ${LIB}/web.py\n`,
    });
    const c = await verify(path);
    t.diagnostic(formatChecklist(c));
    assert.deepEqual(statuses(c), ['pass', 'pass', 'pass', 'skip', 'fail'], formatChecklist(c));
    const s5 = step(c, 'survives-kill');
    // The socket was still listening after the kill; the second start in 60 s is refused: the service fails
    // with start-limit-hit and takes the socket with it (failed, service-start-limit-hit).
    assert.match(s5.detail, /sockact-vlimit-web\.socket still listened after killing sockact-vlimit-web\.service, but the next connection did not start it again/);
    assert.match(s5.detail, /sockact-vlimit-web\.socket is failed \(Result=service-start-limit-hit\)/);
    assert.match(s5.detail, /sockact-vlimit-web\.service is failed \(Result=start-limit-hit/);
    assert.ok(s5.lines?.some((l) => /Active: failed \(Result: service-start-limit-hit\)/.test(l)), `status lines: ${JSON.stringify(s5.lines)}`);
    assert.ok(s5.lines?.some((l) => /Active: failed \(Result: start-limit-hit\)/.test(l)));
    assert.equal((await sys.exec(['systemctl', 'is-active', 'sockact-vlimit-web.socket'])).stdout.trim(), 'failed');
  });

  test('an unreachable host: step 1 fails in one line, the rest is skipped, nothing throws', async () => {
    const closed = await freePort();
    const config = join(local, 'ssh_config.unreachable');
    writeFileSync(config, `Host sockact-nowhere\n  HostName 127.0.0.1\n  Port ${closed}\n  User root\n  StrictHostKeyChecking yes\n  UserKnownHostsFile /dev/null\n`);
    const nowhere = createTarget({ kind: 'host', host: 'sockact-nowhere', sshConfig: config });
    const path = await install({ 'sockact-vfar.socket': `[Socket]\nListenStream=127.0.0.1:${closed}\n` }, { deploy: false });
    const c = await verifyActivation(nowhere, path, { timeoutMs: 3000 });
    assertShape(c);
    assert.deepEqual(statuses(c), ['fail', 'skip', 'skip', 'skip', 'skip']);
    assert.match(step(c, 'socket-listening').detail, /^host sockact-nowhere is unreachable: .*Connection refused/);
    for (const s of c.steps.slice(1)) assert.equal(s.detail, 'not run: host sockact-nowhere is unreachable');
    assert.equal(c.ok, false);
  });

  test('from inside, with a system-manager target: a Unix socket (connectUnix), journalctl run locally', async (t) => {
    // The same code, bundled, run by the node of this machine (visible through the overlay) inside.
    const script = [
      `import { createTarget } from ${JSON.stringify(join(REPO, 'server/src/deploy/target.ts'))};`,
      `import { verifyActivation, formatChecklist } from ${JSON.stringify(join(REPO, 'server/src/deploy/verify.ts'))};`,
      'const paths = process.argv.slice(2);',
      '(async () => {',
      "  const out = [];",
      "  for (const p of paths) { const c = await verifyActivation(createTarget({ kind: 'system' }), p, { timeoutMs: 8000, systemdVersion: 252 }); out.push({ c, text: formatChecklist(c) }); }",
      '  process.stdout.write(JSON.stringify(out));',
      '})();',
    ].join('\n');
    const bundle = await build({ stdin: { contents: script, resolveDir: REPO, loader: 'ts' }, bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, logLevel: 'silent' });
    await sys.writeFile(`${LIB}/verify.cjs`, bundle.outputFiles[0].text);
    await sys.writeFile(`${UNIT_DIR}/sockact-vunix-web.socket`, '[Socket]\nListenStream=/run/sockact-vunix-web.sock\n');
    await sys.writeFile(`${UNIT_DIR}/sockact-vunix-web.service`, `[Service]\nExecStart=/usr/bin/python3 ${LIB}/web.py\n`);
    await sys.writeFile(`${UNIT_DIR}/sockact-vunix-boom.socket`, '[Socket]\nListenStream=/run/sockact-vunix-boom.sock\n');
    await sys.writeFile(`${UNIT_DIR}/sockact-vunix-boom.service`, `[Service]\nExecStart=/bin/sh -c 'echo unix boom >&2; exit 7'\n`);
    await sys.run(['systemctl', 'daemon-reload']);
    await sys.run(['systemctl', 'start', 'sockact-vunix-web.socket', 'sockact-vunix-boom.socket']);
    const r = await sys.exec([process.execPath, `${LIB}/verify.cjs`, `${UNIT_DIR}/sockact-vunix-web.socket`, `${UNIT_DIR}/sockact-vunix-boom.socket`], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const [web, boom] = JSON.parse(r.stdout) as { c: Checklist; text: string }[];
    t.diagnostic(web.text + boom.text);
    assertShape(web.c);
    assertShape(boom.c);
    assert.equal(web.c.target, 'system manager');
    assert.deepEqual(statuses(web.c), ['pass', 'pass', 'pass', 'skip', 'pass'], web.text);
    assert.match(step(web.c, 'socket-listening').detail, /on \/run\/sockact-vunix-web\.sock \(Stream\)/);
    assert.match(step(web.c, 'first-connection').detail, /^\/run\/sockact-vunix-web\.sock answered "HTTP\/1\.0 200 OK"/);
    assert.deepEqual(statuses(boom.c), ['pass', 'pass', 'fail', 'fail', 'skip'], boom.text);
    assert.ok(step(boom.c, 'journal').lines?.includes('unix boom'), boom.text);
  });
});

describe('verify helpers (no systemd needed)', () => {
  test('parseShow reads several units, repeated keys (Listen=) joined by newlines', () => {
    const blocks = parseShow('Id=a.socket\nListen=127.0.0.1:1 (Stream)\nListen=/run/a (Stream)\n\nId=a.service\nActiveState=inactive\nInvocationID=\n');
    assert.deepEqual(blocks, [
      { Id: 'a.socket', Listen: '127.0.0.1:1 (Stream)\n/run/a (Stream)' },
      { Id: 'a.service', ActiveState: 'inactive', InvocationID: '' },
    ]);
  });

  test('formatChecklist: one line per step with ✔ / ✘ / – (skipped), lines indented', () => {
    const text = formatChecklist({
      target: 'host web1',
      unit: 'foo.socket',
      ok: false,
      steps: [
        { id: 'socket-listening', title: 'Socket is listening', status: 'pass', detail: 'ok' },
        { id: 'service-idle', title: 'Service is not running yet', status: 'pass', detail: 'idle' },
        { id: 'first-connection', title: 'First connection starts the service', status: 'fail', detail: 'boom' },
        { id: 'journal', title: 'Service journal', status: 'fail', detail: 'last 1 line', lines: ['boom'] },
        { id: 'survives-kill', title: 'Socket survives a killed service', status: 'skip', detail: 'not run' },
      ],
    });
    assert.equal(
      text,
      [
        'Activation checklist for foo.socket on host web1:',
        '✔ 1. Socket is listening: ok',
        '✔ 2. Service is not running yet: idle',
        '✘ 3. First connection starts the service: boom',
        '✘ 4. Service journal: last 1 line',
        '      boom',
        '– 5. Socket survives a killed service (skipped): not run',
        'foo.socket: 2 of 5 checks failed on host web1.',
        '',
      ].join('\n'),
    );
  });
});
