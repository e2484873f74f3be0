/**
 * Opens the Listen*= ports of a .socket unit the way systemd does (socket_address_listen() and
 * socket_apply_socket_options() in systemd's socket-label.c/socket.c), with plain libc calls (libc.ts):
 * SO_REUSEADDR, then the options that must precede bind(), bind() under a umask that yields SocketMode=,
 * listen(Backlog=), then the other options, whose failures systemd only logs. No fd here is ever seen by
 * libuv, so nothing in this process accepts or reads on the program's behalf.
 */
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import type { ActivateConfig, ListenPort } from './config';
import * as libc from './libc';
import { NETLINK_FAMILIES } from '../service/values/listen';

export class ActivateError extends Error {}

export interface BoundSocket {
  port: ListenPort;
  fd: number;
  label: string;
  /** A stream or seqpacket socket that is listening (Accept=yes accepts on these). */
  listening: boolean;
  /** AF_INET or AF_INET6 for IP sockets: what was really opened (a bare port falls back to AF_INET without IPv6). */
  family?: number;
  /** File-system node this run created (removed on stop). */
  createdPath?: string;
  /** POSIX message queue this run created (mq_unlink()ed on stop). */
  createdQueue?: string;
  /** Set once this process closed its copy (an fd number must never be closed twice: it may be reused). */
  closed?: boolean;
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function describeError(label: string, code: string): string {
  switch (code) {
    case 'EADDRINUSE': return `${label} is already in use`;
    case 'EACCES': case 'EPERM': return `cannot bind ${label}: permission denied${/:(\d+)$/.test(label) && Number(RegExp.$1) < 1024 ? ' (ports below 1024 need root)' : ''}`;
    case 'EADDRNOTAVAIL': return `cannot bind ${label}: the address is not on this machine`;
    case 'EAFNOSUPPORT': return `cannot bind ${label}: address family not supported here`;
    case 'ENAMETOOLONG': return `cannot bind ${label}: the path is longer than a socket address can hold (108 bytes)`;
    default: return `cannot bind ${label}: ${code}`;
  }
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

/** Runs `f` with the umask that makes new nodes get exactly `mode`, as systemd does around bind()/mkfifo(). */
function withMode<T>(mode: number, f: () => T): T {
  const old = process.umask(~mode & 0o777);
  try {
    return f();
  } finally {
    process.umask(old);
  }
}

function lstat(path: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(path);
  } catch {
    return undefined;
  }
}

type Warn = (line: string) => void;

/** One setsockopt() whose failure systemd logs and ignores ("…, ignoring"): we say so in one line. */
function option(warn: Warn, what: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    const code = e instanceof libc.SysError ? e.code : (e as Error).message;
    warn(`${what} could not be set (${code}${code === 'EPERM' ? ': needs privileges sockact does not have' : ''}); ignored, as systemd does`);
  }
}

/** socket_apply_socket_options(): also applied to each accepted connection with Accept=yes. */
export function applySocketOptions(config: ActivateConfig, fd: number, family: number, type: number, warn: Warn): void {
  const inet = family === libc.AF_INET || family === libc.AF_INET6;
  const tcp = inet && type === libc.SOCK_STREAM;
  if (config.keepAlive) option(warn, 'KeepAlive=', () => libc.setIntOption(fd, libc.SOL_SOCKET, libc.SO_KEEPALIVE, 1));
  if (tcp && config.keepAliveTimeSec) option(warn, 'KeepAliveTimeSec=', () => libc.setIntOption(fd, libc.IPPROTO_TCP, libc.TCP_KEEPIDLE, config.keepAliveTimeSec!));
  if (tcp && config.keepAliveIntervalSec) option(warn, 'KeepAliveIntervalSec=', () => libc.setIntOption(fd, libc.IPPROTO_TCP, libc.TCP_KEEPINTVL, config.keepAliveIntervalSec!));
  if (tcp && config.keepAliveProbes) option(warn, 'KeepAliveProbes=', () => libc.setIntOption(fd, libc.IPPROTO_TCP, libc.TCP_KEEPCNT, config.keepAliveProbes!));
  if (tcp && config.noDelay) option(warn, 'NoDelay=', () => libc.setIntOption(fd, libc.IPPROTO_TCP, libc.TCP_NODELAY, 1));
  if (tcp && config.deferAcceptSec) option(warn, 'DeferAcceptSec=', () => libc.setIntOption(fd, libc.IPPROTO_TCP, libc.TCP_DEFER_ACCEPT, config.deferAcceptSec!));
  if (config.broadcast) option(warn, 'Broadcast=', () => libc.setIntOption(fd, libc.SOL_SOCKET, libc.SO_BROADCAST, 1));
  if (config.passCredentials) option(warn, 'PassCredentials=', () => libc.setIntOption(fd, libc.SOL_SOCKET, libc.SO_PASSCRED, 1));
  if (config.passSecurity) option(warn, 'PassSecurity=', () => libc.setIntOption(fd, libc.SOL_SOCKET, libc.SO_PASSSEC, 1));
  if (config.priority !== undefined) option(warn, 'Priority=', () => libc.setIntOption(fd, libc.SOL_SOCKET, libc.SO_PRIORITY, config.priority!));
  // Like systemd: the plain option first, the FORCE variant (root may exceed rmem_max) when that falls short.
  if (config.receiveBuffer !== undefined) option(warn, 'ReceiveBuffer=', () => bufferSize(fd, libc.SO_RCVBUF, libc.SO_RCVBUFFORCE, config.receiveBuffer!));
  if (config.sendBuffer !== undefined) option(warn, 'SendBuffer=', () => bufferSize(fd, libc.SO_SNDBUF, libc.SO_SNDBUFFORCE, config.sendBuffer!));
  if (config.mark !== undefined) option(warn, 'Mark=', () => libc.setIntOption(fd, libc.SOL_SOCKET, libc.SO_MARK, config.mark!));
  if (inet && config.ipTOS !== undefined) option(warn, 'IPTOS=', () => libc.setIntOption(fd, libc.IPPROTO_IP, libc.IP_TOS, config.ipTOS!));
  if (inet && config.ipTTL !== undefined) option(warn, 'IPTTL=', () => libc.setIntOption(fd, family === libc.AF_INET6 ? libc.IPPROTO_IPV6 : libc.IPPROTO_IP, family === libc.AF_INET6 ? 16 /* IPV6_UNICAST_HOPS */ : libc.IP_TTL, config.ipTTL!));
}

function bufferSize(fd: number, plain: number, force: number, size: number): void {
  try {
    libc.setIntOption(fd, libc.SOL_SOCKET, force, size);
  } catch {
    libc.setIntOption(fd, libc.SOL_SOCKET, plain, size);
  }
}

const SOCKET_TYPES: Record<string, number> = { stream: libc.SOCK_STREAM, dgram: libc.SOCK_DGRAM, seqpacket: libc.SOCK_SEQPACKET };

function labelOf(port: ListenPort): string {
  const a = port.address;
  if (a.kind === 'inet' || a.kind === 'inet6') return `${formatHostPort(a.host!, a.port!)}${a.socketType === 'dgram' ? ' (udp)' : ''}`;
  if (a.kind === 'unix-path' || a.kind === 'unix-abstract') return `${a.path!}${a.socketType === 'dgram' ? ' (datagram)' : a.socketType === 'seqpacket' ? ' (seqpacket)' : ''}`;
  if (a.kind === 'fifo') return `${a.path!} (fifo)`;
  if (a.kind === 'special') return `${a.path!} (special file)`;
  if (a.kind === 'mqueue') return `${a.path!} (message queue)`;
  if (a.kind === 'netlink') return `netlink ${a.netlinkFamily}${a.netlinkGroup !== undefined ? ` ${a.netlinkGroup}` : ''}`;
  if (a.kind === 'vsock') return `vsock:${a.vsockCid ?? ''}:${a.port}`;
  return `${port.directive}=${port.value}`;
}

/** socket(), the options that must come before bind(), bind(), listen(); closes the fd on any failure. */
function openSocket(config: ActivateConfig, port: ListenPort, family: number, type: number, address: Buffer, protocol: number, warn: Warn, modeForPath?: number): number {
  const fd = libc.socket(family, type, protocol);
  try {
    if (family === libc.AF_INET6 && config.bindIPv6Only !== 'default') libc.setIntOption(fd, libc.IPPROTO_IPV6, libc.IPV6_V6ONLY, config.bindIPv6Only === 'ipv6-only' ? 1 : 0);
    if (family === libc.AF_INET || family === libc.AF_INET6) {
      if (config.freeBind) option(warn, 'FreeBind=', () => libc.setIntOption(fd, family === libc.AF_INET6 ? libc.IPPROTO_IPV6 : libc.IPPROTO_IP, family === libc.AF_INET6 ? libc.IPV6_FREEBIND : libc.IP_FREEBIND, 1));
      if (config.transparent) option(warn, 'Transparent=', () => libc.setIntOption(fd, family === libc.AF_INET6 ? libc.IPPROTO_IPV6 : libc.IPPROTO_IP, family === libc.AF_INET6 ? libc.IPV6_TRANSPARENT : libc.IP_TRANSPARENT, 1));
      if (config.bindToDevice) option(warn, 'BindToDevice=', () => libc.setBytesOption(fd, libc.SOL_SOCKET, 25 /* SO_BINDTODEVICE */, Buffer.from(`${config.bindToDevice}\0`)));
      // systemd sets SO_REUSEADDR on every IP socket: a port left in TIME_WAIT can be bound again at once.
      libc.setIntOption(fd, libc.SOL_SOCKET, libc.SO_REUSEADDR, 1);
    }
    if (config.reusePort) option(warn, 'ReusePort=', () => libc.setIntOption(fd, libc.SOL_SOCKET, libc.SO_REUSEPORT, 1));
    if (modeForPath !== undefined) withMode(modeForPath, () => libc.bind(fd, address));
    else libc.bind(fd, address);
    if (type === libc.SOCK_STREAM || type === libc.SOCK_SEQPACKET) libc.listen(fd, config.backlog ?? 4096);
    applySocketOptions(config, fd, family, type, warn);
    return fd;
  } catch (e) {
    libc.close(fd);
    if (e instanceof libc.SysError) throw new ActivateError(describeError(labelOf(port), e.code));
    throw e;
  }
}

/** SocketUser=/SocketGroup= on the file-system node: only root may give it away; others get a warning. */
function chownNode(config: ActivateConfig, path: string, warn: Warn): void {
  if (config.socketUser === undefined && config.socketGroup === undefined) return;
  const uid = config.socketUser === undefined ? -1 : lookupId('/etc/passwd', config.socketUser);
  const gid = config.socketGroup === undefined ? -1 : lookupId('/etc/group', config.socketGroup);
  if (uid === undefined || gid === undefined) {
    warn(`SocketUser=/SocketGroup= names ${uid === undefined ? `user ${config.socketUser}` : `group ${config.socketGroup}`}, which this machine does not have; ${path} keeps its owner`);
    return;
  }
  if (process.getuid?.() !== 0) {
    warn(`SocketUser=/SocketGroup= need root to change the owner of ${path}; it stays yours (systemd, running as root, would chown it)`);
    return;
  }
  fs.lchownSync(path, uid, gid);
}

function lookupId(file: string, name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  try {
    const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.split(':')[0] === name);
    return line ? Number(line.split(':')[2]) : undefined;
  } catch {
    return undefined;
  }
}

function openUnix(config: ActivateConfig, port: ListenPort, warn: Warn): BoundSocket {
  const a = port.address;
  const type = SOCKET_TYPES[a.socketType];
  const label = labelOf(port);
  if (a.kind === 'unix-abstract') {
    const fd = openSocket(config, port, libc.AF_UNIX, type, libc.sockaddrUn(a.path!), 0, warn);
    return { port, fd, label, listening: type !== libc.SOCK_DGRAM };
  }
  const path = a.path!;
  ensureDirectory(path, config.directoryMode);
  const existing = lstat(path);
  if (existing && !existing.isSocket()) throw new ActivateError(`${path} already exists and is not a socket`);
  // An old socket file is replaced, as systemd does (and the program sees the real path in getsockname()).
  if (existing) fs.unlinkSync(path);
  const fd = openSocket(config, port, libc.AF_UNIX, type, libc.sockaddrUn(path), 0, warn, config.socketMode);
  chownNode(config, path, warn);
  return { port, fd, label, listening: type !== libc.SOCK_DGRAM, createdPath: path };
}

function openInet(config: ActivateConfig, port: ListenPort, warn: Warn): BoundSocket {
  const a = port.address;
  const type = SOCKET_TYPES[a.socketType];
  const label = labelOf(port);
  let family = a.kind === 'inet6' ? libc.AF_INET6 : libc.AF_INET;
  let address = family === libc.AF_INET6 ? libc.sockaddrIn6(a.host!, a.port!, scopeId(a.scopeInterface)) : libc.sockaddrIn(a.host!, a.port!);
  let fd: number;
  try {
    fd = openSocket(config, port, family, type, address, 0, warn);
  } catch (e) {
    // A bare port means [::] only where IPv6 exists; systemd falls back to 0.0.0.0 otherwise.
    if (!(e instanceof ActivateError) || !/family not supported/.test(e.message) || a.host !== '::') throw e;
    family = libc.AF_INET;
    address = libc.sockaddrIn('0.0.0.0', a.port!);
    fd = openSocket(config, port, family, type, address, 0, warn);
  }
  return { port, fd, label, listening: type !== libc.SOCK_DGRAM, family };
}

function scopeId(ifname: string | undefined): number {
  if (!ifname) return 0;
  try {
    return Number(fs.readFileSync(`/sys/class/net/${ifname}/ifindex`, 'utf8').trim());
  } catch {
    throw new ActivateError(`there is no network interface ${ifname} here`);
  }
}

function openFifo(config: ActivateConfig, port: ListenPort, warn: Warn): BoundSocket {
  const path = port.address.path!;
  ensureDirectory(path, config.directoryMode);
  const st = lstat(path);
  if (st && !st.isFIFO()) throw new ActivateError(`${path} already exists and is not a FIFO`);
  if (!st) {
    try {
      withMode(config.socketMode, () => libc.mkfifo(path, config.socketMode));
    } catch (e) {
      throw new ActivateError(`cannot create the FIFO ${path}: ${e instanceof libc.SysError ? e.code : (e as Error).message}`);
    }
    chownNode(config, path, warn);
  }
  // O_RDWR: opening never blocks waiting for a writer, and the FIFO never reports end-of-file to the program.
  const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY | fs.constants.O_NOFOLLOW);
  if (config.pipeSize !== undefined) option(warn, 'PipeSize=', () => void libc.fcntlInt(fd, libc.F_SETPIPE_SZ, config.pipeSize!));
  return { port, fd, label: labelOf(port), listening: false, createdPath: st ? undefined : path };
}

function openSpecial(port: ListenPort): BoundSocket {
  const path = port.address.path!;
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY | fs.constants.O_NOFOLLOW);
  } catch (e) {
    throw new ActivateError(`ListenSpecial=${path}: cannot open it: ${(e as NodeJS.ErrnoException).code}`);
  }
  const st = fs.fstatSync(fd);
  if (!st.isFile() && !st.isCharacterDevice()) {
    fs.closeSync(fd);
    throw new ActivateError(`ListenSpecial=${path}: systemd accepts only character devices and regular files here`);
  }
  return { port, fd, label: labelOf(port), listening: false };
}

function openQueue(config: ActivateConfig, port: ListenPort): BoundSocket {
  const name = port.address.path!;
  const existed = !!lstat(`/dev/mqueue${name}`);
  try {
    const fd = withMode(config.socketMode, () => libc.mqOpen(name, config.socketMode, config.messageQueueMaxMessages, config.messageQueueMessageSize));
    return { port, fd, label: labelOf(port), listening: false, createdQueue: existed ? undefined : name };
  } catch (e) {
    const code = e instanceof libc.SysError ? e.code : (e as Error).message;
    throw new ActivateError(`ListenMessageQueue=${name}: cannot open the message queue: ${code}${code === 'EINVAL' ? ' (MessageQueueMaxMessages=/MessageQueueMessageSize= above the limits in /proc/sys/fs/mqueue?)' : ''}`);
  }
}

function openNetlink(config: ActivateConfig, port: ListenPort, warn: Warn): BoundSocket {
  const a = port.address;
  const known = NETLINK_FAMILIES_NUMBERS[a.netlinkFamily!];
  const protocol = known ?? Number(a.netlinkFamily);
  const fd = openSocket(config, port, libc.AF_NETLINK, libc.SOCK_RAW, libc.sockaddrNl(a.netlinkGroup ?? 0), protocol, warn);
  return { port, fd, label: labelOf(port), listening: false };
}

/** Netlink protocol numbers (linux/netlink.h) for systemd's family names. */
const NETLINK_FAMILIES_NUMBERS: Record<string, number> = Object.fromEntries(
  NETLINK_FAMILIES.map((name) => [name, ({
    route: 0, firewall: 3, 'inet-diag': 4, nflog: 5, xfrm: 6, selinux: 7, iscsi: 8, audit: 9, 'fib-lookup': 10, connector: 11,
    netfilter: 12, 'ip6-fw': 13, dnrtmsg: 14, 'kobject-uevent': 15, generic: 16, scsitransport: 18, ecryptfs: 19, rdma: 20,
  } as Record<string, number>)[name]]).filter(([, n]) => n !== undefined),
);

function openVsock(config: ActivateConfig, port: ListenPort, warn: Warn): BoundSocket {
  const a = port.address;
  const CIDS: Record<string, number> = { '': 0xffffffff, hypervisor: 0, local: 1, host: 2 };
  const cid = a.vsockCid! in CIDS ? CIDS[a.vsockCid!] : Number(a.vsockCid);
  const fd = openSocket(config, port, libc.AF_VSOCK, SOCKET_TYPES[a.socketType] ?? libc.SOCK_STREAM, libc.sockaddrVm(cid, a.port!), 0, warn);
  return { port, fd, label: labelOf(port), listening: true };
}

function openOne(config: ActivateConfig, port: ListenPort, warn: Warn): BoundSocket {
  const a = port.address;
  if (a.unresolved) throw new ActivateError(`${port.directive}=${port.value}: specifiers that only the target system can expand are not supported`);
  switch (a.kind) {
    case 'inet': case 'inet6': return openInet(config, port, warn);
    case 'unix-path': case 'unix-abstract': return openUnix(config, port, warn);
    case 'fifo': return openFifo(config, port, warn);
    case 'special': return openSpecial(port);
    case 'mqueue': return openQueue(config, port);
    case 'netlink': return openNetlink(config, port, warn);
    case 'vsock': return openVsock(config, port, warn);
    case 'usb-function':
      throw new ActivateError(`${port.directive}=${port.value}: a USB FunctionFS endpoint needs USB gadget hardware and a FunctionFS mount; sockact activate cannot stand in for them`);
  }
}

/**
 * Opens every port in configuration order; on any failure closes those already open and removes what it
 * created, so nothing is left half-bound. fds passed to the program get O_NONBLOCK only with NonBlocking=yes;
 * listeners sockact accepts on itself (Accept=yes) stay non-blocking.
 */
export function openAll(config: ActivateConfig, warn: Warn): BoundSocket[] {
  const bound: BoundSocket[] = [];
  try {
    for (const port of config.ports) {
      const b = openOne(config, port, warn);
      bound.push(b);
      libc.setNonBlocking(b.fd, config.accept && b.listening ? true : !!config.service?.nonBlocking);
    }
    return bound;
  } catch (e) {
    releaseAll(bound, true);
    if (e instanceof libc.SysError) throw new ActivateError(e.message);
    throw e;
  }
}

export function releaseAll(bound: BoundSocket[], removeCreated: boolean): void {
  for (const b of bound) {
    if (!b.closed) libc.close(b.fd);
    b.closed = true;
    if (!removeCreated) continue;
    if (b.createdPath) {
      try {
        fs.unlinkSync(b.createdPath);
      } catch { /* gone */ }
    }
    if (b.createdQueue) libc.mqUnlink(b.createdQueue);
  }
}
