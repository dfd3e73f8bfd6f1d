#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs as PID 1 inside the test guest, in the overlay of the host's root
# (guest-init mounted its file systems). Installs the ftio modules built
# for this kernel, runs the command the runner wrote to RUNDIR/cmd with
# its output in RUNDIR/output.log and its exit status in RUNDIR/status,
# lets kmemleak report on the console, and powers off.
rundir=$1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8
cd /

kmsg() { echo "ftio-guest: $*" >/dev/kmsg; }

# shellcheck source=/dev/null
. "$rundir/env"
# Builtins where a process would do: each fork and exec costs a quarter
# of a second on the debug kernel under emulation.
read -r rel </proc/sys/kernel/osrelease

# A kernel of our own (the debug kernel) brings its modules from the cache.
if [ -n "${FTIO_KMODROOT:-}" ] && [ -d "$FTIO_KMODROOT/lib/modules/$rel" ]; then
	mkdir -p "/lib/modules/$rel"
	mount --bind "$FTIO_KMODROOT/lib/modules/$rel" "/lib/modules/$rel"
fi
# The ftio modules built for this kernel, where modprobe finds them.
if [ -n "${FTIO_MODDIR:-}" ]; then
	mkdir -p "/lib/modules/$rel/updates/ftio"
	find "$FTIO_MODDIR" \( -name '*.ko' -o -name '*.ko.xz' \) -print0 |
		xargs -0 -r cp -t "/lib/modules/$rel/updates/ftio/"
	# The index made on the build machine (vm.py), or make it here: slow.
	if [ -n "${FTIO_DEPMOD:-}" ] && [ -f "$FTIO_DEPMOD/modules.dep.bin" ]; then
		cp "$FTIO_DEPMOD"/modules.* "/lib/modules/$rel/"
	else
		depmod -a "$rel"
	fi
fi

# The control port to the host (QMP requests), if the runner gave one.
for p in /sys/class/virtio-ports/*; do
	[ -e "$p/name" ] || continue
	read -r pname <"$p/name"
	if [ "$pname" = ftio.ctl ]; then
		export FTIO_CTL_PORT="/dev/${p##*/}"
	fi
done

leaks=/sys/kernel/debug/kmemleak
[ -w $leaks ] && echo clear >$leaks

# A task stuck in the kernel for 45 s (FTIO_HUNG_TASK_SECS) is reported,
# and fails the run, within 10 s more, every time; test suites' timeouts
# are longer.
hung=${FTIO_HUNG_TASK_SECS:-45}
echo "$hung" >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
echo $((hung < 10 ? hung : 10)) >/proc/sys/kernel/hung_task_check_interval_secs 2>/dev/null
echo -1 >/proc/sys/kernel/hung_task_warnings 2>/dev/null

# The runner's own test (selftests/runner/faults.sh): a KASAN report
# while the guest boots, on its first boot only.
if [ "${FTIO_FAULT_BOOT_KASAN:-0}" = 1 ] && [ ! -e "$rundir/boot-fault-done" ]; then
	touch "$rundir/boot-fault-done"
	modprobe ftio_testmod && echo 1 >/sys/kernel/debug/ftio_testmod/oob
	# The runner boots the guest again: nothing of this boot counts.
	exec /bin/busybox poweroff -f
fi

kmsg "running $rundir/cmd on $rel"
bash "$rundir/cmd" >"$rundir/output.log" 2>&1 </dev/null
status=$?
kmsg "command exited with status $status"

if [ -w $leaks ]; then
	# kmemleak reports objects older than 5 s only: scan after that.
	sleep 6
	# Twice: kmemleak reports an object at the second scan that finds
	# it unreferenced (the first only records its checksum).
	echo "ftio-guest: kmemleak at the end" >/dev/kmsg
	echo scan >$leaks
	echo scan >$leaks
	cat $leaks >/dev/console
fi
echo "$status" >"$rundir/status"
sync
# Power off at once (reboot(2) from PID 1): nothing may run after this
# point, since the 9p root goes away with the machine.
exec /bin/busybox poweroff -f
