#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest asks the host, through the ftio.ctl port, to plug and unplug a
# PCI device (QEMU's edu) and to hot-add memory, and sees each action
# happen: the QMP plumbing that hot-plug scenarios build on.
. "$(dirname "$0")/../lib/ftio.sh"

edu_present() {
	grep -l 0x11e8 /sys/bus/pci/devices/*/device 2>/dev/null |
		xargs -r dirname | xargs -r -I{} grep -q 0x1234 {}/vendor
}
blocks() { ls -d /sys/devices/system/memory/memory* | wc -l; }

check "the control port is there" [ -n "${FTIO_CTL_PORT:-}" ]
ok "qmp query-status" host-ctl qmp query-status
check "hmp info pci lists the hot-plug root ports" bash -c \
	"host-ctl hmp 'info pci' | grep -q 'PCI bridge'"
check "no edu device at start" bash -c '! grep -qs 0x11e8 /sys/bus/pci/devices/*/device'

ok "device_add edu into rp1" host-ctl qmp device_add '{"driver": "edu", "id": "edu1", "bus": "rp1"}'
check "the guest sees the edu device appear" wait_for 30 edu_present
ok "device_del edu (attention button)" host-ctl qmp device_del '{"id": "edu1"}'
ok "DEVICE_DELETED arrives" host-ctl wait-event DEVICE_DELETED '{"device": "edu1"}' 60
check "the guest no longer has it" bash -c '! grep -qs 0x11e8 /sys/bus/pci/devices/*/device'

before=$(blocks)
ok "object_add a 128 MiB memory backend" host-ctl qmp object-add \
	'{"qom-type": "memory-backend-ram", "id": "mem1", "size": 134217728}'
ok "device_add pc-dimm" host-ctl qmp device_add '{"driver": "pc-dimm", "id": "dimm1", "memdev": "mem1"}'
check "the guest gains memory blocks" wait_for 30 bash -c "[ \$(ls -d /sys/devices/system/memory/memory* | wc -l) -gt $before ]"

fails "a command QEMU does not know is refused" 1 host-ctl qmp no_such_command
fails "a bad request is a usage error" 2 host-ctl frobnicate x
tap_done
