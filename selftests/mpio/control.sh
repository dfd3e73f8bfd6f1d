#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mpio's controls through ftioctl (netlink) and sysfs over null_blk paths:
# devices and paths, selectors, path groups, failing and reinstating,
# queueing while no path is left (resume, deadline, fail now), and the
# refusals: wrong-size path, self as path, a path twice, no such device,
# delete while open, unprivileged changes, malformed requests.
. "$(dirname "$0")/../lib/ftio.sh"

tmp=$(mktemp -d)
# The spec is checked against the schema by core/ynl_cli.sh; here that
# would only cost seconds a call.
ynl="$FTIO_ROOT/scripts/ynl --no-schema"
ftio_unload_all
modprobe -r null_blk 2>/dev/null
ok "null_blk with three devices" modprobe null_blk nr_devices=3 gb=1
ok "ftio_mpio loads" modprobe ftio_mpio
ok "mpio create" ftioctl mpio create db0
m=/sys/block/mpio0/mpio
check "the device is /dev/mpio0, named db0" [ "$(cat $m/name)" = db0 ]
ok "mpio path add nullb0" ftioctl mpio path add db0 /dev/nullb0
ok "mpio path add nullb1 in group 1" ftioctl mpio path add db0 nullb1 group 1
ftioctl -j mpio show db0 >"$tmp/show.json"
check "-j mpio show: two paths, group 0 active, group 1 standby" python3 - "$tmp/show.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))[0]
assert d["name"] == "db0" and d["disk"] == "mpio0", d
st = {p["bdev"]: (p["state"], p["group"]) for p in d["paths"]}
assert st == {"nullb0": ("active", 0), "nullb1": ("standby", 1)}, st
assert d["policy"] == "round-robin" and d["usable"] == 1
PY
ok "mpio show prints a table" bash -c "ftioctl mpio show | grep -q 'PATH DEVICE'"

# The paths (null_blk, blk-mq) take RWF_NOWAIT, so the device does too.
check "an RWF_NOWAIT read is served (not EOPNOTSUPP)" python3 - <<'PY'
import mmap, os
fd = os.open("/dev/mpio0", os.O_RDONLY | os.O_DIRECT)
buf = mmap.mmap(-1, 4096)
try:
    n = os.preadv(fd, [buf], 0, os.RWF_NOWAIT)
except BlockingIOError:
    n = 4096	# "try again" is a nowait read's answer too
assert n == 4096, n
PY

# /sys/block/mpio0/stat counts the sectors of bios that go to a path in
# place: the path advances them, and the accounting reads their size.
udevadm settle
sectors_read() { awk '{print $3}' /sys/block/mpio0/stat; }
s0=$(sectors_read)
ok "256 direct reads of 4 KiB" dd if=/dev/mpio0 of=/dev/null bs=4k count=256 iflag=direct status=none
check "stat: 2048 sectors read, not 0" [ "$(($(sectors_read) - s0))" = 2048 ]

# ftio's udev rules name the device by its name and identity
mkdir -p /etc/udev/rules.d
cp "$FTIO_ROOT/tools/udev/60-ftio.rules" /etc/udev/rules.d/
udevadm test --action=change /sys/block/mpio0 >"$tmp/udev.txt" 2>&1
check "udev rules: /dev/mpio/db0" grep -q 'mpio/db0' "$tmp/udev.txt"
check "udev rules: /dev/disk/by-id/ftio-mpio-<uuid>" grep -qF "disk/by-id/ftio-mpio-$(cat $m/uuid)" "$tmp/udev.txt"
rm -f /etc/udev/rules.d/60-ftio.rules

# groups and failback
ok "fail the group-0 path" ftioctl mpio path fail db0 0
check "group 1 takes over" bash -c "[ \$(cat $m/group) = 1 ] && [ \$(cat $m/paths/1/state) = active ]"
check "I/O goes on" dd if=/dev/mpio0 of=/dev/null bs=64k count=64 iflag=direct status=none
ok "reinstate it" ftioctl mpio path reinstate db0 nullb0
check "immediate failback returns to group 0" bash -c "[ \$(cat $m/group) = 0 ]"
ok "failback manual" ftioctl mpio set db0 failback manual
ftioctl mpio path fail db0 0 >/dev/null
ftioctl mpio path reinstate db0 0 >/dev/null
check "with manual failback group 1 stays" [ "$(cat $m/group)" = 1 ]
ok "switch back by hand" ftioctl mpio set db0 group 0
check "group 0 in use" [ "$(cat $m/group)" = 0 ]
fails "switching to a group without paths is refused" 2 ftioctl mpio set db0 group 7

# selectors
ok "both paths in one group" ftioctl mpio path set db0 1 group 0
check "rr_repeat is 256 by default" [ "$(cat $m/rr_repeat)" = 256 ]
check "and shown by -j mpio show" bash -c \
	"ftioctl -j mpio show db0 | grep -q '\"rr_repeat\":256'"
ok "rr_repeat 1" ftioctl mpio set db0 rr_repeat 1
check "set" [ "$(cat $m/rr_repeat)" = 1 ]
# Each selector's own pattern, on 400 direct reads from one CPU, one at a
# time (nothing in flight at each pick), rr_repeat 1.
ios() { cat $m/paths/$1/ios; }
reads() {	# N: N direct 4 KiB reads from CPU 0; sets d0 d1, the paths' shares
	local a0 a1
	a0=$(ios 0); a1=$(ios 1)
	taskset -c 0 dd if=/dev/mpio0 of=/dev/null bs=4k count="$1" iflag=direct status=none
	d0=$(($(ios 0) - a0)); d1=$(($(ios 1) - a1))
}
ok "policy round-robin" ftioctl mpio set db0 policy round-robin
reads 400
check "round-robin alternates: 200 and 200 ($d0, $d1)" [ "$d0 $d1" = "200 200" ]
ok "policy queue-depth" ftioctl mpio set db0 policy queue-depth
reads 400
check "queue-depth, queues equal: the set's first path ($d0, $d1)" [ "$d0 $d1" = "400 0" ]
ok "policy service-time, path 1 weighs 1000" bash -c \
	"ftioctl mpio set db0 policy service-time && ftioctl mpio path set db0 1 weight 1000"
reads 400
check "service-time: all to the path of 1000 times the throughput ($d0, $d1)" \
	[ "$d0 $d1" = "0 400" ]
ok "path 1 weighs 1 again" ftioctl mpio path set db0 1 weight 1
ok "policy numa" ftioctl mpio set db0 policy numa
reads 400
# One node: both paths are local, and numa goes round them.
check "numa, one node: 200 and 200 ($d0, $d1)" [ "$d0 $d1" = "200 200" ]
# rr_repeat 50: runs of 50 bios per path on one CPU's cursor; 400 bios
# from one CPU are 400 consecutive cursor values, two whole periods of 100
# wherever they start: exactly 200 on each path.
ok "policy round-robin" ftioctl mpio set db0 policy round-robin
ok "sysfs: rr_repeat 50" sh -c "echo 50 >$m/rr_repeat"
reads 400
check "rr_repeat 50: 400 bios from one CPU, 200 on each path ($d0, $d1)" \
	[ "$d0 $d1" = "200 200" ]
# weighted: the cursor modulo the weights' sum (4) picks path 0 for one
# value in four; 800 consecutive values are 200 periods.
ok "weight 3 on path 1" ftioctl mpio path set db0 1 weight 3
ok "policy weighted" ftioctl mpio set db0 policy weighted
reads 800
check "weighted 1:3: exactly 200 and 600 ($d0, $d1)" [ "$d0 $d1" = "200 600" ]
ftioctl mpio set db0 policy round-robin >/dev/null

# no path left
ok "queue for ever without paths" ftioctl mpio set db0 no_path_retry queue
ftioctl mpio path fail db0 0 >/dev/null
ftioctl mpio path fail db0 1 >/dev/null
dd if=/dev/mpio0 of=/dev/null bs=4k count=16 iflag=direct status=none &
dd1=$!
queued() { local q; read -r q <"$m/queued" && [ "$q" -gt 0 ]; }
check "I/O waits in the queue" wait_for 10 queued
check "the queueing is an event" bash -c "ftioctl events | grep -q mpio-queueing"
ftioctl mpio path reinstate db0 1 >/dev/null
wait $dd1
check "a path back: the queued I/O completes without error" [ $? = 0 ]
check "nothing queued any more" [ "$(cat $m/queued)" = 0 ]

ftioctl mpio set db0 no_path_retry 2 >/dev/null
ftioctl mpio path fail db0 1 >/dev/null
seq0=$(ftioctl -j version | python3 -c 'import json,sys; print(json.load(sys.stdin)["core"]["events"]["last_seq"] + 1)')
fails "past no_path_retry, queued I/O fails with EIO" 1 \
	timeout 60 dd if=/dev/mpio0 of=/dev/null bs=4k count=1 iflag=direct status=none
# The kernel's own clock, from the queueing to the timeout (both events):
# 2 s, plus at most the work item's start (a timer's slack and a busy
# emulated CPU). Not dd's start-up, which a slow guest stretches.
check "the queue times out 2 s after it began" python3 - "$seq0" <<'PY'
import json, subprocess, sys
ev = json.loads(subprocess.check_output(["ftioctl", "-j", "events", "--since", sys.argv[1]]))
t = {e["event"]: e["boottime_ns"] for e in ev if e["object"] == "db0"}
dt = (t["mpio-no-path-timeout"] - t["mpio-queueing"]) / 1e9
assert 2.0 <= dt <= 2.5, dt
PY

ftioctl mpio set db0 no_path_retry queue >/dev/null
# Its error message goes to a file: in the TAP stream it would split a
# result line.
dd if=/dev/mpio0 of=/dev/null bs=4k count=1 iflag=direct status=none 2>"$tmp/dd2.err" &
dd2=$!
wait_for 10 queued
fails "delete while open is refused (EBUSY)" 1 ftioctl mpio delete db0
ok "fail_queued fails the queued I/O now" ftioctl mpio set db0 fail_queued
wait $dd2
check "the reader saw the error" [ $? != 0 ]
check "an I/O error" grep -q "Input/output error" "$tmp/dd2.err"
ftioctl mpio path reinstate db0 0 >/dev/null
ftioctl mpio path reinstate db0 1 >/dev/null
ok "health probe on request" ftioctl mpio set db0 probe

# refusals
truncate -s 64M "$tmp/small.img"
modprobe loop
loop=$(losetup -f --show "$tmp/small.img")
fails "a path of another size is refused" 2 ftioctl mpio path add db0 "$loop"
check "with the reason" bash -c "ftioctl mpio path add db0 $loop 2>&1 | grep -q 'size differs'"
fails "the device itself is refused" 2 ftioctl mpio path add db0 /dev/mpio0
fails "a path twice is refused" 1 ftioctl mpio path add db0 nullb0
check "with the reason" bash -c "ftioctl mpio path add db0 nullb0 2>&1 | grep -q 'path already'"
ok "a second device" ftioctl mpio create db1
fails "a disk another mpio device holds is refused" 1 ftioctl mpio path add db1 nullb0
fails "no such block device" 3 ftioctl mpio path add db1 /dev/nonexistent
fails "no such mpio device" 3 ftioctl mpio path add nodev nullb2
fails "a bad name" 2 ftioctl mpio create "bad name!"
fails "a name taken" 1 ftioctl mpio create db0
fails "an unknown policy" 2 ftioctl mpio set db0 policy random
fails "a bad no_path_retry" 2 ftioctl mpio set db0 no_path_retry -5
fails "rr_repeat 0" 2 ftioctl mpio set db0 rr_repeat 0
fails "rr_repeat 1001" 2 ftioctl mpio set db0 rr_repeat 1001
check "with the reason" bash -c \
	"ftioctl mpio set db0 rr_repeat 1001 2>&1 | grep -q \"bad value '1001' for rr_repeat\""
fails "sysfs: rr_repeat 0 is EINVAL" 1 sh -c "echo 0 >$m/rr_repeat"
fails "sysfs: rr_repeat 1001 is EINVAL" 1 sh -c "echo 1001 >$m/rr_repeat"
fails "sysfs: rr_repeat abc is EINVAL" 1 sh -c "echo abc >$m/rr_repeat"
check "and rr_repeat is unchanged" [ "$(cat $m/rr_repeat)" = 50 ]
fails "sysfs: a bad policy is EINVAL" 1 sh -c "echo random >$m/policy"
fails "sysfs: add_path of nothing is ENODEV" 1 sh -c "echo /dev/nothing >$m/add_path"
# uid 0 without CAP_SYS_ADMIN owns the files but may not use them
out=$(as_root_without_caps bash -c "echo 7 >$m/rr_repeat" 2>&1)
check "sysfs: a store without CAP_SYS_ADMIN is EPERM" grep -q "Operation not permitted" <<<"$out"
check "and rr_repeat is unchanged" [ "$(cat $m/rr_repeat)" = 50 ]
out=$(as_root_without_caps bash -c "echo db9 >/sys/kernel/ftio/mpio/create" 2>&1)
check "sysfs: create without CAP_SYS_ADMIN is EPERM" grep -q "Operation not permitted" <<<"$out"
check "and made no device" [ ! -e /sys/kernel/ftio/mpio/db9 ]
out=$(as_root_without_caps bash -c "echo 1000 >$m/paths/0/priority" 2>&1)
check "sysfs: a path store without CAP_SYS_ADMIN is EPERM" grep -q "Operation not permitted" <<<"$out"
fails "unprivileged mpio create is refused" 4 as_nobody ftioctl mpio create db9
out=$(as_nobody ftioctl mpio create db9 2>&1)
check "because it needs CAP_SYS_ADMIN" grep -q 'needs CAP_SYS_ADMIN' <<<"$out"
ok "showing works as nobody" as_nobody ftioctl mpio show
fails "ynl: mpio-path-add without a block device" 1 sh -c \
	"$ynl --do mpio-path-add --json '{\"dev\": \"db0\"}' >$tmp/y1 2>&1"
check "says what is missing" grep -q 'needs the block device' "$tmp/y1"
# Every numeric attribute has its range in the spec, and so in the policy:
# ERANGE, the attribute named by its offset, the limit given.
ynl_range() {	# DESC CMD JSON ATTR LIMIT VALUE
	fails "ynl: $1" 1 sh -c "$ynl --do $2 --json '$3' >$tmp/yr 2>&1"
	out_of_range "names $4 and its $5" "$tmp/yr" "$4" "$5" "$6"
}
ynl_range "a weight out of range" mpio-path-set \
	'{"dev": "db0", "id": 0, "weight": 5000}' weight max-value 1000
ynl_range "a path group out of range" mpio-path-set \
	'{"dev": "db0", "id": 0, "group": 5000}' group max-value 1000
ynl_range "a priority out of range" mpio-path-set \
	'{"dev": "db0", "id": 0, "priority": 1001}' priority max-value 1000
ynl_range "a probe interval out of range" mpio-dev-set \
	'{"name": "db0", "probe-interval": 5000}' probe-interval max-value 3600
ynl_range "rr-repeat 0" mpio-dev-set '{"name": "db0", "rr-repeat": 0}' rr-repeat min-value 1
ynl_range "a failback delay out of range" mpio-dev-set \
	'{"name": "db0", "failback-delay": 86401}' failback-delay max-value 86400
ynl_range "a group out of range" mpio-dev-set '{"name": "db0", "group": 1001}' group max-value 1000
ynl_range "no-path-retry below -1" mpio-dev-set \
	'{"name": "db0", "no-path-retry": -2}' no-path-retry min-value -1
fails "ynl: no-path-retry above a day" 1 sh -c \
	"$ynl --do mpio-dev-set --json '{\"name\": \"db0\", \"no-path-retry\": 86401}' >$tmp/y6 2>&1"
check "says the range and names the attribute" bash -c \
	"grep -q 'no-path-retry is -1..86400' $tmp/y6 && grep -q \"'bad-attr': '.no-path-retry'\" $tmp/y6"
check "and the refusals changed nothing" [ "$(cat $m/rr_repeat)" = 50 ]

# A disk that goes away while fail and reinstate run on its path: the
# netlink handlers pin the path across the work they wait for without the
# device's lock, and the block layer's mark_dead (6.9+) pins it across
# dropping bd_holder_lock; unpinned, the path was used after its release.
nb=/sys/kernel/config/nullb/race
before=$(ls /sys/block)
ok "a null_blk device made through configfs" sh -c \
	"mkdir -p $nb && echo 1024 >$nb/size && echo 1 >$nb/power"
# Its disk's name: nullbN on 6.1, the directory's on later kernels.
race=$(comm -13 <(echo "$before") <(ls /sys/block) | head -n1)
ok "is a third path ($race)" ftioctl mpio path add db0 "$race"
(
	end=$((SECONDS + 60))
	while [ $SECONDS -lt $end ]; do
		ftioctl mpio path fail db0 "$race"
		ftioctl mpio path reinstate db0 "$race"
	done
) >/dev/null 2>&1 &
racer=$!
nap 2
ok "its disk goes while fail and reinstate run" sh -c "echo 0 >$nb/power"
check "the path goes with it" wait_for 30 n_paths 2
kill "$racer" 2>/dev/null
wait "$racer"
rmdir "$nb"

# A path removed when there is no memory for a new active set: the old
# set kept naming it, and I/O went to the path after its release. mpio's
# pool tag fails its next allocation, the rebuild's.
ok "a third path" ftioctl mpio path add db0 nullb2
ok "mpio's pool tag fails its next allocation" ftioctl pool set Mpio fail 100% times 1
ok "the third path goes all the same" ftioctl mpio path del db0 nullb2
check "the failure hit" bash -c "ftioctl -j pool show Mpio | grep -q '\"injected\":1[,}]'"
# db1 (still without a path) is one LU for as long as it exists: after its
# last path left, a disk of another size is refused all the same.
ok "db1 takes nullb2" ftioctl mpio path add db1 nullb2
ok "and lets it go" ftioctl mpio path del db1 nullb2
fails "with no path left, db1 refuses a disk of another size" 2 ftioctl mpio path add db1 "$loop"
check "with the reason" bash -c \
	"ftioctl mpio path add db1 $loop 2>&1 | grep -q 'size or logical block size differs from the mpio device'"
# Zone limits are not stacked: a zoned disk is no path. (Where the kernel
# has zoned block devices: Debian's do, the trimmed debug kernel not.)
zb=/sys/kernel/config/nullb/zoned
if [ "${FTIO_KERNEL:-}" != debug ]; then
	before=$(ls /sys/block)
	ok "a zoned null_blk device" sh -c \
		"mkdir -p $zb && echo 1024 >$zb/size && echo 1 >$zb/zoned && echo 1 >$zb/power"
	zoned=$(comm -13 <(echo "$before") <(ls /sys/block) | head -n1)
	fails "a zoned disk is refused as a path" 2 ftioctl mpio path add db1 "$zoned"
	check "with the reason" bash -c "ftioctl mpio path add db1 $zoned 2>&1 | grep -q 'zoned device'"
	echo 0 >$zb/power
	rmdir $zb
else
	note "no zoned block devices in this kernel: the zoned path case is Debian's kernel's"
fi
ftioctl pool set Mpio fail off >/dev/null
a0=$(cat $m/paths/0/ios); a1=$(cat $m/paths/1/ios)
check "I/O goes on over the two paths left" \
	dd if=/dev/mpio0 of=/dev/null bs=4k count=200 iflag=direct status=none
check "and only there" [ $(($(cat $m/paths/0/ios) - a0 + $(cat $m/paths/1/ios) - a1)) = 200 ]

ok "mpio path del" ftioctl mpio path del db0 nullb1
check "one path left" [ "$(ls $m/paths | wc -l)" = 1 ]
ok "delete db1" ftioctl mpio delete db1
ok "delete db0" ftioctl mpio delete db0
check "the block device is gone" [ ! -e /sys/block/mpio0 ]

# An error that every path returns (a bad block, a command the disk
# rejects) is the data's: the caller gets it once two paths said so, and
# no path fails for it. Two paths, dm devices over nullb0 and nullb1 that
# both fail 4 KiB block 100 (sectors 800..807), and no queueing: before,
# the first path failed, then the second, and the device had none left.
sz=$(blockdev --getsz /dev/nullb0)
for i in 0 1; do
	printf '0 800 linear /dev/nullb%s 0\n800 8 error\n808 %s linear /dev/nullb%s 808\n' \
		"$i" $((sz - 808)) "$i" | dmsetup create "ftio-bad$i"
done
# Their kernel names (dm-N): the guest has no udev to make /dev/mapper.
bad0=$(dmsetup info -c --noheadings -o blkdevname ftio-bad0)
bad1=$(dmsetup info -c --noheadings -o blkdevname ftio-bad1)
ok "an mpio device over two paths with the same bad block ($bad0, $bad1)" bash -c \
	"ftioctl mpio create bad && ftioctl mpio path add bad $bad0 &&
	 ftioctl mpio path add bad $bad1 && ftioctl mpio set bad no_path_retry fail"
bad=/dev/$(ftioctl -j mpio show bad | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["disk"])')
fails "reading the bad block fails" 1 \
	timeout 60 dd if="$bad" of=/dev/null bs=4k skip=100 count=1 iflag=direct status=none
check "and no path failed for it" python3 - <<PY
import json, subprocess
d = json.loads(subprocess.check_output(["ftioctl", "-j", "mpio", "show", "bad"]))[0]
st = [(p["state"], p["fail_count"]) for p in d["paths"]]
assert st == [("active", 0), ("active", 0)], st
PY
ok "the blocks around it read" bash -c \
	"dd if=$bad of=/dev/null bs=4k count=100 iflag=direct status=none &&
	 dd if=$bad of=/dev/null bs=4k skip=101 count=100 iflag=direct status=none"
ok "delete bad" ftioctl mpio delete bad
dmsetup remove ftio-bad0
dmsetup remove ftio-bad1
losetup -d "$loop"
ftio_unload_all
modprobe -r null_blk
rm -rf "$tmp"
tap_done
