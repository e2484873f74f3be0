/**
 * Listen*= addresses of .socket units, parsed the way config_parse_socket_listen() does
 * (src/core/load-fragment.c) with socket_address_parse() (src/shared/socket-netlink.c) and the AF_UNIX /
 * AF_VSOCK helpers of src/basic/socket-util.c. See shared/reference/systemd-listen-rules.md.
 *
 * Things that surprise people:
 * - the value goes through unit_path_printf() first, so "[fe80::1]:80%eth0" fails on the unknown
 *   specifier "%e" — the interface suffix has to be written "%%eth0";
 * - a bare IPv6 address parses but has no port, and a bare IPv4 address likewise: both are refused;
 * - "0x50" is port 80 (base-0 integer parsing), "0" is refused, "70000" is out of range;
 * - the scope interface must exist when systemd loads the unit; we cannot know the target machine, so
 *   only its syntax is checked here.
 */
import { safeAtoi, safeAtou, safeAtouMax } from './cnum';
import { parseIPv4, parseIPv6 } from './inaddr';
import { checkPath, pathStartsWith } from './paths';
import { PRINTF_LIMITS, resolveSpecifiers, scanSpecifiers, unitNameSpecifierValue } from './specifiers';
import { extractFirstWord, utf8ByteLength } from './words';
import { dialectFor, type Dialect } from './dialect';

export { isValidUnitName, unitTypeOf } from './unitName';

export type ListenKind =
  | 'inet' | 'inet6' | 'unix-path' | 'unix-abstract' | 'vsock' | 'netlink'
  | 'fifo' | 'special' | 'mqueue' | 'usb-function';

export type ListenSocketType = 'stream' | 'dgram' | 'seqpacket' | 'raw' | 'fifo' | 'special' | 'mqueue' | 'usb-function';

export interface ListenOk {
  ok: true;
  kind: ListenKind;
  socketType: ListenSocketType;
  host?: string;
  port?: number;
  path?: string;
  scopeInterface?: string;
  netlinkFamily?: string;
  netlinkGroup?: number;
  vsockCid?: string;
  /** Accept=yes is possible with this port (SOCK_STREAM or SOCK_SEQPACKET sockets only). */
  acceptable: boolean;
  /** A file-system node (FIFO or AF_UNIX path socket): what Symlinks= needs exactly one of. */
  fileSystemNode: boolean;
  /**
   * The value holds specifiers that only the target system can expand; kind and the other fields are
   * a best guess and nothing beyond the specifiers was checked.
   */
  unresolved?: boolean;
  /** Set when systemd rewrites a /var/run/… path to /run/… (it logs a notice; the line still works). */
  legacyPathFrom?: string;
}

export interface ListenError {
  ok: false;
  message: string;
  /** 'unknown-specifier' when the value failed specifier expansion. */
  code?: 'unknown-specifier' | 'invalid-listen-address';
}

export type ListenParse = ListenOk | ListenError;

type ListenDirective =
  | 'ListenStream' | 'ListenDatagram' | 'ListenSequentialPacket' | 'ListenNetlink'
  | 'ListenFIFO' | 'ListenSpecial' | 'ListenMessageQueue' | 'ListenUSBFunction';

const SOCKET_TYPE_OF: Record<ListenDirective, ListenSocketType> = {
  ListenStream: 'stream',
  ListenDatagram: 'dgram',
  ListenSequentialPacket: 'seqpacket',
  ListenNetlink: 'raw',
  ListenFIFO: 'fifo',
  ListenSpecial: 'special',
  ListenMessageQueue: 'mqueue',
  ListenUSBFunction: 'usb-function',
};

const PATH_KIND_OF: Partial<Record<ListenDirective, ListenKind>> = {
  ListenFIFO: 'fifo',
  ListenSpecial: 'special',
  ListenMessageQueue: 'mqueue',
  ListenUSBFunction: 'usb-function',
};

/** netlink_family_table (src/basic/socket-util.c). */
export const NETLINK_FAMILIES: readonly string[] = [
  'route', 'firewall', 'inet-diag', 'nflog', 'xfrm', 'selinux', 'iscsi', 'audit', 'fib-lookup', 'connector',
  'netfilter', 'ip6-fw', 'dnrtmsg', 'kobject-uevent', 'generic', 'scsitransport', 'ecryptfs', 'rdma',
];

/** sizeof(struct sockaddr_un.sun_path): the path plus its NUL must fit. */
const SUN_PATH_SIZE = 108;
/** IFNAMSIZ for ALTIFNAMSIZ-style names accepted after '%' (ifname_valid_full with IFNAME_VALID_ALTERNATIVE). */
const ALTIFNAMSIZ = 128;
const IFNAMSIZ = 16;
const VMADDR_PORT_ANY = 0xffffffffn;

function isListenDirective(d: string): d is ListenDirective {
  return d in SOCKET_TYPE_OF;
}

function fail(message: string): ListenError {
  return { ok: false, message, code: 'invalid-listen-address' };
}

function socketBase(directive: ListenDirective): { socketType: ListenSocketType; acceptable: boolean } {
  const socketType = SOCKET_TYPE_OF[directive];
  return { socketType, acceptable: socketType === 'stream' || socketType === 'seqpacket' };
}

/**
 * Parses one Listen*= value. An empty value is not an address: it resets the list (see isListenReset).
 * With the unit's file name, specifiers derived from it (%n %N %p %i %j) are expanded too.
 */
export function parseListenAddress(directive: string, value: string, unitName?: string, systemdVersion?: number): ListenParse {
  const dialect = dialectFor(systemdVersion);
  if (!isListenDirective(directive)) return fail(`${directive}= is not a Listen*= setting.`);
  if (value === '') return fail(`An empty ${directive}= removes all listen addresses configured before it.`);

  const scan = scanSpecifiers(value, 'full');
  if (scan.unknown.length > 0) {
    const letters = scan.unknown.map((u) => `"%${u.letter}"`).join(', ');
    return { ok: false, code: 'unknown-specifier', message: `Unknown specifier ${letters} in ${directive}=${value}; write "%%" for a literal percent sign.` };
  }
  if (scan.minimumBytes > PRINTF_LIMITS.path) return fail(`${directive}= value is longer than ${PRINTF_LIMITS.path} bytes.`);
  let text = scan.literal;
  if (scan.known.length > 0) {
    const r = unitName === undefined ? undefined : resolveSpecifiers(value, 'full', (l) => unitNameSpecifierValue(l, unitName));
    if (!r?.complete) return guessUnresolved(directive, value);
    text = r.text;
  }

  const pathKind = PATH_KIND_OF[directive];
  if (pathKind) return parsePathPort(directive, pathKind, text, dialect);
  if (directive === 'ListenNetlink') return parseNetlink(text);
  return parseSocketAddress(directive, text, dialect);
}

/** True for the value that clears every Listen*= line before it. */
export function isListenReset(value: string): boolean {
  return value === '';
}

/** Best guess of what a value with specifiers will become; e.g. "%t/foo.sock" is an AF_UNIX path. */
function guessUnresolved(directive: ListenDirective, value: string): ListenOk {
  const base = socketBase(directive);
  const pathKind = PATH_KIND_OF[directive];
  if (pathKind) return { ok: true, kind: pathKind, ...base, path: value, fileSystemNode: pathKind === 'fifo', unresolved: true };
  if (directive === 'ListenNetlink') return { ok: true, kind: 'netlink', ...base, fileSystemNode: false, unresolved: true };
  // Specifiers that expand to absolute paths (runtime dir, state dir, home, …).
  const startsLikePath = value.startsWith('/') || /^%[tSCLETVhDdyYf]/.test(value);
  if (startsLikePath) return { ok: true, kind: 'unix-path', ...base, path: value, fileSystemNode: true, unresolved: true };
  if (value.startsWith('@')) return { ok: true, kind: 'unix-abstract', ...base, path: value, fileSystemNode: false, unresolved: true };
  if (value.startsWith('vsock')) return { ok: true, kind: 'vsock', ...base, fileSystemNode: false, unresolved: true };
  return { ok: true, kind: value.startsWith('[') ? 'inet6' : 'inet', ...base, fileSystemNode: false, unresolved: true };
}

/** ListenFIFO=, ListenSpecial=, ListenMessageQueue=, ListenUSBFunction= (load-fragment.c). */
function parsePathPort(directive: ListenDirective, kind: ListenKind, text: string, dialect: Dialect): ListenParse {
  // ListenSpecial= may name /proc/kmsg or a /dev node; the others may not live in API file systems.
  const check = checkPath(text, {
    absolute: true,
    nonApiVfs: kind !== 'special' && dialect.listenPathsRefuseApiVfs,
    dropLeadingDotDot: dialect.simplifyDropsLeadingDotDot,
  });
  if (!check.ok) return fail(`${directive}= path ${check.reason}: ${text}`);
  const base = socketBase(directive);
  let path = check.simplified;
  let legacyPathFrom: string | undefined;
  if (kind === 'fifo') {
    const rewritten = rewriteVarRun(path);
    if (rewritten !== path) {
      legacyPathFrom = path;
      path = rewritten;
    }
  }
  const result: ListenOk = { ok: true, kind, ...base, path, fileSystemNode: kind === 'fifo' };
  if (legacyPathFrom !== undefined) result.legacyPathFrom = legacyPathFrom;
  return result;
}

/** patch_var_run(): "/var/run/x" → "/run/x" (path_startswith tolerates redundant slashes). */
export function rewriteVarRun(path: string): string {
  const rest = pathStartsWith(path, '/var/run/');
  return rest === null ? path : '/run/' + rest;
}

/** socket_address_parse_netlink(): "FAMILY [GROUP]". */
function parseNetlink(text: string): ListenParse {
  const r = extractFirstWord(text, 0, ' \t\n\r', {});
  if (r.kind === 'error') return fail(`Invalid escaping in netlink address "${text}".`);
  if (r.kind === 'none') return fail('Missing netlink family.');
  const family = new TextDecoder().decode(new Uint8Array(r.word.bytes));
  if (!NETLINK_FAMILIES.includes(family)) {
    const n = safeAtou(family);
    if (!n.ok || n.value > 0x7fffffffn) {
      return fail(`Unknown netlink family "${family}"; expected a number or one of: ${NETLINK_FAMILIES.join(', ')}.`);
    }
  }
  const rest = r.word.next === null ? '' : text.slice(r.word.next);
  let group: number | undefined;
  if (rest !== '') {
    const g = safeAtou(rest);
    if (!g.ok) return fail(`Invalid netlink multicast group "${rest}"; expected one unsigned 32-bit number.`);
    group = Number(g.value);
  }
  const result: ListenOk = { ok: true, kind: 'netlink', socketType: 'raw', netlinkFamily: family, acceptable: false, fileSystemNode: false };
  if (group !== undefined) result.netlinkGroup = group;
  return result;
}

/** ListenStream=, ListenDatagram=, ListenSequentialPacket=. */
function parseSocketAddress(directive: ListenDirective, raw: string, dialect: Dialect): ListenParse {
  let text = raw;
  let legacyPathFrom: string | undefined;
  if (text.startsWith('/')) {
    const rewritten = rewriteVarRun(text);
    if (rewritten !== text) {
      legacyPathFrom = text;
      text = rewritten;
    }
  }
  const parsed = parseAddressFamilies(text, dialect);
  if (!parsed.ok) return parsed;
  if (directive === 'ListenSequentialPacket' && parsed.kind !== 'unix-path' && parsed.kind !== 'unix-abstract') {
    return fail(`Address family not supported: ListenSequentialPacket= only works with AF_UNIX sockets (a "/path" or "@name"), not ${raw}.`);
  }
  const result: ListenOk = { ...parsed, ...socketBase(directive) };
  if (legacyPathFrom !== undefined) result.legacyPathFrom = legacyPathFrom;
  return result;
}

type AddressResult = ListenOk | ListenError;

/** socket_address_parse(): AF_UNIX, then AF_VSOCK, then a bare port, then IP[:port]. */
function parseAddressFamilies(text: string, dialect: Dialect): AddressResult {
  if (text.startsWith('/') || text.startsWith('@')) return parseUnix(text);
  const vsock = parseVsock(text, dialect);
  if (vsock) return vsock;
  const port = parsePortNumber(text);
  if (port.kind === 'range') return fail(`Port ${text} is out of range; ports are 1..65535.`);
  if (port.kind === 'zero') return fail('Port 0 is not allowed; ports are 1..65535.');
  if (port.kind === 'ok') {
    // Bound as [::]:port; with the kernel default bindv6only=0 that also serves IPv4.
    return { ok: true, kind: 'inet6', socketType: 'stream', host: '::', port: port.port, acceptable: true, fileSystemNode: false };
  }
  return parseIpAddress(text);
}

/** sockaddr_un_set_path(): at least 2 bytes; path + NUL must fit in 108 bytes. */
function parseUnix(text: string): AddressResult {
  const bytes = utf8ByteLength(text);
  if (bytes < 2) return fail(`"${text}" is too short for an AF_UNIX socket address.`);
  if (bytes + 1 > SUN_PATH_SIZE) {
    return fail(`AF_UNIX socket address "${text}" is ${bytes} bytes long; at most ${SUN_PATH_SIZE - 1} bytes fit.`);
  }
  const abstract = text.startsWith('@');
  return {
    ok: true,
    kind: abstract ? 'unix-abstract' : 'unix-path',
    socketType: 'stream',
    path: text,
    acceptable: true,
    fileSystemNode: !abstract,
  };
}

const VSOCK_PREFIXES = ['vsock:', 'vsock-dgram:', 'vsock-seqpacket:', 'vsock-stream:'];

/**
 * socket_address_parse_vsock(): "vsock[-TYPE]:CID:PORT"; returns null when the prefix is absent.
 * (systemd 252 knows only the "vsock:" prefix.)
 */
function parseVsock(text: string, dialect: Dialect): AddressResult | null {
  const prefixes = dialect.vsockTypedPrefixes ? VSOCK_PREFIXES : VSOCK_PREFIXES.slice(0, 1);
  const prefix = prefixes.find((p) => text.startsWith(p));
  if (!prefix) return null;
  const rest = text.slice(prefix.length);
  const colon = rest.indexOf(':');
  if (colon < 0) return fail(`AF_VSOCK address "${text}" needs the form ${prefix}CID:PORT.`);
  const portText = rest.slice(colon + 1);
  const port = safeAtou(portText);
  if (!port.ok || (dialect.vsockRefusesPortAny && port.value === VMADDR_PORT_ANY)) return fail(`Invalid AF_VSOCK port "${portText}" in ${text}.`);
  const cid = rest.slice(0, colon);
  const names = dialect.vsockCidNames ? ['hypervisor', 'local', 'host'] : [];
  if (cid !== '' && !names.includes(cid) && !safeAtou(cid).ok) {
    const expected = names.length ? 'a number, "hypervisor", "local", "host" or nothing' : 'a number or nothing';
    return fail(`Invalid AF_VSOCK CID "${cid}" in ${text}; expected ${expected}.`);
  }
  return { ok: true, kind: 'vsock', socketType: 'stream', vsockCid: cid, port: Number(port.value), acceptable: true, fileSystemNode: false };
}

type PortParse = { kind: 'ok'; port: number } | { kind: 'range' } | { kind: 'zero' } | { kind: 'invalid' };

/** parse_ip_port(): base-0 unsigned without leading whitespace, 1..65535. */
function parsePortNumber(text: string): PortParse {
  const r = safeAtouMax(text, 65535n, { refuseLeadingWhitespace: true });
  if (!r.ok) return r.error === 'ERANGE' ? { kind: 'range' } : { kind: 'invalid' };
  return r.value === 0n ? { kind: 'zero' } : { kind: 'ok', port: Number(r.value) };
}

/**
 * ifname_valid_full() (src/basic/socket-util.c). Defaults match the "%IFNAME" suffix of listen
 * addresses (IFNAME_VALID_ALTERNATIVE | IFNAME_VALID_NUMERIC); BindToDevice= uses plain ifname_valid(),
 * i.e. { alternative: false, numeric: false }: at most 15 bytes and no interface index.
 */
export function interfaceNameIsValid(name: string, opts: { alternative?: boolean; numeric?: boolean } = {}): boolean {
  const alternative = opts.alternative ?? true;
  const numeric = opts.numeric ?? true;
  if (name === '') return false;
  if (isInterfaceIndex(name)) return numeric;
  if (utf8ByteLength(name) >= (alternative ? ALTIFNAMSIZ : IFNAMSIZ)) return false;
  if (name === '.' || name === '..' || name === 'all' || name === 'default') return false;
  let allDigits = true;
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 127 || c <= 32 || ch === ':' || ch === '/' || ch === '%') return false;
    allDigits = allDigits && ch >= '0' && ch <= '9';
  }
  // All digits but not a valid index (0, or too large): refused to avoid confusion with indexes.
  return !allDigits;
}

/** parse_ifindex(): safe_atoi() > 0. */
function isInterfaceIndex(s: string): boolean {
  const r = safeAtoi(s);
  return r.ok && r.value > 0n;
}

/** in_addr_port_ifindex_name_from_string_auto() with server names refused, then "port 0, no go". */
function parseIpAddress(text: string): AddressResult {
  if (text.includes('#')) return fail(`"#" is not allowed in ${text}; expected PORT, IPv4:PORT or [IPv6]:PORT.`);
  let s = text;
  let scopeInterface: string | undefined;
  const pct = s.indexOf('%');
  if (pct >= 0) {
    const ifname = s.slice(pct + 1);
    if (!interfaceNameIsValid(ifname)) return fail(`Invalid network interface name "${ifname}" in ${text}.`);
    scopeInterface = ifname;
    s = s.slice(0, pct);
  }
  const withScope = <T extends ListenOk>(r: T): T => (scopeInterface === undefined ? r : { ...r, scopeInterface });
  const colon = s.lastIndexOf(':');
  if (colon < 0) {
    if (parseIPv4(s)) return fail(`${text} has no port; write ${s}:PORT.`);
    return fail(`Cannot parse "${text}" as a listen address; expected PORT, IPv4:PORT, [IPv6]:PORT, a /path, @name or vsock:CID:PORT.`);
  }
  if (s.startsWith('[')) {
    if (s[colon - 1] !== ']') return fail(`Cannot parse "${text}"; an IPv6 address needs the form [ADDRESS]:PORT.`);
    const port = parsePortNumber(s.slice(colon + 1));
    if (port.kind !== 'ok') return fail(`Invalid port "${s.slice(colon + 1)}" in ${text}; ports are 1..65535.`);
    const host = s.slice(1, colon - 1);
    if (!parseIPv6(host)) return fail(`"${host}" is not a valid IPv6 address (in ${text}).`);
    return withScope({ ok: true, kind: 'inet6', socketType: 'stream', host, port: port.port, acceptable: true, fileSystemNode: false });
  }
  if (parseIPv6(s)) return fail(`${text} has no port; IPv6 addresses are written [${s}]:PORT.`);
  const host = s.slice(0, colon);
  if (!parseIPv4(host)) return fail(`"${host}" is not a valid IPv4 address (in ${text}); IPv6 addresses need brackets: [ADDRESS]:PORT.`);
  const port = parsePortNumber(s.slice(colon + 1));
  if (port.kind !== 'ok') return fail(`Invalid port "${s.slice(colon + 1)}" in ${text}; ports are 1..65535.`);
  return withScope({ ok: true, kind: 'inet', socketType: 'stream', host, port: port.port, acceptable: true, fileSystemNode: false });
}

export type FdNameCheck = { ok: true } | { ok: false; message: string };

/** fdname_is_valid() (src/basic/fd-util.c): printable ASCII except ':', at most 255 characters; "" is fine. */
export function validateFdName(value: string): FdNameCheck {
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c >= 0x7f) return { ok: false, message: `File descriptor names may only contain printable ASCII characters; "${value}" does not.` };
    if (ch === ':') return { ok: false, message: `File descriptor names must not contain ":" (it separates names in $LISTEN_FDNAMES): "${value}".` };
  }
  if (value.length > 255) return { ok: false, message: `File descriptor name is ${value.length} characters long; at most 255 are allowed.` };
  return { ok: true };
}
