/**
 * Small helpers shared by the update-data modules.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function readText(path) {
  return readFileSync(path, 'utf8');
}

/** Locale-independent ordering, so the output is byte-identical everywhere. */
export function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function unique(values) {
  return [...new Set(values)];
}

function findLastIndex(array, predicate) {
  for (let i = array.length - 1; i >= 0; i--) if (predicate(array[i])) return i;
  return -1;
}

export function warn(message) {
  console.error(`update-data: warning: ${message}`);
}

export function fail(message) {
  console.error(`update-data: error: ${message}`);
  process.exit(1);
}
