/** What a path is on this machine, for the emulator's checks; a path that cannot be read is neither. */
import { statSync } from 'node:fs';

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
