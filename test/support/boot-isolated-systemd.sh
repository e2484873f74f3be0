#!/bin/bash
# Boots a real systemd as PID 1 of its own pid/mount/uts/ipc/cgroup namespaces, over a copy-on-write view of
# the machine's root, for tests (started by isolatedSystemd.ts; see there for the API).
#
# Why each part is here:
# - systemd as PID 1 runs tmpfiles, journald, masks/unmasks, writes /etc: on the machine's real root that
#   emptied the real /tmp once. So its root is an overlay (lower = /, upper = tmpfs) and /run, /tmp, /dev
#   are fresh tmpfs: nothing it writes reaches the machine's disk.
# - The network namespace is deliberately shared: a ListenStream=127.0.0.1:PORT inside is reachable from
#   the test. That is also why every unit the machine itself enabled (sshd on :22, databases, ...) is
#   dropped from the boot below: they would bind the machine's ports.
# - Its own cgroup subtree: the caller makes a fresh cgroup, this script joins it before unsharing the
#   cgroup namespace, so that cgroup is "/" for the systemd inside and everything it starts stays below
#   that one directory, which the caller can kill (cgroup.kill) and remove when the test ends; two test
#   runs never share cgroups. (The caller moves this launcher back out once systemd runs.)
# - Capabilities that act on the whole machine (kernel modules, the clock, raw I/O, the kernel log) are
#   removed from the bounding set, and /proc/sys and /sys are read-only, so neither systemd's own boot
#   units nor a unit under test can change the host kernel's settings.
#
# Usage: boot-isolated-systemd.sh outer STATE_DIR CGROUP_DIR [HOSTNAME [UNIT_TO_MASK...]]
#   STATE_DIR: a fresh host directory; the overlay's upper tmpfs and merged root are mounted on
#              STATE_DIR/upper and STATE_DIR/merged (created here), visible only inside the new mount
#              namespace: on the host they stay two empty directories.
#   CGROUP_DIR: an empty cgroup v2 directory (e.g. /sys/fs/cgroup/unified/sockact-isolated-XYZ).
#   UNIT_TO_MASK: masked in addition to the list below (e.g. dbus.socket dbus.service to boot without D-Bus).
# The caller finds systemd as the only child of this process (unshare keeps this pid) and ends it with
# SIGKILL; unshare --kill-child also SIGKILLs it if this process dies first.
set -euo pipefail

# Capabilities systemd and everything it starts lose (setpriv --bounding-set syntax). isolatedSystemd.ts
# passes its own list (the same one it applies to exec()); this default is for running the script by hand.
DROP_CAPS=${SOCKACT_DROP_CAPS:--sys_module,-sys_time,-sys_rawio,-syslog,-wake_alarm,-block_suspend,-audit_read,-mac_admin,-mac_override,-sys_pacct}

die() { echo "boot-isolated-systemd: $*" >&2; exit 1; }

# Units not to start in the isolated boot, each masked (symlink to /dev/null) in the overlay's /etc.
MASK=(
  # They act on the machine, not on this root: kernel modules, binfmt handlers, sysctls, udev (which
  # would re-trigger the host's devices), the clock, the audit log, pstore, firmware/TPM measurements.
  systemd-modules-load.service kmod-static-nodes.service
  systemd-binfmt.service proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount
  systemd-sysctl.service
  systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service
  systemd-udevd-control.socket systemd-udevd-kernel.socket
  systemd-timesyncd.service systemd-time-wait-sync.service
  systemd-journald-audit.socket systemd-pstore.service
  systemd-pcrphase.service systemd-pcrphase-sysinit.service systemd-repart.service
  sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount sys-fs-fuse-connections.mount
  # Network configuration would reconfigure the host's (shared) network namespace; waiting for it is slow.
  systemd-networkd.service systemd-networkd.socket systemd-networkd-wait-online.service
  systemd-resolved.service networking.service NetworkManager.service NetworkManager-wait-online.service
  # No terminals here; consoles and password agents only add noise.
  getty.target getty-static.service console-getty.service serial-getty@.service getty@.service
  systemd-ask-password-wall.path systemd-ask-password-console.path
  systemd-firstboot.service
  # Periodic jobs (apt, man-db, fstrim of the host's disk, e2scrub, logrotate) are slow and pointless.
  timers.target
  apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer man-db.timer logrotate.timer
  fstrim.timer e2scrub_all.timer e2scrub_reap.service systemd-tmpfiles-clean.timer
  # modprobe@.service only fails anyway without CAP_SYS_MODULE.
  modprobe@.service
  # The distribution's own sshd would listen on the machine's port 22; tests start their own.
  ssh.service ssh.socket sshd.service
)

case "${1:-}" in
outer)
  [ $# -ge 3 ] || die "usage: $0 outer STATE_DIR CGROUP_DIR [HOSTNAME [UNIT_TO_MASK...]]"
  state=$2 cg=$3 name=${4:-sockact-isolated}
  shift $(($# < 4 ? $# : 4))
  [ -d "$state" ] || die "$state is not a directory"
  # Fresh mount points (mkdir fails if they exist): never mount over anything that holds files.
  mkdir -- "$state/upper" "$state/merged"
  [ -f "$cg/cgroup.procs" ] || die "$cg is not a cgroup directory"
  # The cgroup namespace's root is the cgroup this process is in when it unshares.
  echo $$ >"$cg/cgroup.procs"
  # --kill-child: if this process (unshare, after exec) dies, its child (systemd) gets SIGKILL, and with
  # it every process of the pid namespace. The caller additionally sets a parent-death signal on us.
  exec unshare --pid --mount --uts --ipc --cgroup --propagation private --kill-child=SIGKILL -- \
    /bin/bash "$0" inner "$state" "$name" "$@"
  ;;
inner)
  state=$2 name=$3
  shift 3
  MASK+=("$@")
  [ "$$" = 1 ] || die "inner stage must be PID 1 of a new pid namespace (got $$)"
  up=$state/upper m=$state/merged
  mount -t tmpfs -o mode=0755 sockact-upper "$up"
  mkdir "$up/u" "$up/w"
  mount -t overlay sockact-root -o "lowerdir=/,upperdir=$up/u,workdir=$up/w" "$m"
  # Everything below writes into $m: make sure it is the overlay and not the host's directory.
  [ "$(findmnt -n -o FSTYPE --mountpoint "$m")" = overlay ] || die "overlay not mounted on $m"

  mount -t proc -o nosuid,nodev,noexec proc "$m/proc"
  # Read-only kernel knobs: sysctls and sysrq are machine-wide (only net.* would be namespaced, and the
  # network namespace is the host's).
  mount --bind "$m/proc/sys" "$m/proc/sys"
  mount -o remount,bind,ro,nosuid,nodev,noexec "$m/proc/sys"
  [ ! -e "$m/proc/sysrq-trigger" ] || mount --bind /dev/null "$m/proc/sysrq-trigger"
  # Non-recursive bind of /sys, read-only; the host's cgroup mounts are not taken along.
  mount --bind /sys "$m/sys"
  mount -o remount,bind,ro,nosuid,nodev,noexec "$m/sys"
  # A cgroup2 mount made inside the cgroup namespace shows the caller's cgroup as its root, so systemd
  # sees a pure cgroup v2 ("unified") hierarchy of its own, whatever layout the host uses.
  mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$m/sys/fs/cgroup"

  # A minimal /dev of its own, like a container's: no disks or consoles of the machine.
  mount -t tmpfs -o mode=0755,nosuid,size=4m sockact-dev "$m/dev"
  for n in null zero full random urandom tty; do
    touch "$m/dev/$n"
    mount --bind "/dev/$n" "$m/dev/$n"
  done
  # systemd and services that log "to the console" get /dev/null instead of the machine's console.
  touch "$m/dev/console"
  mount --bind /dev/null "$m/dev/console"
  mkdir -p "$m/dev/pts" "$m/dev/shm"
  mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec devpts "$m/dev/pts"
  ln -s pts/ptmx "$m/dev/ptmx"
  mount -t tmpfs -o mode=1777,nosuid,nodev sockact-shm "$m/dev/shm"
  ln -s /proc/self/fd "$m/dev/fd"
  ln -s /proc/self/fd/0 "$m/dev/stdin"
  ln -s /proc/self/fd/1 "$m/dev/stdout"
  ln -s /proc/self/fd/2 "$m/dev/stderr"

  # THE safety point: fresh /run and /tmp, so systemd-tmpfiles and PrivateTmp= work on these only.
  mount -t tmpfs -o mode=0755,nosuid,nodev sockact-run "$m/run"
  mount -t tmpfs -o mode=1777,nosuid,nodev sockact-tmp "$m/tmp"
  # A checkout below /tmp or /run (SOCKACT_KEEP_DIR, from isolatedSystemd.ts) would be hidden by those
  # fresh mounts: bind the same folder back, read-only, so the tests can run its CLI inside and nothing
  # inside (systemd-tmpfiles --remove included) can change or delete a file of it.
  case "${SOCKACT_KEEP_DIR:-}" in
    /tmp/?* | /run/?*)
      mkdir -p -- "$m$SOCKACT_KEEP_DIR"
      mount --bind -- "$SOCKACT_KEEP_DIR" "$m$SOCKACT_KEEP_DIR"
      mount -o remount,bind,ro -- "$m$SOCKACT_KEEP_DIR"
      ;;
  esac
  # The same folder again at a path every user can reach (CHECKOUT_INSIDE in isolatedSystemd.ts): a checkout
  # below /root (mode 700) is out of reach of the test users that run its CLI. Read-only, like the above.
  if [ -n "${SOCKACT_KEEP_DIR:-}" ]; then
    mkdir -p -- "$m/run/sockact-checkout"
    mount --bind -- "$SOCKACT_KEEP_DIR" "$m/run/sockact-checkout"
    mount -o remount,bind,ro -- "$m/run/sockact-checkout"
  fi

  etc=$m/etc/systemd
  # Start from the distribution's defaults: drop what this machine enabled (its *.wants/*.requires
  # symlinks) for the system and for user managers. Only the overlay changes (whiteouts in the tmpfs).
  find "$etc/system" "$etc/user" -mindepth 1 -maxdepth 1 -type d \( -name '*.wants' -o -name '*.requires' \) \
    -exec rm -rf --one-file-system -- {} + 2>/dev/null || true
  mkdir -p "$etc/system"
  for u in "${MASK[@]}"; do
    case "$u" in */* | .* | '') die "not a unit name: $u" ;; esac
    rm -f -- "$etc/system/$u"
    ln -s /dev/null "$etc/system/$u"
  done
  # Its own identity: a fresh machine id (journal, D-Bus) and a hostname that tells where a command ran.
  tr -d '-' </proc/sys/kernel/random/uuid >"$m/etc/machine-id"
  echo "$name" >"$m/etc/hostname"

  # Make the overlay the root of this mount namespace and detach the machine's root from it entirely.
  mkdir -p "$m/run/sockact-oldroot"
  cd "$m"
  pivot_root . run/sockact-oldroot
  cd /
  umount -l /run/sockact-oldroot
  rmdir /run/sockact-oldroot

  # container=...: the documented way to tell systemd it runs in a container (no console setup, no
  # hardware units, logs to its stderr). Bounding set: see the top. CAP_AUDIT_CONTROL stays: sshd's
  # pam_loginuid needs it when the test itself runs with a login uid (e.g. CI reached over ssh).
  exec env -i container=sockact-isolated PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    setpriv --inh-caps=-all \
    --bounding-set="$DROP_CAPS" \
    -- /lib/systemd/systemd --system --unit=multi-user.target \
    --log-target=console --log-level=notice --log-color=no --show-status=no
  ;;
*)
  die "usage: $0 outer STATE_DIR CGROUP_DIR [HOSTNAME [UNIT_TO_MASK...]]"
  ;;
esac
