/**
 * The harness for "deploy to a real systemd" tests (test/support/isolatedSystemd.ts, sshServer.ts) is real
 * and isolated: a real systemd is PID 1 over a copy-on-write root; what it writes never reaches the
 * machine (a systemd booted on the real root once emptied the machine's /tmp); a socket unit deployed
 * inside is reachable on 127.0.0.1 and activates its service; a user manager takes `systemctl --user`
 * units; an OpenSSH server inside leads to that same systemd; and stop() leaves nothing behind.
 *
 * One boot for the whole file (it takes well under a second; the file well under a minute). Skipped with
 * the reason where it cannot work (not root, no systemd, no namespaces/overlay/cgroup v2).
 */
import { after, before, describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bootIsolatedSystemd, canBootSystemd, canRunUserManager, type IsolatedSystemd } from './support/isolatedSystemd';
import { canRunSshServer, freePort } from './support/sshServer';
import { connectError, request } from './support/loopback';

const can = canBootSystemd();
const userCan = canRunUserManager();
const sshCan = canRunSshServer();

const USER = 'sockact-user';
const SOCKET = 'sockact-harness-echo.socket';
const SERVICE = 'sockact-harness-echo.service';
const USER_SOCKET = 'sockact-user-echo.socket';


describe('isolated systemd harness', { skip: can.ok ? false : `cannot boot an isolated systemd here: ${can.why}`, timeout: 60_000 }, () => {
  let sys: IsolatedSystemd;
  // A file in the machine's /tmp, 30 days old: the boot runs `systemd-tmpfiles --create --remove --boot`,
  // which empties /tmp (and age-cleans it) wherever that systemd's /tmp is.
  let markerDir = '';
  let marker = '';
  let port = 0;

  before(async () => {
    markerDir = mkdtempSync(join(tmpdir(), 'sockact-marker-'));
    marker = join(markerDir, 'must-survive');
    writeFileSync(marker, 'host /tmp must survive the isolated boot\n');
    const old = new Date(Date.now() - 30 * 24 * 3600_000);
    utimesSync(marker, old, old);
    utimesSync(markerDir, old, old);
    port = await freePort();
    // The sshd (when openssh-server is installed) runs all along: test 5 also checks over ssh what
    // earlier tests deployed, and stop() has to take it down too.
    sys = await bootIsolatedSystemd({ ssh: sshCan.ok });
  });

  after(async () => {
    await sys?.stop();
    if (markerDir) rmSync(markerDir, { recursive: true, force: true });
  });

  test('systemd is PID 1 inside and the boot finishes (running or degraded)', async (t) => {
    assert.equal((await sys.run(['cat', '/proc/1/comm'])).trim(), 'systemd');
    assert.equal(readFileSync(`/proc/${sys.pid}/comm`, 'utf8').trim(), 'systemd');
    assert.match(await sys.waitRunning(), /^(running|degraded)$/);
    // Its own hostname (UTS namespace) and its own cgroup tree, rooted at the harness's cgroup.
    assert.equal((await sys.run(['hostname'])).trim(), sys.hostname);
    assert.equal((await sys.run(['cat', '/proc/1/cgroup'])).trim().split('\n').at(-1), '0::/init.scope');
    assert.ok(existsSync(join(sys.cgroup, 'init.scope')), 'systemd manages the harness cgroup');
    t.diagnostic(`boot: ${sys.bootMs} ms (pid ${sys.pid})`);
    const failed = await sys.run(['systemctl', '--failed', '--no-legend', '--plain']);
    assert.equal(failed.trim(), '', `failed units inside:\n${failed}`);
  });

  test('what systemd writes stays inside: /etc/systemd/system and /tmp of the machine are untouched', async () => {
    const unit = '/etc/systemd/system/sockact-overlay-only.service';
    await sys.writeFile(unit, '[Service]\nType=oneshot\nExecStart=/bin/true\n');
    await sys.run(['systemctl', 'daemon-reload']);
    assert.match(await sys.run(['systemctl', 'cat', 'sockact-overlay-only.service']), /ExecStart=\/bin\/true/);
    assert.ok(existsSync(join(sys.root, unit)), 'visible through /proc/PID/root');
    assert.equal(existsSync(unit), false, `${unit} must not appear on the machine`);
    // The host marker survived tmpfiles at boot, and the /tmp inside is a different (empty) one.
    assert.equal(readFileSync(marker, 'utf8'), 'host /tmp must survive the isolated boot\n');
    assert.equal((await sys.exec(['test', '-e', marker])).code, 1, 'the machine /tmp is not the /tmp inside');
    assert.equal((await sys.run(['findmnt', '-n', '-o', 'FSTYPE', '/'])).trim(), 'overlay');
    assert.equal((await sys.run(['findmnt', '-n', '-o', 'FSTYPE', '/tmp'])).trim(), 'tmpfs');
    // Users made inside do not exist on the machine.
    await sys.addUser(USER);
    assert.ok(!readFileSync('/etc/passwd', 'utf8').split('\n').some((l) => l.startsWith(`${USER}:`)));
  });

  test('a .socket + .service pair deployed as files: socket listens, the first connection starts the service', async () => {
    const dir = '/usr/local/lib/sockact-harness';
    assert.equal((await sys.exec(['test', '-x', process.execPath])).code, 0, `${process.execPath} is not visible inside`);
    // Accept=no: the service gets the listening socket as fd 3 (LISTEN_FDS=1) and answers on it.
    await sys.writeFile(
      `${dir}/echo.mjs`,
      [
        "import net from 'node:net';",
        "import os from 'node:os';",
        'net.createServer((c) => c.once(\'data\', (d) => c.end(`${os.hostname()} fds=${process.env.LISTEN_FDS} got=${String(d).trim()}\\n`))).listen({ fd: 3 });',
        '',
      ].join('\n'),
    );
    await sys.writeFile(`/etc/systemd/system/${SOCKET}`, `[Socket]\nListenStream=127.0.0.1:${port}\n\n[Install]\nWantedBy=sockets.target\n`);
    await sys.writeFile(`/etc/systemd/system/${SERVICE}`, `[Service]\nExecStart=${process.execPath} ${dir}/echo.mjs\n`);
    await sys.run(['systemctl', 'daemon-reload']);
    await sys.run(['systemctl', 'enable', '--now', SOCKET]);

    assert.equal((await sys.run(['systemctl', 'is-enabled', SOCKET])).trim(), 'enabled');
    assert.equal((await sys.run(['systemctl', 'is-active', SOCKET])).trim(), 'active');
    assert.equal((await sys.exec(['systemctl', 'is-active', SERVICE])).stdout.trim(), 'inactive');

    const answer = await request(port, 'ping');
    assert.equal(answer, `${sys.hostname} fds=1 got=ping\n`);
    assert.equal((await sys.run(['systemctl', 'is-active', SERVICE])).trim(), 'active', await sys.journal(SERVICE));
  });

  test('user manager: a user socket unit in ~/.config/systemd/user works with systemctl --user', { skip: userCan.ok ? false : userCan.why }, async () => {
    const u = await sys.startUserManager(USER);
    assert.match(await sys.run(['systemctl', '--user', 'is-system-running'], { user: USER }), /^(running|degraded)\n$/);
    const userPort = await freePort();
    const unitDir = `${u.home}/.config/systemd/user`;
    // Accept=yes: one service instance per connection, with the connection as stdin/stdout.
    // $$ is a literal $ for systemd, which expands $VAR in ExecStart= itself.
    await sys.writeFile(`${unitDir}/${USER_SOCKET}`, `[Socket]\nListenStream=127.0.0.1:${userPort}\nAccept=yes\n\n[Install]\nWantedBy=sockets.target\n`, { user: USER });
    await sys.writeFile(
      `${unitDir}/sockact-user-echo@.service`,
      `[Service]\nExecStart=/bin/sh -c 'read -r line; echo "$$(id -un) got=$$line"'\nStandardInput=socket\n`,
      { user: USER },
    );
    await sys.run(['systemctl', '--user', 'daemon-reload'], { user: USER });
    await sys.run(['systemctl', '--user', 'enable', '--now', USER_SOCKET], { user: USER });
    assert.equal((await sys.run(['systemctl', '--user', 'is-active', USER_SOCKET], { user: USER })).trim(), 'active');
    assert.equal((await sys.run(['stat', '-c', '%U', `${unitDir}/${USER_SOCKET}`])).trim(), USER);
    // The system manager does not know the user's unit.
    assert.notEqual((await sys.exec(['systemctl', 'is-active', USER_SOCKET])).stdout.trim(), 'active');

    assert.equal(await request(userPort, 'hello'), `${USER} got=hello\n`);
    assert.equal((await sys.run(['systemctl', '--user', 'show', '-p', 'NAccepted', '--value', USER_SOCKET], { user: USER })).trim(), '1');
    assert.equal(existsSync(u.home), false, `${u.home} must exist inside only`);
  });

  test('ssh: `ssh -F config alias systemctl ...` reaches the isolated systemd', { skip: sshCan.ok ? false : sshCan.why }, async (t) => {
    const sshd = sys.ssh!;
    t.diagnostic(`sshd inside on 127.0.0.1:${sshd.port}, client config ${sshd.configFile}`);
    const cfg = readFileSync(sshd.configFile, 'utf8');
    assert.match(cfg, new RegExp(`^Host ${sshd.alias}$`, 'm'));
    assert.match(cfg, /^ {2}StrictHostKeyChecking yes$/m);
    assert.match(readFileSync(sshd.knownHostsFile, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 `));

    // Exactly what a person or the deploy feature would type. The unit exists only in the overlay, so
    // "active" can only come from the isolated systemd.
    const plain = spawnSync('ssh', ['-F', sshd.configFile, sshd.alias, 'systemctl', 'is-active', SOCKET], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(plain.stdout, 'active\n', plain.stderr);
    assert.equal(plain.status, 0);
    const r = await sshd.ssh(['systemctl', 'is-active', SOCKET]);
    assert.equal(r.stdout, 'active\n', r.stderr);
    assert.equal((await sshd.ssh(['hostname'])).stdout.trim(), sys.hostname);
    assert.match((await sshd.ssh(['systemctl', 'is-system-running'])).stdout, /^(running|degraded)\n$/);
    // Arguments arrive as they were given, spaces and quotes included.
    assert.equal((await sshd.ssh(['printf', '%s|', 'a b', "it's", '$HOME'])).stdout, "a b|it's|$HOME|");
    if (userCan.ok) {
      // A PAM/logind session: the user's own manager is reachable over ssh too.
      const userRun = await sshd.ssh(['systemctl', '--user', 'is-active', USER_SOCKET], { user: USER });
      assert.equal(userRun.stdout, 'active\n', userRun.stderr);
    }
    // The host key is pinned: a different known_hosts entry is refused.
    const otherKey = join(markerDir, 'other_host_key');
    assert.equal(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]).status, 0);
    const wrongKnownHosts = join(markerDir, 'known_hosts.wrong');
    writeFileSync(wrongKnownHosts, `[127.0.0.1]:${sshd.port} ${readFileSync(`${otherKey}.pub`, 'utf8')}`);
    const refused = await sshd.ssh(['true'], { timeoutMs: 15_000, sshOptions: [`-oUserKnownHostsFile=${wrongKnownHosts}`] });
    assert.equal(refused.code, 255, refused.stderr);
    assert.match(refused.stderr, /host key/i);
  });

  test('stop() ends systemd and everything of it: no process, listener, cgroup, mount or temp dir is left', async () => {
    const client = sys.ssh ? dirname(sys.ssh.configFile) : undefined;
    const { pid, stateDir, cgroup } = sys;
    const sshPort = sys.ssh?.port;
    await sys.stop();
    await sys.stop(); // idempotent
    if (client) assert.equal(existsSync(client), false, 'ssh client temp dir removed');
    assert.equal(existsSync(`/proc/${pid}`), false, `systemd pid ${pid} is gone`);
    assert.equal(existsSync(cgroup), false, `${cgroup} removed`);
    assert.equal(existsSync(stateDir), false, `${stateDir} removed`);
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(stateDir), 'no mount left on the host');
    assert.equal(await connectError(port), 'ECONNREFUSED', 'the socket inside closed with it');
    if (sshPort) assert.equal(await connectError(sshPort), 'ECONNREFUSED', 'sshd is gone too');
    await assert.rejects(sys.exec(['true']), /stopped/);
    assert.ok(existsSync(marker), 'host /tmp marker still there');
  });
});
