#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hot unplug and plug of QEMU's edu (root port rp1) while a user program
# moves data through /dev/ftio-edu0 and asks for factorials: cycles of
# device_del/device_add (FTIO_EDU_CYCLES, 10 by default; make check-full
# runs 100). The program only ever sees its data and results right, or
# ENODEV/EIO/ENOENT while the device is away, and works again after each
# plug; no DMA mapping or buffer is left (pool tags Hdma, Edub); the
# events count one removal and one insertion a cycle. The runner's leak
# scan and the debug kernel's sanitizers judge the rest.
. "$(dirname "$0")/../lib/ftio.sh"

io=$(dirname "$0")/edu_io.py
tmp=$(mktemp -d)
cycles=${FTIO_EDU_CYCLES:-$([ "${FTIO_SOAK:-0}" = 1 ] && echo 100 || echo 10)}
ftio_unload_all
check "the control port is there" [ -n "${FTIO_CTL_PORT:-}" ]
ok "ftio_harden loads" modprobe ftio_harden
ok "ftio_edu loads" modprobe ftio_edu

n_events() { [ "$(ftioctl events | grep -cE " harden +[^ ]+ +$1 ")" = "$2" ]; }
# live objects of a pool tag (0 when the tag has none)
live() { ftioctl -j pool show | python3 -c "
import json, sys
rows = [r for r in json.load(sys.stdin) if r['tag'] == '$1']
print(rows[0]['live_objects'] if rows else 0)"; }
# the load's progress: works done so far (it writes them at the end only,
# so progress is seen from the device's DMA counter)
maps() { cat /sys/kernel/ftio/harden/*/counters/dma_maps 2>/dev/null || echo 0; }
more_maps() { [ "$(maps)" -gt "$1" ]; }

ok "plug edu into rp1" edu_plug
check "/dev/ftio-edu0 appears" wait_for 30 test -c /dev/ftio-edu0
"$io" /dev/ftio-edu0 load "$tmp/stop" "$tmp/load.json" &
loader=$!
check "the load moves data" wait_for 30 more_maps 2

bad=0
for c in $(seq "$cycles"); do
	edu_unplug || { note "cycle $c: unplug failed"; bad=$((bad + 1)); break; }
	wait_for 10 bash -c '! test -e /dev/ftio-edu0' || { note "cycle $c: the device stayed"; bad=$((bad + 1)); }
	edu_plug || { note "cycle $c: plug failed"; bad=$((bad + 1)); break; }
	wait_for 30 test -c /dev/ftio-edu0 || { note "cycle $c: the device did not come back"; bad=$((bad + 1)); break; }
	# The load works on the new adapter before the next cycle.
	wait_for 30 more_maps 2 || { note "cycle $c: no I/O after the plug"; bad=$((bad + 1)); }
done
check "$cycles cycles of unplug and plug under load" [ "$bad" = 0 ]
touch "$tmp/stop"
check "the load ends" wait_for 30 bash -c "! kill -0 $loader 2>/dev/null"
wait "$loader"
check "the load's data and results were always right" python3 - "$tmp/load.json" "$cycles" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print("#", s)
cycles = int(sys.argv[2])
assert s["bad_data"] == 0 and s["bad_fact"] == 0, s
assert set(s["errors"]) <= {"ENODEV", "EIO", "ENOENT"}, s
# it opened the device once, then again after each edu_plug
assert s["opened"] == cycles + 1, s
assert s["rw"] > cycles and s["fact"] > cycles, s
PY
check "one component-removed a cycle" n_events component-removed "$cycles"
check "and one component-inserted a cycle, and the first" n_events component-inserted "$((cycles + 1))"
ok "unplug at the end" edu_unplug
check "no DMA mapping record left (Hdma)" [ "$(live Hdma)" = 0 ]
check "no edu buffer left (Edub)" [ "$(live Edub)" = 0 ]
ok "ftio_edu unloads" rmmod ftio_edu
ok "ftio_harden unloads" rmmod ftio_harden
tap_done
