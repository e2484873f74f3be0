/**
 * Unit skeletons (sd-socket, sd-service …), offered by the server's completion on a blank line where a unit
 * can start. Each is offered once, only in the kind of file it is meant for, with the file's names; every
 * one, expanded with its defaults in the file it is meant for, is a unit the language service has nothing
 * to say about, checked side by side with its partners as siblings in one folder. The extension contributes
 * no static snippets any more (they could not know the file: service snippets showed in .socket files,
 * each twice, with "myapp" for the name).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-types';
import { SKELETONS } from '../server/src/service/completionSkeletons';
import { createLanguageService } from '../server/src/service/languageService';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const DIR = '/proj';

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

/** Completion at the end of `text` in the file at `path` (in DIR unless it contains a "/"). */
function completeAt(path: string, text = ''): CompletionItem[] {
  const ls = createLanguageService();
  const document = TextDocument.create(`file://${path.includes('/') ? path : `${DIR}/${path}`}`, 'systemd-unit-file', 1, text);
  return ls.doComplete(document, ls.parse(document), document.positionAt(text.length)).items;
}

const skeletons = (items: CompletionItem[]) => items.filter((i) => i.label.startsWith('sd-'));
const labels = (items: CompletionItem[]) => skeletons(items).map((i) => i.label);
const newText = (item: CompletionItem) => (item.textEdit as TextEdit).newText;

test('no static snippets: the manifest contributes none and the snippet folder is gone', () => {
  assert.equal(manifest.contributes.snippets, undefined);
  assert.equal(existsSync(new URL('../snippets', import.meta.url)), false);
});

test('every skeleton has one label (no aliases), a detail and a description', () => {
  const seen = new Set<string>();
  for (const s of SKELETONS) {
    assert.match(s.label, /^sd-[a-z-]+$/);
    assert.ok(!seen.has(s.label), `${s.label} twice`);
    seen.add(s.label);
    assert.ok(s.detail.length > 10 && s.description.length > 40, s.label);
  }
  assert.equal(seen.size, 9);
});

test('snippet expansion helper', () => {
  const e = expandSnippet('a=${1:x ${2:y}} $1 ${3|p,q|} ${4} \\$HOME $0 ${TM_FILENAME_BASE:f}');
  assert.equal(e.text, 'a=x y  p  $HOME  f');
  assert.deepEqual([...e.defaults].sort((a, b) => a[0] - b[0]), [[1, 'x y'], [2, 'y'], [3, 'p']]);
  assert.equal(expandSnippet('${3|p,q|}', 1).text, 'q');
});

test('a .socket file is offered the socket skeletons only, once each, with its own name', () => {
  const items = completeAt('web.socket');
  assert.deepEqual(labels(items), ['sd-socket', 'sd-accept-socket', 'sd-named-socket']);
  const socket = expandSnippet(newText(items.find((i) => i.label === 'sd-socket')!)).text;
  assert.match(socket, /^Description=Socket for web$/m);
  assert.doesNotMatch(socket, /myapp/);
  // Typing the prefix: the typed word is replaced.
  const typed = completeAt('web.socket', 'sd-so');
  assert.deepEqual((typed.find((i) => i.label === 'sd-socket')!.textEdit as TextEdit).range, { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } });
});

test('a template socket gets the template skeleton with the prefix before "@"; a named socket PREFIX-PART its two names', () => {
  const template = completeAt('tenantd@.socket');
  assert.deepEqual(labels(template), ['sd-template-socket']);
  assert.match(expandSnippet(newText(template[0])).text, /^ListenStream=\/run\/tenantd\/%i\.sock$/m);
  const named = expandSnippet(newText(completeAt('multid-admin.socket').find((i) => i.label === 'sd-named-socket')!)).text;
  assert.match(named, /^FileDescriptorName=admin$/m);
  assert.match(named, /^Service=multid\.service$/m);
});

test('services, template services and service drop-ins get theirs; other files, and files with sections, none', () => {
  assert.deepEqual(labels(completeAt('web.service')), ['sd-service', 'sd-named-service', 'sd-sandbox']);
  assert.deepEqual(labels(completeAt('echo@.service')), ['sd-accept-service', 'sd-template-service', 'sd-sandbox']);
  assert.deepEqual(labels(completeAt('/proj/web.service.d/sandbox.conf')), ['sd-sandbox']);
  assert.deepEqual(labels(completeAt('web.timer')), []);
  assert.deepEqual(labels(completeAt('/proj/web.socket.d/x.conf')), []);
  assert.deepEqual(labels(completeAt('web.socket', '[Socket]\nListenStream=80\n')), []);
  assert.deepEqual(labels(completeAt('web.socket', '# my socket\n')), ['sd-socket', 'sd-accept-socket', 'sd-named-socket']);
  // Inside [Service] the sandbox block comes without its header.
  const inside = completeAt('web.service', '[Service]\nExecStart=/usr/bin/web\n');
  assert.deepEqual(labels(inside), ['sd-sandbox']);
  assert.match(newText(inside[0]), /^DynamicUser=yes\n/);
  // Not on a line that already has an assignment, nor in a value.
  assert.deepEqual(labels(completeAt('web.socket', 'sd-socket=')), []);
});

/** The folder the skeletons are meant for, each file with the skeleton it holds. */
const FOLDER: ReadonlyArray<[file: string, label: string]> = [
  ['web.socket', 'sd-socket'],
  ['web.service', 'sd-service'],
  ['echo.socket', 'sd-accept-socket'],
  ['echo@.service', 'sd-accept-service'],
  ['multid-http.socket', 'sd-named-socket'],
  ['multid-admin.socket', 'sd-named-socket'],
  ['multid.service', 'sd-named-service'],
  ['tenantd@.socket', 'sd-template-socket'],
  ['tenantd@.service', 'sd-template-service'],
  ['web.service.d/sandbox.conf', 'sd-sandbox'],
];

function expandFolder(choice: number): Map<string, string> {
  const files = new Map<string, string>();
  for (const [file, label] of FOLDER) {
    const item = completeAt(`${DIR}/${file}`).find((i) => i.label === label);
    assert.ok(item, `${label} not offered in ${file}`);
    files.set(file, expandSnippet(newText(item), choice).text);
  }
  return files;
}

test('every skeleton is used in the folder', () => {
  assert.deepEqual([...new Set(FOLDER.map(([, l]) => l))].sort(), SKELETONS.map((s) => s.label).sort());
});

const catalogVersion = createLanguageService().catalog.newestVersion;

for (const version of [catalogVersion, 252, 247]) {
  for (const choice of [0, 1]) {
    test(`every skeleton expands to a unit with no diagnostics (systemd ${version}, choice ${choice + 1})`, () => {
      const files = expandFolder(choice);
      const units = new Map([...files].filter(([f]) => !f.includes('/')));
      const ls = createLanguageService({
        resolver: {
          unitExists: (name, dir) => (dir === DIR ? units.has(name) : undefined),
          readUnit: (name, dir) => (dir === DIR ? units.get(name) : undefined),
        },
      });
      for (const [file, text] of files) {
        const document = TextDocument.create(`file://${DIR}/${file}`, 'systemd-unit-file', 1, text);
        const diagnostics = ls.doValidation(document, ls.parse(document), { systemdVersion: version });
        assert.deepEqual(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`), [], `${file}:\n${text}`);
      }
    });
  }
}

test('each socket skeleton needs its service: alone, every socket is missing it (the check above used the siblings)', () => {
  const files = expandFolder(0);
  const alone = createLanguageService({ resolver: { unitExists: () => false } });
  for (const [file, text] of files) {
    if (!file.endsWith('.socket')) continue;
    const document = TextDocument.create(`file://${DIR}/${file}`, 'systemd-unit-file', 1, text);
    assert.deepEqual(alone.doValidation(document, alone.parse(document), { systemdVersion: catalogVersion }).map((d) => d.code), ['missing-service'], file);
  }
  assert.match(files.get('echo@.service') ?? '', /^StandardInput=socket$/m);
  assert.match(files.get('multid.service') ?? '', /^Sockets=multid-http\.socket multid-admin\.socket$/m);
  assert.match(files.get('web.service.d/sandbox.conf') ?? '', /^PrivateNetwork=yes$/m);
});
