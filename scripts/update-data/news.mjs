/**
 * NEWS: systemd's own release notes, "CHANGES WITH N:" per release. Used only to date a key between two
 * releases we can read (or before the oldest), where the man page's version note is missing or is shared
 * by several keys of one entry (StateDirectory= is documented beside RuntimeDirectory= with v211, but came
 * with v235, as NEWS says).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readText } from './util.mjs';

/** The releases whose notes mention `Key=`, oldest first, for each key asked about. */
export function readNews(tree) {
  const file = join(tree, 'NEWS');
  const sections = [];
  if (existsSync(file)) {
    let current;
    for (const line of readText(file).split('\n')) {
      const header = /^CHANGES WITH (\d+)(?:~rc\d*)?:/.exec(line);
      if (header) sections.push((current = { version: Number(header[1]), text: [] }));
      else if (current) current.text.push(line);
    }
  }
  const texts = sections.map((s) => ({ version: s.version, text: s.text.join('\n') })).sort((a, b) => a.version - b.version);
  const cache = new Map();
  const introduced = new Map();
  return {
    /**
     * Oldest release whose notes announce `Key=` as new: in one sentence, "new" + "setting(s)/option(s)/
     * directive(s)/key(s)" before the key ("Units gained new options StateDirectory=, ..."). A mere
     * mention ("IOWeight= has learnt ...") dates nothing.
     */
    firstIntroduction(key) {
      if (!introduced.has(key)) {
        const pattern = new RegExp(`\\bnew\\b[^.]*?\\b(settings?|options?|directives?|keys?)\\b[^.]*?(^|[^A-Za-z0-9])${key}=`, 'i');
        const found = texts.find((s) => s.text.replace(/\s+/g, ' ').split(/\.\s/).some((sentence) => pattern.test(sentence)));
        introduced.set(key, found?.version);
      }
      return introduced.get(key);
    },
    /** Oldest release whose notes name `Key=` (as a whole word), or undefined. */
    firstMention(key) {
      if (!cache.has(key)) {
        const pattern = new RegExp(`(^|[^A-Za-z0-9])${key}=`);
        cache.set(key, texts.find((s) => pattern.test(s.text))?.version);
      }
      return cache.get(key);
    },
  };
}
