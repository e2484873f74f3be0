// A real VS Code on a machine that cannot download VS Code: code-server from npm (4.100.3 = VS Code 1.100.3,
// runs on Node 20). Shared by the test scripts (scripts/e2e.mjs) and the packaging scripts.
//
//   ensureCodeServer()                     installs code-server once into .cache/code-server/, returns entry.js
//   startCodeServer({ folder, ... })       starts it on 127.0.0.1; `await` it to wait until it answers HTTP
//   installVsix(entryJs, vsix, extDir)     `code-server --install-extension file.vsix`
//   ensureChromium()                       Debian's /usr/bin/chromium for playwright-core
//
// Debian packages are installed with apt-get only when missing (ripgrep, libkrb5-dev, chromium).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_VERSION = '4.100.3';
/**
 * Where code-server is installed; SOCKACT_CODE_SERVER_DIR moves it (e.g. to a folder a CI cache keeps).
 * Inside the checkout by default, but not when the checkout's path has a blank in it: npm builds
 * code-server's native modules with node-gyp and make, and make cannot build in such a folder. Then it
 * goes to ~/.cache/sockact (or the temp folder, should the home folder's path have a blank too).
 */
function defaultCodeServerDir() {
  const blank = (p) => /\s/.test(p);
  if (!blank(ROOT)) return join(ROOT, '.cache', 'code-server');
  const home = join(homedir(), '.cache', 'sockact', `code-server-${CODE_SERVER_VERSION}`);
  return blank(home) ? join(tmpdir(), `sockact-code-server-${CODE_SERVER_VERSION}`) : home;
}
export const CODE_SERVER_DIR = resolve(process.env.SOCKACT_CODE_SERVER_DIR || defaultCodeServerDir());
export const CODE_SERVER_ENTRY = join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = '/usr/bin/chromium';
/** Arguments for Chromium under playwright-core (add your own --user-data-dir or use launchPersistentContext). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

const DONE_MARKER = join(CODE_SERVER_DIR, '.installed');
const log = (msg) => console.log(`[code-server] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function hasDebianPackage(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

let aptUpdated = false;
/** apt-get install the packages that are missing (by dpkg status); one `apt-get update` per process. */
export function ensureDebianPackages(packages) {
  const missing = packages.filter((p) => !hasDebianPackage(p));
  if (missing.length === 0) return;
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  if (!aptUpdated) {
    run('apt-get', [...lock, 'update', '-q'], { env });
    aptUpdated = true;
  }
  run('apt-get', [...lock, 'install', '-y', '-q', '--no-install-recommends', ...missing], { env });
}

/** Debian's Chromium, which playwright-core drives (`executablePath: CHROMIUM`). Returns its path. */
export function ensureChromium() {
  if (!existsSync(CHROMIUM)) ensureDebianPackages(['chromium']);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is still missing after apt-get install chromium`);
  return CHROMIUM;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}

function installedVersion() {
  try {
    return JSON.parse(readFileSync(join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/**
 * What code-server's postinstall produces (VS Code's own dependencies with their native modules). npm 11 warns
 * that dependency install scripts are "not yet covered by allowScripts"; should a later npm really skip them,
 * these files are missing and the install fails here with a clear message instead of a broken workbench.
 */
const POSTINSTALL_PRODUCTS = [
  'lib/vscode/node_modules.asar',
  'lib/vscode/node_modules/node-pty/build/Release/pty.node',
  'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'lib/vscode/node_modules/@vscode/ripgrep/bin/rg',
  'lib/vscode/extensions/node_modules',
].map((p) => join(CODE_SERVER_DIR, 'node_modules', 'code-server', p));

function isInstalled() {
  return existsSync(DONE_MARKER) && existsSync(CODE_SERVER_ENTRY) && installedVersion() === CODE_SERVER_VERSION;
}

/**
 * A cross-process lock (mkdir is atomic), so two scripts that both need code-server don't install it twice at once.
 * A lock left behind by a dead process is taken over.
 */
async function withLock(name, fn) {
  const dir = join(ROOT, '.cache', `${name}.lock`);
  mkdirSync(dirname(dir), { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      } catch {}
      let alive = false;
      if (owner) {
        try {
          process.kill(owner, 0);
          alive = true;
        } catch {}
      }
      if (owner && !alive) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${dir} (held by pid ${owner})`);
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * code-server's nested install runs @vscode/ripgrep's postinstall, which downloads ripgrep from GitHub.
 * It first looks in its cache: put Debian's rg there under the asset name it wants.
 */
function seedRipgrepCache() {
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('rg (Debian package ripgrep) is missing');
  const cache = join(process.env.TMPDIR || tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const asset = join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (existsSync(asset)) return;
  mkdirSync(cache, { recursive: true });
  run('tar', ['czf', asset, '-C', dirname(rg), 'rg']);
}

/**
 * Installs code-server@4.100.3 into .cache/code-server/ (once; about 5 minutes and 300 MB) and returns
 * the path of its entry.js. Reuses an existing complete install.
 */
export async function ensureCodeServer() {
  if (isInstalled()) return CODE_SERVER_ENTRY;
  return withLock('code-server-install', async () => {
    if (isInstalled()) return CODE_SERVER_ENTRY;
    const apt = [];
    if (!hasCommand('rg')) apt.push('ripgrep');
    if (!hasDebianPackage('libkrb5-dev')) apt.push('libkrb5-dev'); // the kerberos native module needs gssapi.h
    // node-gyp builds the native modules against the installed Node's headers.
    if (!existsSync(join(dirname(dirname(process.execPath)), 'include', 'node', 'node.h'))) {
      log('note: Node headers not found beside node; node-gyp may try to download them');
    }
    ensureDebianPackages(apt);
    seedRipgrepCache();
    rmSync(DONE_MARKER, { force: true });
    mkdirSync(CODE_SERVER_DIR, { recursive: true });
    log(`installing code-server@${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (first time only, about 5 minutes)`);
    const started = Date.now();
    // Don't let the variables of an outer `npm run` (package name, lifecycle, local prefix) leak into this install.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^npm_(package_|lifecycle_|config_local_prefix|config_prefix|command|execpath)/i.test(k)),
    );
    Object.assign(env, { npm_config_yes: 'true', npm_config_unsafe_perm: 'true', npm_config_fund: 'false', npm_config_audit: 'false' });
    run('npm', ['install', '--no-save', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`, '--prefix', CODE_SERVER_DIR], {
      env,
      cwd: CODE_SERVER_DIR,
    });
    if (!existsSync(CODE_SERVER_ENTRY) || installedVersion() !== CODE_SERVER_VERSION) {
      throw new Error(`npm install finished but ${CODE_SERVER_ENTRY} (version ${CODE_SERVER_VERSION}) is missing`);
    }
    const missing = POSTINSTALL_PRODUCTS.filter((p) => !existsSync(p));
    if (missing.length > 0) {
      throw new Error(
        `code-server's postinstall did not complete (missing: ${missing.join(', ')}). If npm skipped its install scripts, ` +
          `rerun with npm_config_dangerously_allow_all_scripts=true.`,
      );
    }
    writeFileSync(DONE_MARKER, `${CODE_SERVER_VERSION}\n`);
    log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return CODE_SERVER_ENTRY;
  });
}

/** A free TCP port on 127.0.0.1, found synchronously (a child node binds port 0 and reports it). */
export function freePortSync() {
  const r = spawnSync(
    process.execPath,
    ['-e', "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"],
    { encoding: 'utf8' },
  );
  const port = Number(r.stdout);
  if (!port) throw new Error(`could not find a free port: ${r.stderr}`);
  return port;
}

/** Writes the config.yaml code-server reads (without --config it would write into ~/.config). */
function writeConfig(dir, port) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  return file;
}

/**
 * Starts code-server on FOLDER. Returns `{ child, url, port, stop(), ready }` at once (the URL is known up
 * front); `await startCodeServer(...)` waits until the server answers HTTP (up to `timeoutMs`, default 60 s)
 * and resolves to the same `{ child, url, port, stop }`. `stop()` ends the server and resolves when it exited.
 *
 * Options: folder (opened in the workbench), userDataDir, extensionsDir, port (default: a free one),
 * env (added to the environment; the extension host inherits it), entryJs (default: the cached install),
 * extraArgs, timeoutMs, quiet (default true: output only kept for error messages), configDir.
 */
export function startCodeServer({
  folder,
  userDataDir,
  extensionsDir,
  port = freePortSync(),
  env = {},
  entryJs = CODE_SERVER_ENTRY,
  extraArgs = [],
  timeoutMs = 60_000,
  quiet = true,
  configDir,
} = {}) {
  if (!existsSync(entryJs)) throw new Error(`code-server is not installed (${entryJs}); call ensureCodeServer() first`);
  // A scratch folder only for what the caller did not name; removed when the server exits.
  const scratch = userDataDir && extensionsDir && configDir ? undefined : mkdtempSync(join(tmpdir(), 'sockact-code-server-'));
  userDataDir ??= join(scratch, 'user');
  extensionsDir ??= join(scratch, 'extensions');
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const config = writeConfig(configDir ?? scratch, port);
  const args = [
    entryJs,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--config', config,
    ...extraArgs,
  ];
  if (folder) args.push(folder);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-20_000);
    if (!quiet) process.stdout.write(`[code-server] ${chunk}`);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  let exited = false;
  const exit = new Promise((r) =>
    child.once('exit', (code, signal) => {
      exited = true;
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      r({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}/`;

  async function stop() {
    if (!exited) {
      child.kill('SIGTERM');
      const t = setTimeout(() => !exited && child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(t);
    }
  }

  const ready = (async () => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`code-server exited before it answered HTTP:\n${output}`);
      try {
        const res = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return url;
      } catch {}
      await sleep(200);
    }
    await stop();
    throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms:\n${output}`);
  })();
  ready.catch(() => {}); // surfaced through `then` / `ready`; never an unhandled rejection

  const server = { child, url, port, stop, ready, output: () => output };
  // Thenable: `await startCodeServer()` waits for HTTP and yields the plain (non-thenable) handle.
  return Object.assign(server, {
    then(onFulfilled, onRejected) {
      return ready.then(() => ({ child, url, port, stop, ready, output: server.output })).then(onFulfilled, onRejected);
    },
  });
}

/** Installs a .vsix into an extensions folder with code-server's own `--install-extension`. */
export async function installVsix(entryJs, vsixPath, extensionsDir) {
  entryJs ??= CODE_SERVER_ENTRY;
  mkdirSync(extensionsDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'sockact-install-'));
  try {
    const config = writeConfig(scratch, 0);
    const child = spawn(
      process.execPath,
      [entryJs, '--user-data-dir', join(scratch, 'user'), '--config', config, '--extensions-dir', extensionsDir, '--force', '--install-extension', resolve(vsixPath)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (output += c));
    const code = await new Promise((r) => child.once('exit', r));
    if (code !== 0 || !/successfully installed|already installed/i.test(output)) {
      throw new Error(`code-server --install-extension ${vsixPath} failed (exit ${code}):\n${output}`);
    }
    return output.trim();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// `node scripts/codeServer.mjs` installs code-server (and Chromium) and prints the entry.js path.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureChromium();
  console.log(await ensureCodeServer());
}
