/**
 * Shape of the directive catalog. The data itself (server/src/data/catalog.generated.ts) is produced by
 * scripts/update-data.mjs from systemd's own tables; nothing in it is typed by hand.
 */

/** Unit types whose files this tool understands (the suffix of the unit file name). */
export type UnitType =
  | 'service' | 'socket' | 'timer' | 'path' | 'mount' | 'automount'
  | 'swap' | 'target' | 'slice' | 'scope' | 'device';

export interface DirectiveDef {
  /** Section name without brackets, e.g. "Socket". */
  section: string;
  /** Key name without "=", e.g. "ListenStream". */
  name: string;
  /** systemd's parser function from the gperf table, e.g. "config_parse_socket_listen"; "" when none (NULL). */
  parser: string;
  /** Third gperf column (ltype), e.g. "SOCKET_SOCKET", "0", "true", "DISABLED_LEGACY". */
  ltype: string;
  /** Accepted words when systemd parses the value through a string table (enum), in the newest release. */
  enumValues?: string[];
  /**
   * How strictly systemd matches the value against `enumValues`, set only where scripts/update-data.mjs could
   * show it from systemd's source (absent: unknown — the parser may also accept other forms, e.g. numbers
   * or "fd:NAME", so values outside enumValues must not be reported):
   *   - 'exact': one of enumValues, spelled exactly — systemd's string-table lookup compares with streq(),
   *     so it is case-sensitive ("Mixed" is not "mixed"); anything else is logged and the line ignored;
   *   - 'exact-or-boolean': the same, or one of systemd's boolean words (parse_boolean():
   *     1/yes/y/true/t/on, 0/no/n/false/f/off), which unlike the table words are case-insensitive.
   */
  enumMatch?: 'exact' | 'exact-or-boolean';
  /**
   * With enumMatch: what an empty assignment ("Key=") does — 'resets' to the default, or is 'invalid' (the
   * parser hands "" to the lookup, which rejects it; systemd logs it and ignores the line). Absent: unknown.
   */
  enumEmpty?: 'resets' | 'invalid';
  /** systemd version that introduced the directive; absent when it predates version annotations (<= 183). */
  since?: number;
  /** Ignored by systemd: "removed" = DISABLED_LEGACY (support removed), "disabled" = DISABLED_CONFIGURATION. */
  status?: 'removed' | 'disabled';
  /**
   * systemd version from which the directive is ignored as removed; absent with status 'removed' = removed
   * before any version we target. `history` says how the versions before it parse the key.
   */
  removedIn?: number;
  /**
   * How older releases parse the key, where that differs from the fields above (the newest release): a
   * parser or ltype that changed, words added to or dropped from its table, a removal. Sorted by `until`;
   * a version v uses the first shape with v <= until, else the fields above. Measured from each release's
   * own tables (scripts/update-data/releases.mjs); see directiveAt() in catalog.ts.
   */
  history?: DirectiveShape[];
  /** For an undocumented old spelling that systemd still accepts: the documented name it stands for. */
  aliasOf?: string;
  /** Man page that documents it, e.g. "systemd.socket"; absent when undocumented. */
  man?: string;
}

/** How one range of versions parses a key: the shape fields of DirectiveDef, up to version `until`. */
export interface DirectiveShape {
  /** The newest systemd version that parses the key this way. */
  until: number;
  parser: string;
  ltype: string;
  enumValues?: string[];
  enumMatch?: DirectiveDef['enumMatch'];
  enumEmpty?: DirectiveDef['enumEmpty'];
  status?: DirectiveDef['status'];
}

export interface Catalog {
  /** Human-readable provenance, repeated from the file header. */
  generatedFrom: string;
  /** Newest systemd version the catalog covers: the newest release read. */
  newestVersion: number;
  /** The systemd releases whose own tables were read (the versions between them are dated by man pages and NEWS). */
  releasesRead: number[];
  /** Sections systemd accepts in each unit type's files, in systemd's vtable order. */
  sectionsByUnitType: Record<UnitType, string[]>;
  directives: DirectiveDef[];
}
