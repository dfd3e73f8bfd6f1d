#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ftio_edu on the hardening shim, with QEMU's edu plugged into root port
# rp1 by the host: data through DMA and a factorial through MMIO and an
# interrupt; an operator's isolate (I/O fails with EIO, the device is not
# touched) and online (reset, reinit, I/O again); AER fatal errors
# recovered, then one past the reset budget (failed); bad writes to sysfs
# refused; hot unplug with the device open (ENODEV, the adapter gone, the
# events told), and plugged back.
. "$(dirname "$0")/../lib/ftio.sh"

io=$(dirname "$0")/edu_io.py
ftio_unload_all
check "the control port is there" [ -n "${FTIO_CTL_PORT:-}" ]
ok "ftio_harden loads" modprobe ftio_harden
ok "ftio_edu loads" modprobe ftio_edu

edu_addr() {
	local d
	for d in /sys/bus/pci/devices/*; do
		is "$d/vendor" 0x1234 && is "$d/device" 0x11e8 && basename "$d"
	done
}
counter() { cat "$h/counters/$1"; }
events_of() { ftioctl events | grep -c "$1.*$addr"; }

ok "plug edu into rp1" edu_plug
check "/dev/ftio-edu0 appears" wait_for 30 test -c /dev/ftio-edu0
addr=$(edu_addr)
h=/sys/kernel/ftio/harden/$addr
note "edu at $addr"
check "the adapter is under the shim, online" is "$h/state" online
check "its driver is ftio_edu" is "$h/driver" ftio_edu
check "component-inserted names it" [ "$(events_of component-inserted)" = 1 ]

ok "a 4095-byte round trip by DMA" "$io" /dev/ftio-edu0 rw 1
check "10! from the device" [ "$("$io" /dev/ftio-edu0 fact 10)" = 3628800 ]
check "two DMA mappings made through the shim" [ "$(counter dma_maps)" = 2 ]
check "none left mapped" is "$h/dma_live" 0
check "interrupts reached the driver" [ "$(counter irqs)" -ge 3 ]

ok "an operator isolates it" bash -c "echo isolated > $h/state"
check "it is isolated" is "$h/state" isolated
check "with the operator as reason" is "$h/reason" "isolated by an operator"
fails "I/O on an isolated adapter: EIO" 5 "$io" /dev/ftio-edu0 rw 2
fails "a factorial too" 5 "$io" /dev/ftio-edu0 fact 5
check "component-broken names it" [ "$(events_of component-broken)" = 1 ]
ok "isolating it again changes nothing" bash -c "echo isolated > $h/state"
check "isolated once" [ "$(counter isolations)" = 1 ]
ok "an operator brings it online (reset, reinit)" bash -c "echo online > $h/state"
check "it is online" is "$h/state" online
check "one reset" [ "$(counter resets)" = 1 ]
check "component-fixed names it" [ "$(events_of component-fixed)" = 1 ]
ok "I/O works again" "$io" /dev/ftio-edu0 rw 3
check "12! from the device" [ "$("$io" /dev/ftio-edu0 fact 12)" = 479001600 ]

# AER: a fatal error on the root port. The PCI core's recovery calls the
# shim's handlers: isolated, the slot reset, the driver's reinit, online.
aer_fatal() { host-ctl hmp "pcie_aer_inject_error rp1 0x10"; }
n_events() { [ "$(events_of "$1")" = "$2" ]; }
ok "a fatal error on the root port (AER)" aer_fatal
check "recovery brings it back: component-fixed again" wait_for 60 n_events component-fixed 2
check "after component-broken" [ "$(events_of component-broken)" = 2 ]
check "it is online" is "$h/state" online
check "isolated twice in all" [ "$(counter isolations)" = 2 ]
ok "I/O works after the recovery" "$io" /dev/ftio-edu0 rw 6
ok "a budget of one reset in ten minutes" bash -c "echo 1 > $h/reset_budget"
ok "a second fatal error" aer_fatal
check "past its budget the adapter is failed" wait_for 60 is "$h/state" failed
check "and says why" grep -q "reset budget spent" "$h/reason"
fails "I/O on a failed adapter: EIO" 5 "$io" /dev/ftio-edu0 rw 7
ok "an operator brings it online" bash -c "echo online > $h/state"
check "it is online" is "$h/state" online
ok "I/O works again" "$io" /dev/ftio-edu0 rw 8
ok "the budget back to 3" bash -c "echo 3 > $h/reset_budget"

fails "an unknown state is refused" 1 bash -c "echo bogus > $h/state"
fails "failed cannot be written" 1 bash -c "echo failed > $h/state"
fails "a reset budget out of range is refused" 1 bash -c "echo 99 > $h/reset_budget"
fails "as are reinit tries of 0" 1 bash -c "echo 0 > $h/reinit_tries"
check "the state is unchanged" is "$h/state" online
check "the budget is unchanged" is "$h/reset_budget" 3
fails "an ioctl it does not know: ENOTTY" 25 python3 -c "
import fcntl, os, sys
fd = os.open('/dev/ftio-edu0', os.O_RDWR)
try:
    fcntl.ioctl(fd, 0x1234)
except OSError as e:
    sys.exit(e.errno)"
fails "a write past the buffer: ENOSPC" 28 python3 -c "
import os, sys
fd = os.open('/dev/ftio-edu0', os.O_RDWR)
try:
    os.pwrite(fd, b'x', 4095)
except OSError as e:
    sys.exit(e.errno)"

exec 7<>/dev/ftio-edu0
ok "unplug edu with the device open" edu_unplug
check "/dev/ftio-edu0 is gone" wait_for 10 bash -c "! test -e /dev/ftio-edu0"
check "so is the adapter's directory" wait_for 10 bash -c "! test -e $h"
fails "the open file gets ENODEV" 19 "$io" FD:7 rw 4
exec 7>&-
check "component-removed names it" [ "$(events_of component-removed)" = 1 ]

ok "plug it back" edu_plug
check "/dev/ftio-edu0 is back" wait_for 30 test -c /dev/ftio-edu0
check "online again" wait_for 10 is "$h/state" online
ok "I/O through the new adapter" "$io" /dev/ftio-edu0 rw 5
ok "unplug it at the end" edu_unplug
ok "ftio_edu unloads" rmmod ftio_edu
ok "ftio_harden unloads" rmmod ftio_harden
tap_done
