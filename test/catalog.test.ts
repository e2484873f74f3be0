/**
 * Checks on the generated directive catalog (server/src/data/catalog.generated.ts), so that a broken
 * scripts/update-data.mjs (lost sections, lost enum tables, lost v258 rows, bad aliases) fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalog } from '../server/src/data/catalog.generated';
import type { DirectiveDef } from '../server/src/service/catalogTypes';
import { directiveAt, wordVersions } from '../server/src/service/catalog';

const REFERENCE_TSV = fileURLToPath(new URL('../../shared/reference/socket-directives.tsv', import.meta.url));

function find(section: string, name: string): DirectiveDef | undefined {
  return catalog.directives.find((d) => d.section === section && d.name === name);
}

function get(section: string, name: string): DirectiveDef {
  const def = find(section, name);
  assert.ok(def, `${section}.${name} is missing from the catalog`);
  return def;
}

interface TsvRow {
  section: string;
  group: string;
  name: string;
  parser: string;
  introduced: string;
}

function readReferenceRows(): TsvRow[] {
  const [header, ...lines] = readFileSync(REFERENCE_TSV, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const columns = header.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    const cell = (name: string) => (cells[columns.indexOf(name)] ?? '').trim();
    return { section: cell('section'), group: cell('group'), name: cell('name'), parser: cell('parser'), introduced: cell('introduced') };
  });
}

test('every socket-specific [Socket] directive of the reference TSV is present with the same parser', (t) => {
  if (!existsSync(REFERENCE_TSV)) {
    t.skip(`reference file ${REFERENCE_TSV} is absent`);
    return;
  }
  const rows = readReferenceRows().filter((r) => r.section === 'Socket' && r.group === 'socket-specific');
  assert.ok(rows.length >= 60, `expected the TSV to list the [Socket] directives, got ${rows.length} rows`);
  // The TSV was written against 257 and main as it stood before 258; a later release may have changed the
  // parser since (MessageQueueMessageSize= takes sizes with units from 262 on).
  for (const row of rows) {
    const def = get('Socket', row.name);
    const parsers = [def.parser, ...(def.history ?? []).map((h) => h.parser)];
    assert.ok(parsers.includes(row.parser), `parser of Socket.${row.name}: TSV ${row.parser}, releases ${parsers.join(', ')}`);
  }
});

test('v258 rows of the reference TSV are merged with their version', (t) => {
  if (!existsSync(REFERENCE_TSV)) {
    t.skip(`reference file ${REFERENCE_TSV} is absent`);
    return;
  }
  const v258 = readReferenceRows().filter((r) => r.section === 'Socket' && r.introduced === 'v258');
  assert.ok(v258.length > 0);
  for (const row of v258) assert.equal(get('Socket', row.name).since, 258, `since of Socket.${row.name}`);
});

test('sectionsByUnitType comes from the unit vtables', () => {
  assert.deepEqual(catalog.sectionsByUnitType.socket, ['Unit', 'Socket', 'Install']);
  assert.deepEqual(catalog.sectionsByUnitType.service, ['Unit', 'Service', 'Install']);
  assert.equal(Object.keys(catalog.sectionsByUnitType).length, 11);
  for (const sections of Object.values(catalog.sectionsByUnitType)) {
    assert.equal(sections[0], 'Unit');
    assert.equal(sections.at(-1), 'Install');
  }
});

test('every section a unit type reads has directives, except the key-less [Target] and [Device]', () => {
  const withDirectives = new Set(catalog.directives.map((d) => d.section));
  const sections = new Set(Object.values(catalog.sectionsByUnitType).flat());
  const empty = [...sections].filter((s) => !withDirectives.has(s)).sort();
  // systemd's table has no Target.* or Device.* keys: those sections exist but accept nothing.
  assert.deepEqual(empty, ['Device', 'Target']);
  for (const section of withDirectives) assert.ok(sections.has(section), `[${section}] is read by no unit type`);
});

test('Accept= is a boolean, not an enum', () => {
  const accept = get('Socket', 'Accept');
  assert.equal(accept.parser, 'config_parse_bool');
  assert.equal(accept.enumValues, undefined);
  assert.equal(accept.man, 'systemd.socket');
  for (const d of catalog.directives) {
    if (d.parser === 'config_parse_bool') assert.equal(d.enumValues, undefined, `${d.section}.${d.name} is boolean`);
  }
});

test('enum values come from systemd string tables', () => {
  const bind = get('Socket', 'BindIPv6Only').enumValues ?? [];
  for (const word of ['default', 'both', 'ipv6-only']) assert.ok(bind.includes(word), `BindIPv6Only=${word}`);
  const killMode = get('Service', 'KillMode').enumValues ?? [];
  for (const word of ['control-group', 'mixed']) assert.ok(killMode.includes(word), `KillMode=${word}`);
  assert.deepEqual(get('Socket', 'Timestamping').enumValues, ['off', 'us', 'ns']);
  assert.ok(get('Service', 'Type').enumValues?.includes('notify-reload'));
  assert.ok(get('Unit', 'OnFailureJobMode').enumValues?.includes('replace-irreversibly'));
});

test('versions: DeferTrigger= is v258, ListenStream= predates annotations, newestVersion is the newest release', () => {
  assert.equal(get('Socket', 'DeferTrigger').since, 258);
  const listen = get('Socket', 'ListenStream').since;
  assert.ok(listen === undefined || listen < 200, `ListenStream since ${listen}`);
  assert.equal(get('Socket', 'FlushPending').since, 247);
  // Entries whose text carries annotations of their own values (v255 in a table, v257 for "debug"):
  // the entry's version is the one directly in its listitem.
  assert.equal(get('Unit', 'ConditionSecurity').since, 244);
  assert.equal(get('Service', 'RestartMode').since, 254);
  // One entry documents all Assert*= keys; all get its version.
  assert.equal(get('Unit', 'AssertPathExists').since, 218);
  assert.equal(get('Unit', 'AssertIOPressure').since, 218);
  const max = Math.max(...catalog.directives.map((d) => d.since ?? 0));
  assert.ok(max <= catalog.newestVersion);
  assert.equal(catalog.newestVersion, 262);
});

test('no duplicate (section, name) pairs', () => {
  const seen = new Set<string>();
  for (const d of catalog.directives) {
    const key = `${d.section}.${d.name}`;
    assert.ok(!seen.has(key), `duplicate ${key}`);
    seen.add(key);
  }
});

test('old spellings point at a documented directive of the same section', () => {
  const startLimitInterval = find('Unit', 'StartLimitInterval');
  if (startLimitInterval) assert.equal(startLimitInterval.aliasOf, 'StartLimitIntervalSec');
  assert.equal(get('Unit', 'BindTo').aliasOf, 'BindsTo');
  const aliases = catalog.directives.filter((d) => d.aliasOf);
  assert.ok(aliases.length > 0);
  for (const alias of aliases) {
    const target = get(alias.section, alias.aliasOf!);
    assert.ok(target.man, `${alias.section}.${alias.aliasOf} (target of ${alias.name}) is documented`);
    assert.equal(alias.man, undefined, `${alias.section}.${alias.name} is undocumented`);
    assert.equal(target.parser, alias.parser);
  }
});

test('ignored keys carry a status and the warn_compat parser', () => {
  assert.equal(get('Unit', 'IgnoreOnSnapshot').status, 'removed');
  for (const d of catalog.directives.filter((x) => x.status)) {
    assert.equal(d.parser, 'config_parse_warn_compat', `${d.section}.${d.name}`);
    assert.equal(d.ltype, d.status === 'removed' ? 'DISABLED_LEGACY' : 'DISABLED_CONFIGURATION');
  }
});

test('[Install] uses the parsers of src/shared/install.c', () => {
  assert.equal(get('Install', 'WantedBy').parser, 'config_parse_strv');
  assert.equal(get('Install', 'Alias').parser, 'config_parse_alias');
  assert.ok(catalog.directives.every((d) => d.parser !== '' && d.parser !== 'NULL'));
});

test('enumMatch: only where systemd provably rejects other words', () => {
  // config_parse_bool has no table, so there is nothing to match.
  assert.equal(get('Socket', 'Accept').enumMatch, undefined);
  for (const d of catalog.directives) {
    if (d.enumMatch) assert.ok(d.enumValues?.length, `${d.section}.${d.name} has enumMatch without enumValues`);
    if (d.enumEmpty) assert.ok(d.enumMatch, `${d.section}.${d.name} has enumEmpty without enumMatch`);
    if (d.parser === 'config_parse_bool') assert.equal(d.enumMatch, undefined, `${d.section}.${d.name} is boolean`);
  }
  // Hand-written parser over DEFINE_STRING_TABLE_LOOKUP(kill_mode, ...); "KillMode=" resets.
  assert.equal(get('Service', 'KillMode').enumMatch, 'exact');
  assert.equal(get('Socket', 'KillMode').enumMatch, 'exact');
  assert.equal(get('Service', 'KillMode').enumEmpty, 'resets');
  // DEFINE_CONFIG_PARSE_ENUM over a plain table: "Type=" is handed to the lookup and rejected.
  assert.equal(get('Service', 'Type').enumMatch, 'exact');
  assert.equal(get('Service', 'Type').enumEmpty, 'invalid');
  // DEFINE_CONFIG_PARSE_ENUM_WITH_DEFAULT: "NUMAPolicy=" restores the default.
  assert.equal(get('Service', 'NUMAPolicy').enumMatch, 'exact');
  assert.equal(get('Service', 'NUMAPolicy').enumEmpty, 'resets');
});

test('enumMatch: DEFINE_STRING_TABLE_LOOKUP_WITH_BOOLEAN tables also take booleans', () => {
  // private_tmp_table has no "yes": PrivateTmp=yes only works through parse_boolean().
  const privateTmp = get('Service', 'PrivateTmp');
  assert.equal(privateTmp.enumMatch, 'exact-or-boolean');
  assert.ok(!privateTmp.enumValues?.includes('yes'));
  assert.equal(get('Service', 'ProtectSystem').enumMatch, 'exact-or-boolean');
  assert.equal(get('Service', 'ProtectHome').enumMatch, 'exact-or-boolean');
  // socket_address_bind_ipv6_only_or_bool_from_string(): parse_boolean(), then the plain table.
  assert.equal(get('Socket', 'BindIPv6Only').enumMatch, 'exact-or-boolean');
});

test('enumMatch is absent where the parser accepts more than its table', () => {
  // *_WITH_FALLBACK lookups also take numbers; exec output takes fd:NAME, file:PATH, ...; timestamping
  // takes usec/nsec and booleans.
  for (const [section, name] of [
    ['Socket', 'IPTOS'],
    ['Service', 'SyslogLevel'],
    ['Service', 'CPUSchedulingPolicy'],
    ['Service', 'IOSchedulingClass'],
    ['Service', 'StandardOutput'],
    ['Service', 'StandardInput'],
    ['Socket', 'Timestamping'],
  ]) {
    const def = get(section, name);
    assert.ok(def.enumValues?.length, `${section}.${name} has enumValues`);
    assert.equal(def.enumMatch, undefined, `${section}.${name} must not claim an exact match`);
  }
});

test('removedIn: keys 262 ignores (cgroup v1) still work before v258, with the parser 257 has', () => {
  for (const section of ['Service', 'Socket', 'Mount', 'Swap', 'Slice', 'Scope']) {
    const cpuAccounting = get(section, 'CPUAccounting');
    assert.equal(cpuAccounting.status, 'removed');
    assert.equal(cpuAccounting.removedIn, 258, `${section}.CPUAccounting`);
    assert.equal(directiveAt(cpuAccounting, 257).parser, 'config_parse_bool');
    assert.equal(directiveAt(cpuAccounting, 257).status, undefined);
    assert.equal(directiveAt(cpuAccounting, 258).status, 'removed');
  }
  assert.equal(directiveAt(get('Service', 'MemoryLimit'), 252).parser, 'config_parse_memory_limit');
  assert.equal(get('Service', 'BlockIOWeight').removedIn, 258);
  // Already ignored by the oldest release read: removed before any version we target.
  for (const [section, name] of [['Service', 'Capabilities'], ['Unit', 'IgnoreOnSnapshot'], ['Service', 'NetClass']]) {
    const def = get(section, name);
    assert.equal(def.status, 'removed');
    assert.equal(def.removedIn, undefined, `${section}.${name}`);
    assert.equal(directiveAt(def, 239).status, 'removed', `${section}.${name}`);
  }
  for (const d of catalog.directives.filter((x) => x.removedIn !== undefined)) {
    assert.equal(d.status, 'removed', `${d.section}.${d.name}`);
    const before = directiveAt(d, d.removedIn! - 1);
    assert.ok(before.status === undefined && before.parser !== 'config_parse_warn_compat', `${d.section}.${d.name}`);
    assert.ok(d.removedIn! > (d.since ?? 0), `${d.section}.${d.name} removed after it was added`);
  }
});

test('versions measured from the releases\' own tables, not only from man pages', () => {
  assert.deepEqual(catalog.releasesRead, [252, 254, 257, 262]);
  // The man page dates [Install] UpheldBy= from 201, but 252's install.c does not know it; 254's does.
  assert.equal(get('Install', 'UpheldBy').since, 253);
  // Documented beside RuntimeDirectory= (v211), but NEWS brings StateDirectory= with 235.
  for (const name of ['StateDirectory', 'CacheDirectory', 'LogsDirectory', 'ConfigurationDirectory']) {
    assert.equal(get('Service', name).since, 235, name);
  }
  assert.equal(get('Socket', 'XAttrListen').since, 262);
  for (const name of ['ConditionKernelModuleLoaded', 'AssertKernelModuleLoaded']) assert.equal(get('Unit', name).since, 258);
});

test('versions per value: a word a release added is dated, and older versions parse the older shape', () => {
  const type = get('Service', 'Type');
  assert.ok(type.enumValues?.includes('notify-reload'));
  assert.equal(wordVersions(type, 'notify-reload').since, 253);
  assert.equal(wordVersions(type, 'simple').since, undefined);
  assert.ok(!directiveAt(type, 252).enumValues?.includes('notify-reload'));
  assert.ok(directiveAt(type, 253).enumValues?.includes('notify-reload'));
  // A boolean in 252 and 254, an enum with booleans from 257 on.
  const privateTmp = get('Service', 'PrivateTmp');
  assert.equal(directiveAt(privateTmp, 252).parser, 'config_parse_bool');
  assert.equal(directiveAt(privateTmp, 252).enumValues, undefined);
  assert.ok(directiveAt(privateTmp, 262).enumValues?.includes('disconnected'));
  assert.ok(wordVersions(privateTmp, 'disconnected').since! > 254);
  // Every older shape is older than the newest release, and the list is sorted.
  for (const d of catalog.directives) {
    const untils = (d.history ?? []).map((h) => h.until);
    assert.deepEqual(untils, [...untils].sort((a, b) => a - b), `${d.section}.${d.name}`);
    for (const u of untils) assert.ok(u < catalog.newestVersion, `${d.section}.${d.name} until ${u}`);
  }
});
