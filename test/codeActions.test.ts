/**
 * Code actions: each fix starts from a unit with the problem, takes the diagnostics the language service
 * reports, applies the chosen action's edit and checks the exact text, then lints the result again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver-types';
import { doCodeActions } from '../server/src/service/codeActions';
import { booleanReplacement, modeReplacement } from '../server/src/service/codeActionsConvert';
import type { FeatureContext } from '../server/src/service/featureContext';
import { createLanguageService } from '../server/src/service/languageService';

interface Options {
  path?: string;
  /** Units that exist next to it (default: echo.service and echo@.service). */
  siblings?: string[];
  systemdVersion?: number;
}

const service = (siblings: string[]) => createLanguageService({ resolver: { unitExists: (name) => siblings.includes(name) } });

function setUp(text: string, options: Options = {}) {
  const ls = service(options.siblings ?? ['echo.service', 'echo@.service']);
  const document = TextDocument.create(`file://${options.path ?? '/proj/echo.socket'}`, 'systemd-unit-file', 1, text);
  const unit = ls.parse(document);
  const systemdVersion = options.systemdVersion ?? 258;
  const diagnostics = ls.doValidation(document, unit, { systemdVersion });
  const ctx: FeatureContext = { catalog: ls.catalog, context: ls.contextOf(document), systemdVersion, workspaceUnits: [] };
  return {
    document,
    diagnostics,
    /** Actions for a range (default: the first diagnostic with this code), given every diagnostic of the file. */
    actions(at: Range | string): CodeAction[] {
      const range = typeof at === 'string' ? diagnosticOf(diagnostics, at).range : at;
      return doCodeActions(document, unit, range, diagnostics, ctx);
    },
  };
}

function diagnosticOf(diagnostics: Diagnostic[], code: string): Diagnostic {
  const d = diagnostics.find((x) => x.code === code);
  assert.ok(d, `no ${code} in ${JSON.stringify(diagnostics.map((x) => x.code))}`);
  return d;
}

function codes(text: string, options: Options = {}): string[] {
  return setUp(text, options).diagnostics.map((d) => String(d.code));
}

function apply(document: TextDocument, action: CodeAction): string {
  const changes = action.edit?.changes;
  assert.ok(changes, `${action.title} has no edit`);
  assert.deepEqual(Object.keys(changes), [document.uri]);
  return TextDocument.applyEdits(document, changes[document.uri]);
}

function pick(actions: CodeAction[], title: string): CodeAction {
  const action = actions.find((a) => a.title === title);
  assert.ok(action, `no action '${title}' in ${JSON.stringify(actions.map((a) => a.title))}`);
  return action;
}

/** Applies the action with this title for the first diagnostic of `code`, checks the text and that the result is clean. */
function fixes(text: string, code: string, title: string, expected: string, options: Options = {}): CodeAction {
  const { document, actions } = setUp(text, options);
  const action = pick(actions(code), title);
  assert.equal(action.kind, 'quickfix');
  assert.ok(action.diagnostics?.some((d) => d.code === code), `${title} does not name its ${code} diagnostic`);
  const result = apply(document, action);
  assert.equal(result, expected);
  assert.deepEqual(codes(result, options), [], `left over after '${title}':\n${result}`);
  return action;
}

const S = (body: string) => `[Socket]\n${body}\n`;
const quickFixes = (actions: CodeAction[]) => actions.filter((a) => a.kind === 'quickfix');

// --- 1. unknown-directive --------------------------------------------------------------------------------

test('unknown-directive: rename the key to the suggestion, preferred', () => {
  const action = fixes(S('ListenStreem=80'), 'unknown-directive', 'Change to ListenStream=', S('ListenStream=80'));
  assert.equal(action.isPreferred, true);
});

test('unknown-directive: one action per suggestion, none preferred when there are several (a guess)', () => {
  const text = S('ListenStream=80\nExecStartPst=/bin/true');
  const { document, actions, diagnostics } = setUp(text);
  const suggestions = diagnosticOf(diagnostics, 'unknown-directive').data.suggestions as string[];
  assert.deepEqual(suggestions, ['ExecStartPost', 'ExecStartPre', 'ExecStopPost']);
  const renames = quickFixes(actions('unknown-directive'));
  assert.deepEqual(renames.map((a) => a.title), suggestions.map((s) => `Change to ${s}=`));
  assert.deepEqual(renames.map((a) => a.isPreferred === true), [false, false, false]);
  const result = apply(document, renames[0]);
  assert.equal(result, S('ListenStream=80\nExecStartPost=/bin/true'));
  assert.deepEqual(codes(result), []);
});

test('unknown-directive without a suggestion offers no rename', () => {
  const { actions } = setUp(S('ListenStream=80\nWantedBy=sockets.target'));
  assert.deepEqual(quickFixes(actions('unknown-directive')), []);
});

// --- 2. renamed-directive --------------------------------------------------------------------------------

test('renamed-directive: rename to the current name', () => {
  const action = fixes(
    '[Unit]\nStartLimitInterval=10s\n' + S('ListenStream=80'),
    'renamed-directive',
    'Rename to StartLimitIntervalSec=',
    '[Unit]\nStartLimitIntervalSec=10s\n' + S('ListenStream=80'),
  );
  assert.equal(action.isPreferred, true);
});

// --- 3. inline-comment ------------------------------------------------------------------------------------

test('inline-comment: the comment moves above the assignment', () => {
  const action = fixes(S('ListenStream=8080 # web'), 'inline-comment', 'Move the comment to its own line', S('# web\nListenStream=8080'));
  assert.equal(action.isPreferred, true);
});

test('inline-comment: same indentation, trailing blanks and ; comments', () => {
  fixes('[Socket]\n  ListenStream=8080   ; web server  \n', 'inline-comment', 'Move the comment to its own line', '[Socket]\n  ; web server\n  ListenStream=8080\n');
  fixes('[Socket]\n\tListenStream=8080\t# web\n', 'inline-comment', 'Move the comment to its own line', '[Socket]\n\t# web\n\tListenStream=8080\n');
});

test('inline-comment: a harmless one (information) is fixed the same way', () => {
  fixes(
    '[Unit]\nDescription=Echo # the demo\n' + S('ListenStream=80'),
    'inline-comment',
    'Move the comment to its own line',
    '[Unit]\n# the demo\nDescription=Echo\n' + S('ListenStream=80'),
  );
});

test('inline-comment: CRLF files get CRLF lines', () => {
  fixes('[Socket]\r\nListenStream=8080 # web\r\n', 'inline-comment', 'Move the comment to its own line', '[Socket]\r\n# web\r\nListenStream=8080\r\n');
});

test('inline-comment: on the last line of a continued value', () => {
  fixes(
    '[Unit]\nDescription=Echo \\\n  server # demo\n' + S('ListenStream=80'),
    'inline-comment',
    'Move the comment to its own line',
    '[Unit]\n# demo\nDescription=Echo \\\n  server\n' + S('ListenStream=80'),
  );
});

test('inline-comment: on a line that continues keeps the backslash', () => {
  fixes(
    '[Unit]\nDescription=Echo # demo \\\n  server\n' + S('ListenStream=80'),
    'inline-comment',
    'Move the comment to its own line',
    '[Unit]\n# demo\nDescription=Echo \\\n  server\n' + S('ListenStream=80'),
  );
});

test('inline-comment: fix all moves every inline comment', () => {
  const text = '[Unit]\nDescription=Echo # demo\n\n[Socket]\n  ListenStream=8080 # web\nBacklog=64 ; small\n';
  const { document, diagnostics, actions } = setUp(text);
  assert.equal(diagnostics.filter((d) => d.code === 'inline-comment').length, 3);
  // Asked on the second one: the fix-all still covers all three.
  const second = diagnostics.filter((d) => d.code === 'inline-comment')[1];
  const all = pick(actions(second.range), 'Move all inline comments to their own lines');
  assert.equal(all.kind, 'quickfix');
  assert.notEqual(all.isPreferred, true);
  assert.equal(all.diagnostics?.length, 3);
  const result = apply(document, all);
  assert.equal(result, '[Unit]\n# demo\nDescription=Echo\n\n[Socket]\n  # web\n  ListenStream=8080\n; small\nBacklog=64\n');
  assert.deepEqual(codes(result), []);
});

test('inline-comment: no fix-all when there is only one', () => {
  const { actions } = setUp(S('ListenStream=8080 # web'));
  assert.deepEqual(actions('inline-comment').filter((a) => a.title.startsWith('Move all')), []);
});

// --- 4. overridden-directive, fdname-per-socket -----------------------------------------------------------

test('overridden-directive: remove the earlier line', () => {
  const action = fixes(S('ListenStream=80\nBacklog=10\nBacklog=20'), 'overridden-directive', 'Remove the overridden line', S('ListenStream=80\nBacklog=20'));
  assert.equal(action.isPreferred, true);
});

test('overridden-directive: a continued assignment goes with all its lines', () => {
  fixes(
    '[Unit]\nDescription=Echo \\\n  # a comment line inside the value\n  server\nDescription=Echo\n' + S('ListenStream=80'),
    'overridden-directive',
    'Remove the overridden line',
    '[Unit]\nDescription=Echo\n' + S('ListenStream=80'),
  );
  fixes(
    '[Socket]\r\nListenStream=80\r\n  Backlog=\\\r\n    10\r\nBacklog=20',
    'overridden-directive',
    'Remove the overridden line',
    '[Socket]\r\nListenStream=80\r\nBacklog=20',
  );
});

test('fdname-per-socket: no removal that leaves every socket named alike with the warning gone', () => {
  const text = S('ListenStream=80\nFileDescriptorName=http\nListenStream=443\nFileDescriptorName=https\nListenStream=9000\nFileDescriptorName=control');
  const { actions } = setUp(text);
  // The only cure is the split (one .socket unit per name, test/pairFixes.test.ts); removing lines hides it.
  assert.deepEqual(quickFixes(actions('fdname-per-socket')).map((a) => a.title), []);
});

test('overridden-directive written per socket (between Listen lines): no removal, the message says all sockets get the last value', () => {
  const text = S('ListenStream=80\nBindToDevice=eth0\nListenStream=443\nBindToDevice=eth1');
  const { actions, diagnostics } = setUp(text);
  const d = diagnosticOf(diagnostics, 'overridden-directive');
  assert.equal((d.data as { perSocket?: boolean }).perSocket, true);
  assert.deepEqual(quickFixes(actions('overridden-directive')).map((a) => a.title), []);
  // Written twice in a row (a plain repeat), removal is still the honest fix.
  const repeat = setUp(S('ListenStream=80\nListenStream=443\nBindToDevice=eth0\nBindToDevice=eth1'));
  assert.deepEqual(quickFixes(repeat.actions('overridden-directive')).map((a) => a.title), ['Remove the overridden line']);
});

// --- relative-exec-argument ------------------------------------------------------------------------------

test('relative-exec-argument: add WorkingDirectory= above the command, a placeholder, never preferred; the command is kept', () => {
  const text = '[Service]\n  ExecStart=/usr/bin/python3 app.py\n';
  const action = fixes(text, 'relative-exec-argument', 'Add WorkingDirectory=/opt/web (change it to the folder that holds app.py)', '[Service]\n  WorkingDirectory=/opt/web\n  ExecStart=/usr/bin/python3 app.py\n', { path: '/proj/web.service' });
  assert.notEqual(action.isPreferred, true);
});

// --- 5. legacy-path ---------------------------------------------------------------------------------------

test('legacy-path: /var/run/ becomes /run/', () => {
  const action = fixes(S('ListenStream=/var/run/echo.sock'), 'legacy-path', 'Replace /var/run/ with /run/', S('ListenStream=/run/echo.sock'));
  assert.equal(action.isPreferred, true);
});

test('legacy-path: fix all, however many slashes the prefix has', () => {
  const text = S('ListenStream=/var/run/echo.sock\nListenFIFO=//var//run//echo.fifo');
  const { document, diagnostics, actions } = setUp(text);
  const last = diagnostics.filter((d) => d.code === 'legacy-path')[1];
  const single = pick(actions(last.range), 'Replace /var/run/ with /run/');
  assert.equal(apply(document, single), S('ListenStream=/var/run/echo.sock\nListenFIFO=/run/echo.fifo'));
  const all = pick(actions(last.range), 'Replace /var/run/ with /run/ in all paths');
  assert.equal(all.diagnostics?.length, 2);
  const result = apply(document, all);
  assert.equal(result, S('ListenStream=/run/echo.sock\nListenFIFO=/run/echo.fifo'));
  assert.deepEqual(codes(result), []);
});

// --- 6. accept-non-accepting ------------------------------------------------------------------------------

test('accept-non-accepting: Accept=yes becomes Accept=no', () => {
  const action = fixes(S('ListenStream=80\nListenDatagram=53\nAccept=yes'), 'accept-non-accepting', 'Change to Accept=no', S('ListenStream=80\nListenDatagram=53\nAccept=no'));
  assert.equal(action.isPreferred, true);
});

test('accept-non-accepting: the effective Accept= line, one action for every socket it breaks', () => {
  const text = S('Accept=no\nListenDatagram=53\nListenFIFO=/run/echo.fifo\nAccept=true');
  const { document, diagnostics } = setUp(text);
  const found = diagnostics.filter((d) => d.code === 'accept-non-accepting');
  assert.equal(found.length, 2);
  const whole: Range = { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } };
  const actions = setUp(text).actions(whole).filter((a) => a.title === 'Change to Accept=no');
  assert.equal(actions.length, 1);
  assert.equal(actions[0].diagnostics?.length, 2);
  const result = apply(document, actions[0]);
  assert.equal(result, S('Accept=no\nListenDatagram=53\nListenFIFO=/run/echo.fifo\nAccept=no'));
  assert.deepEqual(codes(result), []);
});

// --- 7. no-listen -----------------------------------------------------------------------------------------

test('no-listen: a ListenStream= placeholder at the end of [Socket]', () => {
  fixes(S('Accept=no'), 'no-listen', 'Add ListenStream=8080', S('Accept=no\nListenStream=8080'));
  fixes('[Socket]\n  Accept=no\n\n[Install]\nWantedBy=sockets.target\n', 'no-listen', 'Add ListenStream=8080', '[Socket]\n  Accept=no\n  ListenStream=8080\n\n[Install]\nWantedBy=sockets.target\n');
  fixes('[Socket]\nAccept=no', 'no-listen', 'Add ListenStream=8080', '[Socket]\nAccept=no\nListenStream=8080');
  fixes('[Socket]\n', 'no-listen', 'Add ListenStream=8080', '[Socket]\nListenStream=8080\n');
});

test('no-listen: a [Socket] section when there is none', () => {
  fixes('[Unit]\nDescription=Echo\n', 'no-listen', 'Add a [Socket] section with ListenStream=8080', '[Unit]\nDescription=Echo\n\n[Socket]\nListenStream=8080\n');
  fixes(
    '[Unit]\nDescription=Echo\n\n[Install]\nWantedBy=sockets.target\n',
    'no-listen',
    'Add a [Socket] section with ListenStream=8080',
    '[Unit]\nDescription=Echo\n\n[Socket]\nListenStream=8080\n\n[Install]\nWantedBy=sockets.target\n',
  );
  // An empty file is also an empty unit; the fix cures both.
  fixes('', 'no-listen', 'Add a [Socket] section with ListenStream=8080', '[Socket]\nListenStream=8080\n');
});

test('no-listen: no placeholder when Listen lines exist but are unusable', () => {
  for (const text of [S('ListenStream=0'), S('ListenStream=80\nListenStream='), S('ListenStreem=80')]) {
    const { actions } = setUp(text);
    assert.deepEqual(actions('no-listen').filter((a) => a.title.includes('ListenStream=8080')), [], text);
  }
});

// --- 8. [Install] -----------------------------------------------------------------------------------------

const ADD_INSTALL = 'Add [Install] WantedBy=sockets.target';

test('install: a socket without [Install] gets a refactoring anywhere in the file', () => {
  const text = '[Unit]\nDescription=Echo\n\n[Socket]\nListenStream=80\n';
  const { document, actions } = setUp(text);
  for (const line of [0, 3, 4, 5]) {
    const action = pick(actions({ start: { line, character: 0 }, end: { line, character: 0 } }), ADD_INSTALL);
    assert.equal(action.kind, 'refactor');
    assert.equal(action.diagnostics, undefined);
    const result = apply(document, action);
    assert.equal(result, text + '\n[Install]\nWantedBy=sockets.target\n');
    assert.deepEqual(codes(result), []);
  }
});

test('install: the trailing line break is respected', () => {
  const at: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const cases: Array<[string, string]> = [
    ['[Socket]\nListenStream=80', '[Socket]\nListenStream=80\n\n[Install]\nWantedBy=sockets.target\n'],
    ['[Socket]\nListenStream=80\n\n', '[Socket]\nListenStream=80\n\n[Install]\nWantedBy=sockets.target\n'],
    ['[Socket]\r\nListenStream=80\r\n', '[Socket]\r\nListenStream=80\r\n\r\n[Install]\r\nWantedBy=sockets.target\r\n'],
  ];
  for (const [text, expected] of cases) {
    const { document, actions } = setUp(text);
    assert.equal(apply(document, pick(actions(at), ADD_INSTALL)), expected);
  }
});

test('install: not offered with [Install], in drop-ins or outside .socket units', () => {
  const at: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const titles = (text: string, options?: Options) => setUp(text, options).actions(at).map((a) => a.title);
  assert.ok(!titles(S('ListenStream=80') + '[Install]\nWantedBy=sockets.target\n').includes(ADD_INSTALL));
  assert.ok(!titles(S('Backlog=5'), { path: '/proj/echo.socket.d/10-backlog.conf' }).includes(ADD_INSTALL));
  assert.ok(!titles('[Service]\nExecStart=/bin/true\n', { path: '/proj/echo.service' }).includes(ADD_INSTALL));
});

// --- 9. invalid-value: booleans and modes -----------------------------------------------------------------

test('invalid-value: booleans systemd rejects become yes/no', () => {
  const cases: Array<[string, string]> = [
    ['enable', 'yes'], ['enabled', 'yes'], ['active', 'yes'], ['+', 'yes'], ['"yes"', 'yes'], ["'true'", 'yes'],
    ['Y es', 'yes'], ['disable', 'no'], ['disabled', 'no'], ['"no"', 'no'],
  ];
  for (const [written, meant] of cases) {
    const action = fixes(S(`ListenStream=80\nAccept=${written}`), 'invalid-value', `Change to Accept=${meant}`, S(`ListenStream=80\nAccept=${meant}`));
    assert.equal(action.isPreferred, true, written);
  }
  // A tristate, and a boolean with ltype "true" (which systemd refuses the unit over).
  fixes(S('ListenStream=80\nKeepAlive=enabled'), 'invalid-value', 'Change to KeepAlive=yes', S('ListenStream=80\nKeepAlive=yes'));
  fixes(
    '[Service]\nExecStart=/bin/true\nDynamicUser=enabled\n',
    'invalid-value',
    'Change to DynamicUser=yes',
    '[Service]\nExecStart=/bin/true\nDynamicUser=yes\n',
    { path: '/proj/echo.service' },
  );
});

test('invalid-value: a boolean with no telling offers both words, neither preferred', () => {
  const { actions } = setUp(S('ListenStream=80\nAccept=maybe'));
  const offered = quickFixes(actions('invalid-value'));
  assert.deepEqual(offered.map((a) => [a.title, a.isPreferred === true]), [['Change to Accept=yes', false], ['Change to Accept=no', false]]);
  fixes(S('ListenStream=80\nAccept='), 'invalid-value', 'Change to Accept=no', S('ListenStream=80\nAccept=no'));
});

test('invalid-value: modes systemd rejects become octal', () => {
  const cases: Array<[string, string]> = [
    ['0o666', '0666'], ['rw-rw-rw-', '0666'], ['srw-rw----', '0660'], ['u=rw,g=rw', '0660'], ['0x1b6', '0666'],
    ['a=rw', '0666'], ['u=rwx,go=rx', '0755'], ['"0600"', '0600'], ['0140660', '0660'],
  ];
  for (const [written, meant] of cases) {
    const action = fixes(S(`ListenStream=/run/echo.sock\nSocketMode=${written}`), 'invalid-value', `Change to SocketMode=${meant}`, S(`ListenStream=/run/echo.sock\nSocketMode=${meant}`));
    assert.equal(action.isPreferred, true, written);
  }
  fixes(S('ListenStream=80\nDirectoryMode=rwxr-x---'), 'invalid-value', 'Change to DirectoryMode=0750', S('ListenStream=80\nDirectoryMode=0750'));
});

test('invalid-value: no fix for a mode that cannot be read, nor for other value types', () => {
  assert.deepEqual(quickFixes(setUp(S('ListenStream=80\nSocketMode=lots')).actions('invalid-value')), []);
  assert.deepEqual(quickFixes(setUp(S('ListenStream=80\nBacklog=-1')).actions('invalid-value')), []);
});

test('boolean and mode converters', () => {
  assert.equal(booleanReplacement('True '), 'yes');
  assert.equal(booleanReplacement('OFF'), 'no');
  assert.equal(booleanReplacement('constructor'), undefined);
  assert.equal(booleanReplacement('maybe'), undefined);
  const modes: Array<[string, string | undefined]> = [
    ['0o644', '0644'], ['0O7777', '07777'], ['0o17777', undefined], ['0x1ff', '0777'], ['0x10000', undefined],
    ['rwsr-xr-x', '04755'], ['rwxr-sr-x', '02755'], ['rwxrwxrwt', '01777'], ['rwSr--r--', '04644'], ['-rw-r--r--', '0644'],
    ['u=rw', '0600'], ['ug=rw,o=r', '0664'], ['u=rwxs,g=rx', '04750'], ['+rw', '0666'], ['a=rw,o-w', '0664'],
    ['o+t,a=rwx', '0777'], ['a=rwx,o+t', '01777'], ['u=rwx,g=rX', '0750'], ['u=rw,g=rX', '0640'],
    ['go-w', undefined], ['u=rw,x=r', undefined], ['100644', '0644'], ['777777', undefined], ['lots', undefined], ['', undefined],
  ];
  for (const [value, expected] of modes) assert.equal(modeReplacement(value), expected, value);
});

// --- 10. directive-too-new and the general rules ------------------------------------------------------

test('directive-too-new: no fix', () => {
  const { actions } = setUp(S('ListenStream=80\nDeferTrigger=yes'), { systemdVersion: 252 });
  assert.deepEqual(quickFixes(actions('directive-too-new')), []);
});

test('only our diagnostics under the range get fixes', () => {
  const text = S('ListenStream=80\nBacklog=10\nBacklog=20\nAccept=enabled');
  const { diagnostics, actions } = setUp(text);
  // The cursor on the Accept= line: the overridden Backlog= is not offered there.
  const accept = diagnosticOf(diagnostics, 'invalid-value');
  assert.deepEqual(quickFixes(actions(accept.range)).map((a) => a.title), ['Change to Accept=yes']);
  // A cursor at the end of the diagnostic still counts.
  const end = { start: accept.range.end, end: accept.range.end };
  assert.deepEqual(quickFixes(actions(end)).map((a) => a.title), ['Change to Accept=yes']);
  // Someone else's diagnostic with one of our codes is none of our business.
  const document = TextDocument.create('file:///proj/echo.socket', 'systemd-unit-file', 1, text);
  const ls = service(['echo.service', 'echo@.service']);
  const ctx: FeatureContext = { catalog: ls.catalog, context: ls.contextOf(document), systemdVersion: 258, workspaceUnits: [] };
  const foreign = { ...accept, source: 'other-linter' };
  assert.deepEqual(quickFixes(doCodeActions(document, ls.parse(document), accept.range, [foreign], ctx)), []);
});

test('diagnostics older than the document are not applied', () => {
  const before = setUp(S('ListenStream=80\nBacklog=10\nBacklog=20'));
  const overridden = diagnosticOf(before.diagnostics, 'overridden-directive');
  // The line was edited after linting: the diagnostic's span no longer matches the assignment.
  const ls = service(['echo.service', 'echo@.service']);
  const document = TextDocument.create('file:///proj/echo.socket', 'systemd-unit-file', 2, S('ListenStream=80\nBacklog=100\nBacklog=20'));
  const ctx: FeatureContext = { catalog: ls.catalog, context: ls.contextOf(document), systemdVersion: 258, workspaceUnits: [] };
  assert.deepEqual(quickFixes(doCodeActions(document, ls.parse(document), overridden.range, [overridden], ctx)), []);
  // A tree from another version of the text gives nothing at all (no fix, no pair fix, no refactoring).
  assert.deepEqual(ls.doCodeActions(document, ls.parse(before.document), overridden.range, [overridden], { systemdVersion: 258 }), []);
});
