/**
 * "Add sandboxing" on .service units: what it adds, what it leaves alone, each conflict it reports (as
 * `# sockact:` notes above the line at fault), and that the result still lints clean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionKind, type CodeAction, type Range } from 'vscode-languageserver-types';
import { ADD_SANDBOXING_TITLE } from '../server/src/service/sandboxing';
import { createLanguageService } from '../server/src/service/languageService';

const ls = createLanguageService({ resolver: { unitExists: () => true } });

interface Options {
  path?: string;
  systemdVersion?: number;
  /** Where the action is asked for (default: the [Service] header). */
  range?: Range;
  scope?: 'system' | 'user';
}

function sandboxing(text: string, options: Options = {}): { actions: CodeAction[]; apply(action: CodeAction): string; document: TextDocument } {
  const document = TextDocument.create(`file://${options.path ?? '/proj/app.service'}`, 'systemd-unit-file', 1, text);
  const unit = ls.parse(document);
  const header = text.indexOf('[Service]');
  const at = document.positionAt(Math.max(header, 0));
  const settings = { systemdVersion: options.systemdVersion ?? 258, scope: options.scope };
  const all = ls.doCodeActions(document, unit, options.range ?? { start: at, end: at }, ls.doValidation(document, unit, settings), settings);
  return {
    document,
    actions: all.filter((a) => a.title.startsWith(ADD_SANDBOXING_TITLE)),
    apply(action) {
      const edits = action.edit?.changes?.[document.uri];
      assert.ok(edits, `${action.title} has no edit`);
      return TextDocument.applyEdits(document, edits);
    },
  };
}

function lint(text: string, path = '/proj/app.service', systemdVersion = 258): string[] {
  const document = TextDocument.create(`file://${path}`, 'systemd-unit-file', 1, text);
  return ls.doValidation(document, ls.parse(document), { systemdVersion }).map((d) => String(d.code));
}

const PLAIN = '[Unit]\nDescription=app\n\n[Service]\nExecStart=/usr/bin/app --port 8080\n\n[Install]\nWantedBy=multi-user.target\n';

test('a plain service gets all five settings at the end of [Service], as a refactoring', () => {
  const { actions, apply } = sandboxing(PLAIN);
  assert.deepEqual(actions.map((a) => [a.title, a.kind]), [[ADD_SANDBOXING_TITLE, CodeActionKind.RefactorRewrite]]);
  const result = apply(actions[0]);
  assert.equal(
    result,
    '[Unit]\nDescription=app\n\n[Service]\nExecStart=/usr/bin/app --port 8080\nDynamicUser=yes\nPrivateTmp=yes\nProtectSystem=strict\nProtectHome=yes\nNoNewPrivileges=yes\n\n[Install]\nWantedBy=multi-user.target\n',
  );
  assert.deepEqual(lint(result), []);
  // Applied once, nothing is left to add.
  assert.deepEqual(sandboxing(result).actions, []);
});

test('settings already there (whatever their value) are kept and not added again', () => {
  const text = '[Service]\nExecStart=/usr/bin/app\nPrivateTmp=no\nProtectSystem=full\n';
  const { actions, apply } = sandboxing(text);
  assert.equal(apply(actions[0]), `${text}DynamicUser=yes\nProtectHome=yes\nNoNewPrivileges=yes\n`);
  const all = '[Service]\nExecStart=/usr/bin/app\nDynamicUser=yes\nPrivateTmp=yes\nProtectSystem=strict\nProtectHome=read-only\nNoNewPrivileges=yes\n';
  assert.deepEqual(sandboxing(all).actions, [], 'everything set: no action');
});

test('offered only in the [Service] section of a .service unit file', () => {
  const inUnit = { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } };
  assert.deepEqual(sandboxing(PLAIN, { range: inUnit }).actions, [], 'cursor in [Unit]');
  assert.equal(sandboxing(PLAIN, { range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } } }).actions.length, 1, 'blank line after [Service]');
  assert.deepEqual(sandboxing('[Socket]\nListenStream=80\n[Service]\nExecStart=/bin/true\n', { path: '/proj/app.socket' }).actions, []);
  assert.deepEqual(sandboxing('[Service]\nEnvironment=A=1\n', { path: '/proj/app.service.d/override.conf' }).actions, [], 'drop-in');
  assert.deepEqual(sandboxing('[Unit]\nDescription=no service section\n').actions, []);
});

test('conflict: a command writes below /var without a writable directory', () => {
  const text = '[Service]\nExecStart=/usr/bin/app --db=/var/lib/app/db.sqlite\n';
  const { actions, apply } = sandboxing(text);
  assert.deepEqual(actions.map((a) => a.title), [
    `${ADD_SANDBOXING_TITLE} (without DynamicUser=yes and ProtectSystem=strict)`,
    `${ADD_SANDBOXING_TITLE}, including DynamicUser=yes and ProtectSystem=strict (conflicts noted in comments)`,
  ]);
  const safe = apply(actions[0]);
  assert.equal(
    safe,
    '[Service]\n' +
      '# sockact: DynamicUser=yes and ProtectSystem=strict left out: ExecStart= names /var/lib/app/db.sqlite, which would be read-only (DynamicUser=yes implies ProtectSystem=strict); add StateDirectory=app or ReadWritePaths=/var/lib/app.\n' +
      'ExecStart=/usr/bin/app --db=/var/lib/app/db.sqlite\nPrivateTmp=yes\nProtectHome=yes\nNoNewPrivileges=yes\n',
  );
  assert.deepEqual(lint(safe), []);
  const all = apply(actions[1]);
  assert.match(all, /^# sockact: DynamicUser=yes and ProtectSystem=strict added, but ExecStart= names \/var\/lib\/app\/db\.sqlite/m);
  assert.match(all, /DynamicUser=yes\nPrivateTmp=yes\nProtectSystem=strict\nProtectHome=yes\nNoNewPrivileges=yes\n$/);

  // The directory made writable: no conflict.
  assert.deepEqual(sandboxing(`${text}StateDirectory=app\n`).actions.map((a) => a.title), [ADD_SANDBOXING_TITLE]);
  assert.deepEqual(sandboxing(`${text}ReadWritePaths=-/var/lib/app\n`).actions.map((a) => a.title), [ADD_SANDBOXING_TITLE]);
  // /var/tmp stays writable under ProtectSystem=strict (PrivateTmp= gives a private one, which is a
  // conflict of its own); a command run with "+" is outside the sandbox; the executable itself is only read.
  assert.equal(sandboxing('[Service]\nExecStart=/usr/bin/app /var/tmp/x\n').actions[0].title, `${ADD_SANDBOXING_TITLE} (without DynamicUser=yes and PrivateTmp=yes)`);
  assert.deepEqual(sandboxing('[Service]\nExecStart=/usr/bin/app\nExecStartPre=+/usr/bin/mkdir -p /var/lib/app/x\n').actions.map((a) => a.title), [ADD_SANDBOXING_TITLE]);
  assert.deepEqual(sandboxing('[Service]\nExecStart=/var/lib/app/bin/app\n').actions.map((a) => a.title), [ADD_SANDBOXING_TITLE]);
  // A configuration file below /etc is read, which works read-only.
  assert.deepEqual(sandboxing('[Service]\nExecStart=/usr/bin/app --config /etc/app/app.conf\n').actions.map((a) => a.title), [ADD_SANDBOXING_TITLE]);
  // %S is /var/lib in a system unit; a target older than 235 has no StateDirectory=.
  const old = sandboxing('[Service]\nExecStart=/usr/bin/app %S/app/db\n', { systemdVersion: 234 });
  assert.match(old.apply(old.actions[0]), /names \/var\/lib\/app\/db, .*; add ReadWritePaths=\/var\/lib\/app\/db\.\n/);
  // Several paths in one command: one note that names them all, with a fix for each.
  const two = sandboxing('[Service]\nExecStart=/usr/bin/app --data /var/lib/app --log=/var/log/app.log\n');
  assert.match(two.apply(two.actions[0]), /names \/var\/lib\/app and \/var\/log\/app\.log, .*; add StateDirectory=app or ReadWritePaths=\/var\/lib\/app; ReadWritePaths=\/var\/log\/app\.log\.\n/);
});

test('conflict: DynamicUser=yes with User= (a static user wins), and with root', () => {
  const text = '[Service]\nUser=www-data\nExecStart=/usr/bin/app\n';
  const { actions, apply } = sandboxing(text);
  assert.equal(actions[0].title, `${ADD_SANDBOXING_TITLE} (without DynamicUser=yes)`);
  assert.equal(
    apply(actions[0]),
    '[Service]\n# sockact: DynamicUser=yes left out: if the user www-data exists, DynamicUser=yes runs the service as that static user and allocates no dynamic one; remove User= to get a dynamic user named after the unit.\n' +
      'User=www-data\nExecStart=/usr/bin/app\nPrivateTmp=yes\nProtectSystem=strict\nProtectHome=yes\nNoNewPrivileges=yes\n',
  );
  assert.match(apply(sandboxing('[Service]\nUser=root\nExecStart=/usr/bin/app\n').actions[0]), /root always exists/);
});

test('conflict: a user unit cannot have DynamicUser=yes at all (never added, not even in the second action)', () => {
  const path = '/home/me/.config/systemd/user/app.service';
  const { actions, apply } = sandboxing('[Service]\nExecStart=/usr/bin/app\n', { path });
  assert.deepEqual(actions.map((a) => a.title), [`${ADD_SANDBOXING_TITLE} (without DynamicUser=yes)`]);
  const result = apply(actions[0]);
  assert.equal(
    result,
    '[Service]\nExecStart=/usr/bin/app\n# sockact: DynamicUser=yes left out: the user manager cannot run units with DynamicUser=yes.\nPrivateTmp=yes\nProtectSystem=strict\nProtectHome=yes\nNoNewPrivileges=yes\n',
  );
  assert.deepEqual(lint(result, path), []);
  // The sockact.unitScope setting says the same for a unit outside a systemd/user folder.
  assert.deepEqual(sandboxing('[Service]\nExecStart=/usr/bin/app\n', { scope: 'user' }).actions.map((a) => a.title), [`${ADD_SANDBOXING_TITLE} (without DynamicUser=yes)`]);
});

test('conflict: ProtectHome=yes with a program or working directory in a home', () => {
  for (const text of ['[Service]\nExecStart=/home/me/bin/app\n', '[Service]\nExecStart=/usr/bin/app\nWorkingDirectory=/root/app\n', '[Service]\nExecStart=/usr/bin/app %h/data\n']) {
    const { actions, apply } = sandboxing(text);
    assert.equal(actions[0].title, `${ADD_SANDBOXING_TITLE} (without ProtectHome=yes)`, text);
    assert.match(apply(actions[0]), /# sockact: ProtectHome=yes left out: .*inaccessible; ProtectHome=read-only keeps it readable\.\n/);
    assert.match(apply(actions[1]), /ProtectHome=yes added, but/);
  }
  // WorkingDirectory=~ with DynamicUser=yes is refused by systemd: never added.
  const home = sandboxing('[Service]\nExecStart=/usr/bin/app\nWorkingDirectory=~\n');
  assert.deepEqual(home.actions.map((a) => a.title), [
    `${ADD_SANDBOXING_TITLE} (without DynamicUser=yes and ProtectHome=yes)`,
    `${ADD_SANDBOXING_TITLE}, including ProtectHome=yes (conflicts noted in comments)`,
  ]);
  assert.doesNotMatch(home.apply(home.actions[1]), /^DynamicUser=yes$/m);
});

test('conflict: NoNewPrivileges=yes with sudo; PrivateTmp=yes with a path in /tmp; D-Bus names', () => {
  const sudo = sandboxing('[Service]\nExecStart=/usr/bin/sudo -u app /usr/bin/app\n');
  assert.equal(sudo.actions[0].title, `${ADD_SANDBOXING_TITLE} (without DynamicUser=yes and NoNewPrivileges=yes)`);
  assert.match(sudo.apply(sudo.actions[0]), /runs sudo, which needs setuid to gain privileges and would fail/);
  const tmp = sandboxing('[Service]\nExecStart=/usr/bin/app --socket /tmp/app.sock\n');
  assert.equal(tmp.actions[0].title, `${ADD_SANDBOXING_TITLE} (without DynamicUser=yes and PrivateTmp=yes)`);
  const bus = sandboxing('[Service]\nType=dbus\nBusName=org.example.App\nExecStart=/usr/bin/app\n');
  assert.equal(bus.actions[0].title, `${ADD_SANDBOXING_TITLE} (without DynamicUser=yes)`);
  assert.match(bus.apply(bus.actions[0]), /# sockact: DynamicUser=yes left out: a service with DynamicUser=yes cannot own a D-Bus name.*\nBusName=/);
});

test('conflict: a target systemd too old for a setting: never added', () => {
  const { actions, apply } = sandboxing('[Service]\nExecStart=/usr/bin/app\n', { systemdVersion: 230 });
  assert.deepEqual(actions.map((a) => a.title), [`${ADD_SANDBOXING_TITLE} (without DynamicUser=yes and ProtectSystem=strict)`]);
  const result = apply(actions[0]);
  assert.match(result, /DynamicUser=yes left out: the target systemd 230 does not know it \(it arrived in 232\)/);
  assert.match(result, /ProtectSystem=strict left out: the target systemd 230 does not know it \(it arrived in 232\)/);
  assert.deepEqual(lint(result, '/proj/app.service', 230), []);
});

test('notes are never written twice, and a stale "left out" note goes once its settings are added', () => {
  const text = '[Service]\nUser=www-data\nExecStart=/usr/bin/app\n';
  const first = sandboxing(text);
  const once = first.apply(first.actions[0]);
  // Run again: only the second action is left, and it replaces the note that no longer holds.
  const second = sandboxing(once);
  assert.deepEqual(second.actions.map((a) => a.title), [`${ADD_SANDBOXING_TITLE}, including DynamicUser=yes (conflicts noted in comments)`]);
  const twice = second.apply(second.actions[0]);
  assert.equal((twice.match(/# sockact:/g) ?? []).length, 1, twice);
  assert.match(twice, /# sockact: DynamicUser=yes added, but if the user www-data exists/);
  assert.deepEqual(sandboxing(twice).actions, []);
  // The user removes User= after the first run: the safe action adds DynamicUser=yes and drops the note.
  const fixed = once.replace('User=www-data\n', '');
  const third = sandboxing(fixed);
  assert.equal(third.actions[0].title, ADD_SANDBOXING_TITLE);
  assert.equal(third.apply(third.actions[0]), '[Service]\nExecStart=/usr/bin/app\nPrivateTmp=yes\nProtectSystem=strict\nProtectHome=yes\nNoNewPrivileges=yes\nDynamicUser=yes\n');
});

test('CRLF files get CRLF lines, and an indented section keeps its indentation', () => {
  const { actions, apply } = sandboxing('[Service]\r\n  ExecStart=/usr/bin/app\r\n');
  assert.equal(apply(actions[0]), '[Service]\r\n  ExecStart=/usr/bin/app\r\n  DynamicUser=yes\r\n  PrivateTmp=yes\r\n  ProtectSystem=strict\r\n  ProtectHome=yes\r\n  NoNewPrivileges=yes\r\n');
  const last = sandboxing('[Service]\nExecStart=/usr/bin/app');
  assert.equal(last.apply(last.actions[0]), '[Service]\nExecStart=/usr/bin/app\nDynamicUser=yes\nPrivateTmp=yes\nProtectSystem=strict\nProtectHome=yes\nNoNewPrivileges=yes');
});
