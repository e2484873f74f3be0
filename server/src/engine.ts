/**
 * The Node engine in one bundle (dist/engine.js): the CLI's commands and the language server, each module
 * initialised only when it is asked for (esbuild turns these require() calls into lazy initialisers), so a
 * lint run neither initialises the language server nor activation or deploy, and V8's code cache
 * (node/codeCache.ts) holds only the code that ran. One bundle and not one per command: the language
 * service they share would otherwise ship several times (each .vsix must stay under 1 MB). dist/cli.js
 * (cli.ts) and dist/server.js (serverEntry.ts) are small loaders of it.
 */
type DeployCommand = 'deploy' | 'verify' | 'undeploy' | 'list-sockets';

export function lint(args: string[]): number {
  return (require('./cli/lint') as typeof import('./cli/lint')).run(args);
}

export function activate(args: string[]): void {
  (require('./cli/activate') as typeof import('./cli/activate')).run(args);
}

export function deploy(command: DeployCommand, args: string[]): void {
  (require('./cli/deploy') as typeof import('./cli/deploy')).run(command, args);
}

/** The language server on this process's stdio or IPC channel (server.ts starts listening when loaded). */
export function serve(): void {
  require('./server');
}
