/**
 * Hand-written documentation for the [Service] directives that socket activation touches
 * (systemd.service(5), systemd.exec(5), systemd.kill(5), systemd.resource-control(5)), in our own words.
 * Defaults follow systemd 257 (src/core/service.c service_add_extras(), manager defaults); socket details
 * follow shared/reference/socket-activation-protocol.md. The wording is ours.
 */
import type { DirectiveDoc } from './types';

export const SERVICE_DOCS: Record<string, DirectiveDoc> = {
  // ---- start-up type and commands -------------------------------------------------------------------
  Type: {
    summary:
      'How systemd decides the service has finished starting: simple (as soon as it forked), exec (once the binary was executed), forking (the parent exited), oneshot (the process exited), dbus (BusName= appeared), notify / notify-reload (the daemon sent READY=1), idle (like simple, delayed until other jobs are done). ' +
      'With socket activation clients may connect before the daemon is ready — their connections wait in the socket — so simple or exec often suffice; notify still matters for units ordered after the service.',
    syntax: 'simple, exec, forking, oneshot, dbus, notify, notify-reload or idle',
    default: 'simple if ExecStart= is set; dbus if BusName= is set; exec if credentials are configured; oneshot when there is no ExecStart=',
    example: 'Type=notify\nNotifyAccess=main',
  },
  ExecStart: {
    summary:
      'The command that runs the service. Only this main process receives the activation sockets (fds 3… with $LISTEN_FDS, $LISTEN_PID and $LISTEN_FDNAMES). ' +
      'Exactly one is allowed unless Type=oneshot; an empty value clears earlier ones. Prefixes change handling: "-" ignores failure, "@" sets argv[0], "+" runs with full privileges, ":" skips variable expansion.',
    syntax: 'an executable (absolute path, or a name looked up in a fixed search path) followed by arguments, optionally with -, @, :, +, ! or !! prefixes',
    default: 'none: only Type=oneshot may go without, and then it needs RemainAfterExit=yes or SuccessAction=',
    example: 'Type=exec\nExecStart=/usr/bin/python3 /opt/webapp/server.py',
  },
  ExecCondition: {
    summary:
      'Check commands run before ExecStartPre=. Exit status 0 continues; 1–254 skips the start without marking the unit failed; 255 or a crash fails it. ' +
      'As with Condition*=, a socket-activated service skipped this way leaves the client waiting in the socket, which then triggers again.',
    syntax: 'a command line as in ExecStart=, repeatable (systemd 243+)',
    default: 'none',
    example: 'ExecCondition=/usr/bin/test -f /etc/webapp/enabled\nExecCondition=/usr/bin/webapp --check-config',
  },
  ExecStartPre: {
    summary:
      'Commands run one after another before ExecStart=, e.g. to check configuration or prepare directories. If one fails (without a "-" prefix), the service does not start. ' +
      'These commands do not get the activation sockets.',
    syntax: 'a command line as in ExecStart=, repeatable; empty clears the list',
    default: 'none',
    example: 'ExecStartPre=/usr/bin/webapp --check-config\nExecStartPre=-/usr/bin/rm -f /run/webapp/stale.lock',
  },
  ExecStartPost: {
    summary:
      'Commands run after the main process has started (for Type=notify: after it reported readiness). A failing command without "-" fails the whole start and stops the service.',
    syntax: 'a command line as in ExecStart=, repeatable',
    default: 'none',
    example: 'ExecStartPost=/usr/bin/logger webapp started\nExecStartPost=-/usr/local/bin/warm-cache',
  },
  ExecReload: {
    summary:
      'Commands that systemctl reload runs to make the daemon re-read its configuration; $MAINPID holds the main process ID for signalling. ' +
      'Without it the service cannot be reloaded (except Type=notify-reload, which sends a signal itself).',
    syntax: 'a command line as in ExecStart=, repeatable',
    default: 'none (reload unsupported)',
    example: 'ExecReload=/usr/bin/webapp --check-config\nExecReload=/bin/kill -HUP $MAINPID',
  },
  ExecStop: {
    summary:
      'Commands that ask the service to stop. Whatever is still running afterwards is killed according to KillMode= and KillSignal=, so the command should wait until the daemon is really gone. ' +
      'Stopping a socket-activated service does not stop its socket: the next connection starts it again.',
    syntax: 'a command line as in ExecStart=, repeatable',
    default: 'none: systemd just sends KillSignal= (SIGTERM)',
    example: 'ExecStop=/usr/bin/webappctl drain --timeout 20\nTimeoutStopSec=30s',
  },
  ExecStopPost: {
    summary:
      'Cleanup commands run after the service has stopped — also when it crashed or failed to start. $SERVICE_RESULT, $EXIT_CODE and $EXIT_STATUS tell them what happened.',
    syntax: 'a command line as in ExecStart=, repeatable',
    default: 'none',
    example: 'ExecStopPost=/usr/bin/rm -f /run/webapp/ready\nExecStopPost=/usr/bin/logger webapp stopped',
  },

  // ---- restarts and timeouts ----------------------------------------------------------------------------
  Restart: {
    summary:
      'Whether systemd starts the service again after its main process exits: always, on-success, on-failure (non-zero exit, signal, timeout, watchdog), on-abnormal, on-abort or on-watchdog. ' +
      'A socket-activated service (Accept=no) is started again by the next connection anyway; Restart= brings it back immediately. If the service hits its start limit, that socket fails as well.',
    syntax: 'no, always, on-success, on-failure, on-abnormal, on-abort or on-watchdog',
    default: 'no',
    example: 'Restart=on-failure\nRestartSec=2s',
  },
  RestartSec: {
    summary:
      'How long to wait before an automatic restart triggered by Restart=. Keep it large enough that a crashing service does not burn through StartLimitBurst= at once.',
    syntax: 'a time span (e.g. 500ms, 5s, 1min)',
    default: '100ms',
    example: 'Restart=always\nRestartSec=5s',
  },
  RemainAfterExit: {
    summary:
      'Keeps the service counted as active after all its processes have exited — typical for Type=oneshot setup jobs. ' +
      'Avoid it for socket-activated services: while the service counts as active its socket does not trigger again, so new connections are left waiting.',
    syntax: 'boolean',
    default: 'no',
    example: 'Type=oneshot\nRemainAfterExit=yes',
  },
  TimeoutStartSec: {
    summary:
      'How long start-up may take (ExecStartPre= through readiness). When it runs out the service is considered failed and is stopped. ' +
      'A Type=notify daemon can ask for more time by sending EXTEND_TIMEOUT_USEC=.',
    syntax: 'a time span, or infinity to disable',
    default: "the manager's DefaultTimeoutStartSec= (90s); infinity for Type=oneshot",
    example: 'Type=notify\nTimeoutStartSec=5min',
  },
  TimeoutStopSec: {
    summary:
      'How long the service may take to stop, for ExecStop= and again for the processes to exit after the stop signal; then remaining processes get SIGKILL.',
    syntax: 'a time span, or infinity to disable',
    default: "the manager's DefaultTimeoutStopSec= (90s)",
    example: 'TimeoutStopSec=20s\nKillMode=mixed',
  },

  TimeoutSec: {
    summary:
      'Shorthand that sets TimeoutStartSec= and TimeoutStopSec= to the same value.',
    syntax: 'a time span, or infinity to disable',
    default: "the manager's DefaultTimeoutStartSec= and DefaultTimeoutStopSec= (90s each)",
    example: 'TimeoutSec=30s\nType=notify',
  },

  // ---- socket activation -----------------------------------------------------------------------------
  Sockets: {
    summary:
      'Socket units whose listening fds this service receives in addition to the ones that trigger it. It also adds Wants= and After= on each socket. ' +
      'Rarely needed: foo.socket already feeds foo.service, and a socket with Service= feeds that service. Entries accumulate; an empty value cannot clear them.',
    syntax: 'space-separated .socket unit names, repeatable',
    default: 'none: the service gets the fds of every socket unit that triggers it',
    example: 'Sockets=webapp-http.socket\nSockets=webapp-admin.socket',
  },
  NonBlocking: {
    summary:
      'Puts the passed activation sockets into non-blocking mode (O_NONBLOCK); with no, systemd clears the flag instead. Fds from the fd store are left alone. ' +
      'The flag belongs to the shared socket, so services sharing one socket unit see each other\'s setting.',
    syntax: 'boolean',
    default: 'no',
    example: 'Sockets=webapp.socket\nNonBlocking=yes',
  },
  FileDescriptorStoreMax: {
    summary:
      'Lets the service park up to this many fds with systemd (sd_pid_notify_with_fds() with FDSTORE=1) and get them back on its next start, after the socket fds in $LISTEN_FDS — e.g. to keep client connections across a restart. ' +
      'Setting it exports $FDSTORE and enables NotifyAccess=main if NotifyAccess= is unset.',
    syntax: 'an unsigned integer',
    default: '0 (no fd store)',
    example: 'FileDescriptorStoreMax=16\nRestart=on-failure',
  },
  FileDescriptorStorePreserve: {
    summary:
      'When the stored fds are released: no drops them as soon as the service stops; restart keeps them while the service is running or being restarted; yes keeps them until the unit is unloaded, even while it is stopped.',
    syntax: 'no, restart or yes (systemd 254+)',
    default: 'restart',
    example: 'FileDescriptorStoreMax=8\nFileDescriptorStorePreserve=yes',
  },

  // ---- standard input and output -------------------------------------------------------------------------
  StandardInput: {
    summary:
      'What the service reads on stdin. socket connects it to the activation socket inetd-style: that needs Accept=yes or exactly one socket, and then no $LISTEN_FDS is passed. ' +
      'stdout and stderr follow the socket too unless set. fd:NAME picks a named socket fd; null, tty, data and file:PATH are the other choices.',
    syntax: 'null, tty, tty-force, tty-fail, data, file:PATH, socket or fd[:NAME]',
    default: 'null',
    example: 'StandardInput=socket\nStandardError=journal',
  },
  StandardOutput: {
    summary:
      'Where the service writes stdout: the journal, the console or kmsg, a file (file:, append:, truncate:), a named socket fd, or the activation socket (socket, same rules as StandardInput=socket).',
    syntax: 'inherit, null, tty, journal, kmsg, journal+console, kmsg+console, file:PATH, append:PATH, truncate:PATH, socket or fd[:NAME]',
    default: "inherit: the same socket, tty or fd as StandardInput= if it is one of those, otherwise the manager's DefaultStandardOutput= (journal)",
    example: 'StandardInput=socket\nStandardOutput=socket',
  },
  StandardError: {
    summary:
      'Where the service writes stderr; same choices as StandardOutput=. With inherit it goes wherever stdout goes — for an inetd-style service that is the client socket, so set journal to keep error messages away from clients.',
    syntax: 'same values as StandardOutput=',
    default: 'inherit (same as stdout)',
    example: 'StandardOutput=journal\nStandardError=append:/var/log/webapp/error.log',
  },

  // ---- identity and environment ----------------------------------------------------------------------------
  User: {
    summary:
      'The user the service processes run as. Because the socket unit binds the listening socket as root, a socket-activated service can run unprivileged and still serve ports below 1024. ' +
      'The owner of a socket file is set with SocketUser= on the .socket, not with User=.',
    syntax: 'a user name or numeric UID',
    default: 'root (in the user manager: the user itself)',
    example: 'User=webapp\nGroup=webapp',
  },
  Group: {
    summary:
      'The primary group the service processes run as; SupplementaryGroups= adds more.',
    syntax: 'a group name or numeric GID',
    default: "the primary group of User= (root's group when User= is unset)",
    example: 'Group=www-data\nSupplementaryGroups=ssl-cert',
  },
  DynamicUser: {
    summary:
      'Runs the service under a transient user and group allocated at start and released at stop. This implies a read-only system (ProtectSystem=strict, ProtectHome=read-only), PrivateTmp=, NoNewPrivileges= and RemoveIPC=; persistent data goes in StateDirectory=. ' +
      'Pairs well with socket activation, since the service never needs privileges to bind.',
    syntax: 'boolean',
    default: 'no',
    example: 'DynamicUser=yes\nStateDirectory=webapp',
  },
  WorkingDirectory: {
    summary:
      'The current directory for the service processes. "~" means the home directory of User=; a "-" prefix tolerates a missing directory.',
    syntax: 'an absolute path, "~", or either prefixed with "-"',
    default: '/ for system services (the user\'s home directory in the user manager)',
    example: 'User=webapp\nWorkingDirectory=/srv/webapp',
  },
  Environment: {
    summary:
      'Sets environment variables for the service processes. Put an assignment in double quotes if the value contains spaces; specifiers are expanded, $VARIABLES are not. ' +
      'Do not set LISTEN_* yourself: systemd provides them for the main process.',
    syntax: 'space-separated VAR=value assignments, repeatable; empty clears the list',
    default: 'none besides what systemd sets ($PATH, $LISTEN_FDS, $INVOCATION_ID, …)',
    example: 'Environment=APP_ENV=production\nEnvironment="GREETING=hello world" LOG_LEVEL=info',
  },
  EnvironmentFile: {
    summary:
      'Reads VAR=value lines from a file just before the service\'s commands are run (so edits need no daemon-reload); values from these files win over Environment=. A "-" prefix ignores a missing file.',
    syntax: 'an absolute path, optionally prefixed with "-", repeatable',
    default: 'none',
    example: 'EnvironmentFile=/etc/default/webapp\nEnvironmentFile=-/etc/webapp/local.env',
  },

  // ---- sandboxing --------------------------------------------------------------------------------------------
  PrivateTmp: {
    summary:
      'Gives the service its own /tmp and /var/tmp that nobody else sees and that are cleaned up when it stops. disconnected uses fresh tmpfs instances instead of directories on the host.',
    syntax: 'boolean, connected or disconnected',
    default: 'no',
    example: 'PrivateTmp=yes\nProtectSystem=strict',
  },
  PrivateNetwork: {
    summary:
      'Runs the service in its own network namespace with only a loopback device. Sockets passed in by socket activation were opened in the host namespace and keep working — a classic way to run a network daemon that cannot reach the network on its own.',
    syntax: 'boolean',
    default: 'no',
    example: 'PrivateNetwork=yes\nSockets=webapp.socket',
  },
  ProtectSystem: {
    summary:
      'Mounts parts of the file system read-only for the service: yes covers /usr and the boot partitions, full adds /etc, strict makes everything read-only except /dev, /proc, /sys and paths opened up with ReadWritePaths= or the *Directory= options.',
    syntax: 'boolean, full or strict',
    default: 'no',
    example: 'ProtectSystem=strict\nReadWritePaths=/var/lib/webapp',
  },
  ProtectHome: {
    summary:
      'Hides or protects the home directories (/home, /root, /run/user): yes makes them empty and inaccessible, read-only keeps them readable, tmpfs mounts empty read-only tmpfs instances over them.',
    syntax: 'boolean, read-only or tmpfs',
    default: 'no',
    example: 'ProtectHome=yes\nProtectSystem=full',
  },
  NoNewPrivileges: {
    summary:
      'Makes sure the service and its children can never gain privileges through setuid/setgid binaries or file capabilities. Several sandboxing options turn it on implicitly.',
    syntax: 'boolean',
    default: 'no (several sandboxing settings imply yes, e.g. DynamicUser=yes)',
    example: 'NoNewPrivileges=yes\nUser=webapp',
  },
  RuntimeDirectory: {
    summary:
      'Creates directories below /run (or $XDG_RUNTIME_DIR for user services), owned by User=/Group=, at start and removes them at stop; the path is exported as $RUNTIME_DIRECTORY. ' +
      'Do not put the socket unit\'s socket file in it: removing the directory at stop would delete the file while the socket keeps listening. Use a separate directory or RuntimeDirectoryPreserve=.',
    syntax: 'space-separated relative directory names, repeatable',
    default: 'none',
    example: 'RuntimeDirectory=webapp\nRuntimeDirectoryMode=0750',
  },
  RuntimeDirectoryPreserve: {
    summary:
      'Whether the RuntimeDirectory= directories survive a stop: no removes them every time, restart keeps them across automatic and manual restarts, yes keeps them until reboot (/run is a tmpfs). ' +
      'yes is the simple fix when a socket file of the matching .socket unit lives inside that directory.',
    syntax: 'boolean or restart',
    default: 'no',
    example: 'RuntimeDirectory=webapp\nRuntimeDirectoryPreserve=yes',
  },
  ReadWritePaths: {
    summary:
      'Paths that stay writable for the service even though ProtectSystem=, ProtectHome= or similar options made the surrounding tree read-only. A "-" prefix ignores a missing path.',
    syntax: 'space-separated absolute paths, optionally prefixed with "-" or "+", repeatable',
    default: 'none',
    example: 'ProtectSystem=strict\nReadWritePaths=/var/lib/webapp -/var/cache/webapp',
  },
  StateDirectory: {
    summary:
      'Creates directories below /var/lib for persistent data, owned by the service user and kept across restarts and reboots; exported as $STATE_DIRECTORY. With DynamicUser=yes it is the place to keep data.',
    syntax: 'space-separated relative directory names, repeatable',
    default: 'none',
    example: 'StateDirectory=webapp\nStateDirectoryMode=0700',
  },

  // ---- notification, watchdog, stopping ---------------------------------------------------------------------
  NotifyAccess: {
    summary:
      'Which processes may send sd_notify() messages (READY=1, STATUS=, WATCHDOG=1, FDSTORE=1 …): none, only the main process, also the Exec*= control processes (exec), or every process in the service (all).',
    syntax: 'none, main, exec or all',
    default: 'none; main when Type=notify/notify-reload, WatchdogSec= or FileDescriptorStoreMax= is set',
    example: 'Type=notify\nNotifyAccess=all',
  },
  WatchdogSec: {
    summary:
      'Turns on the software watchdog: the service must send WATCHDOG=1 via sd_notify() at least this often ($WATCHDOG_USEC tells it the interval). ' +
      'If it misses, systemd kills it with WatchdogSignal= (SIGABRT) and marks it failed, which Restart=on-watchdog, on-failure, on-abnormal or always can recover from.',
    syntax: 'a time span; 0 disables',
    default: '0 (off)',
    example: 'Type=notify\nWatchdogSec=30s',
  },
  KillMode: {
    summary:
      'Which processes get the stop signal: control-group signals every process of the service, mixed sends SIGTERM to the main process only and the final SIGKILL to all, process touches only the main process. none is deprecated.',
    syntax: 'control-group, mixed, process or none',
    default: 'control-group',
    example: 'KillMode=mixed\nTimeoutStopSec=15s',
  },
  KillSignal: {
    summary:
      'The signal sent to stop the service (after ExecStop=, if any). Choose what the daemon treats as a graceful shutdown, e.g. SIGQUIT for some web servers; remaining processes get SIGKILL when TimeoutStopSec= runs out.',
    syntax: 'a signal name or number, e.g. SIGTERM, SIGINT, SIGQUIT',
    default: 'SIGTERM',
    example: 'KillSignal=SIGQUIT\nTimeoutStopSec=30s',
  },
  ExitType: {
    summary:
      'When the service counts as finished: main when the main process exits, cgroup only once the last process in its cgroup is gone — for launchers that leave workers running. Not allowed with Type=oneshot.',
    syntax: 'main or cgroup (systemd 250+)',
    default: 'main',
    example: 'Type=simple\nExitType=cgroup',
  },
  BusName: {
    summary:
      'The D-Bus well-known name the service takes. For Type=dbus, start-up is complete once the name is acquired; setting BusName= without Type= makes the type dbus.',
    syntax: 'a D-Bus bus name, e.g. org.example.WebApp',
    default: 'unset',
    example: 'Type=dbus\nBusName=org.example.WebApp',
  },
  PIDFile: {
    summary:
      'For Type=forking: the file where the daemon writes its main PID, read after start-up so systemd knows which process to watch. Not needed for the other types.',
    syntax: 'a path (relative names are taken below /run)',
    default: 'unset: systemd guesses the main process',
    example: 'Type=forking\nPIDFile=/run/legacyd.pid',
  },

  // ---- resources and network filtering ---------------------------------------------------------------------
  Slice: {
    summary:
      'The slice (cgroup subtree) the service runs in, so several units can share resource limits. Per-connection instances of an Accept=yes socket land in system-NAME.slice by default, which is a natural place to cap them together.',
    syntax: 'a .slice unit name',
    default: 'system.slice (app.slice in the user manager); instances of a template go to system-TEMPLATE.slice',
    example: 'Slice=webapp.slice\nMemoryMax=1G',
  },
  IPAddressAllow: {
    summary:
      'Addresses or prefixes the service may exchange IP traffic with; it takes precedence over IPAddressDeny=. The filter covers sockets the service creates itself, not those passed in by socket activation — repeat the lists on the .socket unit to filter incoming clients.',
    syntax: 'space-separated addresses or prefixes (10.0.0.0/8, ::1/128) or any, localhost, link-local, multicast; repeatable',
    default: 'unset (no filtering)',
    example: 'IPAddressDeny=any\nIPAddressAllow=localhost 10.0.0.0/8',
  },
  IPAddressDeny: {
    summary:
      'Addresses or prefixes the service may not talk to unless IPAddressAllow= matches them; IPAddressDeny=any gives an allow-list. Like IPAddressAllow=, it does not apply to sockets received through activation.',
    syntax: 'same forms as IPAddressAllow=',
    default: 'unset (no filtering)',
    example: 'IPAddressDeny=any\nIPAddressAllow=192.168.1.0/24',
  },
  RestrictAddressFamilies: {
    summary:
      'Limits which address families (AF_UNIX, AF_INET, AF_INET6, …) the service may create sockets for; a leading "~" turns the list into a deny-list. ' +
      'Only new sockets are checked, so sockets received through activation keep working even if their family is not allowed.',
    syntax: 'space-separated AF_* names, optionally starting with "~", or none',
    default: 'unset (no restriction)',
    example: 'RestrictAddressFamilies=AF_UNIX\nSockets=webapp.socket',
  },
  CapabilityBoundingSet: {
    summary:
      'The capabilities the service can ever hold; "~" removes the listed ones instead, an empty value drops them all. ' +
      'A socket-activated daemon does not need CAP_NET_BIND_SERVICE, because systemd binds the port for it.',
    syntax: 'space-separated CAP_* names, optionally starting with "~"; repeatable',
    default: 'unset: all capabilities',
    example: 'User=webapp\nCapabilityBoundingSet=',
  },
  AmbientCapabilities: {
    summary:
      'Capabilities given to the service processes even when they run as a non-root User=; each must also be in the bounding set. ' +
      'Binding a low port is not a reason to add CAP_NET_BIND_SERVICE if the service is socket-activated.',
    syntax: 'space-separated CAP_* names, optionally starting with "~"; repeatable',
    default: 'none',
    example: 'User=webapp\nAmbientCapabilities=CAP_NET_RAW',
  },
  LimitNOFILE: {
    summary:
      'The open-file limit (RLIMIT_NOFILE) of the service processes. Every client connection is a file descriptor, so busy servers often need more than the soft default of 1024; calling select() with fds above 1023 is unsafe, so only raise the soft limit for code that uses poll/epoll.',
    syntax: 'a number, SOFT:HARD, or infinity',
    default: "the manager's DefaultLimitNOFILE= (1024 soft, 524288 hard)",
    example: 'LimitNOFILE=65536\nUser=webapp',
  },
  MemoryMax: {
    summary:
      'A hard memory limit for the service cgroup; beyond it the kernel OOM killer acts inside the service. For Accept=yes each connection instance has its own limit; set it on their slice to cap them together.',
    syntax: 'bytes with K, M, G or T suffix (base 1024), a percentage of RAM, or infinity',
    default: 'infinity',
    example: 'MemoryHigh=400M\nMemoryMax=512M',
  },
};
