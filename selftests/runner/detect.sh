#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side test of the VM runner itself: a WARN provoked in the guest
# fails the run whatever the command says; a report inside an expect
# block does not; the command's status and the hard timeout come out.
. "$(dirname "$0")/../lib/ftio.sh"

vm="python3 $FTIO_ROOT/selftests/vm/vm.py --kernel ${FTIO_KERNEL:-distro} -q --name detect"
moddir=${FTIO_MODDIR:?FTIO_MODDIR: modules for the guest kernel}
warn='modprobe ftio_testmod && echo 1 >/sys/kernel/debug/ftio_testmod/warn'
tmp=$(mktemp -d)

$vm --moddir "$moddir" --timeout 120 -- bash -c "$warn; echo the command says all is well" >"$tmp/warn.out" 2>&1
check "a provoked WARN fails the run (exit 90)" [ $? = 90 ]
check "the runner names the report" grep -q 'kernel report on the console' "$tmp/warn.out"
check "and shows the WARNING line" grep -q 'WARNING: CPU: .*ftio_testmod' "$tmp/warn.out"
fails "a report made by the command is not taken for a boot fault" 1 \
	grep -q 'booting again' "$tmp/warn.out"

# A report while booting, before the command ran, boots the guest once
# more (an emulator or kernel fault, nothing of ftio's); later ones not.
boot_report() {
	python3 -c "import sys; sys.path.insert(0, '$FTIO_ROOT/selftests/vm'); import vm
lines = ['[ 1.0] Linux version', '[ 3.0] Oops: int3', '[ 9.0] ftio-guest: running x', '[ 9.5] WARNING: x']
sys.exit(0 if vm.boot_report(lines, $1) else 1)"
}
check "a report before the command started is a boot fault" boot_report 2
fails "a report after it is not" 1 boot_report 4

$vm --moddir "$moddir" --timeout 120 -- bash -c \
	". selftests/lib/ftio.sh >/dev/null; ftio_expect_begin warn; $warn; ftio_expect_end" >"$tmp/exp.out" 2>&1
check "a WARN inside an expect block does not fail the run" [ $? = 0 ]

$vm --timeout 120 -- bash -c 'exit 7' >"$tmp/st.out" 2>&1
check "the command's exit status comes out" [ $? = 7 ]

$vm --timeout 25 -- sleep 600 >"$tmp/to.out" 2>&1
check "a hung guest is killed at the timeout (exit 92)" [ $? = 92 ]
check "the timeout is reported" grep -q 'timed out after 25 s' "$tmp/to.out"

rm -rf "$tmp"
tap_done
