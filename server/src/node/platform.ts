/**
 * What this machine can do, by its platform (process.platform, passed in so each branch can be tested on any
 * machine). Language features, the CLI's lint and deploy/verify over ssh work everywhere; socket activation
 * and the local managers need Linux: activation opens sockets through Linux's libc (activate/libc.ts) and
 * hands them over as systemd does, and `--user`/`--system` drive this machine's systemd, which only Linux has.
 */

/** Why socket activation cannot run on `platform`, in one line; undefined on Linux. */
export function activationUnsupported(platform: string): string | undefined {
  return platform === 'linux' ? undefined : `socket activation needs Linux (this is ${platform})`;
}

/** Whether this machine has a user and a system manager to deploy to (systemd: Linux only). */
export function hasLocalManagers(platform: string): boolean {
  return platform === 'linux';
}

/** Why the user or system manager of this machine cannot be a target on `platform`; undefined on Linux. */
export function localManagerUnsupported(kind: 'user' | 'system', platform: string): string | undefined {
  if (hasLocalManagers(platform)) return undefined;
  return `the ${kind} manager needs systemd on this machine, and systemd runs on Linux only (this is ${platform}): use a host, --host HOST`;
}
