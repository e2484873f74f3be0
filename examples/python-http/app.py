#!/usr/bin/env python3
"""A tiny HTTP server (stdlib only) that can be socket-activated.

Socket-activated (systemd, `sockact activate`, `systemd-socket-activate`): the listening socket is
already open as fd 3 and LISTEN_PID/LISTEN_FDS say so. Otherwise it binds PORT (default 8080) itself.
"""
import http.server
import os
import socket
import sys

SD_LISTEN_FDS_START = 3


def listen_fds():
    """Number of sockets passed to *this* process, like sd_listen_fds(): 0 when not activated."""
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        return 0
    try:
        n = int(os.environ.get("LISTEN_FDS", ""))
    except ValueError:
        return 0
    return n if n > 0 else 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"hello from pid {os.getpid()} ({MODE}): GET {self.path}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class ActivatedServer(http.server.ThreadingHTTPServer):
    """Uses an already bound and listening socket instead of creating one."""

    def __init__(self, sock, handler):
        super().__init__(sock.getsockname(), handler, bind_and_activate=False)
        self.socket.close()  # the unused socket the base class made
        self.socket = sock
        self.address_family = sock.family


n = listen_fds()
for name in ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"):
    os.environ.pop(name, None)  # do not hand these on to children

if n > 0:
    if n > 1:
        print(f"got {n} sockets, serving only the first (fd {SD_LISTEN_FDS_START})", file=sys.stderr)
    MODE = "socket-activated"
    sock = socket.socket(fileno=SD_LISTEN_FDS_START)  # family and type are read from the fd
    server = ActivatedServer(sock, Handler)
    print(f"socket-activated: serving on fd {SD_LISTEN_FDS_START} ({sock.getsockname()})", file=sys.stderr)
else:
    MODE = "standalone"
    port = int(os.environ.get("PORT", "8080"))
    server = http.server.ThreadingHTTPServer(("", port), Handler)
    print(f"standalone: listening on port {port} (not socket-activated)", file=sys.stderr)

sys.stderr.flush()
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
