import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, LANGUAGE_ID, extension, open, waitFor } from './helpers';

describe('activation and language id', () => {
  it(`${EXTENSION_ID} activates when a unit file opens`, async () => {
    await open('web.socket', true);
    await waitFor(() => extension().isActive, 20_000, 'the extension to activate');
  });

  it('a .socket unit has the language id systemd-unit-file', async () => {
    assert.equal((await open('web.socket')).languageId, LANGUAGE_ID);
  });

  it('a .service unit has the language id systemd-unit-file', async () => {
    assert.equal((await open('web.service')).languageId, LANGUAGE_ID);
  });

  it('a drop-in foo.socket.d/x.conf has the language id systemd-unit-file', async () => {
    assert.equal((await open('foo.socket.d/x.conf')).languageId, LANGUAGE_ID);
  });

  it('the manifest the host loaded declares how it behaves in an untrusted workspace', () => {
    const manifest = extension().packageJSON as { capabilities?: { untrustedWorkspaces?: { supported?: unknown } } };
    const supported = manifest.capabilities?.untrustedWorkspaces?.supported;
    assert.ok(
      supported === true || supported === false || supported === 'limited',
      `package.json capabilities.untrustedWorkspaces.supported is ${JSON.stringify(supported)}; without it VS Code disables the extension in Restricted Mode`,
    );
  });

  it('the workspace trust state is what the runner asked for', () => {
    const expected = process.env.SOCKACT_EXPECT_TRUSTED;
    if (expected === undefined) return;
    assert.equal(vscode.workspace.isTrusted, expected === '1');
  });
});
