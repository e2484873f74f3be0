/**
 * Hover: what a directive does (hand-written docs, else what the catalog knows), what a specifier
 * expands to, and what a value means where that is not obvious (listen addresses, enum words, time
 * spans, sizes, modes, Accept=). Pure: everything comes from the document, its tree and the context.
 */
import { calendarLines } from './hoverCalendar';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { MarkupKind, type Hover, type Position, type Range } from 'vscode-languageserver-types';
import { directiveDoc } from '../data/docs';
import type { DirectiveDoc } from '../data/docs/types';
import type { DirectiveDef } from './catalogTypes';
import type { FeatureContext } from './featureContext';
import { describeParser } from './valueTypes';
import { entryAtOffset, valueRangeToSpan, type Entry, type Section, type Span, type UnitFile } from './parser';
import { parseBoolean, parseListenAddress, parseNsec, parseSec, parseSize, scanSpecifiers, SPECIFIER_DESCRIPTIONS } from './values';
import type { ListenOk } from './values/listen';
import { specifierFlavorOfParser, unitNameSpecifierValue, type SpecifierFlavor } from './values/specifiers';
import { parserAt } from './analysis';
import { directiveAt } from './catalog';
import { booleanExtras, booleanMeaning } from './enumBooleans';
import { crossFileNotes } from './effectiveConfig';

const MAN_BASE = 'https://www.freedesktop.org/software/systemd/man/latest/';

/** Man pages whose directives every unit type with an execution context shares with [Service]. */
const SHARED_MANS = new Set(['systemd.exec', 'systemd.kill', 'systemd.resource-control']);

export function doHover(document: TextDocument, unit: UnitFile, position: Position, ctx: FeatureContext): Hover | null {
  const offset = document.offsetAt(position);
  for (const section of unit.sections) {
    if (within(section.headerSpan, offset)) return sectionHover(document, section, ctx);
  }
  // The entry by binary search (a scan of every entry was most of a hover in a 10,000-line unit).
  const found = entryAtOffset(unit, offset);
  if (!found) return null;
  const { section, entry } = found;
  if (within(entry.keySpan, offset)) return withOverrides(keyHover(document, section, entry, ctx), document, unit, entry, ctx);
  if (entry.value !== '' && within(entry.valueSpan, offset)) return valueHover(document, unit, section, entry, offset, ctx);
  return null;
}

/** The key's hover, followed by what the unit's other files do to this assignment (effectiveConfig.ts). */
function withOverrides(base: Hover | null, document: TextDocument, unit: UnitFile, entry: Entry, ctx: FeatureContext): Hover | null {
  const notes = crossFileNotes(document, unit, entry.line, ctx);
  if (!notes.length) return base;
  const value = [...notes.map((n) => `🔀 ${n}`), ...(base ? ['', (base.contents as { value: string }).value] : [])].join('\n');
  return { contents: { kind: MarkupKind.Markdown, value }, range: base?.range ?? rangeOf(document, entry.keySpan) };
}

/** Hovering at the very end of a token still counts (the cursor sits right after it). */
function within(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end && span.end > span.start;
}

function rangeOf(document: TextDocument, span: Span): Range {
  return { start: document.positionAt(span.start), end: document.positionAt(span.end) };
}

function hover(document: TextDocument, span: Span, lines: string[]): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: rangeOf(document, span) };
}

/** Escapes the characters that would turn plain doc text into emphasis or links. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_[\]<>`])/g, '\\$1');
}

function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

// ---------------------------------------------------------------------------------------------------
// Sections

const SECTION_SUMMARIES: Readonly<Record<string, string>> = {
  Unit: 'Generic settings of every unit: description, documentation, dependencies, ordering and conditions.',
  Socket: 'What the socket unit listens on, how the sockets are set up, and which service they activate.',
  Service: 'How the service\'s processes are started, supervised, restarted and stopped.',
  Install: 'What `systemctl enable` does: which targets or units pull this one in, aliases, and units enabled along with it.',
  Timer: 'When the timer fires and which unit it activates.',
  Path: 'Which file-system paths are watched and which unit they activate.',
  Mount: 'What is mounted where, with which options.',
  Automount: 'Where the automount point is and when it expires.',
  Swap: 'Which swap device or file is activated.',
  Slice: 'Resource-control settings of the slice.',
};

function sectionHover(document: TextDocument, section: Section, ctx: FeatureContext): Hover | null {
  const name = section.name;
  const summary = SECTION_SUMMARIES[name];
  const lines = [`**[${name}]**`, ''];
  const unitType = ctx.context.unitType;
  if (unitType && !name.startsWith('X-') && !ctx.catalog.sectionsFor(unitType).includes(name)) {
    lines.push(`⚠️ systemd ignores a [${name}] section in a .${unitType} unit; it reads ${ctx.catalog.sectionsFor(unitType).map((s) => `[${s}]`).join(', ')}.`, '');
  } else if (name.startsWith('X-')) {
    lines.push('An extension section: systemd ignores it without a warning, so other tools can keep their settings here.');
    return hover(document, section.headerSpan, lines);
  }
  if (!summary) return lines.length > 2 ? hover(document, section.headerSpan, lines) : null;
  lines.push(summary);
  return hover(document, section.headerSpan, lines);
}

// ---------------------------------------------------------------------------------------------------
// Keys

/** Replacements for directives whose support systemd removed. */
const REMOVED_REPLACEMENTS: Readonly<Record<string, string>> = {
  CPUShares: 'CPUWeight=',
  StartupCPUShares: 'StartupCPUWeight=',
  MemoryLimit: 'MemoryMax=',
  BlockIOAccounting: 'IOAccounting=',
  BlockIOWeight: 'IOWeight=',
  StartupBlockIOWeight: 'StartupIOWeight=',
  BlockIODeviceWeight: 'IODeviceWeight=',
  BlockIOReadBandwidth: 'IOReadBandwidthMax=',
  BlockIOWriteBandwidth: 'IOWriteBandwidthMax=',
  Capabilities: 'CapabilityBoundingSet= and AmbientCapabilities=',
};

/** What to say instead of a replacement when there is none. */
const REMOVED_NOTES: Readonly<Record<string, string>> = {
  CPUAccounting: 'CPU usage is always accounted now; just drop the line.',
  NetClass: 'There is no replacement; mark traffic with nftables rules on the unit\'s cgroup instead.',
  SysVStartPriority: 'There is no replacement; order units with After= and Before=.',
  BusPolicy: 'There is no replacement (it belonged to kdbus).',
  IgnoreOnSnapshot: 'There is no replacement (snapshot units are gone).',
};

export function manLink(man: string, name: string): string {
  return `[${man}(5)](${MAN_BASE}${man}.html#${name}=)`;
}

function sinceText(def: DirectiveDef): string {
  return def.since === undefined ? 'since the early days' : `since systemd ${def.since}`;
}

function keyHover(document: TextDocument, section: Section, entry: Entry, ctx: FeatureContext): Hover | null {
  const key = entry.key;
  const def = ctx.catalog.lookup(section.name, key);
  if (!def) {
    if (key.startsWith('X-') || section.name.startsWith('X-')) return null;
    const elsewhere = ctx.catalog.sectionsKnowing(key);
    if (elsewhere.length === 0) return null;
    return hover(document, entry.keySpan, [
      `**${key}=** · [${section.name}]`,
      '',
      `⚠️ systemd does not know ${key}= in [${section.name}] and ignores the line; it belongs in ${elsewhere.map((s) => `[${s}]`).join(', ')}.`,
    ]);
  }

  // For an old spelling, describe the directive it stands for.
  const target = def.aliasOf ? ctx.catalog.lookup(section.name, def.aliasOf) ?? def : def;
  const name = target.name;
  const lines = [`**${key}=** · [${section.name}] · ${sinceText(target)}`, ''];
  const notes = statusNotes(def, section, ctx);
  if (notes.length) lines.push(...notes.map((n) => `⚠️ ${n}`), '');

  const doc = docFor(section.name, target);
  if (doc) {
    lines.push(escapeMarkdown(doc.summary), '');
    lines.push(`**Syntax:** ${escapeMarkdown(doc.syntax)}  `);
    if (doc.default !== undefined) lines.push(`**Default:** ${escapeMarkdown(doc.default)}`);
    lines.push('', '```ini', doc.example, '```');
  } else {
    const parser = parserAt(def, ctx.systemdVersion);
    const type = describeParser(parser);
    if (type) lines.push(`**Value:** ${type}`);
    // The words the target version's table has (older releases have fewer, or none).
    const at = directiveAt(target, ctx.systemdVersion);
    const words = at.enumValues;
    if (words?.length) {
      const orBool = booleanNote(at);
      lines.push(`${type ? '  \n' : ''}**Values:** ${words.map(code).join(' · ')}${orBool}`);
    }
  }
  // The key of an OnCalendar= line also shows what this expression means (the value hover has it too).
  if (section.name === 'Timer' && key === 'OnCalendar' && entry.value !== '') lines.push('', ...calendarLines(entry.value));
  const man = target.man ?? def.man;
  if (man) lines.push('', manLink(man, name));
  while (lines[lines.length - 1] === '') lines.pop();
  return hover(document, entry.keySpan, lines);
}

function statusNotes(def: DirectiveDef, section: Section, ctx: FeatureContext): string[] {
  const notes: string[] = [];
  const version = ctx.systemdVersion;
  const unitType = ctx.context.unitType;
  if (unitType && !ctx.catalog.sectionsFor(unitType).includes(section.name)) {
    notes.push(`A .${unitType} unit has no [${section.name}] section: systemd ignores this line here.`);
  }
  if (def.aliasOf) {
    notes.push(`Old name of **${def.aliasOf}=**: systemd still accepts it, but prefer ${def.aliasOf}=.`);
  }
  if (def.status === 'removed') {
    const instead = REMOVED_REPLACEMENTS[def.name];
    const hint = instead ? `Use ${instead} instead.` : REMOVED_NOTES[def.name] ?? '';
    if (def.removedIn === undefined || def.removedIn <= version) {
      const when = def.removedIn === undefined ? '' : ` (since systemd ${def.removedIn})`;
      notes.push(`Removed${when}: systemd accepts the line but ignores it. ${hint}`.trim());
    } else {
      notes.push(`Deprecated: systemd ${def.removedIn} ignores it; your target systemd ${version} still applies it. ${hint}`.trim());
    }
  } else if (def.status === 'disabled') {
    notes.push('Compiled out of this systemd build: it accepts the line but ignores it.');
  }
  if (def.since !== undefined && def.since > version) {
    notes.push(`Needs systemd ${def.since}; your target systemd ${version} does not know it and ignores the line.`);
  }
  return notes;
}

/**
 * The hand-written doc for a directive: its own section's, else — for the exec/kill/resource-control
 * settings that sockets, mounts … share with services — the [Service] one.
 */
function docFor(section: string, def: DirectiveDef): DirectiveDoc | undefined {
  const own = directiveDoc(section, def.name);
  if (own) return own;
  if (section !== 'Service' && def.man && SHARED_MANS.has(def.man)) return directiveDoc('Service', def.name);
  return undefined;
}


// ---------------------------------------------------------------------------------------------------
// Values

function valueHover(document: TextDocument, unit: UnitFile, section: Section, entry: Entry, offset: number, ctx: FeatureContext): Hover | null {
  const known = ctx.catalog.lookup(section.name, entry.key);
  if (!known) return null;
  const def = directiveAt(known, ctx.systemdVersion);
  const parser = def.parser;
  const flavor = specifierFlavorOfParser(section.name, parser);
  if (flavor) {
    const h = specifierHover(document, entry, offset, flavor, ctx);
    if (h) return h;
  }

  const lines = valueLines(unit, section, entry, def, parser, ctx);
  if (!lines || lines.length === 0) return null;
  return hover(document, entry.valueSpan, lines);
}

/** Value offset of a document offset inside the entry's value (-1 when outside). */
function valueOffsetOf(entry: Entry, offset: number): number {
  if (!entry.segments) return offset - entry.valueSpan.start;
  for (const seg of entry.segments) {
    if (offset >= seg.docOffset && offset <= seg.docOffset + seg.length) return seg.valueOffset + (offset - seg.docOffset);
  }
  return -1;
}

function specifierHover(document: TextDocument, entry: Entry, offset: number, flavor: SpecifierFlavor, ctx: FeatureContext): Hover | null {
  const at = valueOffsetOf(entry, offset);
  if (at < 0) return null;
  const value = entry.value;
  // "%%" first: it is a literal percent sign, not a specifier.
  for (let i = 0; i < value.length - 1; i++) {
    if (value[i] !== '%') continue;
    const next = value[i + 1];
    if (next === '%') {
      if (at >= i && at < i + 2) return hover(document, valueRangeToSpan(entry, i, i + 2), ['**%%** — a literal `%` sign.']);
      i++;
      continue;
    }
    if (at < i || at >= i + 2) continue;
    const scan = scanSpecifiers(value.slice(i, i + 2), flavor);
    const span = valueRangeToSpan(entry, i, i + 2);
    if (scan.unknown.length) {
      return hover(document, span, [`**%${next}** — not a specifier systemd knows here: systemd ignores the whole line. Write \`%%\` for a literal \`%\`.`]);
    }
    if (!scan.known.length) return null;
    return hover(document, span, specifierLines(next, ctx));
  }
  return null;
}

/** Name-derived specifiers and how they are computed from the unit name. */
const NAME_SPECIFIERS = new Set(['i', 'I', 'n', 'N', 'p', 'P', 'j', 'J', 'f']);

function specifierLines(letter: string, ctx: FeatureContext): string[] {
  const lines = [`**%${letter}** — ${SPECIFIER_DESCRIPTIONS[letter] ?? 'a specifier.'}`];
  const unitName = ctx.context.unitName;
  if (!unitName || !NAME_SPECIFIERS.has(letter)) return lines;
  const value = nameSpecifier(letter, unitName);
  if (value !== undefined) {
    lines.push('', value === '' ? `In ${code(unitName)} it is empty (the unit has no instance).` : `In ${code(unitName)}: \`%${letter}\` = ${code(value)}`);
    return lines;
  }
  // A template: the instance is only known when an instance is started.
  const dot = unitName.lastIndexOf('.');
  const example = `${unitName.slice(0, dot)}tenant1${unitName.slice(dot)}`;
  const exampleValue = nameSpecifier(letter, example);
  if (exampleValue !== undefined) {
    lines.push('', `${code(unitName)} is a template: the value comes from the instance name, e.g. ${code(example)} → ${code(exampleValue)}.`);
  }
  return lines;
}

/** unit_name_unescape(): "-" → "/", "\xNN" → the byte. */
function unescapeUnitName(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})|-/g, (m, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : '/'));
}

function nameSpecifier(letter: string, unitName: string): string | undefined {
  switch (letter) {
    case 'I': {
      const v = unitNameSpecifierValue('i', unitName);
      return v === undefined ? undefined : unescapeUnitName(v);
    }
    case 'P': {
      const v = unitNameSpecifierValue('p', unitName);
      return v === undefined ? undefined : unescapeUnitName(v);
    }
    case 'J': {
      const v = unitNameSpecifierValue('j', unitName);
      return v === undefined ? undefined : unescapeUnitName(v);
    }
    case 'f': {
      const instance = unitNameSpecifierValue('i', unitName);
      if (instance === undefined) return undefined;
      const raw = instance !== '' ? instance : unitNameSpecifierValue('p', unitName) ?? '';
      const path = raw === '-' ? '/' : unescapeUnitName(raw);
      return path.startsWith('/') ? path : `/${path}`;
    }
    default:
      return unitNameSpecifierValue(letter, unitName);
  }
}

const LISTEN_DIRECTIVES = new Set([
  'ListenStream', 'ListenDatagram', 'ListenSequentialPacket', 'ListenNetlink', 'ListenFIFO', 'ListenSpecial', 'ListenMessageQueue', 'ListenUSBFunction',
]);

const TIME_PARSERS = new Set([
  'config_parse_sec', 'config_parse_sec_fix_0', 'config_parse_sec_def_infinity', 'config_parse_service_timeout',
  'config_parse_service_timeout_abort', 'config_parse_timeout_abort', 'config_parse_job_timeout_sec', 'config_parse_job_running_timeout_sec',
]);
const SIZE_PARSERS: Readonly<Record<string, 1024 | 1000>> = {
  config_parse_iec_size: 1024, config_parse_iec_uint64: 1024, config_parse_iec_uint64_infinity: 1024, config_parse_si_uint64: 1000,
};

function valueLines(unit: UnitFile, section: Section, entry: Entry, def: DirectiveDef, parser: string, ctx: FeatureContext): string[] | undefined {
  if (section.name === 'Socket' && LISTEN_DIRECTIVES.has(entry.key)) return listenLines(unit, section, entry, ctx);
  if (section.name === 'Socket' && entry.key === 'Accept') return acceptLines(entry, ctx);
  if (section.name === 'Timer' && entry.key === 'OnCalendar') return calendarLines(entry.value);
  const words = def.enumValues || parser === 'config_parse_socket_protocol' ? ENUM_WORDS[entry.key] : undefined;
  if (words || def.enumValues) return enumLines(entry, def, words);
  if (TIME_PARSERS.has(parser)) return timeLines(entry.value, parser);
  if (parser === 'config_parse_nsec') return nsecLines(entry.value);
  if (parser in SIZE_PARSERS) return sizeLines(entry.value, SIZE_PARSERS[parser]);
  if (parser === 'config_parse_mode') return modeLines(entry.value);
  return undefined;
}

// ---- listen addresses ----

function listenLines(unit: UnitFile, section: Section, entry: Entry, ctx: FeatureContext): string[] {
  const parsed = parseListenAddress(entry.key, entry.value, ctx.context.unitName, ctx.systemdVersion);
  if (!parsed.ok) return [`⚠️ ${escapeMarkdown(parsed.message)}`];
  const lines = [describeListen(entry.key, parsed, section)];
  const family = inet6FamilyLines(parsed, section);
  if (family.length) lines.push('', ...family);
  if (parsed.legacyPathFrom) lines.push('', `systemd rewrites ${code(parsed.legacyPathFrom)} to ${code(parsed.path ?? '')}; write the /run/ path.`);
  if (parsed.unresolved) lines.push('', 'Contains specifiers that are only expanded on the target system; this is a best guess.');
  const fd = fdPosition(unit, entry, ctx);
  if (fd) lines.push('', fd);
  return lines;
}

/**
 * A bare port or [::]:port is an AF_INET6 socket, dual-stack unless BindIPv6Only= says otherwise. Programs
 * that wrap the fd with a hard-coded AF_INET (Python's socket.fromfd(3, AF_INET, …), copied into many Flask
 * examples) then read IPv6 socket addresses as IPv4 ones: wrong peers, or errors, with no hint why.
 */
function inet6FamilyLines(p: ListenOk, section: Section): string[] {
  if (p.kind !== 'inet6' || p.host !== '::') return [];
  const mode = ipv6OnlyMode(section);
  const peers = mode === 'ipv6-only'
    ? 'It takes IPv6 clients only (BindIPv6Only=ipv6-only).'
    : `It is dual-stack: IPv4 clients arrive too, with addresses such as ${code('::ffff:192.0.2.7')}${mode === 'default' ? ' (BindIPv6Only=ipv6-only or the net.ipv6.bindv6only sysctl turns that off)' : ''}.`;
  return [
    `**The fd is an IPv6 socket (AF_INET6).** ${peers}`,
    `A program that wraps it as AF_INET, e.g. Python ${code('socket.fromfd(3, socket.AF_INET, socket.SOCK_STREAM)')} (as Flask/werkzeug examples do), gets garbled client addresses. ` +
      `Wrap it as AF_INET6, or let Python read the family from the fd with ${code('socket.socket(fileno=3)')}; for an IPv4-only socket listen on ${code(`0.0.0.0:${p.port}`)} instead.`,
  ];
}

function lastValue(section: Section, key: string): string | undefined {
  let value: string | undefined;
  for (const e of section.entries) if (e.key === key) value = e.value;
  return value;
}

/** What BindIPv6Only= in this section makes of a socket bound to [::]. */
function ipv6OnlyMode(section: Section): 'both' | 'ipv6-only' | 'default' {
  const v = lastValue(section, 'BindIPv6Only');
  if (v === undefined || v === '' || v === 'default') return 'default';
  if (v === 'both' || v === 'ipv6-only') return v;
  const b = parseBoolean(v);
  return b === undefined ? 'default' : b ? 'ipv6-only' : 'both';
}

function transport(kind: ListenOk['socketType'], section: Section): string {
  const protocol = lastValue(section, 'SocketProtocol');
  if (kind === 'stream') return protocol === 'sctp' ? 'SCTP' : protocol === 'mptcp' ? 'MPTCP' : 'TCP';
  if (kind === 'dgram') return protocol === 'udplite' ? 'UDP-Lite' : 'UDP';
  return 'SCTP (seqpacket)';
}

function unixKind(t: ListenOk['socketType']): string {
  return t === 'dgram' ? 'datagram' : t === 'seqpacket' ? 'seqpacket' : 'stream';
}

function describeListen(directive: string, p: ListenOk, section: Section): string {
  switch (p.kind) {
    case 'inet6':
    case 'inet': {
      const proto = transport(p.socketType, section);
      const host = p.host ?? '';
      const address = p.kind === 'inet6' ? `[${host}]:${p.port}${p.scopeInterface ? `%${p.scopeInterface}` : ''}` : `${host}:${p.port}`;
      if (p.kind === 'inet6' && host === '::') {
        const mode = ipv6OnlyMode(section);
        const v4 =
          mode === 'ipv6-only' ? 'IPv6 only (BindIPv6Only=ipv6-only)' :
          mode === 'both' ? 'IPv4 too (BindIPv6Only=both)' :
          'IPv4 too unless BindIPv6Only=ipv6-only (or the net.ipv6.bindv6only sysctl) says otherwise';
        return `${proto} port ${p.port} on every address: ${code(address)}, ${v4}.`;
      }
      if (p.kind === 'inet' && host === '0.0.0.0') return `${proto} port ${p.port} on every IPv4 address (${code(address)}), IPv4 only — no IPv6.`;
      const loopback = host.startsWith('127.') || host === '::1' ? ' Loopback: only reachable from this machine.' : '';
      const family = p.kind === 'inet6' ? 'IPv6 only' : 'IPv4 only';
      return `${proto} port ${p.port} on the single address ${code(host)} (${family}).${loopback}`;
    }
    case 'unix-path':
      return `File-system AF_UNIX ${unixKind(p.socketType)} socket at ${code(p.path ?? '')}: created on start with SocketMode= (default 0666), SocketUser=, SocketGroup=; parent directories with DirectoryMode=.`;
    case 'unix-abstract':
      return `Abstract AF_UNIX ${unixKind(p.socketType)} socket ${code(p.path ?? '')}: not in the file system, so file permissions do not apply — any process in the same network namespace can connect.`;
    case 'vsock':
      return `AF_VSOCK ${p.socketType === 'dgram' ? 'datagram' : 'stream'} socket on port ${p.port}${p.vsockCid ? ` of CID ${code(p.vsockCid)}` : ' of any CID'}, for traffic between virtual machines and their host.`;
    case 'netlink':
      return `Netlink socket of family ${code(p.netlinkFamily ?? '')}${p.netlinkGroup !== undefined ? `, multicast group ${p.netlinkGroup}` : ''}.`;
    case 'fifo':
      return `Named pipe (FIFO) at ${code(p.path ?? '')}, created with SocketMode= (default 0666).`;
    case 'special':
      return `Existing file ${code(p.path ?? '')}, opened ${directive === 'ListenSpecial' && lastValue(section, 'Writable') !== undefined && parseBoolean(lastValue(section, 'Writable') ?? '') ? 'read-write' : 'read-only'} and passed to the service.`;
    case 'mqueue':
      return `POSIX message queue ${code(p.path ?? '')}.`;
    case 'usb-function':
      return `USB FunctionFS mount point ${code(p.path ?? '')}.`;
  }
  return '';
}

/** "fd 4" for the n-th working Listen*= line of this unit (only for whole units, not drop-ins). */
function fdPosition(unit: UnitFile, target: Entry, ctx: FeatureContext): string | undefined {
  if (ctx.context.isDropIn) return undefined;
  const accept = (() => {
    let v: boolean | undefined;
    for (const s of unit.sections) if (s.name === 'Socket') for (const e of s.entries) if (e.key === 'Accept') v = parseBoolean(e.value);
    return v ?? false;
  })();
  if (accept) return 'With Accept=yes every connection goes to its own service instance as fd 3.';
  let index = 0;
  for (const s of unit.sections) {
    if (s.name !== 'Socket') continue;
    for (const e of s.entries) {
      if (!LISTEN_DIRECTIVES.has(e.key)) continue;
      if (e === target) return `The service receives it as **fd ${3 + index}** (socket ${index + 1} of this unit, in file order).`;
      if (e.value === '') index = 0;
      else if (parseListenAddress(e.key, e.value, ctx.context.unitName, ctx.systemdVersion).ok) index++;
    }
  }
  return undefined;
}

// ---- Accept= ----

function acceptLines(entry: Entry, ctx: FeatureContext): string[] | undefined {
  const b = parseBoolean(entry.value);
  if (b === undefined) return undefined;
  const name = ctx.context.unitName;
  const dot = name ? name.lastIndexOf('.') : -1;
  const base = name && dot > 0 ? name.slice(0, dot) : undefined;
  const prefix = base ? base.split('@')[0] : undefined;
  if (b) {
    const template = prefix ? code(`${prefix}@.service`) : 'a template `foo@.service`';
    return [
      `systemd accepts each connection itself and starts a new instance of ${template} for it, with the connection as fd 3 (or stdin/stdout with StandardInput=socket). At most MaxConnections= (default 64) run at once.`,
    ];
  }
  const service = base ? code(`${base}.service`) : 'the service named like the socket';
  return [`The listening sockets are passed to one service (${service}, or Service=), which accepts connections itself.`];
}

// ---- enum words ----

const KILL_MODE: Record<string, string> = {
  'control-group': 'every process left in the unit\'s cgroup is signalled (the default)',
  mixed: 'SIGTERM goes to the main process only; whatever remains in the cgroup then gets SIGKILL',
  process: 'only the main process is signalled; other processes are left running',
  none: 'no process is signalled; only the stop commands run (not recommended)',
};

/** One line per value, for the enum directives where the words are not self-explanatory. */
const ENUM_WORDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  BindIPv6Only: {
    default: 'follow the net.ipv6.bindv6only sysctl (normally 0, i.e. [::] sockets also take IPv4)',
    both: '[::] sockets take IPv4 and IPv6 (IPV6_V6ONLY off)',
    'ipv6-only': '[::] sockets take IPv6 only (IPV6_V6ONLY on); add a separate 0.0.0.0 address for IPv4',
  },
  Timestamping: {
    off: 'no receive timestamps',
    us: 'receive timestamps in microseconds (SO_TIMESTAMP)',
    usec: 'same as `us`: microsecond timestamps',
    'µs': 'same as `us`: microsecond timestamps',
    'μs': 'same as `us`: microsecond timestamps',
    ns: 'receive timestamps in nanoseconds (SO_TIMESTAMPNS)',
    nsec: 'same as `ns`: nanosecond timestamps',
  },
  DeferTrigger: {
    no: 'start the service right away, stopping conflicting units if needed (the default)',
    yes: 'do not stop conflicting units; wait while jobs are pending, then give up if the conflict remains',
    patient: 'do not stop conflicting units; keep waiting until DeferTriggerMaxSec= runs out',
  },
  IPTOS: {
    'low-delay': 'IPTOS_LOWDELAY (0x10): minimise delay',
    throughput: 'IPTOS_THROUGHPUT (0x08): maximise throughput',
    reliability: 'IPTOS_RELIABILITY (0x04): maximise reliability',
    'low-cost': 'IPTOS_MINCOST (0x02): minimise cost',
  },
  SocketProtocol: {
    udplite: 'UDP-Lite for ListenDatagram= (partial checksums)',
    sctp: 'SCTP for ListenStream= (message-oriented, multi-homed)',
    mptcp: 'Multipath TCP for ListenStream=',
  },
  KillMode: KILL_MODE,
  Type: {
    simple: 'started as soon as the process is forked; systemd does not wait for it to be ready',
    exec: 'started once the binary has been executed successfully',
    forking: 'the process forks and the parent exits; the child is the main process (use PIDFile=)',
    oneshot: 'the process runs to completion before the unit counts as started',
    dbus: 'ready once the BusName= appears on the bus',
    notify: 'ready when the service sends READY=1 via sd_notify()',
    'notify-reload': 'like notify, and reloads are signalled with SIGHUP and confirmed via sd_notify()',
    idle: 'like simple, but started only once other jobs are done (cosmetic, for console output)',
  },
  Restart: {
    no: 'never restart (the default)',
    'on-success': 'restart only after a clean exit',
    'on-failure': 'restart after an unclean exit code, a signal, a timeout or a watchdog timeout',
    'on-abnormal': 'restart after a signal, a timeout or a watchdog timeout, not after an exit code',
    'on-watchdog': 'restart only after a watchdog timeout',
    'on-abort': 'restart only after an uncaught signal',
    always: 'restart whenever it stops, except through systemctl stop',
  },
  NotifyAccess: {
    none: 'ignore all sd_notify() messages',
    main: 'accept messages from the main process only',
    exec: 'accept messages from the main process and the Exec*= commands',
    all: 'accept messages from every process in the unit\'s cgroup',
  },
  CollectMode: {
    inactive: 'unload the unit when it becomes inactive, but keep failed units around (the default)',
    'inactive-or-failed': 'unload the unit even when it failed, resetting the failed state',
  },
};

/** Timestamping= (config_parse_socket_timestamping) is no table-with-booleans but takes them too. */
const TIMESTAMPING_BOOLEANS: readonly [string, string] = ['ns', 'off'];

/** What yes/no stand for in this directive, [yes, no]; from enumBooleans.ts where the catalog knows. */
function booleanAliases(key: string, def: DirectiveDef): readonly [string, string] | undefined {
  if (key === 'Timestamping') return TIMESTAMPING_BOOLEANS;
  const m = booleanMeaning(def);
  return m ? [m.yes, m.no] : undefined;
}

/** ", or a boolean (yes = ipv6-only, no = both)" after the list of words, for directives that take booleans. */
function booleanNote(def: DirectiveDef): string {
  if (def.enumMatch !== 'exact-or-boolean') return '';
  const extras = booleanExtras(def).filter((x) => x.means);
  const meanings = extras.length ? ` (${extras.map((x) => `${code(x.word)} = ${code(x.means!)}`).join(', ')})` : '';
  return `, or a boolean${meanings}`;
}

function enumLines(entry: Entry, def: DirectiveDef, words: Readonly<Record<string, string>> | undefined): string[] | undefined {
  const value = entry.value;
  let word = value;
  let via = '';
  if (words && !Object.prototype.hasOwnProperty.call(words, word)) {
    const b = parseBoolean(value);
    const alias = booleanAliases(entry.key, def);
    if (b !== undefined && alias) {
      word = b ? alias[0] : alias[1];
      via = ` (the boolean ${code(value)} means ${code(word)})`;
    }
  }
  const description = words && Object.prototype.hasOwnProperty.call(words, word) ? words[word] : undefined;
  const all = def.enumValues ?? (words ? Object.keys(words) : []);
  if (description) {
    const others = all.filter((w) => w !== word && words?.[w]).map((w) => `- ${code(w)}: ${words![w]}`);
    return [`${code(word)}${via}: ${description}`, ...(others.length ? ['', 'Other values:', ...others] : [])];
  }
  if (def.enumValues?.includes(value)) return [`${code(value)} — one of ${def.enumValues.map(code).join(', ')}.`];
  return undefined;
}

// ---- time spans, sizes, modes ----

const USEC_PER_SEC = 1_000_000n;
const TIMESPAN_UNITS: ReadonlyArray<readonly [string, bigint]> = [
  ['y', 31_557_600n * USEC_PER_SEC],
  ['month', 2_629_800n * USEC_PER_SEC],
  ['w', 604_800n * USEC_PER_SEC],
  ['d', 86_400n * USEC_PER_SEC],
  ['h', 3_600n * USEC_PER_SEC],
  ['min', 60n * USEC_PER_SEC],
  ['s', USEC_PER_SEC],
  ['ms', 1000n],
  ['us', 1n],
];

/** A duration in µs, the way systemd prints it ("1min 30s"). */
export function formatTimespan(usec: bigint): string {
  if (usec === 0n) return '0';
  const parts: string[] = [];
  let rest = usec;
  for (const [unit, size] of TIMESPAN_UNITS) {
    if (rest >= size) {
      parts.push(`${rest / size}${unit}`);
      rest %= size;
    }
  }
  return parts.join(' ');
}

/** µs as seconds, with a decimal fraction when needed ("90", "1.5"). */
function seconds(usec: bigint): string {
  const whole = usec / USEC_PER_SEC;
  const frac = usec % USEC_PER_SEC;
  if (frac === 0n) return `${whole}`;
  return `${whole}.${frac.toString().padStart(6, '0').replace(/0+$/, '')}`;
}

function timeLines(value: string, parser: string): string[] | undefined {
  const r = parseSec(value);
  if (!r.ok) return undefined;
  if (r.infinity) return ['`infinity`: no time limit.'];
  if (r.value === 0n && parser === 'config_parse_sec_fix_0') return ['`0` here means no time limit (systemd reads it as infinity).'];
  const bare = /^\s*\d+(\.\d+)?\s*$/.test(value) ? ' (a bare number means seconds)' : '';
  return [`**Time span:** ${formatTimespan(r.value)} = ${seconds(r.value)} s${bare}`];
}

function nsecLines(value: string): string[] | undefined {
  const r = parseNsec(value);
  if (!r.ok) return undefined;
  if (r.infinity) return ['`infinity`'];
  const usec = r.value / 1000n;
  const ns = r.value % 1000n;
  const text = usec === 0n ? `${ns}ns` : `${formatTimespan(usec)}${ns ? ` ${ns}ns` : ''}`;
  const bare = /^\s*\d+\s*$/.test(value) ? ' (a bare number means nanoseconds)' : '';
  return [`**Time span:** ${text} = ${r.value} ns${bare}`];
}

function sizeLines(value: string, base: 1024 | 1000): string[] | undefined {
  if (value === 'infinity') return ['`infinity`: no limit.'];
  const r = parseSize(value, base);
  if (!r.ok) return undefined;
  const names = base === 1024 ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] : ['K', 'M', 'G', 'T', 'P', 'E'];
  let human = '';
  let unit = BigInt(base);
  for (const name of names) {
    if (r.value < unit * BigInt(base) || name === names[names.length - 1]) {
      if (r.value >= unit) {
        const n = Number(r.value) / Number(unit);
        human = ` (${Number.isInteger(n) ? n : n.toFixed(2)} ${name})`;
      }
      break;
    }
    unit *= BigInt(base);
  }
  return [`**Size:** ${r.value.toLocaleString('en-US')} bytes${human}`];
}

function modeLines(value: string): string[] | undefined {
  if (!/^[0-7]{1,4}$/.test(value)) return undefined;
  const mode = parseInt(value, 8);
  const rwx = (bits: number) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  const text = `${rwx((mode >> 6) & 7)}${rwx((mode >> 3) & 7)}${rwx(mode & 7)}`;
  const who = ['owner', 'group', 'others'].map((w, i) => {
    const bits = (mode >> (6 - 3 * i)) & 7;
    const can = [bits & 4 ? 'read' : '', bits & 2 ? 'write' : '', bits & 1 ? 'execute' : ''].filter(Boolean);
    return `${w}: ${can.length ? can.join('/') : 'nothing'}`;
  });
  return [`**Mode:** ${code(text)} — ${who.join('; ')}`];
}
