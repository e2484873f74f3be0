/**
 * Deploy Unit / Undeploy Unit / Verify Activation, and Start / Stop / Verify on the Socket Units view.
 *
 * - Deploy and Undeploy run `sockact deploy|undeploy TARGETS FILE` in a terminal of its own (a real pty:
 *   the CLI's diff and its "Deploy to …? [y/N]" prompt, and sudo's password prompt for the system
 *   manager, happen there). The targets come from a QuickPick (user manager, system manager, the hosts
 *   of `sockact.deploy.hosts` and of the ssh_config; several hosts at once). A .socket with Error
 *   diagnostics asks first, in a modal, and "Deploy anyway" passes --force.
 * - Verify runs `sockact verify TARGET --format json FILE` as a child process and shows the checklist
 *   (✔/✘ per step) in a read-only document, with a notification saying whether activation works. (On the
 *   system manager without root it runs in a terminal, where sudo can ask for the password.)
 * - Start / Stop run `systemctl [--user] start|stop UNIT` on the target through the same target code the
 *   CLI uses (server/src/deploy/target.ts: argument arrays; ssh with BatchMode and quoted arguments). The
 *   system manager of this machine, when VS Code does not run as root, gets sudo in a terminal instead.
 *
 * - A terminal that fails stays open with the CLI's reason until Enter (a fixed `sh -c` script, see
 *   model.ts), and a notification says the reason in words, with "Show output" to bring the terminal up:
 *   the CLI writes its exit status and stderr lines to SOCKACT_RESULT_FILE, which the terminal cannot give.
 * - The target picker opens at once and then marks the targets whose manager does not answer (a cheap
 *   probe of each, in parallel, with a time limit), saying why on the item's second line.
 *
 * Every program is started with an argument array; no shell command line is built from a file name or a setting.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { explainResult, probeTarget } from '../../../server/src/deploy/reach';
import { createTarget, TargetError, type TargetSpec } from '../../../server/src/deploy/target';
import { readDeploySettings, runCli } from './cli';
import {
  checklistText,
  cliCommand,
  heldCommand,
  localTargets,
  outcomeReason,
  parseOutcome,
  type CliOutcome,
  configuredHosts,
  deployArgs,
  expandHome,
  firstFailure,
  groupTargets,
  hostKey,
  hostOf,
  oneLine,
  parseTargetKey,
  parseVerify,
  sshConfigHosts,
  targetLabel,
  targetTitle,
  unitFileNames,
  verifyArgs,
  type DeploySettings,
  type TargetKey,
  type VerifyResult,
} from './model';
import type { SocketsView } from './socketsView';

export const CHECKLIST_SCHEME = 'sockact-checklist';
const UNIT_NAME = /^[A-Za-z0-9:_.\\@-]+$/;
const LAST_TARGETS = 'sockact.deploy.lastTargets';

/** What Verify returns to its caller (tests, other extensions): the CLI's result, or why there is none. */
export type VerifyOutcome = (VerifyResult & { checklist: string; document: string }) | { error: string };

/** Options a caller may pass after the URI: the targets, instead of asking. */
interface RunOptions {
  targets?: TargetKey[];
}

function optionsOf(arg: unknown): RunOptions {
  if (!arg || typeof arg !== 'object') return {};
  const raw = (arg as { targets?: unknown }).targets;
  if (!Array.isArray(raw)) return {};
  const targets = raw.map(parseTargetKey);
  if (targets.some((t) => t === undefined)) throw new Error(`unknown target in ${JSON.stringify(raw)} (use "user", "system" or "host:NAME")`);
  return { targets: targets as TargetKey[] };
}

/** The .socket file a command is about: the argument (code lens, explorer, editor title) or the active editor. */
function socketUri(arg: unknown): vscode.Uri | undefined {
  const uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.parse(arg) : arg === undefined ? vscode.window.activeTextEditor?.document.uri : undefined;
  return uri && uri.scheme === 'file' && uri.fsPath.endsWith('.socket') ? uri : undefined;
}

const isUnitName = (u: unknown, suffix: string): u is string => typeof u === 'string' && UNIT_NAME.test(u) && u.endsWith(suffix) && !u.startsWith('-');

/**
 * A socket node of the Socket Units view, or an object shaped like one: { key, unit } and optionally
 * socket.activates (the services it starts; templates like `echo@.service` left out: they never run).
 */
function socketRef(arg: unknown): { key: TargetKey; unit: string; services: string[] } | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const { key, unit, socket } = arg as { key?: unknown; unit?: unknown; socket?: { activates?: unknown } };
  const k = parseTargetKey(key);
  if (!k || !isUnitName(unit, '.socket')) return undefined;
  const activates = Array.isArray(socket?.activates) ? socket.activates : [];
  return { key: k, unit, services: activates.filter((s): s is string => isUnitName(s, '.service') && !s.includes('@.')) };
}

function specOf(key: TargetKey, settings: DeploySettings): TargetSpec {
  const host = hostOf(key);
  if (host === undefined) return { kind: key as 'user' | 'system' };
  return { kind: 'host', host, sshConfig: settings.sshConfig.trim() ? expandHome(settings.sshConfig.trim()) : undefined, sudo: settings.sudo };
}

const isRoot = () => process.getuid?.() === 0;

/** How long the picker's probe of one target may take before the target counts as not answering. */
const PROBE_MS = 4000;

/** A command run in a terminal, until its outcome is known (internal command sockact.deployRuns shows them). */
interface TerminalRun {
  name: string;
  /** "Deploy of web.socket to User manager": how the notification names it. */
  what: string;
  terminal: vscode.Terminal;
  targets: TargetKey[];
  resultFile?: string;
  outcome?: CliOutcome;
  /** The failure notification's text, once shown. */
  message?: string;
}

/** The target picker as plain data (internal command sockact.deployPicker, for tests). */
export interface PickerState {
  title: string;
  /** Probes still running. */
  probing: boolean;
  items: { key: TargetKey; label: string; description?: string; detail?: string; unreachable?: string }[];
}

export class DeployManager implements vscode.Disposable {
  private readonly checklists = new Map<string, string>();
  private readonly checklistChanged = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Terminals whose outcome is not known yet, with the targets to list again when they end. */
  private readonly running = new Map<vscode.Terminal, TerminalRun>();
  /** Every terminal run of this session, newest last (for sockact.deployRuns). */
  private readonly runs: TerminalRun[] = [];
  private poll: ReturnType<typeof setInterval> | undefined;
  private resultDir: string | undefined;
  private picker: PickerState | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly cliPath: string,
    private readonly sockets: SocketsView,
  ) {
    this.disposables.push(
      this.checklistChanged,
      vscode.workspace.registerTextDocumentContentProvider(CHECKLIST_SCHEME, {
        onDidChange: this.checklistChanged.event,
        provideTextDocumentContent: (uri) => this.checklists.get(uri.toString()) ?? '',
      }),
      vscode.window.onDidCloseTerminal((t) => this.checkTerminal(t)),
    );
  }

  // -------------------------------------------------------------------------------------------------
  // Targets

  /** Hosts from the ssh_config (`sockact.deploy.sshConfig`, else ~/.ssh/config): Host entries without patterns. */
  private async sshConfigHosts(settings: DeploySettings): Promise<string[]> {
    const file = settings.sshConfig.trim() ? expandHome(settings.sshConfig.trim()) : path.join(homedir(), '.ssh', 'config');
    try {
      return sshConfigHosts(await readFile(file, 'utf8'));
    } catch {
      return [];
    }
  }

  /** The QuickPick of targets; `many`: hosts (and the two managers) can be picked together. */
  private async pickTargets(title: string, many: boolean): Promise<TargetKey[] | undefined> {
    const settings = readDeploySettings();
    const configured = configuredHosts(settings);
    const fromSsh = (await this.sshConfigHosts(settings)).filter((h) => !configured.includes(h));
    type Item = vscode.QuickPickItem & { key?: TargetKey };
    // This machine's managers only where it has systemd (Linux); from macOS or Windows the hosts alone.
    const local = localTargets();
    const items: Item[] = [
      { label: '$(account) User manager', description: 'systemctl --user · ~/.config/systemd/user', key: 'user' as const },
      { label: '$(server) System manager', description: isRoot() ? 'systemctl · /etc/systemd/system' : 'systemctl · /etc/systemd/system · sudo in the terminal', key: 'system' as const },
    ].filter((i) => local.includes(i.key));
    if (configured.length) items.push({ label: 'sockact.deploy.hosts', kind: vscode.QuickPickItemKind.Separator });
    for (const h of configured) items.push({ label: `$(remote) ${h}`, description: `ssh${settings.sudo ? ' · sudo -n' : ''}`, key: hostKey(h) });
    if (fromSsh.length) items.push({ label: settings.sshConfig.trim() ? settings.sshConfig.trim() : '~/.ssh/config', kind: vscode.QuickPickItemKind.Separator });
    for (const h of fromSsh) items.push({ label: `$(remote) ${h}`, description: 'ssh_config Host', key: hostKey(h) });

    const last = this.context.workspaceState.get<string[]>(LAST_TARGETS) ?? [];
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = title;
    qp.placeholder = !items.some((i) => i.key)
      ? 'No hosts yet: add them to sockact.deploy.hosts (the gear button) or as Host entries of your ssh config'
      : many ? 'Where to? (pick one or more; Enter to confirm)' : 'Where?';
    qp.items = items;
    qp.canSelectMany = many;
    qp.matchOnDescription = true;
    const configure = { iconPath: new vscode.ThemeIcon('gear'), tooltip: 'Configure hosts (sockact.deploy.hosts)' };
    qp.buttons = [configure];
    if (many) qp.selectedItems = items.filter((i) => i.key && last.includes(i.key));
    else {
      const active = items.find((i) => i.key && i.key === last[0]);
      if (active) qp.activeItems = [active];
    }
    const stopProbing = this.markUnreachable(qp, items, settings, title);
    const picked = await new Promise<TargetKey[] | undefined>((resolve) => {
      qp.onDidTriggerButton(() => {
        resolve(undefined);
        qp.hide();
        void vscode.commands.executeCommand('workbench.action.openSettings', 'sockact.deploy');
      });
      qp.onDidAccept(() => {
        // Several: the checked items, or the highlighted one when none is checked.
        const items = many && qp.selectedItems.length ? qp.selectedItems : qp.activeItems;
        const chosen = items.map((i) => i.key).filter((k): k is TargetKey => k !== undefined);
        if (chosen.length === 0) return;
        resolve(chosen);
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    stopProbing();
    qp.dispose();
    if (picked) await this.context.workspaceState.update(LAST_TARGETS, picked);
    return picked;
  }

  /** Why a target's manager cannot be reached (in words), or undefined when it answers. */
  private async unreachable(key: TargetKey, settings: DeploySettings): Promise<string | undefined> {
    let target;
    try {
      target = createTarget(specOf(key, settings));
    } catch (e) {
      return e instanceof TargetError ? e.message : String(e);
    }
    const probe = await probeTarget(target, PROBE_MS);
    if (probe.ok) return undefined;
    // Without root, systemctl reaches the system manager only through the system D-Bus; sudo in the
    // terminal may still reach it. Only "not booted with systemd" is certain for everyone.
    if (key === 'system' && !isRoot() && !probe.notBooted) return undefined;
    return probe.reason;
  }

  /**
   * Probes every target of an open picker in parallel and marks those that do not answer, as each probe
   * comes back: the picker is usable at once (busy meanwhile). Returns a function that stops the updates.
   */
  private markUnreachable<T extends vscode.QuickPickItem & { key?: TargetKey }>(qp: vscode.QuickPick<T>, items: T[], settings: DeploySettings, title: string): () => void {
    let live = true;
    const state: PickerState = { title, probing: true, items: [] };
    const describe = () => {
      state.items = items.filter((i) => i.key).map((i) => ({ key: i.key!, label: i.label, description: i.description, detail: i.detail, unreachable: (i as { unreachable?: string }).unreachable }));
    };
    describe();
    this.picker = state;
    const redraw = () => {
      if (!live) return;
      // New items reset the selection and the highlight: both are carried over by key.
      const selected = new Set(qp.selectedItems.map((i) => i.key));
      const active = qp.activeItems[0]?.key;
      qp.items = [...items];
      if (qp.canSelectMany) qp.selectedItems = items.filter((i) => i.key && selected.has(i.key));
      const again = items.find((i) => i.key && i.key === active);
      if (again) qp.activeItems = [again];
    };
    qp.busy = true;
    // At most a few ssh connections at once: an ssh_config may name dozens of hosts.
    const queue = items.filter((i) => i.key);
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await probe(item);
    };
    const probe = async (item: T) => {
      const why = await this.unreachable(item.key!, settings);
      if (!why) return;
      (item as { unreachable?: string }).unreachable = why;
      item.detail = `$(warning) cannot be reached: ${why}`;
      describe();
      redraw();
    };
    void Promise.all(Array.from({ length: 6 }, worker)).then(() => {
      state.probing = false;
      describe();
      if (live) qp.busy = false;
    });
    return () => {
      live = false;
    };
  }

  // -------------------------------------------------------------------------------------------------
  // Deploy / Undeploy

  /** Error diagnostics of sockact on the document (opened, so the server checks it, if it was not). */
  private async errors(uri: vscode.Uri): Promise<vscode.Diagnostic[]> {
    const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'sockact');
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) {
      await vscode.workspace.openTextDocument(uri);
      // The server publishes the document's diagnostics (possibly none) shortly after it opens.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 3000);
        const sub = vscode.languages.onDidChangeDiagnostics((e) => {
          if (e.uris.some((u) => u.toString() === uri.toString())) done();
        });
        function done() {
          clearTimeout(timer);
          sub.dispose();
          resolve();
        }
      });
    }
    return ours().filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
  }

  async deploy(action: 'deploy' | 'undeploy', arg: unknown, optionsArg?: unknown): Promise<{ terminals: string[] } | undefined> {
    const uri = socketUri(arg);
    const verb = action === 'deploy' ? 'Deploy' : 'Undeploy';
    if (!uri) {
      void vscode.window.showWarningMessage(`Socket Activation: open a .socket unit on disk (or pick one in the explorer) to ${action} it.`);
      return undefined;
    }
    const options = optionsOf(optionsArg);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    const unit = path.basename(uri.fsPath);
    const targets = options.targets ?? (await this.pickTargets(`${verb} ${unit}`, true));
    if (!targets?.length) return undefined;

    let force = false;
    if (action === 'deploy') {
      const errors = await this.errors(uri);
      if (errors.length) {
        const anyway = 'Deploy anyway';
        const choice = await vscode.window.showWarningMessage(
          `${unit} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}; systemd may refuse it. Deploy anyway?`,
          { modal: true, detail: errors.map((d) => `line ${d.range.start.line + 1}: ${d.message}`).join('\n') },
          anyway,
        );
        if (choice !== anyway) return undefined;
        force = true;
      }
    }

    const settings = readDeploySettings();
    const names: string[] = [];
    for (const group of groupTargets(targets)) {
      const args = deployArgs(action, group, settings, uri.fsPath, { force });
      const where = group.map(targetTitle).join(', ');
      const name = `sockact ${action}: ${unit} → ${where}`;
      this.cliTerminal(name, `${verb} of ${unit} to ${where}`, group, args, { cwd: path.dirname(uri.fsPath), icon: action === 'deploy' ? 'cloud-upload' : 'trash', sudo: group[0] === 'system' });
      names.push(name);
    }
    return { terminals: names };
  }

  /** A new, empty file for the CLI's outcome, in a folder of our own (mode 700). */
  private resultFile(): string {
    this.resultDir ??= mkdtempSync(path.join(tmpdir(), 'sockact-results-'));
    const file = path.join(this.resultDir, `${this.runs.length + 1}.json`);
    writeFileSync(file, '', { mode: 0o600 });
    return file;
  }

  /**
   * A terminal (a real pty: prompts work) running `node dist/cli.js ARGS`. `sudo` (the system manager)
   * when VS Code does not run as root: `sudo -- env ELECTRON_RUN_AS_NODE=1 NODE CLI ARGS`, so sudo asks for
   * the password right there and the CLI runs as root. The CLI would re-run itself under sudo too, but sudo
   * resets the environment, and without ELECTRON_RUN_AS_NODE desktop VS Code's process.execPath (Electron)
   * would start the editor as root instead of running the CLI.
   */
  private cliTerminal(name: string, what: string, targets: TargetKey[], args: string[], options: { cwd: string; icon: string; sudo?: boolean }): vscode.Terminal {
    const resultFile = this.resultFile();
    const sudo = options.sudo === true && !isRoot();
    // sudo resets the environment: the result file is passed through `env` on its command line then.
    const command = cliCommand(process.execPath, this.cliPath, args, sudo, sudo ? { SOCKACT_RESULT_FILE: resultFile } : {});
    return this.heldTerminal({ name, what, targets, resultFile }, command, {
      cwd: options.cwd,
      env: { ELECTRON_RUN_AS_NODE: '1', SOCKACT_RESULT_FILE: resultFile },
      iconPath: new vscode.ThemeIcon(options.icon),
    });
  }

  /** A terminal running `command` that stays open when it fails, watched until its outcome is known. */
  private heldTerminal(run: Omit<TerminalRun, 'terminal'>, command: string[], options: Partial<vscode.TerminalOptions>): vscode.Terminal {
    const [shellPath, ...shellArgs] = heldCommand(command);
    const terminal = vscode.window.createTerminal({ ...options, name: run.name, shellPath, shellArgs });
    const r: TerminalRun = { ...run, terminal };
    this.running.set(terminal, r);
    this.runs.push(r);
    terminal.show();
    this.watchTerminals();
    return terminal;
  }

  /** Checks the running terminals once a second (a failed one stays open: its end is the result file). */
  private watchTerminals(): void {
    if (this.poll) return;
    this.poll = setInterval(() => {
      for (const t of [...this.running.keys()]) this.checkTerminal(t);
      if (this.running.size === 0 && this.poll) {
        clearInterval(this.poll);
        this.poll = undefined;
      }
    }, 1000);
  }

  /**
   * Once the CLI's result file is written (or the terminal has closed without one, e.g. sudo refused):
   * the targets are listed again, and a failure is said in a notification with "Show output".
   */
  private checkTerminal(t: vscode.Terminal): void {
    const run = this.running.get(t);
    if (!run) return;
    let outcome: CliOutcome | undefined;
    try {
      if (run.resultFile) outcome = parseOutcome(readFileSync(run.resultFile, 'utf8'));
    } catch {
      /* not written yet */
    }
    if (!outcome && !t.exitStatus) return;
    this.running.delete(t);
    this.sockets.refresh(run.targets);
    // Closed by the user before the CLI ended (no exit code): nothing to report.
    if (!outcome && t.exitStatus?.code === undefined) return;
    run.outcome = outcome ?? { status: t.exitStatus!.code!, lines: [] };
    if (run.outcome.status === 0) return;
    run.message = `${run.what} failed: ${outcomeReason(run.outcome, run.targets.length === 1)}`;
    const show = 'Show output';
    void vscode.window.showErrorMessage(`Socket Activation: ${run.message}`, show).then((choice) => {
      if (choice === show && vscode.window.terminals.includes(t)) t.show();
    });
  }

  /** The terminal runs of this session as data (internal command sockact.deployRuns, for tests). */
  terminalRuns(): { name: string; targets: TargetKey[]; status?: number; lines?: string[]; message?: string; open: boolean; exited: boolean }[] {
    return this.runs.map((r) => ({
      name: r.name,
      targets: r.targets,
      status: r.outcome?.status,
      lines: r.outcome?.lines,
      message: r.message,
      open: vscode.window.terminals.includes(r.terminal),
      exited: r.terminal.exitStatus !== undefined,
    }));
  }

  /** The last target picker as data (internal command sockact.deployPicker, for tests). */
  pickerState(): PickerState | undefined {
    return this.picker;
  }

  // -------------------------------------------------------------------------------------------------
  // Verify

  /** The .socket file of a unit listed in the view: found in the workspace by name. */
  private async findUnitFile(unit: string): Promise<vscode.Uri | undefined | null> {
    const names = unitFileNames(unit);
    const found = (await vscode.workspace.findFiles('**/*.socket', '**/node_modules/**', 5000)).filter((u) => u.scheme === 'file' && names.includes(path.basename(u.fsPath)));
    if (found.length === 0) return undefined;
    if (found.length === 1) return found[0];
    const picked = await vscode.window.showQuickPick(
      found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
      { title: `Which ${unit}?`, placeHolder: `${found.length} files named ${path.basename(found[0].fsPath)} in this workspace` },
    );
    return picked ? picked.uri : null;
  }

  async verify(arg: unknown, optionsArg?: unknown): Promise<VerifyOutcome | undefined> {
    let uri = socketUri(arg);
    let key: TargetKey | undefined;
    const ref = socketRef(arg);
    if (ref) {
      key = ref.key;
      const found = await this.findUnitFile(ref.unit);
      if (found === null) return undefined;
      if (!found) {
        const message = `No ${unitFileNames(ref.unit).join(' or ')} in this workspace: Verify Activation needs the unit file (it cannot verify by unit name alone).`;
        void vscode.window.showWarningMessage(`Socket Activation: ${message}`);
        return { error: message };
      }
      uri = found;
    }
    if (!uri) {
      void vscode.window.showWarningMessage('Socket Activation: open a .socket unit on disk (or pick one in the explorer or in Socket Units) to verify it.');
      return undefined;
    }
    const options = optionsOf(optionsArg);
    if (options.targets && options.targets.length !== 1) throw new Error('Verify Activation checks one target at a time');
    key ??= options.targets?.[0] ?? (await this.pickTargets(`Verify activation of ${path.basename(uri.fsPath)}`, false))?.[0];
    if (!key) return undefined;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri!.toString());
    if (doc?.isDirty) await doc.save();
    return this.runVerify(uri, key);
  }

  private async runVerify(uri: vscode.Uri, key: TargetKey): Promise<VerifyOutcome> {
    const unit = path.basename(uri.fsPath);
    const where = targetLabel(key);
    if (key === 'system' && !isRoot()) {
      // The system manager needs root, and sudo asks for the password on a terminal: the checklist is
      // printed there (as text) instead of coming back as JSON.
      const name = `sockact verify: ${unit} → ${targetTitle(key)}`;
      this.cliTerminal(name, `Verify of ${unit} on ${targetTitle(key)}`, [key], ['verify', '--system', uri.fsPath], { cwd: path.dirname(uri.fsPath), icon: 'checklist', sudo: true });
      return { error: `verify on the system manager needs root: running in the terminal "${name}" (sudo asks there)` };
    }
    const args = verifyArgs(key, readDeploySettings(), uri.fsPath);
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Verifying activation of ${unit} on ${where}…`, cancellable: true },
      (_progress, token) => runCli(this.cliPath, args, { cwd: path.dirname(uri.fsPath), timeoutMs: 180_000, token }),
    );
    let result: VerifyResult;
    try {
      result = parseVerify(r.stdout);
    } catch {
      const error = `${unit} on ${where}: ${oneLine(r.stderr, `sockact verify exited with ${r.code}`)}`;
      void vscode.window.showErrorMessage(`Socket Activation: cannot verify ${error}`);
      return { error };
    }
    const checklist = checklistText(result);
    const doc = vscode.Uri.from({ scheme: CHECKLIST_SCHEME, path: `/${unit} on ${(result.target || where).replace(/\//g, '∕')}.txt` });
    this.checklists.set(doc.toString(), checklist);
    this.checklistChanged.fire(doc);
    const show = 'Show checklist';
    const shown = result.ok
      ? vscode.window.showInformationMessage(`Activation verified on ${result.target || where}: ${result.unit || unit}`, show)
      : vscode.window.showErrorMessage(`Activation check failed on ${result.target || where}: ${firstFailure(result) ?? 'see the checklist'}`, show);
    void shown.then(async (choice) => {
      if (choice === show) await this.showChecklist(doc);
    });
    if (!result.ok) void this.showChecklist(doc);
    this.sockets.refresh([key]);
    return { ...result, checklist, document: doc.toString() };
  }

  async showChecklist(doc: vscode.Uri): Promise<void> {
    const text = await vscode.workspace.openTextDocument(doc);
    await vscode.window.showTextDocument(text, { preview: true, preserveFocus: true });
  }

  // -------------------------------------------------------------------------------------------------
  // Start / Stop from the view

  /**
   * Start: the socket (its service starts at the first connection). Stop: the socket and the services it
   * activates; a running service would otherwise keep serving on the socket's file descriptor.
   */
  async startStop(action: 'start' | 'stop', arg: unknown): Promise<{ code: number; stderr: string } | undefined> {
    const ref = socketRef(arg);
    if (!ref) {
      void vscode.window.showWarningMessage(`Socket Activation: pick a socket in the Socket Units view to ${action} it.`);
      return undefined;
    }
    const units = action === 'stop' ? [ref.unit, ...ref.services] : [ref.unit];
    const where = targetLabel(ref.key);
    if (ref.key === 'system' && !isRoot()) {
      // systemctl on the system manager needs root here: sudo asks for the password in a terminal.
      this.heldTerminal(
        { name: `sockact: systemctl ${action} ${ref.unit}`, what: `systemctl ${action} ${ref.unit} on ${where}`, targets: ['system'] },
        ['sudo', '--', 'systemctl', action, '--', ...units],
        { iconPath: new vscode.ThemeIcon(action === 'start' ? 'debug-start' : 'debug-stop') },
      );
      return undefined;
    }
    const target = createTarget(specOf(ref.key, readDeploySettings()));
    const r = await vscode.window.withProgress({ location: { viewId: 'sockact.sockets' } }, () => target.systemctl([action, '--', ...units], 60_000));
    if (r.code !== 0) {
      const why = explainResult(target, r);
      void vscode.window.showErrorMessage(`Socket Activation: systemctl ${action} ${units.join(' ')} on ${where} failed: ${why.known ? why.reason : oneLine(r.stderr, `exit ${r.code}`)}`);
    }
    this.sockets.refresh([ref.key]);
    return { code: r.code, stderr: r.stderr };
  }

  dispose(): void {
    if (this.poll) clearInterval(this.poll);
    for (const d of this.disposables) d.dispose();
  }
}
