/**
 * The systemd versions the service answers for: from 239 (RHEL 8, the oldest still widely deployed) to
 * the newest release the catalog was generated from. A target outside is brought inside, with a note.
 */
export const OLDEST_SUPPORTED_VERSION = 239;

export interface TargetVersion {
  version: number;
  /** Why the version differs from the one asked for, if it does. */
  note?: string;
}

export function clampTargetVersion(asked: number, newest: number): TargetVersion {
  if (asked < OLDEST_SUPPORTED_VERSION) {
    return { version: OLDEST_SUPPORTED_VERSION, note: `systemd ${asked} is older than ${OLDEST_SUPPORTED_VERSION}, the oldest version sockact knows; answering for ${OLDEST_SUPPORTED_VERSION}` };
  }
  if (asked > newest) {
    return { version: newest, note: `systemd ${asked} is newer than ${newest}, the newest version sockact knows; answering for ${newest}` };
  }
  return { version: asked };
}

/** Every supported version, newest first (for a picker). */
export function supportedVersions(newest: number): number[] {
  const out: number[] = [];
  for (let v = newest; v >= OLDEST_SUPPORTED_VERSION; v--) out.push(v);
  return out;
}

/** Where the target version came from: the setting, the systemd installed here, or the newest known. */
export type VersionSource = 'setting' | 'local' | 'newest';

/**
 * A setting value ("auto", "252", 252) to the version to answer for: the number given, else the local
 * systemd's (`local`: the platform's way to ask; absent on the web, where there is no systemctl), else the
 * newest known; kept within the supported range (with a note when it had to move).
 */
export function resolveTargetVersionWith(
  setting: unknown,
  newest: number,
  local: (() => number | undefined) | undefined,
): TargetVersion & { source: VersionSource } {
  const asNumber = typeof setting === 'number' ? setting : typeof setting === 'string' && setting.trim() !== '' ? Number(setting) : NaN;
  if (Number.isInteger(asNumber) && asNumber > 0) return { ...clampTargetVersion(asNumber, newest), source: 'setting' };
  const found = local?.();
  return found === undefined ? { version: newest, source: 'newest' } : { ...clampTargetVersion(found, newest), source: 'local' };
}
