#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Failover under load with data verification over scsi_debug: two hosts
# presenting one logical unit (one store, one WWID) are the two paths of
# an mpio device. While fio writes and verifies, the paths are set offline
# and back in turn, and one path's SCSI device is deleted and rescanned
# (the path comes back by itself where the disks have an identity, or
# else by hand).
# Zero fio errors, zero verify failures.
. "$(dirname "$0")/../lib/ftio.sh"

tmp=$(mktemp -d)
ftio_unload_all
modprobe -r scsi_debug 2>/dev/null
ok "sd_mod and scsi_debug with two hosts load" sh -c \
	"modprobe sd_mod && modprobe scsi_debug add_host=2 vpd_use_hostno=0 dev_size_mb=256"

# The two disks scsi_debug presents, and their hosts.
sd_disks() {
	for b in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/*; do
		[ -e "$b" ] && basename "$b"
	done
}
sd_count() { n_exist "$1" /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/sd*; }
check "scsi_debug shows two disks" wait_for 20 sd_count 2
mapfile -t disks < <(sd_disks)
note "paths: ${disks[*]}"
host_of() {
	local hctl
	hctl=$(basename "$(ls -d /sys/block/$1/device/scsi_device/*)")
	echo "host${hctl%%:*}"
}

ok "ftio_mpio loads (no hold-down: this test fails paths on purpose)" \
	modprobe ftio_mpio marginal_fails=0 flap_fails=0
ok "create mp0" sh -c "echo mp0 >/sys/kernel/ftio/mpio/create"
m=/sys/block/mpio0/mpio
ok "add ${disks[0]}" sh -c "echo /dev/${disks[0]} >$m/add_path"
ok "add ${disks[1]}" sh -c "echo ${disks[1]} >$m/add_path"
check "both paths active" n_active 2
check "the device takes the LU's identity" grep -q . "$m/uuid"
note "identity: $(cat $m/uuid)"
# A disk of the same size without an identity could be another LU.
nb=/sys/kernel/config/nullb/noid
before=$(ls /sys/block)
ok "a null_blk disk of the LU's size, without identity" sh -c \
	"modprobe null_blk nr_devices=0 && mkdir -p $nb && echo 256 >$nb/size && echo 1 >$nb/power"
noid=$(comm -13 <(echo "$before") <(ls /sys/block) | head -n1)
fails "is refused as a path" 2 ftioctl mpio path add mp0 "$noid"
check "because its identity is not the LU's" bash -c \
	"ftioctl mpio path add mp0 $noid 2>&1 | grep -q 'is not the other paths'"
echo 0 >$nb/power
rmdir $nb
modprobe -r null_blk
check "the paths are the mpio disk's slaves" bash -c \
	"ls /sys/block/mpio0/slaves | grep -qx ${disks[0]} && ls /sys/block/mpio0/slaves | grep -qx ${disks[1]}"
check "the capacity is the LU's" [ "$(blockdev --getsize64 /dev/mpio0)" = $((256 * 1024 * 1024)) ]

# Most bios go to a path themselves; the parent of a chain goes as a
# clone. Zeroing more than one bio can carry makes such a chain
# (blkdev_issue_zeroout() chains the bios to the last).
wz=$(cat /sys/block/mpio0/queue/write_zeroes_max_bytes)
len=$((wz ? 2 * wz + 1048576 : 8388608))
if [ $len -le $((128 * 1024 * 1024)) ]; then
	ok "write $((len >> 20)) MiB of random data" \
		dd if=/dev/urandom of=/dev/mpio0 bs=1M count=$((len >> 20)) oflag=direct status=none
	ok "zero them: a chain of bios, its parent sent as a clone" \
		blkdiscard -z -l $len /dev/mpio0
	check "they read back as zeroes" cmp -n $len /dev/mpio0 /dev/zero
else
	note "write zeroes takes $wz bytes at once: no chain to test"
fi
echo 1 >$m/probe_interval
echo -1 >$m/no_path_retry

fio_start "$tmp/fio" --name=verify --filename=/dev/mpio0 --ioengine=libaio --direct=1 \
	--rw=randwrite --bs=4k --iodepth=8 --numjobs=2 --size=64M \
	--offset_increment=64M --verify=crc32c --verify_backlog=256 --verify_fatal=1
check "fio writes to mpio0" io_flows mpio0 256 30

state_of() { cat "$m/paths/$1/state"; }
for round in $(seq "$(ftio_rounds)"); do
	for i in 0 1; do
		d=${disks[$i]}
		echo offline >/sys/block/$d/device/state
		check "round $round: path $i fails when $d goes offline" \
			wait_for 15 is "$m/paths/$i/state" failed
		check "round $round: I/O goes on over ${disks[1 - i]}" io_flows "${disks[1 - i]}" 256 30
		echo running >/sys/block/$d/device/state
		check "round $round: the probe reinstates path $i" \
			wait_for 15 is "$m/paths/$i/state" active
	done
done

# The second path's disk goes away, and comes back under a new name.
# mpio learns of it from the block layer's holder notification (6.9 on)
# or, before, from the disk's device being deleted (admin guide, "When a
# disk goes away"). It is awaited, and added back by itself, where the
# device's identity is the LU's (scsi_debug's VPD page 0x83 names it on
# every kernel we test; a size-only identity would be a fault here).
check "the identity is the LU's, not its size" bash -c "! grep -q '^size:' $m/uuid"
d=${disks[1]}
h=$(host_of "$d")
echo 1 >/sys/block/$d/device/delete
check "deleting $d's SCSI device removes its path" \
	wait_for 15 n_paths 1
check "the device awaits the path's return" grep -q "^1 $d " "$m/awaited"
echo "- - -" >/sys/class/scsi_host/$h/scan
check "the rescan brings the disk back" wait_for 20 sd_count 2
mapfile -t now < <(sd_disks)
new=
for x in "${now[@]}"; do [ "$x" != "${disks[0]}" ] && new=$x; done
check "it is added back by itself ($new), two active paths again" \
	wait_for 20 n_active 2
check "nothing awaited any more" empty "$m/awaited"
check "as path 2, on $new" bash -c "[ \$(cut -d' ' -f1 $m/paths/2/dev) = $new ]"

check "I/O flows over the path added back" io_flows "$new" 256 30
check "fio stops when the rounds end" fio_stop
check_fio_clean "$tmp/fio.json" "$tmp/fio.out"
check "path failures were events" bash -c "ftioctl events | grep -c mpio-path-failed | grep -qv '^0$'"
check "reinstatements were events" bash -c "ftioctl events | grep -q mpio-path-reinstated"
check "the removal was an event" bash -c "ftioctl events | grep -q mpio-path-removed"
check "the automatic re-add was an event" bash -c "ftioctl events | grep -q 'added automatically'"

ok "delete mp0" sh -c "echo mp0 >/sys/kernel/ftio/mpio/delete"
ftio_unload_all
modprobe -r scsi_debug
rm -rf "$tmp"
tap_done
