/**
 * What navigation (definition, references, rename) shares: where a unit names another one, and which
 * file such a name stands for.
 *
 * A unit names another in the value of a directive whose parser takes unit names (the same parsers
 * unit-name completion knows: Service=, Sockets=, the [Unit] dependencies, Unit= of timers and paths,
 * Slice=, Also= and the [Install] lists). A name stands for a file the way systemd finds it: the file of
 * that name beside the naming unit first (systemd loads every unit of a folder from the same search
 * path), else any file of that name in the workspace. An instance "foo@bar.service" whose own file does
 * not exist is loaded from its template "foo@.service". Names with specifiers ("%N.service") are only
 * known once systemd expands them and are left alone, except an instance whose specifiers sit after the
 * "@" ("foo@%i.service"): its template is known.
 *
 * Pure: the files come in through UnitFileSet, which the host (the server) fills from the workspace.
 */
import { Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DirectiveCatalog } from './catalog';
import { unitListInfo, type UnitListInfo } from './completionUnits';
import { firstLineSpan, valueRangeToSpan, type Entry, type Section, type Span, type UnitFile } from './parser';
import { unitContextFromUri, unitPrefix, uriToPath, withSuffix } from './unitContext';
import { parseBoolean } from './values';
import { unitNameForm, unitTypeOf } from './values/unitName';
import { wordSpans } from './values/words';

/** A unit file (or drop-in) with its parsed tree. */
export interface UnitSource {
  uri: string;
  document: TextDocument;
  unit: UnitFile;
}

/** The unit files navigation may look at; the server walks the workspace folders for them. */
export interface UnitFileSet {
  /** Every unit file and drop-in (`foo.service.d/*.conf`) known, as URIs (open documents included). */
  uris(): readonly string[];
  /** The document and tree of a file (open documents win over the disk); undefined when unreadable. */
  get(uri: string): UnitSource | undefined;
  /**
   * URI of the unit systemd would find beside a unit in `unitDir` when the workspace has none there (a
   * unit opened from /etc/systemd/system sees /usr/lib/systemd/system too). Optional: the disk is the
   * host's business.
   */
  locate?(unitName: string, unitDir: string): string | undefined;
  /**
   * The set's own NavigationIndex, current with every file of uris(). Optional: without one, each
   * request builds one from every file of the set.
   */
  navigation?(catalog: DirectiveCatalog): NavigationIndex;
}

/** A unit name written in the value of a directive that takes unit names. */
export interface UnitNameOccurrence {
  source: UnitSource;
  section: Section;
  entry: Entry;
  /** The name as written (one layer of quotes dropped). */
  name: string;
  /** Document offsets of the name. */
  span: Span;
  /** False when the name holds specifiers systemd expands first ("foo@%i.service"). */
  literal: boolean;
  /** For an instance ("foo@bar.service", "foo@%i.service"): the template its file falls back to. */
  template?: string;
  /** For an instance: the document span of the part before "@". */
  prefixSpan?: Span;
}

/** A unit that starts another one without naming it: foo.socket, foo.timer and foo.path start foo.service. */
export interface ImplicitTrigger {
  source: UnitSource;
  /** The unit it starts: foo.service, or foo@.service for a socket with Accept=yes. */
  partner: string;
  /** The directive that would name the partner explicitly: Service= in [Socket], Unit= in [Timer]/[Path]. */
  section: 'Socket' | 'Timer' | 'Path';
  key: 'Service' | 'Unit';
  /** The section header (where the implicit reference is shown), else the first line. */
  span: Span;
}

const TRIGGER_SECTIONS: Partial<Record<string, { section: 'Socket' | 'Timer' | 'Path'; key: 'Service' | 'Unit' }>> = {
  socket: { section: 'Socket', key: 'Service' },
  timer: { section: 'Timer', key: 'Unit' },
  path: { section: 'Path', key: 'Unit' },
};

/** File-system identity of a URI: clients percent-encode differently ("@" vs "%40"), paths do not differ. */
export function uriKey(uri: string): string {
  return uriToPath(uri) ?? uri;
}

export function sameUri(a: string, b: string): boolean {
  return a === b || uriKey(a) === uriKey(b);
}

/** The last path segment of a URI, decoded. */
export function uriBaseName(uri: string): string {
  const key = uriKey(uri).replace(/\/+$/, '');
  return key.slice(key.lastIndexOf('/') + 1);
}

/** The URI of a sibling file: same folder, another name. */
export function siblingUri(uri: string, name: string): string {
  const trimmed = uri.replace(/\/+$/, '');
  return trimmed.slice(0, trimmed.lastIndexOf('/') + 1) + encodeURIComponent(name);
}

export function rangeOf(document: TextDocument, span: Span): Range {
  return Range.create(document.positionAt(span.start), document.positionAt(span.end));
}

interface NameShape {
  literal: boolean;
  template?: string;
  /** Length of the part before "@" (instances only). */
  prefixLength?: number;
}

/** What a written name is: a literal unit name (plain, template, instance), an instance with specifiers, or neither. */
function shapeOf(name: string): NameShape | undefined {
  if (!name.includes('%')) {
    const form = unitNameForm(name);
    if (form === undefined) return undefined;
    if (form !== 'instance') return { literal: true };
    const at = name.indexOf('@');
    return { literal: true, template: `${name.slice(0, at + 1)}${name.slice(name.lastIndexOf('.'))}`, prefixLength: at };
  }
  // Specifiers: only an instance whose prefix and type are written out has a known template.
  const at = name.indexOf('@');
  const dot = name.lastIndexOf('.');
  if (at <= 0 || dot < at) return undefined;
  const template = `${name.slice(0, at + 1)}${name.slice(dot)}`;
  if (template.includes('%') || unitNameForm(template) !== 'template') return undefined;
  return { literal: false, template, prefixLength: at };
}

/** Blank-separated words of a value with their offsets; one layer of matching quotes is dropped. */
function wordsOf(value: string, info: UnitListInfo): { text: string; start: number; end: number }[] {
  if (!info.isList) {
    // A single-name directive reads the whole value: blanks in it make it no unit name at all.
    return value === '' || /\s/.test(value) ? [] : [{ text: value, start: 0, end: value.length }];
  }
  return wordSpans(value);
}

/** Visits every unit name written in a file's values, in document order (sections its unit type does not read are skipped). */
function eachName(
  uri: string,
  unit: UnitFile,
  catalog: DirectiveCatalog,
  visit: (section: Section, entry: Entry, word: { text: string; start: number; end: number }, shape: NameShape) => void,
): void {
  const context = unitContextFromUri(uri);
  const read = context.unitType ? catalog.sectionsFor(context.unitType) : undefined;
  for (const section of unit.sections) {
    if (read && !read.includes(section.name)) continue;
    for (const entry of section.entries) {
      const def = catalog.lookup(section.name, entry.key);
      const info = def && unitListInfo(section.name, def.parser);
      if (!info) continue;
      for (const word of wordsOf(entry.value, info)) {
        const shape = shapeOf(word.text);
        if (shape) visit(section, entry, word, shape);
      }
    }
  }
}

/** Every unit name written in a file, in document order. */
export function occurrencesIn(source: UnitSource, catalog: DirectiveCatalog): UnitNameOccurrence[] {
  const found: UnitNameOccurrence[] = [];
  eachName(source.uri, source.unit, catalog, (section, entry, word, shape) => {
    const occurrence: UnitNameOccurrence = {
      source, section, entry, name: word.text, span: valueRangeToSpan(entry, word.start, word.end), literal: shape.literal,
    };
    if (shape.template !== undefined && shape.prefixLength !== undefined) {
      occurrence.template = shape.template;
      occurrence.prefixSpan = valueRangeToSpan(entry, word.start, word.start + shape.prefixLength);
    }
    found.push(occurrence);
  });
  return found;
}

/**
 * Every string of a file's text that occurrencesIn() could take for a unit name, and their templates:
 * more than it finds (comments, keys that take no unit names), never less, and without parsing the file.
 * A written name is a run of non-blanks in a value (one layer of quotes dropped), so it is a blank-free
 * piece of the text after an "=", or before a continuation's backslash.
 */
export function namesMentionedIn(text: string): string[] {
  const names = new Set<string>();
  const consider = (word: string) => {
    const first = word[0];
    if ((first === '"' || first === "'") && word.length >= 2 && word[word.length - 1] === first) word = word.slice(1, -1);
    const shape = word && shapeOf(word);
    if (!shape) return;
    names.add(word);
    if (shape.template !== undefined) names.add(shape.template);
  };
  for (const [token] of text.matchAll(/\S+/g)) {
    if (!token.includes('.')) continue; // every unit name has its type suffix
    for (let from = 0; ; ) {
      const piece = token.slice(from);
      consider(piece);
      if (piece.endsWith('\\')) consider(piece.slice(0, -1));
      const eq = token.indexOf('=', from);
      if (eq < 0) break;
      from = eq + 1;
    }
  }
  return [...names];
}

/** The unit names a file writes, and the templates of the instances among them (each once). */
export function namesWrittenIn(uri: string, unit: UnitFile, catalog: DirectiveCatalog): string[] {
  const names = new Set<string>();
  eachName(uri, unit, catalog, (_section, _entry, word, shape) => {
    names.add(word.text);
    if (shape.template !== undefined) names.add(shape.template);
  });
  return [...names];
}

/** The unit name under a document offset (its last character counts too, as editors put the cursor after a word). */
export function occurrenceAt(source: UnitSource, offset: number, catalog: DirectiveCatalog): UnitNameOccurrence | undefined {
  return occurrencesIn(source, catalog).find((o) => o.span.start <= offset && offset <= o.span.end);
}

/** The folder whose units a file sees by name (for a drop-in: the folder of the unit it extends). */
export function unitDirOf(uri: string): string | undefined {
  return unitContextFromUri(uri).unitDir;
}

/** What navigation keeps of one file between requests: never its tree, only the names it writes. */
interface FileFacts {
  uri: string;
  text: string;
  /** The order files are listed in (the order of the set's uris(), or of their paths). */
  rank: number | string;
  /** Unit names written in the file's values, and the templates of the instances among them. */
  names: string[];
}

function addTo(map: Map<string, Set<string>>, name: string, key: string): void {
  const set = map.get(name);
  if (set) set.add(key);
  else map.set(name, new Set([key]));
}

function removeFrom(map: Map<string, Set<string>>, name: string, key: string): void {
  const set = map.get(name);
  if (!set) return;
  set.delete(key);
  if (set.size === 0) map.delete(name);
}

/**
 * The unit files of a workspace by name, and which files write which unit names, kept between requests:
 * a host that hears of every change (the server: open documents and file events) updates it file by
 * file, so references, definition and rename look up the few files that matter instead of parsing every
 * file of the workspace per request. Only names are kept; a file's tree is parsed again when a request
 * needs that file.
 */
export class NavigationIndex {
  private readonly files = new Map<string, FileFacts>();
  /** Unit files (not drop-ins) by unit name. */
  private readonly units = new Map<string, Set<string>>();
  /** Drop-ins by `unitDir\0unitName`. */
  private readonly dropIns = new Map<string, Set<string>>();
  /** Files by the unit names (and templates) their values write. */
  private readonly writers = new Map<string, Set<string>>();
  /** Sockets, timers and paths by the services they may start implicitly. */
  private readonly triggers = new Map<string, Set<string>>();
  private added = 0;

  /** `byPath`: list files in the order of their paths (else in the order they were first added). */
  constructor(
    readonly catalog: DirectiveCatalog,
    private readonly byPath = false,
  ) {}

  /** An index of every file of a set, for a set that keeps none itself. */
  static of(files: UnitFileSet, catalog: DirectiveCatalog): NavigationIndex {
    const index = new NavigationIndex(catalog);
    for (const uri of files.uris()) {
      if (index.has(uri)) continue;
      const source = files.get(uri);
      index.set(uri, source?.document.getText() ?? '', source ? () => source.unit : undefined);
    }
    return index;
  }

  has(uri: string): boolean {
    return this.files.has(uriKey(uri));
  }

  /** The text the index was given for a file, and the URI it was given under. */
  entry(uri: string): { uri: string; text: string } | undefined {
    return this.files.get(uriKey(uri));
  }

  get size(): number {
    return this.files.size;
  }

  /** Adds a file or takes its new text; `unit` gives its tree when the caller has one (a file without one is not parsed). */
  set(uri: string, text: string, unit?: () => UnitFile): void {
    const key = uriKey(uri);
    const old = this.files.get(key);
    if (old && old.uri === uri && old.text === text) return;
    if (old) this.unlink(key, old);
    // Exact names from a tree the caller has; else every name the text may write (requests check each hit).
    const names = unit ? namesWrittenIn(uri, unit(), this.catalog) : namesMentionedIn(text);
    const facts: FileFacts = { uri, text, rank: this.byPath ? key : (old?.rank ?? this.added++), names };
    this.files.set(key, facts);
    for (const [map, name] of this.places(facts)) addTo(map, name, key);
  }

  /**
   * The lists a file is in: its unit name (or, for a drop-in, its unit's folder and name), the names it
   * writes, and for a socket, timer or path the services it may start by its name.
   */
  private places(facts: FileFacts): Array<[Map<string, Set<string>>, string]> {
    const context = unitContextFromUri(facts.uri);
    const places: Array<[Map<string, Set<string>>, string]> = facts.names.map((n) => [this.writers, n]);
    const name = context.unitName;
    if (!name || context.unitDir === undefined) return places;
    if (context.isDropIn) return [...places, [this.dropIns, `${context.unitDir}\0${name}`]];
    places.push([this.units, name]);
    if (context.unitType && TRIGGER_SECTIONS[context.unitType]) {
      places.push([this.triggers, withSuffix(name, '.service')]);
      if (context.unitType === 'socket') places.push([this.triggers, `${unitPrefix(name)}@.service`]);
    }
    return places;
  }

  delete(uri: string): void {
    const key = uriKey(uri);
    const old = this.files.get(key);
    if (old) this.unlink(key, old);
  }

  private unlink(key: string, facts: FileFacts): void {
    this.files.delete(key);
    for (const [map, name] of this.places(facts)) removeFrom(map, name, key);
  }

  private listed(keys: Iterable<string>): FileFacts[] {
    const found: FileFacts[] = [];
    for (const key of keys) {
      const facts = this.files.get(key);
      if (facts) found.push(facts);
    }
    return found.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  }

  /** Unit files (not drop-ins) of this name. */
  /** Every file of the index. */
  all(): FileFacts[] {
    return this.listed(this.files.keys());
  }

  filesNamed(name: string): FileFacts[] {
    return this.listed(this.units.get(name) ?? []);
  }

  /** Drop-ins of a unit in a folder. */
  dropInsOf(unitDir: string, name: string): FileFacts[] {
    return this.listed(this.dropIns.get(`${unitDir}\0${name}`) ?? []);
  }

  /** Files whose values write one of these unit names (or an instance of one of these templates). */
  writersOf(names: readonly string[]): FileFacts[] {
    const keys = new Set<string>();
    for (const n of names) for (const k of this.writers.get(n) ?? []) keys.add(k);
    return this.listed(keys);
  }

  /** Sockets, timers and paths that may start one of these services without naming it. */
  triggersOf(names: readonly string[]): FileFacts[] {
    const keys = new Set<string>();
    for (const n of names) for (const k of this.triggers.get(n) ?? []) keys.add(k);
    return this.listed(keys);
  }
}

/**
 * The files of a UnitFileSet by unit name, for one request: the set's NavigationIndex when it keeps one
 * (else one built now from every file of the set). `current` (the document the request is about)
 * replaces the set's copy of it, or joins the set when it is not in it (an unsaved file); `extraUris`
 * join the set too (files the set has not seen yet).
 */
export class UnitIndex {
  private readonly base: NavigationIndex;
  /** The current document and the extra files, where they differ from (or are missing in) the base. */
  private readonly overlay: NavigationIndex;
  private readonly currentKey?: string;
  private readonly sources = new Map<string, UnitSource | undefined>();
  private readonly located = new Map<string, string | undefined>();

  constructor(
    private readonly files: UnitFileSet,
    readonly catalog: DirectiveCatalog,
    current?: UnitSource,
    extraUris: readonly string[] = [],
  ) {
    this.base = files.navigation?.(catalog) ?? NavigationIndex.of(files, catalog);
    this.overlay = new NavigationIndex(catalog);
    if (current) {
      this.currentKey = uriKey(current.uri);
      this.sources.set(this.currentKey, current);
      const text = current.document.getText();
      const known = this.base.entry(current.uri);
      if (!known || known.uri !== current.uri || known.text !== text) this.overlay.set(current.uri, text, () => current.unit);
    }
    for (const uri of extraUris) {
      if (this.base.has(uri) || this.overlay.has(uri)) continue;
      const source = this.source(uri);
      this.overlay.set(uri, source?.document.getText() ?? '', source ? () => source.unit : undefined);
    }
  }

  /** Base and overlay together: the current document first, then the base's files, then the extra ones. */
  private merge(query: (index: NavigationIndex) => FileFacts[]): string[] {
    const extra = query(this.overlay).map((f) => f.uri);
    const base = query(this.base).filter((f) => !this.overlay.has(f.uri)).map((f) => f.uri);
    const first = [...extra, ...base].find((u) => uriKey(u) === this.currentKey);
    const rest = (list: string[]) => list.filter((u) => u !== first);
    return [...(first !== undefined ? [first] : []), ...rest(base), ...rest(extra)];
  }

  source(uri: string): UnitSource | undefined {
    const key = uriKey(uri);
    if (!this.sources.has(key)) this.sources.set(key, this.files.get(uri));
    return this.sources.get(key);
  }

  /** Every file of the set (and the current document), each once: the dependency graph's reverse links. */
  uris(): readonly string[] {
    return this.merge((i) => i.all());
  }

  /** Unit files (not drop-ins) of the set. */
  unitFiles(): string[] {
    return this.uris().filter((u) => {
      const context = unitContextFromUri(u);
      return !context.isDropIn && context.unitName !== undefined;
    });
  }

  /** Unit files (not drop-ins) of this name anywhere in the set. */
  filesNamed(name: string): readonly string[] {
    return this.merge((i) => i.filesNamed(name));
  }

  /** Drop-ins of a unit in a folder (`dir/name.d/*.conf`), in the order systemd applies them. */
  dropInsOf(unitDir: string, name: string): readonly string[] {
    // systemd reads drop-ins in the order of their file names.
    return this.merge((i) => i.dropInsOf(unitDir, name)).sort((a, b) => uriBaseName(a).localeCompare(uriBaseName(b)));
  }

  /** The file systemd would load for `name` seen from a unit in `fromDir`: beside it, else on its search path. */
  resolveBeside(fromDir: string | undefined, name: string): string[] {
    if (fromDir === undefined) return [];
    const beside = this.filesNamed(name).filter((u) => unitDirOf(u) === fromDir);
    if (beside.length) return beside;
    const key = `${fromDir}\0${name}`;
    // The host may look on disk: once per folder and name within a request.
    if (!this.located.has(key)) this.located.set(key, this.files.locate?.(name, fromDir));
    const located = this.located.get(key);
    return located ? [located] : [];
  }

  /** Files a name stands for, seen from a unit in `fromDir`: beside it, else anywhere in the workspace. */
  resolve(fromDir: string | undefined, name: string): string[] {
    const beside = this.resolveBeside(fromDir, name);
    return beside.length ? beside : [...this.filesNamed(name)];
  }

  /** Files an occurrence stands for: its own name, else (an instance) its template. */
  resolveOccurrence(occurrence: UnitNameOccurrence): string[] {
    return this.resolveNamed(occurrence).uris;
  }

  /** Like resolveOccurrence(), with the unit name that was found: the name as written, or its template. */
  resolveNamed(occurrence: UnitNameOccurrence): { name: string; uris: string[] } {
    const fromDir = unitDirOf(occurrence.source.uri);
    const own = occurrence.literal ? this.resolve(fromDir, occurrence.name) : [];
    if (own.length || occurrence.template === undefined) return { name: occurrence.name, uris: own };
    // Specifiers ("foo@%i.service") or a missing instance file: the template's file is loaded.
    const viaTemplate = this.resolve(fromDir, occurrence.template);
    if (viaTemplate.length || !occurrence.literal) return { name: occurrence.template, uris: viaTemplate };
    return { name: occurrence.name, uris: [] };
  }

  /** The unit names written in the set that are (or are instances of) one of `names`, in file order. */
  occurrencesNaming(names: readonly string[]): UnitNameOccurrence[] {
    const found: UnitNameOccurrence[] = [];
    for (const uri of this.merge((i) => i.writersOf(names))) {
      const source = this.source(uri);
      if (!source) continue;
      for (const o of occurrencesIn(source, this.catalog)) {
        if (names.includes(o.name) || (o.template !== undefined && names.includes(o.template))) found.push(o);
      }
    }
    return found;
  }

  /**
   * Sockets, timers and paths of the set that may start one of the services `names` without naming it
   * (implicitTrigger() says whether they do), and those of `uris` too.
   */
  triggersOf(names: readonly string[], uris: readonly string[] = []): string[] {
    const found = this.merge((i) => i.triggersOf(names));
    for (const uri of uris) if (!found.some((u) => sameUri(u, uri))) found.push(uri);
    return found;
  }

  /**
   * The unit a socket, timer or path starts without naming it, or undefined when it names one (Service=
   * or Unit=, in the file or one of its drop-ins: the last non-empty assignment wins, an empty one resets).
   */
  implicitTrigger(uri: string): ImplicitTrigger | undefined {
    const context = unitContextFromUri(uri);
    const trigger = context.unitType && TRIGGER_SECTIONS[context.unitType];
    if (!trigger || context.isDropIn || !context.unitName || context.unitDir === undefined) return undefined;
    const source = this.source(uri);
    if (!source) return undefined;
    let named = '';
    let accept = false;
    for (const file of [uri, ...this.dropInsOf(context.unitDir, context.unitName)]) {
      const unit = file === uri ? source.unit : this.source(file)?.unit;
      for (const section of unit?.sections ?? []) {
        if (section.name !== trigger.section) continue;
        for (const entry of section.entries) {
          if (entry.key === trigger.key) named = entry.value;
          if (trigger.key === 'Service' && entry.key === 'Accept') accept = parseBoolean(entry.value) === true;
        }
      }
    }
    if (named !== '') return undefined;
    const name = context.unitName;
    // Accept=yes starts one instance of foo@.service per connection (socket_instantiate_service()).
    const partner = accept ? `${unitPrefix(name)}@.service` : withSuffix(name, '.service');
    const header = source.unit.sections.find((s) => s.name === trigger.section);
    return { source, partner, ...trigger, span: header ? header.headerSpan : firstLineSpan(source.unit) };
  }
}

/** True when a name written in a value is the given unit name, or an instance of it when it is a template. */
export function namesUnit(occurrence: UnitNameOccurrence, unitName: string): boolean {
  return (occurrence.literal && occurrence.name === unitName) || occurrence.template === unitName;
}

/** The type suffix of a unit name, ".service" for "foo.service"; undefined for other names. */
export function typeSuffixOf(name: string): string | undefined {
  return unitTypeOf(name) ? name.slice(name.lastIndexOf('.')) : undefined;
}
