/** `sockact deploy | verify | undeploy | list-sockets …`: their own bundle (dist/deploy.js). */
import { DeployUsageError, runDeployCommand, writeResultFile } from '../deploy/commands';
import { USAGE } from './usage';

/** deploy, verify, undeploy, list-sockets: one line per failure, exit 0 ok, 1 failed, 2 usage. */
export function run(command: 'deploy' | 'verify' | 'undeploy' | 'list-sockets', args: string[]): void {
  runDeployCommand(command, args).then(
    (status) => {
      writeResultFile(status);
      process.exit(status);
    },
    (e) => {
      const line = e instanceof DeployUsageError ? e.message : `internal error: ${(e as Error).message ?? String(e)}`;
      process.stderr.write(`sockact: ${line}${e instanceof DeployUsageError ? `\n${USAGE}` : ''}\n`);
      const status = e instanceof DeployUsageError ? 2 : 3;
      writeResultFile(status, line);
      process.exit(status);
    },
  );
}
