/**
 * `sockact deploy`: lint, show what changes on the target, write the files, reload, enable and start the
 * SOCKET (never the service: socket activation starts the service on the first connection), then check that
 * the socket listens and the service is still idle. Each target is independent, so several hosts run in
 * parallel, each with its own result.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { WorkspaceIndex } from '../node/workspaceIndex';
import { createLanguageService } from '../service/languageService';
import { unifiedDiff } from './diff';
import { probeTarget } from './reach';
import { TargetError, type CommandResult, type Target } from './target';
import type { DeployFile, UnitSet } from './units';

const SEVERITY = ['', 'error', 'warning', 'information', 'hint'] as const;

export interface LintReport {
  /** `file:line:col: severity code message`, as `sockact lint` prints them. */
  lines: string[];
  errors: number;
}

/** The project's own diagnostics for every file that would be deployed (errors = systemd would refuse). */
export function lintUnits(units: UnitSet, options: { systemdVersion?: number; scope?: 'system' | 'user' } = {}): LintReport {
  // One lint per deploy, whatever the number of targets; the disk does not change meanwhile.
  const service = createLanguageService({ index: new WorkspaceIndex([], { snapshot: true }) });
  const lines: string[] = [];
  let errors = 0;
  for (const f of units.files) {
    const document = TextDocument.create(pathToFileURL(resolve(f.localPath)).href, 'systemd-unit-file', 1, f.content);
    for (const d of service.doValidation(document, service.parse(document), { systemdVersion: options.systemdVersion, scope: options.scope })) {
      if ((d.severity ?? 1) === 1) errors++;
      lines.push(`${f.localPath}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${SEVERITY[d.severity ?? 1]} ${String(d.code)} ${d.message}`);
    }
  }
  return { lines, errors };
}

export type StepStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Step {
  status: StepStatus;
  /** "systemctl daemon-reload", "wrote /etc/systemd/system/web.socket" … */
  title: string;
  /** What the target said (one line each), when it is worth showing. */
  detail?: string[];
}

export interface FilePlan {
  file: DeployFile;
  /** Where it goes on the target. */
  path: string;
  status: 'new' | 'changed' | 'unchanged';
  /** Unified diff against what is installed (every line `+` for a new file); '' when unchanged. */
  diff: string;
}

export interface DeployPlan {
  target: Target;
  units: UnitSet;
  files: FilePlan[];
  /** Drop-ins installed on the target that are not among the files (they still apply; left in place). */
  extraDropIns: string[];
  /** ActiveState before the deploy of the socket and (Accept=no) of the service. */
  socketState?: string;
  serviceState?: string;
  /** The target's systemd version, from `systemctl --version`. */
  systemdVersion?: number;
  /** Set when the target could not be read (unreachable host, no manager): one line. */
  error?: string;
}

export interface DeployResult {
  target: string;
  ok: boolean;
  /** One line, when the target failed before any step ran. */
  error?: string;
  steps: Step[];
}

/**
 * The line that says why a command failed, for one-line reports: systemctl's "Failed to …" or "Job for …
 * failed." (its last line only points to `systemctl status`), else the last line it printed.
 */
export function lastLine(r: CommandResult): string {
  const all = (r.stderr.trim() || r.stdout.trim()).split('\n').map((l) => l.trim()).filter(Boolean);
  return all.filter((l) => /^Failed to /.test(l)).pop() ?? all.find((l) => /^Job for .* failed/.test(l)) ?? all.pop() ?? `exit status ${r.code}`;
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** `systemctl show -p P1,P2 u1 u2 …` to one record per unit (blocks are separated by blank lines). */
export function parseShow(stdout: string): Array<Record<string, string[]>> {
  return stdout
    .split(/\n\s*\n/)
    .map((block) => {
      const rec: Record<string, string[]> = {};
      for (const line of block.split('\n')) {
        const eq = line.indexOf('=');
        if (eq <= 0) continue;
        (rec[line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
      }
      return rec;
    })
    .filter((r) => Object.keys(r).length > 0);
}

export interface UnitState {
  active: string;
  sub: string;
  load: string;
}

/** States of units by name, with one `systemctl show` (a template can't be asked about; it is left out). */
export async function unitStates(target: Target, units: string[]): Promise<Map<string, UnitState>> {
  const names = units.filter((u) => !/@\.[a-z]+$/.test(u));
  const states = new Map<string, UnitState>();
  if (!names.length) return states;
  const r = await target.systemctl(['show', '-p', 'Id,ActiveState,SubState,LoadState', '--', ...names]);
  if (r.code === 255 && target.spec.kind === 'host') throw new TargetError(lastLine(r));
  if (r.code !== 0) throw new TargetError(`systemctl show: ${lastLine(r)}`);
  // One block per name, in the order asked (Id would be the main name, which an alias does not match).
  const recs = parseShow(r.stdout);
  names.forEach((n, i) => states.set(n, { active: recs[i]?.ActiveState?.[0] ?? 'unknown', sub: recs[i]?.SubState?.[0] ?? '', load: recs[i]?.LoadState?.[0] ?? '' }));
  return states;
}

export async function targetSystemdVersion(target: Target): Promise<number | undefined> {
  const r = await target.systemctl(['--version']);
  if (r.code === 255 && target.spec.kind === 'host') throw new TargetError(lastLine(r));
  const m = /^systemd (\d+)\b/m.exec(r.stdout);
  return m ? Number(m[1]) : undefined;
}

/** Drop-in files present on the target in the units' drop-in folders (absolute paths, sorted). */
async function installedDropIns(target: Target, units: UnitSet): Promise<string[]> {
  const folders = [`${units.socket}.d`, `${units.service}.d`].map((d) => `${target.unitDir}/${d}`);
  // find prints what exists; missing folders only make it complain on stderr.
  const r = await target.run(['find', ...folders, '-maxdepth', '1', '-type', 'f', '-name', '*.conf']);
  if (r.code === 255 && target.spec.kind === 'host') throw new TargetError(lastLine(r));
  return lines(r.stdout).sort();
}

/** Reads what is installed and compares it with the local files; never writes anything. */
export async function planDeploy(target: Target, units: UnitSet): Promise<DeployPlan> {
  const plan: DeployPlan = { target, units, files: [], extraDropIns: [] };
  try {
    // Whether the manager answers at all, said in words (`systemctl --version` works without one).
    const probe = await probeTarget(target);
    if (!probe.ok) throw new TargetError(probe.line);
    plan.systemdVersion = await targetSystemdVersion(target);
    const [installed, dropIns, states] = await Promise.all([
      Promise.all(units.files.map((f) => target.readFile(f.installPath(target)))),
      installedDropIns(target, units),
      unitStates(target, units.accept ? [units.socket] : [units.socket, units.service]),
    ]);
    plan.files = units.files.map((f, i) => {
      const path = f.installPath(target);
      const old = installed[i];
      if (old === undefined) return { file: f, path, status: 'new', diff: unifiedDiff('', f.content, '/dev/null', f.localPath) };
      if (old === f.content) return { file: f, path, status: 'unchanged', diff: '' };
      return { file: f, path, status: 'changed', diff: unifiedDiff(old, f.content, path, f.localPath) };
    });
    const ours = new Set(plan.files.map((f) => f.path));
    plan.extraDropIns = dropIns.filter((p) => !ours.has(p));
    plan.socketState = states.get(units.socket)?.active;
    plan.serviceState = units.accept ? undefined : states.get(units.service)?.active;
  } catch (e) {
    plan.error = e instanceof TargetError ? e.message : `${(e as Error).message}`;
  }
  return plan;
}

/** What planDeploy found, as printed before asking: per file "new file" + diff, "changed" + diff, "unchanged". */
export function formatPlan(plan: DeployPlan): string {
  let out = `== ${plan.target.label}: ${plan.target.unitDir} ==\n`;
  for (const f of plan.files) {
    out += `${f.status === 'new' ? 'new file' : f.status}: ${f.path}\n`;
    out += f.diff;
  }
  for (const p of plan.extraDropIns) out += `also installed, not deployed from here: ${p} (still applies; left in place)\n`;
  return out;
}

function step(steps: Step[], status: StepStatus, title: string, detail?: string[]): boolean {
  steps.push({ status, title, ...(detail && detail.length ? { detail } : {}) });
  return status !== 'fail';
}

/** Runs one systemctl call as a step; false when it failed. */
async function systemctlStep(target: Target, steps: Step[], args: string[], title = `systemctl ${args.join(' ')}`): Promise<boolean> {
  const r = await target.systemctl(args, 60_000);
  // "Stopping X.service, but it can still be activated by: X.socket" is the point of socket activation.
  const said = /can still be activated by/.test(r.stderr) ? [] : lines(r.stderr);
  return step(steps, r.code === 0 ? 'ok' : 'fail', title, r.code === 0 ? said : [lastLine(r)]);
}

/**
 * Writes the new and changed files, reloads, and brings the socket up:
 * - a service that is running the old version is stopped (Accept=no); the socket keeps listening, so the
 *   next connection starts the new one and none is refused;
 * - a socket whose unit changed is restarted so that new Listen*= settings apply (systemd refuses to
 *   start a socket while its service runs, hence the order);
 * - `systemctl enable --now` on the socket only: the service is started by the first connection.
 */
export async function applyDeploy(plan: DeployPlan): Promise<DeployResult> {
  const { target, units } = plan;
  const steps: Step[] = [];
  const result = (): DeployResult => ({ target: target.label, ok: !steps.some((s) => s.status === 'fail'), steps });
  if (plan.error) return { target: target.label, ok: false, error: plan.error, steps };
  try {
    for (const f of plan.files) {
      if (f.status === 'unchanged') continue;
      try {
        await target.writeFile(f.path, f.file.content);
        step(steps, 'ok', `wrote ${f.path}${f.status === 'new' ? ' (new)' : ''}`);
      } catch (e) {
        step(steps, 'fail', `write ${f.path}`, [(e as Error).message]);
        return result();
      }
    }
    const changed = plan.files.filter((f) => f.status !== 'unchanged');
    if (!changed.length) step(steps, 'ok', `${plan.files.length} file${plan.files.length === 1 ? '' : 's'} unchanged`);
    if (!(await systemctlStep(target, steps, ['daemon-reload']))) return result();

    const socketChanged = changed.some((f) => f.file.name === units.socket || f.file.name.startsWith(`${units.socket}.d/`));
    const serviceRunning = !units.accept && (plan.serviceState === 'active' || plan.serviceState === 'activating' || plan.serviceState === 'reloading');
    if (changed.length && serviceRunning) {
      const title = `systemctl stop ${units.service} (it runs the old version; the socket starts the new one on the next connection)`;
      if (!(await systemctlStep(target, steps, ['stop', '--', units.service], title))) return result();
    }
    if (socketChanged && plan.socketState === 'active') {
      if (!(await systemctlStep(target, steps, ['restart', '--', units.socket], `systemctl restart ${units.socket} (new socket settings)`))) return result();
    }

    const enable = await target.systemctl(['enable', '--now', '--', units.socket], 60_000);
    const said = lines(enable.stderr);
    if (enable.code !== 0) {
      // Why it did not start (a port in use, a path it can't create) is in the socket's journal.
      const journal = await target.journalctl(['-u', units.socket, '-n', '3', '--no-pager', '-o', 'cat', '--since', '-2min']);
      step(steps, 'fail', `systemctl enable --now ${units.socket}`, [lastLine(enable), ...(journal.code === 0 ? lines(journal.stdout).filter((l) => !/^-- /.test(l)) : [])]);
      return result();
    }
    // Without [Install], enable only warns and --now still starts it: it would not come back after a reboot.
    const notInstallable = said.some((l) => /no installation config|not meant to be enabled/i.test(l));
    step(
      steps,
      notInstallable ? 'warn' : 'ok',
      `systemctl enable --now ${units.socket}`,
      notInstallable ? [`${units.socket} has no [Install] section (e.g. WantedBy=sockets.target): started now, but not at boot`] : said,
    );

    const after = await unitStates(target, units.accept ? [units.socket] : [units.socket, units.service]);
    const socketState = after.get(units.socket);
    if (socketState?.active !== 'active') {
      const why = await target.systemctl(['show', '-p', 'Result', '--value', '--', units.socket]);
      step(steps, 'fail', `${units.socket}: ${socketState?.active}${why.stdout.trim() ? ` (result: ${why.stdout.trim()})` : ''}`);
      return result();
    }
    step(steps, 'ok', `${units.socket}: active (${socketState.sub})`);
    if (units.accept) {
      step(steps, 'ok', `${units.service}: one instance per connection, none started by the deploy`);
    } else {
      const s = after.get(units.service)?.active;
      if (s === 'inactive' || s === 'failed') step(steps, 'ok', `${units.service}: ${s}, the first connection starts it`);
      else step(steps, 'warn', `${units.service}: ${s} — already started (by a connection, or by a unit that wants it)`);
    }
  } catch (e) {
    // A host that went away halfway: the steps so far stay reported.
    step(steps, 'fail', 'lost the target', [(e as Error).message]);
  }
  return result();
}

const MARK: Record<StepStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

export function formatResult(r: DeployResult, verb = 'deployed', unit = ''): string {
  if (r.error) return `${r.target}: ${r.error}\n`;
  let out = `== ${r.target}: ${r.ok ? verb : 'FAILED'}${unit ? ` ${unit}` : ''} ==\n`;
  for (const s of r.steps) {
    out += `  ${MARK[s.status]}  ${s.title}\n`;
    for (const d of s.detail ?? []) out += `          ${d}\n`;
  }
  return out;
}
