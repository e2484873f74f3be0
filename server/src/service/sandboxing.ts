/**
 * "Add sandboxing": a refactoring on the [Service] section of a .service unit that adds the usual
 * hardening settings the unit does not set yet: DynamicUser=yes, PrivateTmp=yes, ProtectSystem=strict,
 * ProtectHome=yes, NoNewPrivileges=yes. A setting the unit already assigns (whatever the value) is the
 * author's decision and is left alone, so the action never duplicates a line; with all five set there is
 * no action.
 *
 * Some settings would break the unit as written. Those conflicts are found from the unit itself and
 * explained where they arise, as `# sockact: …` comment lines above the assignment they are about
 * (above the added settings when no line is to blame):
 *
 * - A command (ExecStart= and the other Exec*= lines, except those run with "+", which systemd runs
 *   outside the sandbox) names a path below /var or /run that no StateDirectory=, CacheDirectory=,
 *   LogsDirectory=, RuntimeDirectory= or ReadWritePaths= makes writable: ProtectSystem=strict makes the
 *   whole file system read-only apart from /dev, /proc and /sys (and /tmp, /var/tmp with PrivateTmp=),
 *   and DynamicUser=yes always turns ProtectSystem=strict on. Paths below /etc are not counted: a
 *   service usually only reads its configuration there, which works read-only.
 * - DynamicUser=yes with User=: when that user exists, systemd runs the service as this static user and
 *   allocates no dynamic one. With Type=dbus or BusName=: a dynamic user cannot own a D-Bus name. In a
 *   user unit: the user manager cannot run DynamicUser=yes at all. With WorkingDirectory=~: refused.
 * - ProtectHome=yes while a command or WorkingDirectory= lies below /home, /root or /run/user (or is ~,
 *   %h): those become inaccessible (DynamicUser=yes alone only makes them read-only).
 * - NoNewPrivileges=yes (also implied by DynamicUser=yes) while a command is sudo, su, pkexec …: they
 *   need setuid to gain privileges, which it blocks.
 * - PrivateTmp=yes (also implied by DynamicUser=yes) while a command names a path below /tmp or
 *   /var/tmp: the service gets its own, empty /tmp and no longer sees what other programs put there.
 * - A target systemd older than the setting (DynamicUser= and the value strict arrived in 232,
 *   ProtectSystem= and ProtectHome= in 214): it would ignore the line.
 *
 * Two actions come out of that. "Add sandboxing" adds only the settings without conflicts and leaves a
 * note for each one left out. When some were left out for a conflict the author may want to resolve
 * afterwards, "Add sandboxing, including …" adds them as well, with a note that says what to fix.
 * Settings systemd would refuse or ignore here are never added. Drop-ins are not offered the action: the
 * conflicts depend on the whole unit, which a drop-in does not show.
 */
import { CodeActionKind, TextEdit, type CodeAction, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FeatureContext } from './featureContext';
import type { Entry, Section, UnitFile } from './parser';
import { insertAbove, insertAfterSection, lineStartAt } from './sectionEdits';
import { rangeOf } from './unitReferences';
import { pathStartsWith } from './values/paths';
import { bytesToString, extractFirstWord, WHITESPACE } from './values/words';

export const ADD_SANDBOXING_TITLE = 'Add sandboxing';
export const NOTE_PREFIX = '# sockact: ';

interface Hardening {
  key: string;
  value: string;
}

/** The settings the action adds, in this order. */
export const SANDBOXING: readonly Hardening[] = [
  { key: 'DynamicUser', value: 'yes' },
  { key: 'PrivateTmp', value: 'yes' },
  { key: 'ProtectSystem', value: 'strict' },
  { key: 'ProtectHome', value: 'yes' },
  { key: 'NoNewPrivileges', value: 'yes' },
];

/** systemd 232 added ProtectSystem=strict (NEWS); the catalog only knows when ProtectSystem= itself arrived (214). */
const STRICT_SINCE = 232;
/**
 * StateDirectory=, CacheDirectory=, LogsDirectory= arrived in systemd 235 (NEWS), RuntimeDirectory= in 211.
 * Not from the catalog: systemd documents the five in one entry, so the catalog gives all of them 211.
 */
const DIRECTORY_SETTINGS: readonly { base: string; key: string; since: number }[] = [
  { base: '/var/lib', key: 'StateDirectory', since: 235 },
  { base: '/var/cache', key: 'CacheDirectory', since: 235 },
  { base: '/var/log', key: 'LogsDirectory', since: 235 },
  { base: '/run', key: 'RuntimeDirectory', since: 211 },
  { base: '/var/run', key: 'RuntimeDirectory', since: 211 },
];

const EXEC_KEYS = new Set(['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost']);
/** Programs that gain privileges through setuid, which NoNewPrivileges=yes blocks. */
const SETUID_PROGRAMS = new Set(['sudo', 'su', 'pkexec', 'doas', 'newgrp', 'sg']);
/** ProtectHome=yes hides these. */
const HOME_ROOTS = ['/home', '/root', '/run/user'];

interface Conflict {
  /** The hardening keys it stands in the way of. */
  keys: string[];
  /** systemd would refuse or ignore the setting here: never added. */
  hard: boolean;
  /** The assignment the note sits above; undefined: above the added settings. */
  anchor?: Entry;
  /** What goes wrong, and how to fix it (without final period). */
  problem: string;
  fix?: string;
}

/** A command of an Exec*= line, as far as the sandbox is concerned. */
interface Command {
  entry: Entry;
  /** The executable (prefixes removed). */
  program: string;
  args: string[];
}

/** What the [Service] sections of the unit say, last assignment winning, lists reset by an empty one. */
interface Facts {
  assigned: Set<string>;
  last: Map<string, Entry>;
  lists: Map<string, string[]>;
  commands: Command[];
}

function factsOf(sections: readonly Section[]): Facts {
  const facts: Facts = { assigned: new Set(), last: new Map(), lists: new Map(), commands: [] };
  for (const section of sections) {
    for (const entry of section.entries) {
      facts.assigned.add(entry.key);
      facts.last.set(entry.key, entry);
      const words = entry.value.split(/\s+/).filter(Boolean);
      facts.lists.set(entry.key, entry.value === '' ? [] : [...(facts.lists.get(entry.key) ?? []), ...words]);
      if (EXEC_KEYS.has(entry.key)) facts.commands.push(...commandsOf(entry));
    }
  }
  return facts;
}

/** The commands of an Exec*= value ("a ; b" holds two), without those run with "+" (outside the sandbox). */
function commandsOf(entry: Entry): Command[] {
  const groups: string[][] = [[]];
  let p: number | null = 0;
  while (p !== null && p < entry.value.length) {
    const r = extractFirstWord(entry.value, p, WHITESPACE, { relax: true, unquote: true, cunescape: true, unescapeRelax: true });
    if (r.kind !== 'word') break;
    const word = bytesToString(r.word.bytes);
    if (word === ';') groups.push([]);
    else groups[groups.length - 1].push(word);
    p = r.word.next;
  }
  const commands: Command[] = [];
  for (const words of groups) {
    if (words.length === 0) continue;
    const prefixes = /^[-@:+!]*/.exec(words[0])![0];
    if (prefixes.includes('+')) continue;
    // "@" puts argv[0] after the executable: a name, not a path the program uses.
    const args = words.slice(prefixes.includes('@') ? 2 : 1);
    commands.push({ entry, program: words[0].slice(prefixes.length), args });
  }
  return commands;
}

/** Paths an argument may stand for: itself, or the part after "=" of "--option=/path"; leading specifiers expanded. */
function pathsIn(arg: string, scope: 'system' | 'user'): string[] {
  const candidates = [arg];
  const eq = arg.indexOf('=');
  if (arg.startsWith('-') && eq > 0) candidates.push(arg.slice(eq + 1));
  return candidates.map((c) => expandLeadingSpecifier(c, scope)).filter((c) => c.startsWith('/') || c.startsWith('~'));
}

/** %S, %C, %L, %t of a system unit are /var/lib, /var/cache, /var/log, /run; %h is a home directory (written ~ here). */
function expandLeadingSpecifier(path: string, scope: 'system' | 'user'): string {
  if (path.startsWith('%h')) return `~${path.slice(2)}`;
  if (scope !== 'system') return path;
  const roots: Record<string, string> = { '%S': '/var/lib', '%C': '/var/cache', '%L': '/var/log', '%t': '/run' };
  const root = roots[path.slice(0, 2)];
  return root ? root + path.slice(2) : path;
}

function below(path: string, base: string): boolean {
  const rest = pathStartsWith(path, base);
  return rest !== null && rest !== '';
}

function isHomePath(path: string): boolean {
  return path === '~' || path.startsWith('~/') || HOME_ROOTS.some((h) => pathStartsWith(path, h) !== null);
}

/** A path ProtectSystem=strict leaves writable: private /tmp, or one of the unit's own writable directories. */
function writable(path: string, facts: Facts): boolean {
  if (['/tmp', '/var/tmp'].some((t) => pathStartsWith(path, t) !== null)) return true;
  for (const raw of facts.lists.get('ReadWritePaths') ?? []) {
    if (pathStartsWith(path, raw.replace(/^[-+]+/, '')) !== null) return true;
  }
  return DIRECTORY_SETTINGS.some(({ base, key }) =>
    (facts.lists.get(key) ?? []).some((dir) => pathStartsWith(path, `${base}/${dir.split(':')[0]}`) !== null));
}

function fixForWritable(path: string, version: number): string {
  for (const { base, key, since } of DIRECTORY_SETTINGS) {
    const rest = pathStartsWith(path, base);
    const parts = rest?.split('/').filter(Boolean) ?? [];
    // Only a folder directly below the base can be such a directory: /var/lib/app/db or /var/lib/app,
    // not a file like /var/log/app.log.
    const folder = parts.length >= 2 || (parts.length === 1 && !parts[0].includes('.'));
    if (folder && version >= since) return `${key}=${parts[0]} or ReadWritePaths=${base}/${parts[0]}`;
  }
  return `ReadWritePaths=${path}`;
}

function conflictsOf(facts: Facts, ctx: FeatureContext): Conflict[] {
  const conflicts: Conflict[] = [];
  const { scope } = ctx.context;
  const version = ctx.systemdVersion;

  for (const { key } of SANDBOXING) {
    const since = Math.max(ctx.catalog.lookup('Service', key)?.since ?? 0, key === 'ProtectSystem' ? STRICT_SINCE : 0);
    if (version < since) {
      conflicts.push({ keys: [key], hard: true, problem: `the target systemd ${version} does not know it (it arrived in ${since}) and would ignore the line` });
    }
  }
  if (scope === 'user') conflicts.push({ keys: ['DynamicUser'], hard: true, problem: 'the user manager cannot run units with DynamicUser=yes' });

  const workingDirectory = facts.last.get('WorkingDirectory');
  const workdir = workingDirectory?.value.replace(/^-/, '') ?? '';
  if (workingDirectory && workdir === '~') {
    conflicts.push({ keys: ['DynamicUser'], hard: true, anchor: workingDirectory, problem: 'systemd refuses WorkingDirectory=~ together with DynamicUser=yes' });
  }
  const user = facts.last.get('User');
  if (user && user.value !== '') {
    const root = user.value === 'root' || user.value === '0';
    conflicts.push({
      keys: ['DynamicUser'], hard: false, anchor: user,
      problem: root
        ? 'root always exists, and DynamicUser=yes uses an existing user of the User= name instead of allocating one, so the service would still run as root'
        : `if the user ${user.value} exists, DynamicUser=yes runs the service as that static user and allocates no dynamic one`,
      fix: 'remove User= to get a dynamic user named after the unit',
    });
  }
  const bus = facts.last.get('BusName') ?? (facts.last.get('Type')?.value === 'dbus' ? facts.last.get('Type') : undefined);
  if (bus && bus.value !== '') {
    conflicts.push({ keys: ['DynamicUser'], hard: false, anchor: bus, problem: 'a service with DynamicUser=yes cannot own a D-Bus name (the bus policy needs a static user)', fix: 'keep a static User= instead' });
  }
  if (workingDirectory && isHomePath(expandLeadingSpecifier(workdir, scope))) {
    conflicts.push({ keys: ['ProtectHome'], hard: false, anchor: workingDirectory, problem: `the working directory ${workdir} would be inaccessible`, fix: 'ProtectHome=read-only keeps it readable' });
  }

  const noted = new Set<string>();
  const once = (entry: Entry, kind: string) => {
    const key = `${entry.span.start}:${kind}`;
    if (noted.has(key)) return false;
    noted.add(key);
    return true;
  };
  const writes = new Map<Entry, string[]>();
  for (const command of facts.commands) {
    const { entry } = command;
    const name = `${entry.key}=`;
    const program = command.program.slice(command.program.lastIndexOf('/') + 1);
    if (SETUID_PROGRAMS.has(program) && once(entry, 'setuid')) {
      conflicts.push({
        keys: ['NoNewPrivileges', 'DynamicUser'], hard: false, anchor: entry,
        problem: `${name} runs ${program}, which needs setuid to gain privileges and would fail (DynamicUser=yes implies NoNewPrivileges=yes)`,
        fix: `give the command the "+" prefix or do without ${program}`,
      });
    }
    for (const path of [command.program, ...command.args].flatMap((a) => pathsIn(a, scope))) {
      if (isHomePath(path) && once(entry, 'home')) {
        conflicts.push({ keys: ['ProtectHome'], hard: false, anchor: entry, problem: `${name} uses ${path}, which would be inaccessible`, fix: 'ProtectHome=read-only keeps it readable' });
      }
    }
    for (const path of command.args.flatMap((a) => pathsIn(a, scope))) {
      if ((below(path, '/var') || below(path, '/run')) && !isHomePath(path) && !writable(path, facts)) {
        const list = writes.get(entry) ?? [];
        if (!list.includes(path)) writes.set(entry, [...list, path]);
      }
      if ((below(path, '/tmp') || below(path, '/var/tmp')) && once(entry, 'tmp')) {
        conflicts.push({
          keys: ['PrivateTmp', 'DynamicUser'], hard: false, anchor: entry,
          problem: `${name} names ${path}, and the service would see its own empty /tmp and /var/tmp instead of the shared ones (DynamicUser=yes implies PrivateTmp=yes)`,
          fix: 'share files through RuntimeDirectory= instead',
        });
      }
    }
  }
  for (const [entry, paths] of writes) {
    const fixes = [...new Set(paths.map((p) => fixForWritable(p, version)))];
    conflicts.push({
      keys: ['DynamicUser', 'ProtectSystem'], hard: false, anchor: entry,
      problem: `${entry.key}= names ${joinAnd(paths)}, which would be read-only (DynamicUser=yes implies ProtectSystem=strict)`,
      fix: `add ${fixes.join('; ')}`,
    });
  }
  return conflicts;
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function listOf(keys: readonly string[]): string {
  return joinAnd(keys.map((k) => `${k}=${SANDBOXING.find((h) => h.key === k)!.value}`));
}

/** The note for a conflict, given which of its keys are added anyway and which are left out. */
function noteFor(conflict: Conflict, added: readonly string[], leftOut: readonly string[]): string | undefined {
  const fix = conflict.fix ? `; ${conflict.fix}` : '';
  if (added.length && leftOut.length) return `${NOTE_PREFIX}${listOf(added)} added and ${listOf(leftOut)} left out: ${conflict.problem}${fix}.`;
  if (leftOut.length) return `${NOTE_PREFIX}${listOf(leftOut)} left out: ${conflict.problem}${fix}.`;
  if (added.length) return `${NOTE_PREFIX}${listOf(added)} added, but ${conflict.problem}${fix}.`;
  return undefined;
}

/**
 * Notes of an earlier run that said a setting was left out, when every setting they name is now added
 * (or was set by hand since): they would contradict the unit. Each goes with its line break.
 */
function staleNoteRemovals(document: TextDocument, unit: UnitFile, adding: ReadonlySet<string>): TextEdit[] {
  const set = new Set(unit.sections.filter((s) => s.name === 'Service').flatMap((s) => s.entries.map((e) => e.key)));
  const edits: TextEdit[] = [];
  for (const comment of unit.comments) {
    const text = comment.text.trim();
    const leftOut = text.indexOf(' left out: ');
    if (!text.startsWith(NOTE_PREFIX) || leftOut < 0) continue;
    const keys = [...text.slice(NOTE_PREFIX.length, leftOut).matchAll(/([A-Za-z]+)=/g)].map((m) => m[1]);
    if (keys.length === 0 || !keys.every((k) => adding.has(k) || set.has(k))) continue;
    const start = lineStartAt(unit.text, comment.span.start);
    let end = comment.span.end;
    end += unit.text[end] === '\r' && unit.text[end + 1] === '\n' ? 2 : end < unit.text.length ? 1 : 0;
    edits.push(TextEdit.del(rangeOf(document, { start, end })));
  }
  return edits;
}

/** The [Service] sections, and whether `range` touches one of them (from its header to the next section). */
function serviceSectionsAt(document: TextDocument, unit: UnitFile, range: Range): { sections: Section[]; touched: boolean } {
  const lo = document.offsetAt(range.start);
  const hi = document.offsetAt(range.end);
  const sections = unit.sections.filter((s) => s.name === 'Service');
  const touched = unit.sections.some((s, i) => {
    if (s.name !== 'Service') return false;
    const end = unit.sections[i + 1]?.headerSpan.start ?? unit.text.length;
    return s.headerSpan.start <= hi && lo <= end;
  });
  return { sections, touched };
}

function buildAction(
  document: TextDocument,
  unit: UnitFile,
  target: Section,
  title: string,
  adding: readonly Hardening[],
  conflicts: readonly Conflict[],
): CodeAction {
  const addedKeys = new Set(adding.map((h) => h.key));
  const existing = new Set(unit.comments.map((c) => c.text.trim()));
  const above = new Map<Entry, string[]>();
  const loose: string[] = [];
  for (const conflict of conflicts) {
    const note = noteFor(conflict, conflict.keys.filter((k) => addedKeys.has(k)), conflict.keys.filter((k) => !addedKeys.has(k)));
    // A note already in the file (an earlier run) is not written twice.
    if (!note || existing.has(note)) continue;
    existing.add(note);
    if (conflict.anchor) above.set(conflict.anchor, [...(above.get(conflict.anchor) ?? []), note]);
    else loose.push(note);
  }
  const edits: TextEdit[] = [...above].map(([entry, notes]) => insertAbove(document, unit, entry, notes));
  edits.push(...staleNoteRemovals(document, unit, addedKeys));
  edits.push(insertAfterSection(document, unit, target, [...loose, ...adding.map((h) => `${h.key}=${h.value}`)]));
  return { title, kind: CodeActionKind.RefactorRewrite, edit: { changes: { [document.uri]: edits } } };
}

export function sandboxingActions(document: TextDocument, unit: UnitFile, range: Range, ctx: FeatureContext): CodeAction[] {
  const { context } = ctx;
  if (context.unitType !== 'service' || context.isDropIn) return [];
  const { sections, touched } = serviceSectionsAt(document, unit, range);
  if (!touched) return [];
  const facts = factsOf(sections);
  // An assignment the author wrote (DynamicUser=no too) is kept; only the others are added.
  const missing = SANDBOXING.filter((h) => !facts.assigned.has(h.key));
  if (missing.length === 0) return [];
  const missingKeys = new Set(missing.map((h) => h.key));
  const conflicts = conflictsOf(facts, ctx)
    .map((c) => ({ ...c, keys: c.keys.filter((k) => missingKeys.has(k)) }))
    .filter((c) => c.keys.length > 0);
  const refused = new Set(conflicts.filter((c) => c.hard).flatMap((c) => c.keys));
  const conflicting = new Set(conflicts.flatMap((c) => c.keys));
  const safe = missing.filter((h) => !conflicting.has(h.key));
  const risky = missing.filter((h) => conflicting.has(h.key) && !refused.has(h.key));
  const target = sections[sections.length - 1];
  const actions: CodeAction[] = [];
  if (safe.length) {
    const leftOut = missing.filter((h) => conflicting.has(h.key)).map((h) => h.key);
    const title = leftOut.length ? `${ADD_SANDBOXING_TITLE} (without ${listOf(leftOut)})` : ADD_SANDBOXING_TITLE;
    actions.push(buildAction(document, unit, target, title, safe, conflicts));
  }
  if (risky.length) {
    const title = `${ADD_SANDBOXING_TITLE}, including ${listOf(risky.map((h) => h.key))} (conflicts noted in comments)`;
    actions.push(buildAction(document, unit, target, title, missing.filter((h) => !refused.has(h.key)), conflicts));
  }
  return actions;
}
