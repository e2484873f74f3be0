/**
 * Go to definition and find references on unit names, over in-memory workspaces of two and three files
 * (and a few more where folders matter). The `|` marks the cursor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Location } from 'vscode-languageserver-types';
import { unitListInfo } from '../server/src/service/completionUnits';
import { ls, MemoryWorkspace, uriOf } from './helpers/unitWorkspace';

const SERVICE = '[Service]\nExecStart=/usr/bin/true\n';

function definition(files: Record<string, string>): string[] {
  const ws = new MemoryWorkspace(files);
  const { document, source, position } = ws.at();
  return ls.findDefinition(document, source.unit, position, ws).map((l) => decodeURIComponent(l.targetUri.slice('file://'.length)));
}

function references(files: Record<string, string>, includeDeclaration = false): string[] {
  const ws = new MemoryWorkspace(files);
  const { document, source, position } = ws.at();
  return show(ls.findReferences(document, source.unit, position, includeDeclaration, ws), ws);
}

/** "path:line: text of that line" for each location, sorted. */
function show(locations: Location[], ws: MemoryWorkspace): string[] {
  return locations
    .map((l) => {
      const path = decodeURIComponent(l.uri.slice('file://'.length));
      const line = ws.text(path).split('\n')[l.range.start.line];
      const word = line.slice(l.range.start.character, l.range.end.line === l.range.start.line ? l.range.end.character : undefined);
      return `${path}:${l.range.start.line}: ${word}`;
    })
    .sort();
}

// ---------------------------------------------------------------------------------------------------
// Definition

test('definition: Service= in a socket goes to the service file beside it', () => {
  const files = { '/proj/web.socket': '[Socket]\nListenStream=80\nService=api.serv|ice\n', '/proj/api.service': SERVICE };
  assert.deepEqual(definition(files), ['/proj/api.service']);
  const ws = new MemoryWorkspace(files);
  const [link] = ls.findDefinition(ws.at().document, ws.at().source.unit, ws.at().position, ws);
  // The whole name is the link, dots and all.
  assert.deepEqual(link.originSelectionRange, { start: { line: 2, character: 8 }, end: { line: 2, character: 19 } });
  assert.deepEqual(link.targetSelectionRange, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
});

test('definition: the word under the cursor in a list, at its start, middle and end', () => {
  const files = (marked: string) => ({
    '/proj/app.service': `[Unit]\nRequires=${marked}\n${SERVICE}`,
    '/proj/db.service': SERVICE,
    '/proj/cache.service': SERVICE,
  });
  assert.deepEqual(definition(files('|db.service cache.service')), ['/proj/db.service']);
  assert.deepEqual(definition(files('db.ser|vice cache.service')), ['/proj/db.service']);
  assert.deepEqual(definition(files('db.service cache.service|')), ['/proj/cache.service']);
  assert.deepEqual(definition(files('db.service |cache.service')), ['/proj/cache.service']);
  assert.deepEqual(definition(files('db.service  |  cache.service')), [], 'between two names');
});

test('definition: a name on a continuation line', () => {
  const files = {
    '/proj/app.service': `[Unit]\nRequires=db.service \\\n  cache.ser|vice\n${SERVICE}`,
    '/proj/db.service': SERVICE,
    '/proj/cache.service': SERVICE,
  };
  assert.deepEqual(definition(files), ['/proj/cache.service']);
  const ws = new MemoryWorkspace(files);
  const [link] = ls.findDefinition(ws.at().document, ws.at().source.unit, ws.at().position, ws);
  assert.deepEqual(link.originSelectionRange, { start: { line: 2, character: 2 }, end: { line: 2, character: 15 } });
});

test('definition: no file of that name, not a name, not in a unit-name value: nothing', () => {
  assert.deepEqual(definition({ '/proj/web.socket': '[Socket]\nListenStream=80\nService=gone.serv|ice\n', '/proj/web.service': SERVICE }), []);
  assert.deepEqual(definition({ '/proj/a.service': `[Unit]\nDescription=see b.serv|ice\n${SERVICE}`, '/proj/b.service': SERVICE }), []);
  assert.deepEqual(definition({ '/proj/a.service': `[Unit]\nAft|er=b.service\n${SERVICE}`, '/proj/b.service': SERVICE }), [], 'on the key');
  assert.deepEqual(definition({ '/proj/a.service': `[Unit]\nAfter=b.serv|ice\n${SERVICE}`, '/proj/b.socket': SERVICE }), [], 'another type');
  // A section the unit type does not read: systemd ignores [Socket] in a .service, so does navigation.
  assert.deepEqual(definition({ '/proj/a.service': `${SERVICE}[Socket]\nService=b.serv|ice\n`, '/proj/b.service': SERVICE }), []);
});

test('definition: the file beside the unit wins over same-named files elsewhere; none beside: every one', () => {
  const files = (from: string) => ({
    [from]: `[Unit]\nAfter=web.serv|ice\n${SERVICE}`,
    '/proj/a/web.service': SERVICE,
    '/proj/b/web.service': SERVICE,
  });
  assert.deepEqual(definition(files('/proj/a/app.service')), ['/proj/a/web.service']);
  assert.deepEqual(definition(files('/proj/c/app.service')).sort(), ['/proj/a/web.service', '/proj/b/web.service']);
});

test('definition: an instance goes to its own file, else to its template; specifiers after "@" too', () => {
  const template = { '/proj/getty@.service': SERVICE };
  assert.deepEqual(definition({ '/proj/a.target': '[Unit]\nWants=getty@tt|y1.service\n', ...template }), ['/proj/getty@.service']);
  assert.deepEqual(
    definition({ '/proj/a.target': '[Unit]\nWants=getty@tt|y1.service\n', ...template, '/proj/getty@tty1.service': SERVICE }),
    ['/proj/getty@tty1.service'],
  );
  assert.deepEqual(definition({ '/proj/x@.service': `[Unit]\nRequires=getty@%|i.service\n${SERVICE}`, ...template }), ['/proj/getty@.service']);
  // %N.service is only known once systemd expands it: left alone.
  assert.deepEqual(definition({ '/proj/x.service': `[Unit]\nRequires=%N-hel|per.service\n${SERVICE}`, '/proj/x-helper.service': SERVICE }), []);
});

test('definition: every directive whose parser takes unit names leads to the unit (from the catalog)', () => {
  const checked: string[] = [];
  for (const def of ls.catalog.data.directives) {
    const info = unitListInfo(def.section, def.parser);
    if (!info || def.status) continue;
    // A unit type that reads the section.
    const type = (Object.entries(ls.catalog.data.sectionsByUnitType) as [string, string[]][]).find(([t, sections]) =>
      sections.includes(def.section) && !['device', 'scope'].includes(t))?.[0];
    if (!type) continue;
    const target = info.kind === 'service' ? 'dest.service' : info.kind === 'sockets' ? 'dest.socket' : info.kind === 'slice' ? 'dest.slice' : info.kind === 'install-targets' ? 'dest.target' : 'dest.service';
    const files = {
      [`/proj/from.${type}`]: `[${def.section}]\n${def.name}=${target.replace('.', '.|')}\n`,
      [`/proj/${target}`]: '[Unit]\n',
    };
    assert.deepEqual(definition(files), [`/proj/${target}`], `${def.section}/${def.name}= (${def.parser})`);
    checked.push(def.name);
  }
  for (const name of ['Service', 'Sockets', 'Requires', 'Wants', 'After', 'Before', 'BindsTo', 'PartOf', 'Requisite', 'Conflicts', 'OnFailure', 'OnSuccess', 'Upholds', 'WantedBy', 'RequiredBy', 'UpheldBy', 'Also', 'Unit', 'Slice', 'JoinsNamespaceOf']) {
    assert.ok(checked.includes(name), `${name}= not covered: ${checked.join(' ')}`);
  }
});

test('definition: a drop-in sees the units beside the unit it extends', () => {
  assert.deepEqual(
    definition({ '/proj/web.socket.d/10-svc.conf': '[Socket]\nService=api.servi|ce\n', '/proj/web.socket': '[Socket]\nListenStream=80\n', '/proj/api.service': SERVICE }),
    ['/proj/api.service'],
  );
});

test('definition: WantedBy= in [Install], Unit= in a timer, Sockets= in a service', () => {
  assert.deepEqual(definition({ '/proj/web.socket': '[Socket]\nListenStream=80\n[Install]\nWantedBy=web.tar|get\n', '/proj/web.target': '[Unit]\n' }), ['/proj/web.target']);
  assert.deepEqual(definition({ '/proj/nightly.timer': '[Timer]\nOnCalendar=daily\nUnit=back|up.service\n', '/proj/backup.service': SERVICE }), ['/proj/backup.service']);
  assert.deepEqual(definition({ '/proj/web.service': `[Service]\nSockets=web.socket web-ad|min.socket\nExecStart=/bin/true\n`, '/proj/web-admin.socket': '[Socket]\nListenStream=81\n' }), ['/proj/web-admin.socket']);
});

test('definition: the [Socket] header of a socket that names no service leads to the service it starts', () => {
  const service = { '/proj/web.service': SERVICE, '/proj/api.service': SERVICE };
  assert.deepEqual(definition({ ...service, '/proj/web.socket': '[Unit]\nDescription=web\n[Soc|ket]\nListenStream=80\n' }), ['/proj/web.service']);
  assert.deepEqual(definition({ ...service, '/proj/web.socket': '[Socket]\nListenStream=80\nService=api.service\n[Unit|]\n' }), []);
  assert.deepEqual(definition({ ...service, '/proj/web.socket': '[Soc|ket]\nListenStream=80\nService=api.service\n' }), [], 'it names one');
  assert.deepEqual(definition({ ...service, '/proj/web.socket': '[Socket]\nListen|Stream=80\n' }), [], 'not on the header');
  assert.deepEqual(definition({ '/proj/echo@.service': SERVICE, '/proj/echo.socket': '[Socket|]\nListenStream=7\nAccept=yes\n' }), ['/proj/echo@.service']);
});

// ---------------------------------------------------------------------------------------------------
// References

const THREE = {
  '/proj/web.socket': '[Unit]\nDescription=web\n\n[Socket]\nListenStream=80\n',
  '/proj/web.service': `[Unit]\nDescription=w|eb\n${SERVICE}`,
  '/proj/other.service': `[Unit]\nAfter=network.target web.service\nWants=web.service\n${SERVICE}`,
  '/proj/unrelated.service': `[Unit]\nAfter=other.service\n${SERVICE}`,
};

test('references: from anywhere in a unit file, every name of it plus the socket that starts it implicitly', () => {
  assert.deepEqual(references(THREE), [
    '/proj/other.service:1: web.service',
    '/proj/other.service:2: web.service',
    // web.socket starts web.service without naming it: listed at its [Socket] header.
    '/proj/web.socket:3: [Socket]',
  ]);
  assert.deepEqual(references(THREE, true), [
    '/proj/other.service:1: web.service',
    '/proj/other.service:2: web.service',
    '/proj/web.service:0: [Unit]',
    '/proj/web.socket:3: [Socket]',
  ]);
});

test('references: from a name in a value, the same list; an unrelated unit is not in it', () => {
  const files = { ...THREE, '/proj/web.service': `[Unit]\nDescription=web\n${SERVICE}`, '/proj/other.service': `[Unit]\nAfter=network.target web.serv|ice\nWants=web.service\n${SERVICE}` };
  const found = references(files);
  assert.deepEqual(found, ['/proj/other.service:1: web.service', '/proj/other.service:2: web.service', '/proj/web.socket:3: [Socket]']);
  assert.ok(!found.some((l) => l.includes('unrelated')));
  // other.service is named by unrelated.service only.
  assert.deepEqual(references({ ...files, '/proj/other.service': `[Unit]\nDescription=o|ther\n${SERVICE}` }), ['/proj/unrelated.service:1: other.service']);
});

test('references: Service= (in the file or a drop-in) replaces the implicit pair', () => {
  const base = { '/proj/web.service': `[Unit]\nDescription=w|eb\n${SERVICE}`, '/proj/api.service': SERVICE };
  assert.deepEqual(references({ ...base, '/proj/web.socket': '[Socket]\nListenStream=80\nService=api.service\n' }), []);
  assert.deepEqual(references({ ...base, '/proj/web.socket': '[Socket]\nListenStream=80\n', '/proj/web.socket.d/svc.conf': '[Socket]\nService=api.service\n' }), []);
  // An empty Service= in a later drop-in resets it: the pair is back.
  assert.deepEqual(
    references({ ...base, '/proj/web.socket': '[Socket]\nListenStream=80\nService=api.service\n', '/proj/web.socket.d/svc.conf': '[Socket]\nService=\n' }),
    ['/proj/web.socket:0: [Socket]'],
  );
  const api = { ...base, '/proj/web.service': SERVICE, '/proj/api.service': `[Unit]\nDescription=a|pi\n${SERVICE}` };
  assert.deepEqual(references({ ...api, '/proj/web.socket': '[Socket]\nListenStream=80\nService=api.service\n' }), ['/proj/web.socket:2: api.service']);
});

test('references: a timer and a path start their .service implicitly; a socket without [Socket] is shown at line 1', () => {
  const files = {
    '/proj/backup.service': `[Unit]\nDescription=b|ackup\n${SERVICE}`,
    '/proj/backup.timer': '[Unit]\nDescription=nightly\n[Timer]\nOnCalendar=daily\n',
    '/proj/backup.path': '[Path]\nPathChanged=/srv/inbox\n',
    '/proj/backup.socket': '[Unit]\nDescription=no socket section\n',
  };
  assert.deepEqual(references(files), ['/proj/backup.path:0: [Path]', '/proj/backup.socket:0: [Unit]', '/proj/backup.timer:2: [Timer]']);
});

test('references: Accept=yes pairs a socket with the template; instances count as references of the template', () => {
  const files = {
    '/proj/echo@.service': `[Unit]\nDescription=e|cho\n${SERVICE}`,
    '/proj/echo.socket': '[Socket]\nListenStream=7\nAccept=yes\n',
    '/proj/probe.service': `[Unit]\nWants=echo@probe.service\nAfter=echo@%i.service\n${SERVICE}`,
  };
  assert.deepEqual(references(files), ['/proj/echo.socket:0: [Socket]', '/proj/probe.service:1: echo@probe.service', '/proj/probe.service:2: echo@%i.service']);
  // An instance with a file of its own is that file's reference, not the template's.
  assert.deepEqual(references({ ...files, '/proj/echo@probe.service': SERVICE }), ['/proj/echo.socket:0: [Socket]', '/proj/probe.service:2: echo@%i.service']);
});

test('references: a same-named unit in another folder is another unit', () => {
  const files = {
    '/proj/a/web.service': `[Unit]\nDescription=w|eb\n${SERVICE}`,
    '/proj/a/app.service': `[Unit]\nAfter=web.service\n${SERVICE}`,
    '/proj/b/web.service': SERVICE,
    '/proj/b/app.service': `[Unit]\nAfter=web.service\n${SERVICE}`,
  };
  assert.deepEqual(references(files), ['/proj/a/app.service:1: web.service']);
});

test('references: a unit without a file (multi-user.target) is found by its name', () => {
  const files = {
    '/proj/a.service': `${SERVICE}[Install]\nWantedBy=multi-user.tar|get\n`,
    '/proj/b.service': `${SERVICE}[Install]\nWantedBy=multi-user.target\n`,
    '/proj/c.socket': '[Socket]\nListenStream=1\n[Install]\nWantedBy=sockets.target\n',
  };
  assert.deepEqual(references(files), ['/proj/a.service:3: multi-user.target', '/proj/b.service:3: multi-user.target']);
});

test('references: a drop-in stands for the unit it extends', () => {
  const files = {
    '/proj/web.service.d/override.conf': '[Service]\nEnvironment=A=|1\n',
    '/proj/web.service': SERVICE,
    '/proj/other.service': `[Unit]\nAfter=web.service\n${SERVICE}`,
  };
  assert.deepEqual(references(files), ['/proj/other.service:1: web.service']);
});

test('definition and references: URIs that encode "@" still match the files', () => {
  const ws = new MemoryWorkspace({ '/proj/a.target': '[Unit]\nWants=getty@tty|1.service\n', '/proj/getty@.service': SERVICE });
  // An editor that percent-encodes "@" (VS Code does) asks about the same file.
  const encoded = ws.at().document;
  const links = ls.findDefinition(encoded, ws.at().source.unit, ws.at().position, {
    uris: () => ws.uris().map((u) => u.replace('@', '%40')),
    get: (uri) => ws.get(uri),
  });
  assert.deepEqual(links.map((l) => l.targetUri), [uriOf('/proj/getty%40.service')]);
});
