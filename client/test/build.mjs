// Bundles the extension-host suite (client/test/suite/*.ts) into dist-test/suite/ with esbuild: index.js (with
// mocha inside) plus one *.test.js per test file; only `vscode` stays external. `--typecheck` also runs tsc.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SUITE_OUT = join(ROOT, 'dist-test', 'suite');
export const SUITE_INDEX = join(SUITE_OUT, 'index.js');
export const FIXTURES = join(ROOT, 'client', 'test', 'fixtures', 'workspace');

export function typecheckSuite() {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', join(ROOT, 'client', 'test', 'tsconfig.json')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the extension-host suite does not type-check');
}

export async function buildSuite() {
  const src = join(ROOT, 'client', 'test', 'suite');
  rmSync(join(ROOT, 'dist-test'), { recursive: true, force: true });
  const entries = readdirSync(src).filter((f) => f === 'index.ts' || f.endsWith('.test.ts'));
  await build({
    entryPoints: entries.map((f) => join(src, f)),
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'error',
    // mocha loads the test files with a runtime require() of their paths; that is meant to stay dynamic.
    logOverride: { 'unsupported-require-call': 'silent', 'unsupported-dynamic-import': 'silent' },
  });
  return SUITE_INDEX;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--typecheck')) typecheckSuite();
  console.log(await buildSuite());
}
