#!/bin/sh
# Removes Porthole for this user: unregisters porthole-host from every browser it was registered
# with (`porthole-host uninstall` removes exactly what `install` wrote), then deletes
#   ~/Library/Application Support/Porthole
# (the executables, the host's log and its state). The browser extension stays: remove it from the
# browser if you like.
#
#   sh uninstall.sh            (install.sh put a copy in ~/Library/Application Support/Porthole)
#   sh uninstall.sh --force    delete the files even if porthole-host cannot unregister itself
set -eu

say() { printf '%s\n' "$*"; }
fail() {
	printf 'Porthole: %s\n' "$*" >&2
	exit 1
}

force=no
for arg in "$@"; do
	case "$arg" in
	--force) force=yes ;;
	-h | --help)
		sed -n '2,10s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*) fail "unknown argument \"$arg\" (try --help)" ;;
	esac
done

[ -n "${HOME:-}" ] || fail 'HOME is not set: cannot tell where Porthole is installed.'
app_dir="$HOME/Library/Application Support/Porthole"
host="$app_dir/bin/porthole-host"

if [ -x "$host" ]; then
	if ! "$host" uninstall; then
		[ "$force" = yes ] || fail "porthole-host could not unregister itself; nothing was deleted. Run again with --force to delete the files anyway (then remove dev.porthole.host.json from your browsers' NativeMessagingHosts folders by hand)."
		say "! porthole-host could not unregister itself; deleting the files anyway (--force)" >&2
	fi
else
	say "porthole-host is not installed in $app_dir/bin: nothing to unregister."
fi

if [ -d "$app_dir" ]; then
	rm -rf -- "$app_dir"
	say "✓ removed $app_dir"
fi
say 'Porthole is uninstalled. Restart your browser if it was running.'
