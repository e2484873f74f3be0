/**
 * Deploy Unit / Undeploy Unit / Verify Activation and the Socket Units view, in a real VS Code.
 *
 * `npm run test:e2e` boots a REAL systemd (isolated, PID 1 of its own namespaces) with an OpenSSH server
 * inside, installs sockact-e2e.socket there (enabled, listening on 127.0.0.1:PORT, its service idle) and
 * passes SOCKACT_TEST_SSH_HOST / SOCKACT_TEST_SSH_CONFIG / SOCKACT_TEST_DEPLOYED; the same unit files are in
 * the workspace's deployed/ folder. Against that host the suite checks what the view lists (through the
 * bundled CLI's `list-sockets`), Verify from the view, Stop/Start from the view (checked over ssh), and a
 * Deploy + Undeploy through the terminal with its y/N prompt answered. Tests that need a CLI command this
 * build does not have yet skip and say so; without the isolated host they skip with its reason.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extension, freePort, open, waitFor, workspaceRoot } from './helpers';

const DEPLOY_COMMANDS = ['sockact.deploy', 'sockact.undeploy', 'sockact.verifyActivation', 'sockact.refreshSockets', 'sockact.startSocket', 'sockact.stopSocket'];

const SSH_HOST = process.env.SOCKACT_TEST_SSH_HOST || undefined;
const SSH_CONFIG = process.env.SOCKACT_TEST_SSH_CONFIG || undefined;
const DEPLOYED = process.env.SOCKACT_TEST_DEPLOYED
  ? (JSON.parse(process.env.SOCKACT_TEST_DEPLOYED) as { unit: string; service: string; port: number; folder: string })
  : undefined;
const NO_HOST =
  process.env.SOCKACT_TEST_SYSTEMD_SKIP ||
  'no isolated systemd to deploy to (SOCKACT_TEST_SSH_HOST is not set; `npm run test:e2e` boots one with sshd and sets it)';

interface SnapshotChild {
  kind: 'target' | 'socket' | 'message';
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  icon?: string;
  unit?: string;
}

interface Snapshot {
  trusted: boolean;
  targets: { key: string; label: string; description?: string; children: SnapshotChild[] }[];
}

interface VerifyOutcome {
  ok?: boolean;
  target?: string;
  unit?: string;
  steps?: { id: string; title: string; status: string; detail: string }[];
  checklist?: string;
  document?: string;
  error?: string;
}

async function snapshot(refresh = false): Promise<Snapshot> {
  return JSON.parse(await vscode.commands.executeCommand<string>('sockact.socketsSnapshot', refresh)) as Snapshot;
}

function run(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8', timeout: 60_000, env: env ?? process.env }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 127) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs argv on the isolated host over ssh (each argument single-quoted for the remote shell). */
function ssh(argv: string[]) {
  return run('ssh', ['-F', SSH_CONFIG!, SSH_HOST!, '--', ...argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`)]);
}

/** Why this build's CLI cannot do `command` (it says "unknown command"), or undefined when it can. */
async function cliLacks(command: string): Promise<string | undefined> {
  const cli = path.join(extension().extensionPath, 'dist', 'cli.js');
  const r = await run(process.execPath, [cli, command, '--help'], { ...process.env, ELECTRON_RUN_AS_NODE: '1' });
  return /unknown command/.test(r.stderr) ? `the bundled CLI has no \`${command}\` yet (${r.stderr.trim().split('\n')[0]})` : undefined;
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port }, () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}


/** Skips the running test, with the reason in its title (the e2e log prints skipped tests by title). */
function skip(ctx: Mocha.Context, reason: string): never {
  if (ctx.test) ctx.test.title += ` [skipped: ${reason}]`;
  ctx.skip();
  throw new Error('unreachable');
}

/**
 * Why this machine's user manager cannot be used, or undefined when one answers. The e2e machine usually
 * has none (no login session): that is the condition the "failures you can read" tests need.
 */
async function userManagerMissing(): Promise<string | undefined> {
  const r = await run('systemctl', ['--user', 'show', '-p', 'Version']);
  return r.code === 0 ? undefined : r.stderr.trim() || `exit ${r.code}`;
}

interface TerminalRunState {
  name: string;
  status?: number;
  lines?: string[];
  message?: string;
  open: boolean;
  exited: boolean;
}

async function terminalRun(name: string): Promise<TerminalRunState | undefined> {
  return (JSON.parse(await vscode.commands.executeCommand<string>('sockact.deployRuns')) as TerminalRunState[]).find((r) => r.name === name);
}

interface PickerState {
  title: string;
  probing: boolean;
  items: { key: string; label: string; detail?: string; unreachable?: string }[];
}

function terminalNamed(prefix: string): vscode.Terminal | undefined {
  return vscode.window.terminals.find((t) => t.name.startsWith(prefix));
}

describe('deploy, verify and the Socket Units view', () => {
  before(async () => {
    await open('web.socket');
    await waitFor(() => extension().isActive, 20_000, 'the extension to activate');
  });

  it('Deploy, Undeploy, Verify, Refresh, Start and Stop are contributed, registered, and need a trusted folder', async () => {
    const contributed = (extension().packageJSON as { contributes: { commands: { command: string; enablement?: string }[] } }).contributes.commands;
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of DEPLOY_COMMANDS) {
      const c = contributed.find((x) => x.command === id);
      assert.ok(c, `${id} is not contributed`);
      // !sockact.web: hidden and disabled where the web client runs (no ssh, no processes there).
      assert.equal(c.enablement, 'isWorkspaceTrusted && !sockact.web', id);
      assert.ok(registered.has(id), `${id} is not registered`);
    }
  });

  it('the Socket Units view is contributed to the Explorer, for trusted folders', () => {
    const views = (extension().packageJSON as { contributes: { views: Record<string, { id: string; name: string; when?: string }[]> } }).contributes.views;
    const view = views.explorer.find((v) => v.id === 'sockact.sockets');
    assert.ok(view, 'no sockact.sockets in views.explorer');
    assert.equal(view.name, 'Socket Units');
    assert.equal(view.when, 'isWorkspaceTrusted && !sockact.web');
  });

  it('a .socket unit has "Deploy…" and "Verify Activation…" code lenses on [Socket], with its URI', async () => {
    const doc = await open('web.socket');
    const header = doc.getText().split('\n').findIndex((l) => l.startsWith('[Socket]'));
    const lenses = await waitFor(
      async () => {
        const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
        const found = ['sockact.activate', 'sockact.deploy', 'sockact.verifyActivation'].map((id) => all.find((l) => l.command?.command === id));
        return found.every(Boolean) ? (found as vscode.CodeLens[]) : undefined;
      },
      20_000,
      'the three code lenses on web.socket',
    );
    assert.deepEqual(
      lenses.map((l) => l.command?.title),
      ['▶ Run with Socket Activation', 'Deploy…', 'Verify Activation…'],
    );
    for (const lens of lenses) {
      assert.equal(lens.range.start.line, header);
      assert.equal(String(lens.command?.arguments?.[0]), doc.uri.toString());
    }
  });

  it('in an untrusted folder Deploy, Undeploy, Verify, Start and Stop are refused and the view lists nothing', async function () {
    if (vscode.workspace.isTrusted) this.skip();
    const doc = await open('web.socket');
    const before = vscode.window.terminals.length;
    assert.equal(await vscode.commands.executeCommand('sockact.deploy', doc.uri, { targets: ['user'] }), undefined);
    assert.equal(await vscode.commands.executeCommand('sockact.undeploy', doc.uri, { targets: ['user'] }), undefined);
    assert.equal(await vscode.commands.executeCommand('sockact.verifyActivation', doc.uri, { targets: ['user'] }), undefined);
    assert.equal(await vscode.commands.executeCommand('sockact.stopSocket', { key: 'user', unit: 'web.socket' }), undefined);
    assert.equal(vscode.window.terminals.length, before, 'no terminal was opened');
    const s = await snapshot(true);
    assert.equal(s.trusted, false);
    assert.deepEqual(s.targets, [], 'no target is listed (nothing is run) in Restricted Mode');
  });

  describe('trusted folder', () => {
    const previous: Record<string, unknown> = {};
    const hostKey = `host:${SSH_HOST}`;
    const created: string[] = [];

    async function setSetting(name: string, value: unknown) {
      const config = vscode.workspace.getConfiguration('sockact.deploy');
      if (!(name in previous)) previous[name] = config.inspect(name)?.globalValue;
      if (JSON.stringify(config.get(name)) !== JSON.stringify(value)) await config.update(name, value, vscode.ConfigurationTarget.Global);
    }

    /** The children of a target in the view (listing it again). */
    async function childrenOf(key: string, refresh = true): Promise<SnapshotChild[]> {
      const target = (await snapshot(refresh)).targets.find((t) => t.key === key);
      assert.ok(target, `no ${key} node in the view`);
      return target.children;
    }

    before(async function () {
      if (!vscode.workspace.isTrusted) this.skip();
      if (SSH_HOST && SSH_CONFIG) {
        await setSetting('hosts', [SSH_HOST]);
        await setSetting('sshConfig', SSH_CONFIG);
        await setSetting('sudo', false);
      }
    });

    after(async () => {
      const config = vscode.workspace.getConfiguration('sockact.deploy');
      for (const [name, value] of Object.entries(previous)) {
        if (JSON.stringify(config.inspect(name)?.globalValue) !== JSON.stringify(value)) await config.update(name, value, vscode.ConfigurationTarget.Global);
      }
      for (const t of vscode.window.terminals) if (/^sockact (deploy|undeploy):/.test(t.name)) t.dispose();
      for (const f of created) fs.rmSync(f, { force: true });
    });

    it('the view has a node per target: User manager, System manager, then each configured host', async () => {
      const hosts = vscode.workspace.getConfiguration('sockact.deploy').get<string[]>('hosts') ?? [];
      const s = await snapshot(true);
      assert.equal(s.trusted, true);
      assert.deepEqual(
        s.targets.map((t) => [t.key, t.label]),
        [['user', 'User manager'], ['system', 'System manager'], ...hosts.map((h) => [`host:${h}`, h])],
      );
      // Every target got an answer: sockets, "no socket units", or one "cannot list: …" line.
      for (const t of s.targets) {
        assert.ok(t.children.length > 0, `${t.key} has no children`);
        const messages = t.children.filter((c) => c.kind === 'message');
        if (messages.some((m) => m.label.startsWith('cannot list: '))) assert.equal(t.children.length, 1, `${t.key}: ${JSON.stringify(t.children)}`);
      }
    });

    it('a host that cannot be reached shows one child "cannot list: <why>"', async () => {
      const hosts = vscode.workspace.getConfiguration('sockact.deploy').get<string[]>('hosts') ?? [];
      await setSetting('hosts', [...hosts, 'sockact-no-such-host.invalid']);
      try {
        const children = await childrenOf('host:sockact-no-such-host.invalid');
        assert.equal(children.length, 1, JSON.stringify(children));
        assert.equal(children[0].kind, 'message');
        assert.match(children[0].label, /^cannot list: \S/);
        assert.ok(!children[0].label.includes('\n'), 'one line');
      } finally {
        await setSetting('hosts', hosts);
      }
    });

    it('a user manager that is not running: the view says so in words, with systemctl\'s own line in the tooltip', async function () {
      const missing = await userManagerMissing();
      if (!missing) return skip(this, 'a user manager runs here');
      const [child] = await childrenOf('user');
      assert.equal(child.kind, 'message');
      assert.match(child.label, /^cannot list: no systemd user manager is running here\b/);
      assert.ok(!child.label.includes('\n'));
      assert.match(child.tooltip ?? '', /Failed to connect to bus: /, 'the raw text is still there');
    });

    it('a machine not booted with systemd: the System manager node says so, not "Host is down"', async function () {
      if (fs.existsSync('/run/systemd/system')) return skip(this, 'this machine runs systemd as PID 1');
      const [child] = await childrenOf('system');
      assert.match(child.label, /^cannot list: this machine was not booted with systemd\b/);
      assert.doesNotMatch(child.label, /Host is down/);
      assert.match(child.tooltip ?? '', /Host is down/, 'systemctl\'s words in the tooltip');
    });

    it('a failed Deploy keeps its terminal open with the reason, and a notification says it in words', async function () {
      const missing = await userManagerMissing();
      if (!missing) return skip(this, 'a user manager runs here');
      this.timeout(60_000);
      const port = await freePort();
      const name = `sockact-e2e-nouser-${port}`;
      const dir = workspaceRoot().fsPath;
      const socketFile = path.join(dir, `${name}.socket`);
      const serviceFile = path.join(dir, `${name}.service`);
      fs.writeFileSync(serviceFile, `[Service]\nExecStart=${process.execPath} -e "require('http').createServer((q, s) => s.end('ui')).listen({ fd: 3 })"\n`);
      fs.writeFileSync(socketFile, `[Socket]\nListenStream=127.0.0.1:${port}\n\n[Install]\nWantedBy=sockets.target\n`);
      created.push(socketFile, serviceFile);
      const r = await vscode.commands.executeCommand<{ terminals: string[] }>('sockact.deploy', vscode.Uri.file(socketFile), { targets: ['user'] });
      const terminalName = `sockact deploy: ${name}.socket → User manager`;
      assert.deepEqual(r?.terminals, [terminalName]);
      const ended = await waitFor(async () => ((await terminalRun(terminalName))?.status !== undefined ? terminalRun(terminalName) : undefined), 30_000, 'the deploy to end');
      assert.equal(ended?.status, 1);
      // The reason, in words, in the notification (with "Show output"), and the CLI's line with systemctl's own words.
      assert.match(ended?.message ?? '', new RegExp(`^Deploy of ${name}\\.socket to User manager failed: no systemd user manager is running here\\b`));
      assert.match(ended?.lines?.[0] ?? '', /^user manager: no systemd user manager is running here .* — systemctl --user said: Failed to connect to bus: /);
      // The terminal did not flash and close: 2 s later it is still there, its program waiting for Enter.
      await new Promise((done) => setTimeout(done, 2000));
      const later = await terminalRun(terminalName);
      assert.equal(later?.open, true, 'the terminal is still open');
      assert.equal(later?.exited, false, 'it waits for Enter after the reason');
      const terminal = terminalNamed(terminalName)!;
      terminal.sendText('');
      const status = await waitFor(() => terminal.exitStatus, 10_000, 'the terminal to close on Enter');
      assert.equal(status.code, 1, 'the CLI\'s exit status');
      terminal.dispose();
    });

    it('the target picker marks the targets that cannot be reached, and says why', async function () {
      this.timeout(60_000);
      const missing = await userManagerMissing();
      const hosts = vscode.workspace.getConfiguration('sockact.deploy').get<string[]>('hosts') ?? [];
      const nowhere = 'sockact-no-such-host.invalid';
      await setSetting('hosts', [...hosts, nowhere]);
      const doc = await open('web.socket');
      const started = Date.now();
      // The command waits for a pick; the picker is read while it is open, then dismissed.
      const picking = vscode.commands.executeCommand('sockact.deploy', doc.uri);
      try {
        const opened = await waitFor(async () => {
          const s = JSON.parse(await vscode.commands.executeCommand<string>('sockact.deployPicker')) as PickerState | null;
          return s?.title === 'Deploy web.socket' ? s : undefined;
        }, 10_000, 'the picker to open');
        assert.ok(Date.now() - started < 5000, 'the picker opens before the probes end');
        assert.ok(opened.items.some((i) => i.key === 'user'));
        const done = await waitFor(async () => {
          const s = JSON.parse(await vscode.commands.executeCommand<string>('sockact.deployPicker')) as PickerState;
          return s.probing ? undefined : s;
        }, 20_000, 'the probes to end');
        const item = (key: string) => done.items.find((i) => i.key === key);
        const far = item(`host:${nowhere}`);
        assert.match(far?.unreachable ?? '', /\S/, JSON.stringify(far));
        assert.match(far?.detail ?? '', /^\$\(warning\) cannot be reached: /);
        if (missing) assert.match(item('user')?.detail ?? '', /^\$\(warning\) cannot be reached: no systemd user manager is running here\b/);
        else assert.equal(item('user')?.unreachable, undefined);
        if (SSH_HOST) assert.equal(item(hostKey)?.unreachable, undefined, 'the isolated host answers');
      } finally {
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        assert.equal(await picking, undefined);
        await setSetting('hosts', hosts);
      }
    });

    it('lists the socket installed on the isolated host: address, "unit → service (state)", state icon', async function () {
      if (!SSH_HOST || !DEPLOYED) return skip(this, NO_HOST);
      this.timeout(90_000);
      const children = await childrenOf(hostKey);
      const lacking = children.find((c) => /unknown command 'list-sockets'/.test(c.label));
      if (lacking) return skip(this, `the bundled CLI has no list-sockets yet (${lacking.label})`);
      const socket = children.find((c) => c.unit === DEPLOYED.unit);
      assert.ok(socket, `${DEPLOYED.unit} is not listed on ${SSH_HOST}: ${JSON.stringify(children)}`);
      assert.equal(socket.kind, 'socket');
      assert.equal(socket.label, `127.0.0.1:${DEPLOYED.port}`);
      // Nothing has connected yet: the socket listens, its service has not been started.
      assert.equal(socket.description, `${DEPLOYED.unit} → ${DEPLOYED.service} (inactive)`);
      assert.equal(socket.contextValue, 'sockact.socket.active');
      assert.equal(socket.icon, 'radio-tower');
      assert.match(socket.tooltip ?? '', new RegExp(`${DEPLOYED.unit} on host ${SSH_HOST}`));
      // The real state agrees.
      assert.equal((await ssh(['systemctl', 'is-active', DEPLOYED.unit])).stdout.trim(), 'active');
      assert.equal((await ssh(['systemctl', 'is-active', DEPLOYED.service])).stdout.trim(), 'inactive');
    });

    it('Verify from the view (a socket of the host) gives a passing checklist', async function () {
      if (!SSH_HOST || !DEPLOYED) return skip(this, NO_HOST);
      const lacking = await cliLacks('verify');
      if (lacking) return skip(this, lacking);
      this.timeout(150_000);
      const outcome = await vscode.commands.executeCommand<VerifyOutcome>('sockact.verifyActivation', { key: hostKey, unit: DEPLOYED.unit });
      assert.ok(outcome, 'Verify returned nothing');
      assert.equal(outcome.error, undefined, outcome.error);
      assert.equal(outcome.ok, true, outcome.checklist);
      assert.equal(outcome.unit, DEPLOYED.unit);
      assert.match(outcome.target ?? '', new RegExp(SSH_HOST));
      assert.deepEqual(
        outcome.steps?.filter((s) => s.status === 'fail'),
        [],
      );
      assert.ok((outcome.steps ?? []).some((s) => s.id === 'first-connection' && s.status === 'pass'), outcome.checklist);
      assert.match(outcome.checklist ?? '', /^✔ 1\. /m);
      assert.ok(!/^✘/m.test(outcome.checklist ?? ''), outcome.checklist);
      // The checklist document shows the same text.
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(outcome.document!));
      assert.equal(doc.getText(), outcome.checklist);
    });

    it('Stop and Start from the view: Stop ends the socket and its running service, Start listens again (checked over ssh)', async function () {
      if (!SSH_HOST || !DEPLOYED) return skip(this, NO_HOST);
      this.timeout(60_000);
      // What the view hands the command: the node, with the services the socket activates.
      const node = { kind: 'socket', key: hostKey, unit: DEPLOYED.unit, socket: { activates: [DEPLOYED.service] } };
      // A connection first, so that the service runs (and holds the listening socket) when Stop comes.
      assert.equal(await connects(DEPLOYED.port), true);
      await waitFor(async () => (await ssh(['systemctl', 'is-active', DEPLOYED.service])).stdout.trim() === 'active', 20_000, `${DEPLOYED.service} to run`);
      let started: { code: number; stderr: string } | undefined;
      try {
        const stopped = await vscode.commands.executeCommand<{ code: number; stderr: string }>('sockact.stopSocket', node);
        assert.equal(stopped?.code, 0, stopped?.stderr);
        assert.equal((await ssh(['systemctl', 'is-active', DEPLOYED.unit])).stdout.trim(), 'inactive');
        assert.equal((await ssh(['systemctl', 'is-active', DEPLOYED.service])).stdout.trim(), 'inactive');
        assert.equal(await connects(DEPLOYED.port), false, 'nothing listens once the socket and its service are stopped');
        if (!(await cliLacks('list-sockets'))) {
          const socket = (await childrenOf(hostKey)).find((c) => c.unit === DEPLOYED.unit);
          assert.equal(socket?.contextValue, 'sockact.socket.inactive', JSON.stringify(socket));
        }
      } finally {
        started = await vscode.commands.executeCommand<{ code: number; stderr: string }>('sockact.startSocket', node);
      }
      assert.equal(started?.code, 0, started?.stderr);
      assert.equal((await ssh(['systemctl', 'is-active', DEPLOYED.unit])).stdout.trim(), 'active');
      assert.equal(await connects(DEPLOYED.port), true, 'the socket listens again');
    });

    it('Deploy runs `sockact deploy` in a terminal; answered "y", the unit is listed on the host; Undeploy removes it', async function () {
      if (!SSH_HOST || !DEPLOYED) return skip(this, NO_HOST);
      for (const command of ['deploy', 'undeploy', 'list-sockets']) {
        const lacking = await cliLacks(command);
        if (lacking) return skip(this, lacking);
      }
      this.timeout(150_000);
      const port = await freePort();
      const name = `sockact-e2e-ui-${port}`;
      const dir = path.join(workspaceRoot().fsPath, DEPLOYED.folder);
      const socketFile = path.join(dir, `${name}.socket`);
      const serviceFile = path.join(dir, `${name}.service`);
      // The service first: a socket without its service would be checked as missing-service meanwhile.
      fs.writeFileSync(serviceFile, `[Service]\nExecStart=${process.execPath} -e "require('http').createServer((q, s) => s.end('ui')).listen({ fd: 3 })"\n`);
      fs.writeFileSync(socketFile, `[Socket]\nListenStream=127.0.0.1:${port}\n\n[Install]\nWantedBy=sockets.target\n`);
      created.push(socketFile, serviceFile);
      const uri = vscode.Uri.file(socketFile);

      for (const action of ['deploy', 'undeploy'] as const) {
        const r = await vscode.commands.executeCommand<{ terminals: string[] }>(`sockact.${action}`, uri, { targets: [hostKey] });
        assert.deepEqual(r?.terminals, [`sockact ${action}: ${name}.socket → ${SSH_HOST}`]);
        const terminal = terminalNamed(r.terminals[0]);
        assert.ok(terminal, `no terminal ${r.terminals[0]}`);
        // The CLI asks "Deploy to host …? [y/N]" on the terminal (a real pty): answer it.
        terminal.sendText('y');
        const status = await waitFor(() => terminal.exitStatus, 120_000, `sockact ${action} to finish in its terminal`);
        assert.equal(status.code, 0, `sockact ${action} exited with ${status.code}`);
        const listed = (await childrenOf(hostKey)).find((c) => c.unit === `${name}.socket`);
        const active = (await ssh(['systemctl', 'is-active', `${name}.socket`])).stdout.trim();
        if (action === 'deploy') {
          assert.ok(listed, `${name}.socket is not listed after deploy`);
          assert.equal(listed.label, `127.0.0.1:${port}`);
          assert.equal(active, 'active');
          assert.equal(await connects(port), true);
        } else {
          assert.equal(listed, undefined, `${name}.socket is still listed after undeploy`);
          assert.notEqual(active, 'active');
        }
        terminal.dispose();
      }
    });
  });
});
