import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entriesOf, parseUnit, valueRangeToSpan, type Span, type UnitFile } from '../server/src/service/parser';

function slice(unit: UnitFile, span: Span): string {
  return unit.text.slice(span.start, span.end);
}

function entries(text: string): Array<[string, string, string]> {
  const unit = parseUnit(text);
  return [...entriesOf(unit)].map(({ section, entry }) => [section.name, entry.key, entry.value]);
}

test('sections, keys and values with exact spans', () => {
  const unit = parseUnit('[Unit]\nDescription = Echo server \n\n[Socket]\nListenStream=8080\n');
  assert.deepEqual(unit.sections.map((s) => s.name), ['Unit', 'Socket']);
  const [desc] = unit.sections[0].entries;
  assert.equal(desc.key, 'Description');
  assert.equal(desc.value, 'Echo server');
  assert.equal(slice(unit, desc.keySpan), 'Description');
  assert.equal(slice(unit, desc.valueSpan), 'Echo server');
  assert.equal(slice(unit, unit.sections[1].headerSpan), '[Socket]');
  assert.equal(slice(unit, unit.sections[1].nameSpan), 'Socket');
  assert.equal(slice(unit, unit.sections[1].span), '[Socket]\nListenStream=8080');
  assert.equal(unit.sections[1].entries[0].line, 4);
  assert.deepEqual(unit.problems, []);
});

test('# and ; start comments only at the beginning of a line', () => {
  assert.deepEqual(entries('[Socket]\n# ListenStream=1\n  ; ListenStream=2\nListenStream=8080 # web\nDescription=a;b\n'), [
    ['Socket', 'ListenStream', '8080 # web'],
    ['Socket', 'Description', 'a;b'],
  ]);
  assert.equal(parseUnit('[A]\n# x\n;y\n').comments.length, 2);
});

test('backslash continuation joins lines with a space and skips comment lines inside', () => {
  const text = '[Service]\nExecStart=/bin/echo \\\n# not part of it\n  one \\\n  two\nUser=nobody\n';
  const unit = parseUnit(text);
  const [exec, user] = unit.sections[0].entries;
  assert.equal(exec.value, '/bin/echo    one    two');
  assert.equal(user.value, 'nobody');
  // Value offsets map back across the continuation lines.
  const at = exec.value.indexOf('two');
  assert.equal(slice(unit, valueRangeToSpan(exec, at, at + 3)), 'two');
  const one = exec.value.indexOf('one');
  assert.equal(slice(unit, valueRangeToSpan(exec, one, one + 3)), 'one');
});

test('an escaped backslash at the end does not continue the line', () => {
  assert.deepEqual(entries('[A]\nK=a\\\\\nL=b\n'), [
    ['A', 'K', 'a\\\\'],
    ['A', 'L', 'b'],
  ]);
});

test('a continuation at the end of the file is still parsed', () => {
  assert.deepEqual(entries('[A]\nK=a \\'), [['A', 'K', 'a']]);
});

test('empty assignment keeps an empty value (it resets lists in systemd)', () => {
  const unit = parseUnit('[Socket]\nListenStream=\n');
  const [e] = unit.sections[0].entries;
  assert.equal(e.value, '');
  assert.equal(e.valueSpan.start, e.valueSpan.end);
  assert.equal(e.valueSpan.start, unit.text.indexOf('=') + 1);
});

test('X- sections and keys are kept like any other', () => {
  assert.deepEqual(entries('[X-Custom]\nX-Foo=bar\n'), [['X-Custom', 'X-Foo', 'bar']]);
});

test('CRLF and lone CR end lines', () => {
  assert.deepEqual(entries('[Socket]\r\nListenStream=80\r\nAccept=yes\rBacklog=5'), [
    ['Socket', 'ListenStream', '80'],
    ['Socket', 'Accept', 'yes'],
    ['Socket', 'Backlog', '5'],
  ]);
  const unit = parseUnit('[A]\r\nK=v\r\n');
  assert.equal(slice(unit, unit.sections[0].entries[0].valueSpan), 'v');
});

test('a BOM is stripped from the first line only, after the comment check', () => {
  assert.deepEqual(entries('\uFEFF[Socket]\nListenStream=80\n'), [['Socket', 'ListenStream', '80']]);
  // systemd checks for comments before stripping the BOM, so "BOM#" is not a comment.
  const unit = parseUnit('\uFEFF# comment\n[Socket]\n');
  assert.deepEqual(unit.problems.map((p) => p.kind), ['assignment-outside-section']);
});

test('syntax problems: missing =, missing key, outside section, bad header, invalid UTF-8', () => {
  const unit = parseUnit('K=v\n[Socket]\nListenStream 80\n=80\n[Socket\n[Bad"Name]\nDescription=caf\uFFFD\n');
  assert.deepEqual(unit.problems.map((p) => p.kind), [
    'assignment-outside-section',
    'missing-equals',
    'missing-key',
    'invalid-section-header',
    'invalid-section-header',
    'invalid-utf8',
  ]);
  assert.equal(slice(unit, unit.problems[1].span), 'ListenStream 80');
  assert.equal(unit.orphanEntries[0].key, 'K');
});

test('a header with text after the bracket is invalid (systemd has no inline comments)', () => {
  assert.deepEqual(parseUnit('[Socket] # main\n').problems.map((p) => p.kind), ['invalid-section-header']);
  assert.deepEqual(parseUnit('  [Socket]  \n').problems, []);
});

test('NUL bytes and binary junk end lines and never throw', () => {
  const junk = Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
  const unit = parseUnit('[Socket]\nListenStream=80\0Accept=yes\n' + junk);
  assert.equal(unit.sections[0].entries[0].value, '80');
  assert.equal(unit.sections[0].entries[1].key, 'Accept');
});

test('10,000 lines parse without quadratic blow-up', () => {
  const lines = ['[Socket]'];
  for (let i = 0; i < 10_000; i++) lines.push(i % 10 === 0 ? `# note ${i}` : `ListenStream=127.0.0.1:${1000 + i}`);
  const unit = parseUnit(lines.join('\n'));
  assert.equal(unit.sections[0].entries.length, 9000);
});
