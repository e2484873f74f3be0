/**
 * `sockact deploy`, `undeploy` and `list-sockets` against a REAL systemd: the bundled CLI (dist/cli.js) runs
 * inside an isolated systemd (test/support/isolatedSystemd.ts) for the system and user managers, and on
 * this machine with `--host` for a host reached over OpenSSH (the sshd runs inside that same systemd).
 * Sockets listen on free ports of 127.0.0.1 (the network namespace is shared), so the test connects to what
 * it deployed. One boot for the file; skipped with the harness's reason where it cannot boot.
 */
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bootIsolatedSystemd, canBootSystemd, canRunUserManager, insideCheckout, type ExecResult, type IsolatedSystemd } from './support/isolatedSystemd';
import { canRunSshServer, freePort } from './support/sshServer';
import { parseShow } from '../server/src/deploy/deploy';
import { unifiedDiff } from '../server/src/deploy/diff';
import { parseListen } from '../server/src/deploy/list';
import { gatherUnits, unsafeUnitName, UnitsError } from '../server/src/deploy/units';
import { connectError, request } from './support/loopback';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
/** The same bundle inside the isolated root, where the test users can read it wherever the checkout is. */
const CLI_INSIDE = insideCheckout('dist/cli.js');
const NODE = process.execPath;
const can = canBootSystemd();
const userCan = canRunUserManager();
const sshCan = canRunSshServer();
const hasSudo = existsSync('/usr/bin/sudo');

const USER = 'sockact-deployer';
const UNITS = '/srv/units';
const ETC = '/etc/systemd/system';

/** The service every fixture runs: answers each connection with one line, on the socket it is handed (fd 3). */
const SERVER = "import net from 'node:net';\nnet.createServer((c) => c.end(`hello ${process.env.GREETING}\\n`)).listen({ fd: 3 });\n";


function assertNoStackTrace(r: { stderr: string }): void {
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'a stack trace reached the user');
  assert.doesNotMatch(r.stderr, /internal error/);
}

/** The CLI on this machine (for --host), stdin not a terminal. */
function sockactHere(args: string[]): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(NODE, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 128, stdout, stderr }));
  });
}

describe('sockact deploy / undeploy / list-sockets on a real systemd', { skip: can.ok ? false : `cannot boot an isolated systemd here: ${can.why}`, timeout: 120_000 }, () => {
  let sys: IsolatedSystemd;
  let hostDir = '';

  /** The bundled CLI inside the isolated root (as root, or as `user`). */
  const sockact = (args: string[], opts: { user?: string } = {}) => sys.exec([NODE, CLI_INSIDE, ...args], { timeoutMs: 60_000, ...opts });
  const systemctl = async (...args: string[]) => (await sys.exec(['systemctl', ...args])).stdout.trim();
  const exists = async (path: string) => (await sys.exec(['test', '-e', path])).code === 0;

  /** A socket + service pair (+ drop-ins) under `dir` inside; returns the .socket path. */
  async function writeUnits(dir: string, name: string, port: number, opts: { greeting?: string; user?: string; extra?: Record<string, string> } = {}) {
    const o = { user: opts.user };
    await sys.writeFile(`${dir}/${name}.socket`, `[Unit]\nDescription=${name} (sockact test)\n\n[Socket]\nListenStream=127.0.0.1:${port}\n\n[Install]\nWantedBy=sockets.target\n`, o);
    await sys.writeFile(`${dir}/${name}.service`, `[Service]\nEnvironment=GREETING=${opts.greeting ?? 'one'}\nExecStart=${NODE} /srv/app/server.mjs\n`, o);
    for (const [rel, text] of Object.entries(opts.extra ?? {})) await sys.writeFile(`${dir}/${rel}`, text, o);
    return `${dir}/${name}.socket`;
  }

  before(async () => {
    sys = await bootIsolatedSystemd({ ssh: sshCan.ok });
    await sys.writeFile('/srv/app/server.mjs', SERVER);
    if (userCan.ok) await sys.startUserManager(USER);
    else await sys.addUser(USER);
    hostDir = mkdtempSync(join(tmpdir(), 'sockact-deploy-test-'));
  });

  after(async () => {
    await sys?.stop();
    if (hostDir) rmSync(hostDir, { recursive: true, force: true });
  });

  let webPort = 0;

  test('deploy --system: a diff of the new files, the socket enabled and listening, the service left to the first connection', async () => {
    webPort = await freePort();
    const socket = await writeUnits(UNITS, 'web', webPort, { extra: { 'web.socket.d/10-backlog.conf': '[Socket]\nBacklog=64\n' } });
    const r = await sockact(['deploy', '--system', '--yes', '--no-verify', socket]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assertNoStackTrace(r);
    for (const f of ['web.socket', 'web.socket.d/10-backlog.conf', 'web.service']) {
      assert.match(r.stdout, new RegExp(`^new file: ${ETC}/${f.replace('.', '\\.')}$`, 'm'));
      assert.equal(readFileSync(join(sys.root, ETC, f), 'utf8'), readFileSync(join(sys.root, UNITS, f), 'utf8'), `${f} installed as it is`);
    }
    assert.match(r.stdout, /^--- \/dev\/null\n\+\+\+ \/srv\/units\/web\.socket\n@@ -0,0 \+1,8 @@\n\+\[Unit\]$/m);
    assert.match(r.stdout, new RegExp(`^\\+ListenStream=127\\.0\\.0\\.1:${webPort}$`, 'm'));
    assert.match(r.stdout, /^ {2}ok {4}systemctl daemon-reload$/m);
    assert.match(r.stdout, /^ {2}ok {4}systemctl enable --now web\.socket$/m);
    assert.match(r.stdout, /^ {2}ok {4}web\.service: inactive, the first connection starts it$/m);

    // enable --now started the socket, not the service.
    assert.equal(await systemctl('is-enabled', 'web.socket'), 'enabled');
    assert.equal(await systemctl('is-active', 'web.socket'), 'active');
    assert.equal(await systemctl('is-active', 'web.service'), 'inactive');
    assert.equal(await systemctl('show', '-p', 'Backlog', '--value', 'web.socket'), '64', 'the drop-in applies');
    assert.equal(await request(webPort), 'hello one\n');
    assert.equal(await systemctl('is-active', 'web.service'), 'active');
  });

  test('redeploy: a changed file shows -/+ lines, unchanged ones say so, the old version is stopped', async () => {
    await writeUnits(UNITS, 'web', webPort, { greeting: 'two' });
    // An admin's own drop-in on the target: shown, left alone by deploy and undeploy.
    await sys.writeFile(`${ETC}/web.service.d/admin.conf`, '[Service]\nEnvironment=ADMIN=1\n');
    const r = await sockact(['deploy', '--system', '--yes', '--no-verify', `${UNITS}/web.socket`]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^unchanged: \/etc\/systemd\/system\/web\.socket$/m);
    assert.match(r.stdout, /^unchanged: \/etc\/systemd\/system\/web\.socket\.d\/10-backlog\.conf$/m);
    assert.match(r.stdout, /^changed: \/etc\/systemd\/system\/web\.service\n--- \/etc\/systemd\/system\/web\.service\n\+\+\+ \/srv\/units\/web\.service\n@@ -1,3 \+1,3 @@\n \[Service\]\n-Environment=GREETING=one\n\+Environment=GREETING=two\n ExecStart=/m);
    assert.match(r.stdout, /^ {2}ok {4}systemctl stop web\.service \(it runs the old version/m);
    assert.doesNotMatch(r.stdout, /wrote \/etc\/systemd\/system\/web\.socket/, 'unchanged files are not rewritten');
    assert.match(r.stdout, /^also installed, not deployed from here: \/etc\/systemd\/system\/web\.service\.d\/admin\.conf \(still applies; left in place\)$/m);
    assert.equal(await systemctl('is-active', 'web.service'), 'inactive');
    assert.equal(await request(webPort), 'hello two\n', 'the next connection starts the new version');
  });

  test('list-sockets --system: text and the JSON contract', async () => {
    const json = await sockact(['list-sockets', '--system', '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout);
    assert.deepEqual(Object.keys(parsed), ['targets']);
    assert.deepEqual(Object.keys(parsed.targets[0]), ['target', 'ok', 'error', 'detail', 'sockets']);
    assert.deepEqual({ ...parsed.targets[0], sockets: undefined }, { target: 'system manager', ok: true, error: null, detail: null, sockets: undefined });
    const web = parsed.targets[0].sockets.find((s: { unit: string }) => s.unit === 'web.socket');
    assert.deepEqual(Object.keys(web), ['unit', 'listen', 'activates', 'socketState', 'serviceState']);
    assert.deepEqual(web, { unit: 'web.socket', listen: [{ address: `127.0.0.1:${webPort}`, type: 'Stream' }], activates: ['web.service'], socketState: 'active', serviceState: 'active' });
    // A socket of the system itself, with a Unix path.
    assert.ok(parsed.targets[0].sockets.some((s: { unit: string }) => s.unit === 'systemd-journald.socket'));

    await sys.run(['systemctl', 'stop', 'web.service']);
    const text = await sockact(['list-sockets', '--system']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^== system manager ==\nLISTEN +TYPE +UNIT +STATE +ACTIVATES +SERVICE$/m);
    assert.match(text.stdout, new RegExp(`^127\\.0\\.0\\.1:${webPort} +Stream +web\\.socket +active +web\\.service +inactive$`, 'm'));
  });

  test('undeploy --system: socket stopped and disabled, files and the empty drop-in folder gone, unit unknown', async () => {
    const r = await sockact(['undeploy', '--system', '--yes', `${UNITS}/web.socket`]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^remove: \/etc\/systemd\/system\/web\.socket\.d\/10-backlog\.conf$/m);
    assert.match(r.stdout, /^ {2}ok {4}systemctl disable --now web\.socket$/m);
    assert.match(r.stdout, /^ {2}ok {4}systemctl daemon-reload$/m);
    for (const p of ['web.socket', 'web.service', 'web.socket.d/10-backlog.conf', 'web.socket.d', 'sockets.target.wants/web.socket']) {
      assert.equal(await exists(`${ETC}/${p}`), false, `${ETC}/${p} removed`);
    }
    assert.equal(await exists(`${ETC}/web.service.d/admin.conf`), true, 'a drop-in deploy did not install stays, and so does its folder');
    await sys.run(['rm', '-r', '--', `${ETC}/web.service.d`]);
    assert.equal(await systemctl('show', '-p', 'LoadState', '--value', 'web.socket'), 'not-found');
    assert.equal(await systemctl('show', '-p', 'LoadState', '--value', 'web.service'), 'not-found');
    assert.equal(await connectError(webPort), 'ECONNREFUSED');
    const list = JSON.parse((await sockact(['list-sockets', '--system', '--format', 'json'])).stdout);
    assert.ok(!list.targets[0].sockets.some((s: { unit: string }) => s.unit === 'web.socket'));
  });

  test('errors refuse the deploy (nothing written); --force deploys and reports what systemd refused', async () => {
    const port = await freePort();
    // Accept=yes on a datagram socket: systemd refuses the unit.
    await sys.writeFile(`${UNITS}/bad.socket`, `[Socket]\nListenDatagram=127.0.0.1:${port}\nAccept=yes\n`);
    await sys.writeFile(`${UNITS}/bad@.service`, `[Service]\nExecStart=/bin/cat\nStandardInput=socket\n`);
    const refused = await sockact(['deploy', '--system', '--yes', `${UNITS}/bad.socket`]);
    assert.equal(refused.code, 1);
    assertNoStackTrace(refused);
    assert.match(refused.stdout, /^\/srv\/units\/bad\.socket:\d+:\d+: error accept-non-accepting /m);
    assert.equal(refused.stderr, 'sockact: bad.socket: systemd would refuse this unit (1 error); nothing was deployed (--force deploys anyway)\n');
    assert.equal(await exists(`${ETC}/bad.socket`), false);

    const forced = await sockact(['deploy', '--system', '--yes', '--force', '--no-verify', `${UNITS}/bad.socket`]);
    assert.equal(forced.code, 1, forced.stdout);
    assertNoStackTrace(forced);
    assert.match(forced.stderr, /^sockact: bad\.socket: 1 error; deploying anyway \(--force\)$/m);
    assert.match(forced.stdout, /^ {2}ok {4}wrote \/etc\/systemd\/system\/bad\.socket \(new\)$/m);
    assert.match(forced.stdout, /^== system manager: FAILED bad\.socket ==\n/m);
    assert.match(forced.stdout, /^ {2}FAIL {2}systemctl enable --now bad\.socket\n {10}.*bad unit file setting/m);
    assert.equal(await exists(`${ETC}/bad.socket`), true);

    // Accept=yes undeploy stops instances by pattern (bad@*.service) and cleans up.
    const gone = await sockact(['undeploy', '--system', '--yes', `${UNITS}/bad.socket`]);
    assert.equal(gone.code, 0, gone.stdout);
    assert.match(gone.stdout, /^ {2}ok {4}systemctl stop bad@\*\.service$/m);
    assert.equal(await exists(`${ETC}/bad.socket`), false);
    assert.equal(await exists(`${ETC}/bad@.service`), false);
  });

  test('unit names: a leading "-", "..", a Service= path or a missing service are refused in one line', async () => {
    const port = await freePort();
    await writeUnits(UNITS, '-x', port);
    await writeUnits(UNITS, 'a..b', port);
    // systemd ignores a Service= that is not a unit name (a path), and so does the deploy: it looks for
    // escape.service, which is not there. A valid name with a leading '-' is refused by name.
    await sys.writeFile(`${UNITS}/escape.socket`, `[Socket]\nListenStream=127.0.0.1:${port}\nService=../../etc/evil.service\n`);
    await sys.writeFile(`${UNITS}/dash.socket`, `[Socket]\nListenStream=127.0.0.1:${port}\nService=-evil.service\n`);
    await sys.writeFile(`${UNITS}/-evil.service`, `[Service]\nExecStart=/bin/true\n`);
    await sys.writeFile(`${UNITS}/lonely.socket`, `[Socket]\nListenStream=127.0.0.1:${port}\n`);
    const cases: Array<[string, RegExp]> = [
      [`${UNITS}/-x.socket`, /'-x\.socket' starts with '-'/],
      [`${UNITS}/a..b.socket`, /'a\.\.b\.socket' contains '\.\.'/],
      [`${UNITS}/escape.socket`, /no escape\.service beside it/],
      [`${UNITS}/dash.socket`, /the service it triggers: '-evil\.service' starts with '-'/],
      [`${UNITS}/lonely.socket`, /no lonely\.service beside it/],
    ];
    for (const [path, message] of cases) {
      for (const command of ['deploy', 'undeploy']) {
        const r = await sockact([command, '--system', '--yes', path]);
        assert.equal(r.code, 1, `${command} ${path}: ${r.stdout}${r.stderr}`);
        assertNoStackTrace(r);
        assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.equal(r.stdout, '');
      }
    }
    // A name that looks like an option is an unknown option, never a unit.
    const opt = await sockact(['deploy', '--system', '--yes', '-x.socket']);
    assert.equal(opt.code, 2);
    assert.match(opt.stderr, /^sockact: unknown option -x\.socket for deploy$/m);
    assert.deepEqual(
      (await sys.run(['ls', '-A', ETC])).split('\n').filter((f) => /^(-x|a\.\.b|escape|dash|lonely|-?evil)/.test(f)),
      [],
      'nothing of them installed',
    );
  });

  test('no terminal and no --yes: deploy and undeploy refuse in one line', async () => {
    const port = await freePort();
    const socket = await writeUnits(UNITS, 'ask', port);
    for (const command of ['deploy', 'undeploy']) {
      const r = await sockact([command, '--system', socket]);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `sockact: ${command} asks before changing anything and there is no terminal to ask on; nothing was changed (add --yes)\n`);
    }
    assert.equal(await exists(`${ETC}/ask.socket`), false);
  });

  test('on a terminal: the diff, then "Deploy to system manager? [y/N]"; only yes deploys', async () => {
    const port = await freePort();
    const socket = await writeUnits(UNITS, 'asked', port);
    // script(1) gives the CLI a terminal; what we type is queued on it before the question comes.
    // The command line for script's shell names the CLI through the environment, never by its path (the
    // checkout may be in a folder with spaces); the rest are fixed words and the unit path written above.
    const onTerminal = (args: string, answer: string) =>
      sys.exec(['env', `SOCKACT_CLI=${CLI_INSIDE}`, 'script', '-qec', `${NODE} "$SOCKACT_CLI" ${args}`, '/dev/null'], { input: answer, timeoutMs: 60_000 });
    const no = await onTerminal(`deploy --system --no-verify ${socket}`, 'n\n');
    assert.equal(no.code, 1, no.stdout);
    assert.match(no.stdout, /new file: \/etc\/systemd\/system\/asked\.socket\r?\n[^]*Deploy to system manager\? \[y\/N\] [^]*sockact: nothing was deployed/);
    assert.equal(await exists(`${ETC}/asked.socket`), false);
    const yes = await onTerminal(`deploy --system --no-verify ${socket}`, 'y\n');
    assert.equal(yes.code, 0, yes.stdout);
    assert.match(yes.stdout, /Deploy to system manager\? \[y\/N\] [^]*== system manager: deployed asked\.socket ==/);
    assert.equal(await systemctl('is-active', 'asked.socket'), 'active');
    const gone = await onTerminal(`undeploy --system ${socket}`, 'yes\n');
    assert.equal(gone.code, 0, gone.stdout);
    assert.match(gone.stdout, /remove: \/etc\/systemd\/system\/asked\.socket\r?\n[^]*Undeploy asked\.socket from system manager\? \[y\/N\] [^]*== system manager: undeployed asked\.socket ==/);
    assert.equal(await exists(`${ETC}/asked.socket`), false);
  });

  test('--system as a user: the same command runs again under sudo; without sudo, one line', { skip: hasSudo ? false : 'sudo is not installed (Debian package: sudo)' }, async () => {
    const port = await freePort();
    const socket = await writeUnits(UNITS, 'viasudo', port);
    // (PATH through env(1): the harness's own nsenter must still be found.)
    const missing = await sys.exec(['env', 'PATH=/nonexistent', NODE, CLI_INSIDE, 'deploy', '--system', '--yes', '--no-verify', socket], { user: USER });
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'sockact: --system needs root, and sudo is not installed: run sockact as root\n');
    // sudo may ask for a password in the user's terminal; here the user may run anything without one.
    await sys.writeFile('/etc/sudoers.d/sockact-test', `${USER} ALL=(root) NOPASSWD: ALL\n`, { mode: '0440' });
    try {
      const r = await sockact(['deploy', '--system', '--yes', '--no-verify', socket], { user: USER });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /^== system manager: deployed viasudo\.socket ==$/m);
      assert.equal(await systemctl('is-active', 'viasudo.socket'), 'active');
      assert.equal((await sys.run(['stat', '-c', '%U', `${ETC}/viasudo.socket`])).trim(), 'root');
      const gone = await sockact(['undeploy', '--system', '--yes', socket], { user: USER });
      assert.equal(gone.code, 0, gone.stdout);
    } finally {
      await sys.run(['rm', '-f', '/etc/sudoers.d/sockact-test']);
    }
  });

  test('deploy --user: units in ~/.config/systemd/user of the user manager, Accept=yes with a template', { skip: userCan.ok ? false : userCan.why }, async () => {
    const port = await freePort();
    const home = `/home/${USER}`;
    const dir = `${home}/units`;
    await sys.writeFile(`${dir}/echo.socket`, `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\n\n[Install]\nWantedBy=sockets.target\n`, { user: USER });
    await sys.writeFile(`${dir}/echo@.service`, `[Service]\nExecStart=/bin/sh -c 'echo "$$(id -un) says hi"'\nStandardOutput=socket\n`, { user: USER });
    const r = await sockact(['deploy', '--yes', '--no-verify', `${dir}/echo.socket`], { user: USER });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^== user manager: ${home}/\\.config/systemd/user ==$`, 'm'));
    assert.match(r.stdout, /^ {2}ok {4}echo@\.service: one instance per connection, none started by the deploy$/m);
    const installed = `${home}/.config/systemd/user/echo@.service`;
    assert.equal((await sys.run(['stat', '-c', '%U %a', installed])).trim(), `${USER} 644`);
    assert.equal((await sys.run(['systemctl', '--user', 'is-active', 'echo.socket'], { user: USER })).trim(), 'active');
    assert.notEqual(await systemctl('is-active', 'echo.socket'), 'active', 'not a system unit');
    assert.equal(await request(port), `${USER} says hi\n`);

    const list = await sockact(['list-sockets', '--format', 'json'], { user: USER });
    const echo = JSON.parse(list.stdout).targets[0].sockets.find((s: { unit: string }) => s.unit === 'echo.socket');
    assert.deepEqual(echo, { unit: 'echo.socket', listen: [{ address: `127.0.0.1:${port}`, type: 'Stream' }], activates: ['echo@.service'], socketState: 'active', serviceState: 'inactive' });

    const gone = await sockact(['undeploy', '--user', '--yes', `${dir}/echo.socket`], { user: USER });
    assert.equal(gone.code, 0, gone.stdout);
    assert.equal(await exists(installed), false);
    assert.equal(await connectError(port), 'ECONNREFUSED');
  });

  describe('over ssh', { skip: sshCan.ok ? false : sshCan.why }, () => {
    let config = '';
    let downPort = 0;
    let port = 0;
    let socket = '';
    /** What every command says about the host `down`: the plain reason, then ssh's own words. */
    let DOWN = '';

    before(async () => {
      const sshd = sys.ssh!;
      downPort = await freePort(); // nothing listens there
      DOWN = `sockact: host down: nothing accepts ssh connections on 127.0.0.1 port ${downPort} (sshd is not running there, or listens on another port) — ssh said: connect to host 127.0.0.1 port ${downPort}: Connection refused`;
      // The harness's alias, plus one that refuses connections, in one config.
      config = join(hostDir, 'ssh_config');
      // Include first: after a Host line it would only apply to that host.
      writeFileSync(config, `Include ${sshd.configFile}\n\nHost down\n  HostName 127.0.0.1\n  Port ${downPort}\n  BatchMode yes\n  ConnectTimeout 5\n`);
      port = await freePort();
      const dir = join(hostDir, 'units');
      mkdirSync(join(dir, 'remote.service.d'), { recursive: true });
      writeFileSync(join(dir, 'remote.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n\n[Install]\nWantedBy=sockets.target\n`);
      writeFileSync(join(dir, 'remote.service'), `[Service]\nEnvironment=GREETING=one\nExecStart=${NODE} /srv/app/server.mjs\n`);
      writeFileSync(join(dir, 'remote.service.d', 'greeting.conf'), `[Service]\nEnvironment=GREETING=over-ssh\n`);
      socket = join(dir, 'remote.socket');
    });

    test('an unreachable host: one line, exit 1, no stack trace', async () => {
      for (const args of [
        ['deploy', '--host', 'down', '--ssh-config', config, '--yes', socket],
        ['undeploy', '--host', 'down', '--ssh-config', config, '--yes', socket],
        ['list-sockets', '--host', 'down', '--ssh-config', config],
        ['verify', '--host', 'down', '--ssh-config', config, socket],
      ]) {
        const r = await sockactHere(args);
        assert.equal(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
        assertNoStackTrace(r);
        assert.equal(r.stdout, '');
        assert.equal(r.stderr, `${DOWN}\n`);
      }
    });

    test('deploy --host to two hosts in parallel: one result per host, in the order given; verify over ssh', async () => {
      const alias = sys.ssh!.alias;
      const started = Date.now();
      const r = await sockactHere(['deploy', '--host', 'down', '--host', alias, '--ssh-config', config, '--yes', socket]);
      assert.equal(r.code, 1, 'one host failed');
      assert.equal(r.stderr, `${DOWN}\n`);
      assert.match(r.stdout, new RegExp(`^== host ${alias}: /etc/systemd/system ==\nnew file: /etc/systemd/system/remote\\.socket$`, 'm'));
      assert.match(r.stdout, /^new file: \/etc\/systemd\/system\/remote\.service\.d\/greeting\.conf$/m);
      assert.match(r.stdout, new RegExp(`^== host ${alias}: deployed remote\\.socket ==$`, 'm'));
      // The checklist ran over ssh after the deploy.
      assert.match(r.stdout, new RegExp(`^remote\\.socket: socket activation works on host ${alias}\\.$`, 'm'));
      assert.ok(Date.now() - started < 60_000);
      assert.equal((await sys.ssh!.ssh(['systemctl', 'is-enabled', 'remote.socket'])).stdout, 'enabled\n');
      assert.equal(await request(port), 'hello over-ssh\n', 'the drop-in applies on the host');
      // verify needs an idle service to see the socket start it.
      assert.equal((await sys.ssh!.ssh(['systemctl', 'stop', 'remote.service'])).code, 0);

      const verify = await sockactHere(['verify', '--host', alias, '--ssh-config', config, '--format', 'json', socket]);
      assert.equal(verify.code, 0, verify.stdout);
      const checklist = JSON.parse(verify.stdout);
      assert.equal(checklist.ok, true);
      assert.equal(checklist.target, `host ${alias}`);

      const list = await sockactHere(['list-sockets', '--host', 'down', '--host', alias, '--ssh-config', config, '--format', 'json']);
      assert.equal(list.code, 1);
      const { targets } = JSON.parse(list.stdout);
      assert.deepEqual(targets[0], { target: 'host down', ok: false, error: `nothing accepts ssh connections on 127.0.0.1 port ${downPort} (sshd is not running there, or listens on another port)`, detail: `ssh down: connect to host 127.0.0.1 port ${downPort}: Connection refused`, sockets: [] });
      const remote = targets[1].sockets.find((s: { unit: string }) => s.unit === 'remote.socket');
      assert.deepEqual(remote?.listen, [{ address: `127.0.0.1:${port}`, type: 'Stream' }]);
      assert.equal(remote?.socketState, 'active');
    });

    test('--sudo: an ssh user who is not root deploys through sudo -n; without it the write fails in one line', { skip: hasSudo ? false : 'sudo is not installed (Debian package: sudo)' }, async () => {
      const alias = sys.ssh!.alias;
      const host = `${USER}@${alias}`;
      const plain = await sockactHere(['undeploy', '--host', host, '--ssh-config', config, '--yes', socket]);
      assert.equal(plain.code, 1);
      assertNoStackTrace(plain);
      assert.match(plain.stdout, /^ {2}FAIL {2}systemctl disable --now remote\.socket\n {10}.*(Access denied|Interactive authentication required|authentication)/im);
      // The same failure in words, one line on stderr.
      assert.match(plain.stderr, new RegExp(`^sockact: host ${host}: failed at systemctl disable --now remote\\.socket: the systemd system manager on ${host} refused: this needs root .* — systemctl said: `));
      assert.equal(plain.stderr.split('\n').length, 2, plain.stderr);

      // --sudo for a user sudo does not let in without a password: sudo -n cannot ask, said in words.
      const noPassword = await sockactHere(['undeploy', '--host', host, '--ssh-config', config, '--sudo', '--yes', socket]);
      assert.equal(noPassword.code, 1);
      assert.equal(noPassword.stdout, '');
      assert.match(noPassword.stderr, new RegExp(`^sockact: host ${host}: sudo on ${host} needs a password, and sudo -n cannot ask for one: .* — sudo said: a password is required\n$`));

      await sys.writeFile('/etc/sudoers.d/sockact-test-ssh', `${USER} ALL=(root) NOPASSWD: ALL\n`, { mode: '0440' });
      try {
        const r = await sockactHere(['undeploy', '--host', host, '--ssh-config', config, '--sudo', '--yes', socket]);
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^== host ${host}: undeployed remote\\.socket ==$`, 'm'));
        assert.equal(await exists(`${ETC}/remote.service.d`), false);
        assert.equal(await connectError(port), 'ECONNREFUSED');
      } finally {
        await sys.run(['rm', '-f', '/etc/sudoers.d/sockact-test-ssh']);
      }
    });
  });
});

// Without a systemd: what deploy shows and gathers, on files in a temp dir.
describe('deploy building blocks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sockact-units-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
    return join(dir, rel);
  };

  test('unifiedDiff: hunks with 3 lines of context, "\\ No newline at end of file", nothing for equal texts', () => {
    const old = ['[Socket]', 'ListenStream=8080', 'Backlog=64', 'a', 'b', 'c', 'd', 'e', 'f', 'NoDelay=yes', ''].join('\n');
    const now = ['[Socket]', 'ListenStream=8081', 'Backlog=64', 'a', 'b', 'c', 'd', 'e', 'f', 'NoDelay=no'].join('\n');
    assert.equal(unifiedDiff(old, old, 'x', 'y'), '');
    assert.equal(
      unifiedDiff(old, now, 'installed', 'local'),
      [
        '--- installed',
        '+++ local',
        '@@ -1,5 +1,5 @@',
        ' [Socket]',
        '-ListenStream=8080',
        '+ListenStream=8081',
        ' Backlog=64',
        ' a',
        ' b',
        '@@ -7,4 +7,4 @@',
        ' d',
        ' e',
        ' f',
        '-NoDelay=yes',
        '+NoDelay=no',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
    assert.equal(unifiedDiff('', 'a\nb\n', '/dev/null', 'new'), '--- /dev/null\n+++ new\n@@ -0,0 +1,2 @@\n+a\n+b\n');
  });

  test('gatherUnits: socket, drop-ins in name order, the template for Accept=yes set in a drop-in', () => {
    const socket = write('tpl/echo.socket', '[Socket]\nListenStream=7\n');
    write('tpl/echo.socket.d/20-b.conf', '[Socket]\nAccept=yes\n');
    write('tpl/echo.socket.d/10-a.conf', '[Socket]\nBacklog=8\n');
    write('tpl/echo.socket.d/.hidden.conf', '[Socket]\nAccept=no\n');
    write('tpl/echo@.service', '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n');
    write('tpl/echo@.service.d/env.conf', '[Service]\nEnvironment=A=1\n');
    write('tpl/echo.service', '[Service]\nExecStart=/bin/false\n');
    const units = gatherUnits(socket);
    assert.equal(units.accept, true);
    assert.equal(units.service, 'echo@.service');
    assert.deepEqual(units.files.map((f) => f.name), ['echo.socket', 'echo.socket.d/10-a.conf', 'echo.socket.d/20-b.conf', 'echo@.service', 'echo@.service.d/env.conf']);
    assert.equal(units.files[3].installPath({ unitDir: '/etc/systemd/system' }), '/etc/systemd/system/echo@.service');
    assert.equal(units.files[4].content, '[Service]\nEnvironment=A=1\n');
  });

  test('unit names systemd would not load, or that could be read as an option or climb out of the folder, are refused', () => {
    const cases: Array<[string, 'socket' | 'service', RegExp]> = [
      ['-x.socket', 'socket', /starts with '-'/],
      ['a..b.socket', 'socket', /contains '\.\.'/],
      ['.hidden.socket', 'socket', /starts with '\.'/],
      ['web@.socket', 'socket', /template or an instance/],
      ['bad name.socket', 'socket', /not a valid unit name/],
      ['web.service', 'socket', /not a \.socket unit/],
      ['x/../y.service', 'service', /contains '\/'/],
    ];
    for (const [name, kind, why] of cases) assert.match(unsafeUnitName(name, kind) ?? 'accepted', why, name);
    assert.equal(unsafeUnitName('web.socket', 'socket'), undefined);
    assert.equal(unsafeUnitName('web@.service', 'service'), undefined);
    assert.throws(() => gatherUnits(write('alone/alone.socket', '[Socket]\nListenStream=7\n')), (e: Error) => e instanceof UnitsError && /no alone\.service beside it/.test(e.message));
  });

  test('list-sockets reads Listen= as systemd 252 prints it', () => {
    assert.deepEqual(parseListen('127.0.0.1:8080 (Stream)'), { address: '127.0.0.1:8080', type: 'Stream' });
    assert.deepEqual(parseListen('route 0 (Netlink)'), { address: 'route 0', type: 'Netlink' });
    assert.deepEqual(parseListen('/run/x.fifo (FIFO)'), { address: '/run/x.fifo', type: 'FIFO' });
    assert.deepEqual(parseShow('Listen=[::1]:1 (Stream)\nListen=@abs (Stream)\nId=a.socket\nTriggers=a.service\n\nId=b.socket\nTriggers=\n'), [
      { Listen: ['[::1]:1 (Stream)', '@abs (Stream)'], Id: ['a.socket'], Triggers: ['a.service'] },
      { Id: ['b.socket'], Triggers: [''] },
    ]);
  });
});

test('deploy usage errors: exit 2, one reason, before any target is contacted', async () => {
  for (const [args, reason] of [
    [['deploy', '--user', '--system', 'web.socket'], 'choose one target: --user, --system or --host HOST'],
    [['deploy', '--sudo', 'web.socket'], '--sudo is for --host (an ssh user who is not root); --system asks sudo by itself'],
    [['deploy', '--ssh-config', 'cfg', 'web.socket'], '--ssh-config goes with --host'],
    [['deploy', '--host', '-oProxyCommand=touch /tmp/pwned', '--yes', 'web.socket'], "not a host name or ssh alias: '-oProxyCommand=touch /tmp/pwned'"],
    [['deploy', '--host'], '--host needs a value'],
    [['deploy', '--yes', 'web.service'], 'web.service is not a .socket unit'],
    [['deploy', '--yes', 'a.socket', 'b.socket'], "deploy takes one .socket unit (got 'a.socket' and 'b.socket')"],
    [['undeploy', '--force', 'web.socket'], 'unknown option --force for undeploy'],
    [['verify', '--host', 'a', '--host', 'b', 'web.socket'], 'verify takes one --host'],
    [['list-sockets', '--format', 'yaml'], "unknown format 'yaml' (use text or json)"],
    [['list-sockets', 'web.socket'], "list-sockets takes no unit (got 'web.socket')"],
  ] as const) {
    const r = await sockactHere([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.split('\n')[0], `sockact: ${reason}`);
    assert.match(r.stderr, /^usage: sockact lint/m);
    assert.equal(r.stdout, '');
  }
  assert.equal(existsSync('/tmp/pwned'), false);
});
