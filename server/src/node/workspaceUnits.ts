/**
 * Unit files in the user's workspace folders, by name, for completing Service=, Requires=, WantedBy= …
 * The walk is bounded so that opening a huge folder never stalls the server.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { unitTypeOfName } from '../service/unitContext';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', '.cache', 'test-results']);
const MAX_ENTRIES = 20_000;
const MAX_DEPTH = 6;

export function findWorkspaceUnits(folders: readonly string[]): string[] {
  const names = new Set<string>();
  let budget = MAX_ENTRIES;
  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_DEPTH || budget <= 0) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: nothing to offer from it
    }
    for (const entry of entries) {
      if (--budget <= 0) return;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(join(dir, entry.name), depth + 1);
      } else if (unitTypeOfName(entry.name)) {
        names.add(entry.name);
      }
    }
  };
  for (const folder of folders) walk(folder, 0);
  return [...names].sort();
}
