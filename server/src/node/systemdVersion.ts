/** The local systemd's version, read from `systemctl --version` ("systemd 252 (252.38-1~deb12u1)"). */
import { spawnSync } from 'node:child_process';
import { clampTargetVersion, type TargetVersion } from '../service/versions';

let cached: number | null | undefined;

/** Where the target version came from: the setting, the systemd installed here, or the newest known. */
export type VersionSource = 'setting' | 'local' | 'newest';

export function parseSystemctlVersion(output: string): number | undefined {
  const m = /^systemd (\d+)\b/m.exec(output);
  return m ? Number(m[1]) : undefined;
}

/** undefined when there is no systemctl here (a container, macOS, Windows). */
export function detectSystemdVersion(): number | undefined {
  if (cached !== undefined) return cached ?? undefined;
  const result = spawnSync('systemctl', ['--version'], { encoding: 'utf8', timeout: 5000 });
  cached = result.status === 0 ? (parseSystemctlVersion(result.stdout) ?? null) : null;
  return cached ?? undefined;
}

/**
 * A setting value ("auto", "252", 252) to the version to answer for: the number given, else the local
 * systemd's, else the newest known; kept within the supported range (with a note when it had to move).
 */
export function resolveTargetVersion(setting: unknown, newest: number): TargetVersion & { source: VersionSource } {
  const asNumber = typeof setting === 'number' ? setting : typeof setting === 'string' && setting.trim() !== '' ? Number(setting) : NaN;
  if (Number.isInteger(asNumber) && asNumber > 0) return { ...clampTargetVersion(asNumber, newest), source: 'setting' };
  const local = detectSystemdVersion();
  return local === undefined ? { version: newest, source: 'newest' } : { ...clampTargetVersion(local, newest), source: 'local' };
}

export function resolveSystemdVersion(setting: unknown, newest: number): number {
  return resolveTargetVersion(setting, newest).version;
}
