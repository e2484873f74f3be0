// A tiny HTTP server that can be socket-activated.
//
// Socket-activated (systemd, `sockact activate`, `systemd-socket-activate`): the listening socket is
// already open as fd 3 and LISTEN_PID/LISTEN_FDS say so. Otherwise it binds PORT (default 8080) itself.
import { createServer } from 'node:http';

const SD_LISTEN_FDS_START = 3;

/** The number of sockets passed to *this* process, like sd_listen_fds(): 0 when not activated. */
function listenFds() {
  if (process.env.LISTEN_PID !== String(process.pid)) return 0; // absent, or meant for another process
  const n = Number.parseInt(process.env.LISTEN_FDS ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

const server = createServer((req, res) => {
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`hello from pid ${process.pid} (${mode}): ${req.method} ${req.url}\n`);
});

const n = listenFds();
// Do not hand these on to anything we spawn.
delete process.env.LISTEN_PID;
delete process.env.LISTEN_FDS;
delete process.env.LISTEN_FDNAMES;

let mode;
if (n > 0) {
  if (n > 1) console.error(`got ${n} sockets, serving only the first (fd ${SD_LISTEN_FDS_START})`);
  mode = 'socket-activated';
  server.listen({ fd: SD_LISTEN_FDS_START }, () => console.error(`socket-activated: serving on fd ${SD_LISTEN_FDS_START}`));
} else {
  const port = Number.parseInt(process.env.PORT ?? '8080', 10);
  mode = 'standalone';
  server.listen(port, () => console.error(`standalone: listening on port ${port} (not socket-activated)`));
}

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
