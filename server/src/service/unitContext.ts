/**
 * What a file is, judged from its path the way systemd judges it: the unit type comes from the suffix,
 * and a `foo.socket.d/*.conf` file is a drop-in that belongs to foo.socket.
 */
import type { UnitType } from './catalogTypes';
import { unitTypeOf } from './values/unitName';

export interface UnitContext {
  /** The unit's own name, e.g. "foo.socket" (for a drop-in: the unit it extends). Undefined when unknown. */
  unitName?: string;
  unitType?: UnitType;
  /** A drop-in only carries some settings; checks that need the whole unit are skipped. */
  isDropIn: boolean;
  /** Folder that holds the unit (for a drop-in: the folder that holds the foo.socket.d folder). */
  unitDir?: string;
  /** Which manager reads it: a user manager for units under a systemd/user folder, else the system manager. */
  scope: 'system' | 'user';
}

/** systemd's user unit folders all end in systemd/user (~/.config/systemd/user, /etc/systemd/user, …). */
export function scopeOfPath(filePath: string): 'system' | 'user' {
  return /\/systemd\/user(\/|$)/.test(filePath) ? 'user' : 'system';
}

function basename(p: string): string {
  const parts = p.split('/');
  return parts[parts.length - 1];
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}

export const unitTypeOfName: (name: string) => UnitType | undefined = unitTypeOf;

/** Builds the context from a file-system path (use uriToPath first for a URI). */
export function unitContextFromPath(filePath: string): UnitContext {
  const name = basename(filePath);
  const dir = dirname(filePath);
  const parent = basename(dir);
  if (name.endsWith('.conf') && parent.endsWith('.d')) {
    const owner = parent.slice(0, -2);
    const unitType = unitTypeOfName(owner);
    if (unitType) return { unitName: owner, unitType, isDropIn: true, unitDir: dirname(dir), scope: scopeOfPath(filePath) };
  }
  const unitType = unitTypeOfName(name);
  return { unitName: unitType ? name : undefined, unitType, isDropIn: false, unitDir: dir, scope: scopeOfPath(filePath) };
}

/**
 * file:// URI to a path; other schemes (untitled:, vscode-vfs:) have no path we can look next to. Names are
 * separated by '/' on every platform: a Windows drive comes out as `c:/Users/me/web.socket` (VS Code writes
 * `file:///c%3A/Users/…`; the leading '/' goes, as VS Code's own fsPath drops it), a share as
 * `//server/share/…`. The node side keys its files the same way (node/servicePaths.ts).
 */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file://')) return undefined;
  const rest = uri.slice('file://'.length);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = decodeURIComponent(slash < 0 ? '/' : rest.slice(slash));
  if (authority !== '' && authority !== 'localhost') return `//${decodeURIComponent(authority)}${path}`;
  return /^\/[A-Za-z]:(\/|$)/.test(path) ? path.slice(1) : path;
}

export function unitContextFromUri(uri: string): UnitContext {
  const path = uriToPath(uri);
  if (path) return unitContextFromPath(path);
  // Still recognise the type from the name of an unsaved or virtual document.
  const ctx = unitContextFromPath(decodeURIComponent(uri.replace(/^[a-z-]+:/i, '')));
  return { ...ctx, unitDir: undefined };
}

/** "foo@bar.socket" → "foo"; "foo.socket" → "foo". The prefix systemd uses to name instances. */
export function unitPrefix(unitName: string): string {
  const at = unitName.indexOf('@');
  if (at >= 0) return unitName.slice(0, at);
  return unitName.slice(0, unitName.lastIndexOf('.'));
}

/** "foo.socket" → "foo.service"; "foo@bar.socket" → "foo@bar.service" (unit_load_related_unit()). */
export function withSuffix(unitName: string, suffix: string): string {
  return unitName.slice(0, unitName.lastIndexOf('.')) + suffix;
}

/** Do two documents belong to units in the same folder (so that one may change the other's diagnostics)? */
export function sameUnitFolder(uriA: string, uriB: string): boolean {
  const a = unitContextFromUri(uriA).unitDir;
  return a !== undefined && a === unitContextFromUri(uriB).unitDir;
}
