/** The local systemd's version, read from `systemctl --version` ("systemd 252 (252.38-1~deb12u1)"). */
import { spawnSync } from 'node:child_process';
import { resolveTargetVersionWith, type TargetVersion, type VersionSource } from '../service/versions';

let cached: number | null | undefined;

export type { VersionSource };

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

/** resolveTargetVersionWith() (service/versions.ts) with the local systemd asked through systemctl. */
export function resolveTargetVersion(setting: unknown, newest: number): TargetVersion & { source: VersionSource } {
  return resolveTargetVersionWith(setting, newest, detectSystemdVersion);
}

export function resolveSystemdVersion(setting: unknown, newest: number): number {
  return resolveTargetVersion(setting, newest).version;
}
