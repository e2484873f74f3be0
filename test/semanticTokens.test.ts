/**
 * Semantic tokens (server/src/service/semanticTokens.ts): the decoded token list of a sample unit, what the
 * target version changes (unknown, deprecated and ignored keys), continued values, range requests, a
 * legend of LSP's standard types only, the time for a 10,000-line unit, and no exception on any input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SemanticTokenModifiers, SemanticTokenTypes, type Range } from 'vscode-languageserver-types';
import { defaultCatalog } from '../server/src/service/catalog';
import { parseUnit } from '../server/src/service/parser';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from '../server/src/service/semanticTokens';
import { prng } from './helpers/random';

/** The tokens as `line:character text type[+modifiers]`. */
function decode(text: string, version = 252, range?: Range, uri = 'file:///units/web@.service'): string[] {
  const document = TextDocument.create(uri, 'systemd-unit-file', 1, text);
  const { data } = semanticTokens(document, parseUnit(text), { catalog: defaultCatalog(), systemdVersion: version }, range);
  const out: string[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [dLine, dChar, length, type, bits] = data.slice(i, i + 5);
    character = dLine === 0 ? character + dChar : dChar;
    line += dLine;
    const modifiers = SEMANTIC_TOKENS_LEGEND.tokenModifiers.filter((_, b) => bits & (1 << b));
    const word = document.getText({ start: { line, character }, end: { line, character: character + length } });
    out.push(`${line}:${character} ${word} ${SEMANTIC_TOKENS_LEGEND.tokenTypes[type]}${modifiers.map((m) => `+${m}`).join('')}`);
  }
  return out;
}

const SAMPLE = [
  '[Unit]',
  'Description=Web %i',
  'Requires=web-%i.socket network.target',
  'X-Owner=ops',
  '# Bogus=comment',
  '[Socket]',
  'ListenStream=127.0.0.1:8080',
  'ListenStream=/run/web/%i.sock',
  'Accept=yes',
  'Backlog=128',
  'TriggerLimitIntervalSec=5min 20s',
  '[Service]',
  'Type=notify',
  'ExecStart=-/usr/bin/web --port \\',
  '  %i',
  'MemoryLimit=1G',
  'TimeoutSec=infinity',
  'WorkingDirectory=/srv/web',
  'Bogus=1',
  '',
].join('\n');

test('semantic tokens: every part of a sample unit, decoded', () => {
  assert.deepEqual(decode(SAMPLE), [
    '0:1 Unit namespace+declaration',
    '1:0 Description property',
    '1:16 %i macro',
    '2:0 Requires property',
    '2:9 web- type',
    '2:13 %i macro',
    '2:15 .socket type',
    '2:23 network.target type',
    '3:0 X-Owner variable',
    '5:1 Socket namespace+declaration',
    '6:0 ListenStream property',
    '6:13 127.0.0.1:8080 number',
    '7:0 ListenStream property',
    '7:13 /run/web/ string',
    '7:22 %i macro',
    '7:24 .sock string',
    '8:0 Accept property',
    '8:7 yes keyword',
    '9:0 Backlog property',
    '9:8 128 number',
    '10:0 TriggerLimitIntervalSec property',
    '10:24 5min number',
    '10:29 20s number',
    '11:1 Service namespace+declaration',
    '12:0 Type property',
    '12:5 notify enumMember',
    '13:0 ExecStart property',
    '13:11 /usr/bin/web function',
    // The continued value: its second line gets its own token.
    '14:2 %i macro',
    // Applied at 252, but logged as deprecated.
    '15:0 MemoryLimit property+deprecated',
    '15:12 1G number',
    '16:0 TimeoutSec property',
    '16:11 infinity keyword',
    '17:0 WorkingDirectory property',
    '17:17 /srv/web string',
    '18:0 Bogus variable',
  ]);
});

test('semantic tokens follow the target version', () => {
  const text = '[Socket]\nDeferTrigger=yes\n[Service]\nMemoryLimit=1G\n';
  // DeferTrigger= arrived in 258: unknown to 252; MemoryLimit= is ignored from 258 on (no value colours).
  assert.deepEqual(decode(text, 252), ['0:1 Socket namespace+declaration', '1:0 DeferTrigger variable', '2:1 Service namespace+declaration', '3:0 MemoryLimit property+deprecated', '3:12 1G number']);
  assert.deepEqual(decode(text, 262), ['0:1 Socket namespace+declaration', '1:0 DeferTrigger property', '1:13 yes enumMember', '2:1 Service namespace+declaration', '3:0 MemoryLimit property+deprecated']);
});

test('semantic tokens: ports, IPv6 and abstract sockets, %% is not a specifier, lines systemd ignores get nothing', () => {
  assert.deepEqual(decode('Description=outside\n[Socket]\nListenStream=8080\nListenDatagram=[::1]:53\nListenStream=@web\nListenStream=/run/100%%\nno equals\n'), [
    '1:1 Socket namespace+declaration',
    '2:0 ListenStream property',
    '2:13 8080 number',
    '3:0 ListenDatagram property',
    '3:15 [::1]:53 number',
    '4:0 ListenStream property',
    '4:13 @web string',
    '5:0 ListenStream property',
    '5:13 /run/100%% string',
  ]);
});

test('semantic tokens/range: only the lines the range touches', () => {
  assert.deepEqual(decode(SAMPLE, 252, { start: { line: 8, character: 3 }, end: { line: 9, character: 2 } }), [
    '8:0 Accept property',
    '8:7 yes keyword',
    '9:0 Backlog property',
    '9:8 128 number',
  ]);
  // A range inside a continued value: the token of its second line.
  assert.deepEqual(decode(SAMPLE, 252, { start: { line: 14, character: 0 }, end: { line: 14, character: 4 } }), ['14:2 %i macro']);
});

test('the legend has only standard token types and modifiers', () => {
  const types = new Set<string>(Object.values(SemanticTokenTypes));
  const modifiers = new Set<string>(Object.values(SemanticTokenModifiers));
  for (const t of SEMANTIC_TOKENS_LEGEND.tokenTypes) assert.ok(types.has(t), `${t} is not a standard token type`);
  for (const m of SEMANTIC_TOKENS_LEGEND.tokenModifiers) assert.ok(modifiers.has(m), `${m} is not a standard modifier`);
});

test('semantic tokens of a 10,000-line unit take well under 50 ms', () => {
  const lines: string[] = [];
  const body = SAMPLE.split('\n').filter((l) => l !== '');
  while (lines.length < 10_000) lines.push(...body);
  const text = lines.slice(0, 10_000).join('\n');
  const document = TextDocument.create('file:///units/big@.service', 'systemd-unit-file', 1, text);
  const unit = parseUnit(text);
  const options = { catalog: defaultCatalog(), systemdVersion: 252 };
  semanticTokens(document, unit, options); // warm-up (JIT, catalog shapes)
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    count = semanticTokens(document, unit, options).data.length / 5;
    times.push(performance.now() - t0);
  }
  const median = times.sort((a, b) => a - b)[2];
  assert.ok(count > 15_000, `only ${count} tokens`);
  assert.ok(median < 50, `median ${median.toFixed(1)} ms for 10,000 lines`);
});


test('semantic tokens never throw, and every token is on one line, in order, inside the text (seeded)', () => {
  const catalog = defaultCatalog();
  const corpus = ['examples', path.join('test', 'fixtures', 'verify')].flatMap((dir) =>
    fs.readdirSync(path.join(__dirname, '..', dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(socket|service|timer|path|mount|conf)$/.test(e.name))
      .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')),
  );
  const alphabet = ['[', ']', '=', '%', '%i', '%%', '\\', '\n', '\r\n', '\r', ' ', '\t', '#', ';', '\0', '\uFFFD', 'é', '😀', 'Listen', 'Stream', 'ExecStart', 'Socket', 'Service', '/', ':', '[::]', '8080', 'yes', 'infinity'];
  for (let i = 0; i < 2000; i++) {
    const rnd = prng(4242 + i);
    const base = corpus[Math.floor(rnd() * corpus.length)];
    let text = '';
    for (const ch of base) text += rnd() < 0.05 ? alphabet[Math.floor(rnd() * alphabet.length)] : ch;
    const document = TextDocument.create('file:///u/x@.socket', 'systemd-unit-file', 1, text);
    const version = [239, 252, 257, 262][i % 4];
    const { data } = semanticTokens(document, parseUnit(text), { catalog, systemdVersion: version });
    let line = 0;
    let character = 0;
    for (let j = 0; j < data.length; j += 5) {
      const [dLine, dChar, length, type] = data.slice(j, j + 5);
      assert.ok(dLine >= 0 && dChar >= 0 && length > 0 && type < SEMANTIC_TOKENS_LEGEND.tokenTypes.length, `seed ${4242 + i}: bad token`);
      character = dLine === 0 ? character + dChar : dChar;
      line += dLine;
      const lineText = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
      assert.ok(character + length <= lineText.length, `seed ${4242 + i}: a token beyond the end of line ${line}`);
      if (j > 0) assert.ok(dLine > 0 || dChar >= data[j - 3], `seed ${4242 + i}: overlapping tokens`);
    }
  }
});
