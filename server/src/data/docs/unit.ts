/**
 * Hand-written documentation for the [Unit] directives that socket activation touches (systemd.unit(5)),
 * in our own words. Defaults follow systemd 257 (src/core/unit.c, src/core/manager.c, man/systemd.unit.xml);
 * the wording is ours.
 */
import type { DirectiveDoc } from './types';

export const UNIT_DOCS: Record<string, DirectiveDoc> = {
  // ---- naming and documentation -----------------------------------------------------------------
  Description: {
    summary:
      'A short human-readable name shown by systemctl status, in boot messages and in the journal ("Started …"). ' +
      'Describe what the unit provides rather than repeating the unit name. ' +
      'For Accept=yes connection instances systemd appends the peer address in parentheses.',
    syntax: 'free text (specifiers are expanded)',
    default: 'unset: the unit name is shown instead',
    example: 'Description=Web application API\nDocumentation=https://example.com/webapp/docs',
  },
  Documentation: {
    summary:
      'Links to documentation for this unit, listed by systemctl status and help. ' +
      'Several URIs may go on one line or on repeated lines; an empty value clears the list collected so far.',
    syntax: 'space-separated URIs: http://, https://, file:, info: or man:PAGE(SECTION)',
    default: 'none',
    example: 'Documentation=man:systemd.socket(5)\nDocumentation=https://example.com/webapp/docs',
  },
  SourcePath: {
    summary:
      'Records the configuration file this unit was generated from, so tools can point at the real source. ' +
      'Mostly written by generators (e.g. for /etc/fstab entries); hand-written units rarely need it.',
    syntax: 'an absolute path',
    default: 'unset',
    example: 'Description=Site generated from /etc/webapp/sites.conf\nSourcePath=/etc/webapp/sites.conf',
  },

  // ---- requirement dependencies ----------------------------------------------------------------
  Requires: {
    summary:
      'Pulls in the listed units when this one starts; if one of them fails to start or is stopped later, this unit is stopped too. ' +
      'It does not order anything: add After= as well if this unit must wait for them. ' +
      'A service does not need Requires= on its own socket — the socket triggers it and Sockets= adds the links itself.',
    syntax: 'space-separated unit names, repeatable',
    default: 'none (beyond the implicit dependencies)',
    example: 'Requires=postgresql.service\nAfter=postgresql.service',
  },
  Wants: {
    summary:
      'The weak form of Requires=: the listed units are started along with this one, but their failure or absence does not affect it. ' +
      'This is the usual way to pull in optional helpers. Ordering still needs After=/Before=.',
    syntax: 'space-separated unit names, repeatable',
    default: 'none',
    example: 'Wants=network-online.target\nAfter=network-online.target',
  },
  Requisite: {
    summary:
      'Like Requires=, except the listed units are never started for you: if they are not already active, starting this unit fails at once. ' +
      'Combine with After= so the check happens after the other unit has finished starting.',
    syntax: 'space-separated unit names, repeatable',
    default: 'none',
    example: 'Requisite=data.mount\nAfter=data.mount',
  },
  BindsTo: {
    summary:
      'A stronger Requires=: this unit is stopped whenever a listed unit stops or disappears, even if nobody asked for that (e.g. a device is unplugged). ' +
      'Together with After= the unit also refuses to stay up while the other one is not active.',
    syntax: 'space-separated unit names, repeatable',
    default: 'none',
    example: 'BindsTo=sys-subsystem-net-devices-eth1.device\nAfter=sys-subsystem-net-devices-eth1.device',
  },
  PartOf: {
    summary:
      'One-way stop and restart propagation: when a listed unit is stopped or restarted, this unit follows; starting it does not start this one. ' +
      'Useful to group several units under one target or to tie a helper to its main service.',
    syntax: 'space-separated unit names, repeatable',
    default: 'none',
    example: 'PartOf=webapp.target\nAfter=webapp.target',
  },
  Upholds: {
    summary:
      'Like Wants=, but continuous: as long as this unit is active, systemd starts the listed units again whenever they are found inactive or failed (no delay, usual start limits apply). ' +
      'Keeping a socket-activated service upheld defeats on-demand starting, so use it for always-on helpers only.',
    syntax: 'space-separated unit names, repeatable (systemd 249+)',
    default: 'none',
    example: 'Upholds=webapp-worker.service\nAfter=webapp-worker.service',
  },
  Conflicts: {
    summary:
      'Negative dependency: starting this unit stops the listed ones and starting one of them stops this unit. ' +
      'Units with default dependencies already conflict with shutdown.target.',
    syntax: 'space-separated unit names, repeatable',
    default: 'none besides Conflicts=shutdown.target from DefaultDependencies=yes',
    example: 'Conflicts=legacy-webapp.service\nBefore=legacy-webapp.service',
  },

  // ---- ordering -----------------------------------------------------------------------------------
  Before: {
    summary:
      'Ordering only: if both units are being started, the listed units wait until this one has finished starting (on shutdown the order is reversed). ' +
      'It never starts anything by itself. A socket unit is ordered Before= the service it triggers automatically.',
    syntax: 'space-separated unit names, repeatable',
    default: 'none (beyond the implicit ordering)',
    example: 'Before=nginx.service\nWants=nginx.service',
  },
  After: {
    summary:
      'Ordering only: if both units are being started, this one waits until the listed units have finished starting, and it is stopped before them. ' +
      'Usually paired with Requires= or Wants=. With socket activation clients can connect before the daemon is ready, so ordering matters less.',
    syntax: 'space-separated unit names, repeatable',
    default: 'none (beyond the implicit ordering)',
    example: 'After=network-online.target\nWants=network-online.target',
  },

  // ---- reactions ------------------------------------------------------------------------------------
  OnFailure: {
    summary:
      'Units to start when this one enters the failed state, e.g. a notification or cleanup service. ' +
      'A service with Restart= only ends up failed once it stops being restarted, so the handler runs after the retries are used up.',
    syntax: 'space-separated unit names, repeatable',
    default: 'none',
    example: 'OnFailure=notify-admin@webapp.service\nOnFailureJobMode=replace',
  },
  OnSuccess: {
    summary:
      'Units to start when this one becomes inactive after running successfully — handy to chain a follow-up job after a oneshot service.',
    syntax: 'space-separated unit names, repeatable (systemd 249+)',
    default: 'none',
    example: 'OnSuccess=webapp-report.service\nOnSuccessJobMode=fail',
  },

  // ---- behaviour switches ---------------------------------------------------------------------------
  DefaultDependencies: {
    summary:
      'Whether systemd adds the standard boot and shutdown dependencies for this unit type. For services that means Requires=/After=sysinit.target, After=basic.target and Conflicts=/Before=shutdown.target; sockets get the same sysinit/shutdown links plus Before=sockets.target. ' +
      'Turn it off only for units that must run in early boot, e.g. a service whose socket may be hit before basic.target is reached.',
    syntax: 'boolean',
    default: 'yes',
    example: 'DefaultDependencies=no\nBefore=sysinit.target',
  },
  StopWhenUnneeded: {
    summary:
      'Stops this unit automatically once no active unit requires or wants it any more. ' +
      'Being triggered by a socket does not count as being needed, so a socket-activated service with this set and no other unit depending on it is stopped as soon as it is up.',
    syntax: 'boolean',
    default: 'no',
    example: 'StopWhenUnneeded=yes\nRefuseManualStart=yes',
  },
  RefuseManualStart: {
    summary:
      'Makes systemctl start refuse this unit, so it can only be started as a dependency or by activation (a socket, timer or path unit). ' +
      'Useful for services that must not run without their socket.',
    syntax: 'boolean',
    default: 'no',
    example: 'RefuseManualStart=yes\nRefuseManualStop=no',
  },
  RefuseManualStop: {
    summary:
      'Makes systemctl stop refuse this unit; it still stops when a dependency requires it (e.g. at shutdown).',
    syntax: 'boolean',
    default: 'no',
    example: 'RefuseManualStop=yes\nRefuseManualStart=no',
  },
  AllowIsolate: {
    summary:
      'Allows systemctl isolate to switch to this unit, stopping everything it does not pull in. Meant for targets such as multi-user.target.',
    syntax: 'boolean',
    default: 'no',
    example: 'AllowIsolate=yes\nDescription=Maintenance mode',
  },
  CollectMode: {
    summary:
      'When systemd may forget (garbage-collect) this unit. With inactive-or-failed a failed unit is dropped as well, together with its failure state — useful for many short-lived Accept=yes connection instances.',
    syntax: 'inactive or inactive-or-failed',
    default: 'inactive (failed units stay loaded until reset-failed)',
    example: 'CollectMode=inactive-or-failed\nDescription=Per-connection handler',
  },

  // ---- timeouts, rate limits and actions ------------------------------------------------------------
  JobTimeoutSec: {
    summary:
      'Limits how long a queued start or stop job for this unit may wait and run before it is cancelled (the unit itself keeps its own timeouts). ' +
      'JobTimeoutAction= can trigger a reboot or similar when it fires.',
    syntax: 'a time span (e.g. 30s, 5min) or infinity',
    default: 'infinity (no job timeout)',
    example: 'JobTimeoutSec=10min\nJobTimeoutAction=none',
  },
  StartLimitIntervalSec: {
    summary:
      'The window for start rate limiting: if the unit is started more than StartLimitBurst= times within it, further starts are refused. ' +
      'When a socket-activated service hits its limit, the triggering socket (Accept=no) fails too and stops listening. 0 turns rate limiting off.',
    syntax: 'a time span; 0 disables the limit',
    default: "the manager's DefaultStartLimitIntervalSec= (10s)",
    example: 'StartLimitIntervalSec=60s\nStartLimitBurst=3',
  },
  StartLimitBurst: {
    summary:
      'How many starts are allowed within StartLimitIntervalSec= before systemd refuses more and marks the unit failed (start-limit-hit). ' +
      'Automatic restarts and socket-triggered starts count too; systemctl reset-failed clears the counter.',
    syntax: 'an unsigned integer',
    default: "the manager's DefaultStartLimitBurst= (5)",
    example: 'StartLimitBurst=10\nStartLimitIntervalSec=30s',
  },
  StartLimitAction: {
    summary:
      'What the system does when the start rate limit is hit — normally nothing, but critical units can ask for a reboot or poweroff.',
    syntax: 'none, reboot, reboot-force, reboot-immediate, poweroff…, halt…, kexec…, soft-reboot…, exit or exit-force',
    default: 'none',
    example: 'StartLimitAction=reboot\nStartLimitBurst=3',
  },
  FailureAction: {
    summary:
      'A system-wide action taken when this unit fails: reboot, poweroff, exit the (user) manager, and so on. Meant for units the machine cannot live without.',
    syntax: 'same values as StartLimitAction=: none, reboot…, poweroff…, halt…, kexec…, soft-reboot…, exit, exit-force',
    default: 'none',
    example: 'FailureAction=reboot\nFailureActionExitStatus=3',
  },
  SuccessAction: {
    summary:
      'A system-wide action taken when this unit stops cleanly, e.g. power off after a one-time job or exit a container. ' +
      'A service with a SuccessAction= may go without ExecStart=.',
    syntax: 'same values as FailureAction=',
    default: 'none',
    example: 'SuccessAction=poweroff\nDescription=Run the test suite, then power off',
  },

  // ---- conditions and asserts ------------------------------------------------------------------------
  ConditionPathExists: {
    summary:
      'Starts the unit only if the path exists ("!" inverts, "|" makes it one of several alternatives). A failed condition skips the unit quietly instead of failing it. ' +
      'Put the same condition on the .socket unit too; otherwise the socket keeps listening and every new connection tries to start the skipped service again.',
    syntax: 'an absolute path, optionally prefixed with "!" and/or "|"; empty resets all conditions',
    default: 'unset (no check)',
    example: 'ConditionPathExists=/etc/webapp/config.toml\nConditionPathExists=!/etc/webapp/disabled',
  },
  ConditionPathIsDirectory: {
    summary:
      'Starts the unit only if the path exists and is a directory; otherwise the unit is skipped without an error.',
    syntax: 'an absolute path, optionally prefixed with "!" and/or "|"',
    default: 'unset (no check)',
    example: 'ConditionPathIsDirectory=/srv/webapp\nConditionPathIsDirectory=!/srv/webapp/maintenance',
  },
  ConditionFileNotEmpty: {
    summary:
      'Starts the unit only if the path is a regular file larger than zero bytes — e.g. a config or key file that must have been written first.',
    syntax: 'an absolute path, optionally prefixed with "!" and/or "|"',
    default: 'unset (no check)',
    example: 'ConditionFileNotEmpty=/etc/webapp/tls.key\nConditionFileNotEmpty=/etc/webapp/tls.crt',
  },
  ConditionHost: {
    summary:
      'Starts the unit only on matching machines: the value is compared with the hostname (shell-style wildcards allowed) or with the machine ID.',
    syntax: 'a hostname pattern or a 128-bit machine ID, optionally prefixed with "!" and/or "|"',
    default: 'unset (no check)',
    example: 'ConditionHost=|web-*\nConditionHost=|api-*',
  },
  ConditionVirtualization: {
    summary:
      'Starts the unit only if the system is (or is not) running virtualized: a boolean, vm or container, or a specific technology such as kvm, qemu, docker or systemd-nspawn.',
    syntax: 'boolean, vm, container or a virtualization name, optionally prefixed with "!"',
    default: 'unset (no check)',
    example: 'ConditionVirtualization=!container\nConditionPathExists=/dev/kvm',
  },
  ConditionUser: {
    summary:
      'Starts the unit only if the service manager runs as the given user; mainly for units shared between the system and user managers. "@system" matches system users.',
    syntax: 'a user name, a numeric UID or @system, optionally prefixed with "!"',
    default: 'unset (no check)',
    example: 'ConditionUser=!root\nConditionUser=!@system',
  },
  AssertPathExists: {
    summary:
      'Like ConditionPathExists=, but a false result makes the start job fail with an error instead of skipping the unit quietly. Use it when a missing path is a real problem.',
    syntax: 'an absolute path, optionally prefixed with "!" and/or "|"',
    default: 'unset (no check)',
    example: 'AssertPathExists=/etc/webapp/config.toml\nAssertPathExists=/var/lib/webapp',
  },

  // ---- mounts -------------------------------------------------------------------------------------------
  RequiresMountsFor: {
    summary:
      'Adds Requires= and After= on the mount units needed to reach each path, so data on separate file systems is mounted before the unit starts.',
    syntax: 'space-separated absolute paths, repeatable',
    default: 'none (PrivateTmp= and similar options add some implicitly)',
    example: 'RequiresMountsFor=/srv/webapp\nRequiresMountsFor=/var/lib/webapp /var/log/webapp',
  },
  WantsMountsFor: {
    summary:
      'Like RequiresMountsFor= but with Wants=: the mounts are pulled in and ordered before the unit, yet a failed mount does not stop it.',
    syntax: 'space-separated absolute paths, repeatable (systemd 256+)',
    default: 'none',
    example: 'WantsMountsFor=/srv/cache\nWantsMountsFor=/mnt/backup',
  },
};
