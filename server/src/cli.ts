/**
 * `sockact`: the same engine as the language server, for terminals, CI and other editors.
 *   sockact lint [--format text|json] [--systemd-version N] PATH...      (cli/lint.ts → dist/lint.js)
 *   sockact lsp --stdio                                                 (server.ts → dist/server.js)
 *   sockact activate …                                                  (cli/activate.ts → dist/activate.js)
 *   sockact deploy | verify | undeploy | list-sockets …                 (cli/deploy.ts → dist/deploy.js)
 *
 * This file is only the dispatcher (dist/cli.js): each command is a bundle of its own, loaded with V8's
 * code cache (node/codeCache.ts), so that a lint run neither compiles nor initialises the language server,
 * activation or deploy. Every failure is one line on stderr; no stack trace reaches the user.
 */
import { join } from 'node:path';
import { loadBundle } from './node/codeCache';
import { reportFailure, USAGE, UsageError } from './cli/usage';

type DeployCommand = 'deploy' | 'verify' | 'undeploy' | 'list-sockets';

/** A command's bundle, beside this one in dist/. */
function bundle(name: 'lint' | 'server' | 'activate' | 'deploy', longRunning = false): Record<string, unknown> {
  return loadBundle(join(__dirname, `${name}.js`), { longRunning }).exports;
}

function main(argv: string[]): number | undefined {
  const [command, ...rest] = argv;
  switch (command) {
    case 'lint':
      return (bundle('lint').run as (args: string[]) => number)(rest);
    case 'lsp':
      if (!rest.includes('--stdio')) throw new UsageError('lsp needs --stdio');
      // server.js starts listening on stdio when loaded.
      bundle('server', true);
      return undefined;
    case 'activate':
      (bundle('activate', true).run as (args: string[]) => void)(rest);
      return undefined;
    case 'deploy':
    case 'verify':
    case 'undeploy':
    case 'list-sockets':
      (bundle('deploy').run as (command: DeployCommand, args: string[]) => void)(command, rest);
      return undefined;
    case '-h':
    case '--help':
    case undefined:
      process.stdout.write(USAGE + '\n');
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
