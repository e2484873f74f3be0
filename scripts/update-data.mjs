#!/usr/bin/env node
/**
 * Regenerates server/src/data/catalog.generated.ts, the directive catalog, from systemd's own sources:
 *
 *   - systemd 257.13 as built by Debian trixie (source package systemd_257.13-1~deb13u1, fetched here with
 *     apt-get and a private apt configuration, cached in .cache/systemd-src/):
 *       src/core/load-fragment-gperf.gperf.in  every key PID 1 accepts, its parser, ltype and target field
 *       src/shared/install.c                   the real parsers of the [Install] keys
 *       src/core/*.c unit vtables              which sections each unit type reads
 *       *_table[] string tables under src/     the words of enum-valued settings
 *       string-table.h, conf-parser.h, parsers how strictly those words are matched (enumMatch, enumEmpty)
 *       man/systemd.*.xml                      which keys are documented, and since which version
 *   - ../shared/reference/socket-directives.tsv: the v258 additions and changes from current systemd main
 *     (keys main turned into config_parse_warn_compat get removedIn 258 and their 257.13 parser).
 *
 * Nothing here lists directives by hand; the few rule tables below say how to read the sources.
 *
 * Usage: npm run update-data
 *   SYSTEMD_SRC=/path/to/systemd-257.13   use an unpacked tree instead of the cache / download
 *   UPDATE_DATA_VERBOSE=1 (or --verbose)   list every disagreement between the reference TSV and 257.13
 *
 * Plain Node ESM, Node built-ins only. Child processes get argument arrays, never a shell string.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT_FILE = join(PROJECT_ROOT, 'server/src/data/catalog.generated.ts');
const REFERENCE_TSV = resolve(PROJECT_ROOT, '../shared/reference/socket-directives.tsv');
const CACHE_DIR = join(PROJECT_ROOT, '.cache/systemd-src');

const SYSTEMD_VERSION = '257.13';
const DEBIAN_VERSION = '257.13-1~deb13u1';
const DEBIAN_SUITE = 'trixie';
const ORIG_TARBALL = `systemd_${SYSTEMD_VERSION}.orig.tar.gz`;
const TREE_NAME = `systemd-${SYSTEMD_VERSION}`;
const GPERF_PATH = 'src/core/load-fragment-gperf.gperf.in';
const INSTALL_PATH = 'src/shared/install.c';

const VERBOSE = process.argv.includes('--verbose') || process.env.UPDATE_DATA_VERBOSE === '1';

const PROVENANCE =
  `Generated from systemd ${SYSTEMD_VERSION} (Debian source package systemd_${DEBIAN_VERSION}: ${GPERF_PATH},\n` +
  `${INSTALL_PATH}, unit vtables, string tables, man/*.xml) and shared/reference/socket-directives.tsv ` +
  `(systemd v258 [Socket] additions)\nby scripts/update-data.mjs.`;

// ---------------------------------------------------------------------------------------------------------
// Rule tables: how to read the sources (not what they contain).
// ---------------------------------------------------------------------------------------------------------

/** The shared gperf macros and the man page that documents the keys they expand to. */
const MACRO_MAN_PAGES = {
  EXEC_CONTEXT_CONFIG_ITEMS: 'systemd.exec',
  KILL_CONTEXT_CONFIG_ITEMS: 'systemd.kill',
  CGROUP_CONTEXT_CONFIG_ITEMS: 'systemd.resource-control',
};

/** Sections without a man page of their own (the default is systemd.<section in lower case>). */
const SECTION_MAN_PAGE_OVERRIDES = {
  Install: 'systemd.unit', // [Install] is described in systemd.unit(5), next to [Unit]
};

/** The TSV's group column (its first word) for rows that come from a shared gperf macro. */
const TSV_GROUP_MACROS = {
  'shared-exec': 'EXEC_CONTEXT_CONFIG_ITEMS',
  'shared-cgroup': 'CGROUP_CONTEXT_CONFIG_ITEMS',
  'shared-kill': 'KILL_CONTEXT_CONFIG_ITEMS',
};

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

// ---------------------------------------------------------------------------------------------------------
// Entry point (called at the end of the file, once every module-level constant is initialised)
// ---------------------------------------------------------------------------------------------------------

function main() {
  // Read the reference first: without it the catalog would silently lack the v258 rows.
  const tsvRows = readReferenceTsv(REFERENCE_TSV);
  const srcRoot = locateSystemdSource();
  const sources = readCSources(join(srcRoot, 'src'));

  const gperf = parseGperfTemplate(readText(join(srcRoot, GPERF_PATH)));
  applyInstallParsers(gperf.entries, parseInstallTable(readText(join(srcRoot, INSTALL_PATH))));
  const sectionsByUnitType = readUnitSections(sources);

  const enums = buildEnumResolver(sources);
  for (const entry of gperf.entries) setEnumFromSource(entry, enums);

  const manIndex = readManPages(join(srcRoot, 'man'), manPagesToRead(gperf));
  for (const entry of gperf.entries) attachDocumentation(entry, manIndex, gperf.macrosBySection);
  assignAliases(gperf.entries);

  const report = mergeReferenceRows(gperf.entries, tsvRows, gperf.macrosBySection, enums);

  const directives = sortBySectionKeepingGperfOrder(gperf.entries).map(toDirectiveDef);
  checkNoDuplicates(directives);
  const newestVersion = Math.max(...directives.map((d) => d.since ?? 0));

  writeFileSync(OUTPUT_FILE, renderCatalog({ sectionsByUnitType, directives, newestVersion }));
  printSummary(directives, newestVersion, report);
}

// ---------------------------------------------------------------------------------------------------------
// Getting the systemd source tree
// ---------------------------------------------------------------------------------------------------------

/** SYSTEMD_SRC if given, else the cached tree, else download the Debian source package and unpack it. */
function locateSystemdSource() {
  if (process.env.SYSTEMD_SRC) {
    const tree = resolve(process.env.SYSTEMD_SRC);
    checkSystemdTree(tree, 'SYSTEMD_SRC');
    return tree;
  }
  const cachedTree = join(CACHE_DIR, TREE_NAME);
  if (!existsSync(join(cachedTree, GPERF_PATH))) {
    const tarball = join(CACHE_DIR, ORIG_TARBALL);
    if (!existsSync(tarball)) downloadDebianSource(CACHE_DIR);
    unpackTree(tarball, CACHE_DIR);
  }
  checkSystemdTree(cachedTree, 'the cached tree');
  return cachedTree;
}

/** The header promises 257.13, so a tree of another version is refused rather than silently used. */
function checkSystemdTree(tree, what) {
  if (!existsSync(join(tree, GPERF_PATH))) fail(`${what} (${tree}) is not a systemd source tree: no ${GPERF_PATH}`);
  const versionFile = join(tree, 'meson.version');
  const version = existsSync(versionFile) ? readText(versionFile).trim() : 'unknown';
  if (version !== SYSTEMD_VERSION) fail(`${what} (${tree}) is systemd ${version}, expected ${SYSTEMD_VERSION}`);
}

/**
 * apt-get source --download-only with a private configuration (lists, cache and sources.list under
 * `dir/apt`), so /etc/apt is never touched. apt checks the files against the signed Sources index.
 */
function downloadDebianSource(dir) {
  const aptDir = join(dir, 'apt');
  mkdirSync(join(aptDir, 'lists/partial'), { recursive: true });
  mkdirSync(join(aptDir, 'cache/archives/partial'), { recursive: true });
  const sourcesList = join(aptDir, 'sources.list');
  writeFileSync(
    sourcesList,
    `deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${DEBIAN_SUITE} main\n`,
  );
  const aptOptions = [
    '-o', `Dir::Etc::SourceList=${sourcesList}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${join(aptDir, 'lists')}`,
    '-o', `Dir::Cache=${join(aptDir, 'cache')}`,
  ];
  console.error(`update-data: downloading systemd ${DEBIAN_VERSION} source from Debian ${DEBIAN_SUITE} ...`);
  run('apt-get', [...aptOptions, 'update'], dir);
  run('apt-get', [...aptOptions, 'source', '--download-only', `systemd=${DEBIAN_VERSION}`], dir);
  if (!existsSync(join(dir, ORIG_TARBALL))) fail(`apt-get did not produce ${ORIG_TARBALL} in ${dir}`);
}

/** Unpacks only what is read (src/, man/, meson.version) into a scratch dir, then renames into place. */
function unpackTree(tarball, dir) {
  const scratch = join(dir, `.unpack-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', scratch, `${TREE_NAME}/src`, `${TREE_NAME}/man`, `${TREE_NAME}/meson.version`], dir);
  rmSync(join(dir, TREE_NAME), { recursive: true, force: true });
  renameSync(join(scratch, TREE_NAME), join(dir, TREE_NAME));
  rmSync(scratch, { recursive: true, force: true });
}

function run(command, args, cwd) {
  try {
    execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (error) {
    fail(`${command} ${args.join(' ')} failed: ${error.message.split('\n')[0]}`);
  }
}

/** All .c/.h files under src/, in a stable order (later "first match wins" rules depend on it). */
function readCSources(srcDir) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.[ch]$/.test(entry.name)) files.push({ path: relative(dirname(srcDir), path), text: readText(path) });
    }
  };
  walk(srcDir);
  return files;
}

// ---------------------------------------------------------------------------------------------------------
// load-fragment-gperf.gperf.in: a Jinja template around a gperf table
// ---------------------------------------------------------------------------------------------------------

/**
 * Expands the template the way Debian's build does: the shared macros are expanded for each type they are
 * called with, and every `{% if FEATURE %}` takes its if-branch (Debian enables seccomp, PAM, SELinux,
 * AppArmor and SMACK). A key that only appears in an else-branch is kept with status "disabled".
 *
 * Returns the entries in table order, and which macros each section includes.
 */
function parseGperfTemplate(text) {
  const withoutComments = text.replace(/\{#[\s\S]*?#\}/g, '');
  const macros = new Map();
  const macroPattern = /\{%-?\s*macro\s+(\w+)\s*\(\s*(\w+)\s*\)\s*-?%\}([\s\S]*?)\{%-?\s*endmacro\s*-?%\}/g;
  for (const m of withoutComments.matchAll(macroPattern)) macros.set(m[1], { parameter: m[2], body: m[3] });

  const tableLines = gperfKeywordSection(withoutComments.replace(macroPattern, ''));
  const entries = [];
  const macrosBySection = new Map();
  expandTemplateLines(tableLines, { macros, entries, macrosBySection, typeArgument: null, macro: null });
  if (entries.length === 0) fail(`no entries found in ${GPERF_PATH}`);
  return { entries, macrosBySection };
}

/** The keyword lines of a gperf file are those between the first and the (optional) second `%%` line. */
function gperfKeywordSection(text) {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === '%%');
  if (start < 0) fail(`${GPERF_PATH} has no %% line`);
  const end = lines.findIndex((line, i) => i > start && line.trim() === '%%');
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

function expandTemplateLines(lines, context) {
  const openIfs = []; // { feature, inElse, ifKeys: Set, elseEntries: [] }
  for (const rawLine of lines) {
    const line = rawLine.trim();
    if (line === '') continue;

    const statement = /^\{%-?\s*(.*?)\s*-?%\}$/.exec(line);
    if (statement) {
      handleTemplateStatement(statement[1], openIfs, context);
      continue;
    }

    const call = /^\{\{-?\s*(\w+)\s*\(\s*'(\w+)'\s*\)\s*-?\}\}$/.exec(line);
    if (call) {
      const macro = context.macros.get(call[1]);
      if (!macro) fail(`${GPERF_PATH}: call of unknown macro ${call[1]}`);
      const section = call[2];
      if (!context.macrosBySection.has(section)) context.macrosBySection.set(section, []);
      context.macrosBySection.get(section).push(call[1]);
      const body = macro.body.replace(new RegExp(`\\{\\{\\s*${macro.parameter}\\s*\\}\\}`, 'g'), section);
      expandTemplateLines(body.split('\n'), { ...context, typeArgument: section, macro: call[1] });
      continue;
    }

    if (line.includes('{{') || line.includes('{%')) fail(`${GPERF_PATH}: unsupported template line: ${line}`);
    const entry = parseGperfEntry(line, context.macro);
    const innermost = openIfs.at(-1);
    if (openIfs.some((frame) => frame.inElse)) innermost.elseEntries.push(entry);
    else {
      if (innermost) innermost.ifKeys.add(entryKey(entry));
      context.entries.push(entry);
    }
  }
  if (openIfs.length) fail(`${GPERF_PATH}: unterminated {% if %}`);
}

function handleTemplateStatement(statement, openIfs, context) {
  const ifMatch = /^if\s+(\w+)$/.exec(statement);
  if (ifMatch) {
    openIfs.push({ feature: ifMatch[1], inElse: false, ifKeys: new Set(), elseEntries: [] });
  } else if (statement === 'else') {
    if (!openIfs.length) fail(`${GPERF_PATH}: {% else %} without {% if %}`);
    openIfs.at(-1).inElse = true;
  } else if (statement === 'endif') {
    const frame = openIfs.pop();
    if (!frame) fail(`${GPERF_PATH}: {% endif %} without {% if %}`);
    // Keys that exist only when the feature is off: systemd accepts and ignores them in such builds.
    for (const entry of frame.elseEntries) {
      if (frame.ifKeys.has(entryKey(entry))) continue;
      entry.status = 'disabled';
      if (openIfs.length) openIfs.at(-1).ifKeys.add(entryKey(entry));
      context.entries.push(entry);
    }
  } else {
    fail(`${GPERF_PATH}: unsupported template statement {% ${statement} %}`);
  }
}

/** `Section.Key, parser, ltype, offset` — the offset may contain commas inside offsetof(...). */
function parseGperfEntry(line, macro) {
  const fields = splitTopLevelCommas(line);
  if (fields.length !== 4) fail(`${GPERF_PATH}: expected 4 fields in: ${line}`);
  const [key, parser, ltype, offset] = fields;
  const dot = key.indexOf('.');
  if (dot < 0) fail(`${GPERF_PATH}: key without section in: ${line}`);
  return {
    section: key.slice(0, dot),
    name: key.slice(dot + 1),
    parser: parser === 'NULL' ? '' : parser,
    ltype,
    offset,
    macro,
    status: statusFor(parser, ltype),
  };
}

function splitTopLevelCommas(text) {
  const fields = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      fields.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) fields.push(current.trim());
  return fields;
}

/** config_parse_warn_compat logs and ignores the value; its ltype says why (src/shared/conf-parser.c). */
function statusFor(parser, ltype) {
  if (parser !== 'config_parse_warn_compat') return undefined;
  if (ltype === 'DISABLED_LEGACY') return 'removed';
  if (ltype === 'DISABLED_CONFIGURATION') return 'disabled';
  return undefined;
}

const entryKey = (entry) => `${entry.section}.${entry.name}`;

// ---------------------------------------------------------------------------------------------------------
// [Install]: PID 1's table has NULL parsers there; systemctl's install.c has the real ones
// ---------------------------------------------------------------------------------------------------------

function parseInstallTable(text) {
  const items = new Map();
  const pattern = /\{\s*"Install"\s*,\s*"(\w+)"\s*,\s*(\w+)\s*,\s*([^,{}]+?)\s*,\s*([^{}]+?)\s*\}/g;
  for (const m of text.matchAll(pattern)) items.set(m[1], { parser: m[2], ltype: m[3], offset: m[4] });
  if (items.size === 0) fail(`no { "Install", ... } table found in ${INSTALL_PATH}`);
  return items;
}

function applyInstallParsers(entries, installItems) {
  for (const entry of entries) {
    if (entry.section !== 'Install') continue;
    const item = installItems.get(entry.name);
    if (!item) {
      warn(`[Install] ${entry.name}= is in the gperf table but not in ${INSTALL_PATH}; parser left empty`);
      continue;
    }
    Object.assign(entry, item);
  }
  const known = new Set(entries.filter((e) => e.section === 'Install').map((e) => e.name));
  for (const name of installItems.keys()) {
    if (!known.has(name)) warn(`${INSTALL_PATH} parses [Install] ${name}= but PID 1's table does not list it; not added`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Unit vtables: `.sections = "Unit\0" "Socket\0" "Install\0",`
// ---------------------------------------------------------------------------------------------------------

/** Sections per unit type, in the order of src/core/unit.c's unit_vtable[] (systemd's UnitType order). */
function readUnitSections(sources) {
  const sectionsByType = new Map();
  for (const file of sources.filter((f) => /^src\/core\/[^/]+\.c$/.test(f.path))) {
    for (const m of file.text.matchAll(/const\s+UnitVTable\s+(\w+)_vtable\s*=\s*\{([\s\S]*?)\n\};/g)) {
      const sections = /\.sections\s*=\s*((?:\s*"[^"]*")+)/.exec(m[2]);
      if (!sections) fail(`${file.path}: ${m[1]}_vtable has no .sections`);
      const joined = [...sections[1].matchAll(/"([^"]*)"/g)].map((s) => s[1]).join('');
      sectionsByType.set(m[1], joined.split('\\0').filter(Boolean));
    }
  }
  const unitC = sources.find((f) => f.path === 'src/core/unit.c');
  const order = unitC ? [...unitC.text.matchAll(/\[UNIT_\w+\]\s*=\s*&(\w+)_vtable/g)].map((m) => m[1]) : [];
  const types = [...new Set([...order, ...[...sectionsByType.keys()].sort(compare)])].filter((t) => sectionsByType.has(t));
  if (types.length === 0) fail('no unit vtables with .sections found under src/core/');
  return Object.fromEntries(types.map((t) => [t, sectionsByType.get(t)]));
}

// ---------------------------------------------------------------------------------------------------------
// Enum values: parser -> string table -> words; and how strictly systemd matches them
// ---------------------------------------------------------------------------------------------------------

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
function buildEnumResolver(sources) {
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
function setEnumFromSource(entry, enums) {
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

// ---------------------------------------------------------------------------------------------------------
// Man pages: <varlistentry><term><varname>Key=</varname></term> ... version-info vNNN ... </varlistentry>
// ---------------------------------------------------------------------------------------------------------

/**
 * Only unit-file pages are read: systemd.<section>.xml for every section in the table, the pages of the
 * shared macros, and the overrides. Other pages (systemd.network, journald.conf, ...) document unrelated
 * keys with the same names.
 */
function manPagesToRead(gperf) {
  const pages = new Set(Object.values(MACRO_MAN_PAGES));
  for (const entry of gperf.entries) pages.add(primaryManPage(entry.section));
  return [...pages].sort(compare);
}

function primaryManPage(section) {
  return SECTION_MAN_PAGE_OVERRIDES[section] ?? `systemd.${section.toLowerCase()}`;
}

/** page -> Map(key -> { since }) for the pages that exist. */
function readManPages(manDir, pages) {
  const index = new Map();
  for (const page of pages) {
    const file = join(manDir, `${page}.xml`);
    if (!existsSync(file)) continue; // e.g. no systemd.install.xml; the section then has no own page
    index.set(page, documentedKeys(readText(file)));
  }
  if (index.size === 0) fail(`no man pages found in ${manDir}`);
  return index;
}

/**
 * Walks the DocBook XML with an element stack. Each <varlistentry> (also nested ones) documents the keys
 * named by <varname>Key=...</varname> directly inside its own <term>s; its version is the
 * version-info.xml include closest to the entry itself (not one inside a table or list in its text, nor one
 * of a nested entry). All keys of one entry share its version.
 */
function documentedKeys(xml) {
  const keys = new Map();
  const stack = []; // element names
  const entries = []; // open varlistentries: { depth, keys: [], since, sinceDepth }
  let varname = null; // { text } while inside a <varname> of a <term> of the innermost entry

  for (const token of xmlTokens(xml)) {
    if (token.type === 'text') {
      if (varname) varname.text += token.text;
      continue;
    }
    if (token.type !== 'open' && token.type !== 'close' && token.type !== 'empty') continue;
    const entry = entries.at(-1);

    if (token.type === 'open') {
      stack.push(token.name);
      if (token.name === 'varlistentry') entries.push({ depth: stack.length, keys: [], since: undefined, sinceDepth: Infinity });
      else if (token.name === 'varname' && entry && stack[entry.depth] === 'term') varname = { text: '' };
      continue;
    }

    if (token.type === 'empty') {
      if (entry && token.name === 'xi:include' && /href="version-info\.xml"/.test(token.raw)) {
        const version = /xpointer="v(\d+)"/.exec(token.raw);
        const depth = stack.length - entry.depth;
        if (version && depth < entry.sinceDepth) {
          entry.since = Number(version[1]);
          entry.sinceDepth = depth;
        }
      }
      continue;
    }

    // close tag: pop up to the matching element (tolerates sloppy nesting)
    const at = stack.lastIndexOf(token.name);
    if (at < 0) continue;
    if (token.name === 'varname' && varname) {
      const text = varname.text.trim();
      const key = /^([A-Za-z][A-Za-z0-9]*)=/.exec(text);
      if (key && entry) entry.keys.push(key[1]);
      varname = null;
    }
    while (stack.length > at) {
      const closed = stack.pop();
      if (closed === 'varlistentry') {
        const done = entries.pop();
        for (const key of done.keys) {
          if (!keys.has(key)) keys.set(key, { since: done.since }); // a key listed twice keeps its first entry
        }
      }
    }
  }
  return keys;
}

/** A small XML tokenizer: enough for systemd's DocBook pages (comments, DOCTYPE, CDATA, tags, text). */
function* xmlTokens(xml) {
  const pattern =
    /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^[>]*\[[\s\S]*?\]\s*>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z][\w:.-]*)([^>]*?)(\/?)>|[^<]+|</g;
  for (const m of xml.matchAll(pattern)) {
    const raw = m[0];
    if (m[3]) {
      if (m[2]) yield { type: 'close', name: m[3], raw };
      else yield { type: m[5] ? 'empty' : 'open', name: m[3], raw };
    } else if (m[1] !== undefined) yield { type: 'text', text: m[1] };
    else if (!raw.startsWith('<')) yield { type: 'text', text: decodeEntities(raw) };
  }
}

function decodeEntities(text) {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, e) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]);
}

/**
 * The page documenting a key for its section: for a key from a shared macro, that macro's page first; then
 * the section's own page; then the pages of the other macros the section includes.
 */
function attachDocumentation(entry, manIndex, macrosBySection) {
  const sectionMacros = macrosBySection.get(entry.section) ?? [];
  const pages = [
    ...(entry.macro ? [MACRO_MAN_PAGES[entry.macro]] : []),
    primaryManPage(entry.section),
    ...sectionMacros.map((macro) => MACRO_MAN_PAGES[macro]),
  ];
  for (const page of pages) {
    const doc = manIndex.get(page)?.get(entry.name);
    if (!doc) continue;
    entry.man = page;
    if (doc.since !== undefined) entry.since = doc.since;
    return;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Old spellings
// ---------------------------------------------------------------------------------------------------------

/**
 * An undocumented key is an old spelling of a documented key of the same section when both are parsed by
 * the same parser with the same ltype into the same place (4th gperf column), e.g.
 *   Unit.StartLimitInterval, config_parse_sec, 0, offsetof(Unit, start_ratelimit.interval)
 *   Unit.StartLimitIntervalSec (documented) -> aliasOf 'StartLimitIntervalSec'.
 * If several documented keys share that triple, the parser tells them apart by the key name (e.g. every
 * config_parse_memory_limit key writes offsetof(X, cgroup_context)), so nothing can be concluded.
 * Keys of another section are never used: the replacement must be valid where the old key stands (the
 * [Service] copies of StartLimit*= write [Unit] fields, but [Service] has no StartLimitIntervalSec=).
 */
function assignAliases(entries) {
  const documentedBySignature = new Map();
  for (const entry of entries) {
    if (!entry.man) continue;
    const signature = aliasSignature(entry);
    if (!documentedBySignature.has(signature)) documentedBySignature.set(signature, []);
    documentedBySignature.get(signature).push(entry.name);
  }
  for (const entry of entries) {
    if (entry.man || entry.status || !entry.parser) continue;
    const documented = documentedBySignature.get(aliasSignature(entry)) ?? [];
    if (documented.length === 1 && documented[0] !== entry.name) entry.aliasOf = documented[0];
  }
}

const aliasSignature = (entry) => [entry.section, entry.parser, entry.ltype, entry.offset].join('\u0000');

// ---------------------------------------------------------------------------------------------------------
// ../shared/reference/socket-directives.tsv: v258 additions and changes from systemd main
// ---------------------------------------------------------------------------------------------------------

function readReferenceTsv(path) {
  if (!existsSync(path)) fail(`reference file missing: ${path} (needed for the v258 [Socket] additions)`);
  const lines = readText(path).split('\n').filter((line) => line.trim() !== '');
  const header = lines[0].split('\t');
  const required = ['section', 'group', 'name', 'parser', 'ltype', 'enum_values_or_syntax', 'introduced', 'status', 'notes'];
  for (const column of required) if (!header.includes(column)) fail(`${path}: no column "${column}"`);
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(header.map((column, j) => [column, (cells[j] ?? '').trim()]));
  });
}

/** The row's notes say the key is in current main's gperf but not in 257.13's. */
const isMainOnlyRow = (row) => /absent in v257\.13/.test(row.notes);
/** The row's notes say current main changed the key ("main: ..."). */
const isMainChangeRow = (row) => /(^|;\s*)main:/.test(row.notes) && !isMainOnlyRow(row);
const macroOfRow = (row) => TSV_GROUP_MACROS[row.group.split(/[\s(]/)[0]] ?? null;

/**
 * The release that the TSV's "main" stands for: the newest exact "vNNN" in its introduced column (258).
 * Its main-only rows are that release's additions, and its "main:" changes (e.g. the cgroup-v1 settings
 * turned into config_parse_warn_compat) are that release's changes: systemd v258's NEWS lists them.
 */
function mainReleaseOf(rows) {
  const versions = rows.map((row) => /^v(\d+)$/.exec(row.introduced)).filter(Boolean).map((m) => Number(m[1]));
  if (versions.length === 0) fail('the reference TSV names no release version ("vNNN") in its introduced column');
  return Math.max(...versions);
}

/**
 * "v258" -> 258; "<=v183 (no version-info annotation in man)" and "?" -> undefined; else null (unknown).
 * "post-vN (main...)" means "in main, after release N": it is taken as N+1 when N+1 is the release the TSV's
 * main stands for (so "post-v257 (main)", e.g. ConditionKernelModuleLoaded=, which v258's NEWS lists, is
 * 258); a later one ("post-v258 (main; PR ...)") is not in any release yet -> null.
 */
function parseIntroduced(text, mainRelease) {
  const exact = /^v(\d+)$/.exec(text);
  if (exact) return Number(exact[1]);
  const afterRelease = /^post-v(\d+) \(main\b/.exec(text);
  if (afterRelease && Number(afterRelease[1]) + 1 <= mainRelease) return Number(afterRelease[1]) + 1;
  if (text.startsWith('<=v') || text === '?' || text === '') return undefined;
  return null;
}

/** "no|yes|patient; booleans accepted ..." -> ['no','yes','patient']; prose and booleans -> []. */
function parseTsvEnumWords(text) {
  const first = text.split(/[\s;]/)[0];
  if (!first.includes('|') || /^boolean/.test(text)) return [];
  return first
    .split('|')
    .map((word) => word.replace(/[[:(].*$/, ''))
    .filter((word) => /^[a-z0-9][a-z0-9+_-]*$/i.test(word));
}

/**
 * Adds the rows that are new in main (with their predecessor's position, and to every section that
 * includes the same shared macro), applies main's changes, and collects every disagreement with 257.13.
 */
function mergeReferenceRows(entries, rows, macrosBySection, enums) {
  const report = { added: [], changed: [], skipped: [], disagreements: [] };
  const sectionsWithMacro = (macro) => [...macrosBySection].filter(([, ms]) => ms.includes(macro)).map(([s]) => s);
  const find = (section, name) => entries.find((e) => e.section === section && e.name === name);
  const previousInGroup = new Map(); // `${section}\0${group}` -> previous row name
  const mainRelease = mainReleaseOf(rows);

  for (const row of rows) {
    const groupKey = `${row.section}\u0000${row.group}`;
    const previous = previousInGroup.get(groupKey) ?? null;
    previousInGroup.set(groupKey, row.name);
    const macro = macroOfRow(row);
    const targetSections = macro ? unique([row.section, ...sectionsWithMacro(macro)]) : [row.section];

    if (isMainOnlyRow(row)) {
      const since = parseIntroduced(row.introduced, mainRelease);
      if (typeof since !== 'number') {
        report.skipped.push(`${row.section}.${row.name} (introduced "${row.introduced}" is not a release version)`);
        continue;
      }
      for (const section of targetSections) {
        if (find(section, row.name)) {
          report.disagreements.push(`${section}.${row.name}: TSV says absent in 257.13, but 257.13's table has it`);
          continue;
        }
        insertAfter(entries, newEntryFromRow(row, section, macro, since, enums), previous);
        report.added.push(`${section}.${row.name}`);
      }
      continue;
    }

    const existing = find(row.section, row.name);
    if (!existing) {
      report.disagreements.push(`${row.section}.${row.name}: in the TSV but not in 257.13's table`);
      continue;
    }
    compareWithSource(row, existing, report.disagreements, mainRelease);
    if (isMainChangeRow(row)) {
      const before = { parser: existing.parser, ltype: existing.ltype };
      for (const section of targetSections) {
        const target = find(section, row.name);
        // Only copies of the same shared item get main's change (same 257.13 parser and ltype).
        if (target && target.parser === before.parser && target.ltype === before.ltype) {
          applyMainChange(target, row, enums, mainRelease);
          report.changed.push(`${section}.${row.name}`);
        }
      }
    }
  }
  return report;
}

function newEntryFromRow(row, section, macro, since, enums) {
  const entry = {
    section,
    name: row.name,
    parser: row.parser,
    ltype: row.ltype || '0',
    offset: `(main: ${row.name})`, // not in the TSV; unique, so such rows never look like aliases
    macro,
    since,
    status: statusFor(row.parser, row.ltype),
    // The TSV's group names the page ("shared-exec (systemd.exec(5))"); other rows use their section's.
    man: macro ? MACRO_MAN_PAGES[macro] : primaryManPage(section),
  };
  setEnumFromRow(entry, row, enums);
  return entry;
}

/**
 * Main's change to a 257.13 key. When main turned it into config_parse_warn_compat/DISABLED_LEGACY, the
 * key still works up to 257: removedIn records the release that ignores it, and parserBeforeRemoval (with
 * the 257.13 enumValues / enumMatch / enumEmpty, which describe that parser) how older releases parse it.
 */
function applyMainChange(entry, row, enums, mainRelease) {
  const before = { parser: entry.parser, ltype: entry.ltype, status: entry.status };
  const parserChanged = row.parser && row.parser !== entry.parser;
  if (row.parser) entry.parser = row.parser;
  if (row.ltype) entry.ltype = row.ltype;
  entry.status = statusFor(entry.parser, entry.ltype);
  if (entry.status === 'removed' && before.status !== 'removed') {
    entry.removedIn = mainRelease;
    entry.parserBeforeRemoval = before.parser;
    if (before.ltype !== '0') {
      warn(`${entry.section}.${entry.name}: 257.13 ltype ${before.ltype} of ${before.parser} is not kept after its removal`);
    }
  } else if (parserChanged) {
    setEnumFromRow(entry, row, enums);
  }
  if (entry.status) delete entry.aliasOf;
}

/** The row's enum data: 257.13's when its parser is there with a table, else what the TSV says. */
function setEnumFromRow(entry, row, enums) {
  if (setEnumFromSource(entry, enums)) return;
  const words = parseTsvEnumWords(row.enum_values_or_syntax);
  if (!words.length) return;
  entry.enumValues = words;
  const match = tsvEnumMatch(row);
  if (match) entry.enumMatch = match;
}

/**
 * For a parser that only main has, the TSV is the only witness of how it matches. enumMatch is set only
 * when the enum column lists plain words (no "word[:ARG]" forms) and names the string-table macro of the
 * parser's own name (config_parse_NAME over DEFINE_..._STRING_TABLE_LOOKUP...(NAME, ...), systemd's naming
 * for DEFINE_CONFIG_PARSE_ENUM parsers), e.g. DeferTrigger=. enumEmpty stays unknown.
 */
function tsvEnumMatch(row) {
  const text = row.enum_values_or_syntax;
  if (/[[:]/.test(text.split(/[\s;]/)[0])) return undefined;
  const macro = /\b(DEFINE_(?:PRIVATE_)?STRING_TABLE_LOOKUP\w*)\(\s*(\w+)\s*,/.exec(text);
  if (!macro || row.parser !== `config_parse_${macro[2]}`) return undefined;
  return STRING_TABLE_LOOKUP_MATCH[macro[1]];
}

/** Records where the reference row (taken from 257.13 by its author) disagrees with what 257.13 says here. */
function compareWithSource(row, entry, out, mainRelease) {
  const where = `${row.section}.${row.name}`;
  const mainChange = isMainChangeRow(row);
  if (!row.parser.startsWith('(NULL') && row.parser !== entry.parser && !mainChange) {
    out.push(`${where}: parser TSV ${row.parser} vs 257.13 ${entry.parser}`);
  }
  if (row.section === 'Install' && row.parser.startsWith('(NULL')) {
    out.push(`${where}: parser TSV "${row.parser}" vs ${INSTALL_PATH} ${entry.parser}`);
  }
  if (row.ltype && row.ltype !== entry.ltype && !mainChange && row.section !== 'Install') {
    out.push(`${where}: ltype TSV ${row.ltype} vs 257.13 ${entry.ltype}`);
  }
  const introduced = parseIntroduced(row.introduced, mainRelease);
  if (introduced !== null && introduced !== entry.since) {
    out.push(`${where}: since TSV "${row.introduced}" vs 257.13 man ${entry.since === undefined ? '(no version-info)' : `v${entry.since}`}`);
  }
  const tsvMan = /man: (systemd\.[\w-]+)\.xml/.exec(row.notes)?.[1];
  if (tsvMan !== entry.man && !(tsvMan === undefined && entry.man === undefined)) {
    out.push(`${where}: man page TSV ${tsvMan ?? '(none)'} vs 257.13 ${entry.man ?? '(undocumented)'}`);
  }
  const tsvWords = parseTsvEnumWords(row.enum_values_or_syntax);
  if (tsvWords.length && entry.enumValues && !mainChange && tsvWords.join('|') !== entry.enumValues.join('|')) {
    out.push(`${where}: enum TSV ${tsvWords.join('|')} vs 257.13 table ${entry.enumValues.join('|')}`);
  }
  if (tsvWords.length && !entry.enumValues && !mainChange) {
    out.push(`${where}: TSV lists words ${tsvWords.join('|')}, 257.13's parser ${entry.parser} has no string table`);
  }
}

/** Inserts after the entry named `previousName` in the same section (and macro); else at the block end. */
function insertAfter(entries, entry, previousName) {
  let at = -1;
  if (previousName) at = entries.findIndex((e) => e.section === entry.section && e.name === previousName);
  if (at < 0) at = findLastIndex(entries, (e) => e.section === entry.section && e.macro === entry.macro);
  if (at < 0) at = findLastIndex(entries, (e) => e.section === entry.section);
  entries.splice(at < 0 ? entries.length : at + 1, 0, entry);
}

// ---------------------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------------------

/** Sections alphabetically; within a section, gperf order (Array.prototype.sort is stable). */
function sortBySectionKeepingGperfOrder(entries) {
  return [...entries].sort((a, b) => compare(a.section, b.section));
}

/** The catalog's DirectiveDef, with keys in a fixed order and optional ones only when set. */
function toDirectiveDef(entry) {
  const def = { section: entry.section, name: entry.name, parser: entry.parser, ltype: entry.ltype };
  if (entry.enumValues?.length) {
    def.enumValues = entry.enumValues;
    if (entry.enumMatch) def.enumMatch = entry.enumMatch;
    if (entry.enumMatch && entry.enumEmpty) def.enumEmpty = entry.enumEmpty;
  }
  if (entry.since !== undefined) def.since = entry.since;
  if (entry.status) def.status = entry.status;
  if (entry.removedIn !== undefined) def.removedIn = entry.removedIn;
  if (entry.parserBeforeRemoval) def.parserBeforeRemoval = entry.parserBeforeRemoval;
  if (entry.aliasOf) def.aliasOf = entry.aliasOf;
  if (entry.man) def.man = entry.man;
  return def;
}

function checkNoDuplicates(directives) {
  const seen = new Set();
  for (const d of directives) {
    const key = `${d.section}.${d.name}`;
    if (seen.has(key)) fail(`duplicate directive ${key}`);
    seen.add(key);
  }
}

function renderCatalog({ sectionsByUnitType, directives, newestVersion }) {
  const provenanceOneLine = PROVENANCE.replace(/\n/g, ' ');
  const lines = [
    ...PROVENANCE.split('\n').map((line, i, all) => `// ${line}${i === all.length - 1 ? ' Do not edit by hand: run `npm run update-data`.' : ''}`),
    "import type { Catalog } from '../service/catalogTypes';",
    '',
    'export const catalog: Catalog = {',
    `  generatedFrom: ${quote(provenanceOneLine)},`,
    `  newestVersion: ${newestVersion},`,
    '  sectionsByUnitType: {',
    ...Object.entries(sectionsByUnitType).map(([type, sections]) => `    ${type}: ${renderValue(sections)},`),
    '  },',
    '  directives: [',
    ...directives.map((d) => `    ${renderValue(d)},`),
    '  ],',
    '};',
    '',
  ];
  return lines.join('\n');
}

function renderValue(value) {
  if (Array.isArray(value)) return `[${value.map(renderValue).join(',')}]`;
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return String(value);
  return `{${Object.entries(value).map(([k, v]) => `${k}:${renderValue(v)}`).join(',')}}`;
}

function quote(text) {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function printSummary(directives, newestVersion, report) {
  const bySection = new Map();
  for (const d of directives) bySection.set(d.section, (bySection.get(d.section) ?? 0) + 1);
  const count = (pred) => directives.filter(pred).length;
  const log = (text) => console.error(`update-data: ${text}`);
  log(`wrote ${relative(PROJECT_ROOT, OUTPUT_FILE)}: ${directives.length} directives, newestVersion ${newestVersion}`);
  log(`per section: ${[...bySection].map(([s, n]) => `${s} ${n}`).join(', ')}`);
  log(
    `with since ${count((d) => d.since !== undefined)}, man ${count((d) => d.man)}, enumValues ${count((d) => d.enumValues)}, ` +
      `aliasOf ${count((d) => d.aliasOf)}, status removed ${count((d) => d.status === 'removed')} / disabled ${count((d) => d.status === 'disabled')}`,
  );
  const enumRows = directives.filter((d) => d.enumValues);
  log(
    `enumMatch among ${enumRows.length} enum rows: exact ${enumRows.filter((d) => d.enumMatch === 'exact').length}, ` +
      `exact-or-boolean ${enumRows.filter((d) => d.enumMatch === 'exact-or-boolean').length}, ` +
      `unproven ${enumRows.filter((d) => !d.enumMatch).length}; removedIn ${count((d) => d.removedIn !== undefined)}`,
  );
  log(`reference TSV: ${report.added.length} rows added, ${report.changed.length} changed by main, ${report.skipped.length} skipped, ${report.disagreements.length} disagreements with 257.13`);
  for (const skipped of report.skipped) log(`  skipped ${skipped}`);
  if (VERBOSE) {
    for (const added of report.added) log(`  added ${added}`);
    for (const changed of report.changed) log(`  changed ${changed}`);
    for (const disagreement of report.disagreements) log(`  disagrees: ${disagreement}`);
  } else if (report.disagreements.length) {
    log('  (run with UPDATE_DATA_VERBOSE=1 to list them)');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------

function readText(path) {
  return readFileSync(path, 'utf8');
}

/** Locale-independent ordering, so the output is byte-identical everywhere. */
function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unique(values) {
  return [...new Set(values)];
}

function findLastIndex(array, predicate) {
  for (let i = array.length - 1; i >= 0; i--) if (predicate(array[i])) return i;
  return -1;
}

function warn(message) {
  console.error(`update-data: warning: ${message}`);
}

function fail(message) {
  console.error(`update-data: error: ${message}`);
  process.exit(1);
}

main();
