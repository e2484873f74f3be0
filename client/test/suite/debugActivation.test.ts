/**
 * Debug with Socket Activation (trusted folder): a `sockact` launch configuration on examples/node-http
 * and examples/python-http (server.mjs and app.py are in the fixtures; their .socket and .service are
 * written here with a free port and the folder as WorkingDirectory=). A breakpoint in the request handler,
 * an HTTP request to the socket: the request starts the program under its debugger (Node's inspector,
 * debugpy), the child session attaches and the program stops at the breakpoint; continuing answers the
 * request from fd 3. Stopping the session frees the port and ends the program. Python needs debugpy for
 * /usr/bin/python3 (Debian's python3-debugpy): without it that case is skipped and says why.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extension, fixture, freePort, open, waitFor, workspaceRoot } from './helpers';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function get(port: number): Promise<{ status?: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/debugged', headers: { Connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
  });
}

interface Seen {
  session: vscode.DebugSession;
  message: { type: string; event?: string; body?: Record<string, unknown> };
}

/** js-debug attaches in a session of its own under ours, and debugs the process in a child of that one. */
function descendsFrom(session: vscode.DebugSession | undefined, ancestor: vscode.DebugSession): boolean {
  for (let s = session?.parentSession; s; s = s.parentSession) if (s === ancestor) return true;
  return false;
}

interface Case {
  folder: string;
  unit: string;
  /** The [Service] lines after WorkingDirectory=. */
  service: string;
  file: string;
  /** A line of the request handler to break on. */
  marker: string;
  /** The program's command line as sockact prints it. */
  commandLine: RegExp;
}

const NODE: Case = {
  folder: 'node-http',
  unit: 'node-http',
  service: `ExecStart=${process.execPath} server.mjs`,
  file: 'server.mjs',
  marker: 'res.setHeader(',
  commandLine: /--inspect-brk=127\.0\.0\.1:(\d+) server\.mjs/,
};

const PYTHON: Case = {
  folder: 'python-http',
  unit: 'python-http',
  service: 'ExecStart=/usr/bin/python3 -u app.py',
  file: 'app.py',
  marker: 'body = f"hello from pid',
  commandLine: /-u -m debugpy --listen 127\.0\.0\.1:(\d+) --wait-for-client app\.py/,
};

/** Why Python cannot be debugged here, or undefined. */
function noDebugpy(): string | undefined {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import debugpy'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return '/usr/bin/python3 cannot import debugpy (apt install python3-debugpy)';
  }
}

describe('debug with socket activation (trusted folder)', () => {
  const seen: Seen[] = [];
  const disposables: vscode.Disposable[] = [];
  const written: string[] = [];

  before(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    await open('web.socket');
    await waitFor(() => extension().isActive, 20_000, 'the extension to activate');
    disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (message: Seen['message']) => {
            if (message.type === 'event' && (message.event === 'stopped' || message.event === 'output')) seen.push({ session, message });
          },
        }),
      }),
    );
  });

  after(async () => {
    for (const d of disposables) d.dispose();
    if (vscode.debug.activeDebugSession) await vscode.debug.stopDebugging();
    for (const f of written) fs.rmSync(f, { force: true });
  });

  /** One whole debugging run of a case (see the header). */
  async function debugRun(c: Case): Promise<void> {
    const port = await freePort();
    const dir = path.join(workspaceRoot().fsPath, c.folder);
    const socketPath = path.join(dir, `${c.unit}.socket`);
    const servicePath = path.join(dir, `${c.unit}.service`);
    written.push(socketPath, servicePath);
    // The example's units, on a free loopback port and with this folder as WorkingDirectory=.
    fs.writeFileSync(socketPath, `[Unit]\nDescription=example socket\n\n[Socket]\nListenStream=127.0.0.1:${port}\n\n[Install]\nWantedBy=sockets.target\n`);
    fs.writeFileSync(servicePath, `[Unit]\nDescription=example\nRequires=${c.unit}.socket\nAfter=${c.unit}.socket\n\n[Service]\nWorkingDirectory=${dir}\n${c.service}\n`);
    const source = fixture(`${c.folder}/${c.file}`);
    const breakLine = fs.readFileSync(source.fsPath, 'utf8').split('\n').findIndex((l) => l.includes(c.marker));
    assert.ok(breakLine > 0, `${c.file} has its request handler`);
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(source, new vscode.Position(breakLine, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    try {
      const output = (session: vscode.DebugSession) =>
        seen.filter((s) => s.session === session && s.message.event === 'output').map((s) => String(s.message.body?.output ?? '')).join('');
      const started = new Promise<vscode.DebugSession>((resolve) => {
        const d = vscode.debug.onDidStartDebugSession((s) => {
          if (s.type === 'sockact' && s.configuration.request === 'launch') {
            d.dispose();
            resolve(s);
          }
        });
      });
      const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
        type: 'sockact',
        request: 'launch',
        name: `Debug ${c.unit}`,
        unit: `\${workspaceFolder}/${c.folder}/${c.unit}.socket`,
      });
      assert.equal(ok, true, 'the sockact session started');
      const parent = await started;
      await waitFor(() => output(parent).includes(`listening on 127.0.0.1:${port}`), 20_000, () => `sockact to listen; it said: ${output(parent)}`);
      const debuggerPort = Number(c.commandLine.exec(output(parent))?.[1]);
      assert.ok(debuggerPort > 0, `the program runs under its debugger: ${output(parent)}`);

      // The request starts the program; it waits in the backlog while the debugger attaches and stops it.
      const answer = get(port);
      answer.catch(() => {});
      const stop = await waitFor(
        () => seen.find((s) => s.message.event === 'stopped' && descendsFrom(s.session, parent)),
        30_000,
        () => `the child session to stop; sessions: ${seen.map((s) => `${s.session.type}/${s.session.name}:${s.message.event}`).filter((v, i, a) => a.indexOf(v) === i).join(', ')}; sockact said: ${output(parent)}`,
      );
      const child = stop.session;
      const threadId = Number(stop.message.body?.threadId);
      const trace = (await child.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 })) as {
        stackFrames: { line: number; source?: { path?: string } }[];
      };
      const top = trace.stackFrames[0];
      assert.equal(top.line, breakLine + 1, `stopped at line ${top.line}, reason ${String(stop.message.body?.reason)}`);
      assert.ok(top.source?.path?.endsWith(`${path.sep}${c.file}`), `stopped in ${top.source?.path}`);

      await child.customRequest('continue', { threadId });
      const response = await answer;
      assert.equal(response.status, 200);
      assert.match(response.body, /\(socket-activated\): GET \/debugged/);

      assert.equal(await portIsFree(port), false, 'sockact holds the port while the session runs');
      const ended = new Promise<void>((resolve) => {
        const d = vscode.debug.onDidTerminateDebugSession((s) => {
          if (s === parent) {
            d.dispose();
            resolve();
          }
        });
      });
      await vscode.debug.stopDebugging(parent);
      await ended;
      await waitFor(() => portIsFree(port), 10_000, `127.0.0.1:${port} to be free after the stop`);
      // The program went with sockact: its debugger's port is free too.
      await waitFor(() => portIsFree(debuggerPort), 10_000, `the debugger port ${debuggerPort} to be free after the stop`);
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  }

  it('node: stops at a breakpoint in server.mjs on the first request, answers it after continue, and frees the port when stopped', async function () {
    this.timeout(90_000);
    await debugRun(NODE);
  });

  it('python: stops at a breakpoint in app.py on the first request (debugpy), answers it after continue, and frees the port when stopped', async function () {
    const why = noDebugpy();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    this.timeout(90_000);
    await debugRun(PYTHON);
  });

  /** Starts a session with `start`, checks it runs sockact on `unit` (listening on `port`), stops it, and the port is free again. */
  async function startsOn(unit: string, port: number, start: () => Thenable<unknown>): Promise<void> {
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const d = vscode.debug.onDidStartDebugSession((s) => {
        if (s.type === 'sockact') {
          d.dispose();
          resolve(s);
        }
      });
    });
    const result = await start();
    const session = await Promise.race([
      started,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no sockact session started within 20 s (start returned ${String(result)}; editor ${vscode.window.activeTextEditor?.document.uri.fsPath}, ${vscode.window.activeTextEditor?.document.languageId}; sessions now: ${vscode.debug.activeDebugSession?.type})`)), 20_000),
      ),
    ]);
    assert.equal(session.configuration.unit, unit);
    assert.equal(session.configuration.request, 'launch');
    const said = () => seen.filter((s) => s.session === session && s.message.event === 'output').map((s) => String(s.message.body?.output ?? '')).join('');
    await waitFor(() => said().includes(`listening on 127.0.0.1:${port}`), 20_000, () => `sockact to listen; it said: ${said()}`);
    await vscode.debug.stopDebugging(session);
    await waitFor(() => portIsFree(port), 10_000, `127.0.0.1:${port} to be free after the stop`);
  }

  it('F5 on a .socket file without a launch.json, and the Debug with Socket Activation command, debug that unit', async function () {
    this.timeout(90_000);
    const port = await freePort();
    const dir = path.join(workspaceRoot().fsPath, 'node-http');
    const unit = path.join(dir, 'f5.socket');
    written.push(unit, path.join(dir, 'f5.service'));
    fs.writeFileSync(unit, `[Socket]\nListenStream=127.0.0.1:${port}\n`);
    fs.writeFileSync(path.join(dir, 'f5.service'), `[Service]\nWorkingDirectory=${dir}\nExecStart=${process.execPath} server.mjs\n`);
    await vscode.window.showTextDocument(vscode.Uri.file(unit), { preview: false });
    // F5 without a launch.json: no configuration; the debugger is chosen by the editor's language.
    await startsOn(unit, port, () => vscode.commands.executeCommand('workbench.action.debug.start'));
    await startsOn(unit, port, () => vscode.commands.executeCommand('sockact.debugActivation', vscode.Uri.file(unit)));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a unit whose port is taken: sockact says so in the Debug Console and the session ends by itself', async function () {
    this.timeout(60_000);
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const dir = path.join(workspaceRoot().fsPath, 'node-http');
    const unit = path.join(dir, 'taken.socket');
    written.push(unit, path.join(dir, 'taken.service'));
    fs.writeFileSync(unit, `[Socket]\nListenStream=127.0.0.1:${port}\n`);
    fs.writeFileSync(path.join(dir, 'taken.service'), `[Service]\nWorkingDirectory=${dir}\nExecStart=${process.execPath} server.mjs\n`);
    try {
      let session: vscode.DebugSession | undefined;
      const ended = new Promise<void>((resolve) => {
        const d = vscode.debug.onDidTerminateDebugSession((s) => {
          if (s === session) {
            d.dispose();
            resolve();
          }
        });
      });
      const d = vscode.debug.onDidStartDebugSession((s) => (session ??= s.type === 'sockact' ? s : undefined));
      assert.equal(await vscode.commands.executeCommand('sockact.debugActivation', vscode.Uri.file(unit)), true);
      d.dispose();
      await Promise.race([ended, new Promise((_, reject) => setTimeout(() => reject(new Error('the session did not end by itself')), 20_000))]);
      const said = seen.filter((s) => s.session === session && s.message.event === 'output').map((s) => String(s.message.body?.output ?? '')).join('');
      assert.match(said, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`), said);
      assert.match(said, /\[sockact exited with code [1-9]\d*\]/, said);
    } finally {
      blocker.close();
    }
  });

  it('a launch configuration whose unit is not a .socket file on disk starts nothing', async () => {
    const sessions: vscode.DebugSession[] = [];
    const d = vscode.debug.onDidStartDebugSession((s) => sessions.push(s));
    try {
      const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
        type: 'sockact',
        request: 'launch',
        name: 'Debug a missing unit',
        unit: '${workspaceFolder}/no-such.socket',
      });
      assert.equal(ok, false);
      assert.deepEqual(sessions.map((s) => s.name), []);
    } finally {
      d.dispose();
    }
  });
});
