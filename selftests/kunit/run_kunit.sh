#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Load every ftio KUnit suite built for this (debug) kernel and print the
# KTAP of their results, for the kernel tree's kunit.py parser on the host.
set -u
dir="/lib/modules/$(uname -r)/updates/ftio"
suites=()
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
	# Each suite's results end with its own "ok 1 NAME"; number it.
	sed "\$s/^\\(not \\)\\?ok [0-9]* /\\1ok $n /" "/sys/kernel/debug/kunit/$s/results"
done
