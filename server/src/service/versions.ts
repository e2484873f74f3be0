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
