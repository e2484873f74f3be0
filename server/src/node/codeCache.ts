/**
 * Loads one of the CLI's bundles (dist/lint.js, dist/server.js …) with V8's code cache.
 *
 * Why: compiling a 1 MB bundle took about a third of a `sockact lint` run, every run. Node 20 has no
 * module.enableCompileCache (22.1 brought it), so this does what it does: compile the bundle as a
 * vm.Script with the bytecode V8 produced last time, and after the run store the bytecode of everything
 * that ran. V8 checks the cached data against the source and its flags itself and rejects a mismatch
 * (`cachedDataRejected`); then the bundle is compiled as usual and the cache written again.
 *
 * The cache is a speed-up only: any failure to read or write it is ignored and the bundle loads as
 * usual. It lives in ~/.cache/sockact/code-cache ($XDG_CACHE_HOME, or SOCKACT_CACHE_DIR), one file per bundle
 * and Node version, written beside and renamed so that a reader never sees half of one. There is no
 * cache where there is no home folder: a shared temporary folder would let another user plant bytecode.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** How long a long-running command (the language server, activate) runs before its cache is written. */
const WRITE_AFTER_MS = 3000;

/** Where code caches go; undefined: nowhere (no home folder, or SOCKACT_CACHE_DIR=off). */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SOCKACT_CACHE_DIR === 'off') return undefined;
  if (env.SOCKACT_CACHE_DIR) return join(env.SOCKACT_CACHE_DIR, 'code-cache');
  let base = env.XDG_CACHE_HOME;
  if (!base) {
    let home = '';
    try {
      home = homedir();
    } catch {}
    if (!home) return undefined;
    base = join(home, '.cache');
  }
  return join(base, 'sockact', 'code-cache');
}

/** The cache file for a bundle as it is now: its name, size and mtime, and this Node. */
function cacheFileFor(dir: string, file: string): string | undefined {
  try {
    const s = statSync(file);
    return join(dir, `${basename(file, '.js')}-${s.size}-${Math.trunc(s.mtimeMs)}-${process.version}-${process.arch}.v8`);
  } catch {
    return undefined;
  }
}

function readCache(cacheFile: string | undefined): Buffer | undefined {
  if (!cacheFile) return undefined;
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/** Writes the bundle's bytecode, replacing older caches of the same bundle. */
function writeCache(dir: string, cacheFile: string, data: Buffer): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const prefix = `${basename(cacheFile).split('-')[0]}-`;
    for (const old of readdirSync(dir)) if (old.startsWith(prefix) && old !== basename(cacheFile)) rmSync(join(dir, old), { force: true });
    const partial = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(partial, data, { mode: 0o600 });
    renameSync(partial, cacheFile);
  } catch {
    // A read-only home, a full disk: the next run compiles again.
  }
}

export interface LoadedBundle {
  exports: Record<string, unknown>;
  /** What happened with the cache: for the tests and SOCKACT_DEBUG_CODE_CACHE. */
  cache: 'accepted' | 'rejected' | 'absent' | 'off';
}

/**
 * Runs `file` (a CommonJS bundle) as Node would `require` it, with the code cache. `longRunning`: write the
 * cache a few seconds in, not only at exit (a language server may be killed, never exiting by itself).
 */
export function loadBundle(file: string, options: { longRunning?: boolean } = {}): LoadedBundle {
  const dir = codeCacheDir();
  const cacheFile = dir ? cacheFileFor(dir, file) : undefined;
  const cached = readCache(cacheFile);
  const source = readFileSync(file, 'utf8');
  // The same wrapper Node puts around a CommonJS file, so the bundle sees exports, require, module, __filename, __dirname.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData: cached });
  const module = { exports: {} as Record<string, unknown>, filename: file, id: file, loaded: false };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const cache: LoadedBundle['cache'] = !cacheFile ? 'off' : cached === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  if (process.env.SOCKACT_DEBUG_CODE_CACHE === '1') process.stderr.write(`sockact: code cache ${cache} for ${basename(file)}\n`);
  if (dir && cacheFile && cache !== 'accepted') {
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      writeCache(dir, cacheFile, script.createCachedData());
    };
    process.once('exit', write);
    if (options.longRunning) setTimeout(write, WRITE_AFTER_MS).unref();
  }
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return { exports: module.exports, cache };
}
