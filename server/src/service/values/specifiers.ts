/**
 * Unit file specifiers (%i, %n, %t, …) as expanded by specifier_printf() (src/shared/specifier.c) with
 * the tables of src/core/unit-printf.c.
 *
 * Rules of specifier_printf(): "%%" is a literal '%'; "%X" with X a known specifier expands; "%X" with
 * X an ASCII letter or digit that is *not* in the table is an error (-EBADSLT, "Invalid slot"), and
 * systemd then ignores the whole assignment; '%' followed by anything else is copied literally, and a
 * trailing lone '%' is kept. Only parsers that call unit_*printf() expand specifiers; for all other
 * settings '%' is an ordinary character.
 */
import type { ValueProblem } from './types';
import { utf8ByteLength } from './words';

/**
 * unit_name_printf(): used for unit names (Service=, Sockets=, dependencies, Unit=, Slice=).
 * unit_full_printf() and friends (path, fd, env, cred printf): everything a unit file can use.
 */
export type SpecifierFlavor = 'name' | 'full';

const NAME_SPECIFIERS = 'ijnNp' + 'aAbBHlqmMovwW' + 'gGuU';
const FULL_ONLY_SPECIFIERS = 'IJP' + 'fyY' + 'crR' + 'CdDELSt' + 'hs' + 'TV';

export const SPECIFIER_TABLES: Readonly<Record<SpecifierFlavor, ReadonlySet<string>>> = {
  name: new Set(NAME_SPECIFIERS),
  full: new Set(NAME_SPECIFIERS + FULL_ONLY_SPECIFIERS),
};

/** One line per specifier, for hovers. */
export const SPECIFIER_DESCRIPTIONS: Readonly<Record<string, string>> = {
  a: 'Architecture of the host (e.g. x86-64).',
  A: 'Operating system image version (IMAGE_VERSION= in os-release); empty if unset.',
  b: 'Boot ID of the running system.',
  B: 'Operating system build ID (BUILD_ID= in os-release); empty if unset.',
  c: 'Control group path of the unit (deprecated).',
  C: 'Cache directory root: /var/cache for the system manager, $XDG_CACHE_HOME for user managers.',
  d: 'Credentials directory of the unit ($CREDENTIALS_DIRECTORY).',
  D: 'Shared data directory root: /usr/share, or $XDG_DATA_HOME for user managers.',
  E: 'Configuration directory root: /etc, or $XDG_CONFIG_HOME for user managers.',
  f: 'Unescaped instance name (or prefix if no instance) with a leading "/", as a path.',
  g: 'Group name of the service manager (not of Group=).',
  G: 'Numeric group ID of the service manager.',
  h: 'Home directory of the user running the service manager (not of User=).',
  H: 'Host name of the running system.',
  i: 'Instance name: the part between the first "@" and the type suffix; empty for non-instances.',
  I: 'Instance name with escaping undone.',
  j: 'Final "-"-separated component of the prefix.',
  J: 'Final component of the prefix with escaping undone.',
  l: 'Short host name (host name up to the first dot).',
  L: 'Log directory root: /var/log, or $XDG_STATE_HOME/log for user managers.',
  m: 'Machine ID of the running system.',
  M: 'Operating system image identifier (IMAGE_ID= in os-release); empty if unset.',
  n: 'Full unit name, including the type suffix.',
  N: 'Full unit name without the type suffix.',
  o: 'Operating system ID (ID= in os-release).',
  p: 'Prefix: the part before the first "@", or the name without suffix if there is no "@".',
  P: 'Prefix with escaping undone.',
  q: 'Pretty host name (PRETTY_HOSTNAME= in machine-info); falls back to the host name.',
  r: 'Control group path of the slice the unit is in (deprecated).',
  R: 'Root of the control group hierarchy (deprecated).',
  s: 'Shell of the user running the service manager.',
  S: 'State directory root: /var/lib, or $XDG_STATE_HOME for user managers.',
  t: 'Runtime directory root: /run, or $XDG_RUNTIME_DIR for user managers.',
  T: 'Directory for temporary files: /tmp, or $TMPDIR if set.',
  u: 'User name of the service manager (not of User=).',
  U: 'Numeric user ID of the service manager.',
  v: 'Kernel release (uname -r).',
  V: 'Directory for larger, persistent temporary files: /var/tmp, or $TMPDIR if set.',
  w: 'Operating system version ID (VERSION_ID= in os-release).',
  W: 'Operating system variant ID (VARIANT_ID= in os-release).',
  y: 'Path of the unit file fragment.',
  Y: 'Directory containing the unit file fragment.',
  '%': 'A literal "%".',
};

function isAsciiAlnum(ch: string | undefined): boolean {
  return ch !== undefined && /^[A-Za-z0-9]$/.test(ch);
}

export interface SpecifierScan {
  /** Known specifiers found, in order, with their offset of the '%'. */
  known: Array<{ letter: string; start: number }>;
  /** Unknown "%X" (X alphanumeric) sequences, which make systemd ignore the assignment. */
  unknown: Array<{ letter: string; start: number }>;
  /**
   * The value with "%%" collapsed and literal '%' sequences kept: exactly what systemd produces when
   * the value contains no real specifier (meaningless otherwise).
   */
  literal: string;
  /** UTF-8 length of the text that survives expansion regardless of what the specifiers expand to. */
  minimumBytes: number;
}

/** Walks a value like specifier_printf() does. */
export function scanSpecifiers(value: string, flavor: SpecifierFlavor): SpecifierScan {
  const table = SPECIFIER_TABLES[flavor];
  const scan: SpecifierScan = { known: [], unknown: [], literal: '', minimumBytes: 0 };
  let literal = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch !== '%') { literal += ch; continue; }
    const next = value[i + 1];
    if (next === undefined) { literal += '%'; break; }
    if (next === '%') { literal += '%'; i++; continue; }
    if (table.has(next)) scan.known.push({ letter: next, start: i });
    else if (isAsciiAlnum(next)) scan.unknown.push({ letter: next, start: i });
    else { literal += '%'; continue; } // '%' before a non-alphanumeric is literal; re-read `next` normally
    i++;
  }
  scan.literal = literal;
  scan.minimumBytes = utf8ByteLength(literal);
  return scan;
}

/**
 * What a specifier that depends only on the unit's own name expands to (%n %N %p %i %j), given the
 * unit file name; undefined when it cannot be known (other specifiers, or %n/%N/%i/%j of a template,
 * whose instance is only known at run time).
 */
export function unitNameSpecifierValue(letter: string, unitName: string): string | undefined {
  const dot = unitName.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const base = unitName.slice(0, dot);
  const at = base.indexOf('@');
  const prefix = at >= 0 ? base.slice(0, at) : base;
  const instance = at >= 0 ? base.slice(at + 1) : '';
  const template = at >= 0 && instance === '';
  switch (letter) {
    case 'p': return prefix;
    case 'j': return prefix.slice(prefix.lastIndexOf('-') + 1);
    case 'n': return template ? undefined : unitName;
    case 'N': return template ? undefined : base;
    case 'i': return template ? undefined : instance; // empty for a unit without "@"
    default: return undefined;
  }
}

/**
 * Expands the specifiers `resolve` knows and collapses "%%"; `complete` is false when a specifier
 * was left unexpanded (its text then stays in `text`). Unknown specifiers must be ruled out first.
 */
export function resolveSpecifiers(value: string, flavor: SpecifierFlavor, resolve: (letter: string) => string | undefined): { text: string; complete: boolean } {
  const table = SPECIFIER_TABLES[flavor];
  let text = '';
  let complete = true;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const next = value[i + 1];
    if (ch !== '%' || next === undefined) { text += ch; continue; }
    if (next === '%') { text += '%'; i++; continue; }
    if (!table.has(next)) { text += '%'; continue; }
    const v = resolve(next);
    if (v === undefined) {
      complete = false;
      text += '%' + next;
    } else {
      text += v;
    }
    i++;
  }
  return { text, complete };
}

export function hasSpecifiers(value: string, flavor: SpecifierFlavor): boolean {
  const s = scanSpecifiers(value, flavor);
  return s.known.length > 0 || s.unknown.length > 0;
}

/**
 * Problems for every unknown specifier in `value`; `offset` shifts the ranges when `value` is a slice
 * of the whole setting (e.g. one word of a list).
 */
export function unknownSpecifierProblems(
  value: string,
  flavor: SpecifierFlavor,
  directive: string,
  offset = 0,
  outcome = 'systemd ignores this assignment',
): ValueProblem[] {
  return scanSpecifiers(value, flavor).unknown.map(({ letter, start }) => ({
    code: 'unknown-specifier' as const,
    message: `${directive}=: unknown specifier "%${letter}" in "${value}"; ${outcome} (write "%%" for a literal percent sign).`,
    start: offset + start,
    end: offset + start + 2,
  }));
}

/** Length limits that unit_*printf() enforce on the expanded text (max_length argument). */
export const PRINTF_LIMITS = {
  /** unit_name_printf(): UNIT_NAME_MAX. */
  name: 256,
  /** unit_path_printf(): PATH_MAX - 1. */
  path: 4095,
  /** unit_fd_printf(): FDNAME_MAX. */
  fd: 255,
  /** unit_full_printf(): LONG_LINE_MAX. */
  full: 1024 * 1024,
} as const;

/**
 * Problems for a value run through a unit_*printf() function: unknown specifiers, or text that is
 * longer than the limit even before any specifier is expanded (-ENAMETOOLONG).
 */
export function printfProblems(value: string, flavor: SpecifierFlavor, maxBytes: number, directive: string): ValueProblem[] {
  const problems = unknownSpecifierProblems(value, flavor, directive);
  if (problems.length > 0) return problems;
  const scan = scanSpecifiers(value, flavor);
  if (scan.minimumBytes > maxBytes) {
    return [{ message: `${directive}= value is too long (${scan.minimumBytes} bytes, at most ${maxBytes} allowed); systemd ignores this assignment.` }];
  }
  return [];
}

/** Parsers that run the value through unit_name_printf(): unit names, with the smaller specifier table. */
const NAME_PRINTF_PARSERS = new Set([
  'config_parse_unit_deps', 'config_parse_obsolete_unit_deps', 'config_parse_service_sockets', 'config_parse_trigger_unit',
  'config_parse_unit_slice', 'config_parse_socket_service', 'config_parse_also', 'config_parse_strv',
]);

/** Parsers that expand the full specifier table (unit_full_printf(), unit_path_printf() and friends). */
const FULL_PRINTF_PARSERS = new Set([
  // Also expanded (seen in load-fragment.c), listed for hover and completion:
  'config_parse_open_file',
  'config_parse_socket_listen', 'config_parse_fdname', 'config_parse_unit_path_printf', 'config_parse_unit_path_strv_printf',
  'config_parse_unit_mounts_for', 'config_parse_colon_separated_paths', 'config_parse_namespace_path_strv',
  'config_parse_exec_directories', 'config_parse_bind_paths', 'config_parse_pid_file', 'config_parse_working_directory',
  'config_parse_temporary_filesystems', 'config_parse_unit_string_printf', 'config_parse_unit_strv_printf',
  'config_parse_documentation', 'config_parse_unit_condition_path', 'config_parse_unit_condition_string',
  'config_parse_exec', 'config_parse_environ', 'config_parse_unit_env_file', 'config_parse_user_group_compat',
  'config_parse_user_group_strv_compat', 'config_parse_exec_input', 'config_parse_exec_input_text',
  'config_parse_exec_output', 'config_parse_set_credential', 'config_parse_load_credential',
  'config_parse_exec_selinux_context', 'config_parse_exec_apparmor_profile', 'config_parse_exec_smack_process_label',
]);

/** Which specifier table systemd expands in a value of this parser; undefined: `%` is literal there. */
export function specifierFlavorOfParser(section: string, parser: string): SpecifierFlavor | undefined {
  if (FULL_PRINTF_PARSERS.has(parser)) return 'full';
  // Plain config_parse_strv expands nothing, except in [Install] where install.c expands unit names.
  if (parser === 'config_parse_strv' && section !== 'Install') return undefined;
  if (NAME_PRINTF_PARSERS.has(parser)) return 'name';
  return undefined;
}

