/**
 * Man pages: which keys are documented where, and the version-info annotations ("Added in version N").
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compare, fail, readText } from './util.mjs';

/** The shared gperf macros and the man page that documents the keys they expand to. */
const MACRO_MAN_PAGES = {
  EXEC_CONTEXT_CONFIG_ITEMS: 'systemd.exec',
  KILL_CONTEXT_CONFIG_ITEMS: 'systemd.kill',
  CGROUP_CONTEXT_CONFIG_ITEMS: 'systemd.resource-control',
};

/** Sections without a man page of their own (the default is systemd.<section in lower case>). */
const SECTION_MAN_PAGE_OVERRIDES = {
  Install: 'systemd.unit', // [Install] is described in systemd.unit(5), next to [Unit]
};



/**
 * Only unit-file pages are read: systemd.<section>.xml for every section in the table, the pages of the
 * shared macros, and the overrides. Other pages (systemd.network, journald.conf, ...) document unrelated
 * keys with the same names.
 */
export function manPagesToRead(gperf) {
  const pages = new Set(Object.values(MACRO_MAN_PAGES));
  for (const entry of gperf.entries) pages.add(primaryManPage(entry.section));
  return [...pages].sort(compare);
}

function primaryManPage(section) {
  return SECTION_MAN_PAGE_OVERRIDES[section] ?? `systemd.${section.toLowerCase()}`;
}

/** page -> Map(key -> { since }) for the pages that exist. */
export function readManPages(manDir, pages) {
  const index = new Map();
  for (const page of pages) {
    const file = join(manDir, `${page}.xml`);
    if (!existsSync(file)) continue; // e.g. no systemd.install.xml; the section then has no own page
    index.set(page, documentedKeys(readText(file)));
  }
  if (index.size === 0) fail(`no man pages found in ${manDir}`);
  return index;
}

/**
 * Walks the DocBook XML with an element stack. Each <varlistentry> (also nested ones) documents the keys
 * named by <varname>Key=...</varname> directly inside its own <term>s; its version is the
 * version-info.xml include closest to the entry itself (not one inside a table or list in its text, nor one
 * of a nested entry). All keys of one entry share its version.
 */
function documentedKeys(xml) {
  const keys = new Map();
  const stack = []; // element names
  const entries = []; // open varlistentries: { depth, keys: [], since, sinceDepth }
  let varname = null; // { text } while inside a <varname> of a <term> of the innermost entry

  for (const token of xmlTokens(xml)) {
    if (token.type === 'text') {
      if (varname) varname.text += token.text;
      continue;
    }
    if (token.type !== 'open' && token.type !== 'close' && token.type !== 'empty') continue;
    const entry = entries.at(-1);

    if (token.type === 'open') {
      stack.push(token.name);
      if (token.name === 'varlistentry') entries.push({ depth: stack.length, keys: [], since: undefined, sinceDepth: Infinity });
      else if (token.name === 'varname' && entry && stack[entry.depth] === 'term') varname = { text: '' };
      continue;
    }

    if (token.type === 'empty') {
      if (entry && token.name === 'xi:include' && /href="version-info\.xml"/.test(token.raw)) {
        const version = /xpointer="v(\d+)"/.exec(token.raw);
        const depth = stack.length - entry.depth;
        if (version && depth < entry.sinceDepth) {
          entry.since = Number(version[1]);
          entry.sinceDepth = depth;
        }
      }
      continue;
    }

    // close tag: pop up to the matching element (tolerates sloppy nesting)
    const at = stack.lastIndexOf(token.name);
    if (at < 0) continue;
    if (token.name === 'varname' && varname) {
      const text = varname.text.trim();
      const key = /^([A-Za-z][A-Za-z0-9]*)=/.exec(text);
      if (key && entry) entry.keys.push(key[1]);
      varname = null;
    }
    while (stack.length > at) {
      const closed = stack.pop();
      if (closed === 'varlistentry') {
        const done = entries.pop();
        for (const key of done.keys) {
          // A key listed twice keeps its first entry; `shared`: the version note covers several keys at once.
          if (!keys.has(key)) keys.set(key, { since: done.since, shared: done.keys.length > 1 });
        }
      }
    }
  }
  return keys;
}

/** A small XML tokenizer: enough for systemd's DocBook pages (comments, DOCTYPE, CDATA, tags, text). */
function* xmlTokens(xml) {
  const pattern =
    /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^[>]*\[[\s\S]*?\]\s*>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z][\w:.-]*)([^>]*?)(\/?)>|[^<]+|</g;
  for (const m of xml.matchAll(pattern)) {
    const raw = m[0];
    if (m[3]) {
      if (m[2]) yield { type: 'close', name: m[3], raw };
      else yield { type: m[5] ? 'empty' : 'open', name: m[3], raw };
    } else if (m[1] !== undefined) yield { type: 'text', text: m[1] };
    else if (!raw.startsWith('<')) yield { type: 'text', text: decodeEntities(raw) };
  }
}

function decodeEntities(text) {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, e) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]);
}

/**
 * The page documenting a key for its section: for a key from a shared macro, that macro's page first; then
 * the section's own page; then the pages of the other macros the section includes.
 */
export function attachDocumentation(entry, manIndex, macrosBySection) {
  const sectionMacros = macrosBySection.get(entry.section) ?? [];
  const pages = [
    ...(entry.macro ? [MACRO_MAN_PAGES[entry.macro]] : []),
    primaryManPage(entry.section),
    ...sectionMacros.map((macro) => MACRO_MAN_PAGES[macro]),
  ];
  for (const page of pages) {
    const doc = manIndex.get(page)?.get(entry.name);
    if (!doc) continue;
    entry.man = page;
    if (doc.since !== undefined) {
      entry.since = doc.since;
      entry.sinceShared = doc.shared;
    }
    return;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Old spellings
// ---------------------------------------------------------------------------------------------------------

/**
 * An undocumented key is an old spelling of a documented key of the same section when both are parsed by
 * the same parser with the same ltype into the same place (4th gperf column), e.g.
 *   Unit.StartLimitInterval, config_parse_sec, 0, offsetof(Unit, start_ratelimit.interval)
 *   Unit.StartLimitIntervalSec (documented) -> aliasOf 'StartLimitIntervalSec'.
 * If several documented keys share that triple, the parser tells them apart by the key name (e.g. every
 * config_parse_memory_limit key writes offsetof(X, cgroup_context)), so nothing can be concluded.
 * Keys of another section are never used: the replacement must be valid where the old key stands (the
 * [Service] copies of StartLimit*= write [Unit] fields, but [Service] has no StartLimitIntervalSec=).
 */
export function assignAliases(entries) {
  const documentedBySignature = new Map();
  for (const entry of entries) {
    if (!entry.man) continue;
    const signature = aliasSignature(entry);
    if (!documentedBySignature.has(signature)) documentedBySignature.set(signature, []);
    documentedBySignature.get(signature).push(entry.name);
  }
  for (const entry of entries) {
    if (entry.man || entry.status || !entry.parser) continue;
    const documented = documentedBySignature.get(aliasSignature(entry)) ?? [];
    if (documented.length === 1 && documented[0] !== entry.name) entry.aliasOf = documented[0];
  }
}

const aliasSignature = (entry) => [entry.section, entry.parser, entry.ltype, entry.offset].join('\u0000');

