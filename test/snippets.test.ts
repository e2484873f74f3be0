/**
 * The snippets: valid JSON with prefix/body/description each, and every body, expanded with its
 * defaults, is a unit the language service has nothing to say about. Each description ends in
 * "(save as FILE)", where NAME stands for the default of placeholder 1; the snippets that belong
 * together (a socket and its service) are checked side by side, as siblings in one folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createLanguageService } from '../server/src/service/languageService';

const snippetsUrl = new URL('../snippets/systemd.code-snippets', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const DIR = '/proj';

interface Snippet {
  prefix: string | string[];
  body: string | string[];
  description: string;
}

function loadSnippets(): Record<string, Snippet> {
  return JSON.parse(readFileSync(snippetsUrl, 'utf8'));
}

interface Expansion {
  text: string;
  /** Default text of each numbered placeholder (the first one given). */
  defaults: Map<number, string>;
}

/**
 * Expands VS Code snippet syntax the way inserting it and pressing Tab through would leave it:
 * ${1:default} → default (nested placeholders expanded), $1 / ${1} / $0 → '', ${1|a,b|} → the choice
 * at `choice` (clamped), ${VAR:default} → default, \$ \} \\ → the character.
 */
function expandSnippet(body: string, choice = 0): Expansion {
  const defaults = new Map<number, string>();
  let i = 0;
  function parse(stopAtBrace: boolean): string {
    let out = '';
    while (i < body.length) {
      const ch = body[i];
      if (ch === '\\' && i + 1 < body.length && '$}\\'.includes(body[i + 1])) {
        out += body[i + 1];
        i += 2;
      } else if (stopAtBrace && ch === '}') {
        return out;
      } else if (ch === '$') {
        out += parseDollar();
      } else {
        out += ch;
        i++;
      }
    }
    assert.ok(!stopAtBrace, `unterminated \${ in snippet body: ${body}`);
    return out;
  }
  function parseDollar(): string {
    const simple = /^\$(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(body.slice(i));
    if (simple) {
      i += simple[0].length;
      return '';
    }
    const m = /^\$\{(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(body.slice(i));
    assert.ok(m, `bad $ at ${i} in: ${body}`);
    i += m[0].length;
    const id = m[1];
    if (body[i] === '}') {
      i++;
      return '';
    }
    if (body[i] === ':') {
      i++;
      const text = parse(true);
      i++; // the closing brace
      if (/^\d+$/.test(id) && !defaults.has(Number(id))) defaults.set(Number(id), text);
      return text;
    }
    if (body[i] === '|') {
      const end = body.indexOf('|}', i + 1);
      assert.ok(end > i, `unterminated choice in: ${body}`);
      const options = body.slice(i + 1, end).split(',');
      i = end + 2;
      const picked = options[Math.min(choice, options.length - 1)];
      if (!defaults.has(Number(id))) defaults.set(Number(id), picked);
      return picked;
    }
    assert.fail(`unsupported snippet syntax at ${i} in: ${body}`);
  }
  const text = parse(false);
  return { text, defaults };
}

const bodyText = (s: Snippet) => (Array.isArray(s.body) ? s.body.join('\n') : s.body);

/** The file a snippet is meant for, from "(save as FILE)" at the end of its description. */
function fileNameOf(snippet: Snippet, expansion: Expansion): string {
  const m = /\(save as ([^\s()]+)\)$/.exec(snippet.description);
  assert.ok(m, `description must end in "(save as FILE)": ${snippet.description}`);
  const name = expansion.defaults.get(1);
  if (m[1].includes('NAME')) assert.ok(name, 'a file name with NAME needs a default for placeholder 1');
  return m[1].replaceAll('NAME', name ?? '');
}

test('the manifest contributes this snippet file for the unit-file language', () => {
  assert.deepEqual(manifest.contributes.snippets, [{ language: 'systemd-unit-file', path: './snippets/systemd.code-snippets' }]);
});

test('the snippet file is valid JSON; every snippet has a prefix, a body and a description', () => {
  const snippets = loadSnippets();
  const names = Object.keys(snippets);
  assert.ok(names.length >= 9, `${names.length} snippets`);
  const seenPrefixes = new Set<string>();
  for (const [name, snippet] of Object.entries(snippets)) {
    const prefixes = Array.isArray(snippet.prefix) ? snippet.prefix : [snippet.prefix];
    assert.ok(prefixes.length > 0, name);
    for (const prefix of prefixes) {
      assert.equal(typeof prefix, 'string', name);
      assert.match(prefix, /^sd-[a-z0-9-]+$/, `${name}: prefix ${prefix}`);
      assert.ok(!seenPrefixes.has(prefix), `prefix ${prefix} used twice`);
      seenPrefixes.add(prefix);
    }
    assert.ok(Array.isArray(snippet.body) ? snippet.body.every((l) => typeof l === 'string') && snippet.body.length > 0 : typeof snippet.body === 'string', name);
    assert.equal(typeof snippet.description, 'string', name);
    assert.ok(snippet.description.length > 20, name);
    assert.deepEqual(Object.keys(snippet).sort(), ['body', 'description', 'prefix'], name);
  }
});

test('snippet expansion helper', () => {
  const e = expandSnippet('a=${1:x ${2:y}} $1 ${3|p,q|} ${4} \\$HOME $0 ${TM_FILENAME_BASE:f}');
  assert.equal(e.text, 'a=x y  p  $HOME  f');
  assert.deepEqual([...e.defaults].sort((a, b) => a[0] - b[0]), [[1, 'x y'], [2, 'y'], [3, 'p']]);
  assert.equal(expandSnippet('${3|p,q|}', 1).text, 'q');
});

/** Every snippet expanded with the given choice index, keyed by the file it is meant for. */
function expandAll(choice: number): Map<string, { key: string; text: string }> {
  const files = new Map<string, { key: string; text: string }>();
  for (const [key, snippet] of Object.entries(loadSnippets())) {
    const expansion = expandSnippet(bodyText(snippet), choice);
    const file = fileNameOf(snippet, expansion);
    assert.ok(!files.has(file), `${key} and ${files.get(file)?.key} are both meant for ${file}`);
    files.set(file, { key, text: expansion.text });
  }
  return files;
}

/** Unit names the snippet set provides in the folder (drop-ins are not units of their own). */
function unitsOf(files: Map<string, { text: string }>): Map<string, string> {
  const units = new Map<string, string>();
  for (const [file, { text }] of files) if (!file.includes('/')) units.set(file, text);
  return units;
}

const service = (units: Map<string, string>) =>
  createLanguageService({
    resolver: {
      unitExists: (name, dir) => (dir === DIR ? units.has(name) : undefined),
      readUnit: (name, dir) => (dir === DIR ? units.get(name) : undefined),
    },
  });

const catalogVersion = createLanguageService().catalog.newestVersion;

for (const version of [catalogVersion, 252, 247]) {
  for (const choice of [0, 1]) {
    test(`every snippet expands to a unit with no diagnostics (systemd ${version}, choice ${choice + 1})`, () => {
      const files = expandAll(choice);
      const units = unitsOf(files);
      const ls = service(units);
      for (const [file, { key, text }] of files) {
        const document = TextDocument.create(`file://${DIR}/${file}`, 'systemd-unit-file', 1, text);
        const diagnostics = ls.doValidation(document, ls.parse(document), { systemdVersion: version });
        assert.deepEqual(
          diagnostics.map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`),
          [],
          `${key} (${file}):\n${text}`,
        );
      }
    });
  }
}

test('each socket snippet has its service in the set, and the set is what the descriptions promise', () => {
  const files = expandAll(0);
  const units = unitsOf(files);
  const sockets = [...units.keys()].filter((f) => f.endsWith('.socket'));
  assert.ok(sockets.length >= 4, sockets.join(', '));
  // Without the siblings every socket is missing its service: the check above really used them.
  const alone = createLanguageService({ resolver: { unitExists: () => false } });
  for (const socket of sockets) {
    const document = TextDocument.create(`file://${DIR}/${socket}`, 'systemd-unit-file', 1, units.get(socket) ?? '');
    const codes = alone.doValidation(document, alone.parse(document), { systemdVersion: catalogVersion }).map((d) => d.code);
    assert.deepEqual(codes, ['missing-service'], socket);
  }
  const accept = [...units].find(([, text]) => /^Accept=yes$/m.test(text));
  assert.ok(accept, 'an Accept=yes socket');
  const template = accept[0].replace(/\.socket$/, '@.service');
  assert.match(units.get(template) ?? '', /^StandardInput=socket$/m, template);
  const named = [...units].filter(([, text]) => /^FileDescriptorName=/m.test(text));
  assert.ok(named.length > 0 && named.every(([, text]) => /^Service=/m.test(text)), 'named sockets point at their service');
  assert.ok([...units.values()].some((text) => /^Sockets=\S+\.socket \S+\.socket$/m.test(text)), 'a service with several sockets');
  assert.ok([...units].some(([file, text]) => file.endsWith('@.socket') && /%i/.test(text)), 'a template socket using %i');
  assert.ok([...files.keys()].some((f) => /\.service\.d\/[^/]+\.conf$/.test(f) && /PrivateNetwork=yes/.test(files.get(f)?.text ?? '')));
});
