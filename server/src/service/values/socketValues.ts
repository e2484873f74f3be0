/**
 * Validators for the [Socket] parsers of src/core/load-fragment.c.
 */
import { legacyPathAdvice } from './pathValues';
import type { ValueProblem, Validator } from './types';
import { safeAtoi, safeAtou } from './cnum';
import { parseBoolean, validateCatalogEnum } from './basic';
import { interfaceNameIsValid, parseListenAddress, validateFdName } from './listen';
import { expand, rejected } from './problems';
import { dialectOf, type VersionedContext } from './dialect';
import { describeInvalidUnitName, unitNameForm } from './unitName';

const none: ValueProblem[] = [];

/** config_parse_socket_listen: every Listen*= directive (the directive name picks the socket type). */
export const validateListen: Validator = (value, ctx) => {
  if (value === '') return none; // resets all ports
  const name = ctx.directive.name;
  // Specifier problems first, with exact offsets; parseListenAddress() cannot give offsets.
  const expanded = expand(value, 'full', 'path', ctx);
  if (expanded.kind === 'failed') return expanded.problems;
  const r = parseListenAddress(name, value, ctx.unitName, (ctx as VersionedContext).systemdVersion);
  if (!r.ok) {
    const reason = r.message.replace(/\.$/, '');
    const message = reason.includes(`${name}=`) ? reason : `Invalid ${name}=${value}: ${reason}`;
    return [{ code: 'invalid-listen-address', message: `${message}; systemd ignores this line.` }];
  }
  if (r.legacyPathFrom !== undefined) {
    return [legacyPathAdvice(name, r.legacyPathFrom, r.path ?? '', ctx)];
  }
  return none;
};

/** config_parse_socket_bind (BindIPv6Only=): default/both/ipv6-only, or a boolean (true = ipv6-only). */
export const validateSocketBind: Validator = (value, ctx) => {
  if (ctx.directive.enumMatch) return validateCatalogEnum(value, ctx);
  if (['default', 'both', 'ipv6-only'].includes(value) || parseBoolean(value) !== undefined) return none;
  return [rejected(`Invalid ${ctx.directive.name}=${value}: expected default, both, ipv6-only or a boolean`)];
};

const SOCKET_PROTOCOLS: Record<string, number> = { udplite: 136, sctp: 132, mptcp: 262 };

/**
 * parse_socket_protocol(): parse_ip_protocol() (names case-insensitive, or a number), then only UDPLite,
 * SCTP and MPTCP are allowed — the plain TCP/UDP choice comes from the Listen*= directive.
 */
export const validateSocketProtocol: Validator = (value, ctx) => {
  const allowed = Object.entries(SOCKET_PROTOCOLS).filter(([name]) => name !== 'mptcp' || dialectOf(ctx).socketProtocolMptcp);
  const lower = value.toLowerCase();
  if (allowed.some(([name]) => name === lower)) return none;
  const n = safeAtoi(value);
  if (n.ok && allowed.some(([, number]) => BigInt(number) === n.value)) return none;
  const why = lower === 'tcp' || lower === 'udp' || value === '6' || value === '17'
    ? ` (${value} is implied by the Listen*= directive; SocketProtocol= only selects udplite, sctp or mptcp)`
    : `: expected ${allowed.map(([name]) => name).join(', ')}`;
  return [rejected(`Invalid ${ctx.directive.name}=${value}${why}`)];
};

/** socket_timestamping_from_string_harder(): off/us/ns, usec/µs/μs/nsec aliases, or a boolean (yes = ns). */
export const validateTimestamping: Validator = (value, ctx) => {
  if (['off', 'us', 'ns', 'nsec', 'usec', '\u00b5s', '\u03bcs'].includes(value) || parseBoolean(value) !== undefined) return none;
  return [rejected(`Invalid ${ctx.directive.name}=${value}: expected off, us, ns (or usec, nsec), or a boolean: yes (= ns) or no (= off)`)];
};

/** ip_tos table with numeric fallback up to 0xff; empty resets. */
export const validateIpTos: Validator = (value, ctx) => {
  if (value === '' || ['low-delay', 'throughput', 'reliability', 'low-cost'].includes(value)) return none;
  const n = safeAtou(value);
  if (n.ok && n.value <= 0xffn) return none;
  return [rejected(`Invalid ${ctx.directive.name}=${value}: expected low-delay, throughput, reliability, low-cost or a number 0..255`)];
};

/** config_parse_fdname: expanded with unit_fd_printf(), then fdname_is_valid(). */
export const validateFdNameValue: Validator = (value, ctx) => {
  if (value === '') return none;
  const expanded = expand(value, 'full', 'fd', ctx);
  if (expanded.kind === 'failed') return expanded.problems;
  if (expanded.kind === 'unresolved') return none;
  const r = validateFdName(expanded.text);
  return r.ok ? none : [rejected(`Invalid ${ctx.directive.name}=${value}: ${r.message.replace(/\.$/, '')}`)];
};

/**
 * config_parse_socket_service (Service=): unit_name_printf(), must end in ".service", and must be a name
 * manager_load_unit() accepts: a plain or instance name — a template has no instance to run.
 * An empty value fails too (it does not end in ".service").
 */
export const validateSocketService: Validator = (value, ctx) => {
  const name = ctx.directive.name;
  const expanded = expand(value, 'name', 'name', ctx);
  if (expanded.kind === 'failed') return expanded.problems;
  if (expanded.kind === 'unresolved') return none;
  const unit = expanded.text;
  if (!unit.endsWith('.service')) return [rejected(`${name}=${value} must name a .service unit`)];
  const form = unitNameForm(unit);
  if (form === 'template') return [rejected(`${name}=${value} is a template; name an instance such as ${unit.replace('@.', '@foo.')}`)];
  if (form === undefined) return [rejected(`${name}=${value} is not a valid unit name: ${describeInvalidUnitName(unit)}`)];
  return none;
};

/**
 * config_parse_socket_bindtodevice: empty or "*" resets; otherwise ifname_valid() — at most 15 bytes,
 * printable ASCII without ':', '/', '%', not an interface index. No specifier expansion here.
 */
export const validateBindToDevice: Validator = (value, ctx) => {
  if (value === '' || value === '*') return none;
  if (interfaceNameIsValid(value, { alternative: false, numeric: false })) return none;
  return [rejected(`Invalid interface name ${ctx.directive.name}=${value} (at most 15 characters, no ":", "/", "%" or whitespace, not a number)`)];
};

/**
 * config_parse_xattr (XAttrEntryPoint=/XAttrListen=/XAttrAccept=, 262): NAME=VALUE split at the first
 * "=", each side expanded, the expanded name in the user. namespace; empty resets the list.
 */
export const validateXattr: Validator = (value, ctx) => {
  if (value === '') return [];
  const eq = value.indexOf('=');
  if (eq < 0) return [rejected(`${ctx.directive.name}=${value} is not NAME=VALUE`)];
  const name = expand(value.slice(0, eq), 'full', 'full', ctx);
  if (name.kind === 'failed') return name.problems;
  const valueSide = expand(value.slice(eq + 1), 'full', 'full', ctx, 'ignore', eq + 1);
  if (valueSide.kind === 'failed') return valueSide.problems;
  if (name.kind === 'literal' && !name.text.startsWith('user.')) {
    return [rejected(`The attribute name ${name.text} is not in the user. namespace (write user.${name.text})`, 'ignore', { start: 0, end: eq })];
  }
  return [];
};
