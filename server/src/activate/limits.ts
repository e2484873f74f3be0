/**
 * The two brakes systemd puts on a program that keeps failing, as `sockact activate` applies them:
 *
 * - the socket's trigger limit (TriggerLimitIntervalSec=/TriggerLimitBurst= in [Socket]): every time the
 *   socket wants to start the service (Accept=no) or accepts a connection (Accept=yes);
 * - the service's start limit (StartLimitIntervalSec=/StartLimitBurst= in the service's [Unit]): every
 *   start of the service, whether a connection or Restart= asked for it. When an Accept=no socket's
 *   service hits it, the socket fails too (result service-start-limit-hit) and stops listening. With
 *   Accept=yes each connection is a new instance (foo@N-….service) with a fresh counter that is started
 *   once, and the socket ignores its instances' state, so the start limit never stops an Accept=yes socket.
 *
 * Both are systemd's ratelimit_below(): a window opens at the first event and lasts the interval; up to
 * `burst` events pass in it; the next one after the window closes opens a new one. An interval or a
 * burst of 0 turns the limit off.
 */
import type { AnalyzedEntry, UnitAnalysis } from '../service/analysis';
import { parseSec } from '../service/values/timespan';

export class RateLimit {
  private begin = -1;
  private num = 0;

  constructor(
    readonly intervalMs: number,
    readonly burst: number,
  ) {}

  get configured(): boolean {
    return this.intervalMs > 0 && this.burst > 0;
  }

  /** Counts one event; false when it is over the limit (the event is refused). */
  below(now = performance.now()): boolean {
    if (!this.configured) return true;
    if (this.begin < 0 || now - this.begin > this.intervalMs) {
      this.begin = now;
      this.num = 1;
      return true;
    }
    if (this.num >= this.burst) return false;
    this.num++;
    return true;
  }

  /** Forgets every event (`systemctl reset-failed`; --watch after a limit was hit). */
  reset(): void {
    this.begin = -1;
    this.num = 0;
  }
}

export interface LimitSetting {
  intervalMs: number;
  burst: number;
  /** Where the numbers come from, for the message: the file that sets them, or undefined for the defaults. */
  setIn?: string;
}

/** DefaultStartLimitIntervalSec= / DefaultStartLimitBurst= of system.conf and user.conf. */
export const DEFAULT_START_LIMIT: LimitSetting = { intervalMs: 10_000, burst: 5 };

/** "10s", "500ms", "infinity": how a limit's interval reads in a message. */
export function formatInterval(ms: number): string {
  if (ms === Infinity) return 'infinity';
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A time span in ms (infinity: Infinity), or undefined when the value does not parse. */
export function spanMs(value: string): number | undefined {
  const r = parseSec(value);
  if (!r.ok) return undefined;
  return r.infinity ? Infinity : Number(r.value / 1000n);
}

/** The last applied assignment of any of these [section, key] pairs, in file order. */
function lastAppliedAny(analysis: UnitAnalysis, keys: Array<[string, string]>): AnalyzedEntry | undefined {
  let found: AnalyzedEntry | undefined;
  for (const e of analysis.entries) {
    if (e.fate === 'applied' && keys.some(([section, key]) => e.section.name === section && e.entry.key === key)) found = e;
  }
  return found;
}

/**
 * The service's start limit. The settings live in [Unit]; the pre-229 names StartLimitInterval=
 * and StartLimitBurst= are still read in [Service] too and set the same fields, so the last of all of
 * them in the file wins. An empty value is the default again.
 */
export function readStartLimit(analysis: UnitAnalysis | undefined, file: string | undefined): LimitSetting {
  if (!analysis) return DEFAULT_START_LIMIT;
  const interval = lastAppliedAny(analysis, [['Unit', 'StartLimitIntervalSec'], ['Unit', 'StartLimitInterval'], ['Service', 'StartLimitInterval']]);
  const burst = lastAppliedAny(analysis, [['Unit', 'StartLimitBurst'], ['Service', 'StartLimitBurst']]);
  const intervalMs = interval && interval.entry.value !== '' ? spanMs(interval.entry.value) : undefined;
  const burstN = burst && burst.entry.value !== '' ? Number(burst.entry.value) : undefined;
  const set = intervalMs !== undefined || (burstN !== undefined && Number.isFinite(burstN));
  return {
    intervalMs: intervalMs ?? DEFAULT_START_LIMIT.intervalMs,
    burst: burstN !== undefined && Number.isFinite(burstN) ? burstN : DEFAULT_START_LIMIT.burst,
    setIn: set ? file : undefined,
  };
}

function settings(l: LimitSetting, intervalKey: string, burstKey: string): string {
  return `${burstKey}=${l.burst}, ${intervalKey}=${formatInterval(l.intervalMs)}${l.setIn ? ` in ${l.setIn}` : ', the defaults'}`;
}

/** The one line for a hit start limit: what happened, the setting and numbers, what systemd does. */
export function startLimitMessage(l: LimitSetting, service: string, socket: string, acceptYes = false): string {
  const head = `start limit hit: ${service} was started ${l.burst} time${l.burst === 1 ? '' : 's'} within ${formatInterval(l.intervalMs)} ` +
    `(${settings(l, 'StartLimitIntervalSec', 'StartLimitBurst')}); systemd refuses to start it again`;
  return acceptYes
    ? `${head} and the instance fails; ${socket} goes on listening (with Accept=yes the socket does not follow its instances)`
    : `${head} and ${socket} fails with result 'service-start-limit-hit', so sockact closes the sockets ` +
      `(fix the crash, or raise the limit; StartLimitIntervalSec=0 turns it off)`;
}

/** The one line for a hit trigger limit; `what` says what was counted ("the program exited 3 times"). */
export function triggerLimitMessage(l: LimitSetting, what: string, socket: string): string {
  return `trigger limit hit: ${what} in ${formatInterval(l.intervalMs)} (${settings(l, 'TriggerLimitIntervalSec', 'TriggerLimitBurst')}); ` +
    `systemd stops ${socket} with result 'trigger-limit-hit', so sockact closes the sockets`;
}
