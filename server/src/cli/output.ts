/**
 * The CLI's output, written to fds 1 and 2 with fs.writeSync instead of process.stdout / process.stderr.
 * Why: the first touch of process.stdout builds a stream for the fd (pipe, file or tty), which loads Node's
 * stream machinery; for a one-file `sockact lint` that was a fifth of the run. A synchronous write also
 * means nothing is lost when the command ends with process.exit.
 */
import { writeSync } from 'node:fs';

/** A reader that went away (`sockact lint … | head`): the rest is not wanted. */
let closed = new Set<number>();

function writeAll(fd: number, text: string): void {
  if (closed.has(fd) || text === '') return;
  let data = Buffer.from(text, 'utf8');
  let spins = 0;
  while (data.length > 0) {
    try {
      const n = writeSync(fd, data);
      data = data.subarray(n);
      spins = 0;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' && spins++ < 10_000) {
        // A non-blocking pipe that is full: wait a moment for the reader, without burning the CPU.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      if (code === 'EPIPE') closed.add(fd);
      return;
    }
  }
}

export function writeOut(text: string): void {
  writeAll(1, text);
}

export function writeErr(text: string): void {
  writeAll(2, text);
}

/** For the tests of this module: forget which fds were closed. */
export function resetOutput(): void {
  closed = new Set<number>();
}
