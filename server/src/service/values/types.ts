import type { DirectiveDef } from '../catalogTypes';

/** A problem found in one value; offsets are into the (continuation-joined) value string. */
export interface ValueProblem {
  /** Stable diagnostic code; defaults to "invalid-value". */
  code?: 'invalid-value' | 'value-too-new' | 'unknown-specifier' | 'legacy-path' | 'invalid-listen-address' | 'obsolete-value' | 'ignored-exec-prefix' | 'relaxed-user-name';
  /** One sentence in systemd's spirit, e.g. "Failed to parse boolean value 'maybe'; systemd ignores this line." */
  message: string;
  /** Offset range inside the value (default: whole value). */
  start?: number;
  end?: number;
  /**
   * "ignored" (default): systemd drops the assignment (a Warning).
   * "advice": systemd accepts it but the user should change it (e.g. /var/run rewritten to /run).
   * "refuse": the parser fails the whole unit (it returns an error, load state "bad-setting"): an Error.
   */
  effect?: 'ignored' | 'advice' | 'refuse';
}

export interface ValueContext {
  directive: DirectiveDef;
  /** The unit's file name, e.g. "foo@.socket", when known (specifier expansion hints). */
  unitName?: string;
  /** The systemd version the unit targets; parsers that changed between versions follow it (default: newest). */
  systemdVersion?: number;
}

/** Returns every problem of a value; an empty array means systemd accepts it. */
export type Validator = (value: string, ctx: ValueContext) => ValueProblem[];
