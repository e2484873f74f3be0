/** The local systemd's version, read from `systemctl --version` ("systemd 252 (252.38-1~deb12u1)"). */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { resolveTargetVersionWith, type TargetVersion, type VersionSource } from '../service/versions';
import { codeCacheDir } from './codeCache';

let cached: number | null | undefined;

export type { VersionSource };

export function parseSystemctlVersion(output: string): number | undefined {
  const m = /^systemd (\d+)\b/m.exec(output);
  return m ? Number(m[1]) : undefined;
}

/**
 * The systemctl the spawn would run (the first on PATH) and a stamp of that file: an upgrade of systemd
 * replaces the binary, so a changed stamp means the version may have changed.
 */
export function systemctlStamp(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, 'systemctl');
    try {
      const s = statSync(file);
      if (s.isFile()) return `${file}:${s.ino}:${s.size}:${Math.trunc(s.mtimeMs)}`;
    } catch {}
  }
  return undefined;
}

/** The version file beside the code caches: one line "STAMP VERSION". */
function versionCacheFile(): string | undefined {
  const dir = codeCacheDir();
  return dir ? join(dirname(dir), 'systemd-version') : undefined;
}

function readCachedVersion(file: string | undefined, stamp: string): number | undefined {
  if (!file) return undefined;
  try {
    const [s, v] = readFileSync(file, 'utf8').trim().split(' ');
    return s === stamp && /^\d+$/.test(v) ? Number(v) : undefined;
  } catch {
    return undefined;
  }
}

function writeCachedVersion(file: string | undefined, stamp: string, version: number): void {
  if (!file || stamp.includes(' ')) return;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(`${file}.${process.pid}.tmp`, `${stamp} ${version}\n`, { mode: 0o600 });
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch {}
}

/**
 * undefined when there is no systemctl here (a container, macOS, Windows). Spawning systemctl (and loading
 * child_process for it) was a tenth of a one-file `sockact lint`: the answer is kept, per systemctl binary,
 * in the cache folder.
 */
export function detectSystemdVersion(): number | undefined {
  if (cached !== undefined) return cached ?? undefined;
  const stamp = systemctlStamp();
  if (stamp === undefined) {
    cached = null;
    return undefined;
  }
  const file = versionCacheFile();
  const known = readCachedVersion(file, stamp);
  if (known !== undefined) {
    cached = known;
    return known;
  }
  // Loaded only here: most runs never need it.
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const result = spawnSync('systemctl', ['--version'], { encoding: 'utf8', timeout: 5000 });
  cached = result.status === 0 ? (parseSystemctlVersion(result.stdout) ?? null) : null;
  if (cached !== null) writeCachedVersion(file, stamp, cached);
  return cached ?? undefined;
}

/** resolveTargetVersionWith() (service/versions.ts) with the local systemd asked through systemctl. */
export function resolveTargetVersion(setting: unknown, newest: number): TargetVersion & { source: VersionSource } {
  return resolveTargetVersionWith(setting, newest, detectSystemdVersion);
}

export function resolveSystemdVersion(setting: unknown, newest: number): number {
  return resolveTargetVersion(setting, newest).version;
}
