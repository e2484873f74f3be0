/** `sockact activate …`: its own bundle (dist/activate.js), with koffi beside it. */
import { ActivateError, ActivateUsageError, runActivate } from '../activate/run';
import { NativeUnavailable } from '../activate/libc';
import { USAGE } from './usage';

/** Runs until stopped; every failure is one line on stderr (usage errors exit 2, others 1). */
export function run(args: string[]): void {
  runActivate(args).then(
    (status) => process.exit(status),
    (e) => {
      if (e instanceof ActivateUsageError) process.stderr.write(`sockact: ${e.message}\n${USAGE}\n`);
      else if (e instanceof ActivateError || e instanceof NativeUnavailable) process.stderr.write(`sockact: ${e.message}\n`);
      else process.stderr.write(`sockact: internal error: ${(e as Error).message ?? String(e)}\n`);
      process.exit(e instanceof ActivateUsageError ? 2 : e instanceof ActivateError || e instanceof NativeUnavailable ? 1 : 3);
    },
  );
}
