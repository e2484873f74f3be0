#!/usr/bin/env node
/**
 * Regenerates server/src/data/catalog.generated.ts, the directive catalog, from systemd's own sources:
 * every systemd release the Debian archive serves (sources.mjs: 252 in bookworm, 254 in its backports,
 * 257 in trixie, 262 in forky; cached in .cache/systemd-src/). From each release's tree:
 *   src/core/load-fragment-gperf.gperf.in  every key PID 1 accepts, its parser, ltype and target field (gperf.mjs)
 *   src/shared/install.c                   the real parsers of the [Install] keys (gperf.mjs)
 *   src/core/*.c unit vtables              which sections each unit type reads (gperf.mjs)
 *   *_table[] string tables under src/     the words of enum-valued settings and how strictly they match (enums.mjs)
 *   man/systemd.*.xml                      which keys are documented, and version notes (manpages.mjs)
 *   NEWS                                   release notes, to date keys inside a gap (news.mjs)
 * The newest release gives the catalog; the others give each key's and each word's versions (releases.mjs).
 * ../shared/reference/socket-directives.tsv dates removals made in 258 (reference.mjs).
 *
 * Usage: npm run update-data [-- --refresh] [-- --verbose]
 *   --refresh                 look up the releases Debian serves again (else the cached list is used)
 *   --verbose                 print where every version fact came from
 *   SYSTEMD_SRC_DIRS=a:b:c    unpacked trees instead of the cache / download
 *
 * Plain Node ESM, Node built-ins only. Child processes get argument arrays, never a shell string.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GPERF_PATH, INSTALL_PATH, applyInstallParsers, parseGperfTemplate, parseInstallTable, readUnitSections } from './gperf.mjs';
import { buildEnumResolver, setEnumFromSource } from './enums.mjs';
import { assignAliases, attachDocumentation, manPagesToRead, readManPages } from './manpages.mjs';
import { readNews } from './news.mjs';
import { readReferenceTsv, removalWitnesses } from './reference.mjs';
import { mergeReleases } from './releases.mjs';
import { printSummary, renderCatalog, sortBySectionKeepingGperfOrder, toDirectiveDef, checkNoDuplicates } from './render.mjs';
import { locateReleases, readCSources } from './sources.mjs';
import { PROJECT_ROOT, readText } from './util.mjs';

const OUTPUT_FILE = join(PROJECT_ROOT, 'server/src/data/catalog.generated.ts');
const REFERENCE_TSV = resolve(PROJECT_ROOT, '../shared/reference/socket-directives.tsv');
const VERBOSE = process.argv.includes('--verbose') || process.env.UPDATE_DATA_VERBOSE === '1';

/** One release's view: its keys with parser, enum words and matching, and its man pages' notes. */
function readRelease(release) {
  const sources = readCSources(join(release.tree, 'src'));
  const gperf = parseGperfTemplate(readText(join(release.tree, GPERF_PATH)));
  applyInstallParsers(gperf.entries, parseInstallTable(readText(join(release.tree, INSTALL_PATH))));
  const enums = buildEnumResolver(sources);
  for (const entry of gperf.entries) setEnumFromSource(entry, enums);
  const manIndex = readManPages(join(release.tree, 'man'), manPagesToRead(gperf));
  for (const entry of gperf.entries) attachDocumentation(entry, manIndex, gperf.macrosBySection);
  assignAliases(gperf.entries);
  return { release, entries: gperf.entries, macrosBySection: gperf.macrosBySection, sectionsByUnitType: readUnitSections(sources) };
}

function main() {
  const tsvRows = readReferenceTsv(REFERENCE_TSV);
  const releases = locateReleases({ refresh: process.argv.includes('--refresh') });
  const tables = releases.map(readRelease);
  const newest = tables.at(-1);
  const witnesses = { news: readNews(newest.release.tree), removals: removalWitnesses(tsvRows, newest.macrosBySection) };
  const { entries, report } = mergeReleases(tables, witnesses);

  const directives = sortBySectionKeepingGperfOrder(entries).map(toDirectiveDef);
  checkNoDuplicates(directives);
  const newestVersion = newest.release.major;
  const provenance =
    `Generated from systemd ${releases.map((r) => r.upstream).join(', ')} (Debian source packages ` +
    `${releases.map((r) => `systemd_${r.debian} (${r.suite})`).join(', ')}: ${GPERF_PATH}, ${INSTALL_PATH}, unit vtables, ` +
    `string tables, man/*.xml, NEWS; the newest gives the directives, all of them the versions) and ` +
    `shared/reference/socket-directives.tsv (removals in 258) by scripts/update-data/index.mjs.`;
  writeFileSync(OUTPUT_FILE, renderCatalog({ provenance, releases: releases.map((r) => r.major), sectionsByUnitType: newest.sectionsByUnitType, directives, newestVersion }));
  printSummary({ outputFile: OUTPUT_FILE, directives, newestVersion, report, releases, verbose: VERBOSE });
}

main();
