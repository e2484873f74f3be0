/**
 * ../shared/reference/socket-directives.tsv: facts gathered from systemd's main branch while it was v258.
 * The releases' own tables now supersede it; it still dates one kind of change that no release table can
 * date inside the 257 → 262 gap: keys that main turned into config_parse_warn_compat (DISABLED_LEGACY),
 * e.g. the cgroup-v1 settings, removed in 258 (v258's NEWS removes cgroup v1 without naming the keys).
 */
import { existsSync } from 'node:fs';
import { fail, readText } from './util.mjs';

/** The TSV's group column (its first word) for rows that come from a shared gperf macro. */
const TSV_GROUP_MACROS = {
  'shared-exec': 'EXEC_CONTEXT_CONFIG_ITEMS',
  'shared-cgroup': 'CGROUP_CONTEXT_CONFIG_ITEMS',
  'shared-kill': 'KILL_CONTEXT_CONFIG_ITEMS',
};

export function readReferenceTsv(path) {
  if (!existsSync(path)) fail(`reference file missing: ${path}`);
  const lines = readText(path).split('\n').filter((line) => line.trim() !== '');
  const header = lines[0].split('\t');
  for (const column of ['section', 'group', 'name', 'parser', 'ltype', 'introduced', 'notes']) {
    if (!header.includes(column)) fail(`${path}: no column "${column}"`);
  }
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(header.map((column, j) => [column, (cells[j] ?? '').trim()]));
  });
}

/** The release the TSV's "main" stands for: the newest exact "vNNN" in its introduced column. */
function mainReleaseOf(rows) {
  const versions = rows.map((row) => /^v(\d+)$/.exec(row.introduced)).filter(Boolean).map((m) => Number(m[1]));
  if (versions.length === 0) fail('the reference TSV names no release version ("vNNN") in its introduced column');
  return Math.max(...versions);
}

/**
 * Section.Key -> the release that removed it, for rows whose notes say main changed them ("main: ...")
 * into config_parse_warn_compat/DISABLED_LEGACY; a row of a shared macro stands for every section that
 * includes the macro.
 */
export function removalWitnesses(rows, macrosBySection) {
  const release = mainReleaseOf(rows);
  const removals = new Map();
  for (const row of rows) {
    if (!/(^|;\s*)main:/.test(row.notes) || /absent in v257\.13/.test(row.notes)) continue;
    if (row.parser !== 'config_parse_warn_compat' || row.ltype !== 'DISABLED_LEGACY') continue;
    const macro = TSV_GROUP_MACROS[row.group.split(/[\s(]/)[0]];
    const sections = macro ? [...macrosBySection].filter(([, ms]) => ms.includes(macro)).map(([s]) => s) : [];
    for (const section of new Set([row.section, ...sections])) removals.set(`${section}.${row.name}`, release);
  }
  return removals;
}
