#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest: the tests that selftests/run.py listed in
# $FTIO_RUNDIR/tests (one "NAME<TAB>COMMAND" a line), each from a clean
# slate (no ftio module loaded), with its output in
# $FTIO_RUNDIR/results/NAME.out and its status in NAME.rc. Marks each
# test on the kernel log so that a kernel report can be traced to it.
set -u
. "$(dirname "$0")/../lib/ftio.sh" >/dev/null
results=$FTIO_RUNDIR/results
mkdir -p "$results"
timeout=${FTIO_TEST_TIMEOUT:-900}

while IFS=$'\t' read -r name cmd; do
	[ -n "$name" ] || continue
	file=${name//\//.}
	ftio_unload_all >/dev/null 2>&1
	echo "ftio-guest: begin test $name" >/dev/kmsg
	echo "== $name"
	start=$SECONDS
	timeout -k 10 "$timeout" bash -c "$cmd" >"$results/$file.out" 2>&1
	rc=$?
	echo "$rc" >"$results/$file.rc"
	echo "ftio-guest: end test $name (status $rc)" >/dev/kmsg
	echo "   status $rc after $((SECONDS - start)) s"
done <"$FTIO_RUNDIR/tests"
ftio_unload_all >/dev/null 2>&1
exit 0
