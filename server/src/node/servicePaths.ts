/**
 * Paths as the language service keeps them: names separated by '/' on every platform. The service is pure
 * (no node:path; it runs in a web worker too) and splits paths on '/', and the paths it gets from document
 * URIs (service/unitContext.ts uriToPath) are written that way: on Windows `c:/Users/me/web.socket`. The
 * node side's index must key its files the same way, so its join and resolve turn Windows' '\' into '/'
 * (Node's fs takes either). On Linux and macOS they are node:path's own.
 */
import * as nodePath from 'node:path';

export interface ServicePaths {
  join(...parts: string[]): string;
  resolve(...parts: string[]): string;
}

/** join and resolve of `path` (node:path of this machine; path.win32 in tests), with '/' between names. */
export function servicePaths(path: typeof nodePath = nodePath): ServicePaths {
  if (path.sep === '/') return { join: path.join, resolve: path.resolve };
  const slashed = (p: string) => p.replace(/\\/g, '/');
  return { join: (...parts) => slashed(path.join(...parts)), resolve: (...parts) => slashed(path.resolve(...parts)) };
}
