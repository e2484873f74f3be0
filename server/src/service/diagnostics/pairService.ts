/**
 * Service-side checks against the socket units that start it (pairs.ts says which): stdin on a socket
 * when several are passed, a per-connection template that may not read its connection, a program that
 * may bind the socket's port itself, Sockets= naming nothing, and a service an Accept=yes socket never
 * starts.
 */
import type { UnitAnalysis } from '../analysis';
import { valueRangeToSpan } from '../parser';
import { passedFdCount, socketsOfService, type ServiceSockets, type SocketSide } from '../pairs';
import { unitPrefix } from '../unitContext';
import { partnerView, viewApplied, viewBool, viewList, viewValue, viewWords, type UnitView, type ViewEntry, type ViewEnv } from '../unitView';
import { parseListenAddress } from '../values';
import { unitNameForm } from '../values/unitName';
import { inCurrent, selfView, unreadable, viewEnvOf } from './pairContext';
import { stdioSocketEntries } from './pairSocket';
import type { Check, Finding } from './types';

function stdioFindings(view: UnitView, sockets: ServiceSockets): Finding[] {
  const total = passedFdCount(sockets);
  if (total <= 1) return [];
  const names = sockets.passing.map((s) => `${s.view.name} (${s.ports.length})`).join(', ');
  return stdioSocketEntries(view)
    .filter(inCurrent)
    .map((v) => ({
      code: 'stdio-socket-many' as const,
      span: v.e.entry.span,
      message: `${v.e.entry.key}=socket needs exactly one socket, but this service is handed ${total}: ${names}. systemd refuses to start it ("Got more than one socket."). Keep one Listen*= line, or drop ${v.e.entry.key}=socket and take the sockets from fd 3 on ($LISTEN_FDS).`,
      data: { fds: total },
    }));
}

/**
 * StandardInput=socket with one Accept=no socket: systemd hands the program the listening socket itself
 * on stdin (inetd's "wait" mode), not a connection. A program that reads stdin as a byte stream gets
 * errors; it has to accept() on fd 0. Often meant: Accept=yes with a template, one instance per connection.
 */
function stdinListeningFindings(view: UnitView, sockets: ServiceSockets): Finding[] {
  if (passedFdCount(sockets) !== 1 || sockets.passing.length !== 1) return [];
  const socket = sockets.passing[0].view.name;
  return stdioSocketEntries(view)
    .filter((v) => inCurrent(v) && v.e.entry.key === 'StandardInput')
    .map((v) => ({
      code: 'stdin-listening-socket' as const,
      span: v.e.entry.span,
      message: `${socket} has Accept=no, so stdin (and stdout, with StandardOutput=socket) is the listening socket, not a connection: the program must accept() connections on fd 0. For one program per connection talking over stdin/stdout, set Accept=yes in ${socket} and rename this unit to a template (${unitPrefix(view.name)}@.service).`,
      data: { socket },
    }));
}

/** ExecStart= lines systemd keeps (an empty one clears those before it). */
function execStarts(view: UnitView): ViewEntry[] {
  return viewList(view, 'Service', (v) => v.e.entry.key === 'ExecStart');
}

/** Signs that the program knows about socket activation: it mentions $LISTEN_FDS or sd_listen_fds. */
const READS_LISTEN_FDS = /LISTEN_FDS|LISTEN_FDNAMES|sd_listen_fds/;

function connectionFindings(view: UnitView, sockets: ServiceSockets): Finding[] {
  if (!sockets.perConnection.length || stdioSocketEntries(view).length) return [];
  const starts = execStarts(view);
  const first = starts[0];
  if (!inCurrent(first) || first.e.entry.value === '') return [];
  const visible = [...starts, ...viewApplied(view, 'Service', 'Environment')].some((v) => READS_LISTEN_FDS.test(v.e.entry.value));
  if (visible) return [];
  const socket = sockets.perConnection[0].view.name;
  return [{
    code: 'connection-ignores-socket',
    span: first.e.entry.span,
    message: `${socket} (Accept=yes) starts this template once per connection and hands it the connection as fd 3 ($LISTEN_FDS=1); stdin stays /dev/null. Does the program read fd 3? If it talks over stdin/stdout (inetd style), add StandardInput=socket.`,
    data: { socket },
  }];
}

interface PortToken {
  port: number;
  start: number;
  end: number;
  text: string;
}

/** Port numbers a command line names as something to listen on: --port 8080, --port=8080, -p 8080, :8080. */
export function portTokens(value: string): PortToken[] {
  const found: PortToken[] = [];
  const patterns = [
    /(?:^|\s)(--?[A-Za-z-]*port[= ]\s*)(\d{1,5})(?!\d)/gi,
    /(?:^|\s)(-p\s*)(\d{1,5})(?![\d.])/g,
    /(:)(\d{1,5})(?![\d.])/g,
    /(?:^|[\s"'])([A-Za-z_]*PORT=)(\d{1,5})(?!\d)/g,
  ];
  for (const re of patterns) {
    for (const m of value.matchAll(re)) {
      const end = m.index! + m[0].length;
      const start = end - m[1].length - m[2].length;
      if (found.some((f) => f.start <= start && start < f.end)) continue;
      found.push({ port: Number(m[2]), start, end, text: value.slice(start, end) });
    }
  }
  return found;
}

/** TCP/UDP ports the sockets hold: ListenStream=8080, ListenStream=127.0.0.1:8080, ListenDatagram=[::]:53. */
function heldPorts(sides: SocketSide[], env: ViewEnv): Map<number, string> {
  const held = new Map<number, string>();
  for (const side of sides) {
    for (const p of side.ports) {
      const address = parseListenAddress(p.e.entry.key, p.e.entry.value, side.view.name, env.systemdVersion);
      if (address.ok && (address.kind === 'inet' || address.kind === 'inet6') && address.port) {
        held.set(address.port, `${side.view.name} (${p.e.entry.key}=${p.e.entry.value})`);
      }
    }
  }
  return held;
}

function portFindings(view: UnitView, sockets: ServiceSockets, env: ViewEnv): Finding[] {
  const held = heldPorts([...sockets.passing, ...sockets.perConnection], env);
  if (!held.size) return [];
  const findings: Finding[] = [];
  const lines = [...execStarts(view), ...viewApplied(view, 'Service', 'Environment')].filter(inCurrent);
  for (const v of lines) {
    const isEnv = v.e.entry.key === 'Environment';
    for (const token of portTokens(v.e.entry.value)) {
      if (isEnv && !token.text.includes('=')) continue;
      const socket = held.get(token.port);
      if (!socket) continue;
      findings.push({
        code: 'service-binds-socket-port',
        span: valueRangeToSpan(v.e.entry, token.start, token.end),
        message: `Does this program bind port ${token.port} itself (${token.text.trim()})? ${socket} already holds that port, so it would fail with "address already in use". Have it take the socket systemd passes as fd 3 ($LISTEN_FDS) instead.`,
        data: { port: token.port },
      });
    }
  }
  return findings;
}

function missingSocketFindings(view: UnitView, env: ViewEnv): Finding[] {
  const index = env.index;
  if (!index || !view.dir) return [];
  const findings: Finding[] = [];
  for (const { word, at, start } of viewWords(view, 'Service', 'Sockets')) {
    if (!inCurrent(at) || word.includes('%') || !word.endsWith('.socket') || unitNameForm(word) === undefined) continue;
    const beside = index.unit(word, view.dir);
    if (beside || beside === null || index.exists(word)) continue;
    findings.push({
      code: 'missing-socket-unit',
      span: valueRangeToSpan(at.e.entry, start, start + word.length),
      message: `${word} is neither next to this unit, nor installed, nor anywhere in the workspace: systemd finds no such unit and passes no socket from it.`,
      data: { socket: word },
    });
  }
  return findings;
}

/** In foo.service: foo.socket says Accept=yes, so it starts foo@.service instances, never this unit. */
function acceptBackFindings(view: UnitView, analysis: UnitAnalysis, env: ViewEnv): Finding[] {
  if (unitNameForm(view.name) !== 'plain' || analysis.context.isDropIn || !env.index) return [];
  const socketName = `${unitPrefix(view.name)}.socket`;
  const socket = partnerView(socketName, view.dir, env);
  const template = `${unitPrefix(view.name)}@.service`;
  if (!socket || env.index.unit(template, view.dir) !== undefined) return [];
  // With Service= as well systemd refuses the socket (accept-with-service says so there).
  if (!viewBool(socket, 'Socket', 'Accept', false) || viewValue(socket, 'Socket', 'Service') !== undefined) return [];
  const header = analysis.unit.sections.find((s) => s.name === 'Service') ?? analysis.unit.sections[0];
  return [{
    code: 'accept-needs-template',
    severity: 'warning',
    span: header ? header.headerSpan : { start: 0, end: 0 },
    message: `${socketName} has Accept=yes: it starts an instance of ${template} per connection and never this unit, and ${template} does not exist. Switch the socket to Accept=no, or write ${template}.`,
    data: { socket: socketName, template },
  }];
}

export const checkPairService: Check = (analysis, input) => {
  if (analysis.context.unitType !== 'service' || unreadable(analysis)) return [];
  const view = selfView(analysis, input);
  if (!view) return [];
  const env = viewEnvOf(analysis, input);
  const sockets = socketsOfService(view, env);
  return [
    ...stdioFindings(view, sockets),
    ...stdinListeningFindings(view, sockets),
    ...connectionFindings(view, sockets),
    ...portFindings(view, sockets, env),
    ...missingSocketFindings(view, env),
    ...acceptBackFindings(view, analysis, env),
  ];
};
