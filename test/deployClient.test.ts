/**
 * The VS Code side of deploy, without VS Code (client/src/deploy/model.ts): the command lines it gives the
 * CLI for each target choice, the hosts it offers from an ssh_config, and how it reads the CLI's JSON
 * (list-sockets, verify) into the Socket Units view and the checklist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  checklistText,
  cliCommand,
  configuredHosts,
  deployArgs,
  firstFailure,
  groupTargets,
  heldCommand,
  listSocketsArgs,
  outcomeReason,
  parseOutcome,
  oneLine,
  parseListSockets,
  parseTargetKey,
  parseVerify,
  socketDescription,
  socketLabel,
  socketLook,
  sshConfigHosts,
  targetArgs,
  unitFileNames,
  verifyArgs,
  viewTargets,
  type DeploySettings,
} from '../client/src/deploy/model';

const NONE: DeploySettings = { hosts: [], sshConfig: '', sudo: false };
const HOSTS: DeploySettings = { hosts: ['web1', 'deploy@web2.example.com'], sshConfig: '/etc/sockact/ssh_config', sudo: true };

test('target options: --user, --system, or every host with the ssh config and sudo', () => {
  assert.deepEqual(targetArgs(['user'], HOSTS), ['--user']);
  assert.deepEqual(targetArgs(['system'], HOSTS), ['--system']);
  assert.deepEqual(targetArgs(['host:web1', 'host:deploy@web2.example.com'], HOSTS), [
    '--host', 'web1', '--host', 'deploy@web2.example.com', '--ssh-config', '/etc/sockact/ssh_config', '--sudo',
  ]);
  assert.deepEqual(targetArgs(['host:web1'], NONE), ['--host', 'web1']);
  assert.throws(() => targetArgs(['user', 'host:web1'], NONE), /cannot be combined/);
  assert.throws(() => targetArgs([], NONE), /no target/);
  // A host that would be an ssh option or carry shell syntax never reaches the command line.
  assert.throws(() => targetArgs(['host:-oProxyCommand=x'], NONE), /not a host/);
  assert.throws(() => targetArgs(['host:a;b'], NONE), /not a host/);
});

test('~ in sockact.deploy.sshConfig is expanded (no shell does it for an argument array)', () => {
  const args = targetArgs(['host:web1'], { hosts: [], sshConfig: '~/.ssh/work_config', sudo: false });
  assert.equal(args[2], '--ssh-config');
  assert.ok(args[3].endsWith('/.ssh/work_config') && !args[3].startsWith('~'), args[3]);
});

test('deploy, undeploy, verify and list-sockets command lines', () => {
  assert.deepEqual(deployArgs('deploy', ['host:web1'], NONE, '/w/web.socket'), ['deploy', '--host', 'web1', '/w/web.socket']);
  assert.deepEqual(deployArgs('deploy', ['user'], NONE, '/w/web.socket', { force: true }), ['deploy', '--user', '--force', '/w/web.socket']);
  assert.deepEqual(deployArgs('undeploy', ['system'], NONE, '/w/web.socket', { force: true }), ['undeploy', '--system', '/w/web.socket']);
  assert.deepEqual(verifyArgs('host:web1', HOSTS, '/w/web.socket'), ['verify', '--host', 'web1', '--ssh-config', '/etc/sockact/ssh_config', '--sudo', '--format', 'json', '/w/web.socket']);
  assert.deepEqual(listSocketsArgs('user', HOSTS), ['list-sockets', '--user', '--format', 'json']);
  // A file name with spaces or shell characters stays one argument.
  assert.deepEqual(deployArgs('deploy', ['user'], NONE, '/w/my $(x) unit.socket').at(-1), '/w/my $(x) unit.socket');
});

test('the CLI runs under node, or for the system manager without root under sudo, keeping ELECTRON_RUN_AS_NODE', () => {
  const args = deployArgs('deploy', ['system'], NONE, '/w/web.socket');
  assert.deepEqual(cliCommand('/opt/code/code', '/ext/dist/cli.js', args, false), ['/opt/code/code', '/ext/dist/cli.js', 'deploy', '--system', '/w/web.socket']);
  assert.deepEqual(cliCommand('/opt/code/code', '/ext/dist/cli.js', args, true), [
    'sudo', '--', 'env', 'ELECTRON_RUN_AS_NODE=1', '/opt/code/code', '/ext/dist/cli.js', 'deploy', '--system', '/w/web.socket',
  ]);
});

test('picked targets become one run per manager and one run for all hosts', () => {
  assert.deepEqual(groupTargets(['host:a', 'user', 'host:b', 'system']), [['user'], ['system'], ['host:a', 'host:b']]);
  assert.deepEqual(groupTargets(['host:a', 'host:a']), [['host:a']]);
  assert.deepEqual(groupTargets([]), []);
});

test('target keys from callers: user, system, host:NAME with a valid host only', () => {
  assert.equal(parseTargetKey('user'), 'user');
  assert.equal(parseTargetKey('host:web1'), 'host:web1');
  assert.equal(parseTargetKey('host:-x'), undefined);
  assert.equal(parseTargetKey('web1'), undefined);
  assert.equal(parseTargetKey(3), undefined);
});

test('the view shows the user manager, the system manager and each valid configured host once', () => {
  assert.deepEqual(viewTargets({ hosts: ['web1', ' web1 ', '', 'bad host', 'web2'], sshConfig: '', sudo: false }), ['user', 'system', 'host:web1', 'host:web2']);
  assert.deepEqual(configuredHosts(NONE), []);
});

test('ssh_config Host entries without patterns are offered', () => {
  const config = [
    '# comment',
    'Host web1 web2',
    '  HostName 10.0.0.1',
    'Host *',
    '  ServerAliveInterval 30',
    'host=db',
    'Host *.internal !bastion gw? jump # the jump host',
    'Match host foo',
    '  User x',
    'HOST "quoted"',
    'Hostname notahost',
  ].join('\n');
  assert.deepEqual(sshConfigHosts(config), ['web1', 'web2', 'db', 'jump', 'quoted']);
});

const LISTED = JSON.stringify({
  targets: [
    {
      target: 'host web1',
      ok: true,
      error: null,
      sockets: [
        { unit: 'web.socket', listen: [{ address: '127.0.0.1:8080', type: 'Stream' }, { address: '[::1]:8080', type: 'Stream' }], activates: ['web.service'], socketState: 'active', serviceState: 'inactive' },
        { unit: 'api.socket', listen: [{ address: '/run/api.sock', type: 'Stream' }], activates: ['api.service'], socketState: 'active', serviceState: 'active' },
        { unit: 'old.socket', listen: [], activates: [], socketState: 'failed', serviceState: 'inactive' },
        { unit: 'off.socket', listen: [{ address: '0.0.0.0:9', type: 'Datagram' }], activates: ['off.service'], socketState: 'inactive', serviceState: 'inactive' },
      ],
    },
    { target: 'host web2', ok: false, error: 'ssh web2: Connection refused\nmore', sockets: [] },
    { target: 'system manager', ok: false, error: 'this machine was not booted with systemd', detail: 'Failed to connect to bus: Host is down', sockets: [] },
  ],
});

test('list-sockets JSON → labels (addresses), descriptions (unit → service (state)) and looks', () => {
  const [web1, web2] = parseListSockets(LISTED);
  assert.equal(web1.target, 'host web1');
  assert.deepEqual(web1.sockets.map(socketLabel), ['127.0.0.1:8080, [::1]:8080', '/run/api.sock', 'old.socket', '0.0.0.0:9']);
  assert.deepEqual(web1.sockets.map(socketDescription), [
    'web.socket → web.service (inactive)',
    'api.socket → api.service (active)',
    'old.socket → ? (inactive)',
    'off.socket → off.service (inactive)',
  ]);
  assert.deepEqual(web1.sockets.map(socketLook), ['waiting', 'serving', 'failed', 'inactive']);
  assert.equal(web2.ok, false);
  assert.equal(web2.error, 'ssh web2: Connection refused\nmore');
  assert.equal(web2.detail, null);
  // The plain reason, and systemctl's own words beside it (the view's tooltip).
  const system = parseListSockets(LISTED)[2];
  assert.deepEqual([system.error, system.detail], ['this machine was not booted with systemd', 'Failed to connect to bus: Host is down']);
  assert.throws(() => parseListSockets('sockact: unknown command'), SyntaxError);
  assert.throws(() => parseListSockets('{}'), /targets/);
});

const VERIFIED = {
  target: 'host web1',
  unit: 'web.socket',
  ok: false,
  steps: [
    { id: 'socket-listening', title: 'The socket listens', status: 'pass', detail: '127.0.0.1:8080', lines: [] },
    { id: 'service-idle', title: 'The service waits for a connection', status: 'pass', detail: 'inactive', lines: [] },
    { id: 'first-connection', title: 'The first connection starts the service', status: 'fail', detail: 'no answer within 5 s', lines: ['web.service: exit 1'] },
    { id: 'journal', title: 'The journal', status: 'skip', detail: '', lines: [] },
  ],
};

test('verify JSON → a checklist with ✔/✘ per step, and the first failure for the notification', () => {
  const r = parseVerify(JSON.stringify(VERIFIED));
  assert.equal(r.ok, false);
  assert.equal(
    checklistText(r),
    [
      'web.socket on host web1: activation check FAILED',
      '',
      '✔ 1. The socket listens — 127.0.0.1:8080',
      '✔ 2. The service waits for a connection — inactive',
      '✘ 3. The first connection starts the service — no answer within 5 s',
      '      web.service: exit 1',
      '– 4. The journal (skipped)',
      '',
      '2 passed, 1 failed, 1 skipped',
      '',
    ].join('\n'),
  );
  assert.equal(firstFailure(r), 'step 3 (The first connection starts the service): no answer within 5 s');
  assert.equal(firstFailure(parseVerify(JSON.stringify({ ...VERIFIED, ok: true, steps: VERIFIED.steps.slice(0, 2) }))), undefined);
  assert.throws(() => parseVerify('{"target":"x"}'), /steps/);
});

test('a listed instance socket is found by its template file too', () => {
  assert.deepEqual(unitFileNames('web.socket'), ['web.socket']);
  assert.deepEqual(unitFileNames('echo@1.socket'), ['echo@1.socket', 'echo@.socket']);
});

test("one line of stderr: the CLI's own message (not the usage after it), else the last line", () => {
  assert.equal(oneLine("sockact: unknown command 'list-sockets'\nusage: sockact lint …\n       sockact lsp --stdio\n"), "unknown command 'list-sockets'");
  assert.equal(oneLine('Warning: Permanently added …\nssh: Could not resolve hostname x: Name or service not known\n'), 'ssh: Could not resolve hostname x: Name or service not known');
  assert.equal(oneLine('\n \n', 'exit 1'), 'exit 1');
});

/** Runs heldCommand(command) with stdin a pipe; resolves with its exit status and what it printed. */
function held(command: string[], input?: { afterMs: number; text: string }) {
  return new Promise<{ code: number | null; stdout: string; ms: number }>((resolve) => {
    const started = Date.now();
    const [file, ...args] = heldCommand(command);
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    if (input) setTimeout(() => child.stdin.write(input.text), input.afterMs);
    child.on('close', (code) => resolve({ code, stdout, ms: Date.now() - started }));
  });
}

test('a failed command keeps its terminal open until Enter; a good one ends at once; arguments stay literal', async () => {
  const ok = await held(['/bin/echo', 'a b', '$(id)', "it's", '"q"', '--']);
  assert.equal(ok.code, 0);
  assert.equal(ok.stdout, `a b $(id) it's "q" --\n`, 'no argument is parsed by the shell');
  // A failure: still running 700 ms later, and says so; Enter ends it with the command's own status.
  const failed = await held(['/bin/sh', '-c', 'echo "sockact: user manager: no systemd user manager is running here" >&2; exit 3'], { afterMs: 700, text: '\n' });
  assert.equal(failed.code, 3);
  assert.ok(failed.ms >= 700, `it waited for Enter (${failed.ms} ms)`);
  assert.match(failed.stdout, /sockact stopped with exit status 3 \(the reason is above\)\. Press Enter to close this terminal\./);
});

test("the CLI's result file: exit status and stderr lines; the notification's reason in words", () => {
  assert.equal(parseOutcome(''), undefined, 'not written yet');
  assert.equal(parseOutcome('{"status":'), undefined);
  const o = parseOutcome(JSON.stringify({ status: 1, lines: ['user manager: no systemd user manager is running here (x) — systemctl --user said: Failed to connect to bus: No medium found'] }) + '\n');
  assert.deepEqual(o, { status: 1, lines: ['user manager: no systemd user manager is running here (x) — systemctl --user said: Failed to connect to bus: No medium found'] });
  assert.equal(outcomeReason(o!, true), 'no systemd user manager is running here (x)');
  const two = { status: 1, lines: ['host web1: the host name web1 is not known — ssh said: Could not resolve hostname web1', 'host web2: failed at systemctl daemon-reload: Access denied'] };
  assert.equal(outcomeReason(two, false), 'host web1: the host name web1 is not known; host web2: failed at systemctl daemon-reload: Access denied');
  assert.equal(outcomeReason({ status: 1, lines: [] }, true), 'exit status 1');
});
