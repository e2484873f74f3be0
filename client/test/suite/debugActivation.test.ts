/**
 * Debug with Socket Activation (trusted folder): a `sockact` launch configuration on examples/node-http
 * (server.mjs is in the fixtures; its .socket and .service are written here with a free port and the
 * folder as WorkingDirectory=). A breakpoint in the request handler, an HTTP request to the socket: the
 * request starts the program under the inspector, the child `node` session attaches and the program stops
 * at the breakpoint; continuing answers the request from fd 3. Stopping the session frees the port.
 */
import * as assert from 'node:assert/strict';
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

describe('debug with socket activation (trusted folder)', () => {
  let port: number;
  let socketPath: string;
  let servicePath: string;
  let breakpoint: vscode.SourceBreakpoint;
  let breakLine: number;
  const seen: Seen[] = [];
  const disposables: vscode.Disposable[] = [];

  before(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    await open('web.socket');
    await waitFor(() => extension().isActive, 20_000, 'the extension to activate');
    port = await freePort();
    const dir = path.join(workspaceRoot().fsPath, 'node-http');
    socketPath = path.join(dir, 'node-http.socket');
    servicePath = path.join(dir, 'node-http.service');
    // examples/node-http's units, on a free loopback port and with this folder as WorkingDirectory=.
    fs.writeFileSync(socketPath, `[Unit]\nDescription=Node HTTP example socket\n\n[Socket]\nListenStream=127.0.0.1:${port}\n\n[Install]\nWantedBy=sockets.target\n`);
    fs.writeFileSync(
      servicePath,
      `[Unit]\nDescription=Node HTTP example (socket-activated)\nRequires=node-http.socket\nAfter=node-http.socket\n\n[Service]\nWorkingDirectory=${dir}\nExecStart=${process.execPath} server.mjs\n`,
    );
    const server = fixture('node-http/server.mjs');
    const text = fs.readFileSync(server.fsPath, 'utf8').split('\n');
    breakLine = text.findIndex((l) => l.includes('res.setHeader('));
    assert.ok(breakLine > 0, 'server.mjs has its request handler');
    breakpoint = new vscode.SourceBreakpoint(new vscode.Location(server, new vscode.Position(breakLine, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
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
    if (breakpoint) vscode.debug.removeBreakpoints([breakpoint]);
    if (vscode.debug.activeDebugSession) await vscode.debug.stopDebugging();
    if (socketPath) fs.rmSync(socketPath, { force: true });
    if (servicePath) fs.rmSync(servicePath, { force: true });
  });

  it('stops at a breakpoint in server.mjs on the first request, answers it after continue, and frees the port when stopped', async function () {
    this.timeout(90_000);
    const output = (session: vscode.DebugSession) =>
      seen.filter((s) => s.session === session && s.message.event === 'output').map((s) => String(s.message.body?.output ?? '')).join('');
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const d = vscode.debug.onDidStartDebugSession((s) => {
        if (s.type === 'sockact') {
          d.dispose();
          resolve(s);
        }
      });
    });
    const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
      type: 'sockact',
      request: 'launch',
      name: 'Debug node-http',
      unit: '${workspaceFolder}/node-http/node-http.socket',
    });
    assert.equal(ok, true, 'the sockact session started');
    const parent = await started;
    await waitFor(() => output(parent).includes(`listening on 127.0.0.1:${port}`), 20_000, () => `sockact to listen; it said: ${output(parent)}`);
    assert.match(output(parent), /--inspect-brk=127\.0\.0\.1:\d+ server\.mjs/);

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
    assert.ok(top.source?.path?.endsWith(`${path.sep}server.mjs`), `stopped in ${top.source?.path}`);

    await child.customRequest('continue', { threadId });
    const response = await answer;
    assert.equal(response.status, 200);
    assert.match(response.body, /\(socket-activated\): GET \/debugged/);

    assert.equal(await portIsFree(port), false, 'sockact holds the port while the session runs');
    const inspector = Number(/--inspect-brk=127\.0\.0\.1:(\d+)/.exec(output(parent))?.[1]);
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
    // The program went with sockact: its inspector port is free too.
    await waitFor(() => portIsFree(inspector), 10_000, `the inspector port ${inspector} to be free after the stop`);
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
