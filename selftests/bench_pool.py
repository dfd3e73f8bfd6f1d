#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Allocator and event benchmarks, run in the guest by make bench
(ftio_bench loaded).

Each comparison runs ROUNDS rounds; in a round, ftio_bench alternates
the reference and ftio's variant in 64 segments and keeps each one's
fastest (ns per operation, with its fraction). The comparison with the
kernel's allocation profiling cannot alternate inside the module (the
switch is a sysctl), so a round alternates PROF_SWITCHES times between
profiling on (the reference: kmalloc+kfree, profiled) and off (tagged
allocation), which goes first alternating, and keeps the fastest of
each. The table gives the median of the per-round ratios with their
min and max; the raw figures go to FTIO_BENCH_OUT/pool.json.
"""

import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
PROF_SWITCHES = 4
RUN = "/sys/kernel/debug/ftio_bench/run"
NCPU = os.cpu_count()
# The profiling kernel (or the debug kernel) has allocation profiling
# built in; Debian's has not.
PROFILED = os.path.exists("/proc/sys/vm/mem_profiling")


def measure(cmd):
    """(ftio, reference) ns per operation of one ftio_bench run."""
    with open(RUN, "w") as f:
        f.write(cmd)
    _, a, b = open(RUN).read().split()
    return float(a), float(b)


def profiling(on):
    with open("/proc/sys/vm/mem_profiling", "w") as f:
        f.write("1" if on else "0")


def pool_set(tag, control, value):
    subprocess.run(["ftioctl", "pool", "set", tag, control, value], check=True,
                   stdout=subprocess.DEVNULL)


def pool_cases():
    """Each size, under a tag of its own, on one CPU and on all."""
    for size, tag in ((64, "B64b"), (256, "B256"), (4096, "B4kb")):
        for cpus, cpu_label in (("1", "1 CPU"), ("all", f"{NCPU} CPUs")):
            yield size, tag, cpus, cpu_label


rows = []


def profiled_round(cmd, n):
    """One round against profiled kmalloc: PROF_SWITCHES switches, each
    a run with profiling on (its reference figure kept) and one with it
    off (its ftio figure kept), in alternating order; the fastest of
    each."""
    a = b = float("inf")
    part = cmd.replace(f" {n} ", f" {max(n // PROF_SWITCHES, 1)} ")
    for i in range(PROF_SWITCHES):
        for on in ((True, False) if i % 2 == 0 else (False, True)):
            profiling(on)
            x, y = measure(part)
            if on:
                b = min(b, y)
            else:
                a = min(a, x)
    profiling(False)
    return a, b


def bench(label, cmd, ref_label, goal=None, profiled_n=None):
    fa, fb, ratios = [], [], []
    for _ in range(ROUNDS):
        a, b = profiled_round(cmd, profiled_n) if profiled_n else measure(cmd)
        fa.append(a)
        fb.append(b)
        ratios.append(a / b)
    rows.append({"label": label, "command": cmd, "reference": ref_label, "goal": goal,
                 "ftio_ns": fa, "ref_ns": fb, "ratios": ratios,
                 "ratio": benchlib.spread(ratios)})
    # As it goes, for a run that does not get to the table.
    print(f"# {label}: ratios {' '.join(f'{r:.3f}' for r in ratios)}", flush=True)


def verdict(ratio, goal):
    """Whether the median meets a goal such as "<= 1.03", to the digit
    printed: a 1.034 is not a 1.03."""
    if not goal:
        return "-"
    op, limit = goal.split()
    ratio = round(ratio, 3)
    return "met" if (ratio <= float(limit) if op == "<=" else ratio < float(limit)) \
        else "NOT met"


def main():
    if PROFILED:
        # Only the comparison with the kernel's allocation profiling: the
        # other ratios are Debian's kernel's.
        profiling(False)
        for size, tag, cpus, cpu_label in pool_cases():
            n = 2000 if size < 4096 else 500
            bench(f"pool {size}B vs profiling, {cpu_label}", f"pool {size} {n} {tag} {cpus}",
                  "kmalloc+kfree, mem_profiling on", "< 1.00", profiled_n=n)
    else:
        for size, tag, cpus, cpu_label in pool_cases():
            n = 200000 if size < 4096 else 50000
            bench(f"pool {size}B, {cpu_label}", f"pool {size} {n} {tag} {cpus}",
                  "kmalloc+kfree", "<= 1.03")
        # What exact counting costs at least on top of kmalloc(): one
        # per-CPU increment per allocation and per free, at a fixed
        # address. (Tagged allocation takes the tag's kmalloc cache, which
        # kmalloc() finds from the size: it can come under this.)
        for size, _, cpus, cpu_label in pool_cases():
            n = 200000 if size < 4096 else 50000
            if cpus == "1":
                bench(f"counting floor {size}B, {cpu_label}", f"floor {size} {n} 1",
                      "kmalloc+kfree (+ 2 per-CPU adds)")
        # A tag whose allocations have several size classes: its frees ask
        # the allocator for the size (ksize()).
        measure("pool 256 1 Bmix 1")
        bench("pool 64B, tag of mixed sizes, 1 CPU", "pool 64 200000 Bmix 1", "kmalloc+kfree")
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
    benchlib.save("pool-profiled" if PROFILED else "pool",
                  {"kernel": kernel, "rounds": ROUNDS, "rows": rows})
    print(f"\nmake bench on {kernel}: {ROUNDS} rounds, ns per operation (medians); "
          "ratio = ftio / reference measured in the same round: median (min-max)\n")
    print(f"{'benchmark':36} {'ftio':>9} {'ref':>9} {'ratio (min-max)':>21}  "
          f"{'goal':8} {'':7}  reference")
    for r in rows:
        med = r["ratio"]["median"]
        print(f"{r['label']:36} {statistics.median(r['ftio_ns']):9.3f} "
              f"{statistics.median(r['ref_ns']):9.3f} {benchlib.fmt_spread(r['ratios']):>21}  "
              f"{r['goal'] or '-':8} {verdict(med, r['goal']):7}  {r['reference']}")


if __name__ == "__main__":
    main()
