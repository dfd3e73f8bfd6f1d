#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The runner's own test, on the host: deliberate faults, each in a suite
# of a guest run through make check's runner (selftests/run.py --plan
# faults.plan), must each fail the run with a clear reason, while a clean
# suite beside them passes; and the VM runner's command line carries a
# command's status out and kills a guest at its hard timeout.
#
# Needs the test modules staged for Debian's 6.12 (FTIO_MODDIR) and for
# the debug kernel (FTIO_DEBUG_MODDIR), as make check stages them. Costs
# two guests side by side (about 2 min) and two short ones.
. "$(dirname "$0")/../lib/ftio.sh"
cd "$FTIO_ROOT" || exit 1
tmp=$(mktemp -d)
: "${FTIO_MODDIR:?modules for Debian\'s 6.12 guest}"

python3 selftests/run.py --plan selftests/runner/faults.plan >"$tmp/sum" 2>&1
rc=$?
note "the runner said:"
while IFS= read -r l; do note "  $l"; done <"$tmp/sum"
check "the run with faults fails" [ "$rc" != 0 ]
has() { grep -qE -- "$1" "$tmp/sum"; }
# row_has SUITE TEXT: the suite's row of the table holds TEXT.
row_has() { grep -E "^$1 " "$tmp/sum" | grep -qF -- "$2"; }

check "a lost last result line fails its suite" \
	has 'fault/lost-line \[distro\]: .*planned 3 tests, reported 2'
check "a suite that overruns its timeout fails, killed by it" \
	has 'fault/overrun \[distro\]: .*exited with status 124 \(its timeout\)'
check "an expect block never closed fails its suite" \
	has 'fault/open-expect \[distro\]: kernel report \(expect\): an expect block'
check "the WARN after it is still caught" \
	has 'fault/warn \[distro\]: kernel report \(report\): .*WARNING'
check "a task hung in the kernel fails the suite it ran in" \
	has 'fault/hang \[distro\]: kernel report \(hung\): .*blocked for more than'
check "a clean suite beside them passes" row_has fault/clean " 1/1 "

if [ -n "${FTIO_DEBUG_MODDIR:-}" ]; then
	check "a KASAN report on the first boot fails the run though the retry was clean" \
		has 'kernel-log \[debug\]: kernel report \(report\) on the first boot .*KASAN'
	check "a leak is blamed on the suite that made it, found after the next" \
		has 'fault/leak \[debug\]: kernel report \(leak\): unreferenced object .*found after fault/after-leak'
	check "the suite after the leak passes" row_has fault/after-leak " 1/1 "
	check "the retried guest ran its suites" row_has fault/leak " 2/3 FAIL"
else
	note "no debug-kernel modules (FTIO_DEBUG_MODDIR): its faults not tested"
fi
check "the closing line counts the not-run suites too" has '^[0-9]+ passed, [0-9]+ failed, 0 not run'

vm="python3 selftests/vm/vm.py --kernel distro -q --name vmcli"
$vm --timeout 120 -- bash -c 'exit 7' >"$tmp/st.out" 2>&1
check "vm.py: the command's exit status comes out" [ $? = 7 ]
$vm --timeout 25 -- sleep 600 >"$tmp/to.out" 2>&1
check "vm.py: a guest still running at the hard timeout is killed (exit 92)" [ $? = 92 ]
check "vm.py: and the timeout is reported" grep -q 'timed out after 25 s' "$tmp/to.out"

rm -rf "$tmp"
tap_done
