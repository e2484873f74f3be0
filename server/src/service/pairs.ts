/**
 * Which socket starts which service, the way systemd pairs them (src/core/socket.c socket_add_extras(),
 * src/core/service.c service_collect_fds()):
 *  - Accept=no: `foo.socket` triggers `foo.service` (or its Service=); `foo@x.socket` triggers `foo@x.service`.
 *    The service gets the listening fds of every socket unit that triggers it, Sockets= included.
 *  - Accept=yes: every connection starts an instance of the template `foo@.service` (prefix of the socket
 *    name), which gets exactly one fd: the connection.
 * All pairing happens inside one folder (systemd sees the units that are installed together).
 */
import { unitPrefix, withSuffix } from './unitContext';
import { partnerView, viewBool, viewPorts, viewValue, viewWords, type UnitView, type ViewEntry, type ViewEnv } from './unitView';
import { unitNameForm } from './values/unitName';
import type { UnitAnalysis } from './analysis';

export interface SocketSide {
  view: UnitView;
  accept: boolean;
  /** The service it starts: "foo.service", the Service= name, or the template "foo@.service" (Accept=yes). */
  service?: string;
  ports: ViewEntry[];
}

export function triggeredService(view: UnitView, accept: boolean): string | undefined {
  if (accept) return `${unitPrefix(view.name)}@.service`;
  const service = viewValue(view, 'Socket', 'Service');
  // A specifier makes the name depend on the instance: no guessing.
  if (service !== undefined) return service.includes('%') ? undefined : service;
  return withSuffix(view.name, '.service');
}

export function socketSide(view: UnitView): SocketSide {
  const accept = viewBool(view, 'Socket', 'Accept', false);
  return { view, accept, service: triggeredService(view, accept), ports: viewPorts(view) };
}

export interface ServiceSockets {
  /** Accept=yes sockets that start this template once per connection (one fd each time). */
  perConnection: SocketSide[];
  /** Accept=no sockets whose listening fds this service gets: the ones that trigger it and its Sockets=. */
  passing: SocketSide[];
}

function triggerOf(view: UnitView): string | undefined {
  return triggeredService(view, viewBool(view, 'Socket', 'Accept', false));
}

/**
 * The service a socket starts, kept per analysis of its files: every service of a folder asks about every
 * socket of it (linting a folder of a hundred pairs asked ten thousand times), and reading Accept= and
 * Service= from the view each time was most of a lint run. Analyses never change once made, so the list
 * of them identifies the view's content.
 */
const TRIGGERS = new WeakMap<UnitAnalysis, { parts: UnitAnalysis[]; name: string; trigger: string | undefined }>();

function cachedTrigger(view: UnitView): string | undefined {
  const first = view.parts[0]?.analysis;
  if (!first) return triggerOf(view);
  const known = TRIGGERS.get(first);
  if (known && known.name === view.name && known.parts.length === view.parts.length && known.parts.every((a, i) => a === view.parts[i].analysis)) {
    return known.trigger;
  }
  const trigger = triggerOf(view);
  TRIGGERS.set(first, { parts: view.parts.map((p) => p.analysis), name: view.name, trigger });
  return trigger;
}

/**
 * The sockets of a service, from the folder it lives in. `self` replaces the index's copy of a unit being
 * edited (the open document is newer than what the index may hold).
 */
export function socketsOfService(service: UnitView, env: ViewEnv, self?: UnitView): ServiceSockets {
  const result: ServiceSockets = { perConnection: [], passing: [] };
  if (!env.index) return result;
  const seen = new Set<string>();
  const load = (name: string): UnitView | undefined => (self && self.name === name && self.dir === service.dir ? self : partnerView(name, service.dir, env));
  const add = (side: SocketSide) => {
    if (seen.has(side.view.name)) return;
    seen.add(side.view.name);
    (side.accept ? result.perConnection : result.passing).push(side);
  };
  for (const file of env.index.unitsIn(service.dir, 'socket')) {
    const view = load(file.name);
    // Its ports (parsed addresses) only matter for the sockets that start this service.
    if (!view || cachedTrigger(view) !== service.name) continue;
    add(socketSide(view));
  }
  // Sockets= pass their fds whatever they trigger themselves.
  for (const { word } of viewWords(service, 'Service', 'Sockets')) {
    if (word.includes('%') || seen.has(word) || unitNameForm(word) !== 'plain') continue;
    const view = load(word);
    if (view) add({ ...socketSide(view), accept: false });
  }
  return result;
}

/** The number of fds a service started by these sockets gets (Accept=no; an Accept=yes instance gets one). */
export function passedFdCount(sockets: ServiceSockets): number {
  return sockets.passing.reduce((n, s) => n + s.ports.length, 0);
}
