/**
 * The reasons systemd refuses a socket unit (src/core/socket.c socket_verify(), and the triggered-service
 * look-up done by systemd-analyze verify). Each check looks at what systemd actually applies: invalid
 * Listen lines are already dropped, empty assignments already reset the list.
 */
import { afterResets, appliedIn, lastApplied, type AnalyzedEntry, type UnitAnalysis } from '../analysis';
import { firstLineSpan, stopsReading, type Span } from '../parser';
import { unitPrefix, withSuffix } from '../unitContext';
import { parseListenAddress, type ListenParse } from '../values/listen';
import { parseBoolean } from '../values';
import { unitFound } from '../unitNames';
import type { Check, CheckInput, Finding } from './types';

/** A Listen*= line systemd applied; its address is parsed only by the checks that need its kind. */
interface Port {
  entry: AnalyzedEntry;
  address(): Extract<ListenParse, { ok: true }> | undefined;
}

/** The ports systemd ends up with, in order: applied Listen*= lines, an empty one clearing the list. */
function effectivePorts(analysis: UnitAnalysis, systemdVersion: number): Port[] {
  const listens = appliedIn(analysis, 'Socket').filter((e) => e.def?.parser === 'config_parse_socket_listen');
  // Applied means the value parsed; only the kind is still to be learnt.
  return afterResets(listens).map((e) => ({
    entry: e,
    address() {
      const parsed = parseListenAddress(e.entry.key, e.entry.value, analysis.context.unitName, systemdVersion);
      return parsed.ok ? parsed : undefined;
    },
  }));
}

function boolSetting(analysis: UnitAnalysis, key: string, fallback: boolean): { value: boolean; entry?: AnalyzedEntry } {
  const e = lastApplied(analysis, 'Socket', key);
  if (!e || e.entry.value === '') return { value: fallback };
  return { value: parseBoolean(e.entry.value) ?? fallback, entry: e };
}

function headerSpanOf(analysis: UnitAnalysis): Span {
  const socket = analysis.unit.sections.find((s) => s.name === 'Socket');
  if (socket) return socket.headerSpan;
  return firstLineSpan(analysis.unit);
}

function noListen(analysis: UnitAnalysis, ports: Port[]): Finding[] {
  if (ports.length) return [];
  const written = analysis.entries.some((e) => e.section.name === 'Socket' && e.def?.parser === 'config_parse_socket_listen');
  const why = written ? 'every Listen*= line is invalid, ignored or reset' : 'it has no ListenStream=, ListenDatagram=, ListenFIFO= … line';
  return [{ code: 'no-listen', span: headerSpanOf(analysis), message: `systemd refuses this socket unit: ${why}.` }];
}

function acceptChecks(analysis: UnitAnalysis, ports: Port[], accept: { value: boolean; entry?: AnalyzedEntry }): Finding[] {
  if (!accept.value || !accept.entry) return [];
  const findings: Finding[] = [];
  for (const port of ports.filter((p) => p.address()?.acceptable === false)) {
    findings.push({
      code: 'accept-non-accepting',
      span: port.entry.entry.span,
      message: `Accept=yes needs connection-oriented sockets, but ${port.entry.entry.key}=${port.entry.entry.value} cannot accept connections: systemd refuses the unit. Use Accept=no.`,
      data: { acceptSpan: accept.entry.entry.span },
    });
  }
  const service = lastApplied(analysis, 'Socket', 'Service');
  if (service && service.entry.value !== '') {
    findings.push({
      code: 'accept-with-service',
      span: service.entry.span,
      message: 'Service= cannot be combined with Accept=yes (each connection gets its own instance of the matching template service): systemd refuses the unit.',
    });
  }
  return findings;
}

function maxConnections(analysis: UnitAnalysis, accept: boolean, version: number): Finding[] {
  const e = lastApplied(analysis, 'Socket', 'MaxConnections');
  if (!e || e.entry.value.trim() !== '0') return [];
  // Before v257 socket_verify() only checked this with Accept=yes.
  if (version < 257 && !accept) return [];
  return [{ code: 'max-connections-zero', span: e.entry.span, message: 'MaxConnections=0 allows no connection at all: systemd refuses the unit.' }];
}

function symlinks(analysis: UnitAnalysis, ports: Port[]): Finding[] {
  const links = afterResets(appliedIn(analysis, 'Socket', 'Symlinks'));
  if (!links.length) return [];
  const nodes = ports.filter((p) => p.address()?.fileSystemNode).length;
  if (nodes === 1) return [];
  return [{
    code: 'symlinks-without-single-node',
    span: links[links.length - 1].entry.span,
    message: `Symlinks= needs exactly one file-system socket or FIFO to point at, this unit has ${nodes}: systemd refuses the unit.`,
  }];
}

/** Name of the service systemd would start for this socket, and where to report it missing. */
function triggeredService(analysis: UnitAnalysis, accept: boolean): { name: string; span?: Span } | undefined {
  const unitName = analysis.context.unitName;
  if (!unitName) return undefined;
  if (accept) return { name: `${unitPrefix(unitName)}@.service` };
  const service = lastApplied(analysis, 'Socket', 'Service');
  if (service && service.entry.value !== '') {
    // A specifier makes the name depend on the instance; don't guess.
    if (service.entry.value.includes('%')) return undefined;
    return { name: service.entry.value, span: service.entry.valueSpan };
  }
  return { name: withSuffix(unitName, '.service') };
}

function missingService(analysis: UnitAnalysis, input: CheckInput, accept: { value: boolean; entry?: AnalyzedEntry }): Finding[] {
  const { context } = analysis;
  if (!input.resolver || !context.unitDir) return [];
  const service = triggeredService(analysis, accept.value);
  if (!service) return [];
  const dir = context.unitDir;
  const exists = unitFound((n) => input.resolver!.unitExists(n, dir), service.name);
  if (exists === true) return pairedServiceRefused(analysis, input, service);
  if (exists === undefined) return [];
  const plain = `${unitPrefix(context.unitName!)}.service`;
  if (accept.value && accept.entry && input.resolver.unitExists(plain, dir) === true) {
    return [{
      code: 'accept-needs-template',
      span: accept.entry.entry.span,
      message: `Accept=yes starts an instance of the template ${service.name} for every connection, but only ${plain} is next to this unit: systemd cannot start the socket. Switch to Accept=no (${plain} then gets the listening socket), or write ${service.name}.`,
      data: { service: service.name, plain },
    }];
  }
  const why = accept.value ? 'Accept=yes starts one instance of this template per connection' : 'it is the service this socket triggers';
  const elsewhere = input.index?.named(service.name).find((u) => u.dir !== context.unitDir);
  const note = elsewhere ? ` The workspace has one in ${elsewhere.dir}, but systemd only looks beside the unit and in its unit search path.` : '';
  return [{
    code: 'missing-service',
    span: service.span ?? headerSpanOf(analysis),
    message: `${service.name} is neither next to this unit nor installed (${why}): systemd cannot start the socket.${note}`,
    data: { service: service.name, accept: accept.value },
  }];
}

/** systemd-analyze verify also refuses a socket whose service exists but is refused itself. */
function pairedServiceRefused(analysis: UnitAnalysis, input: CheckInput, service: { name: string; span?: Span }): Finding[] {
  // A template service is loaded as an instance; its own refusals still apply.
  const refusal = input.siblingRefusal?.(service.name);
  if (!refusal) return [];
  return [{
    code: 'paired-service-refused',
    span: service.span ?? headerSpanOf(analysis),
    message: `${service.name}, which this socket starts, is refused by systemd (${refusal.replace(/\.$/, '')}), so the socket cannot be started either.`,
    data: { service: service.name },
  }];
}

export const checkSocket: Check = (analysis, input) => {
  const { context } = analysis;
  // A drop-in only adds to a unit: the whole-unit rules apply to the unit, not to the fragment.
  if (context.unitType !== 'socket' || context.isDropIn) return [];
  if (stopsReading(analysis.unit)) return [];
  const ports = effectivePorts(analysis, input.settings.systemdVersion);
  const accept = boolSetting(analysis, 'Accept', false);
  const refusals = [
    ...noListen(analysis, ports),
    ...maxConnections(analysis, accept.value, input.settings.systemdVersion),
    ...acceptChecks(analysis, ports, accept),
    ...symlinks(analysis, ports),
  ];
  // systemd only goes looking for the service of a unit that loaded.
  return refusals.length ? refusals : missingService(analysis, input, accept);
};
