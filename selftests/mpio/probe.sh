#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mpio's health probe on SCSI paths, with scsi_debug's per-device error
# injection (6.7 and later): the probe asks TEST UNIT READY and reads no
# data. A path that answers with sense is there and stays in service,
# whatever its media access says (a standby port answers NOT READY and
# refuses reads); a path whose TEST UNIT READY gets no answer from its
# transport fails, and comes back once it answers.
. "$(dirname "$0")/../lib/ftio.sh"

ftio_unload_all
modprobe -r scsi_debug 2>/dev/null
ok "sd_mod and scsi_debug with two hosts load" sh -c \
	"modprobe sd_mod && modprobe scsi_debug add_host=2 vpd_use_hostno=0 dev_size_mb=64"
sd_count() { n_exist "$1" /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/sd*; }
check "scsi_debug shows two disks" wait_for 20 sd_count 2
mapfile -t disks < <(basename -a /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/sd*)
hctl_of() { basename "$(ls -d /sys/block/"$1"/device/scsi_device/*)"; }
err0=/sys/kernel/debug/scsi_debug/$(hctl_of "${disks[0]}")/error
err1=/sys/kernel/debug/scsi_debug/$(hctl_of "${disks[1]}")/error
if [ ! -e "$err0" ]; then
	echo "1..0 # SKIP scsi_debug has no error injection on this kernel"
	exit 0
fi

ok "ftio_mpio loads (no hold-down: this test fails a path on purpose)" \
	modprobe ftio_mpio marginal_fails=0 flap_fails=0
ok "create pr0 over ${disks[*]}" sh -c "ftioctl mpio create pr0 &&
	ftioctl mpio path add pr0 ${disks[0]} && ftioctl mpio path add pr0 ${disks[1]}"
m=/sys/block/mpio0/mpio
ok "probes only when asked (probe_interval 0)" ftioctl mpio set pr0 probe_interval 0
state() { cat "$m/paths/$1/state"; }
reads() { awk '{ print $1 }' "/sys/block/$1/stat"; }

r0=$(reads "${disks[0]}")
r1=$(reads "${disks[1]}")
ok "probe" ftioctl mpio set pr0 probe
no_reads() { [ "$(reads "${disks[0]}")" = "$r0" ] && [ "$(reads "${disks[1]}")" = "$r1" ]; }
check "the probe read nothing from either SCSI path" no_reads

# A standby port: TEST UNIT READY and reads answer CHECK CONDITION, NOT
# READY, "target port in standby state" (04h/0Bh).
for op in 0x00 0x28 0x88; do
	echo "2 1 $op 0 0 0x2 0x2 0x4 0xb" >"$err0"
done
check "${disks[0]} now refuses reads" bash -c \
	"! dd if=/dev/${disks[0]} of=/dev/null bs=4k count=1 iflag=direct status=none"
ok "probe" ftioctl mpio set pr0 probe
check "a path that answers NOT READY stays in service" [ "$(state 0)" = active ]
for op in 0x00 0x28 0x88; do
	echo "- 2 $op" >"$err0"
done

# No answer: the transport says there is no connection (DID_NO_CONNECT).
echo "2 1 0x00 0x1 0 0 0 0 0" >"$err1"
ok "probe" ftioctl mpio set pr0 probe
check "a path whose TEST UNIT READY gets no answer fails" [ "$(state 1)" = failed ]
echo "- 2 0x00" >"$err1"
ok "probe" ftioctl mpio set pr0 probe
check "and is back once it answers" [ "$(state 1)" = active ]

ok "mpio delete" ftioctl mpio delete pr0
ok "ftio_mpio unloads" modprobe -r ftio_mpio
ok "scsi_debug unloads" modprobe -r scsi_debug
tap_done
