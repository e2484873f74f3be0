/**
 * Socket-side checks that need the service too (or the unit's other instances): a template socket whose
 * instances would all bind one address, and a service that wants its one socket on stdin but is handed
 * several. The service-side halves live in pairService.ts.
 */
import type { UnitAnalysis } from '../analysis';
import { socketSide, socketsOfService, passedFdCount } from '../pairs';
import { partnerView, viewBool, viewLast, viewValue, type UnitView, type ViewEntry, type ViewEnv } from '../unitView';
import { parseListenAddress, scanSpecifiers } from '../values';
import { unitNameForm } from '../values/unitName';
import { inCurrent, selfView, unreadable, viewEnvOf } from './pairContext';
import type { Check, Finding } from './types';

/** Specifiers whose expansion differs between instances (%i, %I, and the full unit name %n, %N). */
const INSTANCE_SPECIFIERS = new Set(['i', 'I', 'n', 'N']);

function hasInstanceSpecifier(value: string): boolean {
  return scanSpecifiers(value, 'full').known.some((s) => INSTANCE_SPECIFIERS.has(s.letter));
}

/** Listen kinds that bind an address another socket cannot bind again. */
const BOUND_KEYS = new Set(['ListenStream', 'ListenDatagram', 'ListenSequentialPacket']);

/** The stdio settings of a service set to "socket", last assignment of each (in any file of the unit). */
export function stdioSocketEntries(service: UnitView): ViewEntry[] {
  const found: ViewEntry[] = [];
  for (const key of ['StandardInput', 'StandardOutput', 'StandardError']) {
    const last = viewLast(service, 'Service', key);
    if (last?.e.entry.value === 'socket') found.push(last);
  }
  return found;
}

function sharedAddressFindings(view: UnitView, ports: ViewEntry[], env: ViewEnv): Finding[] {
  if (unitNameForm(view.name) !== 'template') return [];
  const reusePort = viewBool(view, 'Socket', 'ReusePort', false);
  // Each instance in a network namespace of its own may bind the same IP address.
  const ownNetwork =
    viewBool(view, 'Socket', 'PrivateNetwork', false) ||
    hasInstanceSpecifier(viewValue(view, 'Socket', 'NetworkNamespacePath') ?? '');
  const findings: Finding[] = [];
  for (const port of ports.filter(inCurrent)) {
    const { key, value } = port.e.entry;
    if (!BOUND_KEYS.has(key)) continue;
    if (hasInstanceSpecifier(value)) continue;
    const address = parseListenAddress(key, value, view.name, env.systemdVersion);
    if (!address.ok) continue;
    const ip = address.kind === 'inet' || address.kind === 'inet6';
    // With ReusePort= the kernel lets every instance bind the port (and spreads connections between them).
    if (ip && (reusePort || ownNetwork)) continue;
    const what =
      address.kind === 'unix-path'
        ? 'each new instance unlinks the socket file of the one before and binds the path itself, so the earlier instances stop getting connections'
        : 'all instances but the first fail with "Address already in use"';
    const example = address.kind === 'unix-path' ? ' (e.g. /run/foo/%i.sock)' : ip ? ' (e.g. a port per instance: ListenStream=%i, started as foo@8080.socket)' : '';
    findings.push({
      code: 'template-shared-address',
      span: port.e.entry.span,
      message: `${view.name} is a template, but ${key}=${value} is the same for every instance: ${what}. Make the address depend on the instance with %i${example}.`,
    });
  }
  return findings;
}

function stdioFindings(self: UnitView, env: ViewEnv): Finding[] {
  const side = socketSide(self);
  if (side.accept || !side.service || !env.index) return [];
  const service = partnerView(side.service, self.dir, env);
  if (!service) return [];
  const stdio = stdioSocketEntries(service);
  if (!stdio.length) return [];
  const sockets = socketsOfService(service, env, self);
  const total = passedFdCount(sockets);
  if (total <= 1) return [];
  const mine = side.ports;
  // The lines that make it "more than one": this unit's extra ports, or its only port when others add theirs.
  const blamed = mine.length > 1 ? mine.slice(1) : mine;
  const others = sockets.passing.filter((s) => s.view.name !== self.name).map((s) => s.view.name);
  const from = others.length ? ` (with ${others.join(', ')})` : '';
  const settings = stdio.map((v) => `${v.e.entry.key}=socket`).join(', ');
  return blamed.filter(inCurrent).map((port) => ({
    code: 'stdio-socket-many' as const,
    span: port.e.entry.span,
    message: `${service.name} has ${settings}, which takes exactly one socket, but it is handed ${total}${from}: systemd refuses to start it ("Got more than one socket."). Use one Listen*= line, or read the sockets from fd 3 on ($LISTEN_FDS) without ${settings}.`,
    data: { service: service.name, fds: total },
  }));
}

export const checkPairSocket: Check = (analysis: UnitAnalysis, input) => {
  const { context } = analysis;
  if (context.unitType !== 'socket' || unreadable(analysis)) return [];
  const view = selfView(analysis, input);
  if (!view) return [];
  const env = viewEnvOf(analysis, input);
  const ports = socketSide(view).ports;
  return [...sharedAddressFindings(view, ports, env), ...stdioFindings(view, env)];
};
