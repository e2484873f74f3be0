/**
 * A minimal HTTP/1.1 load generator for the socket-activation bench (bench/activation.ts).
 *
 * It runs in its own process (`node dist/bench.js --http-load PORT SECONDS CONNS [WARMUP_SECONDS]`,
 * dispatched from bench.ts) so that it never shares an event loop with the harness that times things,
 * and prints one JSON line ({@link LoadResult}) on stdout.
 *
 * Each of CONNS keep-alive connections sends `GET /`, waits for the complete response, and sends the next
 * one (sequential, no pipelining: that is how real clients use a keep-alive connection, and it keeps every
 * server honest about per-request work). Raw `net` sockets and a parser that only finds the end of the head
 * and reads Content-Length are much cheaper than node:http's client, so the server under test, not this
 * client, is the bottleneck. Responses completed during the first WARMUP seconds (the server's JIT warming
 * up) are not counted; the rate is the count over the measured window that follows.
 */
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  /** complete 200 responses in the measured window */
  requests: number;
  /** non-200 responses, malformed responses and connections that failed or closed early */
  errors: number;
  /** length of the measured window, s */
  seconds: number;
  rps: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');

export function httpLoad(port: number, seconds: number, conns: number, warmupSeconds: number, host = '127.0.0.1'): Promise<LoadResult> {
  // One request buffer for every write: nothing is allocated per request on the client side.
  const request = Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`, 'latin1');
  let counting = false;
  let stopped = false;
  let requests = 0;
  let errors = 0;
  let t0 = 0;
  let t1 = 0;
  let open = conns;
  const closers: Array<() => void> = [];

  return new Promise<LoadResult>((resolve) => {
    const done = () => {
      if (--open > 0) return;
      const s = (t1 - t0) / 1000;
      resolve({ requests, errors, seconds: s, rps: s > 0 ? requests / s : 0 });
    };
    setTimeout(() => {
      counting = true;
      t0 = performance.now();
      setTimeout(() => {
        stopped = true;
        t1 = performance.now();
        // A connection still waiting after this long has a stuck server behind it; don't wait forever.
        setTimeout(() => closers.forEach((close) => close()), 5000).unref();
      }, seconds * 1000);
    }, warmupSeconds * 1000);

    for (let c = 0; c < conns; c++) {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      let pending: Buffer | null = null;
      let finished = false;
      const finish = (failed: boolean) => {
        if (finished) return;
        finished = true;
        if (failed && !stopped) errors++;
        socket.destroy();
        done();
      };
      closers.push(() => finish(false));
      socket.on('connect', () => socket.write(request));
      socket.on('error', () => finish(true));
      socket.on('close', () => finish(!stopped));
      socket.on('data', (chunk: Buffer) => {
        let buf: Buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
        pending = null;
        for (;;) {
          const h = buf.indexOf(HEAD_END);
          if (h < 0) break;
          const head = buf.toString('latin1', 0, h);
          const m = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
          // The example server always sends Content-Length; anything else (chunked) is not its response.
          if (!m) return finish(true);
          const total = h + HEAD_END.length + Number(m[1]);
          if (buf.length < total) break;
          if (counting && !stopped) {
            if (head.startsWith('HTTP/1.1 200')) requests++;
            else errors++;
          }
          buf = buf.subarray(total);
          if (stopped) return finish(false);
          socket.write(request);
        }
        if (buf.length) pending = buf;
      });
    }
  });
}

/** Entry of the child process: argv is PORT SECONDS CONNS [WARMUP_SECONDS]. */
export async function httpLoadMain(argv: string[]): Promise<void> {
  const [port, seconds, conns, warmup] = argv.map(Number);
  if (!(port > 0) || !(seconds > 0) || !(conns > 0)) {
    process.stderr.write('usage: node dist/bench.js --http-load PORT SECONDS CONNS [WARMUP_SECONDS]\n');
    process.exitCode = 2;
    return;
  }
  const result = await httpLoad(port, seconds, conns, warmup > 0 ? warmup : 0);
  process.stdout.write(JSON.stringify(result) + '\n');
}
