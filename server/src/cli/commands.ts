/**
 * The CLI's commands in one bundle (dist/commands.js), each module required only when its command runs:
 * esbuild turns these require() calls into lazy initialisers, so a lint run neither initialises
 * activation nor deploy, and V8's code cache (node/codeCache.ts) holds only the code that ran. One bundle
 * and not one per command: the service they share would otherwise ship three times (the .vsix must stay
 * under 1 MB).
 */
type DeployCommand = 'deploy' | 'verify' | 'undeploy' | 'list-sockets';

export function lint(args: string[]): number {
  return (require('./lint') as typeof import('./lint')).run(args);
}

export function activate(args: string[]): void {
  (require('./activate') as typeof import('./activate')).run(args);
}

export function deploy(command: DeployCommand, args: string[]): void {
  (require('./deploy') as typeof import('./deploy')).run(command, args);
}
