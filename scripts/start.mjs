// `npm start [-- FOLDER]`: VS Code in the browser (code-server) with examples/ (or FOLDER) open and the packaged
// extension installed.
//
// Packages the .vsix (scripts/package.mjs), installs code-server once into .cache/code-server
// (scripts/codeServer.mjs; about 5 minutes the first time), installs the .vsix into .cache/start/extensions,
// starts code-server on 127.0.0.1 ($PORT, else 8080; another free port when that one is taken) with user
// data in .cache/start/user, prints the URL, and runs until Ctrl-C.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION, ensureCodeServer, installVsix, startCodeServer } from './codeServer.mjs';
import { packageVsix } from './package.mjs';
import { startFolder } from './startFolder.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STATE = join(ROOT, '.cache', 'start');
const EXAMPLES = join(ROOT, 'examples');
const started = Date.now();
const say = (msg) => console.log(`npm start: ${msg}`);
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

/** Ends with one line on stderr (the first line of an error's message), never a stack trace. */
function fail(msg) {
  console.error(`npm start: ${msg}`);
  process.exit(1);
}
const firstLine = (e) => String(e?.message ?? e).split('\n')[0];

/** Resolves to true when 127.0.0.1:port can be bound right now. */
function portIsFree(port) {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** The parent of process `pid` (Linux /proc), or undefined. */
function parentOf(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]) || undefined;
  } catch {
    return undefined;
  }
}

/** $PORT or 8080; checked before anything else runs. */
function wantedPort() {
  const wanted = process.env.PORT ?? '8080';
  const port = Number(wanted);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT=${wanted} is not a TCP port number (1-65535)`);
  // code-server reads $PORT too, and it wins over --bind-addr: the port chosen here must be the only one.
  delete process.env.PORT;
  return port;
}

async function choosePort(port) {
  if (await portIsFree(port)) return port;
  const other = await freePort();
  say(`port ${port} on 127.0.0.1 is in use, using ${other} instead (set PORT to choose another)`);
  return other;
}

/**
 * First run only: no welcome page, so the explorer with the examples is what you see, and no offer to open
 * the repository around examples/ in the Source Control view.
 */
function writeUserSettings(userDataDir) {
  const file = join(userDataDir, 'User', 'settings.json');
  if (existsSync(file)) return; // keep what you changed in earlier sessions
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ 'workbench.startupEditor': 'none', 'git.openRepositoryInParentFolders': 'never' }, null, 2)}\n`);
}

const opened = startFolder(process.argv.slice(2), process.env, EXAMPLES);
if (opened.error) fail(opened.error);
const FOLDER = opened.folder;
const requestedPort = wantedPort();
let vsix;
try {
  vsix = packageVsix({ quiet: true }).vsix;
} catch (e) {
  fail(`packaging the extension failed: ${e.message}`);
}
say(`packaged ${relative(process.cwd(), vsix)}`);

let entryJs;
try {
  entryJs = await ensureCodeServer();
} catch (e) {
  fail(`could not install code-server ${CODE_SERVER_VERSION} into .cache/code-server: ${firstLine(e)}`);
}

const extensionsDir = join(STATE, 'extensions');
const userDataDir = join(STATE, 'user');
try {
  await installVsix(entryJs, vsix, extensionsDir);
} catch (e) {
  fail(`installing ${relative(process.cwd(), vsix)} into code-server failed: ${firstLine(e)}`);
}
writeUserSettings(userDataDir);

const port = await choosePort(requestedPort);
let server;
try {
  server = await startCodeServer({
    entryJs,
    folder: FOLDER,
    userDataDir,
    extensionsDir,
    port,
    configDir: STATE,
    // The examples are this repository's own files: open them trusted, without the trust prompt. A folder
    // of your own gets VS Code's usual trust question.
    extraArgs: opened.isExamples ? ['--disable-workspace-trust'] : [],
  });
} catch (e) {
  // The first line says what happened, code-server's last error line why.
  const why = String(e.message).split('\n').filter((l) => /\berror\b/i.test(l)).pop()?.replace(/^\[[^\]]*\]\s*/, '');
  fail(`code-server did not start on 127.0.0.1:${port}: ${firstLine(e).replace(/:$/, '')}${why ? ` (${why})` : ''}`);
}

const folderQuery = encodeURIComponent(FOLDER).replace(/%2F/g, '/');
console.log(`Open ${server.url}?folder=${folderQuery} in a browser (ready after ${seconds()}; Ctrl-C stops it)`);

let stopping = false;
async function shutdown(why) {
  if (stopping) return;
  stopping = true;
  say(`stopping code-server (${why})`);
  await server.stop();
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(signal));
// Ctrl-C reaches every process in the terminal's group, this one included. But `npm start` runs this
// under `sh -c`, and when only npm gets a signal (a process manager, `kill <npm pid>`) the shell dies or
// waits without passing it on: stop when the parent, or npm above the shell, is gone.
const parent = process.ppid;
const npm = process.env.npm_lifecycle_event === 'start' ? parentOf(parent) : undefined;
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
};
setInterval(() => (process.ppid !== parent || (npm && !alive(npm))) && void shutdown('npm exited'), 1000).unref();
server.child.once('exit', (code, signal) => {
  if (stopping) return;
  fail(`code-server exited (${signal ?? `exit code ${code}`}); its last output:\n${server.output().trim().split('\n').slice(-5).join('\n')}`);
});
