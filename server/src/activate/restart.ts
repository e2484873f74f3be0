/**
 * The service's Restart= as systemd applies it (service_shall_restart()): only when the program exits on
 * its own (never after a stop), decided by how it exited. The restart comes RestartSec= later (100 ms by
 * default), without waiting for a connection, and counts against the start limit like any other start;
 * so a program that keeps failing under Restart= is stopped by the start limit, not by the trigger limit.
 * (Checked against systemd 252: Accept=no and Restart=on-failure with a program that exits 1 at once runs it
 * 5 times, NRestarts=5, then the socket fails with service-start-limit-hit.)
 */
import { afterResets, appliedIn, lastApplied, type UnitAnalysis } from '../service/analysis';
import { spanMs } from './limits';

export type RestartSetting = 'no' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-watchdog' | 'on-abort' | 'always';

interface ExitSet {
  codes: Set<number>;
  signals: Set<string>;
}

export interface RestartPolicy {
  restart: RestartSetting;
  delayMs: number;
  /** RestartPreventExitStatus=, RestartForceExitStatus=, SuccessExitStatus=. */
  prevent: ExitSet;
  force: ExitSet;
  success: ExitSet;
}

const SETTINGS: readonly RestartSetting[] = ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always'];

/** Signals after which a daemon's exit still counts as clean (is_clean_exit(), EXIT_CLEAN_DAEMON). */
const CLEAN_SIGNALS = new Set(['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGPIPE']);

export const NO_RESTART: RestartPolicy = { restart: 'no', delayMs: 100, prevent: emptySet(), force: emptySet(), success: emptySet() };

function emptySet(): ExitSet {
  return { codes: new Set(), signals: new Set() };
}

/** config_parse_set_status(): exit codes 0–255 and signal names (with or without SIG); empty resets. */
function exitSet(analysis: UnitAnalysis, key: string): ExitSet {
  const set = emptySet();
  for (const e of afterResets(appliedIn(analysis, 'Service', key))) {
    for (const word of e.entry.value.split(/\s+/).filter(Boolean)) {
      if (/^\d+$/.test(word)) {
        const n = Number(word);
        if (n <= 255) set.codes.add(n);
      } else if (/^[A-Z][A-Z0-9]*$/.test(word)) {
        set.signals.add(word.startsWith('SIG') ? word : `SIG${word}`);
      }
    }
  }
  return set;
}

export function readRestart(analysis: UnitAnalysis | undefined): RestartPolicy {
  if (!analysis) return NO_RESTART;
  const value = lastApplied(analysis, 'Service', 'Restart')?.entry.value;
  const delay = lastApplied(analysis, 'Service', 'RestartSec')?.entry.value;
  const delayMs = delay ? spanMs(delay) : undefined;
  return {
    restart: SETTINGS.find((s) => s === value) ?? 'no',
    delayMs: delayMs === undefined || delayMs === Infinity ? 100 : delayMs,
    prevent: exitSet(analysis, 'RestartPreventExitStatus'),
    force: exitSet(analysis, 'RestartForceExitStatus'),
    success: exitSet(analysis, 'SuccessExitStatus'),
  };
}

function inSet(set: ExitSet, code: number | null, signal: string | null): boolean {
  return signal ? set.signals.has(signal) : code !== null && set.codes.has(code);
}

/** systemd's result for the exit: success (clean), exit-code or signal (a core dump looks the same here). */
export function exitResult(policy: RestartPolicy, code: number | null, signal: string | null): 'success' | 'exit-code' | 'signal' {
  if (signal) return CLEAN_SIGNALS.has(signal) || policy.success.signals.has(signal) ? 'success' : 'signal';
  return code === 0 || (code !== null && policy.success.codes.has(code)) ? 'success' : 'exit-code';
}

/** Whether systemd restarts the service after this exit of its own (service_shall_restart()). */
export function shallRestart(policy: RestartPolicy, code: number | null, signal: string | null): boolean {
  if (inSet(policy.prevent, code, signal)) return false;
  if (inSet(policy.force, code, signal)) return true;
  const result = exitResult(policy, code, signal);
  switch (policy.restart) {
    case 'no': return false;
    case 'always': return true;
    case 'on-success': return result === 'success';
    case 'on-failure': return result !== 'success';
    // Timeouts and the watchdog, the other abnormal results, are not emulated.
    case 'on-abnormal': return result === 'signal';
    case 'on-watchdog': return false;
    case 'on-abort': return result === 'signal';
  }
}
