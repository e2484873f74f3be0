/**
 * A socket and its service, checked together: every pair check with workspaces of two and three files,
 * where it must fire (and on which file and line) and close variants where it must not. Codes only,
 * never message text. The quick fixes are in pairFixes.test.ts; the server over LSP and what a real
 * systemd does in pairServer.test.ts and pairSystemd.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIAGNOSTIC_CODES } from '../server/src/service/languageService';
import { Workspace } from './helpers/workspace';

const SOCKET = (body: string) => `[Socket]\n${body}\n`;
const SERVICE = (body: string) => `[Service]\n${body}\n`;
const RUN = 'ExecStart=/usr/bin/app';

/** LSP severity of the first diagnostic of `code` in `path`. */
function severity(ws: Workspace, path: string, code: string): number | undefined {
  return ws.diagnose(path).find((d) => d.code === code)?.severity;
}

const LSP = { error: 1, warning: 2, information: 3, hint: 4 } as const;

// --- accept-needs-template ------------------------------------------------------------------------------

test('accept-needs-template: Accept=yes with only foo.service, on the Accept= line (error) and in foo.service (warning)', () => {
  const ws = new Workspace({
    '/p/foo.socket': SOCKET('ListenStream=80\nAccept=yes'),
    '/p/foo.service': SERVICE(RUN),
  });
  assert.deepEqual(ws.where('accept-needs-template'), ['/p/foo.service:1', '/p/foo.socket:3']);
  assert.deepEqual(ws.all(), { '/p/foo.service': ['accept-needs-template'], '/p/foo.socket': ['accept-needs-template'] });
  assert.equal(severity(ws, '/p/foo.socket', 'accept-needs-template'), LSP.error);
  assert.equal(severity(ws, '/p/foo.service', 'accept-needs-template'), LSP.warning);
});

test('accept-needs-template: three files, the template in another folder does not count', () => {
  const ws = new Workspace({
    '/p/foo.socket': SOCKET('ListenStream=80\nAccept=yes'),
    '/p/foo.service': SERVICE(RUN),
    '/q/foo@.service': SERVICE(RUN + '\nStandardInput=socket'),
  });
  assert.deepEqual(ws.where('accept-needs-template'), ['/p/foo.service:1', '/p/foo.socket:3']);
});

test('accept-needs-template stays silent with the template, with Accept=no, and without any service', () => {
  const withTemplate = new Workspace({
    '/p/foo.socket': SOCKET('ListenStream=80\nAccept=yes'),
    '/p/foo.service': SERVICE(RUN),
    '/p/foo@.service': SERVICE(RUN + '\nStandardInput=socket'),
  });
  assert.deepEqual(withTemplate.where('accept-needs-template'), []);
  const acceptNo = new Workspace({ '/p/foo.socket': SOCKET('ListenStream=80\nAccept=no'), '/p/foo.service': SERVICE(RUN) });
  assert.deepEqual(acceptNo.all(), { '/p/foo.service': [], '/p/foo.socket': [] });
  // Nothing at all beside it: that is missing-service.
  const lonely = new Workspace({ '/p/foo.socket': SOCKET('ListenStream=80\nAccept=yes') });
  assert.deepEqual(lonely.all(), { '/p/foo.socket': ['missing-service'] });
});

// --- stdio-socket-many --------------------------------------------------------------------------------

test('stdio-socket-many: two Listen lines and StandardInput=socket, on the extra Listen line and the service line', () => {
  const ws = new Workspace({
    '/p/foo.socket': SOCKET('ListenStream=80\nListenStream=/run/foo.sock'),
    '/p/foo.service': SERVICE(RUN + '\nStandardInput=socket'),
  });
  assert.deepEqual(ws.where('stdio-socket-many'), ['/p/foo.service:3', '/p/foo.socket:3']);
  assert.equal(severity(ws, '/p/foo.socket', 'stdio-socket-many'), LSP.error);
  assert.equal(severity(ws, '/p/foo.service', 'stdio-socket-many'), LSP.error);
});

test('stdio-socket-many: two socket units with one Listen line each (three files), StandardOutput=socket counts too', () => {
  const ws = new Workspace({
    '/p/web.socket': SOCKET('ListenStream=80'),
    '/p/web-admin.socket': SOCKET('ListenStream=/run/web-admin.sock\nService=web.service'),
    '/p/web.service': SERVICE(RUN + '\nStandardOutput=socket'),
  });
  assert.deepEqual(ws.where('stdio-socket-many'), ['/p/web-admin.socket:2', '/p/web.service:3', '/p/web.socket:2']);
});

test('stdio-socket-many: Sockets= brings in a socket that triggers another service', () => {
  const ws = new Workspace({
    '/p/web.socket': SOCKET('ListenStream=80'),
    '/p/metrics.socket': SOCKET('ListenStream=9100'),
    '/p/metrics.service': SERVICE(RUN),
    '/p/web.service': SERVICE(RUN + '\nSockets=metrics.socket\nStandardInput=socket'),
  });
  assert.deepEqual(ws.where('stdio-socket-many'), ['/p/web.service:4', '/p/web.socket:2']);
});

test('stdio-socket-many: a StandardInput=socket in a drop-in is reported in the drop-in', () => {
  const ws = new Workspace({
    '/p/foo.socket': SOCKET('ListenStream=80\nListenStream=81'),
    '/p/foo.service': SERVICE(RUN),
    '/p/foo.service.d/stdin.conf': SERVICE('StandardInput=socket'),
  });
  assert.deepEqual(ws.where('stdio-socket-many'), ['/p/foo.service.d/stdin.conf:2', '/p/foo.socket:3']);
  // A Listen*= line in the socket's drop-in counts as well.
  const viaDropIn = new Workspace({
    '/p/foo.socket': SOCKET('ListenStream=80'),
    '/p/foo.socket.d/more.conf': SOCKET('ListenStream=81'),
    '/p/foo.service': SERVICE(RUN + '\nStandardInput=socket'),
  });
  assert.deepEqual(viaDropIn.where('stdio-socket-many'), ['/p/foo.service:3', '/p/foo.socket.d/more.conf:2']);
});

test('stdio-socket-many stays silent: one socket, Accept=yes, a reset, no stdio on the socket', () => {
  const cases: Array<Record<string, string>> = [
    { '/p/foo.socket': SOCKET('ListenStream=80'), '/p/foo.service': SERVICE(RUN + '\nStandardInput=socket') },
    { '/p/foo.socket': SOCKET('ListenStream=80\nListenStream=81\nAccept=yes'), '/p/foo@.service': SERVICE(RUN + '\nStandardInput=socket') },
    { '/p/foo.socket': SOCKET('ListenStream=80\nListenStream=\nListenStream=81'), '/p/foo.service': SERVICE(RUN + '\nStandardInput=socket') },
    { '/p/foo.socket': SOCKET('ListenStream=80\nListenStream=81'), '/p/foo.service': SERVICE(RUN + '\nStandardInput=socket\nStandardInput=null') },
    { '/p/foo.socket': SOCKET('ListenStream=80\nListenStream=81'), '/p/foo.service': SERVICE(RUN) },
  ];
  for (const files of cases) assert.deepEqual(new Workspace(files).where('stdio-socket-many'), [], JSON.stringify(files));
});

// --- connection-ignores-socket ---------------------------------------------------------------------------

test('connection-ignores-socket: a per-connection template without StandardInput=socket, hint on ExecStart=', () => {
  const ws = new Workspace({ '/p/echo.socket': SOCKET('ListenStream=7\nAccept=yes'), '/p/echo@.service': SERVICE('ExecStart=/usr/bin/echo-server') });
  assert.deepEqual(ws.where('connection-ignores-socket'), ['/p/echo@.service:2']);
  assert.equal(severity(ws, '/p/echo@.service', 'connection-ignores-socket'), LSP.hint);
  // Three files: a template socket with Accept=yes starts the same template.
  const three = new Workspace({
    '/p/echo@.socket': SOCKET('ListenStream=/run/echo/%i.sock\nAccept=yes'),
    '/p/echo@.service': SERVICE('ExecStart=/usr/bin/echo-server'),
    '/p/echo.service': SERVICE(RUN),
  });
  assert.deepEqual(three.where('connection-ignores-socket'), ['/p/echo@.service:2']);
});

test('connection-ignores-socket stays silent: stdin on the socket, $LISTEN_FDS in sight, Accept=no, no socket', () => {
  const cases: Array<Record<string, string>> = [
    { '/p/echo.socket': SOCKET('ListenStream=7\nAccept=yes'), '/p/echo@.service': SERVICE('ExecStart=/bin/cat\nStandardInput=socket') },
    { '/p/echo.socket': SOCKET('ListenStream=7\nAccept=yes'), '/p/echo@.service': SERVICE('ExecStart=/bin/cat\nStandardOutput=socket') },
    { '/p/echo.socket': SOCKET('ListenStream=7\nAccept=yes'), '/p/echo@.service': SERVICE("ExecStart=/bin/sh -c 'exec handler --fds $LISTEN_FDS'") },
    { '/p/echo@.socket': SOCKET('ListenStream=/run/echo/%i.sock'), '/p/echo@.service': SERVICE('ExecStart=/usr/bin/echo-server') },
    { '/p/echo@.service': SERVICE('ExecStart=/usr/bin/echo-server') },
  ];
  for (const files of cases) assert.deepEqual(new Workspace(files).where('connection-ignores-socket'), [], JSON.stringify(files));
});

// --- missing-socket-unit ------------------------------------------------------------------------------------

test('missing-socket-unit: Sockets= naming a socket that exists nowhere, on the name itself', () => {
  const ws = new Workspace({
    '/p/web.socket': SOCKET('ListenStream=80'),
    '/p/web.service': SERVICE(RUN + '\nSockets=web.socket web-admin.socket'),
  });
  const [d] = ws.diagnose('/p/web.service').filter((x) => x.code === 'missing-socket-unit');
  assert.deepEqual([d.range.start, d.range.end], [{ line: 2, character: 19 }, { line: 2, character: 35 }]);
  assert.equal(d.severity, LSP.warning);
  assert.deepEqual(ws.all(), { '/p/web.service': ['missing-socket-unit'], '/p/web.socket': [] });
});

test('missing-socket-unit stays silent when the socket is beside it or elsewhere in the workspace', () => {
  const ws = new Workspace({
    '/p/web.socket': SOCKET('ListenStream=80'),
    '/p/web-admin.socket': SOCKET('ListenStream=/run/web-admin.sock\nService=web.service'),
    '/shared/metrics.socket': SOCKET('ListenStream=9100'),
    '/p/web.service': SERVICE(RUN + '\nSockets=web.socket web-admin.socket metrics.socket'),
  });
  assert.deepEqual(ws.where('missing-socket-unit'), []);
});

// --- template-shared-address --------------------------------------------------------------------------------

test('template-shared-address: a template socket whose address ignores the instance', () => {
  const ws = new Workspace({
    '/p/tenant@.socket': SOCKET('ListenStream=/run/tenant.sock\nListenStream=8080\nListenStream=/run/tenant/%i.sock'),
    '/p/tenant@.service': SERVICE(RUN),
  });
  assert.deepEqual(ws.where('template-shared-address'), ['/p/tenant@.socket:2', '/p/tenant@.socket:3']);
  assert.equal(severity(ws, '/p/tenant@.socket', 'template-shared-address'), LSP.information);
});

test('template-shared-address stays silent with %i/%I/%n, ReusePort= or a network namespace per instance, a FIFO, and plain units', () => {
  const cases: Array<Record<string, string>> = [
    { '/p/t@.socket': SOCKET('ListenStream=/run/t/%i.sock\nListenDatagram=/run/t/%I.dgram\nListenStream=/run/%n'), '/p/t@.service': SERVICE(RUN) },
    { '/p/t@.socket': SOCKET('ListenStream=8080\nReusePort=yes'), '/p/t@.service': SERVICE(RUN) },
    { '/p/t@.socket': SOCKET('ListenStream=8080\nNetworkNamespacePath=/run/netns/%i'), '/p/t@.service': SERVICE(RUN) },
    { '/p/t@.socket': SOCKET('ListenFIFO=/run/t.fifo'), '/p/t@.service': SERVICE(RUN) },
    { '/p/t.socket': SOCKET('ListenStream=/run/t.sock'), '/p/t.service': SERVICE(RUN) },
  ];
  for (const files of cases) assert.deepEqual(new Workspace(files).where('template-shared-address'), [], JSON.stringify(files));
  // And the template socket needs the template service (missing-service, error).
  const lonely = new Workspace({ '/p/t@.socket': SOCKET('ListenStream=/run/t/%i.sock'), '/p/t.service': SERVICE(RUN) });
  assert.deepEqual(lonely.where('missing-service'), ['/p/t@.socket:1']);
});

// --- dynamic-user-in-user-unit --------------------------------------------------------------------------------

test('dynamic-user-in-user-unit: in a user unit and in its drop-in (error); not in a system unit', () => {
  const home = '/home/u/.config/systemd/user';
  const ws = new Workspace({
    [`${home}/web.socket`]: SOCKET('ListenStream=8080'),
    [`${home}/web.service`]: SERVICE(RUN + '\nDynamicUser=yes'),
    [`${home}/web.socket.d/user.conf`]: SOCKET('DynamicUser=true'),
  });
  assert.deepEqual(ws.where('dynamic-user-in-user-unit'), [`${home}/web.service:3`, `${home}/web.socket.d/user.conf:2`]);
  assert.equal(severity(ws, `${home}/web.service`, 'dynamic-user-in-user-unit'), LSP.error);
  const system = new Workspace({ '/etc/systemd/system/web.socket': SOCKET('ListenStream=8080'), '/etc/systemd/system/web.service': SERVICE(RUN + '\nDynamicUser=yes') });
  assert.deepEqual(system.where('dynamic-user-in-user-unit'), []);
  const off = new Workspace({ [`${home}/web.service`]: SERVICE(RUN + '\nDynamicUser=yes\nDynamicUser=no') });
  assert.deepEqual(off.where('dynamic-user-in-user-unit'), []);
});

test('dynamic-user-in-user-unit follows the unitScope setting', () => {
  const files = { '/p/web.service': SERVICE(RUN + '\nDynamicUser=yes') };
  assert.deepEqual(new Workspace(files, { systemdVersion: 252, scope: 'user' }).where('dynamic-user-in-user-unit'), ['/p/web.service:3']);
  assert.deepEqual(new Workspace(files, { systemdVersion: 252 }).where('dynamic-user-in-user-unit'), []);
});

// --- service-binds-socket-port -------------------------------------------------------------------------------

test('service-binds-socket-port: --port, -p, :PORT and PORT= name the port the socket holds (hint on that text)', () => {
  const variants: Array<[string, string]> = [
    ['ExecStart=/usr/bin/app --port 8080', '--port 8080'],
    ['ExecStart=/usr/bin/app --port=8080', '--port=8080'],
    ['ExecStart=/usr/bin/app -p 8080', '-p 8080'],
    ['ExecStart=/usr/bin/app --listen 0.0.0.0:8080', ':8080'],
    ['ExecStart=/usr/bin/app\nEnvironment=MODE=prod PORT=8080', 'PORT=8080'],
  ];
  for (const [body, token] of variants) {
    const ws = new Workspace({ '/p/app.socket': SOCKET('ListenStream=127.0.0.1:8080'), '/p/app.service': SERVICE(body) });
    const found = ws.diagnose('/p/app.service').filter((d) => d.code === 'service-binds-socket-port');
    assert.equal(found.length, 1, body);
    const doc = ws.document('/p/app.service');
    assert.equal(doc.getText(found[0].range), token, body);
    assert.equal(found[0].severity, LSP.hint);
  }
});

test('service-binds-socket-port: three files, a Sockets= socket on another port', () => {
  const ws = new Workspace({
    '/p/app.socket': SOCKET('ListenStream=8080'),
    '/p/app-admin.socket': SOCKET('ListenStream=[::1]:9090\nService=app.service'),
    '/p/app.service': SERVICE('ExecStart=/usr/bin/app --admin-port 9090\nSockets=app.socket app-admin.socket'),
  });
  assert.deepEqual(ws.where('service-binds-socket-port'), ['/p/app.service:2']);
});

test('service-binds-socket-port stays silent for other ports, Unix sockets and services no socket starts', () => {
  const cases: Array<Record<string, string>> = [
    { '/p/app.socket': SOCKET('ListenStream=8080'), '/p/app.service': SERVICE('ExecStart=/usr/bin/app --port 8081') },
    { '/p/app.socket': SOCKET('ListenStream=/run/app.sock'), '/p/app.service': SERVICE('ExecStart=/usr/bin/app --port 8080') },
    { '/p/other.socket': SOCKET('ListenStream=8080'), '/p/other.service': SERVICE(RUN), '/p/app.service': SERVICE('ExecStart=/usr/bin/app --port 8080') },
  ];
  for (const files of cases) assert.deepEqual(new Workspace(files).where('service-binds-socket-port'), [], JSON.stringify(files));
});

// --- The whole table --------------------------------------------------------------------------------------

test('a clean pair (the README example: two named sockets, one service) has no diagnostics at all', () => {
  const ws = new Workspace({
    '/p/web.socket': '[Unit]\nDescription=Web\n\n[Socket]\nListenStream=8080\nFileDescriptorName=http\nService=web.service\n\n[Install]\nWantedBy=sockets.target\n',
    '/p/web-admin.socket': '[Socket]\nListenStream=/run/web/admin.sock\nFileDescriptorName=admin\nService=web.service\n',
    '/p/web.service': '[Unit]\nRequires=web.socket web-admin.socket\n\n[Service]\nExecStart=/usr/bin/web\nSockets=web.socket web-admin.socket\n',
  });
  assert.deepEqual(ws.all(), { '/p/web-admin.socket': [], '/p/web.service': [], '/p/web.socket': [] });
});

test('every pair code has the severity its table entry says', () => {
  const expected: Record<string, string> = {
    'accept-needs-template': 'error',
    'stdio-socket-many': 'error',
    'connection-ignores-socket': 'hint',
    'missing-socket-unit': 'warning',
    'template-shared-address': 'information',
    'dynamic-user-in-user-unit': 'error',
    'service-binds-socket-port': 'hint',
  };
  for (const [code, severity] of Object.entries(expected)) {
    assert.equal(DIAGNOSTIC_CODES[code as keyof typeof DIAGNOSTIC_CODES].severity, severity, code);
  }
});
