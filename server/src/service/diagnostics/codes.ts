/**
 * Every diagnostic this tool reports, with a stable id. Tests assert these ids, never message text.
 *
 * Severity follows systemd: "error" where systemd refuses to load or start the unit, "warning" where it
 * ignores the line (or the line has no effect), "information"/"hint" for advice on lines that work.
 * README.md documents the same table (a test keeps the two in step).
 */

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface CodeInfo {
  severity: Severity;
  /** One line for the README table: what it means and what systemd does. */
  summary: string;
}

export const DIAGNOSTIC_CODES = {
  // Syntax (src/shared/conf-parser.c)
  'invalid-section-header': {
    severity: 'error',
    summary: 'A line starting with `[` that is not a well-formed `[Section]` header; systemd stops reading the file and refuses the unit.',
  },
  'invalid-utf8': {
    severity: 'error',
    summary: 'A line that is not valid UTF-8; systemd stops reading the file and refuses the unit.',
  },
  'line-too-long': {
    severity: 'error',
    summary: 'A line of 1 MiB or more (comments too); systemd cannot read it and refuses the unit.',
  },
  'missing-equals': {
    severity: 'warning',
    summary: 'A line in a section without `=`; systemd ignores it.',
  },
  'missing-key': {
    severity: 'warning',
    summary: 'A line starting with `=`; systemd ignores it.',
  },
  'assignment-outside-section': {
    severity: 'warning',
    summary: 'An assignment before the first section header; systemd ignores it.',
  },
  'unknown-section': {
    severity: 'warning',
    summary: 'A section this unit type does not read (e.g. `[Service]` inside a .socket); systemd ignores the whole section. `X-` sections are exempt.',
  },
  // Directives
  'unknown-directive': {
    severity: 'warning',
    summary: 'A key systemd does not know in this section; systemd ignores the line. `X-` keys are exempt. The did-you-mean never proposes a single-value key the section already sets or one whose parser rejects the value, and its fix is preferred only when certain (one candidate, one edit away, no other key of the section within two edits, not already set); keys systemd does not have at all (`SocketLinger=`, `Listen=`, `Port=` …) get what to write instead.',
  },
  'removed-directive': {
    severity: 'warning',
    summary: 'A directive whose support systemd removed; it is accepted but ignored.',
  },
  'renamed-directive': {
    severity: 'hint',
    summary: 'An old spelling systemd still accepts for a directive with a newer name.',
  },
  'unsupported-for-unit-type': {
    severity: 'warning',
    summary: 'A setting this unit type cannot use (`Delegate=` outside services and scopes, `ManagedOOM*=`/`OOMRules=` outside services, scopes and slices); systemd ignores the line.',
  },
  'deprecated-setting': {
    severity: 'information',
    summary: 'A setting systemd applies but logs as deprecated: `KillMode=none`, and `MemoryLimit=`, `CPUShares=`, `StartupCPUShares=`, `BlockIODeviceWeight=`, `BlockIO*Bandwidth=` before their removal in 258.',
  },
  'directive-too-new': {
    severity: 'warning',
    summary: 'A directive newer than the target systemd version; that systemd ignores it as an unknown key.',
  },
  // Values
  'invalid-value': {
    severity: 'warning',
    summary: 'A value systemd cannot parse (boolean, number, time span, size, mode, path, name, enum …); systemd ignores the line.',
  },
  'value-too-new': {
    severity: 'warning',
    summary: 'A value word (e.g. `Type=notify-reload`) that a newer systemd added to this directive; the target version cannot parse it and ignores the line.',
  },
  'invalid-listen-address': {
    severity: 'warning',
    summary: 'A `Listen*=` value that is not an address systemd accepts (port 1–65535, ip:port, [v6]:port%dev, /path ≤107 bytes, @abstract, vsock:, netlink family …); systemd ignores it.',
  },
  'relaxed-user-name': {
    severity: 'warning',
    summary: 'A `User=`/`Group=`/`SocketUser=`/`SocketGroup=` name that systemd accepts only by its relaxed rules (a space, a `# comment` glued to it, a leading digit …): it loads the unit, then fails at start unless a user of exactly that name exists.',
  },
  'unknown-specifier': {
    severity: 'warning',
    summary: 'A `%` specifier systemd does not know in a value where specifiers are expanded; systemd ignores the line.',
  },
  'legacy-path': {
    severity: 'information',
    summary: 'A path below `/var/run/`; systemd rewrites it to `/run/` and asks for the unit to be updated.',
  },
  'obsolete-value': {
    severity: 'warning',
    summary: 'A value systemd replaces with its successor (`StandardOutput=syslog` → `journal`, `syslog+console` → `journal+console`): the line runs with the other value.',
  },
  'ignored-exec-prefix': {
    severity: 'warning',
    summary: 'The `!!` prefix of a command line: systemd 258 and later ignore it (the command runs as without `!`).',
  },
  'inline-comment': {
    severity: 'warning',
    summary: 'A `#` or `;` after a value: systemd has no inline comments, the text is part of the value. Warning when it makes the value invalid, information otherwise.',
  },
  'overridden-directive': {
    severity: 'warning',
    summary: 'A single-value directive set again later in the same file; only the last assignment counts. Its fix removes the earlier line, except in a `[Socket]` with several sockets where a `Listen*=` line sits between the two: the value was meant for one socket, and deleting it would hide that all sockets get the last one.',
  },
  'fdname-per-socket': {
    severity: 'warning',
    summary: '`FileDescriptorName=` given several times in one unit with several sockets: it names all sockets of the unit, so only the last name survives. Use one .socket unit per name (the quick fix splits the unit; no fix just deletes the lost names).',
  },
  'list-reset': {
    severity: 'information',
    summary: 'An empty assignment that discards the values given to this list directive earlier in the same file.',
  },
  // systemd's refusals (src/core/socket.c socket_verify(), src/core/unit.c, systemd-analyze verify)
  'no-listen': {
    severity: 'error',
    summary: 'A socket unit with no usable `Listen*=` line (none given, all invalid, or reset); systemd refuses it.',
  },
  'accept-non-accepting': {
    severity: 'error',
    summary: '`Accept=yes` with a socket that cannot accept connections (datagram, FIFO, netlink, special, message queue, USB function); systemd refuses the unit.',
  },
  'accept-with-service': {
    severity: 'error',
    summary: '`Accept=yes` together with `Service=`; systemd refuses the unit.',
  },
  'max-connections-zero': {
    severity: 'error',
    summary: '`MaxConnections=0`; systemd refuses the unit (before v257 only with `Accept=yes`).',
  },
  'symlinks-without-single-node': {
    severity: 'error',
    summary: '`Symlinks=` without exactly one file-system socket or FIFO to point at; systemd refuses the unit.',
  },
  'missing-service': {
    severity: 'error',
    summary: 'The service the socket triggers (`foo.service`, `foo@.service` for `Accept=yes`, or `Service=`) is found neither next to the unit nor in the unit search path (an instance `foo@x.service` is found through its template `foo@.service`, an alias through its symlink); systemd cannot start the socket.',
  },
  'service-refused': {
    severity: 'error',
    summary: 'A service systemd refuses: no ExecStart=/ExecStop=/SuccessAction=, several ExecStart= outside Type=oneshot, Type=oneshot with Restart=always/on-success or ExitType=cgroup, Type=dbus without BusName=.',
  },
  'paired-service-refused': {
    severity: 'error',
    summary: 'The service this socket triggers exists but systemd refuses it, so the socket cannot be started either.',
  },
  'empty-unit': {
    severity: 'error',
    summary: 'An empty unit file: systemd treats it as masked and will not start it.',
  },
  'invalid-unit-name': {
    severity: 'error',
    summary: 'The file name is not a valid unit name (characters, length, `@` placement); systemd cannot load it under that name.',
  },
  'private-pids-not-service': {
    severity: 'error',
    summary: '`PrivatePIDs=` other than `no` in a socket, mount or swap unit: systemd (257 and later, which have the setting) refuses the unit; only services can have a PID namespace of their own.',
  },
  'relative-exec-argument': {
    severity: 'warning',
    summary: 'A relative file on an `Exec*=` command line (`ExecStart=/usr/bin/python3 app.py`, `node server.js`, `./run.sh` as an argument) in a unit without `WorkingDirectory=` or `RootDirectory=`: systemd starts the command in `/` (the user manager: the home directory), so the file is looked for there. Warning for an interpreter\'s script, information for other `./` arguments; options, plain words, `%` specifiers and `$VARIABLES` are not taken for files.',
  },
  'pam-kill-mode': {
    severity: 'error',
    summary: '`PAMName=` with a `KillMode=` other than control-group or mixed; systemd refuses the unit.',
  },
  'missing-dependency': {
    severity: 'error',
    summary: '`Requires=`, `Requisite=` or `BindsTo=` names a unit (service, socket, target, timer, path) that is neither beside this one, nor installed, nor in the workspace: systemd loads the unit but its start fails ("Unit … not found"). Says which existing unit was probably meant (same name, other type, or a close spelling).',
  },
  'missing-weak-dependency': {
    severity: 'information',
    summary: '`Wants=`, `Upholds=`, `PartOf=`, `OnFailure=`, `OnSuccess=` or `PropagatesReloadTo=` names such a unit: systemd loads the unit and the dependency does nothing (optional units such as `display-manager.service` are often absent on purpose), so this is information. `After=`/`Before=` on a missing unit are harmless and not reported.',
  },
  // A socket and its service, checked together (pairSocket.ts, pairService.ts, dynamicUser.ts)
  'accept-needs-template': {
    severity: 'error',
    summary: '`Accept=yes`, but beside the socket there is only `foo.service`, no template `foo@.service`: every connection needs an instance of the template, so systemd cannot start the socket. In `foo.service` a warning says the socket never starts it.',
  },
  'stdio-socket-many': {
    severity: 'error',
    summary: '`StandardInput=`/`StandardOutput=`/`StandardError=socket` in a service that is handed more than one socket (several `Listen*=` lines or several socket units, `Accept=no`): systemd refuses to start it ("Got more than one socket."). Shown on the service line and on the socket.',
  },
  'stdin-listening-socket': {
    severity: 'information',
    summary: '`StandardInput=socket` in a service whose one socket has `Accept=no`: stdin is the listening socket, not a connection, so the program must `accept()` on fd 0 (inetd\'s "wait" style); for one program per connection use `Accept=yes` and a template.',
  },
  'connection-ignores-socket': {
    severity: 'hint',
    summary: 'A template started once per connection (`Accept=yes`) without `StandardInput=socket` and with no visible use of `$LISTEN_FDS`: does the program read the connection from fd 3?',
  },
  'missing-socket-unit': {
    severity: 'warning',
    summary: '`Sockets=` names a socket unit that is neither beside the service, nor installed, nor anywhere in the workspace; the service gets no socket from it.',
  },
  'template-shared-address': {
    severity: 'information',
    summary: 'A template socket (`foo@.socket`) whose `Listen*=` address does not vary with the instance (`%i`, `%I`): every instance binds the same address; on an IP port all but the first fail with "Address already in use", on a Unix path each new instance takes the path over from the one before.',
  },
  'dynamic-user-in-user-unit': {
    severity: 'error',
    summary: '`DynamicUser=yes` in a unit of a user manager: systemd 257 refuses the unit; older versions (252 checked) load it and fail every start (status 217/USER).',
  },
  'dynamic-user-home-workdir': {
    severity: 'error',
    summary: '`WorkingDirectory=~` with `DynamicUser=yes`: a dynamic user has no home; systemd 257 and later refuse the unit (254 and older load it).',
  },
  'service-binds-socket-port': {
    severity: 'hint',
    summary: 'The service\'s command line (`--port 8080`, `-p 8080`, `:8080`) or `PORT=8080` in `Environment=` names a port its socket already holds: a program that binds it itself fails with "address already in use"; it should take fd 3.',
  },
  // Timers, paths, mounts, automounts, swaps and slices (src/core/{timer,path,mount,automount,swap,slice}.c)
  'timer-no-trigger': {
    severity: 'error',
    summary: 'A timer with no usable `OnCalendar=`/`On*Sec=` line (none given, all invalid, or cleared) and no `OnClockChange=`/`OnTimezoneChange=`; systemd refuses it.',
  },
  'path-no-trigger': {
    severity: 'error',
    summary: 'A path unit with no usable `PathExists=`, `PathExistsGlob=`, `PathChanged=`, `PathModified=` or `DirectoryNotEmpty=` line; systemd refuses it.',
  },
  'unit-name-path-mismatch': {
    severity: 'error',
    summary: 'A .mount/.automount unit whose `Where=` (a .swap: `What=`) does not escape to the unit\'s name (`systemd-escape --path`), or a name that is no escaped path; systemd refuses it.',
  },
  'mount-what-missing': {
    severity: 'error',
    summary: 'A mount unit without `What=`; systemd refuses it (the root mount `-.mount` excepted).',
  },
  'mount-api-path': {
    severity: 'error',
    summary: 'A mount unit for an API file system (`/proc`, `/sys`, `/dev`, `/run`, below `/sys/fs/cgroup`, `/run/host` …) or, from v257, below `/run/credentials`; systemd refuses it.',
  },
  'automount-root': {
    severity: 'error',
    summary: 'An automount unit for `/`; systemd refuses it.',
  },
  'automount-reserved-option': {
    severity: 'error',
    summary: '`ExtraOptions=` of an automount holding an option systemd sets itself (`fd`, `pgrp`, `minproto`, `maxproto`, `direct`, `indirect`); systemd refuses the unit.',
  },
  'invalid-slice-name': {
    severity: 'error',
    summary: 'A slice name that starts or ends with `-` or holds `--` (an empty level of the slice tree); systemd refuses it.',
  },
  'slice-of-slice': {
    severity: 'warning',
    summary: '`Slice=` in a slice unit: systemd ignores it, a slice\'s parent comes from its name.',
  },
  'unit-type-not-template': {
    severity: 'error',
    summary: 'A template or instance name (`foo@.mount`, `a@b.slice`) for a unit type that cannot have one (only service, socket, target, timer and path can); systemd cannot load it.',
  },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function defaultSeverity(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES[code].severity;
}
