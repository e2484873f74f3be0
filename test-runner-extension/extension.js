// Test-only extension for running the extension-host suite inside code-server (which ignores
// --extensionDevelopmentPath/--extensionTestsPath). Installed into a throwaway extensions folder by
// scripts/e2e.mjs; does nothing unless these environment variables are set on code-server:
//   SOCKACT_TEST_SUITE    absolute path of the bundled suite entry (dist-test/suite/index.js, exports runSuite)
//   SOCKACT_TEST_VERDICT  where to write the JSON verdict {passes, failures, pending, tests[], durationMs}
//   SOCKACT_TEST_GREP     optional: only tests whose full title matches
// The verdict is written to a temporary name and renamed, so a reader never sees half a file.
'use strict';
const fs = require('node:fs');
const vscode = require('vscode');

function writeVerdict(file, verdict) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(verdict, null, 2));
  fs.renameSync(tmp, file);
}

exports.activate = async function activate() {
  const suite = process.env.SOCKACT_TEST_SUITE;
  const verdictFile = process.env.SOCKACT_TEST_VERDICT;
  if (!suite || !verdictFile) return;
  // A reloaded window activates the extension again: run the suite once per verdict file.
  const claim = `${verdictFile}.started`;
  try {
    fs.writeFileSync(claim, String(process.pid), { flag: 'wx' });
  } catch {
    return;
  }
  const progress = `${verdictFile}.progress`;
  try {
    const { runSuite } = require(suite);
    const verdict = await runSuite({
      grep: process.env.SOCKACT_TEST_GREP || undefined,
      onResult: (r) => fs.appendFileSync(progress, `${JSON.stringify({ title: r.title, state: r.state, message: r.message })}\n`),
    });
    verdict.vscodeVersion = vscode.version;
    writeVerdict(verdictFile, verdict);
  } catch (e) {
    writeVerdict(verdictFile, {
      passes: 0,
      failures: 1,
      pending: 0,
      durationMs: 0,
      vscodeVersion: vscode.version,
      tests: [{ title: 'test runner: loading the suite', state: 'failed', message: String(e && e.message), stack: String(e && e.stack) }],
    });
  }
};

exports.deactivate = function deactivate() {};
