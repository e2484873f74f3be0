/**
 * The bundled server driven by a real editor that is not VS Code: Neovim's built-in LSP client
 * (Neovim 0.7, Debian's `neovim` package; `.ci/run` installs it). test/fixtures/neovim/lsp-client.lua
 * starts `node dist/cli.js lsp --stdio` with vim.lsp.start_client, attaches it to a buffer holding a
 * temp copy of test/fixtures/neovim/web.socket, waits for the diagnostics Neovim shows, asks for hover
 * and completion, formats a messy text with Neovim's own formatting command, stops the server, and
 * writes what it saw to a JSON file that this test checks.
 *
 * Everything Neovim or the server writes (result, lsp.log, XDG folders, HOME) stays in a temp folder
 * that is removed afterwards. Skipped, saying why, when `nvim` is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/neovim/', import.meta.url));
const SCRIPT = join(FIXTURES, 'lsp-client.lua');
const TIMEOUT_MS = 30_000;

/** What lsp-client.lua writes (see that file). */
interface NeovimResult {
  steps: string[];
  error?: string;
  uri?: string;
  capabilities?: Record<string, unknown>;
  serverInfo?: { name: string; version?: string };
  configurationRequests?: number;
  diagnostics?: Array<{ code: string | number; line: number; col: number; severity: number; message: string }>;
  hover?: RequestOutcome;
  completionKey?: RequestOutcome;
  completionValue?: RequestOutcome;
  /** The buffer's lines after vim.lsp.buf.format (formatting_sync on 0.7) of a messy text. */
  formatted?: string[];
  exit?: { code: number; signal: number };
}
type RequestOutcome = { result: unknown } | { error: { code?: number; message: string } };

/** The nvim on PATH, found without running it (running it, even with --version, writes to ~/.cache). */
function findNvim(): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, 'nvim');
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const NVIM = findNvim();

/** Runs nvim with the Lua client; resolves with its exit status and output, kills it (and the server it started) after TIMEOUT_MS. */
function runNeovim(env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    // Own process group (detached), so a timeout can end nvim and the server it spawned together.
    const child = spawn(NVIM!, ['--headless', '-u', 'NONE', '-i', 'NONE', '--cmd', 'set noswapfile', '-c', `luafile ${SCRIPT}`], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, output });
    });
  });
}

function hoverText(hover: unknown): string {
  if (hover == null) return '';
  if (typeof hover === 'string') return hover;
  if (Array.isArray(hover)) return hover.map(hoverText).join('\n');
  const h = hover as { contents?: unknown; value?: unknown };
  if (h.contents !== undefined) return hoverText(h.contents);
  return typeof h.value === 'string' ? h.value : '';
}

function completionLabels(completion: unknown): string[] {
  if (completion == null) return [];
  const items = Array.isArray(completion) ? completion : ((completion as { items?: unknown[] }).items ?? []);
  return items.map((i) => String((i as { label: unknown }).label));
}

test(
  'Neovim 0.7 (built-in LSP client) gets diagnostics from sockact lsp --stdio',
  { skip: NVIM ? false : 'nvim not found: install Debian\'s `neovim` package (.ci/run does when it is missing)', timeout: TIMEOUT_MS + 10_000 },
  async (t) => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\``);
    const dir = mkdtempSync(join(tmpdir(), 'sockact-nvim-'));
    try {
      const units = join(dir, 'units');
      mkdirSync(units);
      copyFileSync(join(FIXTURES, 'web.socket'), join(units, 'web.socket'));
      // Beside the socket, so the server finds the service it triggers (no missing-service).
      copyFileSync(join(FIXTURES, 'web.service'), join(units, 'web.service'));
      const home = join(dir, 'home');
      const xdg = (name: string) => {
        const p = join(dir, 'xdg', name);
        mkdirSync(p, { recursive: true, mode: 0o700 });
        return p;
      };
      mkdirSync(home);
      const resultFile = join(dir, 'result.json');
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        LANG: 'C.UTF-8',
        TERM: 'dumb',
        HOME: home,
        TMPDIR: dir,
        XDG_CONFIG_HOME: xdg('config'),
        XDG_DATA_HOME: xdg('data'),
        XDG_STATE_HOME: xdg('state'),
        XDG_CACHE_HOME: xdg('cache'),
        XDG_RUNTIME_DIR: xdg('runtime'),
        NVIM_LOG_FILE: join(dir, 'nvim.log'),
        SOCKACT_NODE: process.execPath,
        SOCKACT_CLI: CLI,
        SOCKACT_ROOT: units,
        SOCKACT_UNIT: join(units, 'web.socket'),
        SOCKACT_RESULT: resultFile,
        // 252 is Debian 12's systemd; handed over via workspace/configuration, so the local systemd does not matter.
        SOCKACT_SYSTEMD_VERSION: '252',
      };

      const versionRun = spawnSync(NVIM!, ['--version'], { env, cwd: dir, encoding: 'utf8' });
      const version = versionRun.stdout?.split('\n')[0].trim() || 'nvim (version unknown)';

      const run = await runNeovim(env, dir);
      const lspLog = join(dir, 'xdg', 'cache', 'nvim', 'lsp.log');
      const context = () =>
        `\n--- nvim exit ${run.code} signal ${run.signal}${run.timedOut ? ' (timed out)' : ''}; output:\n${run.output}` +
        (existsSync(lspLog) ? `\n--- lsp.log:\n${readFileSync(lspLog, 'utf8')}` : '');
      assert.ok(!run.timedOut, `nvim did not finish within ${TIMEOUT_MS / 1000} s${context()}`);
      assert.ok(existsSync(resultFile), `nvim wrote no result file${context()}`);
      const result = JSON.parse(readFileSync(resultFile, 'utf8')) as NeovimResult;
      assert.equal(result.error, undefined, `the Lua client failed after steps [${result.steps.join(', ')}] (server exit: ${JSON.stringify(result.exit ?? null)}): ${result.error}${context()}`);
      assert.equal(run.code, 0, `nvim exited with ${run.code}${context()}`);
      assert.equal(result.serverInfo?.name, 'sockact');
      assert.ok((result.configurationRequests ?? 0) >= 1, 'the server never asked Neovim for its settings (workspace/configuration)');
      assert.equal(result.uri, `file://${join(units, 'web.socket')}`);

      // What Neovim shows for the unit (1-based lines, sorted), exactly.
      const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];
      const seen = (result.diagnostics ?? [])
        .map((d) => ({ line: d.line + 1, code: String(d.code), severity: SEVERITY[d.severity] }))
        .sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
      assert.deepEqual(seen, [
        // every Listen*= line is unusable, so systemd refuses the unit (reported on [Socket])
        { line: 5, code: 'no-listen', severity: 'error' },
        // `ListenStream=8080 # the web port`: the comment is part of the value
        { line: 6, code: 'inline-comment', severity: 'warning' },
        // DeferTrigger= arrived in systemd 258; the settings say 252
        { line: 7, code: 'directive-too-new', severity: 'warning' },
        // Backlog=lots
        { line: 8, code: 'invalid-value', severity: 'warning' },
      ]);
      const checked = ['diagnostics'];
      const notChecked: string[] = [];

      const caps = result.capabilities ?? {};
      if (caps.hoverProvider) {
        assert.ok(result.hover && 'result' in result.hover, `hover failed: ${JSON.stringify(result.hover)}`);
        const text = hoverText(result.hover.result);
        assert.match(text, /DeferTrigger/, `hover on DeferTrigger= says: ${JSON.stringify(result.hover.result)}`);
        checked.push('hover');
      } else notChecked.push('hover');
      if (caps.completionProvider) {
        assert.ok(result.completionKey && 'result' in result.completionKey, `completion in a key failed: ${JSON.stringify(result.completionKey)}`);
        const keys = completionLabels(result.completionKey.result);
        assert.ok(
          keys.some((l) => l.replace(/=$/, '') === 'Backlog'),
          `completion after "Back" in [Socket] does not offer Backlog: ${keys.slice(0, 20).join(', ')}`,
        );
        assert.ok(result.completionValue && 'result' in result.completionValue, `completion in a value failed: ${JSON.stringify(result.completionValue)}`);
        const values = completionLabels(result.completionValue.result);
        t.diagnostic(`completion: ${keys.length} items in a key, ${values.length} in the value of Accept= (${values.slice(0, 8).join(', ')})`);
        checked.push('completion');
      } else notChecked.push('completion');

      // Formatting is what other editors get besides VS Code's own: required, not optional.
      assert.ok(caps.documentFormattingProvider, 'the server does not advertise documentFormattingProvider');
      // Blanks around `=` and at line ends go, the run of blank lines shrinks to one, the last empty line goes.
      assert.deepEqual(result.formatted, ['[Unit]', 'Description=Web', '', '[Socket]', 'ListenStream=8080'], 'the buffer after formatting');
      checked.push('formatting');

      // The client stopped the server with shutdown + exit; it must end cleanly.
      assert.deepEqual(result.exit, { code: 0, signal: 0 }, 'the server did not exit cleanly after shutdown/exit');
      checked.push('shutdown');

      t.diagnostic(`${version}: checked ${checked.join(', ')}` + (notChecked.length ? `; not advertised by the server, so not checked: ${notChecked.join(', ')}` : ''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
