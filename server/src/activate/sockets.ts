/**
 * Opens the Listen*= ports of a .socket unit in this process. Every bind completes within process.nextTick
 * callbacks (IP literals need no lookup), so the caller can hand the fds on and close its own copies before
 * the event loop ever polls them: this process never accepts or reads on behalf of the program.
 */
import { spawnSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { dirname, join } from 'node:path';
import type { ActivateConfig, ListenPort } from './config';

export class ActivateError extends Error {}

export interface BoundSocket {
  port: ListenPort;
  fd: number;
  label: string;
  /** The net.Server (stream sockets), kept for Accept=yes. */
  server?: net.Server;
  /** Closes this process's copy (the kernel socket lives on in whoever else holds it). */
  close(): void;
  /** File-system node this run created (removed on stop). */
  createdPath?: string;
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function describeError(label: string, e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'EADDRINUSE': return `${label} is already in use`;
    case 'EACCES': case 'EPERM': return `cannot bind ${label}: permission denied${/:(\d+)$/.test(label) && Number(RegExp.$1) < 1024 ? ' (ports below 1024 need root)' : ''}`;
    case 'EADDRNOTAVAIL': return `cannot bind ${label}: the address is not on this machine`;
    case 'EAFNOSUPPORT': return `cannot bind ${label}: address family not supported here`;
    default: return `cannot bind ${label}: ${e.code ?? e.message}`;
  }
}

function dgramFd(socket: dgram.Socket): number {
  const sym = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const state = sym ? (socket as unknown as Record<symbol, { handle?: { fd?: number } }>)[sym] : undefined;
  const fd = state?.handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new ActivateError('cannot get the file descriptor of a datagram socket');
  return fd;
}

function serverFd(server: net.Server): number {
  const fd = (server as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new ActivateError('cannot get the file descriptor of a listening socket');
  return fd;
}

/** Creates missing parent folders with DirectoryMode=; says so in one line when it can't. */
function ensureDirectory(path: string, mode: number): void {
  const dir = dirname(path);
  try {
    fs.mkdirSync(dir, { recursive: true, mode });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ActivateError(`cannot create the socket directory ${dir}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code}`);
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new ActivateError(`the socket directory ${dir} is not writable`);
  }
}

function listenStream(server: net.Server, options: net.ListenOptions, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (e) => reject(new ActivateError(describeError(label, e as NodeJS.ErrnoException))));
    server.once('listening', () => resolve());
    server.listen(options);
  });
}

async function bindOne(config: ActivateConfig, port: ListenPort): Promise<BoundSocket> {
  const a = port.address;
  const backlog = config.backlog ?? 4096;
  if (a.unresolved) throw new ActivateError(`${port.directive}=${port.value}: specifiers that only the target system can expand are not supported`);
  if (a.kind === 'inet' || a.kind === 'inet6') {
    const host = a.host!;
    const label = formatHostPort(host, a.port!);
    if (a.socketType === 'stream') {
      const server = net.createServer({ pauseOnConnect: true });
      await listenStream(server, { host, port: a.port, backlog, exclusive: true, ipv6Only: a.kind === 'inet6' && config.bindIPv6Only === 'ipv6-only' }, label);
      return { port, fd: serverFd(server), label, server, close: () => server.close() };
    }
    if (a.socketType === 'dgram') {
      const socket = dgram.createSocket({
        type: a.kind === 'inet6' ? 'udp6' : 'udp4',
        ipv6Only: a.kind === 'inet6' && config.bindIPv6Only === 'ipv6-only',
        recvBufferSize: config.receiveBuffer,
        sendBufferSize: config.sendBuffer,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', (e) => reject(new ActivateError(describeError(label, e as NodeJS.ErrnoException))));
        socket.bind({ address: host, port: a.port, exclusive: true }, () => resolve());
      });
      return { port, fd: dgramFd(socket), label: `${label} (udp)`, close: () => socket.close() };
    }
  }
  if ((a.kind === 'unix-path' || a.kind === 'unix-abstract') && a.socketType === 'stream') {
    if (a.kind === 'unix-abstract') {
      const server = net.createServer({ pauseOnConnect: true });
      await listenStream(server, { path: '\0' + a.path!.slice(1), backlog, exclusive: true }, a.path!);
      return { port, fd: serverFd(server), label: a.path!, server, close: () => server.close() };
    }
    const path = a.path!;
    ensureDirectory(path, config.directoryMode);
    let existing: fs.Stats | undefined;
    try {
      existing = fs.lstatSync(path);
    } catch { /* not there */ }
    if (existing && !existing.isSocket()) throw new ActivateError(`${path} already exists and is not a socket`);
    // Bind at the real path, as systemd does, so getsockname() in the program reports it (daemons pick their
    // fds by path with sd_is_socket_unix()). An old socket file is replaced, as systemd does.
    if (existing) fs.unlinkSync(path);
    const server = net.createServer({ pauseOnConnect: true });
    await listenStream(server, { path, backlog, exclusive: true }, path);
    try {
      fs.chmodSync(path, config.socketMode);
    } catch (e) {
      server.close();
      throw new ActivateError(`cannot set the mode of ${path}: ${(e as NodeJS.ErrnoException).code}`);
    }
    return { port, fd: serverFd(server), label: path, server, createdPath: path, close: () => closeKeepingFile(server, path) };
  }
  if (a.kind === 'fifo') {
    const path = a.path!;
    ensureDirectory(path, config.directoryMode);
    let created = false;
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(path);
    } catch { /* not there */ }
    if (st && !st.isFIFO()) throw new ActivateError(`${path} already exists and is not a FIFO`);
    if (!st) {
      const r = spawnSync('mkfifo', ['-m', config.socketMode.toString(8), '--', path], { encoding: 'utf8' });
      if (r.status !== 0) throw new ActivateError(`cannot create the FIFO ${path}: ${(r.stderr || r.error?.message || 'mkfifo failed').trim().split('\n')[0]}`);
      created = true;
    }
    const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    return { port, fd, label: `${path} (fifo)`, createdPath: created ? path : undefined, close: () => fs.closeSync(fd) };
  }
  if (a.kind === 'unix-path' || a.kind === 'unix-abstract') {
    throw new ActivateError(`${port.directive}=${port.value}: ${a.socketType === 'dgram' ? 'Unix datagram' : 'Unix sequential-packet'} sockets are not supported yet by sockact activate`);
  }
  throw new ActivateError(`${port.directive}=${port.value}: ${port.directive}= is not supported by sockact activate`);
}

/**
 * Closes this process's copy of a Unix socket server but keeps its file: libuv unlinks the path
 * synchronously on close, so a hard link taken just before is renamed back just after.
 */
function closeKeepingFile(server: net.Server, path: string): void {
  const keep = join(dirname(path), `.sockact-keep-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  fs.linkSync(path, keep);
  server.close();
  fs.renameSync(keep, path);
}

/** Opens every port in order; on any failure closes those already open and removes what it created. */
export async function bindAll(config: ActivateConfig): Promise<BoundSocket[]> {
  const bound: BoundSocket[] = [];
  try {
    for (const port of config.ports) bound.push(await bindOne(config, port));
    return bound;
  } catch (e) {
    releaseAll(bound, true);
    throw e;
  }
}

export function releaseAll(bound: BoundSocket[], removeCreated: boolean): void {
  for (const b of bound) {
    try {
      b.close();
    } catch { /* already closed */ }
    if (removeCreated && b.createdPath) {
      try {
        fs.unlinkSync(b.createdPath);
      } catch { /* gone */ }
    }
  }
}
