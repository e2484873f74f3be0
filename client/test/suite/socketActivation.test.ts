/**
 * Run with Socket Activation: the code lens on a .socket unit's [Socket] header, and (trusted folder only)
 * `sockact.activate` on a unit written at test time with a free 127.0.0.1 port: the status goes to running,
 * `sockact.sendTestRequest` gets a 200 from the program on fd 3, `sockact.stopActivation` stops it and the
 * port is free again. In an untrusted folder `sockact.activate` is refused and starts nothing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extension, freePort, open, waitFor, workspaceRoot } from './helpers';

interface Snapshot {
  unit: string;
  phase: string;
  pids: number[];
  listening: string[];
  reason?: string;
  detail?: string;
  crashes: number;
  lastCrash?: string;
  watch: boolean;
  watching?: string;
  restarts: number;
  lastChange?: string;
  buildFailed?: string;
  text: string;
  tooltip: string;
}

interface TestRequestResult {
  status?: number;
  body?: string;
  error?: string;
}

async function state(): Promise<Snapshot | null> {
  return JSON.parse(await vscode.commands.executeCommand<string>('sockact.activationState')) as Snapshot | null;
}

function describe_(s: Snapshot | null): string {
  return JSON.stringify(s);
}


/** True when 127.0.0.1:port can be bound (nobody holds it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const SERVER = "require('http').createServer((q, s) => s.end('hello from fd 3')).listen({ fd: 3 })";

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

describe('socket activation', () => {
  before(async () => {
    await open('web.socket');
    await waitFor(() => extension().isActive, 20_000, 'the extension to activate');
  });

  it('a .socket unit has a "Run with Socket Activation" code lens on its [Socket] header', async () => {
    const doc = await open('web.socket');
    const header = doc.getText().split('\n').findIndex((l) => l.startsWith('[Socket]'));
    const lens = await waitFor(
      async () => (await lensesOf(doc.uri)).find((l) => l.command?.command === 'sockact.activate'),
      20_000,
      'the code lens on web.socket',
    );
    assert.equal(lens.command?.title, '▶ Run with Socket Activation');
    assert.equal(lens.range.start.line, header);
    assert.equal(String(lens.command?.arguments?.[0]), doc.uri.toString());
  });

  it('a .service unit and a drop-in have no such lens', async () => {
    for (const name of ['web.service', 'foo.socket.d/x.conf']) {
      const doc = await open(name);
      // The server answers for web.socket already (test above), so an empty answer here is final.
      await lensesOf((await open('web.socket')).uri);
      const lenses = await lensesOf(doc.uri);
      assert.deepEqual(lenses.filter((l) => l.command?.command === 'sockact.activate'), [], name);
    }
  });

  it('in an untrusted folder sockact.activate is refused and starts nothing', async function () {
    if (vscode.workspace.isTrusted) this.skip();
    const doc = await open('web.socket', true);
    await vscode.commands.executeCommand('sockact.activate', doc.uri);
    assert.equal(await state(), null);
    assert.ok(!vscode.window.terminals.some((t) => t.name === 'sockact: web.socket'), 'no terminal was opened');
  });

  describe('a run (trusted folder)', () => {
    let port: number;
    let unitPath: string;
    let servicePath: string;

    before(async function () {
      if (!vscode.workspace.isTrusted) this.skip();
      port = await freePort();
      unitPath = path.join(workspaceRoot().fsPath, `act${port}.socket`);
      servicePath = path.join(workspaceRoot().fsPath, `act${port}.service`);
      fs.writeFileSync(unitPath, `[Unit]\nDescription=test\n\n[Socket]\nListenStream=127.0.0.1:${port}\n`);
      fs.writeFileSync(servicePath, '[Service]\nExecStart=/bin/true\n');
      await vscode.workspace
        .getConfiguration('sockact')
        .update('activate.command', [process.execPath, '-e', SERVER], vscode.ConfigurationTarget.Workspace);
    });

    after(async () => {
      if (!unitPath) return;
      await vscode.commands.executeCommand('sockact.stopActivation');
      await vscode.workspace.getConfiguration('sockact').update('activate.command', undefined, vscode.ConfigurationTarget.Workspace);
      for (const t of vscode.window.terminals.filter((t) => t.name.startsWith('sockact: act'))) t.dispose();
      fs.rmSync(unitPath, { force: true });
      fs.rmSync(servicePath, { force: true });
    });

    it('sockact.activate binds the socket: the status says listening (or running, if started at once)', async () => {
      const started = await vscode.commands.executeCommand<Snapshot | undefined>('sockact.activate', vscode.Uri.file(unitPath));
      assert.ok(started, 'sockact.activate returned no state');
      const s = await waitFor(
        async () => {
          const now = await state();
          return now?.phase === 'listening' || now?.phase === 'running' ? now : undefined;
        },
        20_000,
        'the run to reach listening or running',
      ).catch(async (e: Error) => {
        e.message += ` (state: ${describe_(await state())})`;
        throw e;
      });
      assert.deepEqual(s.listening, [`127.0.0.1:${port}`]);
      assert.match(s.text, new RegExp(`^\\$\\(radio-tower\\) act${port}\\.socket: (listening|running pid \\d+) on 127\\.0\\.0\\.1:${port}$`));
      assert.ok(vscode.window.terminals.some((t) => t.name === `sockact: act${port}.socket`), 'the terminal is open');
    });

    it('sockact.sendTestRequest gets a 200 from the program on fd 3, which then shows as running', async () => {
      const result = await vscode.commands.executeCommand<TestRequestResult | undefined>('sockact.sendTestRequest');
      assert.ok(result, 'no result');
      assert.equal(result.error, undefined);
      assert.equal(result.status, 200);
      assert.equal(result.body, 'hello from fd 3');
      const s = await waitFor(async () => {
        const now = await state();
        return now?.phase === 'running' ? now : undefined;
      }, 10_000, 'the status running');
      assert.equal(s.pids.length, 1);
      assert.match(s.text, new RegExp(`^\\$\\(radio-tower\\) act${port}\\.socket: running pid ${s.pids[0]} on 127\\.0\\.0\\.1:${port}$`));
    });

    it('sockact.stopActivation stops it and the port is free again', async () => {
      await vscode.commands.executeCommand('sockact.stopActivation');
      const s = await state();
      assert.equal(s?.phase, 'stopped', describe_(s));
      assert.match(s.text, /: stopped$/);
      // The tooltip follows the phase: no address is "listening" and nothing "running" once stopped.
      assert.match(s.tooltip, /^Stopped; not listening$/m, s.tooltip);
      assert.doesNotMatch(s.tooltip, /Listening on|Running/, s.tooltip);
      assert.deepEqual(s.listening, []);
      await waitFor(() => portIsFree(port), 5_000, `127.0.0.1:${port} to be free`);
    });

    it('a program that fails at once (exit 3) in a loop: failed (start limit hit) after 5 starts, and the tooltip says so, not listening or running', async () => {
      await vscode.workspace
        .getConfiguration('sockact')
        .update('activate.command', [process.execPath, '-e', 'process.exit(3)'], vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('sockact.activate', vscode.Uri.file(unitPath));
      await waitFor(async () => (await state())?.listening.length === 1, 20_000, 'the socket to listen');
      // The connection starts the program, which exits without taking it: it stays queued, so every exit
      // is followed by a new start until the service's start limit (5 in 10 s) fails the socket.
      const result = await vscode.commands.executeCommand<TestRequestResult | undefined>('sockact.sendTestRequest');
      if (result) assert.ok(result.error, `expected a connection error, got ${JSON.stringify(result)}`);
      const s = await waitFor(
        async () => {
          const now = await state();
          return now?.phase === 'failed' ? now : undefined;
        },
        20_000,
        'the status failed',
      ).catch(async (e: Error) => {
        e.message += ` (state: ${describe_(await state())})`;
        throw e;
      });
      assert.equal(s.reason, 'start limit hit', describe_(s));
      assert.equal(s.crashes, 5, describe_(s));
      assert.equal(s.lastCrash, 'exit 3');
      assert.match(s.text, /: failed \(start limit hit\)$/);
      assert.match(s.tooltip, /^Failed: start limit hit$/m, s.tooltip);
      assert.match(s.tooltip, /StartLimitBurst=5, StartLimitIntervalSec=10s/, s.tooltip);
      assert.match(s.tooltip, /^Not listening: the sockets are closed$/m, s.tooltip);
      assert.doesNotMatch(s.tooltip, /Listening on|Running/, s.tooltip);
      assert.deepEqual(s.pids, []);
      await waitFor(() => portIsFree(port), 5_000, `127.0.0.1:${port} to be free once the socket failed`);
      // Stop has nothing left to stop; the failure stays on show.
      await vscode.commands.executeCommand('sockact.stopActivation');
      assert.equal((await state())?.phase, 'failed');
    });
  });

  describe('a watch run with two sockets (trusted folder)', () => {
    let port: number;
    let unitPath: string;
    let servicePath: string;
    let srcDir: string;
    let program: string;
    let sockPath: string;

    /** Serves fd 3 (TCP) and fd 4 (the Unix socket); says which version, pid and fd answered. Stops cleanly on SIGTERM. */
    const serverSource = (version: string) =>
      `const http = require('http');\n` +
      `const servers = [3, 4].map((fd) => http.createServer((q, s) => s.end('${version} pid ' + process.pid + ' fd ' + fd)).listen({ fd }));\n` +
      `process.on('SIGTERM', () => { let n = servers.length; for (const x of servers) x.close(() => { if (--n === 0) process.exit(0); }); });\n`;

    const config = () => vscode.workspace.getConfiguration('sockact');

    before(async function () {
      if (!vscode.workspace.isTrusted || process.platform !== 'linux') this.skip();
      port = await freePort();
      const root = workspaceRoot().fsPath;
      unitPath = path.join(root, `watch${port}.socket`);
      servicePath = path.join(root, `watch${port}.service`);
      srcDir = path.join(root, `watch${port}-src`);
      program = path.join(srcDir, 'server.js');
      // A short path: a socket address holds 108 bytes, the workspace folder may be deep.
      sockPath = path.join(os.tmpdir(), `sockact-e2e-${port}.sock`);
      fs.mkdirSync(srcDir, { recursive: true });
      fs.writeFileSync(program, serverSource('v1'));
      fs.writeFileSync(unitPath, `[Socket]\nListenStream=127.0.0.1:${port}\nListenStream=${sockPath}\n`);
      fs.writeFileSync(servicePath, '[Service]\nExecStart=/bin/true\n');
      await config().update('activate.command', [process.execPath, program], vscode.ConfigurationTarget.Workspace);
      // Relative to the unit's folder; only the program's folder, not the whole workspace.
      await config().update('activate.watch', [`watch${port}-src`], vscode.ConfigurationTarget.Workspace);
    });

    after(async () => {
      if (!unitPath) return;
      await vscode.commands.executeCommand('sockact.stopActivation');
      for (const key of ['activate.command', 'activate.watch', 'activate.build']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
      for (const t of vscode.window.terminals.filter((t) => t.name.startsWith('sockact: watch'))) t.dispose();
      for (const f of [unitPath, servicePath, srcDir, sockPath]) fs.rmSync(f, { recursive: true, force: true });
    });

    /** GET / on TCP, fresh connection each time; the body or the error. */
    const get = (): Promise<{ ok: boolean; body: string }> =>
      new Promise((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 10_000 }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ ok: res.statusCode === 200, body }));
          res.on('error', (e) => resolve({ ok: false, body: e.message }));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (e) => resolve({ ok: false, body: e.message }));
      });

    it('sockact.activateWatch: the status lists both addresses and says it is watching', async () => {
      await vscode.commands.executeCommand('sockact.activateWatch', vscode.Uri.file(unitPath));
      const s = await waitFor(
        async () => {
          const now = await state();
          return now?.listening.length === 2 && now.watching ? now : undefined;
        },
        20_000,
        'the watch run to listen on two sockets',
      ).catch(async (e: Error) => {
        e.message += ` (state: ${describe_(await state())})`;
        throw e;
      });
      assert.equal(s.watch, true);
      assert.deepEqual(s.listening, [`127.0.0.1:${port}`, sockPath]);
      assert.equal(s.text, `$(radio-tower) watch${port}.socket: ${s.phase === 'running' ? `running pid ${s.pids[0]}` : 'listening'} on 127.0.0.1:${port}, ${sockPath} · watching`);
      assert.match(s.tooltip, new RegExp(`^Listening on:\\n  127\\.0\\.0\\.1:${port}\\n  ${sockPath.replace(/[.]/g, '\\.')}$`, 'm'), s.tooltip);
      assert.match(s.tooltip, new RegExp(`^Watching watch${port}-src \\(1 folder\\)$`, 'm'), s.tooltip);
    });

    it('Send Test Request offers both sockets; a label goes to that one, the QuickPick without one', async () => {
      const choices = JSON.parse(await vscode.commands.executeCommand<string>('sockact.testRequestChoices')) as { offered: Array<{ label: string }>; skipped: unknown[] };
      assert.deepEqual(choices.offered.map((c) => c.label), [`127.0.0.1:${port}`, sockPath]);
      assert.deepEqual(choices.skipped, []);
      const unix = await vscode.commands.executeCommand<TestRequestResult | undefined>('sockact.sendTestRequest', sockPath);
      assert.equal(unix?.status, 200, JSON.stringify(unix));
      assert.match(unix.body ?? '', /^v1 pid \d+ fd 4$/);
      const tcp = await vscode.commands.executeCommand<TestRequestResult | undefined>('sockact.sendTestRequest', `127.0.0.1:${port}`);
      assert.match(tcp?.body ?? '', /^v1 pid \d+ fd 3$/, JSON.stringify(tcp));
      // Without an address it asks: the second item (the Unix socket) is picked in the real QuickPick.
      let settled = false;
      const asked = Promise.resolve(vscode.commands.executeCommand<TestRequestResult | undefined>('sockact.sendTestRequest')).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 500));
      await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await waitFor(async () => {
        if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return settled;
      }, 10_000, 'the QuickPick to be answered');
      const picked = await asked;
      assert.match(picked?.body ?? '', /^v1 pid \d+ fd 4$/, JSON.stringify(picked));
    });

    it('saving the program restarts it on the same sockets; requests keep being answered and the status counts the restart', async () => {
      const before = await waitFor(async () => {
        const now = await state();
        return now?.phase === 'running' ? now : undefined;
      }, 10_000, 'the program running');
      const results: Array<{ ok: boolean; body: string }> = [];
      let sending = true;
      const client = (async () => {
        while (sending) {
          results.push(await get());
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      try {
        await new Promise((r) => setTimeout(r, 300));
        fs.writeFileSync(program, serverSource('v2'));
        const s = await waitFor(
          async () => {
            const now = await state();
            return now && now.restarts === 1 && now.phase === 'running' && now.pids[0] !== before.pids[0] && results.some((r) => r.body.startsWith('v2')) ? now : undefined;
          },
          20_000,
          'the restart to show and v2 to answer',
        ).catch(async (e: Error) => {
          e.message += ` (state: ${describe_(await state())})`;
          throw e;
        });
        assert.equal(s.lastChange, `watch${port}-src/server.js`);
        assert.match(s.text, / · watching, 1 restart$/);
        assert.match(s.tooltip, new RegExp(`^Restarted 1× after a change \\(last: watch${port}-src/server\\.js\\)$`, 'm'), s.tooltip);
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        sending = false;
        await client;
      }
      const failed = results.filter((r) => !r.ok);
      assert.deepEqual(failed, [], `${failed.length} of ${results.length} requests failed`);
      assert.ok(results.some((r) => r.body.startsWith('v1')) && results.some((r) => r.body.startsWith('v2')), 'answers from both versions');
    });

    it('Restart keeps watch mode; a failing build keeps the old program running and the status says so', async () => {
      await config().update('activate.build', [process.execPath, '-e', 'process.exit(4)'], vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('sockact.restartActivation');
      await waitFor(async () => (await state())?.watching !== undefined, 20_000, 'the restarted run to watch');
      const first = await get();
      assert.match(first.body, /^v2 pid \d+ fd 3$/);
      const running = await waitFor(async () => {
        const now = await state();
        return now?.phase === 'running' ? now : undefined;
      }, 10_000, 'the program running');
      assert.equal(running.watch, true);
      fs.writeFileSync(program, serverSource('v3'));
      const s = await waitFor(async () => {
        const now = await state();
        return now?.buildFailed ? now : undefined;
      }, 20_000, 'the build failure to show');
      assert.match(s.buildFailed ?? '', /exited with code 4/);
      assert.match(s.text, /, build failed$/);
      assert.match(s.tooltip, /^Last build failed: .*exited with code 4/m, s.tooltip);
      assert.equal(s.restarts, 0);
      const after = await get();
      assert.equal(after.body, first.body, 'the same program answers');
    });
  });
});
