/**
 * `sockact undeploy`: the reverse of deploy for the same local files. Only the files deploy would install
 * are removed (an admin's own drop-ins in the same folders stay, and keep their folder), after the socket
 * is disabled and stopped and the service (every instance of it, for Accept=yes) is stopped.
 */
import { dropInFolders, type UnitSet } from './units';
import { lastLine, parseShow, type DeployResult, type Step, type StepStatus } from './deploy';
import { probeTarget } from './reach';
import { TargetError, type Target } from './target';

export interface UndeployPlan {
  target: Target;
  units: UnitSet;
  /** Files of the unit set that are installed on the target (to be removed). */
  installed: string[];
  /** Files of the unit set that are not installed there. */
  absent: string[];
  error?: string;
}

export async function planUndeploy(target: Target, units: UnitSet): Promise<UndeployPlan> {
  const plan: UndeployPlan = { target, units, installed: [], absent: [] };
  try {
    // Reading the files works without a manager; disabling and stopping don't: say why before planning.
    const probe = await probeTarget(target);
    if (!probe.ok) throw new TargetError(probe.line);
    const paths = units.files.map((f) => f.installPath(target));
    const present = await Promise.all(paths.map(async (p) => (await target.readFile(p)) !== undefined));
    paths.forEach((p, i) => (present[i] ? plan.installed : plan.absent).push(p));
  } catch (e) {
    plan.error = e instanceof TargetError ? e.message : (e as Error).message;
  }
  return plan;
}

export function formatUndeployPlan(plan: UndeployPlan): string {
  let out = `== ${plan.target.label}: ${plan.target.unitDir} ==\n`;
  out += `stop and disable ${plan.units.socket}, stop ${plan.units.accept ? `every ${plan.units.service.replace('@.', '@*.')} instance` : plan.units.service}\n`;
  for (const p of plan.installed) out += `remove: ${p}\n`;
  for (const p of plan.absent) out += `not installed: ${p}\n`;
  return out;
}

export async function applyUndeploy(plan: UndeployPlan): Promise<DeployResult> {
  const { target, units } = plan;
  if (plan.error) return { target: target.label, ok: false, error: plan.error, steps: [] };
  const steps: Step[] = [];
  const add = (status: StepStatus, title: string, detail?: string[]) => steps.push({ status, title, ...(detail?.length ? { detail } : {}) });
  const result = (): DeployResult => ({ target: target.label, ok: !steps.some((s) => s.status === 'fail'), steps });
  const socketInstalled = plan.installed.includes(units.files[0].installPath(target));
  try {
    const disable = await target.systemctl(['disable', '--now', '--', units.socket], 60_000);
    // disable succeeded but there was nothing to stop: a unit systemd could not load (bad settings) is not running.
    if (disable.code === 0 || /^Failed to stop .*not loaded/m.test(disable.stderr)) add('ok', `systemctl disable --now ${units.socket}`);
    // Nothing to disable when the file is not there: not a failure of undeploy.
    else if (!socketInstalled) add('skip', `systemctl disable --now ${units.socket}`, [lastLine(disable)]);
    else {
      add('fail', `systemctl disable --now ${units.socket}`, [lastLine(disable)]);
      return result();
    }
    // With Accept=yes each connection has its own foo@N-….service; systemctl matches the glob against the
    // loaded units itself (the argument reaches it unexpanded: no shell in between, single-quoted over ssh).
    const pattern = units.accept ? units.service.replace('@.', '@*.') : units.service;
    const stop = await target.systemctl(['stop', '--', pattern], 60_000);
    // Stopping a unit that is not loaded fails with "not loaded": it was not running, which is the goal.
    if (stop.code === 0 || /not loaded/.test(stop.stderr)) add('ok', `systemctl stop ${pattern}`);
    else {
      add('fail', `systemctl stop ${pattern}`, [lastLine(stop)]);
      return result();
    }
    if (plan.installed.length) {
      await target.removeFiles(plan.installed, dropInFolders(units, target));
      const left = (await Promise.all(plan.installed.map(async (p) => ((await target.readFile(p)) === undefined ? undefined : p)))).filter((p): p is string => !!p);
      if (left.length) {
        add('fail', `remove ${plan.installed.length} file${plan.installed.length === 1 ? '' : 's'}`, left.map((p) => `still there: ${p}`));
        return result();
      }
      add('ok', `removed ${plan.installed.join(', ')}`);
    } else {
      add('skip', 'no files to remove (none installed)');
    }
    const reload = await target.systemctl(['daemon-reload'], 60_000);
    add(reload.code === 0 ? 'ok' : 'fail', 'systemctl daemon-reload', reload.code === 0 ? undefined : [lastLine(reload)]);
    if (reload.code !== 0) return result();
    // A unit that failed earlier stays listed as failed until reset; it has no file any more.
    await target.systemctl(['reset-failed', '--', units.socket, ...(units.accept ? [] : [units.service])]);
    const show = await target.systemctl(['show', '-p', 'LoadState,ActiveState', '--', units.socket]);
    const rec = parseShow(show.stdout)[0] ?? {};
    const load = rec.LoadState?.[0];
    if (load === 'not-found') add('ok', `${units.socket}: not found (gone from the manager)`);
    else add(load === 'masked' ? 'warn' : 'fail', `${units.socket}: still ${load ?? 'unknown'}, ${rec.ActiveState?.[0] ?? ''}`.replace(/, $/, ''), load === 'masked' ? ['it is masked on the target'] : ['another file of this name is still in a unit folder']);
  } catch (e) {
    add('fail', 'lost the target', [(e as Error).message]);
  }
  return result();
}

export async function undeploy(target: Target, units: UnitSet): Promise<DeployResult> {
  return applyUndeploy(await planUndeploy(target, units));
}
