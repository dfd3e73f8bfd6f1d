#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest's side of make demo. Each capability of ftio adds its act.
set -u
tmp=$(mktemp -d)
act() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

act "1. ftio_core: the event log, the netlink family, /sys/kernel/ftio"
run modprobe ftio_core
run ftioctl version
ftioctl events --follow >"$tmp/follow.txt" 2>&1 &
follower=$!
echo "(ftioctl events --follow now records every event in the background)"

act "2. Modules register and unregister; each is an event"
echo "ftio_testmod stands in for the feature modules that register the same way."
run modprobe ftio_testmod
run ftioctl version
run ftioctl events post --severity notice --object rack4 "maintenance window opens"

act "3. Components change state: broken, then fixed"
echo "A component's failure and repair, as a feature module reports them:"
run sh -c 'echo 6 1 >/sys/kernel/debug/ftio_testmod/emit'
run sh -c 'echo 7 1 >/sys/kernel/debug/ftio_testmod/emit'
run ftioctl events --min-severity notice

act "4. The catalogue says what each event means and what to do"
run sh -c 'ftioctl events codes | head -n 9'

act "5. ftio_pooltag: who holds how much kernel memory, under which tag"
echo "ftio_testmod allocates through ftio_pooltag on the demo's behalf."
run sh -c "echo 'Dem1 100 50' >/sys/kernel/debug/ftio_testmod/alloc"
run sh -c "echo 'Dem2 4096 8' >/sys/kernel/debug/ftio_testmod/alloc"
run ftioctl pool show
echo "A quota caps a tag; crossing 80 % and hitting it are events:"
run ftioctl pool set Dem1 quota 8K
run sh -c "echo 'Dem1 100 20' >/sys/kernel/debug/ftio_testmod/alloc || echo '(refused at the quota, as intended)'"
run ftioctl pool show Dem1
run sh -c "echo Dem1 >/sys/kernel/debug/ftio_testmod/free; echo Dem2 >/sys/kernel/debug/ftio_testmod/free"
run ftioctl pool set Dem1 quota off

act "6. ftio_mpio: an adapter pulled out under load, and nobody notices"
echo "Two virtio-blk adapters in two PCIe slots reach one disk image (one"
echo "serial number): two paths to one disk. fio writes and verifies through"
echo "the mpio device while one adapter is pulled out and plugged back."
img=$FTIO_RUNDIR/demo-disk.img
truncate -s 128M "$img"
modprobe virtio_blk
plug() {
	host-ctl qmp device_add "{\"driver\": \"virtio-blk-pci\", \"id\": \"$1\",
		\"bus\": \"$2\", \"drive\": \"demo\", \"serial\": \"DEMO-DISK\",
		\"share-rw\": true}" >/dev/null
}
paths_of() { grep -lx DEMO-DISK /sys/block/vd*/serial 2>/dev/null | xargs -r -n1 dirname | xargs -r -n1 basename; }
wait_until() {
	local i
	for i in $(seq 300); do
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}
host-ctl qmp blockdev-add "{\"driver\": \"raw\", \"node-name\": \"demo\",
	\"file\": {\"driver\": \"file\", \"filename\": \"$img\"}}" >/dev/null
plug vb1 rp1
plug vb2 rp2
wait_until '[ "$(paths_of | wc -l)" = 2 ]'
run modprobe ftio_mpio
run ftioctl mpio create db
for p in $(paths_of); do run ftioctl mpio path add db "$p"; done
run ftioctl mpio set db probe_interval 1
m=/sys/block/mpio0/mpio
fio --name=demo --filename=/dev/mpio0 --ioengine=libaio --direct=1 \
	--rw=randwrite --bs=4k --iodepth=8 --numjobs=2 --size=48M \
	--offset_increment=48M --verify=crc32c --verify_backlog=256 \
	--verify_fatal=1 --time_based --runtime=25 --output-format=json \
	--output="$tmp/fio.json" >/dev/null 2>&1 &
fio=$!
sleep 3
echo "fio is writing and verifying. Pull adapter vb1 out of slot rp1:"
run host-ctl qmp device_del '{"id": "vb1"}'
host-ctl wait-event DEVICE_DELETED '{"device": "vb1"}' 60 >/dev/null
wait_until "[ \$(ls $m/paths | wc -l) = 1 ]"
run ftioctl mpio show db
echo "Plug it back in: mpio knows the disk by its serial and adds the path itself."
plug vb1 rp1
wait_until "[ \$(cat $m/paths/*/state | grep -c active) = 2 ]"
run ftioctl mpio show db
echo "(waiting for fio to finish)"
wait $fio
python3 - "$tmp/fio.json" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
r = json.loads(text[text.index("{"):])
err = sum(j["error"] for j in r["jobs"])
mib = sum(j["write"]["io_bytes"] for j in r["jobs"]) >> 20
print(f"fio: {mib} MiB written and verified through /dev/mpio0, {err} errors")
PY
echo "What mpio logged:"
run sh -c "ftioctl events | grep ' mpio '"
run ftioctl mpio delete db
host-ctl qmp device_del '{"id": "vb1"}' >/dev/null
host-ctl qmp device_del '{"id": "vb2"}' >/dev/null

act "7. Unloading: the log records it; followers see it live"
run rmmod ftio_testmod ftio_mpio ftio_pooltag
sleep 1
kill -INT $follower
wait $follower
echo "What 'ftioctl events --follow' saw while all this happened:"
cat "$tmp/follow.txt"

act "Report"
python3 - "$tmp/follow.txt" <<'PY'
import re, sys
seqs, kinds = [], {}
for line in open(sys.argv[1]):
    m = re.match(r"\s*(\d+) \S+ \S+ +(\S+) +(\S+) +(\S+) +(\S+)", line)
    if m:
        seqs.append(int(m.group(1)))
        kinds[m.group(5)] = kinds.get(m.group(5), 0) + 1
last = int(open("/sys/kernel/ftio/events/last_seq").read())
version = open("/sys/kernel/ftio/version").read().strip()
gaps = [b for a, b in zip(seqs, seqs[1:]) if b != a + 1]
print(f"ftio_core {version}: {last} events in the log, "
      f"{len(seqs)} seen live by the follower, {len(gaps)} gaps, "
      f"{int(open('/sys/kernel/ftio/events/dropped').read())} dropped")
for k, n in sorted(kinds.items()):
    print(f"  {k:22} {n}")
ok = seqs == list(range(1, last + 1))
print("every event reached the follower exactly once, in order" if ok
      else "the follower missed or doubled events")
sys.exit(0 if ok else 1)
PY
status=$?
rmmod ftio_core
rm -rf "$tmp" "$img"
exit $status
