/**
 * Assignments that a later line silently cancels: a single-value directive set twice (only the last
 * counts), FileDescriptorName= given "per socket" (it names every socket of the unit), and an empty
 * assignment that wipes a list built above it.
 */
import { appliedIn, type AnalyzedEntry, type UnitAnalysis } from '../analysis';
import type { DirectiveDef } from '../catalogTypes';
import { lineOfOffset } from '../parser';
import type { Check, Finding } from './types';

/** Parsers that store one value, so a second assignment replaces the first. */
const SINGLE_VALUE_PARSERS = new Set([
  'config_parse_bool', 'config_parse_tristate', 'config_parse_unsigned', 'config_parse_int', 'config_parse_long',
  'config_parse_sec', 'config_parse_sec_fix_0', 'config_parse_sec_def_infinity', 'config_parse_nsec',
  'config_parse_iec_size', 'config_parse_mode', 'config_parse_fdname', 'config_parse_socket_service',
  'config_parse_socket_bind', 'config_parse_socket_protocol', 'config_parse_socket_timestamping',
  'config_parse_ip_tos', 'config_parse_unit_string_printf', 'config_parse_unit_path_printf',
  'config_parse_working_directory', 'config_parse_user_group_compat', 'config_parse_socket_bindtodevice',
  'config_parse_string', 'config_parse_exec_nice', 'config_parse_exec_oom_score_adjust', 'config_parse_signal',
  'config_parse_exec_input', 'config_parse_exec_output', 'config_parse_kill_mode',
]);

/** Parsers whose values accumulate; an empty assignment empties the list. All Listen*= share one list. */
const LIST_PARSERS = new Set([
  'config_parse_socket_listen', 'config_parse_unit_deps', 'config_parse_strv', 'config_parse_exec',
  'config_parse_environ', 'config_parse_unit_env_file', 'config_parse_unit_path_strv_printf',
]);

/** Whether repeated assignments add to one list (which an empty assignment empties). */
export function isListDirective(def: DirectiveDef): boolean {
  return LIST_PARSERS.has(def.parser);
}

/** The list an assignment adds to: its key, except that every Listen*= feeds the same list of ports. */
export function listIdOf(def: DirectiveDef, key: string): string {
  return def.parser === 'config_parse_socket_listen' ? 'Listen*' : key;
}

export function isSingleValue(def: DirectiveDef): boolean {
  return SINGLE_VALUE_PARSERS.has(def.parser) || (def.enumValues !== undefined && !LIST_PARSERS.has(def.parser));
}

function humanLine(analysis: UnitAnalysis, e: AnalyzedEntry): number {
  return lineOfOffset(analysis.unit, e.entry.span.start) + 1;
}

/** Where the [Socket] Listen*= lines that open a socket start, in file order. */
function listenOffsets(analysis: UnitAnalysis): number[] {
  return appliedIn(analysis, 'Socket')
    .filter((e) => e.def?.parser === 'config_parse_socket_listen' && e.entry.value !== '')
    .map((e) => e.entry.span.start)
    .sort((a, b) => a - b);
}

/**
 * A Listen*= line between two assignments: the pattern of a value meant "per socket". By binary search
 * over the offsets: asked once per overridden line, a scan made a 10,000-line unit quadratic.
 */
function listenBetween(offsets: readonly number[], first: AnalyzedEntry, last: AnalyzedEntry): boolean {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid] <= first.entry.span.start) lo = mid + 1;
    else hi = mid;
  }
  return lo < offsets.length && offsets[lo] < last.entry.span.start;
}

function overriddenFindings(analysis: UnitAnalysis): Finding[] {
  const findings: Finding[] = [];
  const groups: AnalyzedEntry[][] = [];
  for (const { byKey } of analysis.applied.values()) {
    for (const list of byKey.values()) if (list.length > 1 && list[0].def && isSingleValue(list[0].def)) groups.push(list);
  }
  const offsets = listenOffsets(analysis);
  const manySockets = offsets.length > 1;
  for (const list of groups) {
    const last = list[list.length - 1];
    for (let i = 0; i < list.length - 1; i++) {
      const e = list[i];
      if (e.entry.value === last.entry.value || e.entry.value === '') continue;
      if (e.entry.key === 'FileDescriptorName' && e.section.name === 'Socket' && manySockets) {
        findings.push({
          code: 'fdname-per-socket',
          span: e.entry.span,
          message:
            `FileDescriptorName= names every socket of this unit, not the ListenStream= above it: ` +
            `'${e.entry.value}' is lost and all sockets are named '${last.entry.value}' (line ${humanLine(analysis, last)}). ` +
            'Give each name its own .socket unit with Service= pointing at the service.',
        });
        continue;
      }
      const perSocket = manySockets && e.section.name === 'Socket' && listenBetween(offsets, e, last);
      const why = perSocket
        ? `, and [Socket] settings apply to every socket of the unit, not to the Listen*= line above them: all sockets get ${e.entry.key}=${last.entry.value}`
        : ' and only the last assignment counts';
      findings.push({
        code: 'overridden-directive',
        span: e.entry.span,
        message: `${e.entry.key}=${e.entry.value} has no effect: line ${humanLine(analysis, last)} sets ${e.entry.key}= again${why}.`,
        data: { lastLine: humanLine(analysis, last), ...(perSocket ? { perSocket: true } : {}) },
      });
    }
  }
  return findings;
}

function listResetFindings(analysis: UnitAnalysis): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, AnalyzedEntry[]>();
  for (const e of analysis.entries) {
    if (e.fate !== 'applied' || !e.def || !LIST_PARSERS.has(e.def.parser)) continue;
    // Every Listen*= feeds the same list of ports (socket_free_ports() drops all kinds).
    const listId = listIdOf(e.def, e.entry.key);
    const id = `${e.section.name}\0${listId}`;
    const before = seen.get(id) ?? [];
    if (e.entry.value !== '') {
      before.push(e);
      seen.set(id, before);
      continue;
    }
    if (before.length) {
      const lines = before.map((b) => humanLine(analysis, b)).join(', ');
      findings.push({
        code: 'list-reset',
        span: e.entry.span,
        message: `This empty ${e.entry.key}= discards the ${listId}= values set above it (line ${lines}).`,
      });
    }
    seen.set(id, []);
  }
  return findings;
}

export const checkDuplicates: Check = (analysis) => [...overriddenFindings(analysis), ...listResetFindings(analysis)];
