/**
 * The command lines of "Debug with Socket Activation", as plain functions (no `vscode`, test/debugCommand.test.ts):
 * which runtime a service's program is, the program with its debugger inserted (Node's inspector, or
 * Python's debugpy), the `sockact activate` arguments that run it, a free port for the debugger, and whether
 * that port is listening yet (from /proc/net/tcp: activation is Linux-only, and looking does not connect,
 * which debugpy would take for its client).
 */
import * as net from 'node:net';
import * as path from 'node:path';

export type Runtime = 'node' | 'python';
export type RuntimeSetting = Runtime | 'auto';

/** What `sockact activate --print-command` prints: the program as sockact would start it. */
export interface ResolvedCommand {
  /** command[0] found on PATH (or in the working directory). */
  exe: string;
  command: string[];
  cwd: string | null;
}

const NODE_NAME = /^(node|nodejs)(\d+)?$/;
const NODE_SCRIPT = /\.(js|mjs|cjs)$/;
const PYTHON_NAME = /^python(\d+(\.\d+)?)?$/;
const PYTHON_SCRIPT = /\.py$/;

function isNodeExe(file: string): boolean {
  return NODE_NAME.test(path.basename(file));
}

function isPythonExe(file: string): boolean {
  return PYTHON_NAME.test(path.basename(file));
}

/** The runtime of a program: the interpreter it names (by the resolved file or the word), or its script's extension. */
export function detectRuntime(c: ResolvedCommand): Runtime | undefined {
  if (isNodeExe(c.exe) || isNodeExe(c.command[0]) || NODE_SCRIPT.test(c.exe)) return 'node';
  if (isPythonExe(c.exe) || isPythonExe(c.command[0]) || PYTHON_SCRIPT.test(c.exe)) return 'python';
  return undefined;
}

/** One line for a program whose runtime cannot be told from its command. */
export function unknownRuntimeMessage(c: ResolvedCommand): string {
  return `cannot tell whether ${c.command[0]} is a Node or a Python program; set "runtime": "node" or "python" in the launch configuration, or "program" and "args"`;
}

/** An inspector flag the program already has: replaced by ours (one inspector per process). */
const INSPECT_FLAG = /^--inspect(-brk|-wait)?(=.*)?$/;

/**
 * Node: `--inspect-brk=127.0.0.1:PORT` right after the node executable, so the program waits on its first
 * line until the debugger has set its breakpoints (and only then serves the connection that started it). A
 * script started directly (its `#!` line) is started with `node` instead.
 */
export function nodeDebugCommand(c: ResolvedCommand, port: number): string[] {
  const flag = `--inspect-brk=127.0.0.1:${port}`;
  if (isNodeExe(c.exe) || isNodeExe(c.command[0])) {
    const [node, ...rest] = c.command;
    const script = rest.findIndex((a) => !a.startsWith('-'));
    const options = script === -1 ? rest : rest.slice(0, script);
    const after = script === -1 ? [] : rest.slice(script);
    return [node, flag, ...options.filter((a) => !INSPECT_FLAG.test(a)), ...after];
  }
  return ['node', flag, c.exe, ...c.command.slice(1)];
}

/** Python options that take the next word as their value. */
const PYTHON_OPTION_WITH_VALUE = new Set(['-W', '-X', '--check-hash-based-pycs']);

/**
 * Python: `-m debugpy --listen 127.0.0.1:PORT --wait-for-client` between the interpreter's own options (-u,
 * -X dev, …) and what it runs (a script, `-m module` or `-c code`, which debugpy takes the same way), so the
 * program waits until the debugger is attached. A script started directly is started with `python3`.
 */
export function pythonDebugCommand(c: ResolvedCommand, port: number): string[] {
  const debugpy = ['-m', 'debugpy', '--listen', `127.0.0.1:${port}`, '--wait-for-client'];
  if (!(isPythonExe(c.exe) || isPythonExe(c.command[0]))) return ['python3', ...debugpy, c.exe, ...c.command.slice(1)];
  const [python, ...rest] = c.command;
  let i = 0;
  while (i < rest.length) {
    const a = rest[i];
    if (a === '-m' || a === '-c' || a === '-' || !a.startsWith('-')) break;
    if (a === '--') {
      i++;
      break;
    }
    i += PYTHON_OPTION_WITH_VALUE.has(a) ? 2 : 1;
  }
  return [python, ...rest.slice(0, i).filter((a) => a !== '--'), ...debugpy, ...rest.slice(i)];
}

/** The interpreter the debugpy check must ask: the one the program runs with. */
export function pythonOf(c: ResolvedCommand): string {
  return isPythonExe(c.exe) ? c.exe : 'python3';
}

export function debugCommand(runtime: Runtime, c: ResolvedCommand, port: number): string[] {
  return runtime === 'node' ? nodeDebugCommand(c, port) : pythonDebugCommand(c, port);
}

export interface ActivateOptions {
  unit: string;
  systemdVersion?: string;
  /** Start the program at once (`--now`) instead of at the first connection. */
  now?: boolean;
  /** The program instead of ExecStart=. */
  command?: string[];
}

/** The arguments after `cli.js activate`. */
export function activateArgs(o: ActivateOptions, printCommand = false): string[] {
  return [
    ...(printCommand ? ['--print-command'] : []),
    ...(o.systemdVersion ? ['--systemd-version', o.systemdVersion] : []),
    ...(o.now && !printCommand ? ['--now'] : []),
    o.unit,
    ...(o.command?.length ? ['--', ...o.command] : []),
  ];
}

/** Parses the `--print-command` line; undefined for anything else. */
export function parseResolvedCommand(stdout: string): ResolvedCommand | undefined {
  try {
    const v = JSON.parse(stdout.trim()) as Partial<ResolvedCommand>;
    if (typeof v.exe !== 'string' || !Array.isArray(v.command) || !v.command.every((w) => typeof w === 'string') || v.command.length === 0) return undefined;
    return { exe: v.exe, command: v.command, cwd: typeof v.cwd === 'string' ? v.cwd : null };
  } catch {
    return undefined;
  }
}

/** A TCP port nobody listens on now, from the kernel (bind to 0); `avoid` are ports taken otherwise. */
export async function freePort(avoid: ReadonlySet<number> = new Set()): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    if (!avoid.has(port)) return port;
  }
  throw new Error('no free TCP port found');
}

/**
 * Whether /proc/net/tcp (its text) has a listening socket on `port` at 127.0.0.1 or 0.0.0.0. Lines are
 * `sl local_address rem_address st …` with addresses as little-endian hex `0100007F:1F90` and st 0A = LISTEN.
 */
export function listensOn(procNetTcp: string, port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of procNetTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) continue;
    const [address, p] = fields[1].split(':');
    if (p === hexPort && fields[3] === '0A' && (address === '0100007F' || address === '00000000')) return true;
  }
  return false;
}

/** `sockact: started pid N: …` (run.ts): a program started; undefined for other lines. */
export function startedPid(line: string): number | undefined {
  const m = /^sockact: started pid (\d+):/.exec(line);
  return m ? Number(m[1]) : undefined;
}

/** One line for a missing debugpy: how to get it. */
export const DEBUGPY_MISSING = 'debugpy is not installed for this Python: install it with `apt install python3-debugpy` or `pip install debugpy`';
