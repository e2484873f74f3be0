/**
 * A deploy target for `npm run test:e2e`: boots the isolated systemd with its OpenSSH server
 * (test/support/isolatedSystemd.ts, sshServer.ts), installs a socket unit in it (enabled and listening on a
 * free 127.0.0.1 port, its service idle), prints ONE line of JSON on stdout and keeps everything up until
 * its stdin closes (or SIGTERM/SIGINT), then stops systemd and removes the ssh client files.
 *
 *   node --import tsx test/e2e/isolatedHost.ts
 *   → {"alias":"sockact-e2e","sshConfig":"/tmp/sockact-ssh-…/ssh_config","unit":"sockact-e2e.socket",
 *      "service":"sockact-e2e.service","port":40123,"files":{"sockact-e2e.socket":"…","sockact-e2e.service":"…"},"bootMs":812}
 *   or, where no isolated systemd can run here: {"skip":"needs root (mounts, namespaces, cgroups)"}
 *
 * scripts/e2e.mjs puts the same unit files into the workspace the suite opens (Verify needs the file) and
 * passes the alias and ssh_config to code-server's environment (SOCKACT_TEST_SSH_HOST / _CONFIG).
 * If the process that started this one dies, stdin closes and this ends too; if this one is SIGKILLed, the
 * harness's parent-death signal takes systemd down with it.
 */
import { bootIsolatedSystemd, canBootSystemd, type IsolatedSystemd } from '../support/isolatedSystemd';
import { canRunSshServer, freePort } from '../support/sshServer';

const UNIT = 'sockact-e2e.socket';
const SERVICE = 'sockact-e2e.service';

function say(data: unknown): void {
  process.stdout.write(`${JSON.stringify(data)}\n`);
}

async function main(): Promise<void> {
  const can = canBootSystemd();
  if (!can.ok) return say({ skip: `cannot boot an isolated systemd here: ${can.why}` });
  const ssh = canRunSshServer();
  if (!ssh.ok) return say({ skip: `cannot run an OpenSSH server here: ${ssh.why}` });

  let sys: IsolatedSystemd | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      try {
        await sys?.stop();
      } catch (e) {
        process.stderr.write(`isolatedHost: stop: ${(e as Error).message}\n`);
        process.exitCode = 1;
      }
    })());
  const end = () => void stop().then(() => process.exit());
  process.stdin.on('end', end);
  process.stdin.on('error', end);
  process.stdin.resume();
  process.on('SIGTERM', end);
  process.on('SIGINT', end);

  try {
    sys = await bootIsolatedSystemd({ hostname: 'sockact-e2e', ssh: { alias: 'sockact-e2e' } });
    const port = await freePort();
    // Accept=no: one HTTP server gets the listening socket as fd 3 at the first connection.
    const server = "require('http').createServer((q, s) => s.end('hello from ' + require('os').hostname())).listen({ fd: 3 })";
    const files: Record<string, string> = {
      [UNIT]: ['[Unit]', 'Description=sockact e2e: HTTP on a socket', '', '[Socket]', `ListenStream=127.0.0.1:${port}`, '', '[Install]', 'WantedBy=sockets.target', ''].join('\n'),
      [SERVICE]: ['[Unit]', 'Description=sockact e2e: HTTP server started by its socket', '', '[Service]', `ExecStart=${process.execPath} -e "${server}"`, ''].join('\n'),
    };
    for (const [name, text] of Object.entries(files)) await sys.writeFile(`/etc/systemd/system/${name}`, text);
    await sys.run(['systemctl', 'daemon-reload']);
    await sys.run(['systemctl', 'enable', '--now', UNIT]);
    const active = (await sys.exec(['systemctl', 'is-active', UNIT])).stdout.trim();
    if (active !== 'active') throw new Error(`${UNIT} is ${active}:\n${await sys.journal(UNIT)}`);
    say({ alias: sys.ssh!.alias, sshConfig: sys.ssh!.configFile, unit: UNIT, service: SERVICE, port, files, bootMs: sys.bootMs, pid: sys.pid });
  } catch (e) {
    say({ error: (e as Error).stack ?? String(e) });
    await stop();
    process.exit(1);
  }
}

void main();
