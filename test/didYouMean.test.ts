/**
 * Did-you-mean for unknown keys must never turn a line into another setting with another meaning: no
 * suggestion already set in the section, none whose parser rejects the line's value, a preferred fix only
 * when it is certain, and keys systemd does not have at all (SocketLinger=, Listen=, Port= …) explained.
 * The property part runs over every directive of the common sections, with typos at edit distance 1 and 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-types';
import { directiveAt, editDistance } from '../server/src/service/catalog';
import { doCodeActions } from '../server/src/service/codeActions';
import type { FeatureContext } from '../server/src/service/featureContext';
import { createLanguageService } from '../server/src/service/languageService';
import { validatorForParser } from '../server/src/service/values';
import { dropsAssignment } from '../server/src/service/analysis';
import { isSingleValue } from '../server/src/service/diagnostics/duplicates';
import { didYouMean } from '../server/src/service/diagnostics/directives';

const ls = createLanguageService({});
const VERSION = 262;

function check(text: string, path = '/proj/web.socket') {
  const document = TextDocument.create(`file://${path}`, 'systemd-unit-file', 1, text);
  const unit = ls.parse(document);
  const diagnostics = ls.doValidation(document, unit, { systemdVersion: VERSION });
  const ctx: FeatureContext = { catalog: ls.catalog, context: ls.contextOf(document), systemdVersion: VERSION, workspaceUnits: [] };
  const unknown = diagnostics.filter((d) => d.code === 'unknown-directive');
  const actions = (d: Diagnostic) => doCodeActions(document, unit, d.range, diagnostics, ctx).filter((a) => a.diagnostics?.includes(d));
  return { unknown, actions };
}

test('SocketLinger=0 beside SocketUser=myapp: no "Did you mean SocketUser=?", a message saying systemd has no such setting', () => {
  const { unknown, actions } = check('[Socket]\nListenStream=80\nSocketUser=myapp\nSocketLinger=0\n');
  assert.equal(unknown.length, 1);
  assert.match(unknown[0].message, /SO_LINGER/);
  assert.doesNotMatch(unknown[0].message, /SocketUser/);
  assert.deepEqual(actions(unknown[0]).map((a) => a.title), []);
});

test('keys people look for that systemd lacks: Listen=, ListenTCP=, Port= name what to write instead', () => {
  for (const key of ['Listen', 'ListenTCP', 'Port', 'ListenUDP']) {
    const { unknown } = check(`[Socket]\nListenStream=80\n${key}=8080\n`);
    assert.equal(unknown.length, 1, key);
    assert.match(unknown[0].message, /systemd has no/, key);
    assert.match(unknown[0].message, /Listen(Stream|Datagram)=/, key);
  }
});

test('a list key already set is still offered (one more socket), a single-value one is not', () => {
  const { unknown } = check('[Socket]\nListenStream=80\nListenStrem=81\n');
  assert.ok((unknown[0].data as { suggestions: string[] }).suggestions.includes('ListenStream'));
});

test('a single-value suggestion already set in the section is not offered (renaming would override it)', () => {
  const { unknown, actions } = check('[Socket]\nListenStream=80\nBacklog=10\nBaclog=20\n');
  assert.ok(!(unknown[0].data as { suggestions: string[] }).suggestions.includes('Backlog'));
  assert.ok(!actions(unknown[0]).some((a) => a.title === 'Change to Backlog='));
});

test('a suggestion whose parser rejects the value is not offered; a single close one is preferred', () => {
  // Backlog= takes a number: "Baclog=lots" is not offered Backlog=; "Baclog=20" is, as the preferred fix.
  assert.ok(!check('[Socket]\nListenStream=80\nBaclog=lots\n').unknown[0].message.includes('Backlog='));
  const { unknown, actions } = check('[Socket]\nListenStream=80\nBaclog=20\n');
  const fixes = actions(unknown[0]);
  assert.deepEqual(fixes.map((a) => [a.title, a.isPreferred === true]), [['Change to Backlog=', true]]);
});

/** Typos of a name: one character dropped, two neighbours swapped, and both (edit distance 1 and 2). */
function typos(name: string): string[] {
  const out = new Set<string>();
  for (let i = 1; i < name.length; i++) {
    const dropped = name.slice(0, i) + name.slice(i + 1);
    out.add(dropped);
    if (i < name.length - 1) out.add(name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2));
    if (i < dropped.length - 1) out.add(dropped.slice(0, i) + dropped[i + 1] + dropped[i] + dropped.slice(i + 2));
  }
  out.delete(name);
  return [...out];
}

/** A value the directive's own parser accepts, to set it in the section. */
function acceptedValue(section: string, name: string): string | undefined {
  const def = directiveAt(ls.catalog.lookup(section, name)!, VERSION);
  const validate = validatorForParser(def.parser, def.ltype);
  for (const v of [...(def.enumValues ?? []), 'yes', '1', '10s', '/run/x', 'x']) {
    if (!validate || !validate(v, { directive: def, systemdVersion: VERSION }).some(dropsAssignment)) return v;
  }
  return undefined;
}

test('property: over every directive and typos at distance 1-2, no fix proposes a single-value key already set, and a preferred one takes the value', () => {
  const files: Record<string, string> = { Socket: '/proj/web.socket', Service: '/proj/web.service', Unit: '/proj/web.service', Timer: '/proj/web.timer' };
  let cases = 0;
  for (const [section, path] of Object.entries(files)) {
    for (const def of ls.catalog.directivesIn(section)) {
      if (def.status || def.aliasOf) continue;
      const setValue = acceptedValue(section, def.name);
      if (setValue === undefined) continue;
      for (const typo of typos(def.name).slice(0, 4)) {
        if (ls.catalog.lookup(section, typo)) continue;
        const base = section === 'Socket' ? 'ListenStream=80\n' : section === 'Service' ? 'ExecStart=/bin/true\n' : section === 'Timer' ? 'OnCalendar=daily\n' : '';
        const { unknown, actions } = check(`[${section}]\n${base}${def.name}=${setValue}\n${typo}=${setValue}\n`, path);
        for (const d of unknown) {
          for (const a of actions(d)) {
            const target = /^Change to (\w+)=$/.exec(a.title)?.[1];
            if (!target) continue;
            cases++;
            if (isSingleValue(directiveAt(def, VERSION))) assert.notEqual(target, def.name, `${typo}= next to ${def.name}=: offers the single-value key already set`);
            if (a.isPreferred) {
              const t = directiveAt(ls.catalog.lookup(section, target)!, VERSION);
              const validate = validatorForParser(t.parser, t.ltype);
              assert.ok(!validate || !validate(setValue, { directive: t, systemdVersion: VERSION }).some(dropsAssignment), `${typo}=${setValue}: preferred ${target}= rejects the value`);
            }
          }
        }
      }
    }
  }
  assert.ok(cases > 100, `only ${cases} fixes looked at`);
});

const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Every string one edit from `s` (drop, swap of neighbours, replacement, insertion), over `letters`. */
function oneEdit(s: string, letters: string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= s.length; i++) {
    if (i < s.length) out.push(s.slice(0, i) + s.slice(i + 1));
    if (i < s.length - 1) out.push(s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2));
    for (const c of letters) {
      if (i < s.length && s[i].toLowerCase() !== c) out.push(s.slice(0, i) + c + s.slice(i + 1));
      out.push(s.slice(0, i) + c + s.slice(i));
    }
  }
  return out;
}

/** Checks one typo of `meant` in both settings (meant already set, or not); returns what went wrong. */
function judge(section: string, meant: string, typo: string, value: string, stats: { typos: number; preferred: number }): string[] {
  if (ls.catalog.lookup(section, typo) || !/^[A-Za-z0-9_-]+$/.test(typo)) return [];
  stats.typos++;
  const wanted = directiveAt(ls.catalog.lookup(section, meant)!, VERSION);
  const failures: string[] = [];
  for (const taken of [new Set([meant]), new Set<string>()]) {
    const { names, certain } = didYouMean(ls.catalog, VERSION, section, taken, typo, value);
    if (!certain) continue;
    stats.preferred++;
    const target = names[0];
    const t = directiveAt(ls.catalog.lookup(section, target)!, VERSION);
    const where = `[${section}] ${typo}=${value}${taken.size ? ` beside ${meant}=` : ''} (meant ${meant}=)`;
    if (taken.has(target)) failures.push(`${where}: preferred ${target}= is already set`);
    if (t.parser !== wanted.parser) failures.push(`${where}: preferred ${target}= takes another value type (${t.parser}, not ${wanted.parser})`);
    if (editDistance(typo.toLowerCase(), target.toLowerCase(), 1) > 1) failures.push(`${where}: preferred ${target}= is more than one edit away`);
  }
  return failures;
}

/**
 * The did-you-mean property over the whole catalog (every section, every directive), in two parts:
 *   1. every directive, with its typos one edit away by drop, swap, and replacement or insertion of "x"
 *      (and, for the meant key, both with it set in the section and without);
 *   2. exhaustively, every typo at distance 1-2 of a directive D that is one edit (any letter or digit)
 *      from another directive T of the section. These are all the typos where a fix could name the wrong
 *      key: a preferred fix is one edit from the typo (checked in both parts), so a wrong target T sits
 *      one edit from a typo two edits from D, and then D and T are at most three edits apart.
 */
test('property: every directive of the catalog, typos at distance 1-2: a preferred did-you-mean is never already set, never of another value type', () => {
  const stats = { typos: 0, preferred: 0 };
  const failures: string[] = [];
  for (const section of [...new Set(ls.catalog.data.directives.map((d) => d.section))]) {
    const defs = ls.catalog.directivesIn(section).filter((d) => !d.status && !d.aliasOf);
    const values = new Map(defs.map((d) => [d.name, acceptedValue(section, d.name)]));
    for (const def of defs) {
      const value = values.get(def.name);
      if (value === undefined) continue;
      for (const typo of new Set(oneEdit(def.name, 'x'))) failures.push(...judge(section, def.name, typo, value, stats));
    }
    for (const meant of defs) {
      const value = values.get(meant.name);
      if (value === undefined) continue;
      const m = meant.name.toLowerCase();
      for (const other of defs) {
        if (other === meant || editDistance(m, other.name.toLowerCase(), 3) > 3) continue;
        for (const typo of new Set(oneEdit(other.name, LETTERS))) {
          if (editDistance(typo.toLowerCase(), m, 2) <= 2) failures.push(...judge(section, meant.name, typo, value, stats));
        }
      }
    }
    if (failures.length > 20) break;
  }
  assert.deepEqual(failures.slice(0, 20), []);
  assert.ok(stats.typos > 50_000 && stats.preferred > 1_000, `only ${stats.typos} typos and ${stats.preferred} preferred fixes looked at`);
});
