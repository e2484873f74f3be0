// Bundles the extension client, the language server and the `sockact` CLI with esbuild.
// Everything the runtime needs is inside the bundles; only the `vscode` module stays external, and koffi
// (the FFI package `sockact activate` opens sockets with): its native module can't be bundled, so its
// loader and this machine's binary (Linux only: activation is Linux-only) are copied beside the bundles
// (dist/koffi, dist/@koromix), where its own lookup finds them, and the bundles require it by that relative
// path, lazily (server/src/activate/libc.ts). scripts/package.mjs replaces these copies per target.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { noNodeBuiltins } from './noNodeBuiltins.mjs';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

rmSync('dist/koffi', { recursive: true, force: true });
rmSync('dist/@koromix', { recursive: true, force: true });
const nativeName = `@koromix/koffi-${process.platform}-${process.arch}`;
let nativeDir;
try {
  nativeDir = process.platform === 'linux' ? dirname(require.resolve(nativeName)) : undefined;
} catch { /* no prebuilt binary for this machine: activation reports it when asked */ }
if (nativeDir) {
  const copy = (from, to, files) => {
    for (const f of files) {
      mkdirSync(dirname(join(to, f)), { recursive: true });
      cpSync(join(from, f), join(to, f));
    }
  };
  copy(dirname(require.resolve('koffi')), 'dist/koffi', ['package.json', 'LICENSE.txt', 'index.cjs', 'src/koffi/index.cjs', 'src/koffi/src/static.cjs']);
  copy(nativeDir, join('dist', nativeName), ['package.json', 'index.js', `linux_${process.arch}/koffi.node`]);
}

/** `require('koffi')` in the bundles → the copy in dist/koffi (resolved at run time, relative to dist/). */
const koffiBesideBundle = {
  name: 'koffi-beside-bundle',
  setup(b) {
    b.onResolve({ filter: /^koffi$/ }, () => ({ path: './koffi/index.cjs', external: true }));
  },
};

const browserCommon = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // vscode-languageserver/-client and vscode-jsonrpc pick their browser builds through package.json "browser".
  mainFields: ['browser', 'module', 'main'],
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
  plugins: [noNodeBuiltins],
};

await Promise.all([
  // The web extension: loaded by the web worker extension host as a CommonJS module (it provides `vscode`).
  build({ ...browserCommon, format: 'cjs', entryPoints: ['client/src/browserExtension.ts'], outfile: 'dist/browser/client.js', external: ['vscode'] }),
  // The web language server: a dedicated worker script, so one self-contained IIFE.
  build({ ...browserCommon, format: 'iife', entryPoints: ['server/src/browser/server.ts'], outfile: 'dist/browser/server.js' }),
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  // The Node engine (engine.ts: the language server and the CLI's commands) and its two small loaders:
  // dist/server.js, which the extension starts, and dist/cli.js, the `sockact` command. Both load the
  // engine with V8's code cache (server/src/node/codeCache.ts).
  build({ ...common, entryPoints: ['server/src/engine.ts'], outfile: 'dist/engine.js', plugins: [koffiBesideBundle] }),
  build({ ...common, entryPoints: ['server/src/serverEntry.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js' }),
  // The benchmark runs the same bundled code the server runs (not shipped: .vscodeignore leaves it out).
  build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js', plugins: [koffiBesideBundle] }),
]);
