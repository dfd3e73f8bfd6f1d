#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Failover under load with data verification over two virtio-blk-pci
# adapters on one backing file with one serial number, plugged into the
# guest's two PCIe root ports through QMP. While fio writes and verifies,
# one adapter is unplugged (device_del: the guest's pciehp removes it) and
# plugged back; the path comes back by itself. Zero fio errors, zero
# verify failures.
. "$(dirname "$0")/../lib/ftio.sh"

tmp=$(mktemp -d)
# The run directory is shared with the host: QEMU opens the file there.
img=$FTIO_RUNDIR/mpio-virtio.img
serial=FTIO-MPIO-VB
ftio_unload_all
check "the control port is there" [ -n "${FTIO_CTL_PORT:-}" ]
truncate -s 256M "$img"
ok "virtio_blk loads" modprobe virtio_blk

vb_disks() {
	local s
	for s in /sys/block/vd*/serial; do
		[ -e "$s" ] && [ "$(cat "$s")" = "$serial" ] && basename "$(dirname "$s")"
	done
}
plug() {
	host-ctl qmp device_add "{\"driver\": \"virtio-blk-pci\", \"id\": \"$1\",
		\"bus\": \"$2\", \"drive\": \"vb\", \"serial\": \"$serial\",
		\"share-rw\": true}"
}

ok "blockdev-add: one node over the file" host-ctl qmp blockdev-add \
	"{\"driver\": \"raw\", \"node-name\": \"vb\",
	  \"file\": {\"driver\": \"file\", \"filename\": \"$img\"}}"
ok "plug adapter vb1 into rp1" plug vb1 rp1
ok "plug adapter vb2 into rp2" plug vb2 rp2
check "the guest sees two disks with the serial" \
	wait_for 30 n_serial 2 "$serial"
mapfile -t disks < <(vb_disks)
note "paths: ${disks[*]}"

ok "ftio_mpio loads" modprobe ftio_mpio
ok "create vb0" ftioctl mpio create vb0
ok "add ${disks[0]}" ftioctl mpio path add vb0 "${disks[0]}"
ok "add ${disks[1]}" ftioctl mpio path add vb0 "${disks[1]}"
dev=$(ftioctl -j mpio show vb0 | python3 -c 'import json,sys; d=json.load(sys.stdin); print((d[0] if isinstance(d, list) else d)["disk"])')
dev=${dev#/dev/}
m=/sys/block/$dev/mpio
check "the device's identity is the serial" grep -qx "serial:$serial" "$m/uuid"
check "both paths active" n_active 2

# Another serial is another disk: refused.
truncate -s 256M "$FTIO_RUNDIR/other.img"
host-ctl qmp blockdev-add "{\"driver\": \"raw\", \"node-name\": \"ot\",
	\"file\": {\"driver\": \"file\", \"filename\": \"$FTIO_RUNDIR/other.img\"}}" >/dev/null
host-ctl qmp device_add '{"driver": "virtio-blk-pci", "id": "ot1", "bus": "rp3",
	"drive": "ot", "serial": "SOMETHING-ELSE"}' >/dev/null
check "a disk with another serial appears" wait_for 30 n_serial 1 SOMETHING-ELSE
other=$(basename "$(dirname "$(grep -lx SOMETHING-ELSE /sys/block/vd*/serial)")")
fails "a path with another serial is refused" 2 ftioctl mpio path add vb0 "$other"
check "with the reason" bash -c \
	"ftioctl mpio path add vb0 $other 2>&1 | grep -q 'unique id'"

ftioctl mpio set vb0 probe_interval 1 no_path_retry queue >/dev/null
fio_start "$tmp/fio" --name=verify --filename="/dev/$dev" --ioengine=libaio --direct=1 \
	--rw=randwrite --bs=4k --iodepth=8 --numjobs=2 --size=64M \
	--offset_increment=64M --verify=crc32c --verify_backlog=256 --verify_fatal=1
check "fio writes to $dev" io_flows "$dev" 256 30

for round in $(seq "$(ftio_rounds)"); do
	ok "round $round: unplug vb1 under I/O" host-ctl qmp device_del '{"id": "vb1"}'
	ok "round $round: QEMU reports it gone" host-ctl wait-event DEVICE_DELETED '{"device": "vb1"}' 60
	check "round $round: its path is removed, one path left" wait_for 20 n_paths 1
	check "round $round: the device awaits the path" grep -q . "$m/awaited"
	left=$(path_disk "$m" "$(ls "$m/paths")")
	check "round $round: I/O goes on over the path left ($left)" io_flows "$left" 256 30
	ok "round $round: plug vb1 back" plug vb1 rp1
	check "round $round: the path is added back by itself" wait_for 30 n_active 2
	check "round $round: nothing awaited any more" empty "$m/awaited"
	back=$(path_disk "$m" "$(ls "$m/paths" | sort -n | tail -n1)")
	check "round $round: I/O flows over the path added back ($back)" io_flows "$back" 256 30
done

check "fio stops when the rounds end" fio_stop
check_fio_clean "$tmp/fio.json" "$tmp/fio.out"
check "the removals were events" bash -c \
	"[ \$(ftioctl events | grep -c mpio-path-removed) -ge 2 ]"
check "the automatic re-adds were events" bash -c \
	"[ \$(ftioctl events | grep mpio-path-added | grep -c 'added automatically') -ge 2 ]"

ok "delete vb0" ftioctl mpio delete vb0
ftio_unload_all
host-ctl qmp device_del '{"id": "vb1"}' >/dev/null
host-ctl qmp device_del '{"id": "vb2"}' >/dev/null
host-ctl qmp device_del '{"id": "ot1"}' >/dev/null
rm -rf "$tmp" "$img" "$FTIO_RUNDIR/other.img"
tap_done
