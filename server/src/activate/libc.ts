/**
 * The few libc calls `sockact activate` needs to open sockets exactly as systemd does (socket-label.c,
 * socket.c), through koffi, a maintained FFI package that ships prebuilt binaries (no compile step).
 * Node's own net/dgram cannot: they set O_NONBLOCK on every fd, pad abstract socket names to 108 bytes,
 * and have no SOCK_SEQPACKET, Unix datagram, netlink or POSIX message queue sockets.
 *
 * Every fd made here is a plain kernel fd that libuv never sees: this process only poll()s it, so it can
 * be handed to a program with the blocking mode systemd would give it.
 */
import { constants } from 'node:os';

// Linux x86-64/arm64 constants (uapi headers); the same on every architecture Node runs on.
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const AF_VSOCK = 40;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_SEQPACKET = 5;
const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const IPPROTO_IP = 0;
export const IPPROTO_TCP = 6;
export const IPPROTO_IPV6 = 41;
export const SO_REUSEADDR = 2;
export const SO_BROADCAST = 6;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_KEEPALIVE = 9;
export const SO_PRIORITY = 12;
export const SO_PASSCRED = 16;
export const SO_RCVBUFFORCE = 33;
export const SO_SNDBUFFORCE = 32;
export const SO_PASSSEC = 34;
export const SO_MARK = 36;
export const SO_REUSEPORT = 15;
export const TCP_NODELAY = 1;
export const TCP_KEEPIDLE = 4;
export const TCP_KEEPINTVL = 5;
export const TCP_KEEPCNT = 6;
export const TCP_DEFER_ACCEPT = 9;
export const IP_TOS = 1;
export const IP_TTL = 2;
export const IP_FREEBIND = 15;
export const IP_TRANSPARENT = 19;
export const IPV6_V6ONLY = 26;
export const IPV6_FREEBIND = 78;
export const IPV6_TRANSPARENT = 75;
const F_GETFL = 3;
const F_SETFL = 4;
export const F_SETPIPE_SZ = 1031;
const O_NONBLOCK = 0o4000;
export const O_RDONLY = 0;
export const O_CREAT = 0o100;
export const O_CLOEXEC = 0o2000000;
export const POLLIN = 1;

/** The errno name for a number (EADDRINUSE…), from Node's own table. */
const ERRNO_NAMES = new Map<number, string>(Object.entries(constants.errno).map(([k, v]) => [v, k]));

export class SysError extends Error {
  constructor(readonly call: string, readonly errno: number) {
    super(`${call}: ${ERRNO_NAMES.get(errno) ?? `errno ${errno}`}`);
  }
  get code(): string {
    return ERRNO_NAMES.get(this.errno) ?? `errno ${this.errno}`;
  }
}

interface Koffi {
  load(name: string): { func(signature: string): KoffiFunction };
  struct(name: string, def: Record<string, string>): unknown;
  errno(): number;
}
type KoffiFunction = ((...args: unknown[]) => number) & { async(...args: unknown[]): void };

interface PollFd {
  fd: number;
  events: number;
  revents: number;
}

interface Libc {
  socket: KoffiFunction;
  bind: KoffiFunction;
  listen: KoffiFunction;
  setsockopt: KoffiFunction;
  fcntl: KoffiFunction;
  close: KoffiFunction;
  accept4: KoffiFunction;
  poll: KoffiFunction;
  pipe2: KoffiFunction;
  write: KoffiFunction;
  read: KoffiFunction;
  mkfifo: KoffiFunction;
  mq_open: KoffiFunction;
  mq_unlink: KoffiFunction;
  koffi: Koffi;
}

let libc: Libc | undefined;

/** koffi cannot be loaded here: said in one line, like an ActivateError (cli.ts). */
export class NativeUnavailable extends Error {}

/** Loads koffi and binds libc on first use: lint and the language server never load a native module. */
function lib(): Libc {
  if (libc) return libc;
  let koffi: Koffi;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    koffi = require('koffi') as Koffi;
  } catch (e) {
    const where = `${process.platform}-${process.arch}`;
    // The universal package (and the darwin and win32 ones) ship no koffi: only linux-x64 and linux-arm64 do.
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && /koffi/.test((e as Error).message)) {
      throw new NativeUnavailable(`this package of the extension has no native socket layer (koffi) for ${where}; socket activation ships for linux-x64 and linux-arm64`);
    }
    throw new NativeUnavailable(`the native socket layer (koffi) cannot be loaded on ${where}: ${(e as Error).message.split('\n')[0]}`);
  }
  const c = koffi.load('libc.so.6');
  koffi.struct('sockact_pollfd', { fd: 'int', events: 'short', revents: 'short' });
  libc = {
    koffi,
    socket: c.func('int socket(int, int, int)'),
    bind: c.func('int bind(int, const uint8_t *, uint32_t)'),
    listen: c.func('int listen(int, int)'),
    setsockopt: c.func('int setsockopt(int, int, int, const uint8_t *, uint32_t)'),
    fcntl: c.func('int fcntl(int, int, ...)'),
    close: c.func('int close(int)'),
    accept4: c.func('int accept4(int, _Out_ uint8_t *, _Inout_ uint32_t *, int)'),
    poll: c.func('int poll(_Inout_ sockact_pollfd *, unsigned long, int)'),
    pipe2: c.func('int pipe2(_Out_ int *, int)'),
    write: c.func('long write(int, const uint8_t *, unsigned long)'),
    read: c.func('long read(int, _Out_ uint8_t *, unsigned long)'),
    mkfifo: c.func('int mkfifo(const char *, uint32_t)'),
    mq_open: c.func('int mq_open(const char *, int, ...)'),
    mq_unlink: c.func('int mq_unlink(const char *)'),
  };
  return libc;
}

function check(call: string, r: number): number {
  if (r < 0) throw new SysError(call, lib().koffi.errno());
  return r;
}

export function socket(family: number, type: number, protocol = 0): number {
  // CLOEXEC: only the programs we start on purpose get these fds (spawn dup2()s them into place).
  return check('socket', lib().socket(family, type | SOCK_CLOEXEC, protocol));
}

export function bind(fd: number, address: Buffer): void {
  check('bind', lib().bind(fd, address, address.length));
}

export function listen(fd: number, backlog: number): void {
  check('listen', lib().listen(fd, backlog));
}

export function setIntOption(fd: number, level: number, name: number, value: number): void {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value);
  check('setsockopt', lib().setsockopt(fd, level, name, b, 4));
}

export function setBytesOption(fd: number, level: number, name: number, value: Buffer): void {
  check('setsockopt', lib().setsockopt(fd, level, name, value, value.length));
}

/** systemd clears O_NONBLOCK on passed fds unless NonBlocking=yes (exec-invoke.c flag_fds()). */
export function setNonBlocking(fd: number, on: boolean): void {
  const flags = check('fcntl', lib().fcntl(fd, F_GETFL, 'int', 0));
  const want = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
  if (want !== flags) check('fcntl', lib().fcntl(fd, F_SETFL, 'int', want));
}

export function fcntlInt(fd: number, cmd: number, value: number): number {
  return check('fcntl', lib().fcntl(fd, cmd, 'int', value));
}

export function close(fd: number): void {
  lib().close(fd);
}

export interface Accepted {
  fd: number;
  peer: Buffer;
}

/** accept4() on a non-blocking listener; undefined when nothing is waiting (EAGAIN) or it went away. */
export function accept(fd: number): Accepted | undefined {
  const peer = Buffer.alloc(128);
  const len = [peer.length];
  const r = lib().accept4(fd, peer, len, SOCK_CLOEXEC);
  if (r < 0) {
    const errno = lib().koffi.errno();
    const name = ERRNO_NAMES.get(errno);
    if (name === 'EAGAIN' || name === 'EWOULDBLOCK' || name === 'ECONNABORTED' || name === 'EINTR' || name === 'EPROTO') return undefined;
    throw new SysError('accept4', errno);
  }
  return { fd: r, peer: peer.subarray(0, len[0]) };
}

/** Which of `fds` are readable now (timeout 0) or within `timeoutMs`, without blocking the event loop. */
export function pollReadable(fds: number[], timeoutMs: number): Promise<number[]> {
  const set: PollFd[] = fds.map((fd) => ({ fd, events: POLLIN, revents: 0 }));
  return new Promise((resolve, reject) => {
    lib().poll.async(set, set.length, timeoutMs, (err: unknown, r: number) => {
      if (err) return reject(err);
      if (r < 0) return resolve([]);
      resolve(set.filter((p) => p.revents !== 0).map((p) => p.fd));
    });
  });
}

/** The same, synchronously and without waiting: for a quick look while the program runs. */
export function readableNow(fds: number[]): number[] {
  const set: PollFd[] = fds.map((fd) => ({ fd, events: POLLIN, revents: 0 }));
  const r = lib().poll(set, set.length, 0);
  return r > 0 ? set.filter((p) => p.revents !== 0).map((p) => p.fd) : [];
}

/** A pipe whose read end wakes a pending pollReadable() (written to on stop and on state changes). */
export function wakePipe(): { readFd: number; wake(): void; drain(): void; close(): void } {
  const pair = [0, 0];
  check('pipe2', lib().pipe2(pair, O_CLOEXEC | O_NONBLOCK));
  const [readFd, writeFd] = pair;
  const one = Buffer.from([1]);
  const sink = Buffer.alloc(64);
  return {
    readFd,
    wake: () => void lib().write(writeFd, one, 1),
    drain: () => {
      while (lib().read(readFd, sink, sink.length) > 0) { /* empty it */ }
    },
    close: () => {
      lib().close(readFd);
      lib().close(writeFd);
    },
  };
}

export function mkfifo(path: string, mode: number): void {
  check('mkfifo', lib().mkfifo(path, mode));
}

/** mq_open(name, O_RDONLY|O_CLOEXEC|O_CREAT|O_NONBLOCK, mode, attr) as systemd's mq_address_create(). */
export function mqOpen(name: string, mode: number, maxMessages?: number, messageSize?: number): number {
  const flags = O_RDONLY | O_CLOEXEC | O_CREAT | O_NONBLOCK;
  if (maxMessages !== undefined && messageSize !== undefined) {
    // struct mq_attr { long mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs; }
    const attr = Buffer.alloc(64);
    attr.writeBigInt64LE(BigInt(maxMessages), 8);
    attr.writeBigInt64LE(BigInt(messageSize), 16);
    return check('mq_open', lib().mq_open(name, flags, 'uint32_t', mode, 'uint8_t *', attr));
  }
  return check('mq_open', lib().mq_open(name, flags, 'uint32_t', mode, 'void *', null));
}

export function mqUnlink(name: string): void {
  lib().mq_unlink(name);
}

// ---------------------------------------------------------------------------------------------------
// Socket addresses (struct sockaddr_*), built byte by byte.

export function sockaddrIn(host: string, port: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(AF_INET, 0);
  b.writeUInt16BE(port, 2);
  host.split('.').forEach((octet, i) => b.writeUInt8(Number(octet), 4 + i));
  return b;
}

export function sockaddrIn6(host: string, port: number, scopeId = 0): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt16LE(AF_INET6, 0);
  b.writeUInt16BE(port, 2);
  ipv6Bytes(host).copy(b, 8);
  b.writeUInt32LE(scopeId, 24);
  return b;
}

/** Path sockets end with a NUL; abstract ones ("@name") start with one and are exactly as long as the name. */
export function sockaddrUn(path: string): Buffer {
  const abstract = path.startsWith('@');
  const name = Buffer.from(abstract ? path.slice(1) : path);
  // sun_path is 108 bytes: a path may fill it (the NUL is optional), an abstract name has 107 after its NUL.
  if (name.length > (abstract ? 107 : 108)) throw new SysError('bind', constants.errno.ENAMETOOLONG);
  const b = Buffer.alloc(2 + (abstract ? 1 + name.length : Math.min(name.length + 1, 108)));
  b.writeUInt16LE(AF_UNIX, 0);
  name.copy(b, abstract ? 3 : 2);
  return b;
}

export function sockaddrNl(groups: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16LE(AF_NETLINK, 0);
  b.writeUInt32LE(groups, 8);
  return b;
}

export function sockaddrVm(cid: number, port: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(AF_VSOCK, 0);
  b.writeUInt32LE(port, 4);
  b.writeUInt32LE(cid, 8);
  return b;
}

function ipv6Bytes(host: string): Buffer {
  let text = host;
  const out = Buffer.alloc(16);
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) is two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

function formatIPv6(bytes: Buffer): string {
  if (bytes.subarray(0, 10).every((x) => x === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${[...bytes.subarray(12, 16)].join('.')}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // Compress the longest run of two or more zero groups (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** The peer of an accepted connection, as systemd puts it in REMOTE_ADDR/REMOTE_PORT (service.c). */
export function describePeer(sa: Buffer): { addr?: string; port?: number; path?: string } {
  if (sa.length < 2) return {};
  const family = sa.readUInt16LE(0);
  if (family === AF_INET && sa.length >= 8) return { addr: [...sa.subarray(4, 8)].join('.'), port: sa.readUInt16BE(2) };
  if (family === AF_INET6 && sa.length >= 24) {
    const text = formatIPv6(sa.subarray(8, 24));
    // IPv4-mapped peers are shown as IPv4, as systemd does.
    return { addr: text.startsWith('::ffff:') && text.includes('.') ? text.slice(7) : text, port: sa.readUInt16BE(2) };
  }
  if (family === AF_UNIX && sa.length > 2) {
    if (sa[2] === 0) return { path: `@${sa.subarray(3).toString()}` };
    const end = sa.indexOf(0, 2);
    return { path: sa.subarray(2, end < 0 ? sa.length : end).toString() };
  }
  return {};
}
