/**
 * The suite's entry point, the way @vscode/test-electron runs suites: `run()` loads every `*.test.js` beside
 * this file into mocha (BDD) inside the extension host and rejects when a test fails. `runSuite()` returns the
 * per-test verdict instead; the test-runner extension (test-runner-extension/) calls it inside code-server and
 * writes the verdict to a JSON file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  message?: string;
  stack?: string;
}

export interface Verdict {
  passes: number;
  failures: number;
  pending: number;
  tests: TestResult[];
  durationMs: number;
  vscodeVersion?: string;
}

export interface RunOptions {
  /** Only tests whose full title matches (mocha --grep). */
  grep?: string;
  /** Per-test timeout in ms. */
  timeout?: number;
  /** Called for each finished test (progress in the log). */
  onResult?: (result: TestResult) => void;
}

export function runSuite(options: RunOptions = {}): Promise<Verdict> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: options.timeout ?? 60_000, reporter: 'spec' });
  if (options.grep) mocha.grep(options.grep);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  const started = Date.now();
  const tests: TestResult[] = [];
  const record = (r: TestResult) => {
    tests.push(r);
    options.onResult?.(r);
  };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(() => {
        resolve({
          passes: tests.filter((t) => t.state === 'passed').length,
          failures: tests.filter((t) => t.state === 'failed').length,
          pending: tests.filter((t) => t.state === 'pending').length,
          tests,
          durationMs: Date.now() - started,
        });
      });
      runner.on('pass', (t) => record({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
      runner.on('pending', (t) => record({ title: t.fullTitle(), state: 'pending' }));
      // 'fail' also fires for hooks (before/after), which then count as failures with the hook's title.
      runner.on('fail', (t, err: Error) => record({ title: t.fullTitle(), state: 'failed', durationMs: t.duration, message: err?.message ?? String(err), stack: err?.stack }));
    } catch (e) {
      reject(e);
    }
  });
}

/** @vscode/test-electron's contract: resolve when every test passed, reject otherwise. */
export async function run(): Promise<void> {
  const verdict = await runSuite();
  if (verdict.failures > 0) throw new Error(`${verdict.failures} of ${verdict.tests.length} tests failed`);
}
