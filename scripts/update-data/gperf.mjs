/**
 * PID 1's directive table (src/core/load-fragment-gperf.gperf.in), the real [Install] parsers
 * (src/shared/install.c) and the sections each unit type reads (unit vtables under src/core/).
 */
import { compare, fail, warn } from './util.mjs';

export const GPERF_PATH = 'src/core/load-fragment-gperf.gperf.in';
export const INSTALL_PATH = 'src/shared/install.c';


/**
 * Expands the template the way Debian's build does: the shared macros are expanded for each type they are
 * called with, and every `{% if FEATURE %}` takes its if-branch (Debian enables seccomp, PAM, SELinux,
 * AppArmor and SMACK). A key that only appears in an else-branch is kept with status "disabled".
 *
 * Returns the entries in table order, and which macros each section includes.
 */
export function parseGperfTemplate(text) {
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

export function parseInstallTable(text) {
  const items = new Map();
  const pattern = /\{\s*"Install"\s*,\s*"(\w+)"\s*,\s*(\w+)\s*,\s*([^,{}]+?)\s*,\s*([^{}]+?)\s*\}/g;
  for (const m of text.matchAll(pattern)) items.set(m[1], { parser: m[2], ltype: m[3], offset: m[4] });
  if (items.size === 0) fail(`no { "Install", ... } table found in ${INSTALL_PATH}`);
  return items;
}

export function applyInstallParsers(entries, installItems) {
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
export function readUnitSections(sources) {
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

