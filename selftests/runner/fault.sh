#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One deliberate fault, as a test suite of a guest: selftests/runner/
# faults.sh runs these through make check's own runner and checks that
# each fails the run with its reason. Usage: fault.sh MODE
. "$(dirname "$0")/../lib/ftio.sh" >/dev/null
tm=/sys/kernel/debug/ftio_testmod
case "$1" in
lost-line)
	# Plans three results and prints two: the last line is lost.
	echo "TAP version 13"
	echo "1..3"
	echo "ok 1 one"
	echo "ok 2 two"
	exit 0 ;;
overrun)
	echo "TAP version 13"
	ok "starts" true
	sleep 600
	tap_done ;;
open-expect)
	echo "TAP version 13"
	ftio_expect_begin "a block this suite never closes"
	ok "opens an expect block and leaves it open" true
	tap_done ;;
warn)
	echo "TAP version 13"
	ok "ftio_testmod loads" modprobe ftio_testmod
	ok "a WARN, outside any expect block" sh -c "echo 1 >$tm/warn"
	tap_done ;;
hang)
	echo "TAP version 13"
	ok "ftio_testmod loads" modprobe ftio_testmod
	ok "a write that sleeps $2 s in D state returns" sh -c "echo $2 >$tm/hang"
	tap_done ;;
leak)
	echo "TAP version 13"
	ok "ftio_testmod loads" modprobe ftio_testmod
	ok "64 bytes allocated and forgotten" sh -c "echo 64 >$tm/leak"
	tap_done ;;
clean)
	echo "TAP version 13"
	# Long enough for the leak of the suite before to be old enough
	# (5 s) for kmemleak's scan after this one.
	ok "nothing wrong here" sleep "${2:-0}"
	tap_done ;;
*)
	echo "fault.sh: unknown mode '$1'" >&2
	exit 2 ;;
esac
