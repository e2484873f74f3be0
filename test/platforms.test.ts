/**
 * Every desktop platform: `npm run package -- --all` makes linux-x64, linux-arm64, darwin-x64, darwin-arm64,
 * win32-x64 and a universal package. Each holds exactly the bundles, the contributions and the one native
 * binary its platform needs: koffi's glibc binary of the right architecture for the two Linux packages (socket
 * activation is Linux-only), none at all for darwin, win32 and universal. Each stays under 1 MB.
 *
 * And no bundle loads a native module when it starts: each is loaded in a child process whose `.node` loads are
 * recorded (process.dlopen wrapped, which every `.node` require goes through); koffi is required only when
 * activation opens its sockets, which the same hook sees (so the hook is shown to work).
 *
 * The platform branches themselves (server/src/node/platform.ts, the ssh control folder, the deploy client's
 * targets and terminal command) are pure functions of the platform, tested here for darwin and win32 too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listZip, readZipEntry, type ZipEntry } from './helpers/zip';
import { activationUnsupported, hasLocalManagers, localManagerUnsupported } from '../server/src/node/platform';
import { controlDirFor } from '../server/src/deploy/target';
import { expandHome, heldCommand, localTargets, viewTargets } from '../client/src/deploy/model';
import { findCodeLenses, RUN_LENS_TITLE } from '../server/src/service/codeLens';
import { parseUnit } from '../server/src/service/parser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { servicePaths } from '../server/src/node/servicePaths';
import { unitContextFromUri, uriToPath } from '../server/src/service/unitContext';
import { pathToUri } from '../server/src/service/editText';

const root = fileURLToPath(new URL('../', import.meta.url));
const MAX_BYTES = 1024 * 1024;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));

/** What every package holds (vsce stores README.md as readme.md and LICENSE as LICENSE.txt). */
const COMMON = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/walkthroughs/write.md',
  'extension/walkthroughs/check.md',
  'extension/walkthroughs/run.md',
  'extension/walkthroughs/deploy.md',
  'extension/LICENSE.txt',
  'extension/language-configuration.json',
  'extension/syntaxes/systemd.tmLanguage.json',
  'extension/images/icon.png',
  'extension/dist/client.js',
  'extension/dist/server.js',
  'extension/dist/cli.js',
  'extension/dist/engine.js',
  'extension/dist/browser/client.js',
  'extension/dist/browser/server.js',
];
const KOFFI_LOADER = ['package.json', 'LICENSE.txt', 'index.cjs', 'src/koffi/index.cjs', 'src/koffi/src/static.cjs'].map((f) => `extension/dist/koffi/${f}`);
const koffiFor = (arch: 'x64' | 'arm64') => [
  ...KOFFI_LOADER,
  ...['package.json', 'index.js', `linux_${arch}/koffi.node`].map((f) => `extension/dist/@koromix/koffi-linux-${arch}/${f}`),
];
/** ELF e_machine of each Linux binary: EM_X86_64 and EM_AARCH64. */
const ELF_MACHINE = { x64: 62, arm64: 183 } as const;

const EXPECTED: Record<string, { files: string[]; arch?: 'x64' | 'arm64' }> = {
  'linux-x64': { files: [...COMMON, ...koffiFor('x64')], arch: 'x64' },
  'linux-arm64': { files: [...COMMON, ...koffiFor('arm64')], arch: 'arm64' },
  'darwin-x64': { files: COMMON },
  'darwin-arm64': { files: COMMON },
  'win32-x64': { files: COMMON },
  universal: { files: COMMON },
};

interface Package {
  zip: Buffer;
  entries: ZipEntry[];
  files: string[];
  read(name: string): Buffer;
}
const packages = new Map<string, Package>();
const vsixName = (target: string) => `dist-vsix/sockact-${version}${target === 'universal' ? '' : `-${target}`}.vsix`;

before(() => {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['scripts/package.mjs', '--all'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `scripts/package.mjs --all failed:\n${r.stdout}${r.stderr}`);
  for (const target of Object.keys(EXPECTED)) {
    // It prints each .vsix with its size.
    assert.ok(r.stdout.split('\n').some((l) => l.startsWith(`${vsixName(target)} (`) && / \(\d+ KiB\)$/.test(l)), `${vsixName(target)} was not printed:\n${r.stdout}`);
    const zip = readFileSync(join(root, vsixName(target)));
    const entries = listZip(zip);
    packages.set(target, {
      zip,
      entries,
      files: entries.map((e) => e.name).filter((n) => !n.endsWith('/')),
      read(name) {
        const entry = entries.find((e) => e.name === name);
        assert.ok(entry, `${name} is not in the ${target} package`);
        return readZipEntry(zip, entry);
      },
    });
  }
  console.log(`six packages in ${((Date.now() - started) / 1000).toFixed(1)} s: ${[...packages].map(([t, p]) => `${t} ${(p.zip.length / 1024).toFixed(0)} KiB`).join(', ')}`);
});

test('each package holds exactly the expected files: the Linux ones koffi and their one binary, the others no native code', () => {
  for (const [target, { files }] of Object.entries(EXPECTED)) {
    assert.deepEqual([...packages.get(target)!.files].sort(), [...files].sort(), target);
  }
});

test('each package names its target platform in the manifest (the universal one none)', () => {
  for (const target of Object.keys(EXPECTED)) {
    const manifest = packages.get(target)!.read('extension.vsixmanifest').toString('utf8');
    const m = /TargetPlatform="([^"]+)"/.exec(manifest);
    assert.equal(m?.[1], target === 'universal' ? undefined : target, target);
  }
});

test('the native binary of a Linux package is an ELF for its architecture, of the koffi version package-lock.json pins', () => {
  const koffiVersion = lock.packages['node_modules/koffi'].version;
  for (const [target, { arch }] of Object.entries(EXPECTED)) {
    const p = packages.get(target)!;
    const natives = p.files.filter((f) => f.endsWith('.node'));
    if (!arch) {
      assert.deepEqual(natives, [], `${target} ships native code`);
      continue;
    }
    assert.deepEqual(natives, [`extension/dist/@koromix/koffi-linux-${arch}/linux_${arch}/koffi.node`], target);
    const elf = p.read(natives[0]);
    assert.equal(elf.toString('latin1', 0, 4), '\x7fELF', `${natives[0]} is not an ELF file`);
    assert.equal(elf[4], 2, 'ELF class: 64-bit');
    assert.equal(elf.readUInt16LE(18), ELF_MACHINE[arch], `${target}: ELF machine`);
    const native = JSON.parse(p.read(`extension/dist/@koromix/koffi-linux-${arch}/package.json`).toString('utf8'));
    assert.equal(native.version, lock.packages[`node_modules/@koromix/koffi-linux-${arch}`].version);
    assert.equal(native.version, koffiVersion, 'koffi refuses a binary of another version');
    assert.equal(JSON.parse(p.read('extension/dist/koffi/package.json').toString('utf8')).version, koffiVersion);
  }
});

test(`each package is smaller than ${MAX_BYTES / 1024 / 1024} MB`, () => {
  for (const [target, p] of packages) assert.ok(p.zip.length < MAX_BYTES, `${target}: ${p.zip.length} bytes`);
});

test('the bundles are the same in every package (only koffi differs)', () => {
  const reference = packages.get('universal')!;
  for (const [target, p] of packages) {
    for (const bundle of ['client', 'server', 'cli']) {
      assert.ok(p.read(`extension/dist/${bundle}.js`).equals(reference.read(`extension/dist/${bundle}.js`)), `${target}: dist/${bundle}.js`);
    }
  }
});

// ---------------------------------------------------------------------------------------------------
// Native modules at start

/**
 * Preloaded into each child: records every native module the process loads (process.dlopen is what a `.node`
 * require ends in) to SOCKACT_NATIVE_LOG when it exits. `vscode` is not there outside the editor: for the
 * client, a stand-in with the API's top-level names (read from @types/vscode) whose every property, call and
 * `new` answers with itself lets the bundle's top level run; it does nothing else.
 */
const HOOK = `
const fs = require('node:fs');
const Module = require('node:module');
const loads = [];
const dlopen = process.dlopen;
process.dlopen = function (module, filename, ...rest) {
  loads.push(filename);
  return dlopen.call(this, module, filename, ...rest);
};
process.on('exit', () => fs.writeFileSync(process.env.SOCKACT_NATIVE_LOG, JSON.stringify(loads)));
if (process.env.SOCKACT_VSCODE_NAMES) {
  const standIn = new Proxy(function () {}, { get: (t, k) => (k === Symbol.toPrimitive ? () => '' : standIn), apply: () => standIn, construct: () => standIn });
  const api = {};
  for (const name of JSON.parse(fs.readFileSync(process.env.SOCKACT_VSCODE_NAMES, 'utf8'))) api[name] = standIn;
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? api : load.call(this, request, ...rest);
  };
}
`;
/** Loads a bundle's top level and exits (server.js starts its connection on stdio when loaded). */
const LOAD = `process.argv.push('--stdio'); require(process.argv[2]); process.exit(0);`;

let scratch: string;
function unpack(target: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'sockact-platforms-'));
  const dir = join(scratch, target);
  const p = packages.get(target)!;
  for (const f of p.files.filter((n) => n.startsWith('extension/dist/'))) {
    const to = join(dir, f.slice('extension/'.length));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, p.read(f));
  }
  writeFileSync(join(scratch, 'hook.cjs'), HOOK);
  writeFileSync(join(scratch, 'load.cjs'), LOAD);
  const types = readFileSync(join(root, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const names = [...types.matchAll(/^\texport (?:class|namespace|enum|const|function|let) (\w+)/gm)].map((m) => m[1]);
  assert.ok(names.includes('window') && names.includes('ThemeColor'), 'the vscode API names were not found in @types/vscode');
  writeFileSync(join(scratch, 'vscode-names.json'), JSON.stringify(names));
  return dir;
}

/** Runs node with the hook; returns what it printed, its status and the native modules it loaded. */
function traced(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string; loads: string[] } {
  const log = join(scratch, `loads-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(process.execPath, ['--require', join(scratch, 'hook.cjs'), ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    input: '',
    env: { ...process.env, SOCKACT_NATIVE_LOG: log, ...env },
  });
  let loads: string[] = [];
  try {
    loads = JSON.parse(readFileSync(log, 'utf8'));
  } catch {
    assert.fail(`the hook wrote no record (status ${r.status}):\n${r.stderr}`);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, loads };
}

after(() => scratch && rmSync(scratch, { recursive: true, force: true }));

test('no bundle loads a native module when it starts (client, server, cli lint), in any package', () => {
  for (const target of Object.keys(EXPECTED)) {
    const dir = unpack(target);
    for (const bundle of ['client', 'server']) {
      const r = traced([join(scratch, 'load.cjs'), join(dir, 'dist', `${bundle}.js`)], bundle === 'client' ? { SOCKACT_VSCODE_NAMES: join(scratch, 'vscode-names.json') } : {});
      assert.equal(r.status, 0, `${target} dist/${bundle}.js did not load:\n${r.stderr}`);
      assert.deepEqual(r.loads, [], `${target} dist/${bundle}.js loads native code at start`);
    }
    const unit = join(scratch, 'web.socket');
    writeFileSync(unit, '[Socket]\nListenStream=8080\n');
    writeFileSync(join(scratch, 'web.service'), '[Service]\nExecStart=/usr/bin/true\n');
    const lint = traced([join(dir, 'dist', 'cli.js'), 'lint', unit]);
    assert.equal(lint.status, 0, `${target}: sockact lint:\n${lint.stdout}${lint.stderr}`);
    assert.deepEqual(lint.loads, [], `${target}: sockact lint loads native code`);
  }
});

test('koffi is loaded when activation opens sockets (linux-x64: the hook sees it); without koffi activation says so in one line', () => {
  for (const target of ['linux-x64', 'universal']) {
    const dir = unpack(target);
    const probe = join(scratch, 'probe.socket');
    writeFileSync(probe, `[Socket]\nListenSequentialPacket=@sockact-platforms-${process.pid}-${target}\n`);
    const r = traced([join(dir, 'dist', 'cli.js'), 'activate', '--now', probe, '--', 'python3', '-c',
      'import os, socket; s = socket.socket(fileno=3); print(int(s.type), flush=True); os.kill(os.getppid(), 15)']);
    if (target === 'linux-x64') {
      assert.equal(r.stdout.trim(), '5', r.stderr);
      assert.deepEqual(r.loads, [join(dir, 'dist', '@koromix', 'koffi-linux-x64', 'linux_x64', 'koffi.node')]);
    } else {
      assert.equal(r.status, 1, r.stderr);
      assert.deepEqual(r.loads, []);
      const lines = r.stderr.trim().split('\n').filter((l) => !/^sockact: note:/.test(l));
      assert.deepEqual(lines, ['sockact: this package of the extension has no native socket layer (koffi) for linux-x64; socket activation ships for linux-x64 and linux-arm64']);
    }
  }
});

// ---------------------------------------------------------------------------------------------------
// The platform branches (pure functions of the platform)

test('socket activation: Linux only, with a one-line reason elsewhere', () => {
  assert.equal(activationUnsupported('linux'), undefined);
  assert.equal(activationUnsupported('darwin'), 'socket activation needs Linux (this is darwin)');
  assert.equal(activationUnsupported('win32'), 'socket activation needs Linux (this is win32)');
});

test('the CLI refuses activate on another platform before reading arguments, and runs it on Linux (this machine)', () => {
  // The branch the CLI takes on macOS and Windows is activationUnsupported() above; here (Linux) it must not
  // be taken: a bad argument reaches the argument parser, which names it.
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'activate', '--no-such-flag'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--no-such-flag/);
  assert.doesNotMatch(r.stderr, /needs Linux/);
});

test('local managers (--user, --system) only where systemd is; hosts over ssh everywhere', () => {
  assert.equal(hasLocalManagers('linux'), true);
  assert.equal(localManagerUnsupported('user', 'linux'), undefined);
  for (const platform of ['darwin', 'win32']) {
    assert.equal(hasLocalManagers(platform), false);
    assert.match(localManagerUnsupported('system', platform)!, new RegExp(`^the system manager needs systemd .*\\(this is ${platform}\\): use a host, --host HOST$`));
    assert.deepEqual(localTargets(platform), []);
    assert.deepEqual(viewTargets({ hosts: ['web1', 'bad host'], sshConfig: '', sudo: false }, platform), ['host:web1']);
  }
  assert.deepEqual(localTargets('linux'), ['user', 'system']);
  assert.deepEqual(viewTargets({ hosts: ['web1'], sshConfig: '', sudo: false }, 'linux'), ['user', 'system', 'host:web1']);
});

test('ssh multiplexing: a control folder whose socket path fits (macOS: /tmp, its tmpdir is too long), none on Windows', () => {
  assert.equal(controlDirFor('linux', '/tmp', 1000), '/tmp/sockact-ssh-1000');
  // A typical macOS TMPDIR: /var/folders/<2>/<28>/T/ — with ssh's %C (40) and temporary suffix (17) it passes 104.
  const macTmp = '/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/';
  assert.ok(`${macTmp}sockact-ssh-501/`.length + 40 + 17 > 103, 'the example must be too long for this test to mean anything');
  assert.equal(controlDirFor('darwin', macTmp, 501), '/tmp/sockact-ssh-501');
  assert.equal(controlDirFor('darwin', '/private/tmp', 501), '/private/tmp/sockact-ssh-501');
  assert.equal(controlDirFor('linux', `/${'x'.repeat(60)}`, 0), '/tmp/sockact-ssh-0');
  assert.equal(controlDirFor('linux', '/tmp/100%', 0), '/tmp/sockact-ssh-0', "a '%' would be read as ssh's %-token");
  assert.equal(controlDirFor('win32', 'C:\\Users\\me\\AppData\\Local\\Temp', 'u'), undefined);
});

test('the deploy terminal: sh holds a failed run open on POSIX; on Windows (no sh) the command runs as it is', () => {
  const command = ['/usr/bin/node', '/ext/dist/cli.js', 'deploy', '--host', 'web1', 'a b.socket'];
  assert.deepEqual(heldCommand(command, 'linux').slice(0, 2), ['/bin/sh', '-c']);
  assert.deepEqual(heldCommand(command, 'darwin').slice(3), ['sockact', ...command]);
  const win = ['C:\\Code\\Code.exe', 'C:\\ext\\dist\\cli.js', 'deploy', '--host', 'web1', 'C:\\units\\a b.socket'];
  assert.deepEqual(heldCommand(win, 'win32'), win);
});

test('~ in the ssh config setting: ~/ everywhere, ~\\ on Windows too', () => {
  assert.equal(expandHome('~/.ssh/cfg', 'linux', '/home/me'), '/home/me/.ssh/cfg');
  assert.equal(expandHome('~\\.ssh\\cfg', 'linux', '/home/me'), '~\\.ssh\\cfg');
  assert.equal(expandHome('~\\.ssh\\cfg', 'win32', 'C:\\Users\\me'), 'C:\\Users\\me\\.ssh\\cfg');
  assert.equal(expandHome('~', 'win32', 'C:\\Users\\me'), 'C:\\Users\\me');
});

test('the Run lens is left out where activation cannot run; Deploy and Verify stay', () => {
  const text = '[Socket]\nListenStream=8080\n';
  const document = TextDocument.create('file:///srv/web.socket', 'systemd-unit-file', 1, text);
  const titles = (activation: boolean) => findCodeLenses(document, parseUnit(text), { activation }).map((l) => l.command?.title);
  assert.ok(titles(true).includes(RUN_LENS_TITLE));
  assert.ok(!titles(false).includes(RUN_LENS_TITLE));
  assert.equal(titles(false).length, titles(true).length - 1);
});

test('the manifest disables Run and Restart with Socket Activation where the extension says it is unsupported', () => {
  const manifest = JSON.parse(packages.get('darwin-arm64')!.read('extension/package.json').toString('utf8'));
  for (const id of ['sockact.activate', 'sockact.restartActivation']) {
    const c = manifest.contributes.commands.find((x: { command: string }) => x.command === id);
    assert.equal(c.enablement, 'isWorkspaceTrusted && !sockact.activationUnsupported && !sockact.web', id);
  }
  const extension = readFileSync(join(root, 'client', 'src', 'extension.ts'), 'utf8');
  assert.match(extension, /setContext', 'sockact\.activationUnsupported', activationUnsupported\(process\.platform\) !== undefined/);
});

test('Windows paths: a document URI and the index agree on the path (c:/Users/…, "/" between names)', () => {
  const win = servicePaths(path.win32);
  // VS Code's URI for C:\Users\me\units\web.socket; the index walks c:\Users\me\units (the workspace folder).
  const uri = 'file:///c%3A/Users/me/units/web.socket';
  assert.equal(uriToPath(uri), 'c:/Users/me/units/web.socket');
  assert.equal(win.join('c:\\Users\\me\\units', 'web.socket'), uriToPath(uri));
  assert.equal(win.resolve('c:\\Users\\me\\units\\'), 'c:/Users/me/units');
  assert.deepEqual(unitContextFromUri(uri), { unitName: 'web.socket', unitType: 'socket', isDropIn: false, unitDir: 'c:/Users/me/units', scope: 'system' });
  assert.equal(unitContextFromUri('file:///c%3A/Users/me/units/web.socket.d/port.conf').unitDir, 'c:/Users/me/units');
  assert.equal(unitContextFromUri('file:///c%3A/Users/me/.config/systemd/user/web.socket').scope, 'user');
  // And back: an edit or a location for that path names the same file.
  assert.equal(uriToPath(pathToUri('c:/Users/me/units/web.service')), 'c:/Users/me/units/web.service');
  assert.equal(pathToUri('c:/Users/me/a b.service'), 'file:///c%3A/Users/me/a%20b.service');
  // A share, and POSIX paths as before.
  assert.equal(uriToPath('file://server/share/units/web.socket'), '//server/share/units/web.socket');
  assert.equal(uriToPath(pathToUri('//server/share/units/web.socket')), '//server/share/units/web.socket');
  assert.equal(uriToPath('file:///srv/units/a%20b.socket'), '/srv/units/a b.socket');
  assert.equal(pathToUri('/srv/units/a b.socket'), 'file:///srv/units/a%20b.socket');
  // On Linux and macOS the index's join and resolve are node:path's own.
  assert.equal(servicePaths(path.posix).join('/srv', 'web.socket'), '/srv/web.socket');
});
