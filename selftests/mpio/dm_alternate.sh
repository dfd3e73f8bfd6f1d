#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The sequence that crashed a Debian 6.12 guest while mpio was compared
# with dm-multipath (issue 26): two configfs null_blk devices of unequal
# latency; rounds of 4k random reads on each alone, then through an mpio
# device over both, then through a dm-multipath bio-mode device over both,
# alternating selectors. Not in make check (minutes of fio); run it in a
# guest with two vCPUs and KFENCE sampling, several times:
#
#   selftests/vm/vm.py --kernel distro --moddir build/guest/distro --smp 2 \
#	--append "kfence.sample_interval=5" -- selftests/mpio/dm_alternate.sh 5
#
# Any report on the console fails the run (the runner's scanner).
. "$(dirname "$0")/../lib/ftio.sh"

rounds=${1:-5}
ftio_unload_all
modprobe -r null_blk 2>/dev/null
ok "null_blk and dm-multipath load" sh -c "modprobe null_blk nr_devices=0 && modprobe dm-multipath"
ok "ftio_mpio loads" modprobe ftio_mpio

mk() {	# NAME COMPLETION_NS: a configfs null_blk; prints its disk
	local d=/sys/kernel/config/nullb/$1 before
	before=$(ls /sys/block)
	mkdir -p "$d"
	echo 2 >"$d/irqmode"
	echo "$2" >"$d/completion_nsec"
	echo 12 >"$d/hw_queue_depth"
	echo 1 >"$d/submit_queues"
	echo 4096 >"$d/blocksize"
	echo 1024 >"$d/size"
	echo 1 >"$d/power"
	comm -13 <(echo "$before") <(ls /sys/block) | head -n1
}
fast=$(mk fast 50000)
slow=$(mk slow 600000)
note "paths: $fast (50 us), $slow (600 us)"
sz=$(blockdev --getsz "/dev/$fast")

rd() {	# DEV: 5 s of 4k random reads, libaio, iodepth 32 x 2 jobs
	fio --name=r --filename="$1" --rw=randread --bs=4k --ioengine=libaio \
	    --iodepth=32 --numjobs=2 --direct=1 --time_based --runtime=5 \
	    --group_reporting --output-format=terse >/dev/null
}

sels=(round-robin queue-depth service-time)
dmsels=(round-robin queue-length service-time)
for r in $(seq 1 "$rounds"); do
	i=$(((r - 1) % 3))
	ok "round $r: $fast alone" rd "/dev/$fast"
	ok "round $r: $slow alone" rd "/dev/$slow"
	ok "round $r: mpio over both (${sels[$i]})" bash -c \
		"ftioctl mpio create alt && ftioctl mpio path add alt $fast &&
		 ftioctl mpio path add alt $slow && ftioctl mpio set alt policy ${sels[$i]}"
	dev=/dev/$(ftioctl -j mpio show alt | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["disk"])')
	ok "round $r: reads through $dev" rd "$dev"
	ok "round $r: mpio deleted" ftioctl mpio delete alt
	table="0 $sz multipath 2 queue_mode bio 0 1 1 ${dmsels[$i]} 0 2 1"
	table="$table /dev/$fast 1 /dev/$slow 1"
	ok "round $r: dm-multipath over both (${dmsels[$i]})" dmsetup create ftio-alt --table "$table"
	ok "round $r: reads through it" rd "/dev/$(dmsetup info -c --noheadings -o blkdevname ftio-alt)"
	ok "round $r: dm-multipath removed" dmsetup remove ftio-alt
done

for n in fast slow; do
	echo 0 >/sys/kernel/config/nullb/$n/power
	rmdir /sys/kernel/config/nullb/$n
done
ftio_unload_all
modprobe -r null_blk dm-multipath 2>/dev/null
tap_done
