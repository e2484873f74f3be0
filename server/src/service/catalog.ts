/**
 * Look-ups over the generated directive catalog: which sections a unit type reads, what a key is in a
 * section, and the closest known names for a misspelt one.
 */
import type { Catalog, DirectiveDef, UnitType } from './catalogTypes';
import { catalog as generatedCatalog } from '../data/catalog.generated';

const shapesAt = new WeakMap<DirectiveDef, Map<number, DirectiveDef>>();

/**
 * The directive as systemd `version` parses it: the newest release's definition with the parser, ltype,
 * enum words and status of the older shape that applies (the same object for every call with the same
 * arguments, so callers may compare or cache by identity). `since`, `removedIn`, `man` stay as they are.
 */
export function directiveAt(def: DirectiveDef, version: number): DirectiveDef {
  const shape = def.history?.find((h) => version <= h.until);
  if (!shape) return def;
  let byVersion = shapesAt.get(def);
  if (!byVersion) shapesAt.set(def, (byVersion = new Map()));
  let at = byVersion.get(shape.until);
  if (!at) {
    const { until: _until, ...fields } = shape;
    at = { ...def, enumValues: undefined, enumMatch: undefined, enumEmpty: undefined, status: undefined, ...fields };
    for (const key of Object.keys(at) as (keyof DirectiveDef)[]) if (at[key] === undefined) delete at[key];
    byVersion.set(shape.until, at);
  }
  return at;
}

/**
 * The first version whose table has `word` for this directive (undefined: every version we know of, or
 * the word is not a table word at all), and the first that dropped it again, if any.
 */
export function wordVersions(def: DirectiveDef, word: string): { since?: number; removedIn?: number } {
  const shapes = [...(def.history ?? []), { ...def, until: Infinity }];
  const has = shapes.map((s) => s.status !== 'removed' && (s.enumValues?.includes(word) ?? false));
  const first = has.indexOf(true);
  if (first < 0) return {};
  const out: { since?: number; removedIn?: number } = {};
  if (first > 0) out.since = shapes[first - 1].until + 1;
  const gone = has.indexOf(false, first);
  if (gone > 0) out.removedIn = shapes[gone - 1].until + 1;
  return out;
}

export class DirectiveCatalog {
  private readonly bySection = new Map<string, Map<string, DirectiveDef>>();
  private readonly byName = new Map<string, DirectiveDef[]>();
  private readonly listBySection = new Map<string, readonly DirectiveDef[]>();
  /** Suggestions are costly (edit distance against a whole section) and the same typo tends to repeat. */
  private readonly suggestionCache = new Map<string, string[]>();

  constructor(readonly data: Catalog) {
    for (const def of data.directives) {
      let section = this.bySection.get(def.section);
      if (!section) this.bySection.set(def.section, (section = new Map()));
      section.set(def.name, def);
      const list = this.byName.get(def.name) ?? [];
      list.push(def);
      this.byName.set(def.name, list);
    }
  }

  get newestVersion(): number {
    return this.data.newestVersion;
  }

  sectionsFor(unitType: UnitType): readonly string[] {
    return this.data.sectionsByUnitType[unitType] ?? [];
  }

  /** Every section name that any unit type reads. */
  allSections(): string[] {
    return [...this.bySection.keys()];
  }

  lookup(section: string, name: string): DirectiveDef | undefined {
    return this.bySection.get(section)?.get(name);
  }

  /** The section's directives in catalog order (one shared array: do not modify). */
  directivesIn(section: string): readonly DirectiveDef[] {
    let list = this.listBySection.get(section);
    if (!list) this.listBySection.set(section, (list = [...(this.bySection.get(section)?.values() ?? [])]));
    return list;
  }

  /** Sections (other than the given one) that know this key, to say "X= belongs in [Service]". */
  sectionsKnowing(name: string): string[] {
    return (this.byName.get(name) ?? []).map((d) => d.section);
  }

  /**
   * Up to `max` known keys of the section close to `name`: a case-insensitive match first, then by
   * edit distance (bounded so that unrelated names are not offered).
   */
  suggest(section: string, name: string, max = 3): string[] {
    const cacheKey = `${section}\0${name}\0${max}`;
    let cached = this.suggestionCache.get(cacheKey);
    if (!cached) this.suggestionCache.set(cacheKey, (cached = this.computeSuggestions(section, name, max)));
    return cached;
  }

  private computeSuggestions(section: string, name: string, max: number): string[] {
    const candidates = [...(this.bySection.get(section)?.keys() ?? [])];
    const lower = name.toLowerCase();
    const exactCase = candidates.filter((c) => c.toLowerCase() === lower);
    if (exactCase.length) return exactCase;
    const limit = Math.max(2, Math.floor(name.length / 3));
    return candidates
      .map((c) => ({ c, d: editDistance(lower, c.toLowerCase(), limit) }))
      .filter((x) => x.d <= limit)
      .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
      .slice(0, max)
      .map((x) => x.c);
  }
}

/** Optimal-string-alignment distance (transpositions count as one edit), cut off above `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // Three rolling rows (the one before the previous is needed for transpositions): every unknown key is
  // compared with some 300 names, so this runs often and should not allocate a matrix each time.
  const width = b.length + 1;
  let before = new Uint16Array(width);
  let previous = new Uint16Array(width);
  let current = new Uint16Array(width);
  for (let j = 0; j < width; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < width; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2] + 1);
      current[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length];
}

let shared: DirectiveCatalog | undefined;

/** The catalog built from the committed generated data (built once, shared). */
export function defaultCatalog(): DirectiveCatalog {
  return (shared ??= new DirectiveCatalog(generatedCatalog));
}
