// `npm run test:vscode`: the same extension-host suite (client/test/suite) in desktop VS Code through
// @vscode/test-electron, for machines that can download VS Code or have one installed.
//
//   VSCODE_EXECUTABLE=/path/to/code   use that VS Code (no download)
//   VSCODE_VERSION=1.100.3            the version to download otherwise (default: 1.100.3, the oldest the
//                                     manifest's engines.vscode allows; "stable" for the newest)
//
// Where neither works (this machine: no VS Code, no route to update.code.visualstudio.com) it fails at once
// with one line saying so, instead of hanging in a download; `npm run test:e2e` is the way to run the suite
// here (code-server from npm). On Linux without a display, run it under `xvfb-run -a`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSuite, FIXTURES, ROOT, SUITE_INDEX } from '../client/test/build.mjs';

const fail = (message) => {
  console.error(`test:vscode: ${message}`);
  process.exit(1);
};

const executable = process.env.VSCODE_EXECUTABLE;
const version = process.env.VSCODE_VERSION || '1.100.3';

if (executable) {
  if (!existsSync(executable)) fail(`VSCODE_EXECUTABLE=${executable} does not exist.`);
} else {
  // @vscode/test-electron would first ask update.code.visualstudio.com; ask it ourselves with a short deadline.
  const probe = `https://update.code.visualstudio.com/api/releases/stable`;
  try {
    const res = await fetch(probe, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (e) {
    fail(
      `VS Code cannot be downloaded here (${probe}: ${e.cause?.code ?? e.message}) and VSCODE_EXECUTABLE is not set; ` +
        'set VSCODE_EXECUTABLE to an installed VS Code, or run the same suite in code-server with `npm run test:e2e`.',
    );
  }
}

const { runTests } = await import('@vscode/test-electron');
const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) fail('the build failed.');
await buildSuite();

// The suite edits documents (in memory only), but it gets a copy of the fixtures all the same.
const work = mkdtempSync(join(tmpdir(), 'sockact-test-vscode-'));
const workspace = join(work, 'workspace');
cpSync(FIXTURES, workspace, { recursive: true });
try {
  await runTests({
    ...(executable ? { vscodeExecutablePath: executable } : { version }),
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: SUITE_INDEX,
    extensionTestsEnv: { SOCKACT_EXPECT_TRUSTED: '1' },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(work, 'user'), '--skip-welcome', '--skip-release-notes'],
  });
  console.log('test:vscode: all tests passed');
} catch (e) {
  console.error(`test:vscode: the suite failed in VS Code (${e.message ?? e}).`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
