#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Failover under load with data verification over NVMe/TCP: the kernel's
# nvmet exports one namespace on two loopback ports, nvme-tcp connects to
# both (nvme_core.multipath=N: one disk per controller) and the two disks
# are the paths of an mpio device. While fio writes and verifies, each
# port in turn is taken away from the subsystem and restored; the host
# reconnects and the health probe reinstates the path. Zero fio errors,
# zero verify failures.
. "$(dirname "$0")/../lib/ftio.sh"

tmp=$(mktemp -d)
nqn=nqn.2026-11.org.ftio:mpio-tcp
cfs=/sys/kernel/config/nvmet
ftio_unload_all
ip link set lo up
ok "nvme_core loads without native multipath" modprobe nvme_core multipath=N
check "native multipath is off" grep -qx N /sys/module/nvme_core/parameters/multipath
ok "nvmet, nvmet-tcp and nvme-tcp load" sh -c \
	"modprobe nvmet && modprobe nvmet-tcp && modprobe nvme-tcp && modprobe loop"
check "nvmet's configfs is there" [ -d $cfs/subsystems ]

truncate -s 256M "$tmp/ns.img"
loopdev=$(losetup -f --show "$tmp/ns.img")
s=$cfs/subsystems/$nqn
ok "a subsystem with one namespace" sh -c "
	mkdir $s && echo 1 >$s/attr_allow_any_host &&
	mkdir $s/namespaces/1 &&
	echo -n $loopdev >$s/namespaces/1/device_path &&
	echo 7f3a2b1c-0d4e-4f5a-9b8c-7d6e5f4a3b2c >$s/namespaces/1/device_nguid &&
	echo 1 >$s/namespaces/1/enable"
for port in 1 2; do
	ok "port $port on 127.0.0.1:442$port" sh -c "
		mkdir $cfs/ports/$port &&
		echo tcp >$cfs/ports/$port/addr_trtype &&
		echo ipv4 >$cfs/ports/$port/addr_adrfam &&
		echo 127.0.0.1 >$cfs/ports/$port/addr_traddr &&
		echo 442$port >$cfs/ports/$port/addr_trsvcid &&
		ln -s $s $cfs/ports/$port/subsystems/$nqn"
done

# Reconnect every second, for ever; fail I/O at once while reconnecting.
for port in 1 2; do
	ok "connect to port $port" sh -c "echo nqn=$nqn,transport=tcp,traddr=127.0.0.1,trsvcid=442$port,reconnect_delay=1,ctrl_loss_tmo=-1,fast_io_fail_tmo=0 >/dev/nvme-fabrics"
done
check "two controllers, one disk each" wait_for 30 two_ctrls "$nqn"
ctrls=()
for c in $(grep -lx $nqn /sys/class/nvme/nvme*/subsysnqn); do
	ctrls+=("$(basename "$(dirname "$c")")")
done
disks=()
for c in "${ctrls[@]}"; do
	disks+=("$(basename "$(ls -d /sys/class/nvme/$c/nvme*n1 | head -1)")")
done
note "controllers: ${ctrls[*]}, paths: ${disks[*]}"
port_of() { cat "/sys/class/nvme/$1/address" | sed -n 's/.*trsvcid=442\([0-9]\).*/\1/p'; }

ok "ftio_mpio loads (no hold-down: this test fails paths on purpose)" \
	modprobe ftio_mpio marginal_fails=0 flap_fails=0
ok "create tcp0" ftioctl mpio create tcp0
ok "add ${disks[0]}" ftioctl mpio path add tcp0 "${disks[0]}"
ok "add ${disks[1]}" ftioctl mpio path add tcp0 "${disks[1]}"
m=/sys/block/mpio0/mpio
check "the device's identity is the namespace's NGUID" grep -q '^2:7f3a2b1c0d4e4f5a9b8c7d6e5f4a3b2c$' "$m/uuid"
check "both paths active" n_active 2
ok "probe every second, queue while no path" ftioctl mpio set tcp0 probe_interval 1 no_path_retry queue

# nvme-tcp may send on the submitter's behalf, from fio's own context,
# over a socket the target just closed: that raises SIGPIPE in fio (a
# kernel matter, not mpio's). fio inherits the signal ignored.
trap '' PIPE
fio_start "$tmp/fio" --name=verify --filename=/dev/mpio0 --ioengine=libaio --direct=1 \
	--rw=randwrite --bs=4k --iodepth=8 --numjobs=2 --size=64M \
	--offset_increment=64M --verify=crc32c --verify_backlog=256 --verify_fatal=1
check "fio writes to mpio0" io_flows mpio0 256 30

for round in $(seq "$(ftio_rounds)"); do
	for i in 0 1; do
		port=$(port_of "${ctrls[$i]}")
		rm "$cfs/ports/$port/subsystems/$nqn"
		check "round $round: path $i fails when port $port goes" \
			wait_for 20 is "$m/paths/$i/state" failed
		check "round $round: I/O goes on over path $((1 - i))" \
			io_flows "$(path_disk "$m" $((1 - i)))" 256 30
		ln -s "$s" "$cfs/ports/$port/subsystems/$nqn"
		check "round $round: ${ctrls[$i]} reconnects and the probe reinstates path $i" \
			wait_for 30 is "$m/paths/$i/state" active
	done
done

check "fio stops when the rounds end" fio_stop
trap - PIPE
check_fio_clean "$tmp/fio.json" "$tmp/fio.out"
check "four path failures were events" bash -c \
	"[ \$(ftioctl events | grep -c mpio-path-failed) -ge 4 ]"
check "four reinstatements were events" bash -c \
	"[ \$(ftioctl events | grep -c mpio-path-reinstated) -ge 4 ]"

ok "delete tcp0" ftioctl mpio delete tcp0
ftio_unload_all
for c in "${ctrls[@]}"; do echo 1 >"/sys/class/nvme/$c/delete_controller"; done
for port in 1 2; do
	rm -f "$cfs/ports/$port/subsystems/$nqn"
	rmdir "$cfs/ports/$port"
done
echo 0 >"$s/namespaces/1/enable"
rmdir "$s/namespaces/1" "$s"
losetup -d "$loopdev"
modprobe -r nvme-tcp nvmet-tcp nvmet 2>/dev/null
rm -rf "$tmp"
tap_done
