#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest: the suites that selftests/run.py listed in
# $FTIO_RUNDIR/tests (one "NAME<TAB>TIMEOUT<TAB>COMMAND" a line), each
# from a clean slate (no ftio module loaded) and under its own timeout,
# with its output in $FTIO_RUNDIR/results/NAME.out, its status in
# NAME.rc and its duration in NAME.time.
#
# Each suite is marked on the kernel log with the jiffies at its begin
# and end, so that the runner blames a kernel report on the suite that
# was running, and a kmemleak report on the suite that made the
# allocation. kmemleak, where the kernel has it, is scanned once after
# each suite: it reports an object at the second scan that finds it
# unreferenced (the first records its checksum) and at least 5 s old, so
# a leak is mostly found after the suite that follows its own, and the
# jiffies tell whose it is. guest-main.sh scans twice at the end.
#
# FTIO_DEADLINE (seconds of guest uptime, from the runner's global
# deadline) cuts the run short: a suite is not started when less than
# FTIO_MIN_SUITE seconds remain (NAME.rc says "notrun"), and none runs
# beyond the deadline.
set -u
. "$(dirname "$0")/../lib/ftio.sh" >/dev/null
results=$FTIO_RUNDIR/results
mkdir -p "$results"
deadline=${FTIO_DEADLINE:-0}
min_suite=${FTIO_MIN_SUITE:-30}
leaks=/sys/kernel/debug/kmemleak

# Builtins where a process would do (a fork and exec costs a quarter of a
# second on the debug kernel under emulation).
# /proc/timer_list in one pass: read's lseek back after each line makes
# its seq_file generate the text again, and a timer that changed in
# between once cost the "jiffies:" line (an end marker without jiffies).
jiffies() {
	local line tl
	mapfile -t tl </proc/timer_list
	for line in "${tl[@]}"; do
		[[ $line == jiffies:* ]] && { echo "${line#jiffies: }"; return; }
	done
}
uptime_s() {
	local up
	read -r up _ </proc/uptime
	echo "${up%.*}"
}

# Scan for leaks and put what kmemleak found on the console, under a
# line naming the suite that just ended; then forget them, so each
# report comes once.
leak_scan() {
	[ -w $leaks ] || return 0
	# The marker first: kmemleak's own "N new suspected" line comes
	# from the scan.
	echo "ftio-guest: kmemleak after $1" >/dev/kmsg
	echo scan >$leaks
	local found
	found=$(cat $leaks)
	[ -z "$found" ] || printf '%s\n' "$found" >/dev/console
	echo clear >$leaks
}

[ -w $leaks ] && echo clear >$leaks
while IFS=$'\t' read -r name budget cmd; do
	[ -n "$name" ] || continue
	file=${name//\//.}
	timeout=$budget
	if [ "$deadline" -gt 0 ]; then
		left=$((deadline - $(uptime_s)))
		if [ "$left" -lt "$min_suite" ]; then
			echo notrun >"$results/$file.rc"
			echo "== $name: not run, $left s left before the deadline"
			continue
		fi
		[ "$left" -lt "$timeout" ] && timeout=$left
	fi
	ftio_unload_all >/dev/null 2>&1
	echo "ftio-guest: begin test $name timeout $timeout jiffies $(jiffies)" >/dev/kmsg
	echo "== $name (timeout $timeout s)"
	start=$EPOCHREALTIME
	timeout -k 10 "$timeout" bash -c "$cmd" >"$results/$file.out" 2>&1 </dev/null
	rc=$?
	end=$EPOCHREALTIME
	ftio_unload_all >/dev/null 2>&1
	echo "ftio-guest: end test $name status $rc jiffies $(jiffies)" >/dev/kmsg
	[ "$timeout" -lt "$budget" ] && [ "$rc" = 124 ] && rc=deadline
	echo "$rc" >"$results/$file.rc"
	# Tenths of a second, from the microseconds of $EPOCHREALTIME.
	tenths=$(((${end/./} - ${start/./}) / 100000))
	echo "$((tenths / 10)).$((tenths % 10))" >"$results/$file.time"
	echo "   status $rc after $((tenths / 10)).$((tenths % 10)) s"
	leak_scan "$name"
done <"$FTIO_RUNDIR/tests"
exit 0
