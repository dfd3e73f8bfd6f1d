#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest's side of make bench: runs each benchmark for several
# interleaved rounds and prints one table of medians.
set -eu
rounds=${FTIO_BENCH_ROUNDS:-7}
modprobe ftio_bench
results=$(mktemp)
for r in $(seq "$rounds"); do
	echo "events 200000" >/sys/kernel/debug/ftio_bench/run
	cat /sys/kernel/debug/ftio_bench/run >>"$results"
done
rmmod ftio_bench ftio_core
python3 - "$results" "$rounds" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, ftio, ref = line.split()
    rows.setdefault(name, []).append((int(ftio), int(ref)))
what = {
    "events": ("ftio_event_emit()", "spinlocked copy into a ring"),
}
print(f"\nmedians of {sys.argv[2]} rounds (ns per operation; ratio = ftio / reference)\n")
print(f"{'benchmark':10} {'ftio':>8} {'reference':>10} {'ratio':>7}  reference is")
for name, vals in rows.items():
    f = statistics.median(v[0] for v in vals)
    r = statistics.median(v[1] for v in vals)
    ratio = statistics.median(v[0] / v[1] for v in vals if v[1])
    print(f"{name:10} {f:8.0f} {r:10.0f} {ratio:7.2f}  {what[name][1]}")
PY
