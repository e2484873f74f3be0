/**
 * dist/server.js, the module the extension starts as its language server (and `sockact lsp --stdio` runs):
 * it loads the engine bundle with V8's code cache and serves. The server itself is server.ts.
 */
import { join } from 'node:path';
import { loadBundle } from './node/codeCache';

(loadBundle(join(__dirname, 'engine.js'), { longRunning: true }).exports as typeof import('./engine')).serve();
