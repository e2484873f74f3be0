// `npm run package`: a production build and `vsce package` → dist-vsix/sockact-<version>.vsix.
//
// The build runs in a scratch folder below .cache/ (sources linked in, static files copied), not in dist/:
// the tests run in parallel and spawn dist/cli.js and dist/server.js, so rewriting those while `npm test`
// runs test/vsix.test.ts would pull the files from under them. What goes into the .vsix is decided by
// .vscodeignore alone, exactly as a `vsce package` in the repository would decide it.
//
//   node scripts/package.mjs            prints what it did, the .vsix path and size
//   import { packageVsix } from './package.mjs'; await packageVsix({ quiet: true })
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Source folders the build reads; linked, so esbuild resolves node_modules from their real place. */
const SOURCES = ['client', 'server', 'bench'];
/** Everything .vscodeignore may whitelist, plus the files vsce itself reads. */
const STATIC = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'walkthroughs', '.vscodeignore', 'language-configuration.json', 'images', 'syntaxes'];

class PackageError extends Error {}

function run(cmd, args, { cwd, quiet }) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: quiet ? 'pipe' : 'inherit' });
  if (r.error) throw new PackageError(`${relative(ROOT, args[0]) || cmd} could not be started: ${r.error.message}`);
  if (r.status !== 0) {
    const output = quiet ? `\n${r.stdout}${r.stderr}`.trimEnd() : '';
    throw new PackageError(`${args.map((a) => (a.startsWith(ROOT) ? relative(ROOT, a) : a)).join(' ')} failed (exit ${r.status ?? r.signal})${output}`);
  }
  return r;
}

/**
 * Builds and packages the extension. Returns `{ vsix, bytes, version }`; throws on failure (the message
 * says which step failed and, when quiet, what it printed).
 */
export function packageVsix({ quiet = false } = {}) {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const outDir = join(ROOT, 'dist-vsix');
  const vsix = join(outDir, `${manifest.name}-${manifest.version}.vsix`);
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const stage = mkdtempSync(join(ROOT, '.cache', 'package-'));
  try {
    for (const s of SOURCES) symlinkSync(join(ROOT, s), join(stage, s), 'dir');
    for (const s of STATIC) cpSync(join(ROOT, s), join(stage, s), { recursive: true });

    if (!quiet) console.log('production build (node scripts/build.mjs --production)');
    run(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--production'], { cwd: stage, quiet });

    const vsce = join(dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');
    // Written beside the target and renamed, so a reader never sees half a .vsix.
    const partial = join(stage, 'out.vsix');
    // No repository: the manifest has none to name, and without the flag vsce would ask on stdin.
    run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', partial], { cwd: stage, quiet });
    renameSync(partial, vsix);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return { vsix, bytes: statSync(vsix).size, version: manifest.version };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { vsix, bytes } = packageVsix();
    console.log(`${relative(process.cwd(), vsix)} (${(bytes / 1024).toFixed(0)} KiB)`);
  } catch (e) {
    if (!(e instanceof PackageError)) throw e;
    console.error(`npm run package: ${e.message}`);
    process.exit(1);
  }
}
