/**
 * The code lenses on the [Socket] header of a .socket unit (Run with Socket Activation, Deploy…, Verify
 * Activation…), none on drop-ins or other unit types.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  ACTIVATE_COMMAND,
  DEPLOY_COMMAND,
  DEPLOY_LENS_TITLE,
  findCodeLenses,
  RUN_LENS_TITLE,
  VERIFY_COMMAND,
  VERIFY_LENS_TITLE,
} from '../server/src/service/codeLens';
import { createLanguageService } from '../server/src/service/languageService';
import { parseUnit } from '../server/src/service/parser';

function lenses(uri: string, text: string) {
  return findCodeLenses(TextDocument.create(uri, 'systemd-unit-file', 1, text), parseUnit(text));
}

const SOCKET = ['[Unit]', 'Description=Web', '', '[Socket]', 'ListenStream=8080', '', '[Install]', 'WantedBy=sockets.target', ''].join('\n');

test('a .socket unit gets three lenses on its [Socket] header: run, deploy, verify, each with the URI', () => {
  const uri = 'file:///proj/web.socket';
  const range = { start: { line: 3, character: 0 }, end: { line: 3, character: 8 } };
  assert.deepEqual(lenses(uri, SOCKET), [
    { range, command: { title: RUN_LENS_TITLE, command: ACTIVATE_COMMAND, arguments: [uri] } },
    { range, command: { title: DEPLOY_LENS_TITLE, command: DEPLOY_COMMAND, arguments: [uri] } },
    { range, command: { title: VERIFY_LENS_TITLE, command: VERIFY_COMMAND, arguments: [uri] } },
  ]);
  assert.equal(ACTIVATE_COMMAND, 'sockact.activate');
  assert.equal(RUN_LENS_TITLE, '▶ Run with Socket Activation');
  assert.equal(DEPLOY_COMMAND, 'sockact.deploy');
  assert.equal(VERIFY_COMMAND, 'sockact.verifyActivation');
});

test('the lens sits on the header wherever [Socket] is, even first in the file', () => {
  const found = lenses('file:///proj/a.socket', '[Socket]\nListenStream=1\n');
  assert.equal(found.length, 3);
  for (const lens of found) assert.deepEqual(lens.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 8 } });
});

test('no lens for a .socket unit without a [Socket] section', () => {
  assert.deepEqual(lenses('file:///proj/web.socket', '[Unit]\nDescription=x\n'), []);
});

test('no lens for drop-ins or other unit types', () => {
  assert.deepEqual(lenses('file:///proj/web.socket.d/override.conf', SOCKET), []);
  assert.deepEqual(lenses('file:///proj/web.service', SOCKET), []);
  assert.deepEqual(lenses('file:///proj/web.timer', SOCKET), []);
});

test('an unsaved .socket document still gets the lens (the type comes from the name)', () => {
  assert.equal(lenses('untitled:web.socket', SOCKET).length, 3);
});

test('the language service exposes the lenses', () => {
  const service = createLanguageService();
  const document = TextDocument.create('file:///proj/web.socket', 'systemd-unit-file', 1, SOCKET);
  assert.equal(service.findCodeLenses(document, service.parse(document)).length, 3);
});
