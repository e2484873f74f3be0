/**
 * Runs the bundled CLI (`dist/cli.js`) as a child process, with an argument array (never a shell), and
 * reads the `sockact.deploy.*` settings. Shared by the Socket Units view and Verify Activation.
 */
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import type { DeploySettings } from './model';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `node dist/cli.js ARGS` (ELECTRON_RUN_AS_NODE: in desktop VS Code process.execPath is Electron).
 * Never rejects: a CLI that cannot start, or runs past `timeoutMs`, gives code 127 / 124 and a stderr line.
 */
export function runCli(cliPath: string, args: string[], options: { timeoutMs?: number; cwd?: string; token?: vscode.CancellationToken } = {}): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cliPath, ...args],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, cwd: options.cwd, timeout: timeoutMs, killSignal: 'SIGTERM', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        cancel?.dispose();
        if (!error) return resolve({ code: 0, stdout, stderr });
        const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string };
        if (typeof e.code === 'number') return resolve({ code: e.code, stdout, stderr });
        if (e.killed || e.signal) return resolve({ code: 124, stdout, stderr: `${stderr}sockact ${args[0]} did not finish within ${timeoutMs / 1000} s\n` });
        resolve({ code: 127, stdout, stderr: `${stderr}cannot run ${cliPath}: ${e.message}\n` });
      },
    );
    const cancel = options.token?.onCancellationRequested(() => child.kill('SIGTERM'));
  });
}

export function readDeploySettings(): DeploySettings {
  const c = vscode.workspace.getConfiguration('sockact.deploy');
  const hosts = c.get<unknown>('hosts');
  const sshConfig = c.get<unknown>('sshConfig');
  return {
    hosts: Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === 'string') : [],
    sshConfig: typeof sshConfig === 'string' ? sshConfig : '',
    sudo: c.get<unknown>('sudo') === true,
  };
}
