/**
 * What `sockact deploy` installs for one .socket unit: the socket, the service it triggers (`foo.service`,
 * `foo@.service` for Accept=yes, or `Service=`), and the drop-ins beside each (`foo.socket.d/*.conf`,
 * `foo.service.d/*.conf`). Names become paths on the target and arguments of systemctl there, so every one
 * is checked first: systemd's unit name rules (which already leave out '/', so no path can climb out of the
 * unit folder), and no leading '-' (systemctl would read it as an option) or '.' and no '..'.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { readActivateConfig } from '../activate/config';
import { decodeUnitBytes } from '../node/fileResolver';
import { defaultCatalog } from '../service/catalog';
import { unitNameForm, unitTypeOf } from '../service/values/unitName';
import type { Target } from './target';

export class UnitsError extends Error {}

export interface DeployFile {
  /** Path below the unit folder: "web.socket", "web@.service", "web.socket.d/10-port.conf". */
  name: string;
  /** The file it comes from, on this machine (relative when the .socket was given relative). */
  localPath: string;
  content: string;
  /** Where it goes on a target. */
  installPath(target: Pick<Target, 'unitDir'>): string;
}

export interface UnitSet {
  /** "web.socket" */
  socket: string;
  /** The triggered service: "web.service", "web@.service" (Accept=yes) or the Service= name. */
  service: string;
  accept: boolean;
  /** The .socket file given (absolute). */
  socketPath: string;
  /** Socket first, then its drop-ins, the service, its drop-ins. */
  files: DeployFile[];
  /** Drop-in folders below the unit folder that files go into ("web.socket.d"). */
  dropInDirs: string[];
}

/** Why `name` may not be deployed under that name, or undefined when it may. */
export function unsafeUnitName(name: string, what: 'socket' | 'service'): string | undefined {
  if (name.includes('/')) return `'${name}' contains '/' (a unit name is a file name, not a path)`;
  if (name.startsWith('-')) return `'${name}' starts with '-' (systemctl would take it for an option)`;
  if (name.includes('..')) return `'${name}' contains '..'`;
  if (name.startsWith('.')) return `'${name}' starts with '.' (a hidden file, which systemd skips)`;
  const form = unitNameForm(name);
  if (form === undefined) return `'${name}' is not a valid unit name (letters, digits, ":-_.\\", one "@" for templates, a .${what} suffix, under 256 bytes)`;
  if (unitTypeOf(name) !== what) return `'${name}' is not a .${what} unit`;
  if (what === 'socket' && form !== 'plain') return `'${name}' is a template or an instance; deploy takes a plain .socket unit such as web.socket`;
  return undefined;
}

/** systemd reads a drop-in folder's "*.conf" files and skips hidden ones; the same rule here, plus no '-'. */
function dropInFiles(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  return entries
    .filter((f) => f.endsWith('.conf') && !f.startsWith('.') && statSync(join(folder, f)).isFile())
    .sort()
    .map((f) => {
      if (f.startsWith('-') || /[\x00-\x1f\x7f]/.test(f)) throw new UnitsError(`${join(folder, f)}: refusing a drop-in named '${f}'`);
      return f;
    });
}

function readText(path: string, what: string): string {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    throw new UnitsError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `no such file` : `cannot read (${(e as NodeJS.ErrnoException).code})`}${what ? ` (${what})` : ''}`);
  }
  if (!stat.isFile()) throw new UnitsError(`${path}: not a regular file`);
  try {
    return decodeUnitBytes(readFileSync(path));
  } catch (e) {
    throw new UnitsError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code})`);
  }
}

function file(name: string, localPath: string, content: string): DeployFile {
  return { name, localPath, content, installPath: (target) => posix.join(target.unitDir, name) };
}

/**
 * Collects the files to deploy for `socketPath`. Throws UnitsError (one line) for a missing file, a missing
 * service, or a name that is unsafe or invalid.
 */
export function gatherUnits(socketPath: string, systemdVersion?: number): UnitSet {
  const path = resolve(socketPath);
  const socket = basename(path);
  if (!socket.endsWith('.socket')) throw new UnitsError(`${socketPath} is not a .socket unit`);
  const bad = unsafeUnitName(socket, 'socket');
  if (bad) throw new UnitsError(`${socketPath}: ${bad}`);
  // Paths as the user gave them, for the diff and lint lines; `path` (absolute) for reading.
  const dir = dirname(socketPath);
  const socketText = readText(path, '');
  const socketDropIns = dropInFiles(join(dir, `${socket}.d`));
  const socketDropInTexts = socketDropIns.map((f) => readText(join(dir, `${socket}.d`, f), ''));

  // Accept= and Service= may come from a drop-in too: read them with the drop-ins applied, in systemd's
  // order. An X- section between files keeps a drop-in's stray lines out of the previous file's section
  // (systemd ignores assignments before a drop-in's first section header).
  const catalog = defaultCatalog();
  const combined = [socketText, ...socketDropInTexts].join('\n[X-Sockact-Next-File]\n');
  let config;
  try {
    config = readActivateConfig(path, combined, catalog, systemdVersion ?? catalog.newestVersion);
  } catch (e) {
    // It also reads the service beside the socket; Service= may name something that is not a file.
    throw new UnitsError(`${socketPath}: cannot read the unit or its service (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const service = config.service?.name ?? `${socket.slice(0, -'.socket'.length)}.service`;
  const badService = unsafeUnitName(service, 'service');
  if (badService) throw new UnitsError(`${socketPath}: the service it triggers: ${badService}`);
  if (config.accept && unitNameForm(service) !== 'template') throw new UnitsError(`${socketPath}: Accept=yes needs a template service (${service} is not one)`);
  const servicePath = join(dir, service);
  if (!existsSync(servicePath)) {
    throw new UnitsError(`${socketPath}: no ${service} beside it (the service ${config.accept ? 'Accept=yes starts per connection' : 'this socket starts'}); nothing to deploy it with`);
  }
  const serviceText = readText(servicePath, `the service ${socket} triggers`);
  const serviceDropIns = dropInFiles(join(dir, `${service}.d`));

  const files: DeployFile[] = [
    file(socket, socketPath, socketText),
    ...socketDropIns.map((f, i) => file(`${socket}.d/${f}`, join(dir, `${socket}.d`, f), socketDropInTexts[i])),
    file(service, servicePath, serviceText),
    ...serviceDropIns.map((f) => file(`${service}.d/${f}`, join(dir, `${service}.d`, f), readText(join(dir, `${service}.d`, f), ''))),
  ];
  const dropInDirs = [...(socketDropIns.length ? [`${socket}.d`] : []), ...(serviceDropIns.length ? [`${service}.d`] : [])];
  return { socket, service, accept: config.accept, socketPath: path, files, dropInDirs };
}

/** Drop-in folders on a target that undeploy removes when they are left empty. */
export function dropInFolders(units: UnitSet, target: Pick<Target, 'unitDir'>): string[] {
  return [`${units.socket}.d`, `${units.service}.d`].map((d) => posix.join(target.unitDir, d));
}
