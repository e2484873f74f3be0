/**
 * Writing the catalog and the summary.
 */
import { relative } from 'node:path';
import { PROJECT_ROOT, compare, fail } from './util.mjs';

/** Sections alphabetically; within a section, gperf order (Array.prototype.sort is stable). */
export function sortBySectionKeepingGperfOrder(entries) {
  return [...entries].sort((a, b) => compare(a.section, b.section));
}

/** The catalog's DirectiveDef, with keys in a fixed order and optional ones only when set. */
export function toDirectiveDef(entry) {
  const def = { section: entry.section, name: entry.name, parser: entry.parser, ltype: entry.ltype };
  if (entry.enumValues?.length) {
    def.enumValues = entry.enumValues;
    if (entry.enumMatch) def.enumMatch = entry.enumMatch;
    if (entry.enumMatch && entry.enumEmpty) def.enumEmpty = entry.enumEmpty;
  }
  if (entry.since !== undefined) def.since = entry.since;
  if (entry.status) def.status = entry.status;
  if (entry.removedIn !== undefined) def.removedIn = entry.removedIn;
  if (entry.aliasOf) def.aliasOf = entry.aliasOf;
  if (entry.man) def.man = entry.man;
  if (entry.history?.length) def.history = entry.history.map(shapeDef);
  return def;
}

/** An older shape: the same fixed key order, `until` first. */
function shapeDef(shape) {
  const def = { until: shape.until, parser: shape.parser ?? '', ltype: shape.ltype ?? '0' };
  if (shape.enumValues?.length) {
    def.enumValues = shape.enumValues;
    if (shape.enumMatch) def.enumMatch = shape.enumMatch;
    if (shape.enumMatch && shape.enumEmpty) def.enumEmpty = shape.enumEmpty;
  }
  if (shape.status) def.status = shape.status;
  return def;
}

export function checkNoDuplicates(directives) {
  const seen = new Set();
  for (const d of directives) {
    const key = `${d.section}.${d.name}`;
    if (seen.has(key)) fail(`duplicate directive ${key}`);
    seen.add(key);
  }
}

export function renderCatalog({ provenance, releases, sectionsByUnitType, directives, newestVersion }) {
  const lines = [
    ...wrap(provenance, 116).map((line, i, all) => `// ${line}${i === all.length - 1 ? ' Do not edit by hand: run `npm run update-data`.' : ''}`),
    "import type { Catalog } from '../service/catalogTypes';",
    '',
    'export const catalog: Catalog = {',
    `  generatedFrom: ${quote(provenance)},`,
    `  newestVersion: ${newestVersion},`,
    `  releasesRead: ${renderValue(releases)},`,
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

function wrap(text, width) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
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

export function printSummary({ outputFile, directives, newestVersion, report, releases, verbose }) {
  const bySection = new Map();
  for (const d of directives) bySection.set(d.section, (bySection.get(d.section) ?? 0) + 1);
  const count = (pred) => directives.filter(pred).length;
  const log = (text) => console.error(`update-data: ${text}`);
  log(`releases read: ${releases.map((r) => `${r.upstream} (${r.suite}, systemd_${r.debian})`).join(', ')}`);
  log(`wrote ${relative(PROJECT_ROOT, outputFile)}: ${directives.length} directives, newestVersion ${newestVersion}`);
  log(`per section: ${[...bySection].map(([s, n]) => `${s} ${n}`).join(', ')}`);
  log(
    `with since ${count((d) => d.since !== undefined)}, man ${count((d) => d.man)}, enumValues ${count((d) => d.enumValues)}, ` +
      `aliasOf ${count((d) => d.aliasOf)}, status removed ${count((d) => d.status === 'removed')} / disabled ${count((d) => d.status === 'disabled')}`,
  );
  const enumRows = directives.filter((d) => d.enumValues);
  log(
    `enumMatch among ${enumRows.length} enum rows: exact ${enumRows.filter((d) => d.enumMatch === 'exact').length}, ` +
      `exact-or-boolean ${enumRows.filter((d) => d.enumMatch === 'exact-or-boolean').length}, ` +
      `unproven ${enumRows.filter((d) => !d.enumMatch).length}; removedIn ${count((d) => d.removedIn !== undefined)}; ` +
      `with older shapes ${count((d) => d.history)}`,
  );
  log(`version facts from the release tables: ${report.shapes.length} keys changed shape or were removed; keys dropped from the newest table: ${report.deleted.length}`);
  for (const d of report.deleted) log(`  dropped: ${d.key} (last in ${d.last})`);
  if (verbose) for (const fact of report.since.concat(report.shapes)) log(`  ${fact}`);
  else log('  (run with --verbose to see where every version fact came from)');
}
