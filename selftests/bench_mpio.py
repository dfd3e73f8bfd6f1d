#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mpio benchmarks, run in the guest by make bench.

4k random reads, fio libaio, iodepth 32, one job per vCPU (each pinned to
its own), none scheduler: raw null_blk, mpio over two null_blk paths,
dm-multipath over the same two (request-based and bio-based), and the
floor of any bio-based multipath driver (ftio_remap: a bare remap onto
one null_blk, the same with its completion hooked, and hooked with I/O
statistics, which mpio keeps too). Each device is measured between two
runs of the reference (raw null_blk), and its round's ratio is against
the mean of the two: the guest's speed drifts by a third over tens of
seconds, and a reference next to the device cancels what drifts. The
devices take turns, each round starting one device later; a warm-up run
goes first, as a freshly booted guest runs faster for a while. The
medians of the per-round ratios. The same over QEMU's two-controller
NVMe subsystem: mpio over the two controllers' disks
(nvme_core.multipath=N) between runs of the kernel's native NVMe
multipath (numa policy). Then the failover stall: one of two scsi_debug
paths (50 us responses) goes offline under fio, STALL_FAILS (6) times a
round, each time back in service by hand after STALL_WINDOW_MS (400) ms,
and for each failure the worst latency of the reads that failed over,
found by their sectors among the requests the block layer's tracepoints
saw fail on that path or requeued on the multipath device, matched in
fio's per-I/O log; beside it the worst of any read in the
STALL_WINDOW_MS after the failure and before it, where the guest's own
hiccups (5 to 30 ms under TCG) show. mpio against dm-multipath
(request-based, as multipathd sets it up), alternating (each goes first
in every other round): the median of FTIO_BENCH_STALL_ROUNDS (9)
rounds' worst, and of every failure's.

The raw data (every run's IOPS, every round's ratios, every failure's
latencies) goes to FTIO_BENCH_OUT/mpio.json and each stall round's
per-I/O fio log, gzipped, beside it (stall-KIND-rROUND.log.gz, with the
failures' times in mpio.json), from which selftests/bench_plot.py draws
IOPS and latency across the failures.
"""

import glob
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
STALL_ROUNDS = int(os.environ.get("FTIO_BENCH_STALL_ROUNDS", "9"))
STALL_FAILS = int(os.environ.get("FTIO_BENCH_STALL_FAILS", "6"))
STALL_LEAD_S = 2
STALL_PERIOD_S = 1.0
STALL_WINDOW_MS = 400
RUNTIME = int(os.environ.get("FTIO_BENCH_RUNTIME", "5"))
NCPU = os.cpu_count()
ENV = dict(os.environ, DM_DISABLE_UDEV="1")


def sh(cmd, check=True):
    r = subprocess.run(cmd, shell=True, text=True, capture_output=True, env=ENV)
    if check and r.returncode:
        raise SystemExit(f"bench: {cmd}: {r.stderr.strip()}")
    return r.stdout.strip()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def fio(dev, extra="", runtime=RUNTIME):
    # One job per vCPU, each on its own: where the guest's scheduler puts
    # them is then not one more thing that varies between runs.
    out = sh(f"fio --name=b --filename={dev} --rw=randread --bs=4k --ioengine=libaio "
             f"--iodepth=32 --numjobs={NCPU} --cpus_allowed=0-{NCPU - 1} "
             f"--cpus_allowed_policy=split --direct=1 --time_based "
             f"--runtime={runtime} --group_reporting --output-format=json {extra}")
    job = json.loads(out[out.index("{"):])["jobs"][0]
    return job


def iops(dev):
    return fio(dev)["read"]["iops"]


def sectors(dev):
    return int(sh(f"blockdev --getsz {dev}"))


def mpio_up(paths):
    write("/sys/kernel/ftio/mpio/create", "bench")
    for p in paths:
        write("/sys/block/mpio0/mpio/add_path", p)
    return "/dev/mpio0"


def mpio_down():
    write("/sys/kernel/ftio/mpio/delete", "bench")


def bracketed_rounds(ref, runs):
    """ROUNDS rounds of each (name, run) of @runs, each run between two
    of the reference @ref (a run of it serves the devices on both of its
    sides); each round starts one device later. Returns the results of
    each device by name, under "ref" the reference's, and the per-round
    ratios of each device to the mean of the reference runs around it."""
    values = {name: [] for name, _ in runs}
    values["ref"] = [ref()]
    ratios = {name: [] for name, _ in runs}
    for r in range(ROUNDS):
        k = r % len(runs)
        for name, run in runs[k:] + runs[:k]:
            values[name].append(run())
            values["ref"].append(ref())
            ratios[name].append(values[name][-1] / statistics.mean(values["ref"][-2:]))
    return values, ratios


class Ratio(float):
    """A median of per-round ratios that keeps the ratios (.values)."""


def median_ratio(ratios, label=None):
    """The median of per-round @ratios (a Ratio); with @label, the ratios
    behind it are printed too, as the pool rows show them."""
    if label:
        print(f"# {label}: ratios {' '.join(f'{r:.3f}' for r in ratios)}", flush=True)
    r = Ratio(statistics.median(ratios))
    r.values = list(ratios)
    return r


def rng(r):
    """'(min-max)' of the ratios behind a median."""
    return f"({min(r.values):.2f}-{max(r.values):.2f})"


def mpio_iops(paths):
    """IOPS of an mpio device over @paths, made for the run."""
    try:
        return iops(mpio_up(paths))
    finally:
        mpio_down()


def devt(node):
    """(major, minor) of the block device node @node."""
    rdev = os.stat(node).st_rdev
    return os.major(rdev), os.minor(rdev)


def disk_of(node):
    """The name in /sys/block of the block device node @node."""
    return os.path.basename(os.path.realpath("/sys/dev/block/%d:%d" % devt(node)))


def dm_up(paths, bio):
    size = sectors(paths[0])
    feats = "2 queue_mode bio" if bio else "0"
    table = (f"0 {size} multipath {feats} 0 1 1 round-robin 0 {len(paths)} 1 " +
             " ".join(f"{p} 1" for p in paths))
    sh(f"dmsetup create benchmp --table '{table}'")
    sh("dmsetup mknodes benchmp")
    # Without udev, /dev/mapper/benchmp is a node, not a link to dm-N.
    # Request-based dm gets an I/O scheduler by default; bio-based has none.
    if not bio:
        write(f"/sys/block/{disk_of('/dev/mapper/benchmp')}/queue/scheduler", "none")
    return "/dev/mapper/benchmp"


def dm_down():
    sh("dmsetup remove benchmp")


def remap(hook, iostats=False):
    """fio on ftio_remap over nullb0, bare or with its completion hooked
    (and then, with @iostats, each bio accounted on the disk)."""
    sh(f"modprobe ftio_remap path=/dev/nullb0 hook={'Y' if hook else 'N'} "
       f"iostats={'Y' if iostats else 'N'}")
    try:
        return iops("/dev/ftremap0")
    finally:
        sh("modprobe -r ftio_remap")


def throughput():
    sh("modprobe -r null_blk", check=False)
    sh("modprobe null_blk nr_devices=2 gb=4 irqmode=0 queue_mode=2")
    sh("modprobe dm_multipath")
    sh("modprobe ftio_mpio")
    for n in ("nullb0", "nullb1"):
        write(f"/sys/block/{n}/queue/scheduler", "none")
    paths = ["/dev/nullb0", "/dev/nullb1"]

    def on_dm(bio):
        try:
            return iops(dm_up(paths, bio))
        finally:
            dm_down()

    def raw():
        return iops("/dev/nullb0")

    fio("/dev/nullb0", runtime=3 * RUNTIME)  # warm-up
    runs = [("remap", lambda: remap(False)), ("hooked", lambda: remap(True)),
            ("stats", lambda: remap(True, True)), ("mpio", lambda: mpio_iops(paths)),
            ("dm-rq", lambda: on_dm(False)), ("dm-bio", lambda: on_dm(True))]
    values, rows = bracketed_rounds(raw, runs)
    benchlib.save("mpio-throughput", {"iops": values, "ratios_to_raw": rows})
    r_raw = median_ratio(rows["mpio"], "mpio / raw")
    r_dm = median_ratio([m / max(a, b) for m, a, b in
                         zip(rows["mpio"], rows["dm-rq"], rows["dm-bio"])],
                        "mpio / better dm-multipath")
    dm_rq = median_ratio(rows["dm-rq"])
    dm_bio = median_ratio(rows["dm-bio"])
    floor = {k: median_ratio(rows[k]) for k in ("remap", "hooked", "stats")}
    r_floor = median_ratio([m / f for m, f in zip(rows["mpio"], rows["stats"])],
                           "mpio / remap, hooked, I/O statistics")
    sh("modprobe -r null_blk", check=False)
    med = {k: statistics.median(v) for k, v in values.items()}
    med["raw"] = med.pop("ref")
    return med, r_raw, r_dm, dm_rq, dm_bio, floor, r_floor


NVME_NQN = "nqn.2019-08.org.qemu:ftio-mpio"


def nvme_load(native):
    """Reload the NVMe driver with or without native multipath; the disks
    of the subsystem: one multipath head, or one disk per controller."""
    sh("modprobe -r nvme nvme_core", check=False)
    sh(f"modprobe nvme_core multipath={'Y' if native else 'N'}")
    sh("modprobe nvme")
    want = 1 if native else 2
    for _ in range(600):
        disks = []
        for d in sorted(os.listdir("/sys/block")):
            # nvmeXcYnZ: the hidden per-controller disks below a head
            if re.fullmatch(r"nvme\d+c\d+n\d+", d):
                continue
            try:
                nqn = open(f"/sys/block/{d}/device/subsysnqn").read().strip()
            except OSError:
                continue
            if nqn == NVME_NQN:
                disks.append(f"/dev/{d}")
        if len(disks) == want:
            return disks
        time.sleep(0.1)
    raise SystemExit(f"bench: the NVMe subsystem's disks did not show up (native={native})")


def nvme_native():
    dev = nvme_load(True)[0]
    for sub in os.listdir("/sys/class/nvme-subsystem"):
        try:
            write(f"/sys/class/nvme-subsystem/{sub}/iopolicy", "numa")
        except OSError:
            pass
    return iops(dev)


def nvme_mpio():
    return mpio_iops(nvme_load(False))


def nvme():
    """mpio over two NVMe controllers, each run between two of native NVMe
    multipath."""
    values, rows = bracketed_rounds(nvme_native, [("mpio", nvme_mpio)])
    benchlib.save("mpio-nvme", {"iops": values, "ratios_to_native": rows})
    sh("modprobe -r nvme nvme_core", check=False)
    med = {"native": statistics.median(values["ref"]), "mpio": statistics.median(values["mpio"])}
    return med, median_ratio(rows["mpio"], "mpio / native NVMe multipath")


TRACING = "/sys/kernel/tracing"
TRACE_COMPLETE = f"{TRACING}/events/block/block_rq_complete"
TRACE_REQUEUE = f"{TRACING}/events/block/block_rq_requeue"
# A request that completed with an error, or was put back to be sent
# again: device, sector.
RQ_FAILED = re.compile(r"block_rq_(?:complete|requeue): (\d+),(\d+) \S+ \(\S*\) (\d+) \+ \d+ \S+ \[(-?\d+)\]")


def tracing_start():
    """Record the block layer's failed and requeued requests."""
    write(f"{TRACE_COMPLETE}/filter", "error != 0")
    write(f"{TRACE_COMPLETE}/enable", "1")
    write(f"{TRACE_REQUEUE}/enable", "1")


def tracing_clear():
    """Empty the buffer; recording goes on."""
    write(f"{TRACING}/trace", "")


def tracing_take(devts):
    """The sectors of the requests recorded since the buffer was last
    emptied on the devices @devts ((major, minor) pairs)."""
    sectors = set()
    with open(f"{TRACING}/trace") as f:
        for line in f:
            m = RQ_FAILED.search(line)
            if m and (int(m[1]), int(m[2])) in devts:
                sectors.add(int(m[3]))
    return sectors


def tracing_stop():
    write(f"{TRACE_COMPLETE}/enable", "0")
    write(f"{TRACE_REQUEUE}/enable", "0")
    write(f"{TRACE_COMPLETE}/filter", "0")


def stall(kind, rnd):
    """One path of two goes offline under load, STALL_FAILS times, each
    time back in service (by hand) before the next. Returns one tuple per
    failure: the worst latency (ms) of the reads that failed over and
    their number, the worst latency of any read completing in the
    STALL_WINDOW_MS after the failure and of any in the STALL_WINDOW_MS
    before it; and fio's error count. A read that failed over is one
    whose sector the block layer's tracepoints saw fail on the offline
    path (mpio sends the reads themselves down) or requeued on the
    multipath device (request-based dm-multipath sends clones, and a
    clone the path refuses is never completed: its original is
    requeued)."""
    sh("modprobe -r scsi_debug", check=False)
    sh("modprobe sd_mod")
    # ndelay: a 50 us response from a high-resolution timer, where the
    # default (one jiffy, 4 ms) would round every latency to the tick.
    sh("modprobe scsi_debug add_host=2 vpd_use_hostno=0 dev_size_mb=256 ndelay=50000")
    time.sleep(2)
    disks = sorted(d for d in os.listdir("/sys/block") if d.startswith("sd"))
    paths = [f"/dev/{d}" for d in disks[:2]]
    dev = mpio_up(paths) if kind == "mpio" else dm_up(paths, False)
    watch = {devt(paths[0]), devt(dev)}
    if kind == "mpio":
        write("/sys/block/mpio0/mpio/no_path_retry", "-1")
    log = f"/tmp/ftio-stall-{kind}"
    runtime = STALL_LEAD_S + STALL_FAILS * STALL_PERIOD_S + 1
    tracing_start()
    proc = subprocess.Popen(
        f"fio --name=s --filename={dev} --rw=randread --bs=4k --ioengine=libaio "
        f"--iodepth=16 --numjobs=1 --direct=1 --time_based --runtime={runtime} "
        f"--write_lat_log={log} --log_avg_msec=0 --log_unix_epoch=1 --log_offset=1 "
        f"--output-format=json", shell=True, text=True, stdout=subprocess.PIPE)
    time.sleep(STALL_LEAD_S)
    fails = []
    for _ in range(STALL_FAILS):
        tracing_clear()
        t0 = time.time()
        write(f"/sys/block/{disks[0]}/device/state", "offline\n")
        time.sleep(STALL_WINDOW_MS / 1000)
        failed = {512 * s for s in tracing_take(watch)}
        write(f"/sys/block/{disks[0]}/device/state", "running\n")
        # Back in service by hand, as an administrator would (neither
        # has a health check that would be in time).
        if kind == "mpio":
            write("/sys/block/mpio0/mpio/paths/0/state", "active")
        else:
            sh(f"dmsetup message benchmp 0 reinstate_path {paths[0]}")
        fails.append((t0 * 1000, failed))
        time.sleep(max(0, t0 + STALL_PERIOD_S - time.time()))
    out, _ = proc.communicate()
    tracing_stop()
    job = json.loads(out[out.index("{"):])["jobs"][0]
    errors = job["error"]
    # Per-I/O log: completion time (ms, Unix epoch), latency (ns),
    # direction, block size, offset (bytes). A read that failed over
    # completes after its failure at an offset the path failed; the
    # first such completion of each offset is its own (an offset read
    # again later is another read).
    res = [{"over": 0.0, "after": 0.0, "before": 0.0, "seen": set()} for _ in fails]
    with open(f"{log}_clat.1.log") as f:
        for line in f:
            fields = [int(x) for x in line.split(",")[:5]]
            when, lat, offset = fields[0], fields[1] / 1e6, fields[4]
            for (failed_at, failed), r in zip(fails, res):
                if failed_at <= when <= failed_at + STALL_WINDOW_MS:
                    r["after"] = max(r["after"], lat)
                    if offset in failed and offset not in r["seen"]:
                        r["seen"].add(offset)
                        r["over"] = max(r["over"], lat)
                elif failed_at - STALL_WINDOW_MS <= when < failed_at:
                    r["before"] = max(r["before"], lat)
    with open(f"{log}_clat.1.log", "rb") as src, \
            gzip.open(benchlib.out_path(f"stall-{kind}-r{rnd}.log.gz"), "wb") as dst:
        shutil.copyfileobj(src, dst)
    for f in glob.glob(f"{log}_*.log"):
        os.unlink(f)
    if kind == "mpio":
        mpio_down()
    else:
        dm_down()
    sh("modprobe -r scsi_debug", check=False)
    return [(r["over"], len(r["seen"]), r["after"], r["before"]) for r in res], errors, \
        [t for t, _ in fails]


def main():
    med, r_raw, r_dm, dm_rq, dm_bio, floor, r_floor = throughput()
    nmed, r_nvme = nvme()
    # A round's stall is the worst latency of the reads that failed over
    # at any of its failures; the median of the rounds, mpio and
    # dm-multipath alternating. Beside it the median of the failures'
    # own worst, the typical failover. A failure where no read failed
    # over (the health probe found the path down first) has no stall.
    # The path fails again and again within seconds: mpio's marginal and
    # flapping logic, which would keep it out of service (dm-multipath
    # has none without multipathd), is off meanwhile.
    sh("modprobe ftio_mpio")
    params = "/sys/module/ftio_mpio/parameters"
    saved = {k: open(f"{params}/{k}").read().strip() for k in ("marginal_fails", "flap_fails")}
    for k in saved:
        write(f"{params}/{k}", "0")
    st = {"mpio": [], "dm": []}
    round_worst = {"mpio": [], "dm": []}
    n_over = {"mpio": [], "dm": []}
    st_after = {"mpio": [], "dm": []}
    st_before = {"mpio": [], "dm": []}
    errs = {"mpio": 0, "dm": 0}
    raw = {"mpio": [], "dm": []}
    for r in range(STALL_ROUNDS):
        for kind in ("mpio", "dm") if r % 2 == 0 else ("dm", "mpio"):
            fails, errors, times = stall(kind, r)
            raw[kind].append({"round": r, "fail_times_ms": times, "errors": errors,
                              "log": f"stall-{kind}-r{r}.log.gz",
                              "failures": [dict(zip(("worst_failed_over_ms", "reads_failed_over",
                                                     "worst_after_ms", "worst_before_ms"), f))
                                           for f in fails]})
            over = [worst_over for worst_over, n, _, _ in fails if n]
            st[kind] += over
            if over:
                round_worst[kind].append(max(over))
            for _, n, worst, worst_before in fails:
                n_over[kind].append(n)
                st_after[kind].append(worst)
                st_before[kind].append(worst_before)
            errs[kind] += errors
    for k, v in saved.items():
        write(f"{params}/{k}", v)
    benchlib.save("mpio-stall", {"window_ms": STALL_WINDOW_MS, "fails_per_round": STALL_FAILS,
                                 "rounds": raw})
    print(f"\nmpio benchmarks on {os.uname().release}, {NCPU} vCPUs: 4k randread, "
          f"libaio, iodepth 32, {NCPU} jobs; medians of {ROUNDS} rounds, each device between two runs of the reference\n")
    print(f"{'device':34} {'IOPS':>9}")
    for k, label in (("raw", "null_blk (raw)"), ("mpio", "mpio over 2 null_blk"),
                     ("dm-rq", "dm-multipath, request-based"),
                     ("dm-bio", "dm-multipath, bio-based"),
                     ("remap", "bare remap onto 1 null_blk"),
                     ("hooked", "remap, completion hooked"),
                     ("stats", "remap, hooked, I/O statistics")):
        print(f"{label:34} {med[k]:9.0f}")
    print()
    print(f"{'ratio (median of the rounds, min-max)':44} {'value':>6} {'':11}  goal")
    print(f"{'mpio / raw null_blk':44} {r_raw:6.2f} {rng(r_raw):>11}  >= 0.85")
    print(f"{'dm-multipath request-based / raw':44} {dm_rq:6.2f} {rng(dm_rq):>11}  (reference)")
    print(f"{'dm-multipath bio-based / raw':44} {dm_bio:6.2f} {rng(dm_bio):>11}  (reference)")
    print(f"{'bare remap / raw':44} {floor['remap']:6.2f} {rng(floor['remap']):>11}  (floor of bio-based stacking)")
    print(f"{'remap, completion hooked / raw':44} {floor['hooked']:6.2f} {rng(floor['hooked']):>11}  (floor with failover's hook)")
    print(f"{'remap, hooked, I/O statistics / raw':44} {floor['stats']:6.2f} {rng(floor['stats']):>11}  "
          "(the same, accounting as mpio does)")
    print(f"{'mpio / remap, hooked, I/O statistics':44} {r_floor:6.2f} {rng(r_floor):>11}  (what mpio adds to it)")
    print(f"{'mpio / better dm-multipath':44} {r_dm:6.2f} {rng(r_dm):>11}  >= 1.15")
    print()
    print(f"{'device (QEMU NVMe, 2 controllers)':34} {'IOPS':>9}")
    print(f"{'native NVMe multipath, numa':34} {nmed['native']:9.0f}")
    print(f"{'mpio over the 2 controllers':34} {nmed['mpio']:9.0f}")
    print(f"{'mpio / native NVMe multipath':44} {r_nvme:6.2f} {rng(r_nvme):>11}  >= 1.00")
    print()
    print(f"failover stall: one of two scsi_debug paths offline under fio (4k randread, "
          f"iodepth 16), {STALL_FAILS} times a round, back after {STALL_WINDOW_MS} ms; "
          f"{STALL_ROUNDS} rounds, alternating; medians")
    print(f"{'':14} {'reads that failed over, ms':>29}   {'any read, worst ms':>24}  errors")
    print(f"{'':14} {'round worst':>11} {'failure worst':>14} {'reads':>5}   "
          f"{f'{STALL_WINDOW_MS} ms after':>12} {'before':>11}")
    s_med = {}
    for kind, label in (("mpio", "mpio"), ("dm", "dm-multipath")):
        s_med[kind] = statistics.median(round_worst[kind]) if round_worst[kind] else float("nan")
        typical = statistics.median(st[kind]) if st[kind] else float("nan")
        print(f"{label:14} {s_med[kind]:11.2f} {typical:14.2f} {statistics.median(n_over[kind]):5.0f}   "
              f"{statistics.median(st_after[kind]):12.1f} "
              f"{statistics.median(st_before[kind]):11.1f}  {errs[kind]}")
        print(f"{'':14} rounds: {' '.join(f'{v:.2f}' for v in round_worst[kind])}")
        print(f"{'':14} failures with a read failed over: {len(st[kind])} of "
              f"{len(n_over[kind])}")
    met = s_med["mpio"] < s_med["dm"]
    print(f"{'goal: mpio lower (round worst)':44} {'met' if met else 'NOT met':>8}")


if __name__ == "__main__":
    main()
