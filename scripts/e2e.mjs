// `npm run test:e2e`: the extension as a user gets it, tested inside a real VS Code (code-server 4.100.3 =
// VS Code 1.100.3) on this machine, where VS Code itself cannot be downloaded.
//
//  1. build the extension and the extension-host suite (client/test/suite → dist-test/), type-check the suite
//  2. package the extension into a .vsix (scripts/package.mjs when present, else vsce) and install THAT
//     .vsix, plus the test-only runner extension (test-runner-extension/), into a fresh extensions folder
//  3. start code-server on a copy of client/test/fixtures/workspace; open the workbench in Debian's Chromium
//     (playwright-core) so the extension host starts; the runner runs the mocha suite inside it and writes a
//     JSON verdict, which this script polls for
//  4. browser checks on the same workbench (test/e2e/browser.mjs): Quick Open, squiggles, suggest widget,
//     hover, quick fix (Ctrl+.)
//  5. the suite again in an untrusted folder (Restricted Mode), where the extension must still work
//  6. the web build (package.json "browser") in code-server's web worker extension host: a second
//     code-server with its own extensions folder (only the .vsix) and the user setting
//     `remote.extensionKind: { "sockact.sockact": ["web"] }`; browser checks (test/e2e/browser.mjs
//     webChecks) prove the host and repeat squiggles, hover, completion and a quick fix (web-*.png)
//
// Deploy target: for the whole run, a REAL systemd (PID 1 of its own namespaces over a copy-on-write root)
// with an OpenSSH server inside runs beside code-server (test/e2e/isolatedHost.ts, started first, stopped in
// a finally). It has sockact-e2e.socket installed and listening; the same unit files go into the
// workspace's deployed/ folder; the ssh alias and ssh_config reach the suite as SOCKACT_TEST_SSH_HOST /
// SOCKACT_TEST_SSH_CONFIG (and sockact.deploy.hosts / sshConfig in the user settings), the unit as
// SOCKACT_TEST_DEPLOYED. Where it cannot boot (not root, no systemd), SOCKACT_TEST_SYSTEMD_SKIP says why.
//
// Screenshots go to test-results/. The last line is `N passed, N failed`; the exit status is 1 on any failure.
// Environment: SOCKACT_VSIX=file.vsix tests that file instead of packaging; SOCKACT_E2E_KEEP=1 keeps the
// temporary folder; SOCKACT_E2E_GREP=regex runs only matching suite tests (and still the browser checks);
// SOCKACT_E2E_SKIP_UNTRUSTED=1 skips step 5, SOCKACT_E2E_SKIP_WEB=1 step 6; SOCKACT_E2E_VERBOSE=1 shows code-server's output;
// SOCKACT_E2E_BROWSER=graph (or editor, sockets, walkthrough, comma-separated) runs only those browser checks.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium } from 'playwright-core';
import { buildSuite, FIXTURES, SUITE_INDEX, typecheckSuite } from '../client/test/build.mjs';
import { browserChecks, dependencyGraphCheck, socketUnitsViewCheck, walkthroughCheck, webChecks } from '../test/e2e/browser.mjs';
import { CHROMIUM_ARGS, ensureChromium, ensureCodeServer, installVsix, ROOT, startCodeServer } from './codeServer.mjs';

const RESULTS_DIR = join(ROOT, 'test-results');
const RUNNER_DIR = join(ROOT, 'test-runner-extension');
const SUITE_TIMEOUT_MS = 150_000;
const verbose = process.env.SOCKACT_E2E_VERBOSE === '1';

const started = Date.now();
const results = []; // { name, ok, error? }
const timings = [];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function record(name, ok, error) {
  results.push({ name, ok, error });
  console.log(`  ${ok ? '✔' : '✘'} ${name}${ok ? '' : `\n      ${String(error).split('\n').join('\n      ')}`}`);
}

async function timed(label, fn) {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    timings.push(`${label} ${seconds(Date.now() - t)}`);
  }
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

const PACKAGE_SCRIPT = join(ROOT, 'scripts', 'package.mjs');
const usesPackageScript = () => !process.env.SOCKACT_VSIX && existsSync(PACKAGE_SCRIPT);

/**
 * The .vsix to test: SOCKACT_VSIX, else what `npm run package` makes (scripts/package.mjs, its packageVsix()
 * export: a production build in a staging folder → dist-vsix/sockact-<version>.vsix), else our own
 * `vsce package` of dist/ into .cache/sockact.vsix.
 */
async function packageExtension() {
  if (process.env.SOCKACT_VSIX) return process.env.SOCKACT_VSIX;
  if (usesPackageScript()) {
    const mod = await import(PACKAGE_SCRIPT);
    if (typeof mod.packageVsix !== 'function') throw new Error('scripts/package.mjs no longer exports packageVsix({ quiet })');
    const { vsix } = await mod.packageVsix({ quiet: true });
    return vsix;
  }
  const vsix = join(ROOT, '.cache', 'sockact.vsix');
  const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '-o', vsix], { stdio: ['ignore', 'ignore', 'inherit'] });
  return vsix;
}

function writeUserSettings(userDataDir, settings) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'files.autoSave': 'off',
        'window.commandCenter': false,
        ...settings,
      },
      null,
      2,
    ),
  );
}

/**
 * Starts test/e2e/isolatedHost.ts (an isolated systemd with sshd and a socket unit) and waits for its JSON
 * line. Resolves to { info, stop } where info is { alias, sshConfig, unit, service, port, files } or
 * { skip }; stop() closes its stdin (it stops systemd then) and waits for it to exit, SIGKILL after 20 s.
 */
function startIsolatedHost() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'e2e', 'isolatedHost.ts')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr = (stderr + d).slice(-5000);
    if (verbose) process.stderr.write(`[isolated host] ${d}`);
  });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(signal ?? code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  const info = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the isolated systemd did not come up within 90 s:\n${stderr}`)), 90_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        const data = JSON.parse(out.slice(0, nl));
        if (data.error) reject(new Error(`isolated systemd: ${data.error}`));
        else resolve(data);
      } catch (e) {
        reject(new Error(`isolated systemd said: ${out.slice(0, nl)}\n${stderr}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the isolated systemd launcher exited (${code}) before it was up:\n${stderr}`));
    });
  });
  info.catch(() => {});
  return { info, stop };
}

/** The environment, settings and workspace files the suite gets for the isolated host (see the header). */
function hostSetup(host) {
  if (!host || host.skip) return { env: { SOCKACT_TEST_SYSTEMD_SKIP: host?.skip ?? 'no isolated systemd' }, settings: {}, files: {} };
  return {
    env: {
      SOCKACT_TEST_SSH_HOST: host.alias,
      SOCKACT_TEST_SSH_CONFIG: host.sshConfig,
      SOCKACT_TEST_DEPLOYED: JSON.stringify({ unit: host.unit, service: host.service, port: host.port, folder: 'deployed' }),
    },
    settings: { 'sockact.deploy.hosts': [host.alias], 'sockact.deploy.sshConfig': host.sshConfig },
    files: Object.fromEntries(Object.entries(host.files).map(([name, text]) => [join('deployed', name), text])),
  };
}

/** Polls for the runner's verdict (printing each test as it finishes) until the deadline. */
async function waitForVerdict(file, server) {
  const deadline = Date.now() + SUITE_TIMEOUT_MS;
  let shown = 0;
  let last = '';
  const showProgress = () => {
    if (!existsSync(`${file}.progress`)) return;
    const lines = readFileSync(`${file}.progress`, 'utf8').split('\n').filter(Boolean);
    for (const line of lines.slice(shown)) {
      const r = JSON.parse(line);
      if (verbose) console.log(`    … ${r.state} ${r.title}`);
      last = r.title;
    }
    shown = lines.length;
  };
  while (Date.now() < deadline) {
    showProgress();
    if (existsSync(file)) {
      showProgress();
      return JSON.parse(readFileSync(file, 'utf8'));
    }
    if (server.child.exitCode !== null) throw new Error(`code-server exited (${server.child.exitCode}) before the suite finished:\n${server.output()}`);
    await sleep(250);
  }
  const started = existsSync(`${file}.started`);
  throw new Error(
    started
      ? `the suite started but gave no verdict within ${SUITE_TIMEOUT_MS / 1000} s (finished: ${shown} tests; the last one to finish: ${last || 'none'})`
      : `the test-runner extension never started within ${SUITE_TIMEOUT_MS / 1000} s (is the extension host up? see code-server output:\n${server.output().slice(-3000)})`,
  );
}

/** code-server and Chromium of the sessions running now ({ server, context }), for an interrupted run. */
const live = new Set();
/** Temporary folders of this run, removed on an interrupt too. */
const workDirs = new Set();

/** Starts code-server + Chromium on a fresh copy of the fixtures, runs the suite, returns the live session. */
async function session(work, name, { trusted, grep, host = hostSetup(undefined) }) {
  const dir = join(work, name);
  const workspace = join(dir, 'workspace');
  const userDataDir = join(dir, 'user');
  const verdictFile = join(dir, 'verdict.json');
  cpSync(FIXTURES, workspace, { recursive: true });
  for (const [file, text] of Object.entries(host.files)) {
    mkdirSync(join(workspace, file, '..'), { recursive: true });
    writeFileSync(join(workspace, file), text);
  }
  writeUserSettings(userDataDir, {
    ...host.settings,
    ...(trusted ? {} : { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' }),
  });
  const server = await timed(`${name}: code-server up`, () =>
    startCodeServer({
      folder: workspace,
      userDataDir,
      extensionsDir: join(work, 'extensions'),
      configDir: dir,
      quiet: !verbose,
      extraArgs: trusted ? ['--disable-workspace-trust'] : [],
      env: {
        SOCKACT_TEST_SUITE: SUITE_INDEX,
        SOCKACT_TEST_VERDICT: verdictFile,
        SOCKACT_TEST_GREP: grep ?? '',
        SOCKACT_EXPECT_TRUSTED: trusted ? '1' : '0',
        ...host.env,
      },
    }),
  );
  let context;
  // Stopping twice is harmless: the entry stays until the run ends.
  const entry = { server };
  live.add(entry);
  try {
    context = await chromium.launchPersistentContext(join(dir, 'chromium'), {
      executablePath: ensureChromium(),
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      // Our own handler (in main) closes Chromium and code-server on a signal; Playwright's would exit first.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    entry.context = context;
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const verdict = await timed(`${name}: extension-host suite`, () => waitForVerdict(verdictFile, server));
    return { server, context, page, verdict, workspace };
  } catch (e) {
    await context?.close().catch(() => {});
    await server.stop();
    throw e;
  }
}

/** The extension id package.json names (publisher.name), as remote.extensionKind wants it. */
function extensionId() {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return `${manifest.publisher}.${manifest.name}`;
}

/**
 * Step 6: a second code-server whose user settings run the extension in the web worker extension host
 * (remote.extensionKind ["web"]: the host that loads package.json "browser", as vscode.dev does). Its own
 * extensions folder holds only the .vsix: the test runner would run the suite in the Node host, where the
 * extension is not. No suite here; the browser checks are the test.
 */
async function webSession(work, entry, vsix) {
  const dir = join(work, 'web');
  const workspace = join(dir, 'workspace');
  const userDataDir = join(dir, 'user');
  const extensionsDir = join(dir, 'extensions');
  cpSync(FIXTURES, workspace, { recursive: true });
  writeUserSettings(userDataDir, { 'remote.extensionKind': { [extensionId()]: ['web'] } });
  // A key for a desktop-only command without enablement (the activation status bar menu): webChecks calls it.
  writeFileSync(join(userDataDir, 'User', 'keybindings.json'), JSON.stringify([{ key: 'ctrl+alt+shift+d', command: 'sockact.activationMenu' }]));
  await timed('web: install .vsix', () => installVsix(entry, vsix, extensionsDir));
  const server = await timed('web: code-server up', () =>
    startCodeServer({ folder: workspace, userDataDir, extensionsDir, configDir: dir, quiet: !verbose, extraArgs: ['--disable-workspace-trust'] }),
  );
  const entryLive = { server };
  live.add(entryLive);
  let context;
  try {
    context = await chromium.launchPersistentContext(join(dir, 'chromium'), {
      executablePath: ensureChromium(),
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    entryLive.context = context;
    const page = context.pages()[0] ?? (await context.newPage());
    // The web worker host's own errors (an activation that failed) go to the page console: kept for the report.
    const errors = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /sockact/i.test(m.text())) errors.push(m.text());
    });
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await timed('web: browser checks', () => webChecks(page, { record, root: ROOT, resultsDir: RESULTS_DIR }));
    record('web worker host: no extension errors in the page console', errors.length === 0, errors.join('\n'));
  } finally {
    await context?.close().catch(() => {});
    await server.stop();
  }
}

function recordVerdict(prefix, verdict) {
  console.log(`  (VS Code ${verdict.vscodeVersion ?? '?'}, ${verdict.tests.length} tests in ${seconds(verdict.durationMs)})`);
  for (const t of verdict.tests) {
    if (t.state === 'pending') console.log(`  - ${prefix}${t.title} (skipped)`);
    else record(`${prefix}${t.title}`, t.state === 'passed', t.message);
  }
  if (verdict.tests.length === 0) record(`${prefix}the suite ran at least one test`, false, 'no tests ran');
}

/** A screenshot of the whole page into test-results/e2e-NAME.png. */
async function shot(page, name) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `e2e-${name}.png`);
  await page.screenshot({ path: file });
  return relative(ROOT, file);
}

/** SOCKACT_E2E_BROWSER=graph,editor,sockets,walkthrough runs only those groups of browser checks (default: all). */
function browserWanted(group) {
  const wanted = process.env.SOCKACT_E2E_BROWSER;
  return !wanted || wanted.split(',').map((w) => w.trim()).includes(group);
}

async function main() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  for (const f of readdirSync(RESULTS_DIR)) if (/^(e2e|web)-.*\.png$/.test(f)) rmSync(join(RESULTS_DIR, f));
  // Booted while the extension builds; stopped in the finally below (and by its own exit handlers).
  const isolated = startIsolatedHost();
  // Ctrl-C / SIGTERM: stop code-server, Chromium and the isolated systemd before going (they would outlive us).
  const interrupted = async (signal) => {
    console.log(`\ne2e: ${signal}: stopping code-server and the isolated systemd`);
    for (const s of live) {
      await s.context?.close().catch(() => {});
      await s.server?.stop().catch(() => {});
    }
    await isolated.stop().catch(() => {});
    if (process.env.SOCKACT_E2E_KEEP !== '1') for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await runAll(isolated);
  } finally {
    await timed('isolated systemd stopped', () => isolated.stop());
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`\ne2e: ${timings.join(', ')}; total ${seconds(Date.now() - started)}`);
  console.log(`screenshots: ${relative(ROOT, RESULTS_DIR)}/`);
  if (failed > 0) console.log(`failed:\n${results.filter((r) => !r.ok).map((r) => `  ${r.name}`).join('\n')}`);
  if (process.env.SOCKACT_E2E_README_SHOTS === '1') updateReadmeShots(failed);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

/**
 * The screenshots at the top of the README (images/screenshots/), replaced by this run's when every check
 * passed (SOCKACT_E2E_README_SHOTS=1): the README shows the product as the last green run saw it.
 */
const README_SHOTS = ['03-diagnostic-hover', '04-completion', '06-quick-fix-menu', '09-socket-units-view', '11-walkthrough', '12-dependency-graph'];

function updateReadmeShots(failed) {
  if (failed > 0) {
    console.log('e2e: README screenshots not updated: the run had failures');
    return;
  }
  const dir = join(ROOT, 'images', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const missing = [];
  for (const name of README_SHOTS) {
    const from = join(RESULTS_DIR, `e2e-${name}.png`);
    if (existsSync(from)) cpSync(from, join(dir, `${name}.png`));
    else missing.push(name);
  }
  console.log(`e2e: README screenshots updated in ${relative(ROOT, dir)}/${missing.length ? ` (not taken this run: ${missing.join(', ')})` : ''}`);
}

async function runAll(isolated) {
  console.log('e2e: build');
  await timed('build + suite type-check', async () => {
    // scripts/package.mjs builds in its own staging folder; only our own vsce fallback packages dist/.
    if (!usesPackageScript()) run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')]);
    await buildSuite();
    typecheckSuite();
  });
  const vsix = await timed('package .vsix', packageExtension);
  console.log(`e2e: testing ${relative(ROOT, vsix)}`);
  const entry = await timed('code-server install (cached after the first run)', async () => {
    ensureChromium();
    return ensureCodeServer();
  });

  const work = mkdtempSync(join(tmpdir(), 'sockact-e2e-'));
  workDirs.add(work);
  const sessions = [];
  try {
    const host = await timed('isolated systemd + sshd up', async () => {
      try {
        const info = await isolated.info;
        console.log(info.skip ? `e2e: no deploy target: ${info.skip}` : `e2e: deploy target: ssh ${info.alias} (isolated systemd, booted in ${info.bootMs} ms), ${info.unit} on 127.0.0.1:${info.port}`);
        return hostSetup(info);
      } catch (e) {
        record('isolated systemd with sshd for the deploy tests', false, e.message);
        return hostSetup({ skip: `the isolated systemd failed to start: ${e.message.split('\n')[0]}` });
      }
    });

    const extensionsDir = join(work, 'extensions');
    await timed('install .vsix + runner', async () => {
      await installVsix(entry, vsix, extensionsDir);
      // The runner goes in as a .vsix too: a folder merely copied next to installed extensions is not in the
      // extensions folder's extensions.json, and code-server marks it as removed.
      const runnerVsix = join(work, 'sockact-test-runner.vsix');
      const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
      run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', runnerVsix], {
        cwd: RUNNER_DIR,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      await installVsix(entry, runnerVsix, extensionsDir);
    });

    console.log('e2e: extension-host suite in code-server (trusted folder)');
    const main = await session(work, 'trusted', { trusted: true, grep: process.env.SOCKACT_E2E_GREP, host });
    sessions.push(main);
    recordVerdict('', main.verdict);
    await shot(main.page, '00-after-suite');

    console.log('e2e: browser checks');
    await timed('browser checks', async () => {
      if (browserWanted('editor')) await browserChecks(main.page, { record, root: ROOT, resultsDir: RESULTS_DIR });
      if (browserWanted('graph')) await dependencyGraphCheck(main.page, { record, root: ROOT, resultsDir: RESULTS_DIR });
      if (browserWanted('sockets')) await socketUnitsViewCheck(main.page, { record, root: ROOT, resultsDir: RESULTS_DIR, host: host.env.SOCKACT_TEST_SSH_HOST, deployed: host.env.SOCKACT_TEST_DEPLOYED && JSON.parse(host.env.SOCKACT_TEST_DEPLOYED) });
      if (browserWanted('walkthrough')) await walkthroughCheck(main.page, { record, root: ROOT, resultsDir: RESULTS_DIR });
    });
    await main.context.close();
    await main.server.stop();
    sessions.pop();

    if (process.env.SOCKACT_E2E_SKIP_UNTRUSTED !== '1') {
      console.log('e2e: the suite again in an untrusted folder (Restricted Mode)');
      const restricted = await session(work, 'untrusted', {
        trusted: false,
        // package.json declares untrustedWorkspaces "limited": everything the suite covers must work in
        // Restricted Mode too (language features need no trust; the run commands refuse there, which the suite checks).
        grep: process.env.SOCKACT_E2E_GREP,
        host,
      });
      sessions.push(restricted);
      recordVerdict('untrusted folder: ', restricted.verdict);
      await shot(restricted.page, '08-untrusted');
    }
    if (process.env.SOCKACT_E2E_SKIP_WEB !== '1') {
      console.log('e2e: the web build in the web worker extension host');
      await webSession(work, entry, vsix);
    }
  } catch (e) {
    record('e2e setup', false, e.stack ?? String(e));
  } finally {
    for (const s of sessions) {
      await s.context.close().catch(() => {});
      await s.server.stop().catch(() => {});
    }
    if (process.env.SOCKACT_E2E_KEEP === '1') console.log(`e2e: kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main().catch((e) => {
  console.error(e.stack ?? String(e));
  console.log(`${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`);
  process.exitCode = 1;
});
