/**
 * Debug with Socket Activation's command lines (client/src/debug/debugCommand.ts): the runtime of a program,
 * the inspector / debugpy flags inserted where each interpreter wants them, the `sockact activate` arguments,
 * free ports, and the /proc/net/tcp check. The last test runs the real thing: `sockact activate` with the
 * Node command line built here, a connection to the socket, and the inspector then listening on its port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  activateArgs,
  detectRuntime,
  freePort,
  listensOn,
  nodeDebugCommand,
  parseResolvedCommand,
  pythonDebugCommand,
  pythonOf,
  startedPid,
  type ResolvedCommand,
} from '../client/src/debug/debugCommand';

const cmd = (exe: string, ...command: string[]): ResolvedCommand => ({ exe, command, cwd: null });

test('the runtime comes from the interpreter (resolved file or word) or the script extension', () => {
  assert.equal(detectRuntime(cmd('/usr/bin/node', '/usr/bin/node', 'server.mjs')), 'node');
  assert.equal(detectRuntime(cmd('/usr/local/bin/node20', 'node20', 'a.js')), 'node');
  assert.equal(detectRuntime(cmd('/usr/bin/nodejs', 'nodejs', 'a.js')), 'node');
  assert.equal(detectRuntime(cmd('/srv/app/server.mjs', './server.mjs')), 'node');
  assert.equal(detectRuntime(cmd('/usr/bin/python3', 'python3', 'app.py')), 'python');
  assert.equal(detectRuntime(cmd('/usr/bin/python3.12', 'python3.12', '-m', 'http.server')), 'python');
  assert.equal(detectRuntime(cmd('/root/.pyenv/shims/python', 'python', 'app.py')), 'python');
  assert.equal(detectRuntime(cmd('/srv/app.py', './app.py')), 'python');
  assert.equal(detectRuntime(cmd('/usr/bin/npm', 'npm', 'start')), undefined);
  assert.equal(detectRuntime(cmd('/usr/bin/env', '/usr/bin/env', 'node', 'x.js')), undefined);
  assert.equal(detectRuntime(cmd('/usr/bin/nodemon', 'nodemon')), undefined);
});

test('node: the inspector flag goes right after the node executable, before its options and the script', () => {
  assert.deepEqual(nodeDebugCommand(cmd('/usr/bin/node', '/usr/bin/node', 'server.mjs', '--port', '1'), 9300), [
    '/usr/bin/node',
    '--inspect-brk=127.0.0.1:9300',
    'server.mjs',
    '--port',
    '1',
  ]);
  // The program's own inspector flags are replaced (one inspector per process); options after the script stay.
  assert.deepEqual(nodeDebugCommand(cmd('/usr/bin/node', 'node', '--inspect=9229', '--enable-source-maps', 'a.js', '--inspect'), 41000), [
    'node',
    '--inspect-brk=127.0.0.1:41000',
    '--enable-source-maps',
    'a.js',
    '--inspect',
  ]);
  // A script with a #! line is started with node.
  assert.deepEqual(nodeDebugCommand(cmd('/srv/app/server.mjs', './server.mjs', 'x'), 5), ['node', '--inspect-brk=127.0.0.1:5', '/srv/app/server.mjs', 'x']);
});

test('python: -m debugpy --listen … --wait-for-client between the interpreter options and what it runs', () => {
  const d = ['-m', 'debugpy', '--listen', '127.0.0.1:5678', '--wait-for-client'];
  assert.deepEqual(pythonDebugCommand(cmd('/usr/bin/python3', 'python3', 'app.py', '-v'), 5678), ['python3', ...d, 'app.py', '-v']);
  assert.deepEqual(pythonDebugCommand(cmd('/usr/bin/python3', '/usr/bin/python3', '-u', '-X', 'dev', '-W', 'error', 'app.py'), 5678), [
    '/usr/bin/python3',
    '-u',
    '-X',
    'dev',
    '-W',
    'error',
    ...d,
    'app.py',
  ]);
  assert.deepEqual(pythonDebugCommand(cmd('/usr/bin/python3', 'python3', '-B', '-m', 'http.server', '8000'), 5678), ['python3', '-B', ...d, '-m', 'http.server', '8000']);
  assert.deepEqual(pythonDebugCommand(cmd('/usr/bin/python3', 'python3', '-c', 'print(1)'), 5678), ['python3', ...d, '-c', 'print(1)']);
  assert.deepEqual(pythonDebugCommand(cmd('/usr/bin/python3', 'python3', '--', 'app.py'), 5678), ['python3', ...d, 'app.py']);
  assert.deepEqual(pythonDebugCommand(cmd('/srv/app.py', './app.py', 'a'), 7), ['python3', '-m', 'debugpy', '--listen', '127.0.0.1:7', '--wait-for-client', '/srv/app.py', 'a']);
  assert.equal(pythonOf(cmd('/usr/bin/python3.11', 'python3.11')), '/usr/bin/python3.11');
  assert.equal(pythonOf(cmd('/srv/app.py', './app.py')), 'python3');
});

test('sockact activate arguments: --print-command first, --now only for the run, the program after --', () => {
  assert.deepEqual(activateArgs({ unit: '/w/a.socket' }), ['/w/a.socket']);
  assert.deepEqual(activateArgs({ unit: '/w/a.socket', systemdVersion: '252', now: true, command: ['node', 'x.js'] }), [
    '--systemd-version',
    '252',
    '--now',
    '/w/a.socket',
    '--',
    'node',
    'x.js',
  ]);
  assert.deepEqual(activateArgs({ unit: '/w/a.socket', now: true, command: [] }, true), ['--print-command', '/w/a.socket']);
});

test('the --print-command line is parsed; anything else is not', () => {
  assert.deepEqual(parseResolvedCommand('{"exe":"/usr/bin/node","command":["node","a.js"],"cwd":null}\n'), { exe: '/usr/bin/node', command: ['node', 'a.js'], cwd: null });
  assert.equal(parseResolvedCommand('sockact: nope'), undefined);
  assert.equal(parseResolvedCommand('{"exe":"/x","command":[]}'), undefined);
  assert.equal(parseResolvedCommand('{"exe":"/x","command":[1]}'), undefined);
  assert.equal(startedPid('sockact: started pid 4242: /usr/bin/node server.mjs'), 4242);
  assert.equal(startedPid('sockact: pid 4242 exited with code 0'), undefined);
});

test('freePort returns a port that can be bound, and not one it is told to avoid', async () => {
  const first = await freePort();
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(first, '127.0.0.1', resolve));
  server.close();
  for (let i = 0; i < 5; i++) assert.notEqual(await freePort(new Set([first])), first);
});

test('listensOn reads LISTEN sockets on 127.0.0.1 or 0.0.0.0 from /proc/net/tcp, and sees a real one', async () => {
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
    '   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0',
    '   2: 0100007F:1F91 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0',
    '   3: 0A00000A:1F92 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0',
  ].join('\n');
  assert.equal(listensOn(text, 8080), true);
  assert.equal(listensOn(text, 22), true);
  assert.equal(listensOn(text, 8081), false, 'an established connection is not listening');
  assert.equal(listensOn(text, 8082), false, 'another address than 127.0.0.1 / 0.0.0.0');
  const port = await freePort();
  assert.equal(listensOn(readFileSync('/proc/net/tcp', 'utf8'), port), false);
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    assert.equal(listensOn(readFileSync('/proc/net/tcp', 'utf8'), port), true);
  } finally {
    server.close();
  }
});

test('the Node command line under sockact activate: the first connection starts the program with its inspector listening', { skip: process.platform !== 'linux' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sockact-debug-'));
  const [socketPort, inspectorPort] = [await freePort(), await freePort()];
  copyFileSync(new URL('../examples/node-http/server.mjs', import.meta.url), join(dir, 'server.mjs'));
  writeFileSync(join(dir, 'dbg.socket'), `[Socket]\nListenStream=127.0.0.1:${socketPort}\n`);
  writeFileSync(join(dir, 'dbg.service'), `[Service]\nWorkingDirectory=${dir}\nExecStart=${process.execPath} server.mjs\n`);
  // fileURLToPath, not .pathname: a checkout path with a blank is %20 in the URL.
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const printed = await new Promise<string>((resolve) => {
    const p = spawn(process.execPath, [cli, 'activate', ...activateArgs({ unit: join(dir, 'dbg.socket') }, true)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.on('close', () => resolve(out));
  });
  const resolved = parseResolvedCommand(printed);
  assert.ok(resolved, `--print-command printed ${printed}`);
  assert.deepEqual(resolved, { exe: process.execPath, command: [process.execPath, 'server.mjs'], cwd: dir });
  assert.equal(detectRuntime(resolved), 'node');
  const run = spawn(process.execPath, [cli, 'activate', ...activateArgs({ unit: join(dir, 'dbg.socket'), command: nodeDebugCommand(resolved, inspectorPort) })], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  run.stderr.on('data', (d: Buffer) => (stderr += d));
  const until = async (what: string, f: () => boolean) => {
    for (const deadline = Date.now() + 10_000; !f(); await new Promise((r) => setTimeout(r, 50))) {
      if (Date.now() > deadline) throw new Error(`waited for ${what}; sockact said:\n${stderr}`);
    }
  };
  const client = new net.Socket();
  try {
    await until('listening', () => stderr.includes('listening on'));
    assert.equal(listensOn(readFileSync('/proc/net/tcp', 'utf8'), inspectorPort), false, 'nothing runs before the first connection');
    client.on('error', () => {});
    client.connect(socketPort, '127.0.0.1');
    await until('the inspector', () => listensOn(readFileSync('/proc/net/tcp', 'utf8'), inspectorPort));
    assert.match(stderr, new RegExp(`started pid \\d+: ${process.execPath} --inspect-brk=127\\.0\\.0\\.1:${inspectorPort} server\\.mjs`));
    assert.match(stderr, new RegExp(`Debugger listening on ws://127\\.0\\.0\\.1:${inspectorPort}/`));
  } finally {
    client.destroy();
    run.kill('SIGTERM');
    await new Promise((r) => run.once('close', r));
    rmSync(dir, { recursive: true, force: true });
  }
  // Stopped: the program (and its inspector) are gone with sockact.
  assert.equal(listensOn(readFileSync('/proc/net/tcp', 'utf8'), inspectorPort), false);
});

test('the extension-host suite debugs examples/node-http/server.mjs itself (the fixture is an exact copy)', () => {
  assert.equal(
    readFileSync(new URL('../client/test/fixtures/workspace/node-http/server.mjs', import.meta.url), 'utf8'),
    readFileSync(new URL('../examples/node-http/server.mjs', import.meta.url), 'utf8'),
  );
});

test('…and examples/python-http/app.py (an exact copy too)', () => {
  assert.equal(
    readFileSync(new URL('../client/test/fixtures/workspace/python-http/app.py', import.meta.url), 'utf8'),
    readFileSync(new URL('../examples/python-http/app.py', import.meta.url), 'utf8'),
  );
});
