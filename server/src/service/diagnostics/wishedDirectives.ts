/**
 * Keys people write in a [Socket] section for things systemd has no such setting for, or calls otherwise
 * (from other tools' vocabularies: inetd, xinetd, systemfd, socket options by their C name). For these
 * a did-you-mean by spelling is worse than useless: `SocketLinger=0` is not a typo of `SocketUser=`.
 * A rule table of how people get systemd wrong, not a list of systemd's directives.
 */
export interface WishedDirective {
  /** What to write instead, if systemd has anything for it. */
  instead?: string;
  /** One sentence: what systemd has, or that it has nothing. */
  explanation: string;
}

const LISTEN_STREAM = 'ListenStream=';

export const WISHED_SOCKET_DIRECTIVES: Readonly<Record<string, WishedDirective>> = {
  SocketLinger: { explanation: 'there is no SO_LINGER setting at all; a program that needs it sets it on the sockets it accepts.' },
  Linger: { explanation: 'there is no SO_LINGER setting at all; a program that needs it sets it on the sockets it accepts.' },
  Listen: { instead: LISTEN_STREAM, explanation: 'systemd names the socket kind in the key: ListenStream= (TCP or a Unix stream socket), ListenDatagram= (UDP), ListenSequentialPacket=, ListenFIFO= …' },
  ListenTCP: { instead: LISTEN_STREAM, explanation: 'a TCP socket is ListenStream=PORT or ListenStream=ADDRESS:PORT.' },
  ListenUDP: { instead: 'ListenDatagram=', explanation: 'a UDP socket is ListenDatagram=PORT or ListenDatagram=ADDRESS:PORT.' },
  ListenUnix: { instead: LISTEN_STREAM, explanation: 'a Unix stream socket is ListenStream=/path (ListenDatagram=/path for datagrams).' },
  ListenPort: { instead: LISTEN_STREAM, explanation: 'the port goes into the address: ListenStream=PORT.' },
  Port: { instead: LISTEN_STREAM, explanation: 'the port goes into the address: ListenStream=PORT.' },
  ListenAddress: { instead: LISTEN_STREAM, explanation: 'the address and port go together: ListenStream=ADDRESS:PORT.' },
  BindAddress: { instead: LISTEN_STREAM, explanation: 'the address and port go together: ListenStream=ADDRESS:PORT (BindToDevice= picks an interface).' },
  Address: { instead: LISTEN_STREAM, explanation: 'the address and port go together: ListenStream=ADDRESS:PORT.' },
  ReuseAddress: { explanation: 'systemd always sets SO_REUSEADDR on the sockets it binds; ReusePort= is the SO_REUSEPORT setting.' },
  ReuseAddr: { explanation: 'systemd always sets SO_REUSEADDR on the sockets it binds; ReusePort= is the SO_REUSEPORT setting.' },
  TCPNoDelay: { instead: 'NoDelay=', explanation: 'TCP_NODELAY is NoDelay=.' },
  KeepAliveTime: { instead: 'KeepAliveTimeSec=', explanation: 'the keep-alive time is KeepAliveTimeSec= (a time span).' },
};

export function wishedDirective(section: string, key: string): WishedDirective | undefined {
  if (section !== 'Socket') return undefined;
  return Object.prototype.hasOwnProperty.call(WISHED_SOCKET_DIRECTIVES, key) ? WISHED_SOCKET_DIRECTIVES[key] : undefined;
}
