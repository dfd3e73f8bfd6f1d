#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest's side of make bench: each benchmark runs for several
# interleaved rounds (in each, the module alternates the reference and
# ftio's variant in 64 segments and keeps each one's fastest); the table
# gives the medians of the per-round ratios.
# FTIO_BENCH_PARTS picks some of them: "pool", "mpio" (default both).
set -eu
parts=" ${FTIO_BENCH_PARTS:-pool mpio} "
if [[ $parts == *" pool "* ]]; then
modprobe ftio_bench
python3 - "${FTIO_BENCH_ROUNDS:-7}" <<'PY'
import os, statistics, subprocess, sys

rounds = int(sys.argv[1])
run = "/sys/kernel/debug/ftio_bench/run"
ncpu = os.cpu_count()
# The profiling kernel (or the debug kernel) has allocation profiling
# built in; Debian's has not.
profiled = os.path.exists("/proc/sys/vm/mem_profiling")


def measure(cmd):
    with open(run, "w") as f:
        f.write(cmd)
    name, a, b = open(run).read().split()
    return int(a), int(b)


def profiling(on):
    with open("/proc/sys/vm/mem_profiling", "w") as f:
        f.write("1" if on else "0")


def pool_set(tag, control, value):
    subprocess.run(["ftioctl", "pool", "set", tag, control, value], check=True,
                   stdout=subprocess.DEVNULL)


def pool_cases():
    """Each size, under a tag of its own, on one CPU and on all."""
    for size, tag in ((64, "B64b"), (256, "B256"), (4096, "B4kb")):
        for cpus, cpu_label in (("1", "1 CPU"), ("all", f"{ncpu} CPUs")):
            yield size, tag, cpus, cpu_label


rows = []


def bench(label, cmd, ref_label, goal=None, ref_profiled=False):
    ratios, fa, fb = [], [], []
    for _ in range(rounds):
        if ref_profiled:
            profiling(True)
            _, b = measure(cmd)
            profiling(False)
            a, _ = measure(cmd)
        else:
            a, b = measure(cmd)
        fa.append(a)
        fb.append(b)
        ratios.append(a / b)
    rows.append((label, statistics.median(fa), statistics.median(fb),
                 statistics.median(ratios), ref_label, goal))
    # As it goes, for a run that does not get to the table.
    print(f"# {label}: ratios {' '.join(f'{r:.3f}' for r in ratios)}", flush=True)


if profiled:
    # Only the comparison with the kernel's allocation profiling: the
    # other ratios are Debian's kernel's.
    profiling(False)
    for size, tag, cpus, cpu_label in pool_cases():
        n = 2000 if size < 4096 else 500
        bench(f"pool {size}B vs profiling, {cpu_label}",
              f"pool {size} {n} {tag} {cpus}",
              "kmalloc+kfree, mem_profiling on", "< 1.00", ref_profiled=True)
else:
    for size, tag, cpus, cpu_label in pool_cases():
        n = 200000 if size < 4096 else 50000
        bench(f"pool {size}B, {cpu_label}", f"pool {size} {n} {tag} {cpus}",
              "kmalloc+kfree", "<= 1.03")
    # What exact counting costs at least on top of kmalloc(): one per-CPU
    # increment per allocation and per free, at a fixed address. (Tagged
    # allocation takes the tag's kmalloc cache, which kmalloc() finds from
    # the size: it can come under this.)
    for size, _, cpus, cpu_label in pool_cases():
        n = 200000 if size < 4096 else 50000
        if cpus == "1":
            bench(f"counting floor {size}B, {cpu_label}", f"floor {size} {n} 1",
                  "kmalloc+kfree (+ 2 per-CPU adds)")
    # A tag whose allocations have several size classes: its frees ask
    # the allocator for the size (ksize()).
    measure("pool 256 1 Bmix 1")
    bench("pool 64B, tag of mixed sizes, 1 CPU", "pool 64 200000 Bmix 1",
          "kmalloc+kfree")
    # The debugging modes last: a control on any tag sends every tag's
    # allocations out of line while it is on.
    pool_set("Bspc", "special", "on")
    pool_set("Btrk", "track", "on")
    for size in (64, 4096):
        bench(f"pool {size}B special pool, 1 CPU", f"pool {size} 2000 Bspc 1",
              "kmalloc+kfree (debugging mode)")
        bench(f"pool {size}B tracking, 1 CPU", f"pool {size} 40000 Btrk 1",
              "kmalloc+kfree (debugging mode)")
    pool_set("Bspc", "special", "off")
    pool_set("Btrk", "track", "off")
    bench("event emission", "events 200000", "spinlocked copy into a ring")

kernel = os.uname().release
print(f"\nmake bench on {kernel}: medians of {rounds} rounds, ns per operation;"
      " ratio = ftio / reference, measured in the same round\n")


def verdict(ratio, goal):
    """Whether the median meets a goal such as "<= 1.03", to the digit
    printed: a 1.034 is not a 1.03."""
    if not goal:
        return "-"
    op, limit = goal.split()
    return "met" if (ratio <= float(limit) if op == "<=" else ratio < float(limit)) \
        else "NOT met"


print(f"{'benchmark':36} {'ftio':>8} {'ref':>8} {'ratio':>7}  {'goal':8} {'':7}  reference")
for label, a, b, ratio, ref, goal in rows:
    ratio = round(ratio, 3)
    print(f"{label:36} {a:8.0f} {b:8.0f} {ratio:7.3f}  {goal or '-':8} "
          f"{verdict(ratio, goal):7}  {ref}")
PY
rmmod ftio_bench
fi
# mpio against raw devices and dm-multipath, on Debian's kernel only.
if [[ $parts == *" mpio "* && ! -e /proc/sys/vm/mem_profiling ]]; then
	python3 "$(dirname "$0")/bench_mpio.py" "${FTIO_BENCH_ROUNDS:-7}"
fi
