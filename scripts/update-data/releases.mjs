/**
 * Versions measured, not guessed: each release's own tables say which keys and which words it accepts;
 * man-page version notes and NEWS only date a change inside the gap between two releases we can read (or
 * before the oldest). Where neither dates it, the change is put at the earliest version the gap allows
 * for an addition and the latest for a removal, so a target inside a gap is never told that systemd
 * ignores a line it may accept.
 *
 * Input: one table per release, oldest first ({ release, entries }, entries as gperf.mjs/enums.mjs/
 * manpages.mjs left them). Output: the newest release's entries, each with
 *   since       first version that accepts the key;
 *   removedIn   first version that ignores it as removed (with history describing the parser before);
 *   history     the older shapes of the key (parser, ltype, enum words and matching), each with `until`, the
 *               last version that parses it that way;
 *   facts       where each version came from, for the summary.
 */

const SHAPE_FIELDS = ['parser', 'ltype', 'enumValues', 'enumMatch', 'enumEmpty', 'status'];

function shapeOf(entry) {
  const shape = {};
  for (const field of SHAPE_FIELDS) if (entry[field] !== undefined && entry[field] !== '') shape[field] = entry[field];
  if (!shape.parser) shape.parser = '';
  if (shape.enumValues && !shape.enumValues.length) delete shape.enumValues;
  if (!shape.enumValues) {
    delete shape.enumMatch;
    delete shape.enumEmpty;
  }
  return shape;
}

const sameShape = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const keyOf = (entry) => `${entry.section}.${entry.name}`;
const accepts = (entry) => entry !== undefined && entry.status !== 'removed';

/**
 * @param tables    [{ release: { major, debian, suite }, entries }], oldest first
 * @param witnesses { news: { firstMention(key) }, removals: Map(key -> version) } dating changes inside gaps
 */
export function mergeReleases(tables, witnesses) {
  const byRelease = tables.map((t) => new Map(t.entries.map((e) => [keyOf(e), e])));
  const newest = tables.at(-1);
  const report = { since: [], removed: [], shapes: [], deleted: [] };
  const out = [];
  for (const entry of newest.entries) out.push(dateEntry(entry, byRelease, tables, witnesses, report));
  // Keys an older release had and the newest dropped from its table: systemd now calls them unknown.
  for (let i = tables.length - 2; i >= 0; i--) {
    for (const old of tables[i].entries) {
      const key = keyOf(old);
      if (byRelease.at(-1).has(key) || report.deleted.some((d) => d.key === key)) continue;
      report.deleted.push({ key, last: tables[i].release.major });
    }
  }
  return { entries: out, report };
}

function dateEntry(entry, byRelease, tables, witnesses, report) {
  const key = keyOf(entry);
  const majors = tables.map((t) => t.release.major);
  const seen = byRelease.map((m) => m.get(key));
  const result = { ...entry };
  delete result.since;
  delete result.sinceShared;
  const facts = [];
  const sinceFacts = [];

  const first = seen.findIndex(accepts);
  if (first >= 0) {
    const since = firstVersion(entry, key, first, majors, witnesses, sinceFacts);
    if (since !== undefined) result.since = since;
  }
  if (sinceFacts.length) report.since.push(`${key}: ${sinceFacts.join('; ')}`);

  // Older shapes: consecutive releases that accept the key the same way are one shape.
  const history = [];
  let removedIn;
  for (let i = first < 0 ? seen.length : first; i < seen.length - 1; i++) {
    const here = seen[i];
    const next = seen[i + 1];
    if (!accepts(here)) continue;
    const shape = shapeOf(here);
    if (next && sameShape(shape, shapeOf(next))) continue;
    let until;
    if (!accepts(next)) {
      removedIn = lastVersionGap(key, majors[i], majors[i + 1], witnesses.removals);
      until = removedIn - 1;
      facts.push(`removed in ${removedIn} (${majors[i]} accepts it, ${majors[i + 1]} ${next ? 'ignores it' : 'does not know it'})`);
    } else {
      // A parser or its words changed between two releases: the newer shape from the first version after.
      until = majors[i];
      facts.push(`parsed as in ${majors[i]} up to ${until}, as in ${majors[i + 1]} from ${majors[i] + 1}`);
    }
    history.push({ until, ...shape });
  }
  if (history.length) result.history = history;
  if (removedIn !== undefined && !accepts(seen.at(-1))) result.removedIn = removedIn;
  if (facts.length) report.shapes.push(`${key}: ${facts.join('; ')}`);
  return result;
}

/**
 * The first version that accepts the key, given that release index `first` is the oldest one whose table
 * has it: the man page's note or NEWS when they fall inside the gap before that release, else the first
 * version after the previous release. For a key the oldest release already has, the man page's note
 * (or, for a note shared by several keys, NEWS when it is later) if it is not newer than that release.
 */
function firstVersion(entry, key, first, majors, witnesses, facts) {
  const upper = majors[first];
  const lower = first > 0 ? majors[first - 1] : 0; // the key is absent in `lower`
  const name = key.slice(key.indexOf('.') + 1);
  const man = entry.since;
  const news = witnesses.news.firstMention(name);
  const announced = entry.sinceShared ? witnesses.news.firstIntroduction(name) : undefined;
  const inGap = (v) => v !== undefined && v > lower && v <= upper;
  const where = first > 0 ? `absent in ${lower}, present in ${upper}` : `present in ${upper}`;
  let since;
  if (inGap(announced) && (man === undefined || announced > man)) {
    since = announced;
    facts.push(`since ${since} (NEWS; the man page's v${man} note covers several keys; ${where})`);
  } else if (inGap(man)) {
    since = man;
    facts.push(`since ${since} (man page; ${where})`);
  } else if (first > 0 && inGap(news)) {
    since = news;
    facts.push(`since ${since} (NEWS; ${where}${man !== undefined ? `; the man page's v${man} contradicts the tables` : ''})`);
  } else if (first > 0) {
    since = lower + 1;
    facts.push(`since ${since} (first version after ${lower}; ${where}${man !== undefined ? `; the man page's v${man} contradicts the tables` : ''})`);
  }
  return since;
}

/** The version that first ignores a key accepted by `lower` and not by `upper`: a witness in the gap, else `upper`. */
function lastVersionGap(key, lower, upper, removals) {
  const witness = removals.get(key);
  return witness !== undefined && witness > lower && witness <= upper ? witness : upper;
}
