/** Small loopback clients the systemd tests share: talk to a port the way a first client would. */
import * as net from 'node:net';

/** Sends `line` (when given), returns everything the peer wrote until it closed the connection. */
export function request(port: number, line?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host: '127.0.0.1', port }, () => {
      if (line !== undefined) c.write(`${line}\n`);
    });
    let data = '';
    c.setTimeout(10_000, () => c.destroy(new Error(`no answer on 127.0.0.1:${port}`)));
    c.on('data', (d) => (data += d));
    c.on('end', () => resolve(data));
    c.on('error', reject);
  });
}

/** 'connected', or the error code a connection attempt got (ECONNREFUSED when nothing listens). */
export function connectError(port: number): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port }, () => {
      c.destroy();
      resolve('connected');
    });
    c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}
