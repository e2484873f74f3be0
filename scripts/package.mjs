// `npm run package`: a production build and `vsce package` → dist-vsix/.
//
//   node scripts/package.mjs            the package for this machine (linux-x64 here; the universal one on a
//                                       platform without its own package); prints the .vsix and its size
//   node scripts/package.mjs --all      all six: linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64
//                                       and the universal package (no --target) for every other platform
//   node scripts/package.mjs --target darwin-arm64 [--target …]
//   import { packageVsix, packageAll } from './package.mjs'
//
// The bundles are the same JavaScript everywhere; the packages differ only in koffi, the FFI package
// `sockact activate` opens sockets with. Activation is Linux-only, so only the two Linux packages carry koffi
// (its loader and the glibc binary of their architecture); darwin, win32 and universal carry no native code.
// A binary for another machine is not installed by `npm ci`: it is fetched with `npm pack` at the exact version
// and checked against the integrity hash package-lock.json records, into .cache/koffi-natives/ (reused).
//
// The build runs in a scratch folder below .cache/ (sources linked in, static files copied), not in dist/:
// the tests run in parallel and spawn dist/cli.js and dist/server.js, so rewriting those while `npm test`
// runs would pull the files from under them. What goes into a .vsix is decided by .vscodeignore alone, exactly
// as a `vsce package` in the repository would decide it; the scratch dist/ holds only what the target needs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
/** Source folders the build reads; linked, so esbuild resolves node_modules from their real place. */
const SOURCES = ['client', 'server', 'bench'];
/** Everything .vscodeignore may whitelist, plus the files vsce itself reads. */
const STATIC = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'walkthroughs', '.vscodeignore', 'language-configuration.json', 'images', 'syntaxes'];

/** Every package `--all` makes; 'universal' is the one without --target. */
export const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'universal'];
/** koffi's loader, the files of the koffi package that run (copied to dist/koffi/). */
export const KOFFI_LOADER = ['package.json', 'LICENSE.txt', 'index.cjs', 'src/koffi/index.cjs', 'src/koffi/src/static.cjs'];

/**
 * The native package a target ships (copied to dist/@koromix/<name>/), or undefined: activation is Linux-only,
 * so darwin, win32 and universal need no binary at all. Only the glibc binary: musl systems (Alpine) get the
 * universal package from the marketplace (their platform is alpine-*), as before.
 */
export function koffiNative(target) {
  const m = /^linux-(x64|arm64)$/.exec(target);
  if (!m) return undefined;
  return { name: `@koromix/koffi-linux-${m[1]}`, files: ['package.json', 'index.js', `linux_${m[1]}/koffi.node`] };
}

/** The package for this machine: its own target when there is one, else the universal package. */
export function hostTarget(platform = process.platform, arch = process.arch) {
  const t = `${platform}-${arch}`;
  return TARGETS.includes(t) ? t : 'universal';
}

export class PackageError extends Error {}

function run(cmd, args, { cwd, quiet }) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: quiet ? 'pipe' : 'inherit' });
  if (r.error) throw new PackageError(`${relative(ROOT, args[0]) || cmd} could not be started: ${r.error.message}`);
  if (r.status !== 0) {
    const output = quiet ? `\n${r.stdout}${r.stderr}`.trimEnd() : '';
    throw new PackageError(`${args.map((a) => (a.startsWith(ROOT) ? relative(ROOT, a) : a)).join(' ')} failed (exit ${r.status ?? r.signal})${output}`);
  }
  return r;
}

/** What package-lock.json pins for a package: version and integrity (the hash npm checked at install). */
function locked(name) {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const entry = lock.packages?.[`node_modules/${name}`];
  if (!entry?.version || !entry.integrity) throw new PackageError(`package-lock.json pins no version and integrity for ${name}`);
  return { version: entry.version, integrity: entry.integrity };
}

/** Whether a file's bytes have the Subresource-Integrity hash ("sha512-<base64>") package-lock.json records. */
function hasIntegrity(file, integrity) {
  const [algorithm, expected] = integrity.split(/-(.*)/s);
  return createHash(algorithm).update(readFileSync(file)).digest('base64') === expected;
}

/** npm, run by the same node: `npm_execpath` under `npm run`, else npm's own script beside node (no .cmd shims). */
function npmCommand() {
  const candidates = [
    process.env.npm_execpath,
    join(dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  const script = candidates.find((c) => c && /\.c?js$/.test(c) && existsSync(c));
  return script ? [process.execPath, script] : ['npm'];
}

/**
 * The folder holding the native package `name` at the version package-lock.json pins: node_modules when
 * `npm ci` installed it (this machine's own platform; npm checked it), else the tarball from `npm pack`, kept in
 * .cache/koffi-natives/, its integrity checked against package-lock.json, and extracted beside it.
 */
function nativePackageDir(name, { quiet }) {
  const { version, integrity } = locked(name);
  try {
    const installed = dirname(require.resolve(name));
    if (JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version === version) return installed;
  } catch { /* not installed: another platform's package */ }
  const cache = join(ROOT, '.cache', 'koffi-natives');
  mkdirSync(cache, { recursive: true });
  const base = `${name.replace(/^@/, '').replace('/', '-')}-${version}`;
  const tgz = join(cache, `${base}.tgz`);
  if (!existsSync(tgz) || !hasIntegrity(tgz, integrity)) {
    rmSync(tgz, { force: true });
    if (!quiet) console.log(`fetching ${name}@${version} (npm pack)`);
    const [npm, ...pre] = npmCommand();
    run(npm, [...pre, 'pack', `${name}@${version}`, '--pack-destination', cache, '--silent'], { cwd: cache, quiet: true });
    if (!existsSync(tgz)) throw new PackageError(`npm pack ${name}@${version} wrote no ${relative(ROOT, tgz)}`);
    if (!hasIntegrity(tgz, integrity)) {
      rmSync(tgz, { force: true });
      throw new PackageError(`${name}@${version} from the registry does not match the integrity in package-lock.json`);
    }
  }
  const dir = join(cache, base);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  run('tar', ['-xzf', tgz, '-C', dir], { cwd: cache, quiet: true });
  return join(dir, 'package');
}

/** dist/ of the scratch folder gets exactly the koffi files `target` ships (none for darwin, win32, universal). */
function layOutKoffi(stage, target, { quiet }) {
  rmSync(join(stage, 'dist', 'koffi'), { recursive: true, force: true });
  rmSync(join(stage, 'dist', '@koromix'), { recursive: true, force: true });
  const native = koffiNative(target);
  if (!native) return;
  const koffi = dirname(require.resolve('koffi'));
  const copy = (from, to, files) => {
    for (const f of files) {
      mkdirSync(dirname(join(to, f)), { recursive: true });
      cpSync(join(from, f), join(to, f));
    }
  };
  copy(koffi, join(stage, 'dist', 'koffi'), KOFFI_LOADER);
  const nativeDir = nativePackageDir(native.name, { quiet });
  const loaderVersion = JSON.parse(readFileSync(join(koffi, 'package.json'), 'utf8')).version;
  const nativeVersion = JSON.parse(readFileSync(join(nativeDir, 'package.json'), 'utf8')).version;
  // koffi refuses a binary of another version ("Mismatched native Koffi modules"): fail here, not at run time.
  if (nativeVersion !== loaderVersion) throw new PackageError(`${native.name} is ${nativeVersion}, koffi is ${loaderVersion}`);
  copy(nativeDir, join(stage, 'dist', native.name), native.files);
}

/**
 * One production build, then one .vsix per target. Returns `[{ target, vsix, bytes, version }]`; throws a
 * PackageError on failure (the message says which step failed and, when quiet, what it printed).
 */
export function packageTargets(targets, { quiet = false } = {}) {
  for (const t of targets) if (!TARGETS.includes(t)) throw new PackageError(`unknown target '${t}' (one of ${TARGETS.join(', ')})`);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const outDir = join(ROOT, 'dist-vsix');
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const stage = mkdtempSync(join(ROOT, '.cache', 'package-'));
  const made = [];
  try {
    for (const s of SOURCES) symlinkSync(join(ROOT, s), join(stage, s), 'dir');
    for (const s of STATIC) cpSync(join(ROOT, s), join(stage, s), { recursive: true });

    if (!quiet) console.log('production build (node scripts/build.mjs --production)');
    run(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--production'], { cwd: stage, quiet });

    const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
    for (const target of targets) {
      layOutKoffi(stage, target, { quiet });
      const vsix = join(outDir, `${manifest.name}-${manifest.version}${target === 'universal' ? '' : `-${target}`}.vsix`);
      // Written beside the target and renamed, so a reader never sees half a .vsix.
      const partial = join(stage, 'out.vsix');
      const args = [vsce, 'package', '--no-dependencies', '--out', partial, ...(target === 'universal' ? [] : ['--target', target])];
      if (!quiet) console.log(`vsce package ${target === 'universal' ? '(universal)' : `--target ${target}`}`);
      run(process.execPath, args, { cwd: stage, quiet: true });
      renameSync(partial, vsix);
      made.push({ target, vsix, bytes: statSync(vsix).size, version: manifest.version });
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return made;
}

/** The package for this machine (what e2e installs): `{ target, vsix, bytes, version }`. */
export function packageVsix({ quiet = false, target = hostTarget() } = {}) {
  return packageTargets([target], { quiet })[0];
}

/** All six packages. */
export function packageAll({ quiet = false } = {}) {
  return packageTargets(TARGETS, { quiet });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const args = process.argv.slice(2);
    const targets = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--all') targets.push(...TARGETS);
      else if (args[i] === '--target' && args[i + 1]) targets.push(args[++i]);
      else if (args[i].startsWith('--target=')) targets.push(args[i].slice('--target='.length));
      else throw new PackageError(`unknown argument '${args[i]}' (use --all or --target T)`);
    }
    for (const { vsix, bytes } of packageTargets([...new Set(targets.length ? targets : [hostTarget()])])) {
      console.log(`${relative(process.cwd(), vsix)} (${(bytes / 1024).toFixed(0)} KiB)`);
    }
  } catch (e) {
    if (!(e instanceof PackageError)) throw e;
    console.error(`npm run package: ${e.message}`);
    process.exit(1);
  }
}
