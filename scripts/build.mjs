// Bundles the extension client, the language server and the `sockact` CLI with esbuild.
// Everything the runtime needs is inside the bundles; only the `vscode` module stays external.
import { build } from 'esbuild';

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

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js' }),
  // The benchmark runs the same bundled code the server runs (not shipped: .vscodeignore leaves it out).
  build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' }),
]);
