/**
 * A real OpenSSH server for tests, running as a unit INSIDE an isolated systemd (isolatedSystemd.ts) and
 * listening on a free port of 127.0.0.1, so that `ssh -F <configFile> <alias> systemctl ...` from the test
 * reaches that isolated systemd the way a deploy over ssh reaches a real server: sessions are started by
 * that systemd's sshd, in its namespaces, with a PAM/logind session (so XDG_RUNTIME_DIR is set and
 * `systemctl --user` works over ssh too).
 *
 * Keys are fresh for every server: the host key is generated inside (it never exists on the host's disk),
 * the client key in a temp dir on the host, and the client pins the host key (StrictHostKeyChecking yes),
 * so nothing is read from or written to the machine's ~/.ssh or /etc/ssh.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecResult, IsolatedSystemd } from './isolatedSystemd';

export interface SshServer {
  /** Port on 127.0.0.1. */
  port: number;
  /** The Host alias in configFile. */
  alias: string;
  /** ssh_config for the client: `ssh -F configFile alias CMD` (User root; `user@alias` for others). */
  configFile: string;
  /** Client private key (ed25519, no passphrase); accepted for every user inside. */
  identityFile: string;
  /** known_hosts with the server's host key pinned for [127.0.0.1]:port. */
  knownHostsFile: string;
  /** The unit inside that runs sshd. */
  unit: string;
  /**
   * Runs argv remotely with `ssh -F configFile [user@]alias -- ...`. ssh joins the remote arguments into one
   * command line for the remote shell, so each argument is single-quoted here: argv stays argv.
   * sshOptions go before the destination (e.g. ['-oUserKnownHostsFile=...']).
   */
  ssh(argv: string[], opts?: { user?: string; input?: string; timeoutMs?: number; sshOptions?: string[] }): Promise<ExecResult>;
  /** Stops the unit, removes it and its files inside, and the client's temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Whether startSshServer() can work here (sshd inside comes from the same root as the host's). */
export function canRunSshServer(): { ok: boolean; why?: string } {
  for (const [path, pkg] of [
    ['/usr/sbin/sshd', 'openssh-server'],
    ['/usr/bin/ssh', 'openssh-client'],
    ['/usr/bin/ssh-keygen', 'openssh-client'],
  ]) {
    if (!existsSync(path)) return { ok: false, why: `${path} not found (Debian package: ${pkg})` };
  }
  return { ok: true };
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** POSIX shell single-quoting: the remote shell gets back exactly this argument. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

const ALIAS = /^[A-Za-z0-9_.-]+$/;

export async function startSshServer(sys: IsolatedSystemd, options: { port?: number; alias?: string } = {}): Promise<SshServer> {
  const can = canRunSshServer();
  if (!can.ok) throw new Error(`cannot run sshd: ${can.why}`);
  const alias = options.alias ?? 'sockact-isolated';
  if (!ALIAS.test(alias)) throw new Error(`not a usable Host alias: ${alias}`);
  const port = options.port ?? (await freePort());
  const unit = `sockact-test-sshd-${port}.service`;
  const conf = `/etc/sockact-test-sshd/${port}`; // inside

  // Client side, on the host.
  const dir = mkdtempSync(join(tmpdir(), 'sockact-ssh-'));
  const identityFile = join(dir, 'id_ed25519');
  const knownHostsFile = join(dir, 'known_hosts');
  const configFile = join(dir, 'ssh_config');
  const clientFiles = [identityFile, `${identityFile}.pub`, knownHostsFile, configFile];
  let stopped = false;
  const removeClientFiles = () => {
    for (const f of clientFiles) {
      try {
        unlinkSync(f);
      } catch {
        /* not made */
      }
    }
    try {
      rmdirSync(dir);
    } catch {
      /* already gone */
    }
  };

  try {
    const kg = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'sockact-test-client', '-f', identityFile], { encoding: 'utf8' });
    if (kg.status !== 0) throw new Error(`ssh-keygen (client key) failed: ${kg.stderr}`);
    const clientPub = readFileSync(`${identityFile}.pub`, 'utf8');

    // Server side, inside.
    await sys.run(['mkdir', '-p', '-m', '0755', '--', conf]);
    await sys.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'sockact-test-host', '-f', `${conf}/ssh_host_ed25519_key`]);
    const hostPub = (await sys.run(['cat', '--', `${conf}/ssh_host_ed25519_key.pub`])).trim().split(/\s+/).slice(0, 2).join(' ');
    // One authorized_keys for every user: root-owned and not writable by others, so StrictModes (on, as
    // on a real server) accepts it for any login.
    await sys.writeFile(`${conf}/authorized_keys`, clientPub, { mode: '0644' });
    await sys.writeFile(
      `${conf}/sshd_config`,
      [
        `# sshd for sockact tests; only this file is read (-f), not /etc/ssh/sshd_config.`,
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${conf}/ssh_host_ed25519_key`,
        `AuthorizedKeysFile ${conf}/authorized_keys`,
        `PubkeyAuthentication yes`,
        `PasswordAuthentication no`,
        `KbdInteractiveAuthentication no`,
        `PermitRootLogin prohibit-password`,
        // PAM: sessions register with logind like on a real machine (XDG_RUNTIME_DIR, user@UID.service).
        `UsePAM yes`,
        `PrintMotd no`,
        `PidFile none`,
        `LogLevel VERBOSE`,
        `Subsystem sftp internal-sftp`,
        '',
      ].join('\n'),
      { mode: '0644' },
    );
    await sys.writeFile(
      `/etc/systemd/system/${unit}`,
      [
        '[Unit]',
        `Description=OpenSSH server for sockact tests on 127.0.0.1:${port}`,
        '',
        '[Service]',
        `ExecStartPre=/usr/sbin/sshd -t -f ${conf}/sshd_config`,
        // -D: stay in the foreground for systemd; -e: log to stderr, i.e. the journal. Debian's sshd
        // speaks sd_notify, so `systemctl start` returns once it listens.
        `ExecStart=/usr/sbin/sshd -D -e -f ${conf}/sshd_config`,
        'Type=notify',
        // sshd's privilege separation directory; kept when one of several test servers stops.
        'RuntimeDirectory=sshd',
        'RuntimeDirectoryMode=0755',
        'RuntimeDirectoryPreserve=yes',
        // Stopping the server must not end sessions still being torn down by their own processes.
        'KillMode=process',
        '',
      ].join('\n'),
    );
    await sys.run(['systemctl', 'daemon-reload']);
    const started = await sys.exec(['systemctl', 'start', unit], { timeoutMs: 20_000 });
    if (started.code !== 0) throw new Error(`${unit} did not start: ${started.stderr}\n${await sys.journal(unit)}`);

    writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostPub}\n`, { mode: 0o600 });
    const q = (p: string) => `"${p}"`; // ssh_config quoting, for temp dirs with spaces
    writeFileSync(
      configFile,
      [
        `# Written by test/support/sshServer.ts for ${unit} inside the isolated systemd (pid ${sys.pid}).`,
        `Host ${alias}`,
        `  HostName 127.0.0.1`,
        `  Port ${port}`,
        `  User root`,
        `  IdentityFile ${q(identityFile)}`,
        `  IdentitiesOnly yes`,
        `  IdentityAgent none`,
        `  UserKnownHostsFile ${q(knownHostsFile)}`,
        `  GlobalKnownHostsFile /dev/null`,
        `  StrictHostKeyChecking yes`,
        `  CheckHostIP no`,
        `  UpdateHostKeys no`,
        `  BatchMode yes`,
        `  PasswordAuthentication no`,
        `  KbdInteractiveAuthentication no`,
        `  ControlMaster no`,
        `  ControlPath none`,
        `  ConnectTimeout 10`,
        `  LogLevel ERROR`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );

    const ssh: SshServer['ssh'] = (argv, opts = {}) => {
      if (!argv.length) throw new Error('ssh needs a remote command');
      const target = opts.user ? `${opts.user}@${alias}` : alias;
      return runLocal('ssh', ['-F', configFile, ...(opts.sshOptions ?? []), target, '--', ...argv.map(shellQuote)], opts.input, opts.timeoutMs ?? 30_000);
    };

    const server: SshServer = {
      port,
      alias,
      configFile,
      identityFile,
      knownHostsFile,
      unit,
      ssh,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        // Once the isolated systemd is stopped, exec() throws: then only the client files are left to remove.
        try {
          await sys.exec(['systemctl', 'stop', unit], { timeoutMs: 10_000 });
          await sys.exec(['rm', '-rf', '--', conf, `/etc/systemd/system/${unit}`]);
          await sys.exec(['systemctl', 'daemon-reload']);
        } catch {
          /* the isolated systemd is gone, and with it everything inside */
        }
        removeClientFiles();
      },
    };
    return server;
  } catch (e) {
    stopped = true;
    removeClientFiles();
    throw e;
  }
}

function runLocal(cmd: string, args: string[], input: string | undefined, timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {
      /* remote command did not read its input */
    });
    child.stdin.end(input ?? '');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve({ code: 124, stdout, stderr: `${stderr}\n[timed out after ${timeoutMs} ms]` });
      else resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 128), stdout, stderr });
    });
  });
}
