/**
 * Targets that cannot be used, as a user meets them: the bundled CLI against the real conditions of this
 * machine (a user manager that is not running, a system that may not have been booted with systemd, an ssh
 * port nobody listens on). Every command says why in one plain line on stderr, with the program's own words
 * after it, exits 1 and prints no stack trace. The table itself is then checked on lines the programs print.
 */
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainFailure } from '../server/src/deploy/reach';
import { freePort } from './support/sshServer';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sockact-reach-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const socket = join(dir, 'reach.socket');
writeFileSync(socket, '[Socket]\nListenStream=127.0.0.1:9\n');
writeFileSync(join(dir, 'reach.service'), '[Service]\nExecStart=/bin/true\n');

/** A runtime folder with no manager in it: `systemctl --user` really finds no bus there, on any machine. */
const emptyRuntime = mkdtempSync(join(tmpdir(), 'sockact-no-user-manager-'));
after(() => rmSync(emptyRuntime, { recursive: true, force: true }));

function sockact(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLine(r: { status: number | null; stdout: string; stderr: string }, what: string, reason: RegExp): void {
  assert.equal(r.status, 1, `${what}: ${r.stdout}${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at |internal error/m, `${what}: a stack trace reached the user`);
  assert.equal(r.stdout, '', `${what} printed nothing else`);
  assert.equal(r.stderr.split('\n').length, 2, `${what}: one line: ${r.stderr}`);
  assert.match(r.stderr, reason, what);
}

const COMMANDS = (target: string[]) => [
  ['deploy', ...target, '--yes', socket],
  ['undeploy', ...target, '--yes', socket],
  ['verify', ...target, socket],
  ['list-sockets', ...target],
];

describe('a user manager that is not running', () => {
  const { XDG_RUNTIME_DIR: _x, DBUS_SESSION_BUS_ADDRESS: _d, ...rest } = process.env;
  const cases: Array<[string, NodeJS.ProcessEnv]> = [
    ['no $XDG_RUNTIME_DIR (no login session)', rest],
    ['an XDG_RUNTIME_DIR without a manager in it', { ...rest, XDG_RUNTIME_DIR: emptyRuntime }],
  ];
  for (const [name, env] of cases) {
    test(`${name}: deploy, undeploy, verify and list-sockets say "no systemd user manager is running here"`, () => {
      for (const args of COMMANDS(['--user'])) {
        const r = sockact(args, env);
        // The plain reason first, then what systemctl itself said (kept for searches and bug reports).
        assertOneLine(r, args[0], /^sockact: user manager: no systemd user manager is running here .* — systemctl --user said: Failed to connect to bus: /);
      }
      const json = sockact(['list-sockets', '--user', '--format', 'json'], env);
      assert.equal(json.status, 1);
      const [t] = JSON.parse(json.stdout).targets;
      assert.equal(t.ok, false);
      assert.match(t.error, /^no systemd user manager is running here/);
      assert.match(t.detail, /^Failed to connect to bus: /);
    });
  }
});

// Only where PID 1 is not systemd (as here): on a booted machine these would talk to the real manager.
const booted = existsSync('/run/systemd/system');
test('a machine not booted with systemd: --system says so, without asking sudo for a password', { skip: booted ? 'this machine runs systemd as PID 1' : false }, () => {
  for (const args of [['verify', '--system', socket], ['list-sockets', '--system']]) {
    const r = sockact(args);
    assertOneLine(r, args[0], /^sockact: system manager: this machine was not booted with systemd .* — systemctl said: /);
  }
});

test('an ssh port nobody listens on: every command names the host, the port and sshd', { skip: existsSync('/usr/bin/ssh') ? false : 'OpenSSH client is not installed' }, async () => {
  const port = await freePort();
  const config = join(dir, 'ssh_config');
  writeFileSync(config, `Host closed\n  HostName 127.0.0.1\n  Port ${port}\n  StrictHostKeyChecking yes\n  UserKnownHostsFile /dev/null\n`);
  for (const args of COMMANDS(['--host', 'closed', '--ssh-config', config])) {
    const r = sockact(args);
    assertOneLine(
      r,
      args[0],
      new RegExp(`^sockact: host closed: nothing accepts ssh connections on 127\\.0\\.0\\.1 port ${port} \\(sshd is not running there, or listens on another port\\) — ssh said: connect to host 127\\.0\\.0\\.1 port ${port}: Connection refused$`, 'm'),
    );
  }
});

describe('the table, on lines as the programs print them', () => {
  const host = { kind: 'host' as const, host: 'web1' };
  const cases: Array<[string, Parameters<typeof explainFailure>[1], RegExp]> = [
    ['Failed to connect to bus: No medium found\n', { kind: 'user' }, /^no systemd user manager is running here/],
    ['Failed to connect to bus: No such file or directory\n', { kind: 'user' }, /^no systemd user manager is running here/],
    ["System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n", { kind: 'system' }, /^this machine was not booted with systemd/],
    // What the Socket Units view used to show: the made-up errno of systemctl's "is PID 1 systemd?" check.
    ['Failed to connect to bus: Host is down\n', { kind: 'system' }, /^this machine was not booted with systemd/],
    ['Failed to connect to bus: Host is down\n', { kind: 'user' }, /^no systemd user manager is running here/],
    ["System has not been booted with systemd as init system (PID 1). Can't operate.\n", host, /^web1 was not booted with systemd/],
    ['Failed to start web.socket: Interactive authentication required.\nSee system logs and \'systemctl status web.socket\' for details.\n', { kind: 'system' }, /needs root/],
    ['Failed to enable unit: Access denied\n', host, /needs root/],
    ['sudo: a password is required\n', host, /^sudo on web1 needs a password, and sudo -n cannot ask/],
    ['sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\n', host, /^sudo on web1 needs a password/],
    ['deployer is not in the sudoers file.  This incident will be reported.\n', host, /^deployer may not use sudo on web1/],
    ['bash: line 1: sudo: command not found\n', host, /^sudo is not installed on web1/],
    ['bash: line 1: systemctl: command not found\n', host, /^there is no systemctl on web1/],
    ['ssh web1: Could not resolve hostname web1: Name or service not known\n', host, /^the host name web1 is not known/],
    ['ssh web1: connect to host 10.0.0.9 port 22: Connection timed out\n', host, /^10\.0\.0\.9 does not answer on port 22/],
    ['ssh web1: connect to host 10.0.0.9 port 22: No route to host\n', host, /^there is no network route to 10\.0\.0\.9/],
    ['ssh web1: root@10.0.0.9: Permission denied (publickey,password).\n', host, /^web1 refused the ssh login/],
    ['ssh web1: Host key verification failed.\n', host, /^the host key of web1 is not known here/],
  ];
  for (const [text, where, reason] of cases) {
    test(`${where.kind}: ${text.trim().split('\n')[0]}`, () => {
      const f = explainFailure(text, where);
      assert.equal(f.known, true, f.reason);
      assert.match(f.reason, reason);
      assert.ok(!f.reason.includes('\n'));
      assert.ok(f.raw && text.includes(f.raw), `the raw line is kept: ${f.raw}`);
    });
  }

  test('a line no rule knows is passed on as it is', () => {
    assert.deepEqual(explainFailure('Failed to start x.socket: Unit x.socket has a bad unit file setting.\n', { kind: 'system' }), {
      reason: 'Failed to start x.socket: Unit x.socket has a bad unit file setting.',
      raw: 'Failed to start x.socket: Unit x.socket has a bad unit file setting.',
      known: false,
    });
  });
});
