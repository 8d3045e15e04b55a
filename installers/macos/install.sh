#!/bin/sh
# Porthole for macOS: installs porthole-host (and the cloudflared bundled with it) for this user in
#   ~/Library/Application Support/Porthole/bin
# and registers it with your browsers. No administrator rights needed.
#
#   sh install.sh                        register with every browser you have run
#   sh install.sh --browser chrome,firefox
#
# Its arguments go to `porthole-host install` (browsers: chrome, chromium, edge, brave, vivaldi,
# opera, firefox). Run it again to update; run uninstall.sh to remove everything.
set -eu

say() { printf '%s\n' "$*"; }
fail() {
	printf 'Porthole: %s\n' "$*" >&2
	exit 1
}

case "${1:-}" in
-h | --help)
	sed -n '2,10s/^# \{0,1\}//p' "$0"
	exit 0
	;;
esac

[ -n "${HOME:-}" ] || fail 'HOME is not set: cannot tell where to install.'
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
app_dir="$HOME/Library/Application Support/Porthole"
bin_dir="$app_dir/bin"

[ -f "$here/porthole-host" ] || fail "porthole-host is not beside install.sh (in $here): run install.sh from the unpacked archive."

mkdir -p "$bin_dir"

# Copy under a temporary name, then rename over the old file: a browser still running the old
# host keeps its copy, and no one ever sees half a file.
place() {
	cp "$here/$1" "$bin_dir/.$1.new"
	chmod 755 "$bin_dir/.$1.new"
	mv -f "$bin_dir/.$1.new" "$bin_dir/$1"
}

place porthole-host
if [ -f "$here/cloudflared" ]; then
	place cloudflared
else
	# One from an earlier archive would be stale: the host then uses cloudflared from PATH.
	rm -f "$bin_dir/cloudflared"
fi
cp "$here/uninstall.sh" "$app_dir/uninstall.sh"
chmod 755 "$app_dir/uninstall.sh"

# A downloaded archive marks its files with com.apple.quarantine, and Gatekeeper would refuse to
# start them from a browser. Files that do not carry it make xattr complain: that is fine.
if command -v xattr >/dev/null 2>&1; then
	xattr -dr com.apple.quarantine "$bin_dir" 2>/dev/null || true
fi

if ! version=$("$bin_dir/porthole-host" --version 2>&1); then
	fail "porthole-host was copied to $bin_dir but does not start on this computer:
  $version
This archive is for macOS ($(basename -- "$here")); check that it matches this Mac (uname -m says $(uname -m))."
fi
say "✓ porthole-host $version installed in $bin_dir"
if [ -f "$bin_dir/cloudflared" ]; then
	say "✓ cloudflared installed beside it"
fi

if "$bin_dir/porthole-host" install "$@"; then
	say ''
	say "To remove Porthole: sh \"$app_dir/uninstall.sh\""
else
	status=$?
	say '' >&2
	say "Porthole is installed in $bin_dir but no browser was registered." >&2
	say "Start your browser once, then run this again, or name the browser:" >&2
	say "  \"$bin_dir/porthole-host\" install --browser chrome" >&2
	exit "$status"
fi
