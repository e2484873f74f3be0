/**
 * `sockact list-sockets`: what `systemctl list-sockets --all` shows, plus the states, from machine-readable
 * output instead of its columns: the socket names from `list-units --plain --no-legend`, then ONE
 * `systemctl show` for all of them (Listen= comes as one "ADDRESS (Type)" line per socket, e.g.
 * "Listen=127.0.0.1:8080 (Stream)", "Listen=/run/x.fifo (FIFO)", "Listen=route 0 (Netlink)" on 252) and one
 * for the services they trigger. Three calls per target whatever the number of sockets, which matters over ssh.
 */
import { lastLine, parseShow } from './deploy';
import { probeTarget } from './reach';
import { TargetError, type Target } from './target';

export interface ListenEntry {
  address: string;
  /** Stream, Datagram, SequentialPacket, FIFO, Special, MessageQueue, Netlink, USBFunction … as systemd says it. */
  type: string;
}

export interface SocketEntry {
  unit: string;
  listen: ListenEntry[];
  /** The service(s) it starts: Triggers=, or for Accept=yes without a running instance the template. */
  activates: string[];
  /** The socket's ActiveState. */
  socketState: string;
  /** ActiveState of what it activates (the most active one when several); null when it activates nothing. */
  serviceState: string | null;
}

export interface TargetSockets {
  target: string;
  ok: boolean;
  /** Why the target could not be listed, in plain words (deploy/reach.ts). */
  error: string | null;
  /** What systemctl or ssh printed, when `error` rewords it. */
  detail?: string | null;
  /** Both in one line, as stderr gets it. */
  line?: string;
  sockets: SocketEntry[];
}

/** "127.0.0.1:8080 (Stream)" → address and type; the address itself may contain spaces ("route 0"). */
export function parseListen(value: string): ListenEntry {
  const m = /^(.*) \(([A-Za-z]+)\)$/.exec(value);
  return m ? { address: m[1], type: m[2] } : { address: value, type: '' };
}

/** Rank used to summarise several service instances in one state. */
const RANK = ['active', 'reloading', 'activating', 'deactivating', 'failed', 'inactive'];

function mostActive(states: string[]): string {
  return [...states].sort((a, b) => (RANK.indexOf(a) + 1 || 99) - (RANK.indexOf(b) + 1 || 99))[0];
}

async function call(target: Target, args: string[]): Promise<string> {
  const r = await target.systemctl(args, 60_000);
  if (r.code !== 0) throw new TargetError(r.code === 255 && target.spec.kind === 'host' ? lastLine(r) : `systemctl ${args[0]}: ${lastLine(r)}`);
  return r.stdout;
}

export async function listSockets(target: Target): Promise<TargetSockets> {
  try {
    const probe = await probeTarget(target);
    if (!probe.ok) return { target: target.label, ok: false, error: probe.reason, detail: probe.known ? probe.raw : null, line: probe.line, sockets: [] };
    const listed = await call(target, ['list-units', '--type=socket', '--all', '--plain', '--no-legend', '--no-pager']);
    // The unit is the first field ("●" may precede a failed one on some versions).
    const names = [...new Set(listed.split('\n').map((l) => l.trim().split(/\s+/).find((w) => w.endsWith('.socket'))).filter((n): n is string => !!n))];
    if (!names.length) return { target: target.label, ok: true, error: null, sockets: [] };
    const recs = parseShow(await call(target, ['show', '-p', 'Id,Listen,Triggers,Accept,ActiveState,LoadState', '--', ...names]));
    const sockets: Array<SocketEntry & { instances: string[] }> = [];
    recs.forEach((rec, i) => {
      const listen = (rec.Listen ?? []).map(parseListen);
      // Like `systemctl list-sockets`: a socket with nothing to listen on (masked, not found) is not listed.
      if (!listen.length) return;
      const unit = rec.Id?.[0] || names[i];
      const triggers = (rec.Triggers ?? []).flatMap((t) => t.split(/\s+/)).filter(Boolean);
      const accept = rec.Accept?.[0] === 'yes';
      const activates = triggers.length || !accept ? triggers : [`${unit.slice(0, -'.socket'.length)}@.service`];
      sockets.push({ unit, listen, activates, socketState: rec.ActiveState?.[0] ?? 'unknown', serviceState: null, instances: triggers });
    });
    const services = [...new Set(sockets.flatMap((s) => s.instances))];
    if (services.length) {
      const states = parseShow(await call(target, ['show', '-p', 'Id,ActiveState', '--', ...services]));
      const byName = new Map(services.map((s, i) => [s, states[i]?.ActiveState?.[0] ?? 'unknown']));
      for (const s of sockets) if (s.instances.length) s.serviceState = mostActive(s.instances.map((n) => byName.get(n)!));
    }
    // An Accept=yes socket with no connection open has no instance: nothing of it runs.
    for (const s of sockets) if (!s.instances.length && s.activates.length) s.serviceState = 'inactive';
    return {
      target: target.label,
      ok: true,
      error: null,
      sockets: sockets
        .map(({ unit, listen, activates, socketState, serviceState }) => ({ unit, listen, activates, socketState, serviceState }))
        .sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0)),
    };
  } catch (e) {
    return { target: target.label, ok: false, error: e instanceof TargetError ? e.message : (e as Error).message, sockets: [] };
  }
}

/** The JSON contract of `list-sockets --format json` (the VS Code "Socket Units" view reads it). */
export function socketsJson(results: TargetSockets[]): string {
  return JSON.stringify({
    targets: results.map((r) => ({
      target: r.target,
      ok: r.ok,
      error: r.error,
      detail: r.detail ?? null,
      sockets: r.sockets.map((s) => ({
        unit: s.unit,
        listen: s.listen.map((l) => ({ address: l.address, type: l.type })),
        activates: s.activates,
        socketState: s.socketState,
        serviceState: s.serviceState,
      })),
    })),
  });
}

/** A table like `systemctl list-sockets`, with the two states; one per target. */
export function formatSockets(r: TargetSockets): string {
  if (!r.ok) return `${r.target}: ${r.error}\n`;
  const rows = [['LISTEN', 'TYPE', 'UNIT', 'STATE', 'ACTIVATES', 'SERVICE']];
  for (const s of r.sockets) {
    for (const l of s.listen) rows.push([l.address, l.type, s.unit, s.socketState, s.activates.join(' ') || '-', s.serviceState ?? '-']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  let out = `== ${r.target} ==\n`;
  for (const row of rows) out += row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ') + '\n';
  out += `${r.sockets.length} socket unit${r.sockets.length === 1 ? '' : 's'}, ${rows.length - 1} listening address${rows.length === 2 ? '' : 'es'}\n`;
  return out;
}
