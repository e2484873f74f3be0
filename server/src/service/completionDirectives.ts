/**
 * Completion of directive names ("ListenStream=") and section headers ("[Socket]").
 */
import { directiveAt } from './catalog';
import { unitTypesForParser } from './unitTypeSupport';
import { CompletionItemKind, CompletionItemTag, type CompletionItem, type Range } from 'vscode-languageserver-types';
import type { DirectiveDef } from './catalogTypes';
import type { FeatureContext } from './featureContext';
import type { Section } from './parser';
import { humanValueType } from './completionTypes';
import { offersValues } from './completionValues';

/**
 * What people write first in each section, in that order; everything else follows alphabetically.
 * [Socket] leads with what socket activation needs: where to listen, Accept=, which service, the fd name.
 */
const ESSENTIALS: Readonly<Record<string, readonly string[]>> = {
  Socket: [
    'ListenStream', 'ListenDatagram', 'ListenSequentialPacket', 'Accept', 'Service', 'FileDescriptorName',
    'ListenFIFO', 'ListenNetlink', 'ListenSpecial', 'ListenMessageQueue', 'BindIPv6Only', 'SocketMode',
    'SocketUser', 'SocketGroup', 'RemoveOnStop', 'MaxConnections', 'MaxConnectionsPerSource', 'Symlinks',
  ],
  Unit: ['Description', 'Documentation', 'Requires', 'Wants', 'After', 'Before', 'BindsTo', 'PartOf', 'Conflicts'],
  Service: ['Type', 'ExecStart', 'User', 'Group', 'Sockets', 'StandardInput', 'StandardOutput', 'NonBlocking', 'Restart'],
  Install: ['WantedBy', 'RequiredBy', 'Also', 'Alias'],
};

/** Why a directive is offered, which decides its detail text and how far down it sorts. */
type Availability = 'current' | 'newer' | 'removed-later';

/** Whether to offer a directive for the target version, and how; undefined to leave it out. */
function availability(def: DirectiveDef, ctx: FeatureContext): Availability | undefined {
  // Old spellings still work, but the documented name is the one to write.
  if (def.aliasOf) return undefined;
  // Settings systemd ignores in this type of unit (ManagedOOMSwap= in a .socket) are not offered there.
  const types = unitTypesForParser(directiveAt(def, ctx.systemdVersion).parser);
  if (types && ctx.context.unitType && !types.includes(ctx.context.unitType)) return undefined;
  if (def.status === 'removed') {
    // Still parsed by versions before its removal.
    return def.removedIn !== undefined && ctx.systemdVersion < def.removedIn ? 'removed-later' : undefined;
  }
  if (def.since !== undefined && def.since > ctx.systemdVersion) return ctx.includeNewer ? 'newer' : undefined;
  return 'current';
}

function directiveDetail(def: DirectiveDef, ctx: FeatureContext, how: Availability): string {
  const parts: string[] = [];
  const type = humanValueType(def, ctx.systemdVersion);
  if (type) parts.push(type);
  if (how === 'newer') parts.push(`needs systemd ${def.since} (target: ${ctx.systemdVersion})`);
  else if (how === 'removed-later') parts.push(`removed in systemd ${def.removedIn}`);
  else if (def.since !== undefined) parts.push(`since systemd ${def.since}`);
  return parts.join(' · ');
}

/** Essentials by rank, then the rest alphabetically; newer and soon-removed directives last. */
function directiveSortText(def: DirectiveDef, how: Availability): string {
  if (how === 'newer') return `2-${def.name}`;
  if (how === 'removed-later') return `3-${def.name}`;
  const rank = ESSENTIALS[def.section]?.indexOf(def.name) ?? -1;
  return rank >= 0 ? `0-${String(rank).padStart(2, '0')}` : `1-${def.name}`;
}

/**
 * Directive names of `section`. `hasEquals`: the line already has "=" after the key, so only the
 * name is replaced.
 */
/** The editor's matching rule in short: the first typed character starts the name, the rest follow in order. */
export function fuzzyMatches(typed: string, name: string): boolean {
  const t = typed.toLowerCase();
  const n = name.toLowerCase();
  if (t === '') return true;
  if (n[0] !== t[0]) return false;
  let at = 1;
  for (const ch of t.slice(1)) {
    at = n.indexOf(ch, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

/** Directive names of the section that can still match `typed` (the key written so far). */
export function directiveItems(section: Section, replace: Range, hasEquals: boolean, ctx: FeatureContext, typed = ''): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const def of ctx.catalog.directivesIn(section.name)) {
    if (!fuzzyMatches(typed, def.name)) continue;
    const how = availability(def, ctx);
    if (!how) continue;
    const item: CompletionItem = {
      label: def.name,
      kind: CompletionItemKind.Property,
      detail: directiveDetail(def, ctx, how),
      sortText: directiveSortText(def, how),
      textEdit: { range: replace, newText: hasEquals ? def.name : `${def.name}=` },
    };
    // The "=" comes with the name, so nothing typed triggers the value list: ask the client to open it.
    if (!hasEquals && ctx.suggestCommand && offersValues(directiveAt(def, ctx.systemdVersion), ctx)) {
      item.command = { title: 'Suggest values', command: ctx.suggestCommand };
    }
    if (how === 'removed-later') item.tags = [CompletionItemTag.Deprecated];
    items.push(item);
  }
  return items;
}

/**
 * Section headers the unit type reads, in systemd's order; sections already in the file sort after the
 * others (repeating one is legal, systemd merges them, but rarely what you want).
 */
export function sectionItems(existing: readonly Section[], replace: Range, ctx: FeatureContext, sortPrefix = '0'): CompletionItem[] {
  const unitType = ctx.context.unitType;
  const names = unitType ? ctx.catalog.sectionsFor(unitType) : ctx.catalog.allSections();
  const present = new Set(existing.map((s) => s.name));
  return names.map((name, i) => ({
    label: `[${name}]`,
    kind: CompletionItemKind.Module,
    detail: present.has(name) ? 'section (already in this file)' : 'section',
    sortText: `${sortPrefix}-${present.has(name) ? 1 : 0}-${String(i).padStart(2, '0')}`,
    textEdit: { range: replace, newText: `[${name}]` },
  }));
}
