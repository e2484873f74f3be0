/**
 * The effective configuration of a unit: its file and every drop-in systemd applies, merged in the order
 * systemd reads them, with each assignment's fate. Pure: the files come from the index (which drop-ins,
 * in which order, is unitNames.ts's business, shared with the diagnostics); this only merges and renders.
 *
 * How systemd merges (src/core/load-fragment.c parsers, called once per line, file after file): a
 * single-value directive is replaced by each later assignment, so the last one counts; a list directive
 * (ExecStart=, After=, Environment=, Listen*= …) appends each value, and an empty assignment empties the
 * list built so far. Which directive is which comes from its parser (diagnostics/duplicates.ts); for a
 * parser not classified there, only a lone assignment is called the winner.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeUnit, type AnalyzedEntry, type EntryFate } from './analysis';
import { isListDirective, isSingleValue, listIdOf } from './diagnostics/duplicates';
import { pathToUri } from './editText';
import type { FeatureContext } from './featureContext';
import type { UnitFile } from './parser';
import { uriToPath } from './unitContext';
import type { SkippedDropIn } from './unitNames';
import { currentView, type UnitView, type ViewPart } from './unitView';

/** A document that is neither a unit file nor a drop-in: there is nothing to merge (one-line reason). */
export class EffectiveConfigError extends Error {}

/**
 * The effective configuration of the unit `document` belongs to (the document itself, or the unit a
 * drop-in extends), with the open document's text as it is now and the other files from the index.
 */
export function effectiveConfiguration(document: TextDocument, unit: UnitFile, ctx: FeatureContext): EffectiveConfiguration {
  const view = viewOf(document, unit, ctx);
  if (!view) throw new EffectiveConfigError(`${document.uri} is not a unit file or a drop-in of one (its name says no unit type)`);
  // Only a unit in a known folder has drop-ins to look for (an unsaved document has no folder).
  const skipped = ctx.context.unitDir && ctx.index?.dropInSources ? ctx.index.dropInSources(view.name, view.dir).skipped : [];
  return cachedMerge(view, skipped, document.uri);
}

function viewOf(document: TextDocument, unit: UnitFile, ctx: FeatureContext): UnitView | undefined {
  const analysis = analyzeUnit(unit, ctx.context, ctx.catalog, ctx.systemdVersion);
  const env = { catalog: ctx.catalog, systemdVersion: ctx.systemdVersion, index: ctx.index, scope: ctx.context.scope };
  return currentView(analysis, uriToPath(document.uri), env);
}

/**
 * The last merge, kept per analysis of the unit's first file: hovering one directive after another asks
 * for the same merge each time, and a large unit takes milliseconds to merge. Analyses never change once
 * made, so the same analyses (and the same drop-ins skipped) mean the same merge.
 */
const MERGES = new WeakMap<object, { key: unknown[]; merged: EffectiveConfiguration }>();

function cachedMerge(view: UnitView, skipped: readonly SkippedDropIn[], documentUri: string): EffectiveConfiguration {
  const first = view.parts[0]?.analysis;
  const key: unknown[] = [view.name, documentUri, ...view.parts.map((p) => p.analysis), ...view.parts.map((p) => p.path), ...skipped.map((s) => JSON.stringify(s))];
  const known = first ? MERGES.get(first) : undefined;
  if (known && known.key.length === key.length && known.key.every((k, i) => k === key[i])) return known.merged;
  const merged = mergeView(view, skipped, documentUri);
  if (first) MERGES.set(first, { key, merged });
  return merged;
}

/**
 * wins: in effect (the last of a single value, a list value still in the list); overridden: a later
 * assignment replaced it; reset: a later empty assignment dropped it from its list; resets: that empty
 * assignment; applied: read, but how it combines with its repetitions is not known here; ignored: systemd
 * does not apply the line at all (unknown key, invalid value …: `fate` says which).
 */
export type EffectiveState = 'wins' | 'overridden' | 'reset' | 'resets' | 'applied' | 'ignored';

/** Where an assignment is: file and 0-based line. */
export interface EntryOrigin {
  uri: string;
  /** Absolute path; undefined for an unsaved document. */
  path?: string;
  line: number;
  key: string;
  value: string;
}

export interface EffectiveEntry extends EntryOrigin {
  section: string;
  kind: 'single' | 'list' | 'other';
  state: EffectiveState;
  /** overridden / reset: the assignment that did it. */
  by?: EntryOrigin;
  /** resets: the values it dropped. */
  drops?: EntryOrigin[];
  /** ignored: why. */
  fate?: EntryFate;
}

export interface EffectiveSource {
  uri: string;
  path?: string;
  role: 'unit' | 'drop-in';
}

export interface EffectiveConfiguration {
  /** "foo.service" */
  unit: string;
  /** The files systemd reads, in order: the unit file, then its drop-ins. */
  sources: EffectiveSource[];
  /** Drop-ins that exist but are not read (shadowed by a file of the same name, or masked). */
  skipped: SkippedDropIn[];
  /** Sections in the order they first appear, each with its assignments in reading order. */
  sections: Array<{ name: string; entries: EffectiveEntry[] }>;
}

function uriOf(part: ViewPart, documentUri: string): string {
  return part.path ? pathToUri(part.path) : documentUri;
}

function originOf(e: AnalyzedEntry, part: ViewPart, documentUri: string): EntryOrigin {
  return { uri: uriOf(part, documentUri), path: part.path, line: e.entry.line, key: e.entry.key, value: e.entry.value };
}

function kindOf(e: AnalyzedEntry): EffectiveEntry['kind'] {
  if (!e.def) return 'other';
  if (isListDirective(e.def)) return 'list';
  return isSingleValue(e.def) ? 'single' : 'other';
}

/**
 * Merges a unit view (unit file first, then drop-ins in systemd's order). `documentUri` names a part that
 * has no path (the open, unsaved document).
 */
export function mergeView(view: UnitView, skipped: readonly SkippedDropIn[], documentUri: string): EffectiveConfiguration {
  const sections = new Map<string, EffectiveEntry[]>();
  const sources: EffectiveSource[] = [];
  /** For single values and unclassified keys: every assignment so far, by section and key. */
  const byKey = new Map<string, EffectiveEntry[]>();
  /** For lists: the values currently in the list, by section and list. */
  const lists = new Map<string, EffectiveEntry[]>();
  view.parts.forEach((part, i) => {
    const isUnit = i === 0 && !part.analysis.context.isDropIn;
    sources.push({ uri: uriOf(part, documentUri), path: part.path, role: isUnit ? 'unit' : 'drop-in' });
    for (const e of part.analysis.entries) {
      const origin = originOf(e, part, documentUri);
      const section = e.section.name;
      let list = sections.get(section);
      if (!list) sections.set(section, (list = []));
      const kind = kindOf(e);
      if (e.fate !== 'applied') {
        list.push({ ...origin, section, kind, state: 'ignored', fate: e.fate });
        continue;
      }
      const entry: EffectiveEntry = { ...origin, section, kind, state: 'wins' };
      list.push(entry);
      if (kind === 'list') {
        const id = `${section}\0${listIdOf(e.def!, e.entry.key)}`;
        const current = lists.get(id) ?? [];
        if (e.entry.value !== '') {
          current.push(entry);
          lists.set(id, current);
          continue;
        }
        entry.state = 'resets';
        entry.drops = current.map(plainOrigin);
        for (const dropped of current) {
          dropped.state = 'reset';
          dropped.by = plainOrigin(entry);
        }
        lists.set(id, []);
        continue;
      }
      const id = `${section}\0${e.entry.key}`;
      const before = byKey.get(id);
      if (before) before.push(entry);
      else byKey.set(id, [entry]);
    }
  });
  // Who wins is settled once every file is read (in one pass: a key set thousands of times stays linear).
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    const last = group[group.length - 1];
    if (last.kind === 'single') {
      const by = plainOrigin(last);
      for (let i = 0; i < group.length - 1; i++) {
        group[i].state = 'overridden';
        group[i].by = by;
      }
    } else {
      // Not known to be single-valued: every assignment is applied, none is called the winner.
      for (const entry of group) entry.state = 'applied';
    }
  }
  return {
    unit: view.name,
    sources,
    skipped: [...skipped],
    sections: [...sections].map(([name, entries]) => ({ name, entries })),
  };
}

function plainOrigin(e: EntryOrigin): EntryOrigin {
  return { uri: e.uri, path: e.path, line: e.line, key: e.key, value: e.value };
}

// ---------------------------------------------------------------------------------------------------
// The read-only document

/** A place in the rendered text that leads to a file and line (0-based both). */
export interface EffectiveLink {
  line: number;
  start: number;
  end: number;
  targetUri: string;
  targetLine: number;
}

export interface RenderedConfiguration {
  text: string;
  links: EffectiveLink[];
}

/** "path:line" (1-based) as a reader and a link see it. */
export function originLabel(o: { path?: string; uri: string; line: number }): string {
  return `${o.path ?? o.uri}:${o.line + 1}`;
}

const FATE_WORDS: Readonly<Record<EntryFate, string>> = {
  applied: 'applied',
  'section-ignored': 'this unit type has no such section',
  unknown: 'unknown to systemd',
  removed: 'removed from systemd',
  disabled: 'compiled out',
  'too-new': 'too new for the target systemd',
  'invalid-value': 'a value systemd cannot parse',
  'wrong-unit-type': 'not read in this unit type',
  extension: 'an X- extension, ignored by systemd',
};

function note(e: EffectiveEntry): string {
  switch (e.state) {
    case 'overridden':
      return ` · overridden by ${originLabel(e.by!)}`;
    case 'reset':
      return ` · dropped by the empty ${e.by!.key}= at ${originLabel(e.by!)}`;
    case 'resets':
      return e.drops!.length ? ` · empties the list, dropping ${e.drops!.map(originLabel).join(', ')}` : ' · empties the list (nothing set before)';
    case 'applied':
      return ' · repeated; how the repetitions combine is not known here';
    case 'ignored':
      return ` · ignored: ${FATE_WORDS[e.fate!]}`;
    default:
      return '';
  }
}

/**
 * The merged unit as a read-only unit file: every assignment preceded by a comment saying where it comes
 * from; the assignments that take effect are plain lines, the others are commented out, so the plain
 * lines alone are the effective configuration. Every "path:line" is a link.
 */
export function renderConfiguration(config: EffectiveConfiguration): RenderedConfiguration {
  const lines: string[] = [];
  const links: EffectiveLink[] = [];
  /** Appends a line, making a link of every origin label in it. */
  /** `label`: the text of the link when it is not "path:line" (a whole file is named by its path). */
  const push = (text: string, targets: Array<{ uri: string; path?: string; line: number; label?: string }> = []): void => {
    let from = 0;
    for (const t of targets) {
      const label = t.label ?? originLabel(t);
      const start = text.indexOf(label, from);
      if (start < 0) continue;
      links.push({ line: lines.length, start, end: start + label.length, targetUri: t.uri, targetLine: t.line });
      from = start + label.length;
    }
    lines.push(text);
  };
  push(`# Effective configuration of ${config.unit}: the unit file and its drop-ins, merged in the order systemd reads them.`);
  push('# Read-only. Commented-out assignments do not take effect; the comment above each says where it comes from.');
  push('#');
  if (!config.sources.some((s) => s.role === 'unit')) push(`# No unit file of ${config.unit} was found: systemd would not load it, only these drop-ins exist.`);
  push('# Files read, in this order:');
  const whole = (uri: string, path?: string) => ({ uri, path, line: 0, label: path ?? uri });
  config.sources.forEach((s, i) => push(`#   ${i + 1}. ${s.path ?? s.uri}`, [whole(s.uri, s.path)]));
  if (config.skipped.length) {
    push('# Drop-ins not read:');
    for (const s of config.skipped) {
      const target = whole(pathToUri(s.path), s.path);
      if (s.reason === 'masked') push(`#   ${s.path}: linked to /dev/null, masks the drop-ins of this name`, [target]);
      else push(`#   ${s.path}: a file of the same name comes first${s.by ? ` (${s.by})` : ''}`, s.by ? [target, whole(pathToUri(s.by), s.by)] : [target]);
    }
  }
  for (const section of config.sections) {
    push('');
    push(`[${section.name}]`);
    for (const e of section.entries) {
      push(`# ${originLabel(e)}${note(e)}`, [e, ...(e.by ? [e.by] : []), ...(e.drops ?? [])]);
      const assignment = `${e.key}=${e.value}`;
      push(e.state === 'wins' || e.state === 'applied' ? assignment : `#${assignment}`);
    }
  }
  return { text: lines.join('\n') + '\n', links };
}

// ---------------------------------------------------------------------------------------------------
// Hover

function markdownLink(o: EntryOrigin): string {
  const label = originLabel(o).replace(/([\\*_[\]<>`])/g, '\\$1');
  return `[${label}](${o.uri}#L${o.line + 1})`;
}

function assignment(o: EntryOrigin): string {
  const text = `${o.key}=${o.value}`;
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function samePlace(a: EntryOrigin, b: { path?: string; uri: string; line: number }): boolean {
  return a.line === b.line && (a.path !== undefined ? a.path === b.path : a.uri === b.uri);
}

/**
 * What the other files of the unit do to the assignment at `line` of the document (hover): a later file
 * overrides it or drops it from its list, or it overrides or drops assignments of another file. Within one
 * file the overridden-directive and list-reset diagnostics say it already; empty when nothing applies.
 */
export function crossFileNotes(document: TextDocument, unit: UnitFile, line: number, ctx: FeatureContext): string[] {
  if (!ctx.index || !uriToPath(document.uri)) return [];
  // Nothing can come from another file when the unit is this file alone: no merge needed to say so.
  if ((viewOf(document, unit, ctx)?.parts.length ?? 0) < 2) return [];
  let config: EffectiveConfiguration;
  try {
    config = effectiveConfiguration(document, unit, ctx);
  } catch {
    return [];
  }
  const here = { path: uriToPath(document.uri), uri: document.uri, line };
  const all = config.sections.flatMap((s) => s.entries);
  const e = all.find((x) => samePlace(x, here));
  if (!e) return [];
  const elsewhere = (o: EntryOrigin) => o.path !== e.path;
  const notes: string[] = [];
  if (e.state === 'overridden' && e.by && elsewhere(e.by)) notes.push(`Overridden by ${markdownLink(e.by)} (${assignment(e.by)}).`);
  if (e.state === 'reset' && e.by && elsewhere(e.by)) notes.push(`Dropped from the list by the empty ${e.by.key}= at ${markdownLink(e.by)}.`);
  const overrides = all.filter((x) => x.state === 'overridden' && x.by && samePlace(x.by, e) && elsewhere(x));
  if (overrides.length) notes.push(`Overrides ${overrides.map((x) => `${assignment(x)} at ${markdownLink(x)}`).join(', ')}.`);
  const dropped = (e.drops ?? []).filter(elsewhere);
  if (dropped.length) notes.push(`Empties the list, dropping ${dropped.map((x) => `${assignment(x)} at ${markdownLink(x)}`).join(', ')}.`);
  return notes;
}
