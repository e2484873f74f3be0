/**
 * The deploy subcommands of the `sockact` CLI (wired in cli.ts):
 *   sockact deploy   [--user | --system | --host HOST ...] [--ssh-config FILE] [--sudo] [--yes] [--force] [--no-verify] UNIT.socket
 *   sockact verify   [--user | --system | --host HOST] [--ssh-config FILE] [--sudo] [--format text|json] UNIT.socket
 *   sockact undeploy [--user | --system | --host HOST ...] [--ssh-config FILE] [--sudo] [--yes] UNIT.socket
 *   sockact list-sockets [--user | --system | --host HOST ...] [--ssh-config FILE] [--sudo] [--format text|json]
 * Exit status 0 ok, 1 failed (refused units, a failed step, an unreachable host), 2 usage.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { localManagerUnsupported } from '../node/platform';
import { resolveSystemdVersion } from '../node/systemdVersion';
import { defaultCatalog } from '../service/catalog';
import { applyDeploy, formatPlan, formatResult, lintUnits, planDeploy, type DeployPlan, type DeployResult } from './deploy';
import { formatSockets, listSockets, socketsJson } from './list';
import { explainResult, probeTarget } from './reach';
import { createTarget, TargetError, type Target, type TargetSpec } from './target';
import { applyUndeploy, formatUndeployPlan, planUndeploy } from './undeploy';
import { gatherUnits, UnitsError } from './units';
import { formatChecklist, verifyActivation, type Checklist } from './verify';

export class DeployUsageError extends Error {}

type Command = 'deploy' | 'verify' | 'undeploy' | 'list-sockets';

interface Options {
  kind: 'user' | 'system' | 'host';
  hosts: string[];
  sshConfig?: string;
  sudo: boolean;
  yes: boolean;
  force: boolean;
  verify: boolean;
  format: 'text' | 'json';
  unit?: string;
}

const FLAGS: Record<Command, string[]> = {
  deploy: ['--user', '--system', '--host', '--ssh-config', '--sudo', '--yes', '--force', '--no-verify'],
  verify: ['--user', '--system', '--host', '--ssh-config', '--sudo', '--format'],
  undeploy: ['--user', '--system', '--host', '--ssh-config', '--sudo', '--yes'],
  'list-sockets': ['--user', '--system', '--host', '--ssh-config', '--sudo', '--format'],
};

function parseArgs(command: Command, args: string[]): Options {
  const o: Options = { kind: 'user', hosts: [], sudo: false, yes: false, force: false, verify: true, format: 'text' };
  const kinds = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new DeployUsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--') {
      if (command === 'list-sockets' || args.length - i - 1 !== 1 || o.unit) throw new DeployUsageError(`${command} takes ${command === 'list-sockets' ? 'no unit' : 'one .socket unit'}`);
      o.unit = args[i + 1];
      break;
    }
    if (flag.startsWith('-') && !FLAGS[command].includes(flag)) throw new DeployUsageError(`unknown option ${flag} for ${command}`);
    if (inline !== undefined && !['--host', '--ssh-config', '--format'].includes(flag)) throw new DeployUsageError(`${flag} takes no value`);
    switch (flag) {
      case '--user':
      case '--system':
        kinds.add(flag.slice(2));
        break;
      case '--host':
        kinds.add('host');
        o.hosts.push(value());
        break;
      case '--ssh-config':
        o.sshConfig = resolve(value());
        break;
      case '--sudo':
        o.sudo = true;
        break;
      case '--yes':
        o.yes = true;
        break;
      case '--force':
        o.force = true;
        break;
      case '--no-verify':
        o.verify = false;
        break;
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json') throw new DeployUsageError(`unknown format '${f}' (use text or json)`);
        o.format = f;
        break;
      }
      default:
        if (command === 'list-sockets') throw new DeployUsageError(`list-sockets takes no unit (got '${arg}')`);
        if (o.unit !== undefined) throw new DeployUsageError(`${command} takes one .socket unit (got '${o.unit}' and '${arg}')`);
        o.unit = arg;
    }
  }
  if (kinds.size > 1) throw new DeployUsageError('choose one target: --user, --system or --host HOST');
  o.kind = (kinds.values().next().value as Options['kind'] | undefined) ?? 'user';
  if (command === 'verify' && o.hosts.length > 1) throw new DeployUsageError('verify takes one --host');
  if (o.kind !== 'host' && o.sshConfig) throw new DeployUsageError('--ssh-config goes with --host');
  if (o.kind !== 'host' && o.sudo) throw new DeployUsageError('--sudo is for --host (an ssh user who is not root); --system asks sudo by itself');
  if (command !== 'list-sockets') {
    if (o.unit === undefined) throw new DeployUsageError(`no .socket unit given`);
    if (!o.unit.endsWith('.socket')) throw new DeployUsageError(`${o.unit} is not a .socket unit`);
  }
  return o;
}

function targetsOf(o: Options): Target[] {
  const specs: TargetSpec[] = o.kind === 'host' ? o.hosts.map((host) => ({ kind: 'host', host, sshConfig: o.sshConfig, sudo: o.sudo })) : [{ kind: o.kind }];
  try {
    return specs.map(createTarget);
  } catch (e) {
    if (e instanceof TargetError) throw new DeployUsageError(e.message);
    throw e;
  }
}

/** Every line said on stderr, for the result file (see writeResultFile). */
const said: string[] = [];
const say = (line: string) => {
  said.push(line);
  process.stderr.write(`sockact: ${line}\n`);
};

/** A failed result's one line on stderr: the first failed step and what the target said, in words when known. */
function sayFailure(r: DeployResult, target: Target): void {
  if (r.ok || r.error) return;
  const failed = r.steps.find((s) => s.status === 'fail');
  if (!failed) return;
  const said = failed.detail?.[0];
  const why = said ? explainResult(target, { code: 1, stdout: '', stderr: said }) : undefined;
  say(`${r.target}: failed at ${failed.title}${why ? `: ${why.line}` : ''}`);
}

/**
 * The editor runs deploy and undeploy in a terminal, whose text it cannot read. With SOCKACT_RESULT_FILE
 * set, the exit status and the lines said on stderr are written there as JSON when the command ends, so
 * the editor can say why in a notification.
 */
export function writeResultFile(status: number, line?: string): void {
  const file = process.env.SOCKACT_RESULT_FILE;
  if (!file) return;
  try {
    writeFileSync(file, `${JSON.stringify({ status, lines: line ? [...said, line] : said })}\n`);
  } catch {
    /* the editor then only has the exit status */
  }
}
const out = (text: string) => process.stdout.write(text);

/**
 * The system manager needs root. Rather than asking for a password ourselves, the same command runs again
 * under sudo, in this terminal (stdio inherited), so sudo asks in its own way; nothing is stored or passed.
 */
function rerunWithSudo(): Promise<number> {
  const argv = ['--', process.execPath, ...process.execArgv, resolve(process.argv[1]), ...process.argv.slice(2)];
  return new Promise((done) => {
    const child = spawn('sudo', argv, { stdio: 'inherit' });
    child.on('error', (e: NodeJS.ErrnoException) => {
      say(e.code === 'ENOENT' ? '--system needs root, and sudo is not installed: run sockact as root' : `cannot run sudo: ${e.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

/** Asks on the terminal; false on anything but y/yes, and on end of input. */
function confirm(question: string): Promise<boolean> {
  return new Promise((done) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    let answered = false;
    rl.on('close', () => !answered && done(false));
    rl.question(question, (a) => {
      answered = true;
      rl.close();
      done(/^y(es)?$/i.test(a.trim()));
    });
  });
}

function labels(targets: Target[]): string {
  return targets.map((t) => t.label).join(', ');
}

async function runDeploy(o: Options, targets: Target[]): Promise<number> {
  const catalog = defaultCatalog();
  const localVersion = resolveSystemdVersion('auto', catalog.newestVersion);
  const units = gatherUnits(o.unit!, localVersion);
  const lint = lintUnits(units, { systemdVersion: localVersion, scope: o.kind === 'user' ? 'user' : 'system' });
  for (const l of lint.lines) out(`${l}\n`);
  if (lint.errors) {
    if (!o.force) {
      say(`${units.socket}: systemd would refuse ${lint.errors === 1 ? 'this unit' : 'these units'} (${lint.errors} error${lint.errors === 1 ? '' : 's'}); nothing was deployed (--force deploys anyway)`);
      return 1;
    }
    say(`${units.socket}: ${lint.errors} error${lint.errors === 1 ? '' : 's'}; deploying anyway (--force)`);
  }

  const plans = await Promise.all(targets.map((t) => planDeploy(t, units)));
  const ready: DeployPlan[] = [];
  for (const p of plans) {
    if (p.error) say(`${p.target.label}: ${p.error}`);
    else {
      out(formatPlan(p));
      ready.push(p);
    }
  }
  if (!ready.length) return 1;
  if (!o.yes && !(await confirm(`Deploy to ${labels(ready.map((p) => p.target))}? [y/N] `))) {
    say('nothing was deployed');
    return 1;
  }

  const results = await Promise.all(ready.map(applyDeploy));
  for (const r of results) out(formatResult(r, 'deployed', units.socket));
  results.forEach((r, i) => sayFailure(r, ready[i].target));
  let ok = ready.length === plans.length && results.every((r) => r.ok);

  if (o.verify) {
    const checked = await Promise.all(
      results.map((r, i): Promise<Checklist | undefined> => (r.ok ? verifyActivation(ready[i].target, units.socketPath, { systemdVersion: ready[i].systemdVersion }) : Promise.resolve(undefined))),
    );
    for (const c of checked) {
      if (!c) continue;
      out(formatChecklist(c));
      ok &&= c.ok;
      const failed = c.steps.find((s) => s.status === 'fail');
      if (failed) say(`${c.target}: deployed, but the activation check failed: ${failed.title.toLowerCase()}: ${failed.detail}`);
    }
  }
  return ok ? 0 : 1;
}

async function runUndeploy(o: Options, targets: Target[]): Promise<number> {
  const units = gatherUnits(o.unit!);
  const plans = await Promise.all(targets.map((t) => planUndeploy(t, units)));
  const ready = plans.filter((p) => !p.error);
  for (const p of plans) {
    if (p.error) say(`${p.target.label}: ${p.error}`);
    else out(formatUndeployPlan(p));
  }
  if (!ready.length) return 1;
  if (!o.yes && !(await confirm(`Undeploy ${units.socket} from ${labels(ready.map((p) => p.target))}? [y/N] `))) {
    say('nothing was removed');
    return 1;
  }
  const results = await Promise.all(ready.map(applyUndeploy));
  for (const r of results) out(formatResult(r, 'undeployed', units.socket));
  results.forEach((r, i) => sayFailure(r, ready[i].target));
  return ready.length === plans.length && results.every((r) => r.ok) ? 0 : 1;
}

async function runVerify(o: Options, target: Target): Promise<number> {
  // A manager that does not answer gets one line, not a checklist of five failed and skipped steps.
  const probe = await probeTarget(target);
  if (!probe.ok) {
    say(`${target.label}: ${probe.line}`);
    return 1;
  }
  const c = await verifyActivation(target, o.unit!);
  out(o.format === 'json' ? `${JSON.stringify(c)}\n` : formatChecklist(c));
  return c.ok ? 0 : 1;
}

async function runList(o: Options, targets: Target[]): Promise<number> {
  const results = await Promise.all(targets.map(listSockets));
  if (o.format === 'json') out(`${socketsJson(results)}\n`);
  else
    for (const r of results) {
      if (r.ok) out(formatSockets(r));
      else say(`${r.target}: ${r.line ?? r.error}`);
    }
  return results.every((r) => r.ok) ? 0 : 1;
}

/** Runs one deploy subcommand; resolves to the exit status. Throws DeployUsageError for bad arguments. */
export async function runDeployCommand(command: Command, args: string[]): Promise<number> {
  const o = parseArgs(command, args);
  const noLocal = o.kind === 'host' ? undefined : localManagerUnsupported(o.kind, process.platform);
  if (noLocal) {
    say(noLocal);
    return 2;
  }
  const targets = targetsOf(o);
  const asks = command === 'deploy' || command === 'undeploy';
  if (asks && !o.yes && !process.stdin.isTTY) {
    say(`${command} asks before changing anything and there is no terminal to ask on; nothing was changed (add --yes)`);
    return 2;
  }
  // Reading states (list-sockets) works for anyone; changing units and killing a service (verify) need root.
  // A machine not booted with systemd says so instead of asking for a password to find out. (Other probe
  // failures may be only this user's: without root, systemctl needs the system D-Bus; root does not.)
  if (o.kind === 'system' && command !== 'list-sockets' && process.getuid?.() !== 0) {
    const probe = await probeTarget(targets[0]);
    if (!probe.ok && probe.notBooted) {
      say(`${targets[0].label}: ${probe.line}`);
      return 1;
    }
    return rerunWithSudo();
  }
  try {
    switch (command) {
      case 'deploy':
        return await runDeploy(o, targets);
      case 'undeploy':
        return await runUndeploy(o, targets);
      case 'verify':
        return await runVerify(o, targets[0]);
      case 'list-sockets':
        return await runList(o, targets);
    }
  } catch (e) {
    if (e instanceof UnitsError || e instanceof TargetError) {
      say(e.message);
      return 1;
    }
    throw e;
  }
}
