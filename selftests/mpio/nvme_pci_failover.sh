#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Failover under load with data verification over QEMU's NVMe: one
# subsystem, two controllers sharing namespace 1 (the runner puts them
# behind root ports rp4 and rp5), nvme_core.multipath=N so that each
# controller gives its own disk. While fio writes and verifies, controller
# nvc2 is unplugged (device_del: the guest's pciehp removes it) and
# plugged back; its path comes back by itself. Zero fio errors, zero
# verify failures.
. "$(dirname "$0")/../lib/ftio.sh"

tmp=$(mktemp -d)
nqn=nqn.2019-08.org.qemu:ftio-mpio
ftio_unload_all
check "the control port is there" [ -n "${FTIO_CTL_PORT:-}" ]
modprobe -r nvme 2>/dev/null
modprobe -r nvme_core 2>/dev/null
ok "nvme_core loads without native multipath" modprobe nvme_core multipath=N
ok "nvme loads" modprobe nvme

ctrls_of_subsys() { grep -lx "$nqn" /sys/class/nvme/nvme*/subsysnqn 2>/dev/null | xargs -r -n1 dirname | xargs -r -n1 basename; }
disk_of() { basename "$(ls -d /sys/class/nvme/$1/nvme*n1 2>/dev/null | head -1)"; }
check "two controllers of the subsystem, one disk each" wait_for 60 two_ctrls "$nqn"
mapfile -t ctrls < <(ctrls_of_subsys)
disks=("$(disk_of "${ctrls[0]}")" "$(disk_of "${ctrls[1]}")")
note "controllers: ${ctrls[*]}, paths: ${disks[*]}"

ok "ftio_mpio loads" modprobe ftio_mpio
ok "create nv0" ftioctl mpio create nv0
ok "add ${disks[0]}" ftioctl mpio path add nv0 "${disks[0]}"
ok "add ${disks[1]}" ftioctl mpio path add nv0 "${disks[1]}"
m=/sys/block/mpio0/mpio
# Linux ignores the EUI-64 and NGUID of QEMU's NVMe (a quirk): the
# namespace's wwid is its identity.
check "the device's identity is the namespace's wwid" grep -q '^wwid:nvme\.' "$m/uuid"
check "both paths active" n_active 2
ok "probe every second, queue while no path" ftioctl mpio set nv0 probe_interval 1 no_path_retry queue

fio_start "$tmp/fio" --name=verify --filename=/dev/mpio0 --ioengine=libaio --direct=1 \
	--rw=randwrite --bs=4k --iodepth=8 --numjobs=2 --size=64M \
	--offset_increment=64M --verify=crc32c --verify_backlog=256 --verify_fatal=1
check "fio writes to mpio0" io_flows mpio0 256 30

for round in $(seq "$(ftio_rounds)"); do
	ok "round $round: unplug controller nvc2 under I/O" host-ctl qmp device_del '{"id": "nvc2"}'
	ok "round $round: QEMU reports it gone" host-ctl wait-event DEVICE_DELETED '{"device": "nvc2"}' 60
	check "round $round: its path is removed, one path left" wait_for 20 n_paths 1
	check "round $round: the device awaits the path" grep -q . "$m/awaited"
	left=$(path_disk "$m" "$(ls "$m/paths")")
	check "round $round: I/O goes on over the path left ($left)" io_flows "$left" 256 30
	ok "round $round: plug nvc2 back" host-ctl qmp device_add \
		'{"driver": "nvme", "id": "nvc2", "serial": "FTIO-NVME", "subsys": "nvs", "bus": "rp5"}'
	check "round $round: the path is added back by itself" wait_for 60 n_active 2
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

ok "delete nv0" ftioctl mpio delete nv0
ftio_unload_all
modprobe -r nvme nvme_core 2>/dev/null
rm -rf "$tmp"
tap_done
