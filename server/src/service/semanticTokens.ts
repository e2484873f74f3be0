/**
 * Semantic tokens: colour by meaning, with LSP's standard token types and modifiers only, so that every
 * theme colours them without knowing this extension. What each part of a unit becomes:
 *   section name `[Socket]`           namespace + declaration
 *   known key                          property
 *   key ignored at the target version  property + deprecated (removed or disabled support, the cgroup-v1
 *                                      spellings systemd logs as deprecated)
 *   unknown key (or newer than the target, or X-…)  variable
 *   unit names (Requires=, Service= …) type
 *   paths, Listen*= paths and names    string
 *   specifiers `%i`, `%n` …            macro (only where systemd expands them)
 *   numbers, time spans, sizes, ports and IP addresses (Listen*=)  number
 *   booleans, `infinity`               keyword
 *   words of the directive's table (Type=notify, Restart=on-failure …)  enumMember
 *   the executable of Exec*=           function
 * Comments and everything else keep the grammar's colours (no token). Tokens never cross a line: a value
 * continued over lines is split at the line breaks. Pure and linear in the size of the file; on any input
 * it returns tokens or none, it does not throw.
 */
import type { Range, SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { directiveAt, type DirectiveCatalog } from './catalog';
import type { DirectiveDef } from './catalogTypes';
import { CGROUP_V1_SUCCESSORS } from './diagnostics/deprecated';
import type { Entry, Section, UnitFile } from './parser';
import { parseBoolean, parseListenAddress } from './values';
import { SPECIFIER_TABLES, specifierFlavorOfParser } from './values/specifiers';

export const TOKEN_TYPES = ['namespace', 'property', 'variable', 'type', 'string', 'macro', 'number', 'keyword', 'enumMember', 'function'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'deprecated'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

const TYPE_INDEX = new Map<string, number>(TOKEN_TYPES.map((t, i) => [t, i]));
const MODIFIER_BIT = new Map<string, number>(TOKEN_MODIFIERS.map((m, i) => [m, 1 << i]));

/** One token in document offsets (start, end on one line). */
interface Token {
  start: number;
  end: number;
  type: TokenType;
  modifiers?: readonly TokenModifier[];
}

const UNIT_NAME_PARSERS = new Set([
  'config_parse_unit_deps', 'config_parse_obsolete_unit_deps', 'config_parse_trigger_unit', 'config_parse_unit_slice',
  'config_parse_socket_service', 'config_parse_service_sockets', 'config_parse_also', 'config_parse_alias',
]);
const PATH_PARSERS = new Set([
  'config_parse_unit_path_printf', 'config_parse_pid_file', 'config_parse_working_directory', 'config_parse_unit_env_file',
  'config_parse_unit_path_strv_printf', 'config_parse_unit_mounts_for', 'config_parse_namespace_path_strv',
  'config_parse_unit_condition_path', 'config_parse_path_spec', 'config_parse_mount_node', 'config_parse_bind_paths',
]);
const BOOLEAN_PARSERS = new Set(['config_parse_bool', 'config_parse_tristate', 'config_parse_job_mode_isolate']);
/** Parsers of numbers, time spans, sizes, weights, modes: numeric words are numbers, `infinity` a keyword. */
const NUMBER_PARSERS = new Set([
  'config_parse_sec', 'config_parse_sec_fix_0', 'config_parse_sec_def_infinity', 'config_parse_service_timeout',
  'config_parse_service_timeout_abort', 'config_parse_timeout_abort', 'config_parse_job_timeout_sec',
  'config_parse_job_running_timeout_sec', 'config_parse_managed_oom_mem_pressure_duration_sec', 'config_parse_nsec',
  'config_parse_unsigned', 'config_parse_uint8', 'config_parse_uint16', 'config_parse_uint32', 'config_parse_uint64',
  'config_parse_int', 'config_parse_int32', 'config_parse_long', 'config_parse_iec_size', 'config_parse_iec_size_long',
  'config_parse_iec_uint64', 'config_parse_si_uint64', 'config_parse_iec_uint64_infinity', 'config_parse_memory_limit',
  'config_parse_tasks_max', 'config_parse_cpu_quota', 'config_parse_cg_weight', 'config_parse_cg_cpu_weight', 'config_parse_mode',
  'config_parse_exec_nice', 'config_parse_exec_oom_score_adjust', 'config_parse_rlimit', 'config_parse_cpu_shares',
  'config_parse_blockio_weight', 'config_parse_exec_io_priority', 'config_parse_exec_cpu_sched_prio', 'config_parse_unit_cpu_set',
]);
const EXEC_PARSERS = new Set(['config_parse_exec']);
const LISTEN_PARSERS = new Set(['config_parse_socket_listen']);

const NUMERIC_WORD = /^[-+]?[0-9.][0-9a-zA-Zµ.:%-]*$/;

export interface SemanticTokenOptions {
  catalog: DirectiveCatalog;
  systemdVersion: number;
}

/** textDocument/semanticTokens/full, or /range when `range` is given (tokens of the lines it touches). */
export function semanticTokens(document: TextDocument, unit: UnitFile, options: SemanticTokenOptions, range?: Range): SemanticTokens {
  // A tree of another version of the text would colour the wrong characters.
  if (unit.text !== document.getText()) return { data: [] };
  const encoder = new Encoder(unit);
  let from = 0;
  let to = Infinity;
  if (range) {
    from = document.offsetAt({ line: range.start.line, character: 0 });
    to = range.end.line + 1 < document.lineCount ? document.offsetAt({ line: range.end.line + 1, character: 0 }) : unit.text.length;
  }
  const keys = new Map<string, KeyVerdict>();
  for (const section of unit.sections) {
    if (section.span.end < from || section.span.start > to) continue;
    if (section.headerSpan.start >= from && section.headerSpan.start < to) {
      for (const t of sectionTokens(section)) encoder.push(t);
    }
    for (const entry of section.entries) {
      if (entry.span.end < from || entry.span.start >= to) continue;
      try {
        for (const t of entryTokens(section, entry, options, keys)) if (t.start >= from && t.start < to) encoder.push(t);
      } catch {
        // A value parser that trips over some input must not cost the rest of the file its colours.
      }
    }
  }
  return { data: encoder.data };
}

function sectionTokens(section: Section): Token[] {
  if (section.nameSpan.end <= section.nameSpan.start) return [];
  return [{ start: section.nameSpan.start, end: section.nameSpan.end, type: 'namespace', modifiers: ['declaration'] }];
}

/** The key's token and what the target version makes of the key (undefined: it does not know it). */
function keyToken(section: Section, entry: Entry, options: SemanticTokenOptions, cache: Map<string, KeyVerdict>): { token: Token; def?: DirectiveDef } {
  // The same key comes back again and again in a file: judge it once per call.
  const cacheKey = `${section.name}\0${entry.key}`;
  let verdict = cache.get(cacheKey);
  if (!verdict) cache.set(cacheKey, (verdict = judgeKey(section, entry, options)));
  return { token: { start: entry.keySpan.start, end: entry.keySpan.end, type: verdict.type, modifiers: verdict.modifiers }, def: verdict.def };
}

interface KeyVerdict {
  type: TokenType;
  modifiers?: readonly TokenModifier[];
  /** How the target version parses the key; undefined when it does not apply it. */
  def?: DirectiveDef;
}

const DEPRECATED: readonly TokenModifier[] = ['deprecated'];

function judgeKey(section: Section, entry: Entry, options: SemanticTokenOptions): KeyVerdict {
  const known = section.name.startsWith('X-') || entry.key.startsWith('X-') ? undefined : options.catalog.lookup(section.name, entry.key);
  if (!known || (known.since !== undefined && known.since > options.systemdVersion)) return { type: 'variable' };
  const def = directiveAt(known, options.systemdVersion);
  const ignored = def.status === 'removed' || def.status === 'disabled' || (known.removedIn !== undefined && known.removedIn <= options.systemdVersion);
  const deprecated = ignored || Object.prototype.hasOwnProperty.call(CGROUP_V1_SUCCESSORS, entry.key);
  return { type: 'property', modifiers: deprecated ? DEPRECATED : undefined, def: ignored ? undefined : def };
}

function entryTokens(section: Section, entry: Entry, options: SemanticTokenOptions, keys: Map<string, KeyVerdict>): Token[] {
  const { token, def } = keyToken(section, entry, options, keys);
  const tokens = [token];
  if (!def || entry.value === '') return tokens;
  const valueTokens = valueTokensOf(section, entry, def, options);
  for (const t of valueTokens) tokens.push(...toDocument(entry, t));
  return tokens;
}

/** A token in value offsets. */
interface ValueToken {
  start: number;
  end: number;
  type: TokenType;
}

/** Whitespace-separated words of a value with their offsets. */
function wordsOf(value: string): Array<{ start: number; end: number; text: string }> {
  const words: Array<{ start: number; end: number; text: string }> = [];
  const re = /[^ \t\n\r]+/g;
  for (let m = re.exec(value); m; m = re.exec(value)) words.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  return words;
}

type Flavor = ReturnType<typeof specifierFlavorOfParser>;

function valueTokensOf(section: Section, entry: Entry, def: DirectiveDef, options: SemanticTokenOptions): ValueToken[] {
  const value = entry.value;
  const parser = def.parser;
  if (def.enumValues?.includes(value)) return [{ start: 0, end: value.length, type: 'enumMember' }];
  if ((BOOLEAN_PARSERS.has(parser) || def.enumMatch === 'exact-or-boolean') && parseBoolean(value) !== undefined) {
    return [{ start: 0, end: value.length, type: 'keyword' }];
  }
  const flavor = specifierFlavorOfParser(section.name, parser);
  if (UNIT_NAME_PARSERS.has(parser)) return wordTokens(value, 'type', flavor);
  if (PATH_PARSERS.has(parser)) return wordTokens(value, 'string', flavor);
  if (NUMBER_PARSERS.has(parser)) return numberTokens(value);
  if (LISTEN_PARSERS.has(parser)) return listenTokens(entry, options);
  if (EXEC_PARSERS.has(parser)) return execTokens(value, flavor);
  if (def.enumValues) return tableWordTokens(value, def.enumValues);
  return flavor ? specifiersIn(value, 0, value.length, flavor) : [];
}

/** Each word as `type`, with the specifiers in it cut out as macros. */
function wordTokens(value: string, type: TokenType, flavor: Flavor): ValueToken[] {
  const out: ValueToken[] = [];
  for (const w of wordsOf(value)) {
    const token = { start: w.start, end: w.end, type };
    if (flavor && value.includes('%', w.start)) out.push(...splitAround(token, specifiersIn(value, w.start, w.end, flavor)));
    else out.push(token);
  }
  return out;
}

/** Numeric words (`5min`, `1G`, `0644`, `50%`) are numbers, `infinity` a keyword, anything else nothing. */
function numberTokens(value: string): ValueToken[] {
  const out: ValueToken[] = [];
  for (const w of wordsOf(value)) {
    if (w.text === 'infinity') out.push({ start: w.start, end: w.end, type: 'keyword' });
    else if (NUMERIC_WORD.test(w.text)) out.push({ start: w.start, end: w.end, type: 'number' });
  }
  return out;
}

/** A list of table words (several flags, say): each word the table has. */
function tableWordTokens(value: string, words: readonly string[]): ValueToken[] {
  const out: ValueToken[] = [];
  for (const w of wordsOf(value)) if (words.includes(w.text)) out.push({ start: w.start, end: w.end, type: 'enumMember' });
  return out;
}

/** Listen*=: a port or IP address is a number, a path or a name a string. */
function listenTokens(entry: Entry, options: SemanticTokenOptions): ValueToken[] {
  const value = entry.value;
  const parsed = parseListenAddress(entry.key, value, undefined, options.systemdVersion);
  const specifiers = specifiersIn(value, 0, value.length, 'full');
  if (!parsed.ok) return specifiers;
  const type: TokenType = parsed.kind === 'inet' || parsed.kind === 'inet6' || parsed.kind === 'vsock' ? 'number' : 'string';
  return splitAround({ start: 0, end: value.length, type }, specifiers);
}

/** Exec*=: the executable (after the `-@:+!|` prefixes) is a function; specifiers anywhere are macros. */
function execTokens(value: string, flavor: Flavor): ValueToken[] {
  const words = wordsOf(value);
  const specifiers = flavor ? specifiersIn(value, 0, value.length, flavor) : [];
  if (words.length === 0) return specifiers;
  const first = words[0];
  let start = first.start;
  while (start < first.end && '-@:+!|'.includes(value[start])) start++;
  if (start >= first.end) return specifiers;
  return splitAround({ start, end: first.end, type: 'function' }, specifiers);
}

/** `%x` specifiers of the flavour's table in value[from, to), `%%` skipped. */
function specifiersIn(value: string, from: number, to: number, flavor: NonNullable<Flavor>): ValueToken[] {
  const table = SPECIFIER_TABLES[flavor];
  const out: ValueToken[] = [];
  for (let i = value.indexOf('%', from); i >= 0 && i + 1 < to; i = value.indexOf('%', i + 1)) {
    const next = value[i + 1];
    if (next === '%') i++;
    else if (table.has(next)) {
      out.push({ start: i, end: i + 2, type: 'macro' });
      i++;
    }
  }
  return out;
}

function byStart(a: ValueToken, b: ValueToken): number {
  return a.start - b.start;
}

/** A token with the specifier tokens inside it cut out (tokens may not overlap). */
function splitAround(token: ValueToken, inner: readonly ValueToken[]): ValueToken[] {
  const out: ValueToken[] = [];
  let at = token.start;
  for (const t of inner) {
    if (t.end <= token.start || t.start >= token.end) {
      out.push(t);
      continue;
    }
    if (t.start > at) out.push({ start: at, end: t.start, type: token.type });
    out.push(t);
    at = t.end;
  }
  if (at < token.end) out.push({ start: at, end: token.end, type: token.type });
  return out.sort(byStart);
}

/** Value offsets → document offsets, one token per physical line. */
function toDocument(entry: Entry, t: ValueToken): Token[] {
  if (t.end <= t.start) return [];
  if (!entry.segments) return [{ start: entry.valueSpan.start + t.start, end: entry.valueSpan.start + t.end, type: t.type }];
  const out: Token[] = [];
  for (const seg of entry.segments) {
    const lo = Math.max(t.start, seg.valueOffset);
    const hi = Math.min(t.end, seg.valueOffset + seg.length);
    if (lo < hi) out.push({ start: seg.docOffset + (lo - seg.valueOffset), end: seg.docOffset + (hi - seg.valueOffset), type: t.type });
  }
  return out;
}

/**
 * LSP's relative encoding (line delta, start delta, length, type, modifier bits), written as the tokens
 * arrive in document order. Lines are the editor's (LF, CRLF, CR), found by walking forward, not by a
 * search per token.
 */
class Encoder {
  readonly data: number[] = [];
  private readonly lineStarts: readonly number[];
  private line = 0;
  private prevLine = 0;
  private prevChar = 0;
  private lastEnd = -1;

  constructor(unit: UnitFile) {
    // systemd's lines are the editor's unless a NUL (a line break to systemd only) is in the text.
    this.lineStarts = unit.text.includes('\0') ? editorLineStarts(unit.text) : unit.lineStarts;
  }

  push(t: Token): void {
    if (t.start < this.lastEnd || t.end <= t.start) return;
    const starts = this.lineStarts;
    while (this.line + 1 < starts.length && starts[this.line + 1] <= t.start) this.line++;
    // An editor line break inside a token (a NUL is a line break to systemd only): leave it uncoloured.
    if (this.line + 1 < starts.length && starts[this.line + 1] < t.end) return;
    const character = t.start - starts[this.line];
    let bits = 0;
    if (t.modifiers) for (const m of t.modifiers) bits |= MODIFIER_BIT.get(m) ?? 0;
    const sameLine = this.line === this.prevLine && this.data.length > 0;
    this.data.push(this.line - this.prevLine, sameLine ? character - this.prevChar : character, t.end - t.start, TYPE_INDEX.get(t.type)!, bits);
    this.prevLine = this.line;
    this.prevChar = character;
    this.lastEnd = t.end;
  }
}

function editorLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) starts.push(i + 1);
  }
  return starts;
}
