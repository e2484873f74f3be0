/**
 * No orphans, whatever kills sockact. A stop or Ctrl-C lets sockact signal each program's process group
 * (installStop in run.ts), but SIGKILL (a terminal closed by VS Code, a crashed extension host) gives it no
 * chance to, and the program would go on holding the port. So every program is started with a parent-death
 * signal: the kernel sends it SIGKILL the moment sockact dies. Node has no pre-exec hook to call prctl() in
 * the child, so util-linux's `setpriv --pdeathsig SIGKILL` sets it and execs the rest of the command line;
 * the setting survives the later execs (sh, then the program), so LISTEN_PID stays the program's pid.
 *
 * The signal comes when the thread that forked the child ends; Node spawns from its main thread, which lives
 * as long as sockact does.
 *
 * SIGKILL rather than SIGTERM: sockact is gone and can no longer escalate, so a program that ignores SIGTERM
 * would stay. The kernel clears the setting when a setuid or setgid program is exec'd, and it reaches only
 * the direct child: what the program itself starts dies with it only if the program sees to that.
 */
import { accessSync, constants } from 'node:fs';

const SETPRIV_PATHS = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv', '/sbin/setpriv'];

let setpriv: string | null | undefined;

function findSetpriv(): string | null {
  if (setpriv !== undefined) return setpriv;
  setpriv = null;
  for (const p of SETPRIV_PATHS) {
    try {
      accessSync(p, constants.X_OK);
      setpriv = p;
      break;
    } catch { /* next */ }
  }
  return setpriv;
}

/** One line to say once when the guarantee cannot be given here, or undefined when it can. */
export function orphanNote(): string | undefined {
  return findSetpriv()
    ? undefined
    : 'note: setpriv (util-linux) is not installed, so if sockact is killed with SIGKILL its program keeps running and holding the sockets';
}

/** The command line that runs `file args` with a parent-death SIGKILL (unchanged without setpriv). */
export function dieWithParent(file: string, args: string[]): { file: string; args: string[] } {
  const sp = findSetpriv();
  return sp ? { file: sp, args: ['--pdeathsig', 'SIGKILL', '--', file, ...args] } : { file, args };
}
