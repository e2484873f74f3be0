/**
 * `sockact activate --watch`: the development loop. sockact already holds the sockets, so a program can be
 * replaced without a single connection being refused: the old one gets SIGTERM (SIGKILL after the
 * service's TimeoutStopSec=, 2 s when unset), the next one starts on the same sockets, and what arrives in
 * between waits in the listening socket's backlog. This file has the parts that do not depend on the
 * activation mode: what to watch, the watcher itself (a burst of changes within 200 ms is one change), and
 * the optional build step. run.ts decides what a change does to the running programs.
 */
import { spawn } from 'node:child_process';
import { existsSync, fstatSync, statSync, watch, readdirSync, type FSWatcher } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { dieWithParent } from './orphans';
import { isDirectory, isFile } from './paths';

/** Folders that are never watched: version control, dependencies, caches and build output. */
export const IGNORED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv', 'venv', 'target', 'dist', 'build', '.cache']);

/** Editors' swap, backup and probe files: writing them is not a change of the sources. */
const IGNORED_FILE = /(^\.#|^4913$|~$|\.sw[a-p]$|\.tmp$)/;

/** Changes closer together than this are one change (an editor's save is often several events). */
export const SETTLE_MS = 200;

/** How long a restart waits for the old program after SIGTERM when the service sets no TimeoutStopSec=. */
export const DEFAULT_STOP_MS = 2000;

/** More folders than this is almost certainly a mistake (a home folder): sockact stops adding watches. */
const MAX_DIRS = 4000;

export interface WatchOptions {
  /** The --watch=PATH values; `defaultTree` is set by a plain --watch (or when no path is given). */
  paths: string[];
  defaultTree: boolean;
  /** --build PROGRAM and its --build-arg values, run before each restart. */
  build?: string[];
}

/** TimeoutStopSec=0 and infinity both mean: never SIGKILL (systemd: no stop timeout). */
export function stopTimeout(ms: number | undefined): number {
  if (ms === undefined) return DEFAULT_STOP_MS;
  return ms === 0 ? Infinity : ms;
}

/**
 * The tree a plain --watch means: the service's WorkingDirectory=, else the folder of the first argument
 * that is a file (the script of `node server.mjs`), else the program's own folder.
 */
export function defaultRoot(command: string[], exe: string, cwd: string | undefined): string {
  if (cwd !== undefined) return cwd;
  for (const arg of command.slice(1)) {
    if (arg.startsWith('-')) continue;
    const p = isAbsolute(arg) ? arg : resolve(arg);
    if (isFile(p)) return dirname(p);
  }
  return dirname(exe);
}

/** Paths relative to the program's folder, as the user gave them; a missing one is a usage error. */
export function resolveRoots(options: WatchOptions, command: string[], exe: string, cwd: string | undefined): string[] {
  const roots = options.paths.map((p) => resolve(p));
  for (const r of roots) if (!existsSync(r)) throw new Error(`--watch=${relative('.', r) || r}: no such file or folder`);
  if (options.defaultTree || roots.length === 0) roots.push(defaultRoot(command, exe, cwd));
  return [...new Set(roots)];
}

/**
 * Watches files and folder trees and calls `changed` once per burst of changes, with the first path seen.
 * fs.watch is used per folder, not with `recursive` (Node 20 emulates that on Linux by watching every
 * folder, node_modules included); folders created later are picked up when they appear.
 */
export class TreeWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private first: string | undefined;
  private full = false;
  /** sockact's own stdout/stderr when they are files (`2>log` in the watched folder): never a change. */
  private readonly ownOutput = outputFiles();
  closed = false;

  constructor(
    roots: string[],
    private readonly changed: (path: string) => void,
    private readonly note: (line: string) => void,
  ) {
    for (const r of roots) {
      if (isDirectory(r)) this.addTree(r);
      else this.addFile(r);
    }
  }

  get folders(): number {
    return this.watchers.size;
  }

  private addTree(dir: string): void {
    if (this.closed || this.watchers.has(dir)) return;
    if (this.watchers.size >= MAX_DIRS) {
      if (!this.full) this.note(`note: more than ${MAX_DIRS} folders to watch; the rest is not watched (give --watch=PATH for the sources only)`);
      this.full = true;
      return;
    }
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: false }, (_event, name) => this.onEvent(dir, name ? String(name) : undefined));
    } catch {
      return; // unreadable or gone: nothing to watch there
    }
    w.on('error', () => this.drop(dir));
    this.watchers.set(dir, w);
    let entries: string[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !IGNORED_DIRS.has(e.name)).map((e) => e.name);
    } catch { /* unreadable */ }
    for (const e of entries) this.addTree(join(dir, e));
  }

  /** A single file: its folder is watched for that name, so an editor that saves by rename is still seen. */
  private addFile(file: string): void {
    const dir = dirname(file);
    const name = basename(file);
    try {
      const w = watch(dir, { persistent: false }, (_event, n) => {
        if (n && String(n) === name) this.bump(file);
      });
      w.on('error', () => {});
      this.watchers.set(`${file}\0file`, w);
    } catch { /* gone */ }
  }

  private drop(dir: string): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
  }

  private onEvent(dir: string, name: string | undefined): void {
    if (this.closed) return;
    const path = name ? join(dir, name) : dir;
    if (name && (IGNORED_DIRS.has(name) || IGNORED_FILE.test(name) || this.isOwnOutput(path))) return;
    // A new folder gets watchers of its own; a removed one loses them (fs.watch on it errors or goes quiet).
    if (name && isDirectory(path)) this.addTree(path);
    else if (name && this.watchers.has(path) && !existsSync(path)) this.drop(path);
    this.bump(path);
  }

  private isOwnOutput(path: string): boolean {
    if (!this.ownOutput.size) return false;
    try {
      const st = statSync(path);
      return this.ownOutput.has(`${st.dev}:${st.ino}`);
    } catch {
      return false;
    }
  }

  /** The first event opens a SETTLE_MS window; everything inside it is the same change. */
  private bump(path: string): void {
    if (this.timer) return;
    this.first = path;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) this.changed(this.first!);
    }, SETTLE_MS);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

/** dev:ino of fds 1 and 2 when they are regular files: what sockact and its programs log into. */
function outputFiles(): Set<string> {
  const ids = new Set<string>();
  for (const fd of [1, 2]) {
    try {
      const st = fstatSync(fd);
      if (st.isFile()) ids.add(`${st.dev}:${st.ino}`);
    } catch { /* closed */ }
  }
  return ids;
}

/**
 * Runs the build step (an argument array, no shell) in `cwd` with the caller's environment (it is a
 * developer's tool, not the service) and its output on sockact's stderr. Resolves to undefined on success,
 * else to why it failed, in a few words.
 */
export function runBuild(build: string[], cwd: string | undefined): Promise<string | undefined> {
  return new Promise((resolveBuild) => {
    const argv = dieWithParent(build[0], build.slice(1));
    const child = spawn(argv.file, argv.args, { cwd, stdio: ['ignore', 2, 2], env: process.env });
    child.on('error', (e: NodeJS.ErrnoException) => resolveBuild(`cannot start ${build[0]}: ${e.code ?? e.message}`));
    const name = basename(build[0]);
    child.on('exit', (code, signal) => resolveBuild(signal ? `${name} was killed by ${signal}` : code === 0 ? undefined : `${name} exited with code ${code}`));
  });
}
