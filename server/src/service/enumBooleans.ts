/**
 * Enum directives that take systemd's boolean words too (enumMatch 'exact-or-boolean': the lookup tries
 * parse_boolean() first) and what those words stand for. Where the string table holds "yes" and "no"
 * themselves the booleans are those words; where it does not, the lookup maps true and false onto fixed
 * table entries, which a user cannot guess (BindIPv6Only=yes is ipv6-only, not "both").
 */
import type { DirectiveDef } from './catalogTypes';

export interface BooleanMeaning {
  /** The table word that yes (1, y, true, t, on) stands for. */
  yes: string;
  /** The table word that no (0, n, false, f, off) stands for. */
  no: string;
}

/**
 * The mapping where the table lacks "yes" or "no", by parser. Read from systemd's source: the third argument
 * of DEFINE_STRING_TABLE_LOOKUP_WITH_BOOLEAN (true → that entry, false → entry 0), or the hand-written
 * wrapper socket_address_bind_ipv6_only_or_bool_from_string(). test/completion.test.ts checks that every
 * such directive of the catalog is listed here, so a new one cannot be offered without its meaning.
 */
const MAPPED: Readonly<Record<string, BooleanMeaning>> = {
  config_parse_socket_bind: { yes: 'ipv6-only', no: 'both' },
  config_parse_private_tmp: { yes: 'connected', no: 'no' },
  config_parse_private_users: { yes: 'self', no: 'no' },
};

/** What yes/no mean for this directive (as parsed at the version `def` describes); undefined when it takes no booleans. */
export function booleanMeaning(def: Pick<DirectiveDef, 'parser' | 'enumValues' | 'enumMatch'>): BooleanMeaning | undefined {
  if (def.enumMatch !== 'exact-or-boolean') return undefined;
  const words = def.enumValues ?? [];
  if (words.includes('yes') && words.includes('no')) return { yes: 'yes', no: 'no' };
  // MemoryPressureWatch= of 254 spelled its table on/off/auto/skip.
  if (words.includes('on') && words.includes('off')) return { yes: 'on', no: 'off' };
  return MAPPED[def.parser];
}

/** The boolean words a table lacks, with what they stand for ("yes" → "ipv6-only"); unknown meaning: undefined. */
export function booleanExtras(def: Pick<DirectiveDef, 'parser' | 'enumValues' | 'enumMatch'>): Array<{ word: 'yes' | 'no'; means?: string }> {
  if (def.enumMatch !== 'exact-or-boolean') return [];
  const words = def.enumValues ?? [];
  const meaning = booleanMeaning(def);
  return (['yes', 'no'] as const).filter((w) => !words.includes(w)).map((word) => ({ word, means: meaning?.[word] }));
}

/**
 * Every word the directive accepts, for a message: "default, both, ipv6-only, yes (= ipv6-only) or no (= both)".
 * Table words alone when it takes no booleans.
 */
export function acceptedWordsText(def: Pick<DirectiveDef, 'parser' | 'enumValues' | 'enumMatch'>): string {
  const words = [...(def.enumValues ?? [])];
  const extras = booleanExtras(def).map((x) => (x.means ? `${x.word} (= ${x.means})` : x.word));
  const all = [...words, ...extras];
  const list = all.length > 1 ? `${all.slice(0, -1).join(', ')} or ${all[all.length - 1]}` : all.join('');
  // The other spellings parse_boolean() takes count as yes/no.
  return def.enumMatch === 'exact-or-boolean' ? `${list} (true/on/1 count as yes, false/off/0 as no)` : list;
}
