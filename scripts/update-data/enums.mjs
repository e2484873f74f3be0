/**
 * Enum values: parser -> string table -> words, and how strictly systemd matches them.
 */
import { fail, unique } from './util.mjs';

/**
 * Hand-written parsers that are backed by exactly one string table but reach it through a helper, so that
 * neither their name nor their body reveals it (see buildEnumResolver for the generic rules).
 */
const ENUM_PARSER_TABLE_RULES = {
  config_parse_emergency_action: 'emergency_action', // via parse_emergency_action() in emergency-action.c
};

/**
 * How the `NAME_from_string()` that a string-table macro of src/basic/string-table.h defines matches its
 * argument. Both kinds end in string_table_lookup() (src/basic/string-table.c), which compares with
 * streq_ptr(): the whole value, case-sensitively ("Mixed" is not KillMode=mixed). The _WITH_BOOLEAN kinds
 * first try parse_boolean() (src/basic/parse-util.c: 1|yes|y|true|t|on / 0|no|n|false|f|off, compared with
 * STRCASE_IN_SET, so case-insensitively) and map true/false to fixed table entries.
 * Macros not listed here define no exact match: *_WITH_FALLBACK / *_FALLBACK also accept numbers, and the
 * *_TO_STRING* ones define no parser at all. Every key must be #defined in string-table.h (checked).
 */
const STRING_TABLE_LOOKUP_MATCH = {
  DEFINE_STRING_TABLE_LOOKUP: 'exact',
  DEFINE_PRIVATE_STRING_TABLE_LOOKUP: 'exact',
  DEFINE_STRING_TABLE_LOOKUP_FROM_STRING: 'exact',
  DEFINE_PRIVATE_STRING_TABLE_LOOKUP_FROM_STRING: 'exact',
  DEFINE_STRING_TABLE_LOOKUP_WITH_BOOLEAN: 'exact-or-boolean',
  DEFINE_PRIVATE_STRING_TABLE_LOOKUP_WITH_BOOLEAN: 'exact-or-boolean',
  DEFINE_PRIVATE_STRING_TABLE_LOOKUP_FROM_STRING_WITH_BOOLEAN: 'exact-or-boolean',
};
const STRING_TABLE_HEADER = 'src/basic/string-table.h';

/**
 * What the parser macros of src/shared/conf-parser.h do with an empty value: DEFINE_CONFIG_PARSE_ENUM and
 * _FULL hand "" to the lookup, which fails (logged, assignment ignored); _WITH_DEFAULT stores its default.
 * DEFINE_CONFIG_PARSE_ENUMV parses a space-separated list and is no single-word enum (never matched).
 */
const CONFIG_PARSE_ENUM_EMPTY = {
  '': 'invalid',
  _FULL: 'invalid',
  _WITH_DEFAULT: 'resets',
};
const CONF_PARSER_HEADER = 'src/shared/conf-parser.h';

/**
 * The parts of the tree PID 1 is built from (src/core plus the libraries it links). Other directories are
 * other programs, some with functions of the same name (src/nspawn has its own config_parse_private_users):
 * their definitions are looked at only when PID 1's tree has none, and never prove an enumMatch.
 */
const PID1_SOURCE_DIRS = ['src/core/', 'src/shared/', 'src/basic/', 'src/fundamental/', 'src/libsystemd/'];
const inPid1Tree = (path) => PID1_SOURCE_DIRS.some((dir) => path.startsWith(dir));
/** Stable order with PID 1's own definitions first. */
const pid1First = (defs) => [...defs.filter((d) => inPid1Tree(d.file)), ...defs.filter((d) => !inPid1Tree(d.file))];


/**
 * A parser gets enumValues when systemd parses the whole value through one string table:
 *   1. DEFINE_CONFIG_PARSE_ENUM*(config_parse_X, name, Type) anywhere under src/ -> name_table; when the
 *      lookup function is a wrapper without a table of its own (e.g. ..._or_bool_from_string,
 *      ..._from_string_harder), the single table-backed *_from_string it calls.
 *   2. A hand-written parser whose body calls exactly one table-backed `Y_from_string(rvalue...)` -> Y_table
 *      (calls on lvalue or on split words are ignored: those parse the key name or lists).
 *   3. ENUM_PARSER_TABLE_RULES for the rest.
 * config_parse_bool and other boolean parsers have no table, so booleans never get enumValues.
 *
 * enumValues alone only lists words; matchForParser says whether systemd rejects everything else, and is
 * null unless that can be shown from the source (see there).
 */
export function buildEnumResolver(sources) {
  const tables = collectStringTables(sources);
  const functionBodies = new FunctionBodyIndex(sources);
  const enumMacros = collectEnumParserMacros(sources);
  const lookupMacros = collectStringTableLookups(sources);
  checkMatchRuleTables(sources);

  const tableForFromString = (fn) => {
    const base = fn.endsWith('_from_string') ? fn.slice(0, -'_from_string'.length) : null;
    if (base && tables.has(base)) return base;
    const body = functionBodies.get(fn);
    if (!body) return null;
    const called = uniqueTablesCalled(body, tables, /\b(\w+?)_from_string\s*\(/g);
    return called.length === 1 ? called[0] : null;
  };

  const tableForParser = (parser) => {
    if (ENUM_PARSER_TABLE_RULES[parser]) return ENUM_PARSER_TABLE_RULES[parser];
    const macro = enumMacros.get(parser)?.[0];
    if (macro) return tableForFromString(macro.fromString);
    const body = functionBodies.get(parser);
    if (!body) return null;
    const called = uniqueTablesCalled(body, tables, /\b(\w+?)_from_string\s*\(\s*rvalue\b/g);
    return called.length === 1 ? called[0] : null;
  };

  /**
   * How a lookup function `fn(const char *s)` matches, or null when that is not certain:
   *   - NAME_from_string defined by exactly one string-table macro in the tree (the one in the file that also
   *     holds NAME_table, a table without #if'd entries): STRING_TABLE_LOOKUP_MATCH of that macro;
   *   - a hand-written wrapper that only tries parse_boolean() and then returns an exact lookup
   *     (socket_address_bind_ipv6_only_or_bool_from_string): 'exact-or-boolean'.
   */
  const lookupMatch = (fn, depth = 0) => {
    const base = fn.endsWith('_from_string') ? fn.slice(0, -'_from_string'.length) : null;
    const defs = base ? (lookupMacros.get(base) ?? []).filter((d) => inPid1Tree(d.file)) : [];
    if (defs.length) {
      const table = tables.get(base);
      const match = STRING_TABLE_LOOKUP_MATCH[defs[0].macro];
      if (defs.length !== 1 || !match || !table || table.file !== defs[0].file || table.conditional) return null;
      if (functionBodies.getAllInPid1(fn).length) return null; // also written by hand: ambiguous
      return { match, table: base };
    }
    const bodies = functionBodies.getAllInPid1(fn);
    if (bodies.length !== 1) return null;
    const inner = booleanWrapperInnerLookup(bodies[0]);
    if (!inner || depth > 0) return null; // a wrapper of a wrapper is not the shape we understand
    const innerMatch = lookupMatch(inner, depth + 1);
    return innerMatch ? { match: 'exact-or-boolean', table: innerMatch.table } : null;
  };

  /**
   * { enumMatch, enumEmpty? } when the parser provably accepts nothing but the words of its table (and, for
   * 'exact-or-boolean', parse_boolean()'s words); else null. Proven are:
   *   - DEFINE_CONFIG_PARSE_ENUM / _FULL / _WITH_DEFAULT (one definition in the tree, no hand-written
   *     function of that name) over a lookup that lookupMatch() understands; enumEmpty from
   *     CONFIG_PARSE_ENUM_EMPTY;
   *   - a hand-written parser (one definition) of the shape handWrittenEnumShape() recognises.
   * Parsers reached through a helper (ENUM_PARSER_TABLE_RULES) and everything else stay unproven.
   * In every case the table must be the one enumValues came from.
   */
  const matchForParser = (parser) => {
    if (!parser || ENUM_PARSER_TABLE_RULES[parser]) return null;
    const table = tableForParser(parser);
    if (!table) return null;
    const handWritten = functionBodies.getAllInPid1(parser);
    const macros = (enumMacros.get(parser) ?? []).filter((d) => inPid1Tree(d.file));
    let result = null;
    if (macros.length) {
      const variants = unique(macros.map((d) => `${d.variant}\u0000${d.fromString}`));
      const empty = CONFIG_PARSE_ENUM_EMPTY[macros[0].variant];
      if (variants.length !== 1 || handWritten.length || !empty) return null;
      const lookup = lookupMatch(macros[0].fromString);
      if (!lookup || lookup.table !== table) return null;
      result = { enumMatch: lookup.match, enumEmpty: empty };
    } else {
      if (handWritten.length !== 1) return null;
      const shape = handWrittenEnumShape(handWritten[0]);
      if (!shape) return null;
      const lookup = lookupMatch(shape.fromString);
      if (!lookup || lookup.table !== table) return null;
      result = { enumMatch: shape.booleanFallback ? 'exact-or-boolean' : lookup.match, enumEmpty: shape.empty };
    }
    // "" would only be rejected if no table word is empty (none is, but say so rather than assume it).
    if (result.enumEmpty === 'invalid' && tables.get(table).words.includes('')) delete result.enumEmpty;
    if (result.enumEmpty === undefined) delete result.enumEmpty;
    return result;
  };

  return {
    tableForParser,
    matchForParser,
    valuesForParser(parser) {
      const table = parser ? tableForParser(parser) : null;
      if (!table) return undefined;
      const found = tables.get(table);
      if (!found) fail(`string table ${table}_table (for ${parser}) not found under src/`);
      return [...found.words];
    },
  };
}

/** enumValues and, where provable, enumMatch / enumEmpty of the entry's parser as 257.13 defines it. */
export function setEnumFromSource(entry, enums) {
  delete entry.enumValues;
  delete entry.enumMatch;
  delete entry.enumEmpty;
  const words = enums.valuesForParser(entry.parser);
  if (!words?.length) return false;
  entry.enumValues = words;
  const match = enums.matchForParser(entry.parser);
  if (match) Object.assign(entry, match);
  return true;
}

function uniqueTablesCalled(body, tables, pattern) {
  return [...new Set([...body.matchAll(pattern)].map((m) => m[1]).filter((name) => tables.has(name)))];
}

/**
 * `DEFINE_CONFIG_PARSE_ENUM[_WITH_DEFAULT|V|_FULL](config_parse_X, name_or_function, ...)` ->
 * config_parse_X -> every definition { variant, fromString, file } (the macros' own #defines excluded).
 */
function collectEnumParserMacros(sources) {
  const macros = new Map();
  for (const file of sources) {
    for (const m of file.text.matchAll(/(?<!#\s*define\s+)\bDEFINE_CONFIG_PARSE_ENUM(\w*)\(\s*(\w+)\s*,\s*(\w+)\s*,/g)) {
      const fromString = m[1] === '_FULL' ? m[3] : `${m[3]}_from_string`;
      if (!macros.has(m[2])) macros.set(m[2], []);
      macros.get(m[2]).push({ variant: m[1], fromString, file: file.path });
    }
  }
  for (const [parser, defs] of macros) macros.set(parser, pid1First(defs));
  return macros;
}

/**
 * `[static] DEFINE_[PRIVATE_]STRING_TABLE_LOOKUP*(name, ...)` that define name_from_string (all but the
 * *_TO_STRING* ones) -> name -> [{ macro, file }] (the macros' own #defines excluded).
 */
function collectStringTableLookups(sources) {
  const lookups = new Map();
  for (const file of sources) {
    for (const m of file.text.matchAll(/(?<!#\s*define\s+)\b(DEFINE_(?:PRIVATE_)?STRING_TABLE_LOOKUP\w*)\(\s*(\w+)\s*,/g)) {
      if (m[1].includes('TO_STRING')) continue;
      if (!lookups.has(m[2])) lookups.set(m[2], []);
      lookups.get(m[2]).push({ macro: m[1], file: file.path });
    }
  }
  return lookups;
}

/** The rule tables name macros of this systemd version: a renamed macro must not silently stop matching. */
function checkMatchRuleTables(sources) {
  const header = (path) => sources.find((f) => f.path === path)?.text ?? fail(`${path} not found`);
  const stringTable = header(STRING_TABLE_HEADER);
  for (const macro of Object.keys(STRING_TABLE_LOOKUP_MATCH)) {
    if (!new RegExp(`#define\\s+${macro}\\(`).test(stringTable)) fail(`${STRING_TABLE_HEADER} no longer defines ${macro}`);
  }
  const confParser = header(CONF_PARSER_HEADER);
  for (const variant of Object.keys(CONFIG_PARSE_ENUM_EMPTY)) {
    if (!new RegExp(`#define\\s+DEFINE_CONFIG_PARSE_ENUM${variant}\\(`).test(confParser)) {
      fail(`${CONF_PARSER_HEADER} no longer defines DEFINE_CONFIG_PARSE_ENUM${variant}`);
    }
  }
  // The empty-value rule of each variant, as conf-parser.h spells it.
  const body = (variant) =>
    new RegExp(`#define\\s+DEFINE_CONFIG_PARSE_ENUM${variant}\\([^)]*\\)((?:[^\\n]*\\\\\\n)*[^\\n]*)`).exec(confParser)?.[1] ?? '';
  if (!/isempty\(rvalue\)/.test(body('_WITH_DEFAULT')) || /isempty\(rvalue\)/.test(body('_FULL'))) {
    fail(`${CONF_PARSER_HEADER}: empty-value handling of DEFINE_CONFIG_PARSE_ENUM* changed; revisit CONFIG_PARSE_ENUM_EMPTY`);
  }
  if (!/DEFINE_CONFIG_PARSE_ENUM_FULL\(\s*function\s*,\s*name##_from_string/.test(body(''))) {
    fail(`${CONF_PARSER_HEADER}: DEFINE_CONFIG_PARSE_ENUM is no longer DEFINE_CONFIG_PARSE_ENUM_FULL over name##_from_string`);
  }
}

/**
 * A hand-written lookup `T f(const char *p)` that is exactly
 *   r = parse_boolean(p); if (r > 0) return CONST; if (r == 0) return CONST; return INNER_from_string(p);
 * (optionally after `assert(p);` / `if (!p) return -EINVAL;`) -> 'INNER_from_string'; anything else -> null.
 */
function booleanWrapperInnerLookup(fullText) {
  const text = stripCComments(fullText);
  const signature = /\(\s*const\s+char\s*\*\s*(\w+)\s*\)\s*\{/.exec(text);
  if (!signature) return null;
  const p = signature[1];
  const body = text.slice(signature.index + signature[0].length).replace(/\s+/g, ' ').replace(/\s*([();{}])\s*/g, '$1').trim();
  const constant = '[A-Z][A-Z0-9_]*';
  const shape = new RegExp(
    `^(?:int (\\w+);)?(?:assert\\(${p}\\);)?(?:if\\(!${p}\\)return -EINVAL;)?(?:int )?(\\w+) ?= ?parse_boolean\\(${p}\\);` +
      `if\\(\\2 ?> ?0\\)return ${constant};if\\(\\2 ?== ?0\\)return ${constant};return (\\w+_from_string)\\(${p}\\);$`,
  );
  const m = shape.exec(body);
  if (!m || (m[1] && m[1] !== m[2])) return null;
  return m[3];
}

/**
 * A hand-written parser whose only use of the value (besides assert() and log messages) is
 *   [if (isempty(rvalue)) { ... return ...; }]
 *   x = NAME_from_string(rvalue);
 *   if (x < 0) { ...log...; return ...; }            -> rejects what the lookup rejects, or
 *   if (x < 0) { b = parse_boolean(rvalue); if (b < 0) { ...; return ...; } ... }   -> booleans too
 * -> { fromString, booleanFallback, empty: 'resets' | 'invalid' | undefined }; any other shape -> null.
 * Other checks that do not read the value (e.g. "not supported for this unit type") only reject more.
 */
function handWrittenEnumShape(fullText) {
  const text = stripCComments(fullText);
  let body = text.slice(text.indexOf('{') + 1);
  body = removeCalls(body, /\blog_(?:syntax\w*|warning|error|notice|info|debug|oom\w*)\s*\(/g);
  body = body.replace(/\bassert(?:_se)?\s*\(\s*rvalue\s*\)\s*;/g, '');
  body = body.replace(/([;{}])(?:\s*;)+/g, '$1'); // the empty statements the removed log calls leave

  const lookups = [...body.matchAll(/(?:\b\w+\s+)?\b(\w+)\s*=\s*(\w+_from_string)\s*\(\s*rvalue\s*\)\s*;/g)];
  if (lookups.length !== 1) return null;
  const [lookupStatement, variable, fromString] = lookups[0];
  const lookupAt = lookups[0].index;
  const emptyChecks = [...body.matchAll(/\bif\s*\(\s*isempty\s*\(\s*rvalue\s*\)\s*\)\s*/g)];
  const booleanCalls = [...body.matchAll(/\bparse_boolean\s*\(\s*rvalue\s*\)/g)];
  const uses = [...body.matchAll(/\brvalue\b/g)].length;
  if (emptyChecks.length > 1 || booleanCalls.length > 1 || uses !== 1 + emptyChecks.length + booleanCalls.length) return null;

  const after = body.slice(lookupAt + lookupStatement.length);
  const check = new RegExp(`^\\s*if\\s*\\(\\s*${variable}\\s*<\\s*0\\s*\\)\\s*`).exec(after);
  if (!check) return null;
  const failure = statementAt(after, check[0].length);
  if (failure === null) return null;

  let booleanFallback = false;
  if (booleanCalls.length) {
    const b = /\b(\w+)\s*=\s*parse_boolean\s*\(\s*rvalue\s*\)\s*;\s*if\s*\(\s*\1\s*<\s*0\s*\)\s*/.exec(failure);
    if (!b) return null;
    const rejected = statementAt(failure, b.index + b[0].length);
    if (rejected === null || !isOnlyReturn(rejected)) return null;
    booleanFallback = true;
  } else if (!isOnlyReturn(failure)) {
    return null;
  }

  let empty = 'invalid'; // "" reaches the lookup, which has no empty word, and parse_boolean("") fails
  if (emptyChecks.length) {
    const at = emptyChecks[0].index;
    if (at > lookupAt) return null;
    const branch = statementAt(body, at + emptyChecks[0][0].length);
    if (branch === null) return null;
    if (isOnlyReturn(branch)) empty = 'invalid';
    else if (/^\{\s*(?:[^;{}=]+=[^;{}]+;\s*)+return\s+[01]\s*;\s*\}$/.test(branch)) empty = 'resets';
    else empty = undefined;
  }
  return { fromString, booleanFallback, empty };
}

/** `{ return ...; }` or `return ...;` (log calls already removed). */
function isOnlyReturn(statement) {
  return /^\{?\s*return\b[^;{}]*;\s*\}?$/.test(statement.trim());
}

/** The statement starting at `from` (after whitespace): a balanced `{...}` block or text up to its `;`. */
function statementAt(text, from) {
  let i = from;
  while (/\s/.test(text[i] ?? '')) i++;
  if (text[i] === '{') {
    const end = matchingClose(text, i, '{', '}');
    return end < 0 ? null : text.slice(i, end + 1);
  }
  const end = scanTo(text, i, ';');
  return end < 0 ? null : text.slice(i, end + 1);
}

/** Removes every call that `startPattern` finds (up to its balanced `)`), keeping what surrounds it. */
function removeCalls(text, startPattern) {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(startPattern)) {
    if (m.index < at) continue; // nested in a call already removed
    const close = matchingClose(text, m.index + m[0].length - 1, '(', ')');
    if (close < 0) return text;
    out += text.slice(at, m.index);
    at = close + 1;
  }
  return out + text.slice(at);
}

/** Index of the bracket closing the one at `open`, skipping C string and character literals; -1 if none. */
function matchingClose(text, open, opening, closing) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") i = skipLiteral(text, i);
    else if (ch === opening) depth++;
    else if (ch === closing && --depth === 0) return i;
  }
  return -1;
}

/** Index of the next `target` outside literals and brackets; -1 if none. */
function scanTo(text, from, target) {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") i = skipLiteral(text, i);
    else if ('({['.includes(ch)) depth++;
    else if (')}]'.includes(ch)) depth--;
    else if (ch === target && depth === 0) return i;
  }
  return -1;
}

function skipLiteral(text, start) {
  const quoteChar = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quoteChar) return i;
  }
  return text.length;
}

/**
 * `static const char* [const] NAME_table[...] = { [X] = "word", ... };` -> NAME -> { words in source order,
 * file, conditional (has #if'd entries) }. Only char* tables count (other *_table arrays, e.g. of mount
 * entries, are not string tables). If a name is defined in several files, the one that also defines its
 * string-table lookup wins.
 */
function collectStringTables(sources) {
  const candidates = new Map();
  const pattern = /\bconst\s+char\s*\*\s*(?:const\s+)?(\w+)_table\s*\[[^\]]*\]\s*=\s*\{([\s\S]*?)\};/g;
  for (const file of sources) {
    for (const m of file.text.matchAll(pattern)) {
      const body = stripCComments(m[2]).replace(/"\s+"/g, ''); // "a" "b" is one literal
      const words = [...body.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((s) => s[1]);
      const conditional = /^\s*#/m.test(body);
      const definesLookup = new RegExp(`STRING_TABLE_LOOKUP\\w*\\(\\s*${m[1]}\\s*,`).test(file.text);
      if (!candidates.has(m[1])) candidates.set(m[1], []);
      candidates.get(m[1]).push({ words, conditional, definesLookup, file: file.path });
    }
  }
  const tables = new Map();
  for (const [name, defs] of candidates) {
    const ordered = pid1First(defs);
    const chosen = ordered.length === 1 ? ordered[0] : ordered.find((d) => d.definesLookup) ?? ordered[0];
    tables.set(name, { words: chosen.words, file: chosen.file, conditional: chosen.conditional });
  }
  return tables;
}

/** Finds `int name(...) { ... }` / `Type name(...) { ... }` definitions (body up to the closing `}` line). */
class FunctionBodyIndex {
  constructor(sources) {
    this.sources = sources;
    this.cache = new Map();
  }

  /** The first definition, PID 1's tree first, else in source order; or null. */
  get(name) {
    return this.definitions(name)[0]?.text ?? null;
  }

  /** Every definition in PID 1's tree (PID1_SOURCE_DIRS). */
  getAllInPid1(name) {
    return this.definitions(name).filter((d) => inPid1Tree(d.file)).map((d) => d.text);
  }

  /** Every definition under src/ ({ file, text }, PID 1's first): programs may reuse a function name. */
  definitions(name) {
    if (!this.cache.has(name)) this.cache.set(name, pid1First(this.findAll(name)));
    return this.cache.get(name);
  }

  findAll(name) {
    const start = new RegExp(`^[A-Za-z_][\\w \\t*]*\\b${name}\\s*\\([^;{]*\\)\\s*\\{`, 'gm');
    const found = [];
    for (const file of this.sources) {
      for (const m of file.text.matchAll(start)) {
        const end = file.text.indexOf('\n}', m.index);
        found.push({ file: file.path, text: file.text.slice(m.index, end < 0 ? undefined : end) });
      }
    }
    return found;
  }
}

function stripCComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

