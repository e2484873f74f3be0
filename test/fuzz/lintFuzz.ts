/**
 * `sockact lint` on mutated real units and on random bytes, many files per run (one process lints a whole
 * batch, as CI would): it must end with 0 (clean), 1 (findings) or 2 (a file it cannot read), say every
 * problem in one line, print valid JSON with --format json, and never show a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH } from '../helpers/cli';
import { prng } from '../helpers/random';
import { mutate, Random, seedUnits } from './lspFuzz';

const EXTENSIONS = ['socket', 'service', 'timer', 'path', 'mount', 'conf'];

export interface LintFigures {
  files: number;
  runs: number;
  violations: string[];
}

function randomBytes(r: Random): Buffer {
  const b = Buffer.alloc(1 + r.int(4096));
  for (let i = 0; i < b.length; i++) b[i] = r.int(256);
  return b;
}

export function fuzzLint(seed: number, batches: number, perBatch: number, deadline?: number): LintFigures {
  const r = new Random(prng(seed));
  const seeds = seedUnits();
  const figures: LintFigures = { files: 0, runs: 0, violations: [] };
  const dir = mkdtempSync(join(tmpdir(), 'sockact-lint-fuzz-'));
  try {
    for (let b = 0; b < batches && (!deadline || Date.now() < deadline); b++) {
      const files: string[] = [];
      for (let i = 0; i < perBatch; i++) {
        const file = join(dir, `u${b}-${i}${r.chance(0.1) ? '@' : ''}.${r.pick(EXTENSIONS)}`);
        writeFileSync(file, r.chance(0.1) ? randomBytes(r) : mutate(r, r.pick(seeds)));
        files.push(file);
      }
      const format = r.chance(0.5) ? 'json' : 'text';
      const run = spawnSync(process.execPath, [CLI_PATH, 'lint', '--format', format, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      figures.runs++;
      figures.files += files.length;
      const where = `lint batch ${b} (seed ${seed})`;
      if (run.status === null || ![0, 1, 2].includes(run.status)) figures.violations.push(`${where}: ended with ${run.status ?? run.signal}`);
      if (/\n\s+at .+:\d+:\d+\)?/.test(run.stderr)) figures.violations.push(`${where}: a stack trace: ${run.stderr.slice(0, 500)}`);
      for (const line of run.stderr.split('\n').filter(Boolean)) {
        if (!line.startsWith('sockact: ')) figures.violations.push(`${where}: an error line that is not one sentence from sockact: ${line.slice(0, 200)}`);
      }
      if (format === 'json') {
        try {
          if (!Array.isArray(JSON.parse(run.stdout))) figures.violations.push(`${where}: the JSON is not an array`);
        } catch {
          figures.violations.push(`${where}: --format json printed something that is not JSON: ${run.stdout.slice(0, 200)}`);
        }
      }
      for (const f of files) rmSync(f, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
