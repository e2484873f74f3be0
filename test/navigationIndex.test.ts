/**
 * Navigation's index of names kept between requests (issue 15) and the re-checks after file events:
 *  - the names an unparsed file may write are never fewer than the names it writes (every fixture, and
 *    the shapes that are easy to miss: quotes, continuations, specifiers, "=" in an instance);
 *  - which open documents a changed file affects (its folder, the names that load it), pure;
 *  - through the real server: references, definition and prepareRename follow files created, changed
 *    and deleted on disk (workspace/didChangeWatchedFiles), and a file event re-checks the open units it
 *    can affect and not the others.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver-types';
import { defaultCatalog } from '../server/src/service/catalog';
import { documentsAffectedBy } from '../server/src/service/fileEvents';
import { parseUnit } from '../server/src/service/parser';
import { namesMentionedIn, namesWrittenIn, NavigationIndex } from '../server/src/service/unitReferences';
import { cliBuilt } from './helpers/cli';
import { startLspServer, type LspSession } from './helpers/lspServer';

const catalog = defaultCatalog();

function unitFilesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return unitFilesBelow(path);
    return /\.(socket|service|timer|path|target|mount|automount|swap|slice|conf)$/.test(name) ? [path] : [];
  });
}

test('the names an unparsed file may write include every name it writes', () => {
  const tricky = [
    '[Unit]\nWants="quoted.service" \'single.service\'\nAfter=a.service \\\n  b.service\\\n c.target\n',
    '[Unit]\nRequires = spaced.service\nBindsTo=foo@%i.service\nPartOf=bar@a=b%i.service\nUpholds=baz@inst.service\n',
    '[Socket]\nService=web.service\n[Install]\nWantedBy=multi-user.target\nAlso=x\\x2dy.socket\n',
  ].map((text, i) => ({ path: `/tricky/t${i}.${i === 2 ? 'socket' : 'service'}`, text }));
  const fixtures = unitFilesBelow(join(__dirname, 'fixtures')).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  assert.ok(fixtures.length > 50, 'the fixtures are there');
  let written = 0;
  for (const { path, text } of [...tricky, ...fixtures]) {
    const uri = pathToFileURL(path).href;
    const exact = namesWrittenIn(uri, parseUnit(text), catalog);
    const mentioned = new Set(namesMentionedIn(text));
    written += exact.length;
    for (const name of exact) assert.ok(mentioned.has(name), `${path}: ${name} is written but not among ${[...mentioned].join(', ')}`);
  }
  assert.ok(written > 20, `the fixtures name units (${written} names)`);
  assert.ok(namesMentionedIn(tricky[1].text).includes('bar@.service'), 'the template of an instance with specifiers');
});

test('the index follows a file that changes and goes', () => {
  const index = new NavigationIndex(catalog, true);
  index.set('file:///w/a/app.service', '[Unit]\nWants=db.service\n');
  index.set('file:///w/a/db.service', '[Service]\nExecStart=/bin/db\n');
  index.set('file:///w/a/web.socket', '[Socket]\nListenStream=80\n');
  index.set('file:///w/a/db.service.d/10-x.conf', '[Service]\nNice=1\n');
  assert.deepEqual(index.writersOf(['db.service']).map((f) => f.uri), ['file:///w/a/app.service']);
  assert.deepEqual(index.filesNamed('db.service').map((f) => f.uri), ['file:///w/a/db.service']);
  assert.deepEqual(index.dropInsOf('/w/a', 'db.service').map((f) => f.uri), ['file:///w/a/db.service.d/10-x.conf']);
  assert.deepEqual(index.triggersOf(['web.service']).map((f) => f.uri), ['file:///w/a/web.socket']);
  index.set('file:///w/a/app.service', '[Unit]\nWants=cache.service\n');
  assert.deepEqual(index.writersOf(['db.service']), []);
  assert.deepEqual(index.writersOf(['cache.service']).map((f) => f.uri), ['file:///w/a/app.service']);
  index.delete('file:///w/a/db.service');
  assert.deepEqual(index.filesNamed('db.service'), []);
  assert.equal(index.size, 3);
});

test('a changed file affects the open units in its folder and those that name it, not the others', () => {
  const open = (path: string, text: string) => ({ uri: pathToFileURL(path).href, unit: parseUnit(text) });
  const socket = open('/w/a/web.socket', '[Socket]\nListenStream=80\n');
  const naming = open('/w/b/app.service', '[Unit]\nWants=web.service\n');
  const instance = open('/w/b/job.service', '[Unit]\nWants=worker@1.service\n');
  const prefixed = open('/w/b/api.service', '[Unit]\nWants=foo-bar.service\n');
  const unrelated = open('/w/c/other.service', '[Service]\nExecStart=/bin/true\n');
  const all = [socket, naming, instance, prefixed, unrelated];
  const affected = (...paths: string[]) => documentsAffectedBy(all, paths, catalog).map((d) => d.uri.slice('file://'.length));
  assert.deepEqual(affected('/w/a/web.service'), ['/w/a/web.socket', '/w/b/app.service']);
  assert.deepEqual(affected('/w/z/worker@.service'), ['/w/b/job.service']);
  assert.deepEqual(affected('/w/z/foo-.service.d/10-env.conf'), ['/w/b/api.service']);
  assert.deepEqual(affected('/w/c'), ['/w/c/other.service'], 'a folder: the units in it');
  assert.deepEqual(affected('/w/a/web.socket.d'), ['/w/a/web.socket'], 'a drop-in folder: the units beside it');
  assert.deepEqual(affected('/w/d/unrelated.service', '/w/d/notes.txt'), []);
});

// ---------------------------------------------------------------------------------------------------
// Through the server

const root = mkdtempSync(join(tmpdir(), 'sockact-navigation-index-'));
const file = (name: string) => join(root, name);
const uri = (name: string) => pathToFileURL(file(name)).href;
let server: LspSession;

const SOCKET = '[Socket]\nListenStream=8080\nListenStream=/run/scalenav.sock\n';
const APP = '[Unit]\nWants=scalenav-web.service\n';
before(async () => {
  assert.ok(cliBuilt(), 'dist/cli.js is missing: run `npm run build`');
  for (const dir of ['a', 'b', 'c']) mkdirSync(file(dir));
  writeFileSync(file('a/scalenav-web.socket'), SOCKET);
  writeFileSync(file('a/scalenav-web.service'), '[Service]\nExecStart=/usr/bin/web\n');
  writeFileSync(file('b/scalenav-app.service'), APP);
  writeFileSync(file('c/scalenav-other.service'), '[Service]\nExecStart=/bin/true\n');
  server = await startLspServer({ systemdVersion: 252 }, { rootUri: pathToFileURL(root).href });
});
after(async () => {
  assert.equal(await server?.stop(), 0);
  rmSync(root, { recursive: true, force: true });
});

const where = (locations: Location[]) => locations.map((l) => `${l.uri.slice(pathToFileURL(root).href.length + 1)}:${l.range.start.line}`).sort();
/** The place in b/scalenav-app.service where it names scalenav-web.service. */
const atName = { textDocument: { uri: uri('b/scalenav-app.service') }, position: { line: 1, character: 8 } };
const references = async () =>
  where((await server.connection.sendRequest('textDocument/references', { ...atName, context: { includeDeclaration: true } })) as Location[]);

test('references, definition and prepareRename follow files created, changed and deleted on disk', async () => {
  await server.open(uri('b/scalenav-app.service'), APP);
  const before = ['a/scalenav-web.service:0', 'a/scalenav-web.socket:0', 'b/scalenav-app.service:1'];
  assert.deepEqual(await references(), before);

  writeFileSync(file('c/scalenav-more.service'), '[Unit]\nAfter=network.target scalenav-web.service\n');
  await server.filesChanged([{ uri: uri('c/scalenav-more.service'), type: 1 }]);
  assert.deepEqual(await references(), [...before, 'c/scalenav-more.service:1'].sort(), 'a new file that names it');

  writeFileSync(file('c/scalenav-more.service'), '[Unit]\nAfter=network.target\n');
  await server.filesChanged([{ uri: uri('c/scalenav-more.service'), type: 2 }]);
  assert.deepEqual(await references(), before, 'a file that no longer names it');

  writeFileSync(file('c/scalenav-more.service'), '[Unit]\n\nBefore=scalenav-web.service\n');
  await server.filesChanged([{ uri: uri('c/scalenav-more.service'), type: 2 }]);
  assert.deepEqual(await references(), [...before, 'c/scalenav-more.service:2'].sort(), 'named again, on another line');

  rmSync(file('c'), { recursive: true });
  await server.filesChanged([{ uri: pathToFileURL(file('c')).href, type: 3 }]);
  assert.deepEqual(await references(), before, 'its folder deleted');

  const definition = async () => where((await server.connection.sendRequest('textDocument/definition', atName)) as Location[]);
  assert.deepEqual(await definition(), ['a/scalenav-web.service:0']);
  unlinkSync(file('a/scalenav-web.service'));
  await server.filesChanged([{ uri: uri('a/scalenav-web.service'), type: 3 }]);
  assert.deepEqual(await definition(), [], 'the service deleted');
  assert.deepEqual(await references(), ['a/scalenav-web.socket:0', 'b/scalenav-app.service:1'], 'the name is still written and still started');
  const prepared = (await server.connection.sendRequest('textDocument/prepareRename', atName)) as { placeholder: string } | null;
  assert.equal(prepared?.placeholder, 'scalenav-web.service');

  writeFileSync(file('a/scalenav-web.service'), '[Service]\nExecStart=/usr/bin/web\n');
  await server.filesChanged([{ uri: uri('a/scalenav-web.service'), type: 1 }]);
  assert.deepEqual(await definition(), ['a/scalenav-web.service:0'], 'created again');
});

test('a file event re-checks the open units it can affect, and not the others', async () => {
  mkdirSync(file('c'), { recursive: true });
  writeFileSync(file('c/scalenav-other.service'), '[Service]\nExecStart=/bin/true\n');
  const socket = uri('a/scalenav-web.socket');
  const app = uri('b/scalenav-app.service');
  const other = uri('c/scalenav-other.service');
  await server.open(socket, SOCKET);
  await server.open(other, '[Service]\nExecStart=/bin/true\n');
  await server.diagnostics(socket, () => true, 'the socket checked');
  await server.diagnostics(other, () => true, 'the other service checked');
  await server.diagnostics(app, () => true, 'the app checked');
  const count = (u: string) => server.published.filter((p) => p.uri === u).length;
  const counts = { socket: count(socket), app: count(app), other: count(other) };

  const has = (code: string) => (p: { diagnostics: Array<{ code?: unknown }> }) => p.diagnostics.some((d) => d.code === code);
  writeFileSync(file('a/scalenav-web.service'), '[Service]\nExecStart=/usr/bin/web\nStandardInput=socket\n');
  await server.filesChanged([{ uri: uri('a/scalenav-web.service'), type: 2 }]);
  await server.diagnostics(socket, has('stdio-socket-many'), 'the socket sees the changed service');
  // A second event, after which every re-check the first one asked for has been published.
  writeFileSync(file('a/scalenav-web.service'), '[Service]\nExecStart=/usr/bin/web\n');
  await server.filesChanged([{ uri: uri('a/scalenav-web.service'), type: 2 }]);
  await server.diagnostics(socket, (p) => !has('stdio-socket-many')(p), 'the socket sees it changed back');

  assert.ok(count(socket) >= counts.socket + 2, 'the socket beside it was checked after each event');
  assert.ok(count(app) >= counts.app + 1, 'the unit that names it was checked again');
  assert.equal(count(other), counts.other, 'the unit in another folder that does not name it was left alone');
});
