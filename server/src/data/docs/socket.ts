/**
 * Hand-written documentation for every [Socket]-specific directive (systemd.socket(5)), in our own
 * words. Facts (defaults, versions) follow shared/reference/socket-directives.tsv; the wording is ours.
 * Directives shared with services ([Socket] also reads the exec, kill and resource-control settings
 * for its ExecStartPre=… processes) are documented with the [Service] docs.
 */
import type { DirectiveDoc } from './types';

export const SOCKET_DOCS: Record<string, DirectiveDoc> = {
  // ---- what to listen on ------------------------------------------------------------------------
  ListenStream: {
    summary:
      'Opens a connection-oriented (SOCK_STREAM) socket: TCP for an IP address or port, a Unix socket for a /path or @name. ' +
      'A bare port binds [::]:PORT, which takes IPv4 connections too unless BindIPv6Only=ipv6-only. ' +
      'Repeat the line for more addresses; the service gets them as fds 3, 4, … in this order, and an empty value drops every Listen*= line before it.',
    syntax: 'a port, IPv4:port, [IPv6]:port (optionally %%ifname), /path, @abstract, or vsock:CID:PORT',
    default: 'none — a socket unit needs at least one Listen*= line',
    example: 'ListenStream=8080\nListenStream=/run/web/http.sock',
  },
  ListenDatagram: {
    summary:
      'Opens a message-oriented (SOCK_DGRAM) socket: UDP for an IP address or port, an unconnected Unix socket for a /path or @name. ' +
      'Datagram sockets have no connections to accept, so they only work with Accept=no.',
    syntax: 'same address forms as ListenStream=: a port, ip:port, [ipv6]:port, /path, @name or vsock:CID:PORT',
    default: 'none',
    example: 'ListenDatagram=514\nListenDatagram=/run/syslog-in.sock',
  },
  ListenSequentialPacket: {
    summary:
      'Opens a Unix socket of type SOCK_SEQPACKET: connection-oriented like a stream, but message boundaries are kept. ' +
      'Only Unix addresses work here (a /path or @name); IP addresses are rejected.',
    syntax: 'an absolute /path or an @abstract name',
    default: 'none',
    example: 'ListenSequentialPacket=/run/app/control.sock\nListenSequentialPacket=@app-control',
  },
  ListenFIFO: {
    summary:
      'Creates a named pipe at the given path (mode from SocketMode=, owner from SocketUser=/SocketGroup=) and starts the service when someone writes to it. ' +
      'Cannot be combined with Accept=yes.',
    syntax: 'an absolute path outside /dev, /proc and /sys',
    default: 'none',
    example: 'ListenFIFO=/run/spooler/jobs.fifo\nSocketMode=0620',
  },
  ListenNetlink: {
    summary:
      'Opens a kernel netlink socket of the given family, optionally subscribed to a multicast group, e.g. to be started on kernel uevents or routing changes. ' +
      'Netlink sockets never accept connections.',
    syntax: '"FAMILY [GROUP]": a family name (route, audit, kobject-uevent, generic, …) or number, then an optional group number',
    default: 'none',
    example: 'ListenNetlink=kobject-uevent 1\nReceiveBuffer=8M',
  },
  ListenSpecial: {
    summary:
      'Opens an existing file that is neither a socket nor a FIFO — typically a character device or a file such as /proc/kmsg — and hands its fd to the service. ' +
      'It is opened read-only unless Writable=yes.',
    syntax: 'an absolute path (paths below /dev, /proc and /sys are allowed)',
    default: 'none',
    example: 'ListenSpecial=/dev/ttyS1\nWritable=yes',
  },
  ListenMessageQueue: {
    summary:
      'Creates (or opens) a POSIX message queue and starts the service when a message is queued. ' +
      'Queue limits come from MessageQueueMaxMessages= and MessageQueueMessageSize=.',
    syntax: 'a queue name written like an absolute path, e.g. /jobs',
    default: 'none',
    example: 'ListenMessageQueue=/print-jobs\nSocketMode=0600',
  },
  ListenUSBFunction: {
    summary:
      'Points at the mount point of a USB FunctionFS instance, for USB gadget daemons. ' +
      'systemd writes the descriptors named by the service\'s USBFunctionDescriptors= and USBFunctionStrings= to its control endpoint and starts the service once the host talks to the gadget.',
    syntax: 'an absolute path (the FunctionFS mount point)',
    default: 'none',
    example: 'ListenUSBFunction=/run/usb/ffs.adb\nService=adbd.service',
  },

  // ---- how the sockets are created ---------------------------------------------------------------
  SocketProtocol: {
    summary:
      'Chooses a transport protocol other than the kernel default for the address family: udplite for datagram sockets, sctp or mptcp for stream sockets.',
    syntax: 'udplite, sctp or mptcp',
    default: 'unset: TCP for ListenStream=, UDP for ListenDatagram=',
    example: 'ListenStream=3868\nSocketProtocol=sctp',
  },
  BindIPv6Only: {
    summary:
      'Decides whether IPv6 sockets ([::]:port or a bare port) also receive IPv4 traffic. ' +
      'both = dual-stack, ipv6-only = IPv6 only, default = whatever the net.ipv6.bindv6only sysctl says (normally dual-stack).',
    syntax: 'default, both or ipv6-only (a boolean also works: yes = ipv6-only, no = both)',
    default: 'default (follow the kernel sysctl, usually dual-stack)',
    example: 'ListenStream=[::]:443\nBindIPv6Only=ipv6-only',
  },
  Backlog: {
    summary:
      'Length of the queue of connections that are established but not yet accepted (the listen() backlog) for stream and seqpacket sockets.',
    syntax: 'an unsigned number',
    default: 'as large as possible (SOMAXCONN_DELUXE); the kernel caps it at net.core.somaxconn',
    example: 'ListenStream=80\nBacklog=1024',
  },
  BindToDevice: {
    summary:
      'Ties the IP sockets of the unit to one network interface (SO_BINDTODEVICE), so only traffic arriving on that interface reaches them. ' +
      'systemd also makes the socket wait for that interface to appear.',
    syntax: 'a network interface name',
    default: 'unset: all interfaces',
    example: 'ListenDatagram=0.0.0.0:67\nBindToDevice=eth1',
  },

  // ---- helper commands -----------------------------------------------------------------------------
  ExecStartPre: {
    summary:
      'Commands run before the sockets are created and bound, e.g. to prepare a directory. ' +
      'Several lines run one after another; a failing command (without a "-" prefix) fails the socket unit.',
    syntax: 'a command line: an absolute path or program name with arguments, optionally prefixed with -, @, :, +, !',
    default: 'none',
    example: 'ExecStartPre=/usr/bin/mkdir -p /run/web\nExecStartPre=/usr/bin/chown www-data /run/web',
  },
  ExecStartPost: {
    summary:
      'Commands run after the sockets have been created and bound, e.g. to adjust permissions or announce them. ' +
      'With PassFileDescriptorsToExec=yes they receive the sockets like the service would.',
    syntax: 'a command line, as for ExecStartPre=',
    default: 'none',
    example: 'ListenStream=/run/web/http.sock\nExecStartPost=/usr/bin/setfacl -m u:nginx:rw /run/web/http.sock',
  },
  ExecStopPre: {
    summary: 'Commands run before the listening sockets are closed when the socket unit stops.',
    syntax: 'a command line, as for ExecStartPre=',
    default: 'none',
    example: 'ExecStopPre=/usr/bin/logger web socket stopping\nExecStopPre=-/usr/local/bin/drain-queue',
  },
  ExecStopPost: {
    summary:
      'Commands run after the listening sockets have been closed and removed, e.g. to clean up files the socket left behind.',
    syntax: 'a command line, as for ExecStartPre=',
    default: 'none',
    example: 'ExecStopPost=/usr/bin/rm -f /run/web/ready\nExecStopPost=/usr/bin/logger web socket stopped',
  },
  TimeoutSec: {
    summary:
      'How long the ExecStartPre=/ExecStartPost=/ExecStopPre=/ExecStopPost= commands may run before systemd considers them failed and kills them.',
    syntax: 'a time span ("30s", "2min", "infinity"); a bare number means seconds',
    default: 'the manager\'s DefaultTimeoutStartSec= (90s unless changed)',
    example: 'ExecStartPre=/usr/local/bin/prepare-socket-dir\nTimeoutSec=30s',
  },

  // ---- ownership and permissions -----------------------------------------------------------------------
  SocketUser: {
    summary:
      'Owner of the Unix socket files and FIFOs the unit creates. ' +
      'Lets a non-root client connect while SocketMode= stays strict.',
    syntax: 'a user name or numeric UID',
    default: 'root',
    example: 'ListenStream=/run/app/api.sock\nSocketUser=app',
  },
  SocketGroup: {
    summary:
      'Group of the Unix socket files and FIFOs the unit creates; combine it with SocketMode=0660 to let exactly one group connect.',
    syntax: 'a group name or numeric GID',
    default: 'root',
    example: 'SocketGroup=docker\nSocketMode=0660',
  },
  SocketMode: {
    summary:
      'Permission bits of the Unix socket files, FIFOs and message queues the unit creates. ' +
      'Connecting to a Unix socket needs write permission on it.',
    syntax: 'an octal file mode, e.g. 0660',
    default: '0666',
    example: 'ListenStream=/run/app/api.sock\nSocketMode=0660',
  },
  DirectoryMode: {
    summary: 'Permission bits for parent directories that systemd creates on the way to a socket file or FIFO.',
    syntax: 'an octal file mode, e.g. 0750',
    default: '0755',
    example: 'ListenStream=/run/app/sockets/api.sock\nDirectoryMode=0750',
  },

  // ---- activation model ------------------------------------------------------------------------------
  Accept: {
    summary:
      'no: the listening sockets are handed to one service (foo.service) that accepts connections itself. ' +
      'yes: systemd accepts every connection and starts a new instance of the template foo@.service for it, with only that connection as fd 3 (inetd style). ' +
      'yes only works with stream and seqpacket sockets and cannot be combined with Service=.',
    syntax: 'boolean',
    default: 'no',
    example: 'ListenStream=2222\nAccept=yes',
  },
  FlushPending: {
    summary:
      'With Accept=no: when the triggered service exits, throw away whatever is still queued on the socket (unread data, unaccepted connections) instead of leaving it for the next start.',
    syntax: 'boolean',
    default: 'no',
    example: 'Accept=no\nFlushPending=yes',
  },
  Writable: {
    summary: 'For ListenSpecial= only: open the file read-write instead of read-only.',
    syntax: 'boolean',
    default: 'no',
    example: 'ListenSpecial=/dev/ttyS0\nWritable=yes',
  },
  MaxConnections: {
    summary:
      'With Accept=yes: how many per-connection service instances may run at the same time; further connections are dropped until one ends. ' +
      'Has no effect with Accept=no. 0 is refused (since v257 even with Accept=no).',
    syntax: 'a positive number',
    default: '64',
    example: 'Accept=yes\nMaxConnections=16',
  },
  MaxConnectionsPerSource: {
    summary:
      'With Accept=yes: how many connections one source may have open at once — per IP address for network sockets, per UID for Unix sockets (v256+). ' +
      'Stops a single client from using up MaxConnections=.',
    syntax: 'a number; 0 = no per-source limit',
    default: '0 (no per-source limit)',
    example: 'Accept=yes\nMaxConnectionsPerSource=4',
  },
  Service: {
    summary:
      'The service to start on incoming traffic, when it should not be the one with the socket\'s own name (foo.socket → foo.service). ' +
      'Must name a .service unit; not allowed together with Accept=yes.',
    syntax: 'a unit name ending in .service',
    default: 'the service named like the socket unit (foo@.service instances with Accept=yes)',
    example: 'ListenStream=8080\nService=web-backend.service',
  },
  FileDescriptorName: {
    summary:
      'Name that the service sees for this unit\'s file descriptors in $LISTEN_FDNAMES (sd_listen_fds_with_names()). ' +
      'It names ALL sockets of the unit, so to tell several sockets apart use one .socket unit per name.',
    syntax: 'up to 255 printable ASCII characters, no ":"',
    default: 'the socket unit\'s name (e.g. web.socket); "connection" with Accept=yes',
    example: 'ListenStream=/run/app/admin.sock\nFileDescriptorName=admin',
  },
  PassFileDescriptorsToExec: {
    summary:
      'Also pass the unit\'s sockets (with $LISTEN_FDS) to its own ExecStartPost=, ExecStopPre= and ExecStopPost= commands. ' +
      'ExecStartPre= never gets them: it runs before the sockets exist.',
    syntax: 'boolean',
    default: 'no',
    example: 'PassFileDescriptorsToExec=yes\nExecStartPost=/usr/local/bin/warm-up',
  },

  // ---- rate limits ---------------------------------------------------------------------------------
  TriggerLimitIntervalSec: {
    summary:
      'Time window of the activation rate limit: if the socket starts its service more than TriggerLimitBurst= times within it, the socket unit fails (trigger-limit-hit) and stops listening. 0 disables the limit.',
    syntax: 'a time span',
    default: '2s',
    example: 'TriggerLimitIntervalSec=10s\nTriggerLimitBurst=50',
  },
  TriggerLimitBurst: {
    summary: 'How many activations TriggerLimitIntervalSec= allows before the socket unit gives up. 0 disables the limit.',
    syntax: 'a number',
    default: '200 with Accept=yes, 20 with Accept=no',
    example: 'TriggerLimitIntervalSec=1s\nTriggerLimitBurst=100',
  },
  PollLimitIntervalSec: {
    summary:
      'Time window of the wake-up rate limit: if the socket becomes ready more than PollLimitBurst= times within it, systemd stops watching it until the window ends (the unit does not fail). 0 disables the limit.',
    syntax: 'a time span',
    default: '2s',
    example: 'PollLimitIntervalSec=5s\nPollLimitBurst=100',
  },
  PollLimitBurst: {
    summary: 'How many wake-ups PollLimitIntervalSec= allows before systemd pauses watching the socket. 0 disables the limit.',
    syntax: 'a number',
    default: '150 with Accept=yes, 15 with Accept=no',
    example: 'PollLimitIntervalSec=1s\nPollLimitBurst=50',
  },
  DeferTrigger: {
    summary:
      'With Accept=no: start the service in the "lenient" job mode, so it does not stop units it conflicts with; if it cannot be queued yet, wait and retry whenever a unit stops. ' +
      'yes gives up once no jobs are left and the conflict remains; patient keeps waiting until DeferTriggerMaxSec=. Useful for sockets that live through soft-reboot.',
    syntax: 'no, yes or patient (booleans also work)',
    default: 'no',
    example: 'DeferTrigger=patient\nDeferTriggerMaxSec=2min',
  },
  DeferTriggerMaxSec: {
    summary: 'Longest time a deferred activation (DeferTrigger=) may wait; after that the socket unit fails. 0 or infinity means no time limit.',
    syntax: 'a time span or infinity',
    default: 'infinity',
    example: 'DeferTrigger=yes\nDeferTriggerMaxSec=30s',
  },

  // ---- socket options (applied to listening and accepted sockets) ------------------------------------
  KeepAlive: {
    summary: 'Turns on TCP keep-alive probes (SO_KEEPALIVE), so connections to peers that vanished are eventually noticed and closed.',
    syntax: 'boolean',
    default: 'no',
    example: 'KeepAlive=yes\nKeepAliveTimeSec=10min',
  },
  KeepAliveTimeSec: {
    summary: 'Idle time on a TCP connection before the first keep-alive probe is sent (TCP_KEEPIDLE). Needs KeepAlive=yes.',
    syntax: 'a time span',
    default: 'kernel default (2 hours)',
    example: 'KeepAlive=yes\nKeepAliveTimeSec=5min',
  },
  KeepAliveIntervalSec: {
    summary: 'Pause between two unanswered keep-alive probes (TCP_KEEPINTVL). Needs KeepAlive=yes.',
    syntax: 'a time span',
    default: 'kernel default (75 s)',
    example: 'KeepAlive=yes\nKeepAliveIntervalSec=30s',
  },
  KeepAliveProbes: {
    summary: 'How many keep-alive probes may go unanswered before the connection is dropped (TCP_KEEPCNT). Needs KeepAlive=yes.',
    syntax: 'a number',
    default: 'kernel default (9)',
    example: 'KeepAlive=yes\nKeepAliveProbes=4',
  },
  DeferAcceptSec: {
    summary:
      'TCP_DEFER_ACCEPT: a new connection only counts (and wakes the service) once the client has sent data, waiting at most about this long. ' +
      'Good for protocols where the client speaks first, such as HTTP.',
    syntax: 'a time span; 0 turns it off',
    default: '0 (off)',
    example: 'ListenStream=80\nDeferAcceptSec=5s',
  },
  NoDelay: {
    summary: 'Sets TCP_NODELAY: small writes go out immediately instead of being merged by Nagle\'s algorithm — lower latency, more packets.',
    syntax: 'boolean',
    default: 'no',
    example: 'ListenStream=6379\nNoDelay=yes',
  },
  Priority: {
    summary: 'Kernel priority (SO_PRIORITY) for packets sent through the socket; traffic-control queueing disciplines can act on it.',
    syntax: 'an integer',
    default: 'unset (kernel default)',
    example: 'ListenStream=5060\nPriority=6',
  },
  ReceiveBuffer: {
    summary: 'Size of the socket\'s receive buffer (SO_RCVBUF); raise it for bursty datagram or netlink traffic.',
    syntax: 'a size in bytes, with optional K, M or G suffix (base 1024)',
    default: 'unset (kernel default)',
    example: 'ListenDatagram=514\nReceiveBuffer=4M',
  },
  SendBuffer: {
    summary: 'Size of the socket\'s send buffer (SO_SNDBUF).',
    syntax: 'a size in bytes, with optional K, M or G suffix (base 1024)',
    default: 'unset (kernel default)',
    example: 'ListenStream=9000\nSendBuffer=1M',
  },
  IPTOS: {
    summary: 'Type-of-service byte (IP_TOS) put on outgoing IP packets, for routers that prioritise by it.',
    syntax: 'low-delay, throughput, reliability, low-cost, or a number 0–255',
    default: 'unset (kernel default)',
    example: 'ListenDatagram=5004\nIPTOS=low-delay',
  },
  IPTTL: {
    summary: 'Time-to-live (IPv4) or hop limit (IPv6) of outgoing packets, i.e. how many routers they may cross.',
    syntax: 'a number 1–255',
    default: 'unset (kernel default, usually 64)',
    example: 'ListenDatagram=5353\nIPTTL=1',
  },
  Mark: {
    summary: 'Firewall mark (SO_MARK) put on every packet sent through the socket, for policy routing or nftables/iptables rules.',
    syntax: 'an integer',
    default: 'unset',
    example: 'ListenStream=8443\nMark=42',
  },
  PipeSize: {
    summary: 'Buffer size of the pipe created by ListenFIFO= (F_SETPIPE_SZ).',
    syntax: 'a size in bytes, with optional K, M or G suffix (base 1024)',
    default: 'unset (kernel default, usually 64K)',
    example: 'ListenFIFO=/run/collector.fifo\nPipeSize=1M',
  },
  FreeBind: {
    summary:
      'Allows binding to an IP address that is not (yet) configured on the machine (IP_FREEBIND), so the socket can start before the network is up.',
    syntax: 'boolean',
    default: 'no',
    example: 'ListenStream=192.0.2.10:80\nFreeBind=yes',
  },
  Transparent: {
    summary: 'Sets IP_TRANSPARENT, letting the socket handle traffic addressed to foreign IP addresses — needed for transparent proxies.',
    syntax: 'boolean',
    default: 'no',
    example: 'ListenStream=3129\nTransparent=yes',
  },
  Broadcast: {
    summary: 'Sets SO_BROADCAST so the datagram socket may send to broadcast addresses.',
    syntax: 'boolean',
    default: 'no',
    example: 'ListenDatagram=0.0.0.0:67\nBroadcast=yes',
  },
  PassCredentials: {
    summary:
      'Sets SO_PASSCRED on Unix sockets: the receiver gets the sender\'s PID, UID and GID (SCM_CREDENTIALS) with each message, checked by the kernel.',
    syntax: 'boolean',
    default: 'no',
    example: 'ListenDatagram=/run/app/log.sock\nPassCredentials=yes',
  },
  PassPIDFD: {
    summary:
      'Sets SO_PASSPIDFD on Unix sockets: each received message carries a pidfd of the sending process (SCM_PIDFD), which, unlike a PID, cannot be recycled.',
    syntax: 'boolean',
    default: 'no',
    example: 'ListenStream=/run/app/api.sock\nPassPIDFD=yes',
  },
  PassSecurity: {
    summary: 'Sets SO_PASSSEC on Unix sockets: received messages carry the sender\'s security label (SCM_SECURITY, e.g. its SELinux context).',
    syntax: 'boolean',
    default: 'no',
    example: 'ListenDatagram=/run/app/audit.sock\nPassSecurity=yes',
  },
  PassPacketInfo: {
    summary:
      'Asks the kernel for the destination address and interface of each received datagram (IP_PKTINFO / IPV6_RECVPKTINFO), so a server bound to every address can reply from the right one.',
    syntax: 'boolean',
    default: 'no',
    example: 'ListenDatagram=53\nPassPacketInfo=yes',
  },
  AcceptFileDescriptors: {
    summary:
      'Whether peers may pass file descriptors over the Unix socket (SCM_RIGHTS, controlled with SO_PASSRIGHTS). Set it to no to refuse fds a service does not expect.',
    syntax: 'boolean',
    default: 'yes (the kernel default)',
    example: 'ListenStream=/run/app/api.sock\nAcceptFileDescriptors=no',
  },
  Timestamping: {
    summary: 'Attaches a receive timestamp to every incoming packet (SO_TIMESTAMP or SO_TIMESTAMPNS), in micro- or nanosecond precision.',
    syntax: 'off, us (usec, µs) or ns (nsec)',
    default: 'off',
    example: 'ListenDatagram=123\nTimestamping=ns',
  },
  TCPCongestion: {
    summary: 'TCP congestion-control algorithm for the socket (TCP_CONGESTION); the matching kernel module has to be available.',
    syntax: 'an algorithm name, e.g. cubic, reno or bbr',
    default: 'unset (the kernel\'s net.ipv4.tcp_congestion_control)',
    example: 'ListenStream=443\nTCPCongestion=bbr',
  },
  ReusePort: {
    summary: 'Sets SO_REUSEPORT, so other sockets may bind the same address and port; the kernel spreads incoming connections across them.',
    syntax: 'boolean',
    default: 'no',
    example: 'ListenStream=8080\nReusePort=yes',
  },

  // ---- message queues -----------------------------------------------------------------------------
  MessageQueueMaxMessages: {
    summary:
      'Maximum number of messages the ListenMessageQueue= queue holds (mq_maxmsg), applied when systemd creates it; takes effect only together with MessageQueueMessageSize=.',
    syntax: 'a number',
    default: '0 (kernel default, usually 10)',
    example: 'MessageQueueMaxMessages=64\nMessageQueueMessageSize=1024',
  },
  MessageQueueMessageSize: {
    summary:
      'Maximum size in bytes of one message in the ListenMessageQueue= queue (mq_msgsize), applied when systemd creates it; takes effect only together with MessageQueueMaxMessages=.',
    syntax: 'a number of bytes',
    default: '0 (kernel default, usually 8192)',
    example: 'MessageQueueMessageSize=4096\nMessageQueueMaxMessages=16',
  },

  // ---- file-system nodes ---------------------------------------------------------------------------
  RemoveOnStop: {
    summary:
      'Delete the Unix socket files, FIFOs, message queues and Symlinks= the unit created when it stops; otherwise they stay behind, with nobody listening.',
    syntax: 'boolean',
    default: 'no',
    example: 'ListenStream=/run/app/api.sock\nRemoveOnStop=yes',
  },
  Symlinks: {
    summary:
      'Extra paths that systemd creates as symbolic links to the unit\'s socket file or FIFO, e.g. for a legacy location. ' +
      'The unit must then have exactly one file-system socket or FIFO, or systemd refuses it.',
    syntax: 'a space-separated list of absolute paths',
    default: 'none',
    example: 'ListenStream=/run/app/api.sock\nSymlinks=/run/legacy-api.sock',
  },

  // ---- security labels ------------------------------------------------------------------------------
  SmackLabel: {
    summary: 'SMACK label (security.SMACK64) for the FIFO or socket file; ignored on systems built without SMACK.',
    syntax: 'a SMACK label',
    default: 'unset',
    example: 'ListenFIFO=/run/app/in.fifo\nSmackLabel=app',
  },
  SmackLabelIPIn: {
    summary: 'SMACK label (security.SMACK64IPIN) applied to incoming packets of the socket; ignored without SMACK support.',
    syntax: 'a SMACK label',
    default: 'unset',
    example: 'ListenStream=8080\nSmackLabelIPIn=web',
  },
  SmackLabelIPOut: {
    summary: 'SMACK label (security.SMACK64IPOUT) applied to outgoing packets of the socket; ignored without SMACK support.',
    syntax: 'a SMACK label',
    default: 'unset',
    example: 'ListenStream=8080\nSmackLabelIPOut=web',
  },
  SELinuxContextFromNet: {
    summary:
      'Derive the SELinux security level of the started service from the connecting peer\'s network label; the rest of the context comes from the binary or SELinuxContext=. ' +
      'Only meaningful when the service gets a single socket (e.g. Accept=yes).',
    syntax: 'boolean',
    default: 'no',
    example: 'Accept=yes\nSELinuxContextFromNet=yes',
  },
  XAttrEntryPoint: {
    summary:
      'Tags the file-system node of a Unix socket (the path given to ListenStream= and friends) with an extended attribute, so that other tools can find and classify it; for instance a Varlink service marks its entry point with user.varlink=entrypoint. ' +
      'Give it several times for several attributes; an empty value drops the ones set so far. Needs systemd 262.',
    syntax: 'NAME=VALUE, NAME starting with user.; specifiers are expanded on both sides',
    default: 'none',
    example: 'ListenStream=/run/example/io.example.Service\nXAttrEntryPoint=user.varlink=entrypoint',
  },
  XAttrListen: {
    summary:
      'Sets an extended attribute on the listening socket itself rather than on a file, for any socket family. ' +
      'Repeat it for more attributes; an empty value clears the list. Needs systemd 262.',
    syntax: 'NAME=VALUE, NAME starting with user.; specifiers are expanded',
    default: 'none',
    example: 'ListenStream=8080\nXAttrListen=user.role=api',
  },
  XAttrAccept: {
    summary:
      'Sets an extended attribute on each connection socket systemd accepts, so it only matters with Accept=yes. ' +
      'Repeat it for more attributes; an empty value clears the list. Needs systemd 262.',
    syntax: 'NAME=VALUE, NAME starting with user.; specifiers are expanded',
    default: 'none',
    example: 'Accept=yes\nXAttrAccept=user.tenant=%i',
  },
};
