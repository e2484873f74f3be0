/**
 * `sockact.activate`: runs a .socket unit's program the way systemd would hand it its sockets, through the
 * bundled CLI (`dist/cli.js activate UNIT.socket [-- COMMAND...]`). Its output goes to a terminal (a
 * Pseudoterminal, so the `sockact:` event lines can be read too) and drives a status bar item: listening,
 * running pid N, crashed (exit C: sockact still listens), failed (sockact stopped on its own: start limit,
 * trigger limit, an error), stopped. Text and tooltip are both built from that phase (describe()). Stopping (the Stop item, the command, or closing the terminal)
 * sends SIGTERM to the sockact process, which stops the program's process group itself.
 * `sockact.activateWatch` is the same run with --watch (the folders and build step of the settings,
 * activationTargets.ts): the status adds "watching" and counts the restarts the CLI reports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateArgs, noTargetReason, shortAddressList, testRequestChoices, type RequestTarget, type TestRequestChoices } from './activationTargets';

export { connectAddress } from './activationTargets';

/**
 * crashed: the program failed, sockact still holds the sockets and starts it again; failed: sockact itself
 * ended with an error (a start or trigger limit, a socket it could not open), nothing listens any more.
 */
export type ActivationPhase = 'starting' | 'listening' | 'running' | 'crashed' | 'failed' | 'stopped';

/** What the status bar shows, as plain data (returned by the internal command sockact.activationState). */
export interface ActivationSnapshot {
  unit: string;
  fsPath: string;
  phase: ActivationPhase;
  /** The sockact process. */
  sockactPid?: number;
  /** Programs running now. */
  pids: number[];
  /** Addresses from the `listening on …` lines, e.g. "[::]:8080". */
  listening: string[];
  /** Why it crashed or failed: "exit 1", "SIGSEGV", "start limit hit", "trigger limit hit", "sockact exited with code 1". */
  reason?: string;
  /** The sockact line that says more about a failure (without the `sockact: ` prefix). */
  detail?: string;
  /** Failed exits of the program in this run, and the last one ("exit 1"). */
  crashes: number;
  lastCrash?: string;
  /** Run with Socket Activation (watch): what the CLI said it watches ("app (12 folders)"), once it said so. */
  watching?: string;
  /** Whether this run was started with --watch (the status says so before the CLI's first line). */
  watch: boolean;
  /** Programs replaced after a change (`… changed: restarting pid N`, or new connections getting the new program). */
  restarts: number;
  /** The file whose change caused the last restart. */
  lastChange?: string;
  /** Why the last build failed (`build failed: …`); cleared when a later change restarts the program. */
  buildFailed?: string;
  /** The status bar text. */
  text: string;
  /** The status bar tooltip. */
  tooltip: string;
}

/** The lines after the file name in the tooltip, from the phase (and only the listening list where it holds). */
function tooltipLines(s: ActivationSnapshot): string[] {
  return [...phaseLines(s), ...watchLines(s)];
}

/** Under --watch: what is watched, how often a change restarted the program, and a failed build. */
function watchLines(s: ActivationSnapshot): string[] {
  if (!s.watch || s.phase === 'stopped' || s.phase === 'failed') return [];
  const lines = [s.watching ? `Watching ${s.watching}` : 'Watching for changes'];
  if (s.restarts) lines.push(`Restarted ${s.restarts}× after a change (last: ${s.lastChange ?? '?'})`);
  if (s.buildFailed) lines.push(`Last build failed: ${s.buildFailed}`);
  return lines;
}

function phaseLines(s: ActivationSnapshot): string[] {
  // One address per line when there are several: a unit with many Listen*= lines stays readable.
  const listening = s.listening.length > 1 ? `Listening on:\n${s.listening.map((a) => `  ${a}`).join('\n')}` : s.listening.length ? `Listening on ${s.listening[0]}` : 'Not listening';
  const before = s.crashes ? `; the program crashed ${s.crashes}× before (last: ${s.lastCrash})` : '';
  switch (s.phase) {
    case 'starting': return ['Starting sockact…'];
    case 'listening': return [`Waiting: the program starts at the next connection${before}`, listening];
    case 'running': return [`Running pid ${s.pids.join(', ')}${before}`, listening];
    case 'crashed': return [`The program crashed (${s.reason ?? 'failed'}); sockact starts it again at the next connection`, listening];
    case 'failed': return [`Failed: ${s.reason ?? 'sockact ended with an error'}`, ...(s.detail ? [s.detail] : []), 'Not listening: the sockets are closed'];
    case 'stopped': return ['Stopped; not listening'];
  }
}

/** Status bar text and tooltip for a snapshot. */
export function describe(s: ActivationSnapshot): { text: string; tooltip: string } {
  const what =
    s.phase === 'running'
      ? `running pid ${s.pids.join(', ')}${s.crashes ? ` (after ${s.crashes} crash${s.crashes === 1 ? '' : 'es'})` : ''}`
      : s.phase === 'crashed' || s.phase === 'failed'
        ? `${s.phase} (${s.reason ?? 'failed'})`
        : s.phase;
  // The addresses while sockact holds them (not once it failed or stopped: nothing listens then).
  const held = s.phase === 'listening' || s.phase === 'running' || s.phase === 'crashed';
  const where = held && s.listening.length ? ` on ${shortAddressList(s.listening)}` : '';
  const watch = s.watch && s.phase !== 'stopped' && s.phase !== 'failed' ? ` · watching${s.restarts ? `, ${s.restarts} restart${s.restarts === 1 ? '' : 's'}` : ''}${s.buildFailed ? ', build failed' : ''}` : '';
  return {
    text: `$(radio-tower) ${s.unit}: ${what}${where}${watch}`,
    tooltip: [s.fsPath, ...tooltipLines(s), 'Click for Stop / Restart / Send test request'].join('\n'),
  };
}

export interface TestRequestResult {
  url: string;
  status?: number;
  statusMessage?: string;
  body?: string;
  error?: string;
}

/** GET / on a TCP address or a Unix stream socket (Node's socketPath); the first 200 bytes of the answer. */
export function httpGet(target: RequestTarget, timeoutMs = 5000): Promise<TestRequestResult> {
  const url =
    'socketPath' in target
      ? `http://localhost/ (over ${target.socketPath.startsWith('\0') ? `@${target.socketPath.slice(1)}` : target.socketPath})`
      : `http://${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}/`;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: TestRequestResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const where = 'socketPath' in target ? { socketPath: target.socketPath } : { host: target.host, port: target.port };
    const req = http.get({ ...where, path: '/', timeout: timeoutMs, headers: { Connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 200) chunks.push(c);
        size += c.length;
        if (size >= 200) res.destroy();
      });
      const finish = () =>
        done({ url, status: res.statusCode, statusMessage: res.statusMessage, body: Buffer.concat(chunks).subarray(0, 200).toString('utf8') });
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
    });
    req.on('timeout', () => {
      req.destroy();
      done({ url, error: `no answer within ${timeoutMs / 1000} s` });
    });
    req.on('error', (e: NodeJS.ErrnoException) => done({ url, error: e.code ?? e.message }));
  });
}

/** One run of `sockact activate` with its terminal. */
class ActivationRun {
  readonly snapshot: ActivationSnapshot;
  readonly terminal: vscode.Terminal;
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  private pending: string[] | undefined = [];
  private child: ChildProcess | undefined;
  private lineBuffer = '';
  readonly exited: Promise<void>;
  private markExited!: () => void;

  constructor(
    private readonly cliPath: string,
    fsPath: string,
    private readonly args: string[],
    watch: boolean,
    private readonly onChange: (run: ActivationRun) => void,
  ) {
    const unit = path.basename(fsPath);
    this.snapshot = { unit, fsPath, phase: 'starting', pids: [], listening: [], crashes: 0, watch, restarts: 0, text: '', tooltip: '' };
    this.exited = new Promise((r) => (this.markExited = r));
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.writeEmitter.event,
      onDidClose: this.closeEmitter.event,
      open: () => {
        for (const chunk of this.pending ?? []) this.writeEmitter.fire(chunk);
        this.pending = undefined;
      },
      close: () => this.stop(),
      handleInput: (data) => {
        if (data === '\x03') this.stop();
      },
    };
    this.terminal = vscode.window.createTerminal({ name: `sockact: ${unit}`, pty, iconPath: new vscode.ThemeIcon('radio-tower') });
    this.spawn();
  }

  private spawn(): void {
    const { fsPath } = this.snapshot;
    this.write(`$ sockact activate ${this.args.join(' ')}\n`);
    const child = spawn(process.execPath, [this.cliPath, 'activate', ...this.args], {
      cwd: path.dirname(fsPath),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.snapshot.sockactPid = child.pid;
    child.stdout?.on('data', (d: Buffer) => this.write(d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => {
      const text = d.toString('utf8');
      this.write(text);
      this.lineBuffer += text;
      const lines = this.lineBuffer.split('\n');
      this.lineBuffer = lines.pop() ?? '';
      for (const line of lines) this.event(line);
    });
    child.on('error', (e) => {
      this.write(`sockact could not be started: ${e.message}\n`);
      this.finish(undefined);
    });
    child.on('close', (code, signal) => {
      this.write(`\n[sockact ${signal ? `stopped by ${signal}` : `exited with code ${code}`}; close this terminal or run it again]\n`);
      this.finish(code);
    });
    this.update();
  }

  /** sockact ended: 0 (or a signal) after a stop; anything else is a failure, with the limit or line that said why. */
  private finish(code: number | null | undefined): void {
    if (this.child === undefined) return;
    this.child = undefined;
    const s = this.snapshot;
    s.pids = [];
    s.listening = [];
    if (code === 0 || code === null) {
      s.phase = 'stopped';
      s.reason = undefined;
    } else if (s.phase !== 'failed') {
      s.phase = 'failed';
      s.reason = code === undefined ? 'sockact could not be started' : `sockact exited with code ${code}`;
      s.detail = this.lastLine;
    }
    this.update();
    this.markExited();
  }

  /** The last `sockact:` line that was not an event (an error says why sockact ends). */
  private lastLine: string | undefined;

  /** Parses one `sockact: …` event line (texts from server/src/activate/run.ts). */
  private event(line: string): void {
    const s = this.snapshot;
    let m: RegExpExecArray | null;
    if ((m = /^sockact: listening on (.+) \(fd \d+, [^)]*\)$/.exec(line))) {
      s.listening.push(m[1]);
      if (s.phase === 'starting') s.phase = 'listening';
    } else if ((m = /^sockact: started pid (\d+):/.exec(line))) {
      s.pids.push(Number(m[1]));
      s.phase = 'running';
      s.reason = undefined;
    } else if ((m = /^sockact: pid (\d+) (?:exited with code (\d+)|killed by (\S+))/.exec(line))) {
      s.pids = s.pids.filter((p) => p !== Number(m![1]));
      // systemd counts SIGHUP/SIGINT/SIGTERM/SIGPIPE as a clean exit of a daemon; so does the status.
      const failed = m[3] !== undefined ? !['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGPIPE'].includes(m[3]) : m[2] !== '0';
      if (failed) {
        s.phase = 'crashed';
        s.reason = m[3] ?? `exit ${m[2]}`;
        s.crashes++;
        s.lastCrash = s.reason;
      } else if (s.pids.length === 0 && s.phase === 'running') {
        s.phase = 'listening';
      }
    } else if ((m = /^sockact: watching (.+?)(?:; building with .*)?$/.exec(line))) {
      s.watching = m[1];
    } else if ((m = /^sockact: (.+) changed: (?:restarting pid \d+|new connections get the new program)/.exec(line))) {
      // The texts of run.ts's replace() (Accept=no) and the Accept=yes watcher: the program is replaced.
      s.restarts++;
      s.lastChange = m[1];
      s.buildFailed = undefined;
    } else if ((m = /^sockact: build failed: (.*)$/.exec(line))) {
      s.buildFailed = m[1];
    } else if ((m = /^sockact: (start|trigger) limit hit: (.*)$/.exec(line))) {
      // An Accept=yes instance that hits its own start limit fails alone; the socket goes on listening.
      // Under --watch a limit leaves the sockets open too: the next change starts the program again.
      const socketGoesOn = /goes on listening|the sockets stay open/.test(m[2]);
      s.phase = socketGoesOn ? 'crashed' : 'failed';
      s.reason = `${m[1]} limit hit`;
      s.detail = line.slice('sockact: '.length);
    } else {
      if (line.startsWith('sockact: ') && !/^sockact: (connection from|Restart=|waiting for|note:)/.test(line)) this.lastLine = line.slice('sockact: '.length);
      return;
    }
    this.update();
  }

  private update(): void {
    Object.assign(this.snapshot, describe(this.snapshot));
    this.onChange(this);
  }

  write(text: string): void {
    const converted = text.replace(/\r?\n/g, '\r\n');
    // Kept until the terminal opens (bounded: a terminal that never opens must not grow without end).
    if (this.pending) {
      if (this.pending.length < 2000) this.pending.push(converted);
    }
    else this.writeEmitter.fire(converted);
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** SIGTERM to sockact; resolves once it has exited (it stops the program's process group first). */
  stop(): Promise<void> {
    if (this.child) {
      try {
        this.child.kill('SIGTERM');
      } catch {
        /* gone */
      }
    }
    return this.exited;
  }

  dispose(): void {
    void this.stop();
    this.terminal.dispose();
  }
}

/** The one socket activation the extension runs at a time, and its status bar item. */
export class ActivationManager implements vscode.Disposable {
  private run: ActivationRun | undefined;
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.item = vscode.window.createStatusBarItem('sockact.activation', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Socket Activation';
    this.item.command = 'sockact.activationMenu';
    this.disposables.push(
      this.item,
      vscode.window.onDidCloseTerminal((t) => {
        if (t === this.run?.terminal) void this.run.stop();
      }),
    );
  }

  get isRunning(): boolean {
    return this.run?.running === true;
  }

  get hasRun(): boolean {
    return this.run !== undefined;
  }

  state(): ActivationSnapshot | undefined {
    return this.run ? { ...this.run.snapshot, pids: [...this.run.snapshot.pids], listening: [...this.run.snapshot.listening] } : undefined;
  }

  /** The .socket unit to run: the argument (code lens, explorer, editor title) or the active editor. */
  static targetOf(arg: unknown): vscode.Uri | undefined {
    const uri =
      arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.parse(arg) : vscode.window.activeTextEditor?.document.uri;
    return uri && uri.scheme === 'file' && uri.fsPath.endsWith('.socket') ? uri : undefined;
  }

  /** `watch`: Run with Socket Activation (watch), i.e. --watch with the folders and build step of the settings. */
  async start(arg: unknown, watch = false): Promise<ActivationSnapshot | undefined> {
    const uri = ActivationManager.targetOf(arg);
    if (!uri) {
      void vscode.window.showWarningMessage('Socket Activation: open a .socket unit on disk (or pick one in the explorer) to run it.');
      return undefined;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    const config = vscode.workspace.getConfiguration('sockact', uri);
    const built = activateArgs({
      fsPath: uri.fsPath,
      systemdVersion: config.get<unknown>('systemdVersion'),
      command: config.get<unknown>('activate.command'),
      watch: watch ? { paths: config.get<unknown>('activate.watch'), build: config.get<unknown>('activate.build') } : undefined,
    });
    if ('error' in built) {
      void vscode.window.showErrorMessage(`Socket Activation: ${built.error}.`);
      return undefined;
    }
    await this.stop();
    this.run?.dispose();
    const run = new ActivationRun(this.context.asAbsolutePath(path.join('dist', 'cli.js')), uri.fsPath, built.args, watch, (r) => this.changed(r));
    this.run = run;
    run.terminal.show(true);
    return this.state();
  }

  private changed(run: ActivationRun): void {
    if (run !== this.run) return;
    const s = run.snapshot;
    this.item.text = s.text;
    this.item.tooltip = s.tooltip;
    this.item.backgroundColor = s.phase === 'crashed' || s.phase === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
    // The palette's `when` clauses for Stop / Restart / Send test request (package.json menus.commandPalette).
    void vscode.commands.executeCommand('setContext', 'sockact.activationRunning', run.running);
    void vscode.commands.executeCommand('setContext', 'sockact.activationStarted', true);
  }

  async stop(): Promise<void> {
    await this.run?.stop();
  }

  /** Runs the last unit again, in the same mode (watch or not). */
  async restart(): Promise<ActivationSnapshot | undefined> {
    if (!this.run) return undefined;
    return this.start(vscode.Uri.file(this.run.snapshot.fsPath), this.run.snapshot.watch);
  }

  showTerminal(): void {
    this.run?.terminal.show();
  }

  /** Where Send Test Request can go in the current run (the internal command sockact.testRequestChoices). */
  testRequestChoices(): TestRequestChoices {
    return testRequestChoices(this.run?.running ? this.run.snapshot.listening : []);
  }

  /**
   * HTTP GET / on one of the TCP or Unix stream sockets the unit listens on: the only one, or the one picked
   * from a QuickPick when there are several (`address`, a label from the list, skips the question). Prints
   * the answer in the terminal too.
   */
  async sendTestRequest(address?: unknown): Promise<TestRequestResult | undefined> {
    const run = this.run;
    const choices = this.testRequestChoices();
    if (!run || choices.offered.length === 0) {
      void vscode.window.showWarningMessage(`Socket Activation: ${noTargetReason(choices)}.`);
      return undefined;
    }
    let choice = typeof address === 'string' ? choices.offered.find((c) => c.label === address) : undefined;
    if (typeof address === 'string' && !choice) {
      void vscode.window.showWarningMessage(`Socket Activation: ${address} is not one of the addresses a request can go to (${choices.offered.map((c) => c.label).join(', ')}).`);
      return undefined;
    }
    if (!choice && choices.offered.length === 1) choice = choices.offered[0];
    if (!choice) {
      type Item = vscode.QuickPickItem & { choice: (typeof choices.offered)[number] };
      const items: Item[] = choices.offered.map((c) => ({ label: c.label, description: 'socketPath' in c.target ? 'Unix stream socket' : 'TCP', choice: c }));
      const skipped = choices.skipped.length ? ` (not offered: ${choices.skipped.map((s) => `${s.label}, ${s.why}`).join('; ')})` : '';
      const picked = await vscode.window.showQuickPick(items, { placeHolder: `Send GET / to which socket?${skipped}` });
      if (!picked) return undefined;
      choice = picked.choice;
    }
    const result = await httpGet(choice.target);
    if (result.error) {
      run.write(`[test request: GET ${result.url} failed: ${result.error}]\n`);
      void vscode.window.showErrorMessage(`Socket Activation: GET ${result.url} failed: ${result.error}`);
    } else {
      run.write(`[test request: GET ${result.url} → ${result.status} ${result.statusMessage ?? ''}]\n${result.body ?? ''}\n`);
      void vscode.window.showInformationMessage(`GET ${result.url} → ${result.status} ${result.statusMessage ?? ''}: ${(result.body ?? '').replace(/\s+/g, ' ').trim()}`);
    }
    return result;
  }

  async showMenu(): Promise<void> {
    if (!this.run) return;
    type Item = vscode.QuickPickItem & { action: () => unknown };
    const items: Item[] = [];
    if (this.isRunning) items.push({ label: '$(debug-stop) Stop', action: () => vscode.commands.executeCommand('sockact.stopActivation') });
    items.push({ label: '$(debug-restart) Restart', action: () => vscode.commands.executeCommand('sockact.restartActivation') });
    if (this.isRunning) items.push({ label: '$(globe) Send test request', action: () => vscode.commands.executeCommand('sockact.sendTestRequest') });
    items.push({ label: '$(terminal) Show terminal', action: () => this.showTerminal() });
    const picked = await vscode.window.showQuickPick(items, { placeHolder: this.run.snapshot.text.replace(/^\$\([^)]*\) /, '') });
    await picked?.action();
  }

  dispose(): void {
    this.run?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
