/**
 * systemd's unit search path on this machine, in priority order (src/libsystemd/sd-path/path-lookup.c
 * lookup_paths_init(), 257; 252 lists the same folders). A folder that does not exist is simply empty.
 *
 * SOCKACT_UNIT_PATH (folders separated by ":", ";" on Windows) replaces the whole list for both scopes, so that tests can
 * point it at temporary folders instead of this machine's /etc and /usr.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter } from 'node:path';
import { servicePaths } from './servicePaths';

/** '/' between names on every platform, as the service's paths are (servicePaths.ts). */
const { join, resolve } = servicePaths();

export type UnitScope = 'system' | 'user';

function overridden(env: NodeJS.ProcessEnv): string[] | undefined {
  const value = env.SOCKACT_UNIT_PATH;
  if (value === undefined) return undefined;
  return value.split(delimiter).filter((d) => d !== '').map((d) => resolve(d));
}

const SYSTEM = [
  '/etc/systemd/system.control',
  '/run/systemd/system.control',
  '/run/systemd/transient',
  '/run/systemd/generator.early',
  '/etc/systemd/system',
  '/etc/systemd/system.attached',
  '/run/systemd/system',
  '/run/systemd/system.attached',
  '/run/systemd/generator',
  '/usr/local/lib/systemd/system',
  '/usr/lib/systemd/system',
  // Debian 12 and older builds are split-/usr: their units live in /lib/systemd/system.
  '/lib/systemd/system',
  '/run/systemd/generator.late',
];

function userPath(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME || homedir();
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config');
  const dataHome = env.XDG_DATA_HOME || join(home, '.local/share');
  const runtime = env.XDG_RUNTIME_DIR;
  const configDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  const inRuntime = (suffix: string) => (runtime ? [join(runtime, 'systemd', suffix)] : []);
  return [
    join(configHome, 'systemd/user.control'),
    ...inRuntime('user.control'),
    ...inRuntime('transient'),
    ...inRuntime('generator.early'),
    join(configHome, 'systemd/user'),
    ...configDirs.map((d) => join(d, 'systemd/user')),
    '/etc/systemd/user',
    ...inRuntime('user'),
    '/run/systemd/user',
    ...inRuntime('generator'),
    join(dataHome, 'systemd/user'),
    ...dataDirs.map((d) => join(d, 'systemd/user')),
    '/usr/local/lib/systemd/user',
    '/usr/local/share/systemd/user',
    '/usr/lib/systemd/user',
    '/usr/share/systemd/user',
    '/lib/systemd/user',
    ...inRuntime('generator.late'),
  ];
}

const ENV_INPUTS = ['SOCKACT_UNIT_PATH', 'HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_DIRS', 'XDG_DATA_DIRS'];
const computed = new Map<string, readonly string[]>();

/**
 * The unit search path of a scope, highest priority first, without duplicates (one shared array: do not
 * modify). Kept per value of the variables it depends on: every unit look-up asks for it.
 */
export function unitSearchPath(scope: UnitScope, env: NodeJS.ProcessEnv = process.env): string[] {
  const key = [scope, ...ENV_INPUTS.map((k) => env[k] ?? '\u0001')].join('\0');
  let list = computed.get(key);
  if (!list) {
    if (computed.size > 64) computed.clear();
    computed.set(key, (list = [...new Set(overridden(env) ?? (scope === 'system' ? SYSTEM : userPath(env)))]));
  }
  return list as string[];
}

/** Which scope's search path a folder is part of, if any. */
export function scopeOfSearchDir(dir: string, env: NodeJS.ProcessEnv = process.env): UnitScope | undefined {
  const d = resolve(dir);
  if (unitSearchPath('system', env).includes(d)) return 'system';
  if (unitSearchPath('user', env).includes(d)) return 'user';
  return undefined;
}

/**
 * Where systemd looks for a unit named from a unit in `unitDir`: a folder of the search path sees its
 * whole scope; any other folder (a repository) is looked at first, then the search path, as
 * `systemd-analyze verify` does (it puts the file's folder in front). Outside the search path the scope is
 * not known, so both are searched: a unit either manager would find is not reported missing.
 * undefined when the folder itself does not exist (an unsaved file: no telling).
 */
export function lookupDirs(unitDir: string, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const dir = resolve(unitDir);
  const scope = scopeOfSearchDir(dir, env);
  if (scope) return unitSearchPath(scope, env);
  if (!existsSync(dir)) return undefined;
  return [...new Set([dir, ...unitSearchPath('system', env), ...unitSearchPath('user', env)])];
}

/**
 * The folders whose units and drop-ins are part of the same installation as a unit in `unitDir`: the
 * whole search path for a folder in it, else the folder alone (a repository's drop-ins are its own; the
 * machine's drop-ins are not applied to a file that is not installed yet).
 */
export function installDirs(unitDir: string, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const dir = resolve(unitDir);
  const scope = scopeOfSearchDir(dir, env);
  if (scope) return unitSearchPath(scope, env);
  return existsSync(dir) ? [dir] : undefined;
}
