#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Draw make bench's data (on the host, with Debian's matplotlib).

  bench_plot.py DIR

DIR holds what the guests saved (one folder per kernel: mpio-*.json,
pool*.json, stall-*.log.gz). Writes beside them:

  failover-timeline.png  IOPS (10 ms bins) and the latency of each read
                         over one stall round of mpio and of
                         dm-multipath, in the same run, the time counted
                         from each one's first path failure; the failures
                         and the re-instatements marked
  ratios.png             the per-round ratio of every comparison, with
                         its median and goal

Prints the files it wrote.
"""

import glob
import gzip
import json
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BIN_MS = 10


def load(path):
    with open(path) as f:
        return json.load(f)


def read_log(path):
    """(completion ms since the epoch, latency ms) of each I/O of a fio
    per-I/O latency log (gzipped)."""
    out = []
    with gzip.open(path, "rt") as f:
        for line in f:
            fields = line.split(",")
            out.append((int(fields[0]), int(fields[1]) / 1e6))
    return out


def timeline(kdir, out):
    stall = load(os.path.join(kdir, "mpio-stall.json"))
    window = stall["window_ms"]
    fig, (ax_iops, ax_lat) = plt.subplots(2, 1, figsize=(11, 7), sharex=True)
    colors = {"mpio": "tab:blue", "dm": "tab:orange"}
    names = {"mpio": "mpio", "dm": "dm-multipath (request-based)"}
    for kind in ("mpio", "dm"):
        rnd = stall["rounds"][kind][0]
        ios = read_log(os.path.join(kdir, rnd["log"]))
        t0 = rnd["fail_times_ms"][0]
        rel = [((t - t0) / 1000.0, lat) for t, lat in ios]
        first, last = min(t for t, _ in rel), max(t for t, _ in rel)
        nbins = int((last - first) * 1000 / BIN_MS) + 1
        counts = [0] * nbins
        for t, _ in rel:
            counts[int((t - first) * 1000 / BIN_MS)] += 1
        xs = [first + i * BIN_MS / 1000.0 for i in range(nbins)]
        ax_iops.plot(xs, [c * 1000 / BIN_MS for c in counts], color=colors[kind],
                     lw=0.8, label=names[kind])
        ax_lat.scatter([t for t, _ in rel], [lat for _, lat in rel], s=1.5,
                       color=colors[kind], label=names[kind], alpha=0.5)
        for ft in rnd["fail_times_ms"]:
            x = (ft - t0) / 1000.0
            for ax in (ax_iops, ax_lat):
                ax.axvline(x, color=colors[kind], ls="--", lw=0.6)
                ax.axvspan(x, x + window / 1000.0, color=colors[kind], alpha=0.06)
    ax_iops.set_ylabel(f"IOPS ({BIN_MS} ms bins)")
    ax_iops.legend(loc="lower right")
    ax_iops.set_title("4k random reads, one of two scsi_debug paths offline (dashed) for "
                      f"{window} ms at a time, then back; round 1 of each")
    ax_lat.set_yscale("log")
    ax_lat.set_ylabel("read latency (ms)")
    ax_lat.set_xlabel("seconds from the first path failure")
    ax_lat.legend(loc="upper right", markerscale=6)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def comparisons(kdirs):
    """(label, ratios, goal) of every comparison saved under @kdirs."""
    out = []
    for kdir in kdirs:
        kern = os.path.basename(kdir)
        p = os.path.join(kdir, "mpio-throughput.json")
        if os.path.exists(p):
            r = load(p)["ratios_to_raw"]
            out.append((f"mpio / raw null_blk [{kern}]", r["mpio"], 0.85))
            out.append((f"mpio / better dm-multipath [{kern}]",
                        [m / max(a, b) for m, a, b in zip(r["mpio"], r["dm-rq"], r["dm-bio"])],
                        1.15))
            out.append((f"mpio / remap+hook+stats [{kern}]",
                        [m / f for m, f in zip(r["mpio"], r["stats"])], None))
        p = os.path.join(kdir, "mpio-nvme.json")
        if os.path.exists(p):
            out.append((f"mpio / native NVMe multipath [{kern}]",
                        load(p)["ratios_to_native"]["mpio"], 1.0))
        for name in ("pool.json", "pool-profiled.json"):
            p = os.path.join(kdir, name)
            if os.path.exists(p):
                for row in load(p)["rows"]:
                    goal = float(row["goal"].split()[1]) if row.get("goal") else None
                    out.append((f"{row['label']} [{kern}]", row["ratios"], goal))
    return out


def ratios_plot(rows, out):
    fig, ax = plt.subplots(figsize=(11, 0.38 * len(rows) + 1.2))
    for i, (label, vals, goal) in enumerate(rows):
        y = len(rows) - 1 - i
        ax.scatter(vals, [y] * len(vals), s=14, color="tab:blue", alpha=0.6)
        med = statistics.median(vals)
        ax.plot([med, med], [y - 0.3, y + 0.3], color="black", lw=1.5)
        if goal:
            ax.plot([goal, goal], [y - 0.4, y + 0.4], color="tab:red", lw=1, ls=":")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r[0] for r in reversed(rows)], fontsize=8)
    ax.axvline(1.0, color="grey", lw=0.5)
    # The debugging modes cost hundreds of times the plain path, the
    # others a few percent: a log scale shows both.
    ax.set_xscale("log")
    ax.set_xlabel("ratio ftio / reference, log scale, one dot per round "
                  "(black: median, red: goal)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    top = sys.argv[1]
    kdirs = sorted(d for d in glob.glob(os.path.join(top, "*")) if os.path.isdir(d))
    wrote = []
    for kdir in kdirs:
        if os.path.exists(os.path.join(kdir, "mpio-stall.json")):
            out = os.path.join(top, "failover-timeline.png")
            timeline(kdir, out)
            wrote.append(out)
    rows = comparisons(kdirs)
    if rows:
        out = os.path.join(top, "ratios.png")
        ratios_plot(rows, out)
        wrote.append(out)
    for w in wrote:
        print(w)
    return 0 if wrote else 1


if __name__ == "__main__":
    sys.exit(main())
