/**
 * Completion inside a value ("Key=|"): booleans, enum words, Listen*= address forms, unit names, the
 * file descriptor name, and %-specifiers. Items are built with insertText; toValueEdits() then turns
 * them into edits of the typed value (or of the word under the cursor, for lists).
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Range } from 'vscode-languageserver-types';
import type { DirectiveDef } from './catalogTypes';
import type { FeatureContext } from './featureContext';
import type { Entry } from './parser';
import type { OffsetRange, ValuePosition } from './completionCursor';
import { parserAt } from './analysis';
import { enumWords } from './completionTypes';
import { booleanExtras } from './enumBooleans';
import { listenItems } from './completionListen';
import { unitListInfo, unitNameItems } from './completionUnits';
import { SPECIFIER_DESCRIPTIONS, SPECIFIER_TABLES } from './values';
import { specifierFlavorOfParser, type SpecifierFlavor } from './values/specifiers';
import { unitPrefix } from './unitContext';
import { collectFindings } from './diagnostics';
import { parseUnit } from './parser';

export interface ValueRequest {
  def: DirectiveDef;
  entry: Entry;
  text: string;
  at: ValuePosition;
  ctx: FeatureContext;
  toRange(range: OffsetRange): Range;
}

/** True when the cursor follows a '%' that starts a specifier ("%%" is an escaped, literal '%'). */
function afterSpecifierPercent(text: string, at: ValuePosition): boolean {
  let percents = 0;
  for (let i = at.offset - 1; i >= at.lineValue.start && text[i] === '%'; i--) percents++;
  return percents % 2 === 1;
}

/** Specifier letters, with the description as detail; the edit inserts just after the '%'. */
function specifierItems(flavor: SpecifierFlavor): CompletionItem[] {
  const letters = [...SPECIFIER_TABLES[flavor]].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()) || a.localeCompare(b));
  const items: CompletionItem[] = letters.map((letter, i) => ({
    label: `%${letter}`,
    kind: CompletionItemKind.Variable,
    detail: SPECIFIER_DESCRIPTIONS[letter],
    filterText: letter,
    sortText: String(i).padStart(2, '0'),
    insertText: letter,
  }));
  items.push({ label: '%%', kind: CompletionItemKind.Variable, detail: 'a literal %', filterText: '%', sortText: '99', insertText: '%' });
  return items;
}

/** yes/no first; the other spellings parse_boolean() accepts sort after them. */
function booleanItems(withEmpty: boolean): CompletionItem[] {
  const words: Array<[string, string, number]> = [
    ['yes', 'true', 0], ['no', 'false', 0],
    ['true', 'same as yes', 1], ['false', 'same as no', 1], ['on', 'same as yes', 1], ['off', 'same as no', 1],
  ];
  const items: CompletionItem[] = words.map(([word, detail, rank], i) => ({
    label: word, kind: CompletionItemKind.Value, detail, sortText: `${rank}-${i}`, insertText: word,
  }));
  if (withEmpty) {
    items.push({ label: '(empty)', kind: CompletionItemKind.Value, detail: 'unset: leave it to systemd’s default', sortText: '2', insertText: '', filterText: '' });
  }
  return items;
}

/** Enum words need a suffix for some StandardInput=/StandardOutput= forms ("file:PATH"). */
const ENUM_SNIPPETS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  config_parse_exec_input: { file: 'file:${1:/path}' },
  config_parse_exec_output: { file: 'file:${1:/path}', append: 'append:${1:/path}', truncate: 'truncate:${1:/path}' },
};

/**
 * Whether the checks let `Key=word` through at the target version in this unit: a word that systemd
 * warns about there (KillMode=none is deprecated, a value that only a later release parses) is not
 * offered; the user can still type it, and then the diagnostic explains. Checked on the line alone.
 */
const acceptedCache = new Map<string, boolean>();

function checksAccept(def: DirectiveDef, word: string, ctx: FeatureContext): boolean {
  // The verdict depends only on these (the line is checked alone); value lists repeat, so keep them.
  const key = [def.section, def.name, word, ctx.systemdVersion, ctx.context.unitType, ctx.context.scope, ctx.catalog.newestVersion].join('\0');
  let accepted = acceptedCache.get(key);
  if (accepted === undefined) {
    if (acceptedCache.size > 20_000) acceptedCache.clear();
    acceptedCache.set(key, (accepted = checkLineAlone(def, word, ctx)));
  }
  return accepted;
}

function checkLineAlone(def: DirectiveDef, word: string, ctx: FeatureContext): boolean {
  const line = `${def.name}=${word}`;
  const text = `[${def.section}]\n${line}\n`;
  const start = def.section.length + 3;
  const findings = collectFindings({
    unit: parseUnit(text),
    context: { ...ctx.context, isDropIn: true },
    catalog: ctx.catalog,
    settings: { systemdVersion: ctx.systemdVersion },
  });
  return !findings.some((f) => f.span.start < start + line.length && f.span.end > start);
}

function enumItems(def: DirectiveDef, parser: string, ctx: FeatureContext): CompletionItem[] {
  const snippets = ENUM_SNIPPETS[parser] ?? {};
  const extras = new Map(booleanExtras(def).map((x) => [x.word as string, x.means]));
  return enumWords(def).filter((word) => checksAccept(def, word, ctx)).map((word, i) => {
    const item: CompletionItem = {
      label: word,
      kind: CompletionItemKind.EnumMember,
      sortText: String(i).padStart(2, '0'),
      insertText: snippets[word] ?? word,
    };
    if (extras.has(word)) Object.assign(item, booleanExtraDoc(def, word, extras.get(word)));
    if (snippets[word]) item.insertTextFormat = InsertTextFormat.Snippet;
    return item;
  });
}

/**
 * A boolean word beside the table's own words says which of them it stands for: "yes" next to
 * default/both/ipv6-only is otherwise a guess (it is ipv6-only).
 */
function booleanExtraDoc(def: DirectiveDef, word: string, means: string | undefined): Pick<CompletionItem, 'detail' | 'documentation'> {
  if (!means) return { detail: 'boolean' };
  const spellings = word === 'yes' ? 'yes, true, on and 1' : 'no, false, off and 0';
  return {
    detail: `boolean: same as ${means}`,
    documentation: { kind: 'markdown', value: `\`${def.name}=${word}\` is read as a boolean and means \`${def.name}=${means}\` (${spellings} all do).` },
  };
}

/** FileDescriptorName=: the unit's prefix is the usual choice ("web" for web.socket). */
function fdNameItems(ctx: FeatureContext): CompletionItem[] {
  const unitName = ctx.context.unitName;
  if (!unitName) return [];
  return [{
    label: unitPrefix(unitName),
    kind: CompletionItemKind.Value,
    detail: `name in $LISTEN_FDNAMES (default: ${unitName})`,
    insertText: unitPrefix(unitName),
  }];
}

/** The other blank-separated words of the value (not the one being completed). */
function otherWords(req: ValueRequest): string[] {
  const current = req.text.slice(req.at.word.start, req.at.word.end);
  const words = req.entry.value.split(/[ \t]+/).filter((w) => w !== '');
  const i = words.indexOf(current);
  if (i >= 0) words.splice(i, 1);
  return words;
}

/** Items carry their text in insertText until here, where it becomes an edit of the given range. */
function withEdits(items: CompletionItem[], range: Range): CompletionItem[] {
  return items.map(({ insertText, ...item }) => ({ ...item, textEdit: { range, newText: insertText ?? item.label } }));
}

/**
 * Items for the value under the cursor. A '%' just before the cursor asks for a specifier when the
 * directive expands them; lists of unit names replace one word, every other value the whole value.
 */
export function valueItems(req: ValueRequest): CompletionItem[] {
  const { def, ctx, at } = req;
  const parser = parserAt(def, ctx.systemdVersion);
  const flavor = specifierFlavorOfParser(def.section, parser);
  if (flavor && afterSpecifierPercent(req.text, at)) {
    return withEdits(specifierItems(flavor), req.toRange({ start: at.offset, end: at.offset }));
  }

  const wholeValue = req.toRange(at.lineValue);
  const units = unitListInfo(def.section, parser);
  if (units) {
    const items = unitNameItems(units, ctx.workspaceUnits, ctx.context, otherWords(req));
    return withEdits(items, units.isList ? req.toRange(at.word) : wholeValue);
  }
  if (def.name === 'ListenNetlink') return netlinkFamilyItems(req);
  return withEdits(singleValueItems(def, parser, ctx), wholeValue);
}

/** ListenNetlink=FAMILY [GROUP]: only the first word is a family name. */
function netlinkFamilyItems(req: ValueRequest): CompletionItem[] {
  const { at } = req;
  if (req.text.slice(at.lineValue.start, at.word.start).trim() !== '') return [];
  return withEdits(listenItems('ListenNetlink', { scope: req.ctx.context.scope }), req.toRange(at.word));
}

/**
 * Whether valueItems() has anything for an empty value of this directive (the same dispatch, without
 * building the items): decides whether accepting the directive's name should open the value list.
 */
export function offersValues(def: DirectiveDef, ctx: FeatureContext): boolean {
  const parser = def.parser;
  if (unitListInfo(def.section, parser) || parser === 'config_parse_socket_listen') return true;
  if (parser === 'config_parse_fdname') return ctx.context.unitName !== undefined;
  if (parser === 'config_parse_bool' || parser === 'config_parse_job_mode_isolate' || parser === 'config_parse_tristate') return true;
  return enumWords(def).length > 0;
}

function singleValueItems(def: DirectiveDef, parser: string, ctx: FeatureContext): CompletionItem[] {
  switch (parser) {
    case 'config_parse_socket_listen':
      return listenItems(def.name, { unitName: ctx.context.unitName, scope: ctx.context.scope });
    case 'config_parse_fdname':
      return fdNameItems(ctx);
    case 'config_parse_bool':
    case 'config_parse_job_mode_isolate':
      return booleanItems(false);
    case 'config_parse_tristate':
      return booleanItems(true);
    default:
      return enumWords(def).length > 0 ? enumItems(def, parser, ctx) : [];
  }
}
