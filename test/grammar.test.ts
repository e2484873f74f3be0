/**
 * The TextMate grammar, tokenized offline with vscode-textmate + vscode-oniguruma (the engine VS Code
 * uses). Every fixture under test/fixtures/grammar/ has a snapshot next to it (`NAME.snap`, one line
 * per token: `line:col "text" → scopes`, 1-based); UPDATE_SNAPSHOTS=1 rewrites them, otherwise a
 * difference or a missing snapshot fails. Targeted asserts pin the rules that matter most: systemd has
 * no inline comments, and a continuation keeps the next line inside the value.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseUnit } from '../server/src/service/parser';

const root = new URL('../', import.meta.url);
const fixtures = new URL('test/fixtures/grammar/', root);
const grammarPath = new URL('syntaxes/systemd.tmLanguage.json', root);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

let grammar: textmate.IGrammar;

before(async () => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.systemd' ? textmate.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath.pathname) : null,
  });
  const loaded = await registry.loadGrammar('source.systemd');
  assert.ok(loaded, 'grammar loads');
  grammar = loaded;
});

interface Token {
  line: number;
  col: number;
  text: string;
  scopes: string[];
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let state = textmate.INITIAL;
  text.split(/\r\n|\r|\n/).forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, state);
    for (const t of result.tokens) {
      const tokenText = lineText.slice(t.startIndex, Math.min(t.endIndex, lineText.length));
      if (tokenText.length > 0) tokens.push({ line, col: t.startIndex, text: tokenText, scopes: t.scopes });
    }
    state = result.ruleStack;
  });
  return tokens;
}

function snapshotOf(tokens: Token[]): string {
  return tokens.map((t) => `${t.line + 1}:${t.col + 1} ${JSON.stringify(t.text)} → ${t.scopes.join(' ')}`).join('\n') + '\n';
}

/** Scopes of the token that starts at (line, col) and has exactly this text. */
function scopesAt(tokens: Token[], line: number, text: string, col?: number): string[] {
  const token = tokens.find((t) => t.line === line && t.text === text && (col === undefined || t.col === col));
  assert.ok(token, `no token ${JSON.stringify(text)} on line ${line}: ${JSON.stringify(tokens.filter((t) => t.line === line))}`);
  return token.scopes;
}

/** Every scope that covers any character of `text` on a line. */
function scopesOver(tokens: Token[], line: number, from: number, to: number): string[] {
  return tokens.filter((t) => t.line === line && t.col < to && t.col + t.text.length > from).flatMap((t) => t.scopes);
}

const hasScope = (scopes: string[], prefix: string) => scopes.some((s) => s === prefix || s.startsWith(prefix + '.'));

test('the manifest points at this grammar and scope', () => {
  const [contribution] = manifest.contributes.grammars;
  assert.equal(contribution.scopeName, 'source.systemd');
  assert.equal(new URL(contribution.path, root).href, grammarPath.href);
  assert.equal(JSON.parse(readFileSync(grammarPath, 'utf8')).scopeName, 'source.systemd');
});

const fixtureNames = readdirSync(fixtures).filter((f) => /\.(socket|service)$/.test(f)).sort();

test('there are grammar fixtures', () => {
  assert.ok(fixtureNames.length >= 2, fixtureNames.join(', '));
});

for (const name of fixtureNames) {
  test(`snapshot: ${name}`, () => {
    const actual = snapshotOf(tokenize(readFileSync(new URL(name, fixtures), 'utf8')));
    const snapUrl = new URL(name.replace(/\.[^.]+$/, (ext) => `${ext}.snap`), fixtures);
    if (UPDATE) {
      writeFileSync(snapUrl, actual);
      return;
    }
    assert.ok(existsSync(snapUrl), `missing snapshot ${snapUrl.pathname}; run with UPDATE_SNAPSHOTS=1 to create it`);
    assert.equal(actual, readFileSync(snapUrl, 'utf8'));
  });
}

/** Scopes of the token covering a document offset. */
function scopesAtOffset(tokens: Token[], document: TextDocument, offset: number): string[] {
  const { line, character } = document.positionAt(offset);
  return tokens.find((t) => t.line === line && t.col <= character && character < t.col + t.text.length)?.scopes ?? [];
}

for (const name of fixtureNames) {
  test(`grammar agrees with the parser: ${name}`, () => {
    const text = readFileSync(new URL(name, fixtures), 'utf8');
    const tokens = tokenize(text);
    const document = TextDocument.create(`file:///${name}`, 'systemd-unit-file', 1, text);
    const unit = parseUnit(text);
    const where = (offset: number) => `${name}:${document.positionAt(offset).line + 1}:${document.positionAt(offset).character + 1}`;
    for (const comment of unit.comments) {
      for (let i = comment.span.start; i < comment.span.end; i++) assert.ok(hasScope(scopesAtOffset(tokens, document, i), 'comment.line'), where(i));
    }
    for (const section of unit.sections) {
      for (let i = section.nameSpan.start; i < section.nameSpan.end; i++) {
        assert.ok(hasScope(scopesAtOffset(tokens, document, i), 'entity.name.section'), where(i));
      }
      for (const entry of section.entries) {
        const keyScope = entry.key.startsWith('X-') ? 'variable.other.extension' : 'support.type.property-name';
        for (let i = entry.keySpan.start; i < entry.keySpan.end; i++) assert.ok(hasScope(scopesAtOffset(tokens, document, i), keyScope), where(i));
        const pieces = entry.segments ?? [{ docOffset: entry.valueSpan.start, length: entry.valueSpan.end - entry.valueSpan.start }];
        for (const piece of pieces) {
          for (let i = piece.docOffset; i < piece.docOffset + piece.length; i++) {
            const scopes = scopesAtOffset(tokens, document, i);
            assert.ok(hasScope(scopes, 'meta.value') && !hasScope(scopes, 'comment'), `${where(i)} ${scopes.join(' ')}`);
          }
        }
      }
    }
    for (const problem of unit.problems.filter((p) => p.kind === 'invalid-section-header')) {
      assert.ok(hasScope(scopesAtOffset(tokens, document, problem.span.start), 'invalid.illegal'), where(problem.span.start));
    }
  });
}

test('a # after a value is part of the value, a # at line start is a comment', () => {
  const tokens = tokenize('[Socket]\nListenStream=8080 # web\n# x\n   # indented\n; semi\n');
  const line = 'ListenStream=8080 # web';
  const hash = line.indexOf('#');
  const inline = scopesOver(tokens, 1, hash, line.length);
  assert.ok(inline.length > 0);
  assert.ok(!inline.some((s) => s.startsWith('comment')), inline.join(' '));
  assert.ok(hasScope(inline, 'meta.value'), inline.join(' '));
  assert.ok(hasScope(scopesAt(tokens, 1, '8080'), 'constant.numeric'));
  assert.ok(hasScope(scopesAt(tokens, 1, 'ListenStream'), 'support.type.property-name'));
  assert.ok(hasScope(scopesAt(tokens, 1, '='), 'punctuation.separator.key-value'));
  assert.ok(hasScope(scopesAt(tokens, 2, ' x'), 'comment.line'));
  assert.ok(hasScope(scopesAt(tokens, 2, '#'), 'punctuation.definition.comment'));
  assert.ok(hasScope(scopesAt(tokens, 3, ' indented'), 'comment.line'));
  assert.ok(hasScope(scopesAt(tokens, 4, ' semi'), 'comment.line'));
});

test('a continuation keeps the next line in the value; comment lines inside it stay comments', () => {
  const tokens = tokenize('[Service]\nExecStart=/bin/server \\\n  --port=80 \\\n# skipped\n  Accept=yes\nAccept=yes\n');
  assert.ok(hasScope(scopesAt(tokens, 1, '\\'), 'constant.character.escape.line-continuation'));
  for (const [line, text] of [[2, '  --port=80 '], [4, '  Accept=yes']] as const) {
    const scopes = scopesOver(tokens, line, 0, text.length);
    assert.ok(hasScope(scopes, 'meta.value'), `${line}: ${scopes.join(' ')}`);
    assert.ok(!hasScope(scopes, 'support.type.property-name'), `${line}: ${scopes.join(' ')}`);
  }
  const comment = scopesAt(tokens, 3, ' skipped');
  assert.ok(hasScope(comment, 'comment.line'), comment.join(' '));
  // After the continuation ends, the next line is a key again.
  assert.ok(hasScope(scopesAt(tokens, 5, 'Accept'), 'support.type.property-name'));
  assert.ok(hasScope(scopesAt(tokens, 5, 'yes'), 'constant.language.boolean'));
});

test('a doubled backslash or a blank line does not continue the value', () => {
  const tokens = tokenize('[Service]\nA=x\\\\\nB=1\nC=y \\\n\nD=2\n');
  assert.ok(hasScope(scopesAt(tokens, 1, '\\\\'), 'constant.character.escape'));
  assert.ok(hasScope(scopesAt(tokens, 2, 'B'), 'support.type.property-name'));
  assert.ok(hasScope(scopesAt(tokens, 5, 'D'), 'support.type.property-name'));
});

test('specifiers, %% and quoted strings', () => {
  const tokens = tokenize('[Socket]\nListenStream=/run/foo/%i.sock\nFileDescriptorName=a%%i\nExecStartPre=/bin/echo "%n # x"\n');
  assert.ok(hasScope(scopesAt(tokens, 1, '%i'), 'constant.other.placeholder'));
  assert.ok(hasScope(scopesAt(tokens, 2, '%%'), 'constant.character.escape'));
  assert.ok(!tokens.some((t) => t.line === 2 && t.text === '%i'));
  const inString = scopesAt(tokens, 3, '%n');
  assert.ok(hasScope(inString, 'constant.other.placeholder') && hasScope(inString, 'string.quoted.double'), inString.join(' '));
  assert.ok(hasScope(scopesAt(tokens, 3, ' # x'), 'string.quoted.double'));
});

test('booleans only as the whole value; numbers, time spans, sizes and modes', () => {
  const tokens = tokenize('[Socket]\nAccept=yes\nAccept=yes please\nFreeBind = off  \nBacklog=128\nTimeoutSec=5s\nX=1min\nReceiveBuffer=64K\nSocketMode=0755\nBindToDevice=eth0\nListenStream=10.0.0.1:80\n');
  assert.ok(hasScope(scopesAt(tokens, 1, 'yes'), 'constant.language.boolean'));
  assert.ok(!tokens.some((t) => t.line === 2 && hasScope(t.scopes, 'constant.language.boolean')));
  assert.ok(hasScope(scopesAt(tokens, 3, 'off'), 'constant.language.boolean'));
  for (const [line, text] of [[4, '128'], [5, '5s'], [6, '1min'], [7, '64K'], [8, '0755']] as const) {
    assert.ok(hasScope(scopesAt(tokens, line, text), 'constant.numeric'), text);
  }
  assert.ok(!tokens.some((t) => (t.line === 9 || t.line === 10) && hasScope(t.scopes, 'constant.numeric')));
});

test('section headers, X- keys and sections, malformed headers', () => {
  const tokens = tokenize('[Socket]\nX-Mine=1\n[X-Extra]\n[Socket] # no\n');
  assert.ok(hasScope(scopesAt(tokens, 0, '['), 'punctuation.definition.section.begin'));
  assert.ok(hasScope(scopesAt(tokens, 0, 'Socket'), 'entity.name.section'));
  assert.ok(hasScope(scopesAt(tokens, 0, ']'), 'punctuation.definition.section.end'));
  const x = scopesAt(tokens, 1, 'X-Mine');
  assert.ok(hasScope(x, 'variable.other.extension') && !hasScope(x, 'support.type.property-name'), x.join(' '));
  assert.ok(hasScope(scopesAt(tokens, 2, 'X-Extra'), 'entity.name.section'));
  assert.ok(hasScope(scopesAt(tokens, 3, '[Socket] # no'), 'invalid.illegal'));
});
