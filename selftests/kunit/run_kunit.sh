#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Load every ftio KUnit suite built for this (debug) kernel and print the
# KTAP of their results, for the kernel tree's kunit.py parser on the host.
set -u
dir="/lib/modules/$(uname -r)/updates/ftio"
suites=()
# mpio's set-up undo case adds a path on a real disk.
modprobe null_blk nr_devices=1 gb=1 ||
	echo "run_kunit: no null_blk, the mpio case that needs it fails" >&2
for ko in "$dir"/*_kunit.ko*; do
	[ -e "$ko" ] || { echo "run_kunit: no KUnit modules in $dir" >&2; exit 1; }
	m=$(basename "$ko")
	m=${m%%.ko*}
	before=$(ls /sys/kernel/debug/kunit 2>/dev/null)
	modprobe "$m" || { echo "run_kunit: modprobe $m failed" >&2; exit 1; }
	for s in $(ls /sys/kernel/debug/kunit); do
		grep -qx "$s" <<<"$before" || suites+=("$s")
	done
done
echo "KTAP version 1"
echo "1..${#suites[@]}"
n=0
for s in "${suites[@]}"; do
	n=$((n + 1))
	# Each suite's results are a KTAP document of one test: drop its
	# header and give its closing "ok 1 NAME" the suite's number.
	awk -v n="$n" '
		NR <= 2 && (/^KTAP version/ || /^1\.\.1$/) { next }
		/^(not )?ok 1 / && !/^ / { sub(/ok 1 /, "ok " n " ") }
		{ print }' "/sys/kernel/debug/kunit/$s/results"
done
