/**
 * (f) How fast `sockact` starts and how it compares with systemd's own tool, as ratios against reference
 * runs made in the same rounds (issue 15):
 *   - `sockact lint` on many files against ONE `systemd-analyze verify` call on the same files (the bench's
 *     200 generated files, and every unit file of /usr/lib/systemd/system);
 *   - `sockact lint` on one file against `node -e 0` (the floor of any Node program);
 *   - `sockact lsp --stdio` from spawn to its `initialize` answer against the same floor.
 * Rounds take turns (reference, measured, reference, …) so that the machine's load hits both alike; the
 * medians are compared. Each line ends with the target and "met" or "not met".
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fmt, median, verdict } from './stats';

const UNIT_SUFFIXES = /\.(socket|service|timer|path|mount|automount|swap|target|slice)$/;

function wall(cmd: string, args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, stdio: 'ignore', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  return ms;
}

/** Spawn → the answer to `initialize` on stdout (raw LSP framing: no client library in the measurement). */
function initializeTime(cli: string, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, 'lsp', '--stdio'], { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('no initialize answer within 10 s'));
    }, 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (!/"id"\s*:\s*1\b/.test(out) || !out.includes('"capabilities"')) return;
      const ms = performance.now() - t0;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(ms);
    });
    child.on('error', reject);
  });
}

/** Unit files of a folder that are regular files (masked links to /dev/null are not units to check). */
function unitFilesOf(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => UNIT_SUFFIXES.test(n) && statSync(join(dir, n)).isFile())
      .sort();
  } catch {
    return [];
  }
}

async function rounds(n: number, measure: Array<() => number | Promise<number>>): Promise<number[]> {
  const times: number[][] = measure.map(() => []);
  for (let r = 0; r < n + 1; r++) {
    for (const [i, m] of measure.entries()) {
      const ms = await m();
      if (r > 0) times[i].push(ms); // the first round warms the page cache and the code cache
    }
  }
  return times.map(median);
}

export async function measureStartup(options: { cli: string; manyDir?: string; manyFiles?: string[]; verifyAvailable: boolean; runs?: number }): Promise<void> {
  const { cli, verifyAvailable } = options;
  const runs = options.runs ?? 9;
  console.log(`\n(f) start-up and many files, medians of ${runs} alternating rounds`);
  const scratch = mkdtempSync(join(tmpdir(), 'sockact-startup-'));
  try {
    writeFileSync(join(scratch, 'web.socket'), '[Unit]\nDescription=Web\n\n[Socket]\nListenStream=8080\n\n[Install]\nWantedBy=sockets.target\n');
    writeFileSync(join(scratch, 'web.service'), '[Service]\nExecStart=/usr/bin/env web --listen-fds\n');
    const [floor, lintOne, initialize] = await rounds(runs, [
      () => wall(process.execPath, ['-e', '0'], scratch),
      () => wall(process.execPath, [cli, 'lint', 'web.socket'], scratch),
      () => initializeTime(cli, scratch),
    ]);
    console.log(`  node -e 0 ${fmt(floor)} ms; sockact lint on one file ${fmt(lintOne)} ms; lsp --stdio to its initialize answer ${fmt(initialize)} ms`);
    console.log(verdict('one-file lint / node -e 0', lintOne / floor, 1.3));
    console.log(verdict('lsp initialize / node -e 0', initialize / floor, 1.5));

    const sets: Array<{ label: string; dir: string; files: string[] }> = [];
    if (options.manyDir && options.manyFiles) sets.push({ label: `the bench's ${options.manyFiles.length} files`, dir: options.manyDir, files: options.manyFiles });
    const system = unitFilesOf('/usr/lib/systemd/system');
    if (system.length) sets.push({ label: `/usr/lib/systemd/system (${system.length} unit files)`, dir: '/usr/lib/systemd/system', files: system });
    for (const set of sets) {
      if (!verifyAvailable) {
        console.log(`  ${set.label}: systemd-analyze not found, no reference`);
        continue;
      }
      const [verify, lint] = await rounds(runs, [
        () => wall('systemd-analyze', ['verify', '--man=no', ...set.files], set.dir),
        () => wall(process.execPath, [cli, 'lint', '--format', 'json', ...set.files], set.dir),
      ]);
      console.log(`  ${set.label}: sockact lint ${fmt(lint)} ms, ONE systemd-analyze verify call ${fmt(verify)} ms`);
      console.log(verdict(`lint / one verify call, ${set.label}`, lint / verify, 1.0));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
