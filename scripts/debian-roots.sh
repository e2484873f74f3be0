#!/usr/bin/env bash
# Builds (once) and caches minimal Debian roots whose systemd-analyze is a reference validator beside the
# machine's own: trixie (systemd 257) and forky (systemd 262). Recipe: shared/notes/testing-recipes.md §5.
#
#   bash scripts/debian-roots.sh [SUITE...]     default: trixie forky
#   SOCKACT_ROOTS=DIR                           where roots live (default: ~/.cache/sockact/debian-roots)
#
# A root is complete when DIR/SUITE/.sockact-ready exists; an interrupted build is started over.
# Prints one line per root: SUITE VERSION PATH. Needs root (debootstrap, chroot).
set -euo pipefail
roots=${SOCKACT_ROOTS:-$HOME/.cache/sockact/debian-roots}
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(trixie forky)
mkdir -p "$roots"

archive_url() {
  # The archive apt already uses here (the Debian mirror in sources.list.d), so no other host is named.
  local url
  url=$(grep -hE '^[[:space:]]*(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n 1 | tr -d ' ' || true)
  echo "${url:-http://deb.debian.org/debian}"
}

if ! command -v debootstrap >/dev/null 2>&1; then
  echo "debian-roots: installing debootstrap" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >&2 || {
    apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >&2
  }
fi

for suite in "${suites[@]}"; do
  dir="$roots/$suite"
  if [ ! -e "$dir/.sockact-ready" ]; then
    echo "debian-roots: building $suite in $dir (a few minutes, once)" >&2
    rm -rf "$dir" "$dir.partial"
    script=()
    # Bookworm's debootstrap has no script for forky: sid's works for it.
    [ -e "/usr/share/debootstrap/scripts/$suite" ] || script=(/usr/share/debootstrap/scripts/sid)
    debootstrap --variant=minbase --include=systemd "$suite" "$dir.partial" "$(archive_url)" "${script[@]}" >"$roots/$suite.log" 2>&1 || {
      echo "debian-roots: debootstrap $suite failed; last lines of $roots/$suite.log:" >&2
      tail -n 5 "$roots/$suite.log" >&2
      exit 1
    }
    # Smaller and quieter: no apt lists, caches or docs are needed to run systemd-analyze.
    rm -rf "$dir.partial/var/cache/apt/archives/"*.deb "$dir.partial/usr/share/doc" "$dir.partial/usr/share/locale"
    mv "$dir.partial" "$dir"
    touch "$dir/.sockact-ready"
  fi
  version=$(chroot "$dir" systemd-analyze --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p')
  echo "$suite $version $dir"
done
