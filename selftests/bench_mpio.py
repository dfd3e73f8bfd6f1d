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
multipath (numa policy). Then the failover stall: the
worst latency of the reads that complete in the STALL_WINDOW_MS (2000) ms
after one of two scsi_debug paths goes offline under load (from fio's
per-I/O latency log), and for reference the worst of the STALL_WINDOW_MS
before the failure and of the whole 8 s run; mpio against dm-multipath,
alternating (each goes first in every other round), the median of
FTIO_BENCH_STALL_ROUNDS (9) rounds: a worst latency is one sample, and
under TCG single rounds range over a factor of three.
"""

import glob
import json
import os
import re
import statistics
import subprocess
import sys
import time

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
STALL_ROUNDS = int(os.environ.get("FTIO_BENCH_STALL_ROUNDS", "9"))
STALL_WINDOW_MS = 2000
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


def median_ratio(ratios, label=None):
    """The median of per-round @ratios; with @label, the ratios behind
    it are printed too, as the pool rows show them."""
    if label:
        print(f"# {label}: ratios {' '.join(f'{r:.3f}' for r in ratios)}", flush=True)
    return statistics.median(ratios)


def mpio_iops(paths):
    """IOPS of an mpio device over @paths, made for the run."""
    try:
        return iops(mpio_up(paths))
    finally:
        mpio_down()


def dm_up(paths, bio):
    size = sectors(paths[0])
    feats = "2 queue_mode bio" if bio else "0"
    table = (f"0 {size} multipath {feats} 0 1 1 round-robin 0 {len(paths)} 1 " +
             " ".join(f"{p} 1" for p in paths))
    sh(f"dmsetup create benchmp --table '{table}'")
    sh("dmsetup mknodes benchmp")
    dm = os.path.basename(os.path.realpath("/dev/mapper/benchmp"))
    try:
        write(f"/sys/block/{dm}/queue/scheduler", "none")
    except OSError:
        pass
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
    sh("modprobe -r nvme nvme_core", check=False)
    med = {"native": statistics.median(values["ref"]), "mpio": statistics.median(values["mpio"])}
    return med, median_ratio(rows["mpio"], "mpio / native NVMe multipath")


def stall(kind):
    """Worst read latency (ms) of the reads completing in the window after
    a path goes offline under load, and of the whole run."""
    sh("modprobe -r scsi_debug", check=False)
    sh("modprobe sd_mod")
    sh("modprobe scsi_debug add_host=2 vpd_use_hostno=0 dev_size_mb=256")
    time.sleep(2)
    disks = sorted(os.listdir("/sys/bus/scsi/drivers/sd") and
                   [d for d in os.listdir("/sys/block") if d.startswith("sd")])
    paths = [f"/dev/{d}" for d in disks[:2]]
    dev = mpio_up(paths) if kind == "mpio" else dm_up(paths, False)
    if kind == "mpio":
        write("/sys/block/mpio0/mpio/no_path_retry", "-1")
    log = f"/tmp/ftio-stall-{kind}"
    proc = subprocess.Popen(
        f"fio --name=s --filename={dev} --rw=randread --bs=4k --ioengine=libaio "
        f"--iodepth=16 --numjobs=1 --direct=1 --time_based --runtime=8 "
        f"--write_lat_log={log} --log_avg_msec=0 --log_unix_epoch=1 "
        f"--output-format=json", shell=True, text=True, stdout=subprocess.PIPE)
    time.sleep(3)
    failed_at = time.time() * 1000
    write(f"/sys/block/{disks[0]}/device/state", "offline\n")
    out, _ = proc.communicate()
    write(f"/sys/block/{disks[0]}/device/state", "running\n")
    job = json.loads(out[out.index("{"):])["jobs"][0]
    worst_run = job["read"]["clat_ns"]["max"] / 1e6
    errors = job["error"]
    # Per-I/O log: completion time (ms, Unix epoch), latency (ns), ...
    # The window before the failure is the same run without one: its
    # worst is what the guest's own hiccups give.
    worst = worst_before = 0
    with open(f"{log}_clat.1.log") as f:
        for line in f:
            when, value = line.split(",")[:2]
            if failed_at <= int(when) <= failed_at + STALL_WINDOW_MS:
                worst = max(worst, int(value) / 1e6)
            elif failed_at - STALL_WINDOW_MS <= int(when) < failed_at:
                worst_before = max(worst_before, int(value) / 1e6)
    for f in glob.glob(f"{log}_*.log"):
        os.unlink(f)
    if kind == "mpio":
        mpio_down()
    else:
        dm_down()
    sh("modprobe -r scsi_debug", check=False)
    return worst, worst_before, worst_run, errors


def main():
    med, r_raw, r_dm, dm_rq, dm_bio, floor, r_floor = throughput()
    nmed, r_nvme = nvme()
    # The worst latency of one run is one sample: take the median of the
    # rounds, alternating the two.
    st = {"mpio": [], "dm": []}
    st_before = {"mpio": [], "dm": []}
    st_run = {"mpio": [], "dm": []}
    errs = {"mpio": 0, "dm": 0}
    for r in range(STALL_ROUNDS):
        for kind in ("mpio", "dm") if r % 2 == 0 else ("dm", "mpio"):
            worst, worst_before, worst_run, errors = stall(kind)
            st[kind].append(worst)
            st_before[kind].append(worst_before)
            st_run[kind].append(worst_run)
            errs[kind] += errors
    s_mpio, s_dm = statistics.median(st["mpio"]), statistics.median(st["dm"])
    b_mpio, b_dm = statistics.median(st_before["mpio"]), statistics.median(st_before["dm"])
    w_mpio, w_dm = statistics.median(st_run["mpio"]), statistics.median(st_run["dm"])
    e_mpio, e_dm = errs["mpio"], errs["dm"]
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
    print(f"{'ratio':44} {'value':>6}  goal")
    print(f"{'mpio / raw null_blk':44} {r_raw:6.2f}  >= 0.85")
    print(f"{'dm-multipath request-based / raw':44} {dm_rq:6.2f}  (reference)")
    print(f"{'dm-multipath bio-based / raw':44} {dm_bio:6.2f}  (reference)")
    print(f"{'bare remap / raw':44} {floor['remap']:6.2f}  (floor of bio-based stacking)")
    print(f"{'remap, completion hooked / raw':44} {floor['hooked']:6.2f}  (floor with failover's hook)")
    print(f"{'remap, hooked, I/O statistics / raw':44} {floor['stats']:6.2f}  "
          "(the same, accounting as mpio does)")
    print(f"{'mpio / remap, hooked, I/O statistics':44} {r_floor:6.2f}  (what mpio adds to it)")
    print(f"{'mpio / better dm-multipath':44} {r_dm:6.2f}  >= 1.15")
    print()
    print(f"{'device (QEMU NVMe, 2 controllers)':34} {'IOPS':>9}")
    print(f"{'native NVMe multipath, numa':34} {nmed['native']:9.0f}")
    print(f"{'mpio over the 2 controllers':34} {nmed['mpio']:9.0f}")
    print(f"{'mpio / native NVMe multipath':44} {r_nvme:6.2f}  >= 1.00")
    print()
    print(f"{'failover stall (path offline under load):':44} {'worst ms':>8} "
          f"{'before':>7} {'whole run':>9}  errors")
    print(f"{f'  {STALL_WINDOW_MS} ms after the failure (before:':44}")
    print(f"{f'  the {STALL_WINDOW_MS} ms before it), median of':44}")
    print(f"{f'  {STALL_ROUNDS} rounds':44}")
    print(f"{'mpio':44} {s_mpio:8.1f} {b_mpio:7.1f} {w_mpio:9.1f}  {e_mpio}"
          f"   (rounds: {' '.join(f'{v:.1f}' for v in st['mpio'])})")
    print(f"{'dm-multipath':44} {s_dm:8.1f} {b_dm:7.1f} {w_dm:9.1f}  {e_dm}"
          f"   (rounds: {' '.join(f'{v:.1f}' for v in st['dm'])})")
    print(f"{'goal: mpio lower':44} {'met' if s_mpio < s_dm else 'NOT met':>8}")


if __name__ == "__main__":
    main()
