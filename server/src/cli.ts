/**
 * `sockact`: the same engine as the language server, for terminals, CI and other editors.
 *   sockact lint [--format text|json] [--systemd-version N] PATH...      (cli/lint.ts)
 *   sockact activate …                                                  (cli/activate.ts)
 *   sockact deploy | verify | undeploy | list-sockets …                 (cli/deploy.ts)
 *   sockact lsp --stdio                                                 (server.ts)
 *
 * This file is only the dispatcher (dist/cli.js). The commands and the language server are dist/engine.js
 * (engine.ts: each initialised only when it runs), loaded with V8's code cache (node/codeCache.ts), so a
 * lint run neither compiles nor initialises the language server. Every failure is one line on stderr; no
 * stack trace reaches the user.
 */
import { join } from 'node:path';
import { loadBundle } from './node/codeCache';
import { writeErr, writeOut } from './cli/output';
import { reportFailure, USAGE, UsageError } from './cli/usage';
import { activationUnsupported } from './node/platform';

type Engine = typeof import('./engine');

/** The engine bundle beside this one in dist/. */
function engine(longRunning = false): Engine {
  return loadBundle(join(__dirname, 'engine.js'), { longRunning }).exports as unknown as Engine;
}

function main(argv: string[]): number | undefined {
  const [command, ...rest] = argv;
  switch (command) {
    case 'lint':
      return engine().lint(rest);
    case 'lsp':
      if (!rest.includes('--stdio')) throw new UsageError('lsp needs --stdio');
      engine(true).serve();
      return undefined;
    case 'activate': {
      // Before the arguments are read: on macOS or Windows no argument could make it run.
      const unsupported = activationUnsupported(process.platform);
      if (unsupported) {
        writeErr(`sockact activate: ${unsupported}\n`);
        return 2;
      }
      engine(true).activate(rest);
      return undefined;
    }
    case 'deploy':
    case 'verify':
    case 'undeploy':
    case 'list-sockets':
      engine().deploy(command, rest);
      return undefined;
    case '-h':
    case '--help':
    case undefined:
      writeOut(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

try {
  const status = main(process.argv.slice(2));
  if (status !== undefined) process.exitCode = status;
} catch (e) {
  process.exitCode = reportFailure(e);
}
