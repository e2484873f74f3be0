/**
 * A bare port (ListenStream=8080) or [::]:port is an AF_INET6 socket (dual-stack: IPv4 clients show up as
 * ::ffff:a.b.c.d). A program that wraps the fd it is handed as AF_INET reads those sockaddr_in6 as
 * sockaddr_in and gets garbled peer addresses (the Flask tutorial's `socket.fromfd(3, socket.AF_INET, …)`).
 * Nothing fails, so sockact says it once per run, and only when the program's script visibly does that.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as libc from './libc';
import type { BoundSocket } from './sockets';

/** Ways of taking an inherited fd as IPv4 whatever it really is (Python's fromfd / socket(AF_INET, fileno=), Perl). */
const AF_INET_WRAPS: RegExp[] = [
  /\bfromfd\s*\([^,()]+,\s*(?:socket\.)?AF_INET\s*[,)]/,
  /\bsocket\s*\((?=[^)]*\bfileno\s*=)[^)]*(?:socket\.)?AF_INET\b(?!6)/,
  /IO::Socket::INET->new_from_fd\b/,
];

const MAX_SCRIPT = 1 << 20;

function readText(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_SCRIPT) return undefined;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(st.size);
      readSync(fd, buf, 0, st.size, 0);
      // Binaries are not read further: only scripts can be matched.
      return buf.includes(0) ? undefined : buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** The first script among the program and its arguments (files next to it) that wraps an fd as AF_INET. */
export function scriptWrappingAsInet(exe: string, args: string[], cwd: string | undefined): string | undefined {
  for (const file of [exe, ...args.filter((a) => !a.startsWith('-'))]) {
    const text = readText(resolve(cwd ?? '.', file));
    if (text && AF_INET_WRAPS.some((re) => re.test(text))) return file;
  }
  return undefined;
}

/** The note for the first AF_INET6 socket handed over, or undefined when none is IPv6 or the script is fine. */
export function ipv6WrapNote(bound: BoundSocket[], exe: string, args: string[], cwd: string | undefined, fdOf: (i: number) => number): string | undefined {
  const i = bound.findIndex((b) => b.family === libc.AF_INET6);
  if (i < 0) return undefined;
  const script = scriptWrappingAsInet(exe, args, cwd);
  if (!script) return undefined;
  const b = bound[i];
  const fd = fdOf(i);
  const ipv4Only = b.port.address.host === '::' ? `, or listen on 0.0.0.0:${b.port.address.port} if IPv4 is all you need` : '';
  return `note: ${b.label} is an IPv6 socket (AF_INET6; IPv4 clients arrive as ::ffff:a.b.c.d) but ${script} wraps fd ${fd} as AF_INET, ` +
    `so peer addresses come out garbled: wrap it as AF_INET6 (in Python socket.socket(fileno=${fd}) detects the family)${ipv4Only}`;
}
