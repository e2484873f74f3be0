/**
 * The quick fixes of the pair checks, applied to an in-memory workspace (CreateFile + text edits, as an
 * editor applies a WorkspaceEdit): the exact text of every file they write or change, then the whole
 * workspace re-diagnosed clean of the code they fix. Where systemd-analyze is installed, the fixed
 * workspace is also written to a folder and verified by systemd: it must refuse nothing.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runSystemdVerify, systemdAnalyzeVersion } from './helpers/cli';
import { uriOf, Workspace } from './helpers/workspace';

const noSystemd = systemdAnalyzeVersion() === undefined ? 'systemd-analyze is not installed' : false;
const scratch = mkdtempSync(join(tmpdir(), 'sockact-pairfix-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Every file of the workspace below /p, written to a fresh folder and verified by systemd: nothing refused. */
function systemdAccepts(ws: Workspace, name: string): void {
  if (noSystemd) return;
  const dir = join(scratch, name);
  const files: string[] = [];
  for (const [path, text] of ws.files) {
    if (!path.startsWith('/p/')) continue;
    const rel = path.slice(3);
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
    if (!rel.includes('/')) files.push(rel);
  }
  const v = runSystemdVerify(files.sort(), dir);
  assert.deepEqual(v.refusals.map((r) => r.text), [], `systemd refuses the fixed units:\n${v.output}`);
  assert.deepEqual(v.unrecognised, [], v.output);
}

/** Applies the action with this title for `code` in `path`; then no file of the workspace has `code` any more. */
function fix(ws: Workspace, path: string, code: string, title: string): void {
  ws.apply(ws.action(path, code, title).edit);
  assert.deepEqual(ws.where(code), [], `${code} left after '${title}'`);
}

const text = (ws: Workspace, path: string) => ws.files.get(path);

// --- missing-service: Create foo.service -----------------------------------------------------------------

test('missing-service (Accept=no): Create web.service, a long-running server on fd 3, no [Install]', () => {
  const ws = new Workspace({ '/p/web.socket': '[Socket]\nListenStream=8080\n' });
  const action = ws.action('/p/web.socket', 'missing-service', 'Create web.service');
  assert.equal(action.isPreferred, true);
  const [create] = action.edit!.documentChanges!;
  assert.deepEqual(create, { kind: 'create', uri: uriOf('/p/web.service'), options: { overwrite: false, ignoreIfExists: false } });
  fix(ws, '/p/web.socket', 'missing-service', 'Create web.service');
  assert.equal(
    text(ws, '/p/web.service'),
    [
      '[Unit]',
      'Description=web (started by web.socket)',
      '',
      '[Service]',
      '# web.socket starts this service on the first connection and passes its listening',
      '# socket(s) from fd 3 on ($LISTEN_FDS, $LISTEN_FDNAMES): the program must accept connections on fd 3',
      '# instead of binding the address itself. Replace the command with yours. No [Install] section: the',
      '# socket starts the service.',
      'ExecStart=/usr/local/bin/web',
      '',
    ].join('\n'),
  );
  assert.deepEqual(ws.all(), { '/p/web.service': [], '/p/web.socket': [] });
  systemdAccepts(ws, 'create-plain');
});

test('missing-service (Accept=yes): Create echo@.service, one instance per connection on stdin/stdout', () => {
  const ws = new Workspace({ '/p/echo.socket': '[Socket]\nListenStream=7007\nAccept=yes\n' });
  fix(ws, '/p/echo.socket', 'missing-service', 'Create echo@.service');
  assert.equal(
    text(ws, '/p/echo@.service'),
    [
      '[Unit]',
      'Description=echo connection %i (started by echo.socket)',
      '',
      '[Service]',
      '# echo.socket has Accept=yes: it accepts each connection and starts one instance of this template',
      "# for it. StandardInput=socket makes the connection the program's stdin and stdout (inetd style).",
      '# Replace the command with yours. No [Install] section: the socket starts the instances.',
      'ExecStart=/usr/local/bin/echo',
      'StandardInput=socket',
      '',
    ].join('\n'),
  );
  assert.deepEqual(ws.all(), { '/p/echo.socket': [], '/p/echo@.service': [] });
  systemdAccepts(ws, 'create-accept');
});

test('missing-service: Create the Service= unit, and the template of a template socket (CRLF kept)', () => {
  const named = new Workspace({ '/p/web.socket': '[Socket]\nListenStream=8080\nService=backend.service\n' });
  fix(named, '/p/web.socket', 'missing-service', 'Create backend.service');
  assert.match(text(named, '/p/backend.service')!, /^Description=backend \(started by web\.socket\)$/m);
  assert.deepEqual(named.all(), { '/p/backend.service': [], '/p/web.socket': [] });
  systemdAccepts(named, 'create-service-directive');

  const tenant = new Workspace({ '/p/tenant@.socket': '[Socket]\r\nListenStream=/run/tenant/%i.sock\r\n' });
  fix(tenant, '/p/tenant@.socket', 'missing-service', 'Create tenant@.service');
  const created = text(tenant, '/p/tenant@.service')!;
  assert.match(created, /^Description=tenant instance %i \(started by tenant@%i\.socket\)\r$/m);
  assert.ok(!/[^\r]\n/.test(created), 'line breaks follow the socket file (CRLF)');
  assert.deepEqual(tenant.all(), { '/p/tenant@.service': [], '/p/tenant@.socket': [] });
  systemdAccepts(tenant, 'create-template');
});

test('Create … is not offered when the service exists by now (a diagnostic older than the workspace)', () => {
  const ws = new Workspace({ '/p/web.socket': '[Socket]\nListenStream=8080\n' });
  const stale = ws.diagnose('/p/web.socket');
  ws.files.set('/p/web.service', '[Service]\nExecStart=/bin/true\n');
  const fresh = new Workspace(Object.fromEntries(ws.files));
  const doc = fresh.document('/p/web.socket');
  const titles = fresh.actions('/p/web.socket', stale[0].range).map((a) => a.title);
  assert.ok(doc && !titles.includes('Create web.service'), titles.join(', '));
});

// --- accept-needs-template -----------------------------------------------------------------------------

const acceptPair = () =>
  new Workspace({ '/p/foo.socket': '[Socket]\nListenStream=8080\nAccept=yes\n', '/p/foo.service': '[Service]\nExecStart=/usr/bin/foo\n' });

test('accept-needs-template: Switch to Accept=no (preferred)', () => {
  const ws = acceptPair();
  assert.equal(ws.action('/p/foo.socket', 'accept-needs-template', 'Switch to Accept=no').isPreferred, true);
  fix(ws, '/p/foo.socket', 'accept-needs-template', 'Switch to Accept=no');
  assert.equal(text(ws, '/p/foo.socket'), '[Socket]\nListenStream=8080\nAccept=no\n');
  assert.deepEqual(ws.all(), { '/p/foo.service': [], '/p/foo.socket': [] });
  systemdAccepts(ws, 'accept-switch');
});

test('accept-needs-template: Create foo@.service (the socket and foo.service both come clean)', () => {
  const ws = acceptPair();
  fix(ws, '/p/foo.socket', 'accept-needs-template', 'Create foo@.service');
  assert.match(text(ws, '/p/foo@.service')!, /^StandardInput=socket$/m);
  assert.deepEqual(ws.all(), { '/p/foo.service': [], '/p/foo.socket': [], '/p/foo@.service': [] });
  systemdAccepts(ws, 'accept-template');
});

// --- fdname-per-socket: split into one .socket per name --------------------------------------------------

const SPLIT = 'Split into one .socket unit per name';

test('fdname-per-socket: split (names below their lines), other settings copied, Sockets= added to the service', () => {
  const ws = new Workspace({
    '/p/web.socket': [
      '[Unit]',
      'Description=Web server',
      '',
      '[Socket]',
      'ListenStream=8080',
      'FileDescriptorName=http',
      'ListenStream=8443',
      'FileDescriptorName=https',
      'ListenStream=/run/web/admin.sock',
      'FileDescriptorName=admin',
      'SocketMode=0660',
      'Backlog=256',
      '',
      '[Install]',
      'WantedBy=sockets.target',
      '',
    ].join('\n'),
    '/p/web.service': '[Unit]\nDescription=Web\n\n[Service]\nExecStart=/usr/bin/web\nDynamicUser=yes\n',
  });
  assert.deepEqual(ws.where('fdname-per-socket'), ['/p/web.socket:6', '/p/web.socket:8']);
  const action = ws.action('/p/web.socket', 'fdname-per-socket', `${SPLIT} (web-https.socket, web-admin.socket)`);
  assert.equal(action.isPreferred, true);
  assert.equal(action.diagnostics?.length, 2, 'the one action answers both diagnostics');
  fix(ws, '/p/web.socket', 'fdname-per-socket', `${SPLIT} (web-https.socket, web-admin.socket)`);
  assert.equal(
    text(ws, '/p/web.socket'),
    '[Unit]\nDescription=Web server\n\n[Socket]\nListenStream=8080\nFileDescriptorName=http\nSocketMode=0660\nBacklog=256\n\n[Install]\nWantedBy=sockets.target\n',
  );
  assert.equal(
    text(ws, '/p/web-https.socket'),
    '[Unit]\nDescription=Web server (https)\n\n[Socket]\nListenStream=8443\nSocketMode=0660\nBacklog=256\nFileDescriptorName=https\nService=web.service\n\n[Install]\nWantedBy=sockets.target\n',
  );
  assert.equal(
    text(ws, '/p/web-admin.socket'),
    '[Unit]\nDescription=Web server (admin)\n\n[Socket]\nListenStream=/run/web/admin.sock\nSocketMode=0660\nBacklog=256\nFileDescriptorName=admin\nService=web.service\n\n[Install]\nWantedBy=sockets.target\n',
  );
  assert.equal(
    text(ws, '/p/web.service'),
    '[Unit]\nDescription=Web\n\n[Service]\nExecStart=/usr/bin/web\nDynamicUser=yes\nSockets=web.socket web-https.socket web-admin.socket\n',
  );
  assert.deepEqual(ws.all(), { '/p/web-admin.socket': [], '/p/web-https.socket': [], '/p/web.service': [], '/p/web.socket': [] });
  systemdAccepts(ws, 'split-below');
});

test('fdname-per-socket: split with names above their lines, Service= kept, an existing Sockets= extended', () => {
  const ws = new Workspace({
    '/p/api.socket': '[Socket]\nService=backend.service\nFileDescriptorName=public\nListenStream=80\nListenStream=[::]:8080\nFileDescriptorName=internal\nListenStream=/run/api.sock\n',
    '/p/backend.service': '[Service]\nExecStart=/usr/bin/backend\nSockets=api.socket\n',
  });
  fix(ws, '/p/api.socket', 'fdname-per-socket', `${SPLIT} (api-internal.socket)`);
  assert.equal(text(ws, '/p/api.socket'), '[Socket]\nService=backend.service\nFileDescriptorName=public\nListenStream=80\nListenStream=[::]:8080\n');
  assert.equal(text(ws, '/p/api-internal.socket'), '[Socket]\nListenStream=/run/api.sock\nFileDescriptorName=internal\nService=backend.service\n');
  assert.equal(text(ws, '/p/backend.service'), '[Service]\nExecStart=/usr/bin/backend\nSockets=api.socket api-internal.socket\n');
  assert.deepEqual(ws.all(), { '/p/api-internal.socket': [], '/p/api.socket': [], '/p/backend.service': [] });
  systemdAccepts(ws, 'split-above');
});

test('fdname-per-socket: without the service file the split still works (Sockets= comes with the service)', () => {
  const ws = new Workspace({ '/p/web.socket': '[Socket]\nListenStream=80\nFileDescriptorName=a\nListenStream=81\nFileDescriptorName=b\n' });
  fix(ws, '/p/web.socket', 'fdname-per-socket', `${SPLIT} (web-b.socket)`);
  assert.equal(text(ws, '/p/web-b.socket'), '[Socket]\nListenStream=81\nFileDescriptorName=b\nService=web.service\n');
  assert.deepEqual(ws.all(), { '/p/web-b.socket': ['missing-service'], '/p/web.socket': ['missing-service'] });
});

test('fdname-per-socket: no split for Accept=yes, for a name that needs a unit that exists, or without a clear reading', () => {
  const cases: Array<Record<string, string>> = [
    { '/p/web.socket': '[Socket]\nListenStream=80\nFileDescriptorName=a\nListenStream=81\nFileDescriptorName=b\nAccept=yes\n', '/p/web@.service': '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n' },
    { '/p/web.socket': '[Socket]\nListenStream=80\nFileDescriptorName=a\nListenStream=81\nFileDescriptorName=b\n', '/p/web.service': '[Service]\nExecStart=/bin/true\n', '/p/web-b.socket': '[Socket]\nListenStream=82\n' },
    { '/p/web.socket': '[Socket]\nListenStream=80\nListenStream=81\nFileDescriptorName=a\nFileDescriptorName=b\n', '/p/web.service': '[Service]\nExecStart=/bin/true\n' },
  ];
  for (const files of cases) {
    const ws = new Workspace(files);
    const titles = ws.actions('/p/web.socket', 'fdname-per-socket').map((a) => a.title);
    assert.ok(!titles.some((t) => t.startsWith(SPLIT)), `${JSON.stringify(files)}: ${titles.join(', ')}`);
  }
});

// --- connection-ignores-socket, dynamic-user-in-user-unit ---------------------------------------------------

test('connection-ignores-socket: Add StandardInput=socket below ExecStart=', () => {
  const ws = new Workspace({ '/p/echo.socket': '[Socket]\nListenStream=7\nAccept=yes\n', '/p/echo@.service': '[Service]\n  ExecStart=/usr/bin/echo-server\n  User=echo' });
  fix(ws, '/p/echo@.service', 'connection-ignores-socket', 'Add StandardInput=socket (the connection becomes stdin and stdout)');
  assert.equal(text(ws, '/p/echo@.service'), '[Service]\n  ExecStart=/usr/bin/echo-server\n  StandardInput=socket\n  User=echo');
  assert.deepEqual(ws.all(), { '/p/echo.socket': [], '/p/echo@.service': [] });
  systemdAccepts(ws, 'stdin-socket');
});

test('dynamic-user-in-user-unit: Remove DynamicUser=', () => {
  const home = '/home/u/.config/systemd/user';
  const ws = new Workspace({ [`${home}/web.service`]: '[Service]\nExecStart=/usr/bin/web\nDynamicUser=yes' });
  fix(ws, `${home}/web.service`, 'dynamic-user-in-user-unit', 'Remove DynamicUser=');
  assert.equal(text(ws, `${home}/web.service`), '[Service]\nExecStart=/usr/bin/web');
});
