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

# Unload while a monitor listens and dumps of the ring run: the core stops
# delivering before its netlink family goes, and frees the ring only after
# the family's handlers in flight are done. A dump holds a reference on
# the core, so the unload is retried until no dump is in its way.
ok "the core loads for the unload under load" modprobe ftio_core
ftioctl events --follow >/dev/null 2>&1 &
mon=$!
(
	end=$((SECONDS + 60))
	while [ -e /sys/kernel/ftio ] && [ $SECONDS -lt $end ]; do
		ftioctl events >/dev/null 2>&1
	done
) &
dumps=$!
for m in $mods; do
	[ "$m" = ftio_core ] || { modprobe "$m" && rmmod "$m"; }
done
check "everything unloads while a monitor listens and dumps run" \
	wait_for 60 ftio_unload_all
check "the dumps stop once the core is gone" wait_for 60 bash -c "! kill -0 $dumps"
wait "$dumps"
kill "$mon" 2>/dev/null
wait "$mon"
tainted=$(cat /proc/sys/kernel/tainted)
new=$((tainted & ~taint_before))
# 4096 = out-of-tree, 8192 = unsigned module, 262144 = KUnit test ran;
# any other new bit is a warning, a bad page or worse.
check "loading added no taint but out-of-tree and unsigned modules (taint $taint_before -> $tainted)" \
	[ $((new & ~(4096 | 8192 | 262144))) = 0 ]
tap_done
