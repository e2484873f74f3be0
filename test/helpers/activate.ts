/**
 * Helpers for the `sockact activate` tests: run the bundled CLI (dist/cli.js) as a real child process, wait
 * for what it prints, read the probes' reports, and talk to sockets from real clients.
 */
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execLine } from './unitQuote';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const PROBE = fileURLToPath(new URL('../fixtures/activate/probe.mjs', import.meta.url));
export const PYPROBE = fileURLToPath(new URL('../fixtures/activate/pyprobe.py', import.meta.url));
/** One temp root per test file (each file is its own process under node --test). */
export const root = mkdtempSync(join(tmpdir(), 'sockact-activate-'));
after(() => rmSync(root, { recursive: true, force: true }));

export { freePort } from '../support/sshServer';

export function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, 'activate', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, err: () => stderr, out: () => stdout };
}

export async function waitFor<T>(what: string, f: () => T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function reports(out: string): Array<Record<string, any>> {
  return readdirSync(out).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')));
}

export function request(opts: net.NetConnectOpts, send = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(opts, () => c.write(send));
    let data = '';
    c.setTimeout(4000, () => c.destroy(new Error('timeout')));
    c.on('data', (d) => (data += d));
    c.on('end', () => resolve(data));
    c.on('error', reject);
  });
}

/** Sends, half-closes, and collects everything until the peer closes. */
export function requestEnd(opts: net.NetConnectOpts, send: string, ms = 4000): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(opts, () => c.end(send));
    let data = '';
    c.setTimeout(ms, () => c.destroy(new Error('timeout')));
    c.on('data', (d) => (data += d));
    c.on('end', () => resolve(data));
    c.on('error', reject);
  });
}

/**
 * A client in Python (not Node): it can connect to an exact abstract name and speaks SOCK_SEQPACKET and
 * Unix datagrams, which Node cannot. Sends `send`, then prints what comes back until the peer closes.
 */
export function pythonRequest(kind: 'unix-abstract' | 'seqpacket' | 'unix-dgram', address: string, send = ''): Promise<string> {
  const script = `
import socket, sys
kind, addr, data = sys.argv[1], sys.argv[2], sys.argv[3].encode()
if kind == 'unix-abstract':
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect('\\0' + addr)
elif kind == 'seqpacket':
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.connect(addr)
else:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.sendto(data, addr); sys.exit(0)
s.settimeout(4)
if data: s.sendall(data)
out = b''
while True:
    chunk = s.recv(4096)
    if not chunk: break
    out += chunk
    if kind == 'seqpacket': break
sys.stdout.write(out.decode())
`;
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', script, kind, address, send], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`python client: ${err.trim().split('\n').pop()}`))));
  });
}

export function kill(c: ChildProcess) {
  if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** A folder for one case under the test root, with the probe's report folder inside it. */
export function probeDir(name: string): { dir: string; out: string } {
  const dir = join(root, name);
  const out = join(dir, 'out');
  mkdirSync(out, { recursive: true });
  return { dir, out };
}

export function writeService(dir: string, name: string, body: string) {
  writeFileSync(join(dir, name), `[Service]\nExecStart=${execLine(process.execPath, PROBE)}\n${body}`);
}

export async function stopRun(run: ReturnType<typeof start>): Promise<void> {
  const c = run.child;
  if (c.exitCode !== null || c.signalCode !== null) return;
  c.kill('SIGTERM');
  const done = await Promise.race([run.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 4000))]);
  if (!done) kill(c);
}

export function startedPids(err: string): number[] {
  return [...err.matchAll(/^sockact: started pid (\d+):/gm)].map((m) => Number(m[1]));
}

