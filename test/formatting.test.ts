/**
 * Formatting (server/src/service/formatting.ts): each rule on a small text, range and on-type formatting,
 * a seeded property test (formatting twice changes nothing more, and the formatted text reads the same
 * sections, keys, values, ignored lines and comments), and every fixture and example unit checked with
 * `systemd-analyze verify` before and after (the same messages, line numbers mapped through the edits).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver-types';
import { parseUnit, type UnitFile } from '../server/src/service/parser';
import { formatDocument, formatOnType, formatRange } from '../server/src/service/formatting';
import { describeValidator, validators, type Validator } from './helpers/validators';
import type { VerifyOutcome } from './helpers/cli';
import { prng } from './helpers/random';

function documentOf(text: string, uri = 'file:///units/x.service'): TextDocument {
  return TextDocument.create(uri, 'systemd-unit-file', 1, text);
}

function format(text: string): string {
  const document = documentOf(text);
  return TextDocument.applyEdits(document, formatDocument(document, parseUnit(text)));
}

// ---------------------------------------------------------------------------------------------------
// The rules, one text each: [what, before, after]

const RULES: Array<[string, string, string]> = [
  ['blanks around the first = go', '[Unit]\nDescription = Echo  server\n', '[Unit]\nDescription=Echo  server\n'],
  ['tabs around = go too', '[Unit]\nDescription\t=\tEcho\n', '[Unit]\nDescription=Echo\n'],
  ['only the first = of an assignment', '[Service]\nEnvironment = A = b\n', '[Service]\nEnvironment=A = b\n'],
  ['an empty value stays empty', '[Service]\nExecStart =\nUser =   \n', '[Service]\nExecStart=\nUser=\n'],
  ['trailing blanks go, on comments too', '[Unit]\nDescription=x  \t\n# note  \n', '[Unit]\nDescription=x\n# note\n'],
  // systemd's escape scan sees the blanks last: `one \  ` is the value `one \`, not a continuation.
  ['a backslash followed by blanks keeps its blanks', '[Service]\nRestart=one \\   \nRestart=two\n', '[Service]\nRestart=one \\   \nRestart=two\n'],
  ['one blank line is put between sections', '[Unit]\nA=1\n[Service]\nB=2\n', '[Unit]\nA=1\n\n[Service]\nB=2\n'],
  ['runs of blank lines shrink to one', '[Unit]\nA=1\n\n\n\nB=2\n\n \n\n[Service]\n', '[Unit]\nA=1\n\nB=2\n\n[Service]\n'],
  ['the blank line goes above the comments of a header', '[Unit]\nA=1\n# the service\n[Service]\n', '[Unit]\nA=1\n\n# the service\n[Service]\n'],
  ['no blank lines at the start or the end', '\n\n  \n[Unit]\nA=1\n\n\n', '[Unit]\nA=1\n'],
  ['a final line break is added', '[Unit]\nA=1', '[Unit]\nA=1\n'],
  ['an empty file stays empty', '', ''],
  // An empty file is a masked unit; a file of blank lines is not (systemd-analyze verify agrees).
  ['a file of blank lines keeps one line break', '\n \n\t\n', '\n'],
  ['… in its own style', '\r\n\r\n', '\r\n'],
  // The blank line ends the continuation: without it `--b` would join ExecStart=.
  ['a blank line that ends a continuation stays', '[Service]\nExecStart=/bin/foo \\\n  --a \\\n\n  --b\n', '[Service]\nExecStart=/bin/foo \\\n  --a \\\n\n  --b\n'],
  ['… and only one of the blank lines after it', '[Service]\nExecStart=/bin/foo \\\n\n\n\nUser=x\n', '[Service]\nExecStart=/bin/foo \\\n\nUser=x\n'],
  ['… also at the end of the file', '[Service]\nExecStart=/bin/foo \\\n  \n\n', '[Service]\nExecStart=/bin/foo \\\n\n'],
  ['comment lines inside a continuation stay', '[Service]\nExecStart=/bin/foo \\\n# c\n  --a  \n', '[Service]\nExecStart=/bin/foo \\\n# c\n  --a\n'],
  ['continuation lines and indentation stay', '[Service]\nExecStart = /bin/foo \\\n    --a \\\n    --b\n', '[Service]\nExecStart=/bin/foo \\\n    --a \\\n    --b\n'],
  ['a = on the line after the key is left alone', '[Service]\nUser \\\n= x\n', '[Service]\nUser \\\n= x\n'],
  [
    'lines systemd ignores keep their = (outside a section, no key, no =)',
    'Foo = bar\n[Unit]\nno equals here  \n = value\n',
    'Foo = bar\n\n[Unit]\nno equals here\n = value\n',
  ],
  ['blanks inside a section header are part of its name', '[ Unit ]  \nA = 1\n', '[ Unit ]\nA=1\n'],
  [', comments stay where they are', '[Unit]\n; one\nA=1 # two\n#three\n', '[Unit]\n; one\nA=1 # two\n#three\n'],
  ['CRLF line breaks are kept, and used for new ones', '[Unit]\r\nA = 1\r\n[Service]\r\nB=2', '[Unit]\r\nA=1\r\n\r\n[Service]\r\nB=2\r\n'],
  // Emptying the blank line of `\r  \n` would make one CRLF of two line breaks: it gets the CR above.
  ['a blank line between a CR and an LF stays a line', '[Service]\nExecStart=/bin/foo \\\r  \nUser=x\n', '[Service]\nExecStart=/bin/foo \\\r\rUser=x\n'],
  ['CR line breaks too', '[Unit]\rA = 1\r[Service]\rB=2\r\r', '[Unit]\rA=1\r\r[Service]\rB=2\r'],
  // systemd refuses the file at the bad header: nothing in it is formatted.
  ['a file with an invalid section header is left alone', '[Unit]\nA = 1\n[Bad\nB = 2\n', '[Unit]\nA = 1\n[Bad\nB = 2\n'],
  ['a file with invalid UTF-8 is left alone', '[Unit]\nA = \uFFFD\n\n\n', '[Unit]\nA = \uFFFD\n\n\n'],
];

for (const [what, before, expected] of RULES) {
  test(`format: ${what}`, () => {
    assert.equal(format(before), expected);
    assert.equal(format(expected), expected, 'formatting the result again changes it');
  });
}

test('format: the edits are small, not a rewrite of the document', () => {
  const text = '[Unit]\nDescription = Echo\n[Socket]\nListenStream=8080\n';
  const document = documentOf(text);
  const edits = formatDocument(document, parseUnit(text));
  assert.deepEqual(edits, [
    { range: { start: { line: 1, character: 11 }, end: { line: 1, character: 12 } }, newText: '' },
    { range: { start: { line: 1, character: 13 }, end: { line: 1, character: 14 } }, newText: '' },
    { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, newText: '\n' },
  ]);
});

test('format: a tree of another version of the text gives no edits', () => {
  const document = documentOf('[Unit]\nA = 1\n');
  assert.deepEqual(formatDocument(document, parseUnit('[Unit]\nA = 2\n')), []);
});

test('range formatting touches only the lines of the range', () => {
  const text = '[Unit]\nA = 1\nB = 2\n\n\nC = 3\n[Service]\nD = 4';
  const document = documentOf(text);
  const unit = parseUnit(text);
  const apply = (edits: TextEdit[]) => TextDocument.applyEdits(document, edits);
  // Lines 1–2; the range ends at the start of line 3, which it does not take.
  assert.equal(apply(formatRange(document, unit, { start: { line: 1, character: 3 }, end: { line: 3, character: 0 } })), '[Unit]\nA=1\nB=2\n\n\nC = 3\n[Service]\nD = 4');
  // Half of a run of blank lines, then the header and the end of the file.
  assert.equal(apply(formatRange(document, unit, { start: { line: 4, character: 0 }, end: { line: 7, character: 5 } })), '[Unit]\nA = 1\nB = 2\n\nC=3\n\n[Service]\nD=4\n');
});

test('on-type formatting after = takes the blanks around that = only', () => {
  const onType = (text: string, line: number, character: number) => {
    const document = documentOf(text);
    return TextDocument.applyEdits(document, formatOnType(document, parseUnit(text), { line, character }, '='));
  };
  assert.equal(onType('[Unit]\nDescription =  \nA = 1  \n', 1, 13), '[Unit]\nDescription=\nA = 1  \n');
  // A second = inside a value is part of the value.
  assert.equal(onType('[Service]\nEnvironment=A = b\n', 1, 15), '[Service]\nEnvironment=A = b\n');
  // Outside a section systemd ignores the line.
  assert.equal(onType('Description = x\n', 0, 13), 'Description = x\n');
  const text = '[Unit]\nA = 1\n';
  assert.deepEqual(formatOnType(documentOf(text), parseUnit(text), { line: 1, character: 3 }, ':'), []);
});

// ---------------------------------------------------------------------------------------------------
// Property: idempotent, and systemd reads the same thing

/** What systemd reads from a file, plus what it ignores and the comments (without their trailing blanks). */
function reading(unit: UnitFile) {
  return {
    sections: unit.sections.map((s) => [s.name, s.entries.map((e) => [e.key, e.value])]),
    orphans: unit.orphanEntries.map((e) => [e.key, e.value]),
    problems: unit.problems.map((p) => [p.kind, p.text]),
    comments: unit.comments.map((c) => c.text.replace(/[ \t]+$/, '')),
  };
}

function generatedUnit(rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const blanks = () => pick(['', '', ' ', '  ', '\t', ' \t ']);
  const word = () => pick(['8080', 'yes', '/bin/foo', '--a', 'a=b', '#x', ';y', '\\', '\\\\', 'x\\ y', '%i', '"q z"', '']);
  const lineKinds: Array<() => string> = [
    () => `${blanks()}[${pick(['Unit', 'Service', 'Socket', 'Install', ' Unit ', 'X-Y'])}]${blanks()}`,
    () => `${blanks()}${pick(['Description', 'ExecStart', 'ListenStream', 'User', 'Foo Bar'])}${blanks()}=${blanks()}${word()} ${word()}${pick(['', '', ' \\', '\\', ' \\  '])}${blanks()}`,
    () => `${blanks()}${pick(['#', ';'])}${word()}${pick(['', '\\', ' \\ '])}${blanks()}`,
    () => blanks(),
    () => '',
    () => `${blanks()}${word()} ${word()}${pick(['', ' \\'])}${blanks()}`,
    () => `${blanks()}=${word()}`,
  ];
  const eol = pick(['\n', '\n', '\r\n', '\r']);
  const lines: string[] = [];
  const count = Math.floor(rnd() * 25);
  for (let i = 0; i < count; i++) lines.push(pick(lineKinds)());
  const breaks = () => (rnd() < 0.15 ? pick(['\n', '\r\n', '\r']) : eol);
  return lines.map((l, i) => l + (i < lines.length - 1 || rnd() < 0.7 ? breaks() : '')).join('');
}

/** A real unit with blanks, blank lines, continuations, backslashes before blanks, comments and CRLFs sprinkled in. */
function mutatedUnit(rnd: () => number, text: string): string {
  let out = '';
  for (const ch of text) {
    const r = rnd();
    if (ch === '=' && r < 0.3) out += ` ${ch}${rnd() < 0.5 ? ' ' : '\t'}`;
    else if (ch === '\n' && r < 0.1) out += ` \n${rnd() < 0.5 ? '\n' : ''}`;
    else if (ch === '\n' && r < 0.13) out += '\\\n';
    else if (ch === '\n' && r < 0.15) out += '\n\n\n';
    else if (ch === '\n' && r < 0.17) out += ' \\  \n';
    else if (ch === '\n' && r < 0.19) out += '\\\n# inside  \n';
    else if (ch === '\n' && r < 0.2) out += '\r\n';
    else out += ch;
  }
  return rnd() < 0.5 ? out : `\n\n${out.trimEnd()}`;
}

function checkProperty(text: string, origin: string): void {
  const once = format(text);
  assert.equal(format(once), once, `${origin}: formatting twice changes more\n${JSON.stringify(text)}`);
  assert.deepEqual(reading(parseUnit(once)), reading(parseUnit(text)), `${origin}: the formatted text reads differently\n${JSON.stringify(text)}\n→ ${JSON.stringify(once)}`);
}

const REPO = path.join(__dirname, '..');
const UNIT_FILE = /\.(socket|service|timer|path|mount|automount|swap|target|slice)$/;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** Unit files and drop-ins of test/fixtures/** and examples/**. */
const CORPUS = [...filesUnder(path.join(REPO, 'test', 'fixtures')), ...filesUnder(path.join(REPO, 'examples'))].filter(
  (f) => UNIT_FILE.test(f) || (f.endsWith('.conf') && path.basename(path.dirname(f)).endsWith('.d')),
);

test('property: generated units format idempotently and read the same (seeded)', () => {
  const seed = Number(process.env.SOCKACT_FORMAT_SEED ?? 20261202);
  for (let i = 0; i < 3000; i++) {
    const rnd = prng(seed + i);
    checkProperty(generatedUnit(rnd), `seed ${seed + i}`);
  }
});

test('property: mutated fixture and example units format idempotently and read the same (seeded)', () => {
  assert.ok(CORPUS.length > 100, `only ${CORPUS.length} unit files found`);
  const seed = Number(process.env.SOCKACT_FORMAT_SEED ?? 1202);
  CORPUS.forEach((file, i) => {
    const text = fs.readFileSync(file, 'utf8');
    checkProperty(text, path.relative(REPO, file));
    for (let j = 0; j < 5; j++) checkProperty(mutatedUnit(prng(seed + i * 7 + j), text), `${path.relative(REPO, file)}, seed ${seed + i * 7 + j}`);
  });
});

// ---------------------------------------------------------------------------------------------------
// systemd-analyze verify, before and after

/**
 * Old 1-based line → new 1-based line, from edits that delete or insert whole lines (and edit inside lines).
 * The final line break added at the end counts no line: systemd numbers a continuation left open at the
 * end of the file one past its last line either way.
 */
function lineMap(document: TextDocument, edits: readonly TextEdit[]): (line: number) => number {
  const last = document.positionAt(document.getText().length);
  return (line) => {
    let shift = 0;
    for (const e of edits) {
      const { start, end } = e.range;
      if (end.line > line - 1 || (end.line === line - 1 && end.character > 0)) continue;
      if (start.line === last.line && start.character === last.character) continue;
      shift += (e.newText.match(/\r\n|\r|\n/g)?.length ?? 0) - (end.line - start.line);
    }
    return line + shift;
  };
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sockact-format-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The folders with unit files (drop-in folders go with their unit's folder). */
const FOLDERS = [...new Set(CORPUS.filter((f) => UNIT_FILE.test(f)).map((f) => path.dirname(f)))];

/** Messages as comparable lines: the copy's folder replaced by a fixed name, lines mapped. */
function messages(o: VerifyOutcome, folder: string, map: (file: string, line: number) => number): string[] {
  const local = (s: string) => s.split(folder).join('<unit folder>');
  return [
    ...o.parseMessages.map((m) => `${local(m.subject)}:${m.line === undefined ? '?' : map(m.subject, m.line)}: ${local(m.text)}`),
    ...o.refusals.map((m) => local(m.text)),
    ...o.unrecognised.map(local),
  ];
}

const isUnitOrDropIn = (file: string) => UNIT_FILE.test(file) || (file.endsWith('.conf') && path.basename(path.dirname(file)).endsWith('.d'));

/**
 * Verify of a folder's units as they are (or mutated with `seed`: blanks around `=` and at line ends,
 * blank lines, continuations), and again after formatting. Returns false when formatting changed
 * nothing, so there was nothing to compare.
 */
function checkFolder(v: Validator, folder: string, index: string, seed?: number): boolean {
  const rel = path.relative(REPO, folder);
  if (!fs.existsSync(folder)) throw new Error(`${folder} is missing`);
  const before = path.join(scratch, `${v.version}-before-${index}`, 'units');
  const afterDir = path.join(scratch, `${v.version}-after-${index}`, 'units');
  fs.cpSync(folder, before, { recursive: true });
  fs.cpSync(folder, afterDir, { recursive: true });
  const maps = new Map<string, (line: number) => number>();
  let changed = false;
  filesUnder(before).filter(isUnitOrDropIn).forEach((file, k) => {
    let text = fs.readFileSync(file, 'utf8');
    if (seed !== undefined) fs.writeFileSync(file, (text = mutatedUnit(prng(seed + k), text)));
    const document = documentOf(text);
    const edits = formatDocument(document, parseUnit(text));
    changed ||= edits.length > 0;
    fs.writeFileSync(path.join(afterDir, path.relative(before, file)), TextDocument.applyEdits(document, edits));
    maps.set(path.relative(before, file), lineMap(document, edits));
  });
  if (!changed) return false;
  const units = fs.readdirSync(folder).filter((f) => UNIT_FILE.test(f) && fs.statSync(path.join(folder, f)).isFile()).sort();
  const old = v.verify(units.map((f) => path.join(before, f)));
  const now = v.verify(units.map((f) => path.join(afterDir, f)));
  const mapped = messages(old, before, (subject, line) => maps.get(path.relative(before, subject))?.(line) ?? line);
  const what = seed === undefined ? rel : `${rel} mutated with seed ${seed}`;
  assert.deepEqual(messages(now, afterDir, (_s, line) => line), mapped, `${describeValidator(v)} on ${what}: verify says something else after formatting`);
  return true;
}

/** The rule texts as units of one folder: the continuation and blank-line cases checked against systemd itself. */
function ruleFolder(): string {
  const dir = path.join(scratch, 'rules');
  fs.mkdirSync(dir, { recursive: true });
  RULES.forEach(([, before], i) => fs.writeFileSync(path.join(dir, `rule-${i}.service`), before));
  return dir;
}

const found = validators();
test('verify: the validators are here', { skip: found.length ? false : 'no systemd-analyze on this machine' }, () => {
  assert.ok(found.some((v) => v.origin === 'local'));
});
for (const v of found) {
  test(`verify ${v.version} (${v.origin}) prints the same messages for every fixture and example after formatting`, (t) => {
    assert.ok(FOLDERS.length > 50, `only ${FOLDERS.length} folders`);
    // Most fixtures are tidy already: folders where formatting changes nothing are not run twice.
    const compared = FOLDERS.filter((folder, i) => checkFolder(v, folder, String(i))).length;
    t.diagnostic(`${compared} of ${FOLDERS.length} folders changed by formatting`);
  });
  test(`verify ${v.version} (${v.origin}) prints the same messages for mutated fixtures and examples after formatting (seeded)`, (t) => {
    const seed = Number(process.env.SOCKACT_FORMAT_SEED ?? 1202);
    const compared = FOLDERS.filter((folder, i) => checkFolder(v, folder, `m${i}`, seed + i * 31)).length;
    assert.ok(compared > FOLDERS.length / 2, `only ${compared} of ${FOLDERS.length} mutated folders changed by formatting`);
    t.diagnostic(`${compared} of ${FOLDERS.length} mutated folders compared`);
  });
  test(`verify ${v.version} (${v.origin}) prints the same messages for the rule texts after formatting`, () => {
    assert.ok(checkFolder(v, ruleFolder(), 'rules'));
  });
}
