/**
 * "Debug with Socket Activation": a debug type `sockact` whose session is a small inline debug adapter. It
 * runs the bundled `sockact activate` with the service's program changed to wait for a debugger (Node's
 * inspector or debugpy, debugCommand.ts), and each time sockact starts the program (at the first
 * connection, and again after it exits) it starts a child session of the real debugger attached to it:
 * js-debug's `node`, or, for Python, a `sockact` attach session connected straight to debugpy's adapter. The connection that started the program waits in the socket's backlog
 * until the debugger has set its breakpoints. Stopping the session stops the sockact process group: sockact
 * stops the program and closes the sockets.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activationUnsupported } from '../../../server/src/node/platform';
import {
  activateArgs,
  debugCommand,
  DEBUGPY_MISSING,
  detectRuntime,
  freePort,
  listensOn,
  parseResolvedCommand,
  pythonOf,
  startedPid,
  unknownRuntimeMessage,
  type ResolvedCommand,
  type Runtime,
  type RuntimeSetting,
} from './debugCommand';

export const DEBUG_TYPE = 'sockact';

/** The launch configuration's own attributes (package.json contributes.debuggers). */
interface SockactLaunch extends vscode.DebugConfiguration {
  unit?: string;
  /** request "attach": the port of a program's debugpy (the launch starts these sessions itself). */
  debugpyPort?: number;
  program?: string;
  args?: string[];
  runtime?: RuntimeSetting;
  now?: boolean;
}

class LaunchError extends Error {}

function cliEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
}

/** The last `sockact: …` line of an output (why the CLI stopped), without the prefix. */
function lastSockactLine(text: string): string | undefined {
  const lines = text.split('\n').filter((l) => l.startsWith('sockact: ') && !l.startsWith('sockact: usage'));
  return lines.at(-1)?.slice('sockact: '.length);
}

/** Resolves after `ms` or when `done` says so, polling. */
async function poll(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

function tcpListening(port: number): boolean {
  try {
    return listensOn(readFileSync('/proc/net/tcp', 'utf8'), port);
  } catch {
    return false;
  }
}

function debugpyImportable(python: string): Promise<boolean> {
  return new Promise((resolve) => execFile(python, ['-c', 'import debugpy'], { timeout: 10_000 }, (err) => resolve(!err)));
}

/**
 * The debug adapter of a `sockact` session (inline: it runs in the extension host). It answers the few
 * requests VS Code sends every adapter and does the work in `launch` and `disconnect`/`terminate`.
 */
class SockactDebugAdapter implements vscode.DebugAdapter {
  private readonly emitter = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.emitter.event;
  private seq = 1;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private lineBuffer = '';
  private runtime: Runtime = 'node';
  private port = 0;
  private readonly children = new Set<vscode.DebugSession>();
  private stopping = false;
  /** The last sockact line that is not an event: why it stopped, when it stops on its own. */
  private lastLine: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly session: vscode.DebugSession,
    private readonly cliPath: string,
  ) {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.parentSession === this.session) this.children.add(s);
      }),
      vscode.debug.onDidTerminateDebugSession((s) => this.children.delete(s)),
    );
  }

  private send(message: Record<string, unknown>): void {
    this.emitter.fire({ seq: this.seq++, ...message } as vscode.DebugProtocolMessage);
  }

  private respond(request: DapRequest, body: unknown = {}, failure?: string): void {
    this.send({
      type: 'response',
      request_seq: request.seq,
      command: request.command,
      success: failure === undefined,
      ...(failure === undefined ? { body } : { message: failure, body: { error: { id: 1, format: failure, showUser: true } } }),
    });
  }

  private output(text: string, category: 'console' | 'stdout' | 'stderr' = 'console'): void {
    this.send({ type: 'event', event: 'output', body: { category, output: text } });
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    const request = message as DapRequest;
    if (request.type !== 'request') return;
    switch (request.command) {
      case 'initialize':
        this.respond(request, { supportsConfigurationDoneRequest: true, supportsTerminateRequest: true });
        this.send({ type: 'event', event: 'initialized' });
        return;
      case 'launch':
        this.launch(request.arguments as SockactLaunch).then(
          () => this.respond(request),
          (e: Error) => this.respond(request, {}, e instanceof LaunchError ? e.message : `Socket Activation: ${e.message}`),
        );
        return;
      case 'disconnect':
      case 'terminate':
        void this.stop().then(() => {
          this.respond(request);
          if (request.command === 'terminate') this.send({ type: 'event', event: 'terminated' });
        });
        return;
      case 'threads':
        // No threads of its own: the program's threads are the child session's.
        this.respond(request, { threads: [] });
        return;
      case 'setBreakpoints': {
        // Breakpoints bind in the child session; this one has none.
        const args = request.arguments as { breakpoints?: unknown[] } | undefined;
        this.respond(request, { breakpoints: (args?.breakpoints ?? []).map(() => ({ verified: false })) });
        return;
      }
      default:
        this.respond(request);
    }
  }

  /** The program as sockact would start it (the same lint and checks as a run), from `--print-command`. */
  private resolveCommand(config: SockactLaunch, unit: string): Promise<ResolvedCommand> {
    const command = this.programOf(config, unit);
    const args = [this.cliPath, 'activate', ...activateArgs({ unit, systemdVersion: systemdVersion(unit), command }, true)];
    return new Promise((resolve, reject) => {
      execFile(process.execPath, args, { cwd: path.dirname(unit), env: cliEnv(), timeout: 30_000 }, (err, stdout, stderr) => {
        const resolved = err ? undefined : parseResolvedCommand(stdout);
        if (resolved) resolve(resolved);
        else {
          const why = lastSockactLine(stderr) ?? (stdout.includes(': error ') ? 'systemd would refuse this unit (see Problems)' : err?.message ?? 'no answer');
          reject(new LaunchError(`Socket Activation: ${why}`));
        }
      });
    });
  }

  /** `program` + `args` of the configuration, else the sockact.activate.command setting, else ExecStart= (undefined). */
  private programOf(config: SockactLaunch, unit: string): string[] | undefined {
    if (typeof config.program === 'string' && config.program !== '') return [config.program, ...(config.args ?? [])];
    const setting = vscode.workspace.getConfiguration('sockact', vscode.Uri.file(unit)).get<unknown>('activate.command');
    return Array.isArray(setting) && setting.length > 0 && setting.every((c) => typeof c === 'string') ? (setting as string[]) : undefined;
  }

  private async launch(config: SockactLaunch): Promise<void> {
    const unit = config.unit!;
    const resolved = await this.resolveCommand(config, unit);
    const runtime = config.runtime && config.runtime !== 'auto' ? config.runtime : detectRuntime(resolved);
    if (!runtime) throw new LaunchError(`Socket Activation: ${unknownRuntimeMessage(resolved)}.`);
    this.runtime = runtime;
    if (runtime === 'python' && !(await debugpyImportable(pythonOf(resolved)))) throw new LaunchError(`Socket Activation: ${DEBUGPY_MISSING}.`);
    this.port = await freePort();
    const program = debugCommand(runtime, resolved, this.port);
    const args = [this.cliPath, 'activate', ...activateArgs({ unit, systemdVersion: systemdVersion(unit), now: config.now === true, command: program })];
    this.output(`$ sockact activate ${args.slice(2).join(' ')}\n`);
    // Its own process group, so a stop reaches sockact even while it waits in poll().
    const child = spawn(process.execPath, args, { cwd: path.dirname(unit), env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.output(`[sockact ${signal ? `stopped by ${signal}` : `exited with code ${code}`}]\n`);
        // Ended on its own with an error (the port is taken, a limit was hit): say why, not only in the console.
        if (!this.stopping && code !== 0 && code !== null) {
          void vscode.window.showErrorMessage(`Socket Activation: sockact exited with code ${code}${this.lastLine ? `: ${this.lastLine}` : ''}`);
        }
        this.child = undefined;
        resolve();
        this.send({ type: 'event', event: 'terminated' });
      });
    });
    child.on('error', (e) => this.output(`sockact could not be started: ${e.message}\n`, 'stderr'));
    child.stdout?.on('data', (d: Buffer) => this.output(d.toString('utf8'), 'stdout'));
    child.stderr?.on('data', (d: Buffer) => {
      const text = d.toString('utf8');
      this.output(text, 'stderr');
      this.lineBuffer += text;
      const lines = this.lineBuffer.split('\n');
      this.lineBuffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('sockact: ') && startedPid(line) === undefined && !/^sockact: (connection from|waiting for|note:|listening on)/.test(line)) {
          this.lastLine = line.slice('sockact: '.length);
        }
        const pid = startedPid(line);
        if (pid !== undefined) void this.attach(pid);
      }
    });
  }

  /** Starts the child session once the program's debugger listens (it waits for us before running). */
  private async attach(pid: number): Promise<void> {
    const port = this.port;
    if (!(await poll(() => tcpListening(port) || this.stopping, 15_000)) || this.stopping) {
      if (!this.stopping) this.output(`the debugger of pid ${pid} did not listen on 127.0.0.1:${port} within 15 s\n`, 'stderr');
      return;
    }
    const name = `${this.session.name}: pid ${pid}`;
    // Node: the built-in JavaScript debugger (restart: false: sockact starts the program again itself, and a
    // new child session attaches then). Python: debugpy's own adapter listens on the port, so VS Code speaks
    // to it directly (a `sockact` attach session, DebugAdapterServer), with no Python extension needed.
    const config: vscode.DebugConfiguration =
      this.runtime === 'node'
        ? { type: 'node', request: 'attach', name, address: '127.0.0.1', port, continueOnAttach: true, restart: false }
        : { type: DEBUG_TYPE, request: 'attach', name, debugpyPort: port, justMyCode: true };
    const ok = await vscode.debug.startDebugging(this.session.workspaceFolder, config, {
      parentSession: this.session,
      lifecycleManagedByParent: true,
      consoleMode: vscode.DebugConsoleMode.MergeWithParent,
    });
    if (!ok) this.output(`could not attach the ${this.runtime} debugger to pid ${pid} on 127.0.0.1:${port}\n`, 'stderr');
  }

  /** SIGTERM to sockact's process group (sockact stops the program and closes the sockets), SIGKILL after 5 s. */
  private stopped: Promise<void> | undefined;
  private stop(): Promise<void> {
    // Once: stopping a child comes back here as a terminate (its lifecycle is managed by this session).
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<void> {
    this.stopping = true;
    for (const s of [...this.children]) void vscode.debug.stopDebugging(s);
    const child = this.child;
    if (!child?.pid) return;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        /* gone */
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
  }
}

interface DapRequest {
  seq: number;
  type: string;
  command: string;
  arguments?: unknown;
}

function systemdVersion(unit: string): string | undefined {
  const v = vscode.workspace.getConfiguration('sockact', vscode.Uri.file(unit)).get<string | number>('systemdVersion');
  return v !== undefined && v !== 'auto' && Number.isInteger(Number(v)) ? String(v) : undefined;
}

/** Why a `sockact` session cannot start here, or undefined. */
function cannotDebug(): string | undefined {
  if (!vscode.workspace.isTrusted) return 'this folder is not trusted (Workspaces: Manage Workspace Trust)';
  return activationUnsupported(process.platform);
}

function activeSocket(): vscode.Uri | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' && uri.fsPath.endsWith('.socket') ? uri : undefined;
}

export function launchConfigFor(uri: vscode.Uri): vscode.DebugConfiguration {
  return { type: DEBUG_TYPE, request: 'launch', name: `Debug ${path.basename(uri.fsPath)} with Socket Activation`, unit: uri.fsPath };
}

/** launch.json templates, and F5 on a .socket file without one; checks what a launch needs before it starts. */
class SockactConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: DEBUG_TYPE, request: 'launch', name: 'Debug with Socket Activation', unit: '${file}', runtime: 'auto' }];
  }

  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (config.request === 'attach') return config;
    if (!config.type && !config.request && !config.name) {
      // F5 with no launch.json: the .socket unit in the editor.
      const uri = activeSocket();
      if (!uri) {
        void vscode.window.showWarningMessage('Socket Activation: open a .socket unit to debug it (or add a "sockact" configuration to launch.json).');
        return undefined;
      }
      return launchConfigFor(uri);
    }
    return config;
  }

  resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: SockactLaunch): vscode.DebugConfiguration | undefined {
    const problem = cannotDebug() ?? (config.request === 'attach' ? checkAttach(config) : checkLaunch(config));
    if (problem) {
      void vscode.window.showErrorMessage(`Socket Activation: cannot debug: ${problem}.`);
      return undefined;
    }
    return config.request === 'attach' ? config : { ...config, unit: path.resolve(config.unit!) };
  }
}

function checkAttach(config: SockactLaunch): string | undefined {
  const port = config.debugpyPort;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? undefined : '"debugpyPort" must be a TCP port';
}

/** The attributes a launch needs, in one line each. */
function checkLaunch(config: SockactLaunch): string | undefined {
  if (typeof config.unit !== 'string' || !config.unit.endsWith('.socket')) return '"unit" must be the path of a .socket unit';
  if (!existsSync(config.unit)) return `${config.unit} does not exist`;
  if (config.runtime !== undefined && !['auto', 'node', 'python'].includes(config.runtime)) return '"runtime" must be "auto", "node" or "python"';
  if (config.program !== undefined && typeof config.program !== 'string') return '"program" must be a string';
  if (config.args !== undefined && !(Array.isArray(config.args) && config.args.every((a) => typeof a === 'string'))) return '"args" must be a list of strings';
  return undefined;
}

/** Registers the debug type; `start` is the Debug with Socket Activation command. */
export class DebugManager implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(cliPath: string) {
    this.disposables.push(
      vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new SockactConfigurationProvider()),
      vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
        createDebugAdapterDescriptor: (session) =>
          session.configuration.request === 'attach'
            ? new vscode.DebugAdapterServer((session.configuration as SockactLaunch).debugpyPort!, '127.0.0.1')
            : new vscode.DebugAdapterInlineImplementation(new SockactDebugAdapter(session, cliPath)),
      }),
    );
  }

  /** Debugs the unit (the argument from the explorer or editor title, or the active editor). */
  async start(arg: unknown): Promise<boolean> {
    const uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.parse(arg) : activeSocket();
    if (!uri || uri.scheme !== 'file' || !uri.fsPath.endsWith('.socket')) {
      void vscode.window.showWarningMessage('Socket Activation: open a .socket unit on disk (or pick one in the explorer) to debug it.');
      return false;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), launchConfigFor(uri));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
