#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every ftio module built for this kernel loads, shows up, and unloads
# cleanly, three times over.
. "$(dirname "$0")/../lib/ftio.sh"

mods=$(find "/lib/modules/$(uname -r)/updates/ftio" -name 'ftio_*.ko*' \
	! -name '*kunit*' -printf '%f\n' | sed 's/\.ko.*//' | sort)
check "there are ftio modules for $(uname -r)" [ -n "$mods" ]
ftio_unload_all
# Only what happens from here on counts: earlier suites in the same
# guest may have provoked a warning on purpose.
taint_before=$(cat /proc/sys/kernel/tainted)
for round in 1 2 3; do
	for m in $mods; do
		ok "round $round: $m loads" modprobe "$m"
	done
	ok "round $round: ftioctl talks to the core" ftioctl version
	check "round $round: /sys/kernel/ftio is there" [ -f /sys/kernel/ftio/version ]
	ok "round $round: everything unloads" ftio_unload_all
	check "round $round: /sys/kernel/ftio is gone" [ ! -e /sys/kernel/ftio ]
done
tainted=$(cat /proc/sys/kernel/tainted)
new=$((tainted & ~taint_before))
# 4096 = out-of-tree, 8192 = unsigned module, 262144 = KUnit test ran;
# any other new bit is a warning, a bad page or worse.
check "loading added no taint but out-of-tree and unsigned modules (taint $taint_before -> $tainted)" \
	[ $((new & ~(4096 | 8192 | 262144))) = 0 ]
tap_done
