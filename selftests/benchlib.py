# SPDX-License-Identifier: GPL-2.0
"""What make bench's guest-side scripts share: where the raw data goes,
and the statistics printed beside each median.

Every comparison is saved as JSON under FTIO_BENCH_OUT (the guest writes
it into the run directory, which the host keeps under build/bench/):
its per-round figures, the ratios, and min/median/max, so that a table
can be checked, redrawn (selftests/bench_plot.py) or compared with
another run's.
"""

import json
import os
import statistics

OUT = os.environ.get("FTIO_BENCH_OUT") or "/tmp/ftio-bench"


def out_path(name):
    os.makedirs(OUT, exist_ok=True)
    return os.path.join(OUT, name)


def save(name, data):
    """Write @data as OUT/@name.json."""
    with open(out_path(name + ".json"), "w") as f:
        json.dump(data, f, indent=1)


def spread(values):
    """min, median and max of @values, as a dict (JSON-ready)."""
    return {"n": len(values), "min": min(values), "median": statistics.median(values),
            "max": max(values)}


def fmt_spread(values, digits=3):
    """'median (min-max)' of @values."""
    s = spread(values)
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f})"
