import { writeErr } from './output';

/** The usage text every `sockact` command prints after a usage error; and the error itself. */
export const USAGE = `usage: sockact lint [--format text|json] [--systemd-version N] PATH...
       sockact activate [--systemd-version N] [--now] [--print-command] [--watch[=PATH]]... [--build PROGRAM [--build-arg ARG]...] UNIT.socket [-- COMMAND ARGS...]
       sockact deploy   [--user | --system | --host HOST ...] [--ssh-config FILE] [--sudo] [--yes] [--force] [--no-verify] UNIT.socket
       sockact verify   [--user | --system | --host HOST] [--ssh-config FILE] [--sudo] [--format text|json] UNIT.socket
       sockact undeploy [--user | --system | --host HOST ...] [--ssh-config FILE] [--sudo] [--yes] UNIT.socket
       sockact list-sockets [--user | --system | --host HOST ...] [--ssh-config FILE] [--sudo] [--format text|json]
       sockact lsp --stdio`;

/** A mistake in the command line: printed with the usage text, exit status 2. */
export class UsageError extends Error {}

/** Prints a usage error or an internal error in one line (no stack trace) and returns the exit status. */
export function reportFailure(e: unknown): number {
  if (e instanceof UsageError) {
    writeErr(`sockact: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  writeErr(`sockact: internal error: ${(e as Error).message ?? String(e)}\n`);
  return 3;
}
