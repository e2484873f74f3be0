// An esbuild plugin for the web builds (scripts/build.mjs); test/webBundle.test.ts checks that it refuses.
import { builtinModules } from 'node:module';

/**
 * The web builds (package.json "browser"): no Node built-in may end up in them, since a web worker has none.
 * Any import of one (node:fs, fs, child_process …) fails the build here, naming the importer, instead of
 * failing at run time in vscode.dev.
 */
const NODE_BUILTINS = new Set(builtinModules);
export const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, '').split('/')[0];
      if (!args.path.startsWith('node:') && !NODE_BUILTINS.has(bare)) return undefined;
      return { errors: [{ text: `${args.path} is a Node built-in, imported by ${args.importer || 'the entry'}; the web build cannot have it (keep Node-only code out of what the browser entries import)` }] };
    });
  },
};
