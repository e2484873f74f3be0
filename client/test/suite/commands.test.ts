import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { diagnosticsWith, extension, hoverText, open, ours, positionOf, waitFor, revertAll } from './helpers';

interface ContributedCommand {
  command: string;
  title: string;
}

function contributedCommands(): ContributedCommand[] {
  return ((extension().packageJSON as { contributes?: { commands?: ContributedCommand[] } }).contributes?.commands ?? []);
}

/** The language server processes this extension host started (Linux: found through /proc). */
function serverPids(): number[] {
  if (process.platform !== 'linux') return [];
  const serverJs = `${extension().extensionPath}/dist/server.js`;
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
        const ppid = Number(fs.readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
        return cmd.includes(serverJs) && ppid === process.pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The server answers again: a hover on ListenStream comes back. */
async function serverAnswers(): Promise<void> {
  const doc = await open('web.socket');
  await waitFor(async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'ListenStream', 3));
    return hoverText(hovers).includes('ListenStream');
  }, 20_000, 'a hover from the server');
}

describe('commands', () => {
  before(async () => {
    await open('broken.socket');
    await waitFor(() => extension().isActive, 20_000, 'the extension to activate');
  });

  it('contributes sockact.restartServer and sockact.showOutput, all registered', async () => {
    const ids = contributedCommands().map((c) => c.command);
    assert.ok(ids.includes('sockact.restartServer') && ids.includes('sockact.showOutput'), ids.join(', '));
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(ids.filter((id) => !registered.has(id)), []);
  });

  it('every contributed command runs without throwing', async () => {
    // Starting a unit's program is covered in socketActivation.test.ts (debugging it in debugActivation.test.ts); here it would start whatever unit is open.
    // Deploy, Undeploy and Verify ask for a target (a QuickPick no one answers here), Start/Stop want a
    // socket of the view: deploy.test.ts covers them. The target-version picker waits for a choice too:
    // targetVersion.test.ts answers it. New Socket-Activated Service asks for a name: newUnit.test.ts gives it one.
    const startsPrograms = new Set([
      'sockact.pickSystemdVersion',
      'sockact.newSocketUnit',
      'sockact.activate',
      'sockact.activateWatch',
      'sockact.debugActivation',
      'sockact.restartActivation',
      'sockact.deploy',
      'sockact.undeploy',
      'sockact.verifyActivation',
      'sockact.startSocket',
      'sockact.stopSocket',
    ]);
    for (const { command } of contributedCommands()) {
      if (startsPrograms.has(command)) continue;
      await vscode.commands.executeCommand(command);
    }
    await vscode.commands.executeCommand('workbench.action.closePanel');
    // The graph panel and the merged view it opened beside: later suites start from one editor group.
    await vscode.commands.executeCommand('sockact.dependencyGraphClose');
    await revertAll();
  });

  it('after sockact.restartServer the server is back: diagnostics arrive and requests are answered', async () => {
    const before = serverPids();
    await vscode.commands.executeCommand('sockact.restartServer');
    const doc = await open('echo.socket');
    await diagnosticsWith(doc.uri, ['missing-service'], 20_000);
    await serverAnswers();
    if (process.platform === 'linux') {
      const after = await waitFor(() => (serverPids().length === 1 ? serverPids() : undefined), 10_000, 'exactly one server process');
      assert.notDeepEqual(after, before, 'a new server process');
    }
  });

  it('the server restarts by itself after it crashes', async function () {
    const pids = serverPids();
    if (pids.length !== 1) this.skip(); // not Linux, or the process cannot be found: nothing to kill safely
    process.kill(pids[0], 'SIGKILL');
    await waitFor(() => {
      const now = serverPids();
      return now.length === 1 && now[0] !== pids[0];
    }, 20_000, 'a new server process after the crash');
    await serverAnswers();
    // A document opened after the crash is analysed by the new server.
    const doc = await open('broken.socket');
    await diagnosticsWith(doc.uri, ['invalid-value'], 20_000);
    assert.ok(ours(doc.uri).length > 0);
  });
});
