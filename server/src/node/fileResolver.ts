/** Answers "does this unit exist where systemd would find it?" from the file system. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { UnitResolver } from '../service/languageService';

/** systemd's system unit search path; a unit in one of them sees units in all of them. */
const SYSTEM_UNIT_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/usr/local/lib/systemd/system',
  '/usr/lib/systemd/system',
  '/lib/systemd/system',
];

/** Folders to look in for units next to one in `unitDir`; undefined when the folder itself is gone. */
export function searchDirs(unitDir: string): string[] | undefined {
  const dir = resolve(unitDir);
  if (!existsSync(dir)) return undefined;
  return SYSTEM_UNIT_DIRS.includes(dir) ? SYSTEM_UNIT_DIRS : [dir];
}

/** Unit file bytes to text, keeping a BOM (the parser strips it where systemd would) and marking invalid UTF-8. */
export function decodeUnitBytes(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

function readText(path: string): string | undefined {
  try {
    return decodeUnitBytes(readFileSync(path));
  } catch {
    return undefined;
  }
}

export function createFileResolver(): UnitResolver {
  return {
    unitExists(unitName, unitDir) {
      return searchDirs(unitDir)?.some((d) => existsSync(join(d, unitName)));
    },
    readUnit(unitName, unitDir) {
      for (const d of searchDirs(unitDir) ?? []) {
        const text = readText(join(d, unitName));
        if (text !== undefined) return text;
      }
      return undefined;
    },
  };
}
