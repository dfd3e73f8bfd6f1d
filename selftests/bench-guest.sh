#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest's side of make bench: each benchmark runs for several
# interleaved rounds (in each, the module alternates the reference and
# ftio's variant in 64 segments and keeps each one's fastest); the table
# gives the medians of the per-round ratios with their min and max.
# FTIO_BENCH_PARTS picks some of them: "pool", "mpio" (default both).
# The raw data goes to FTIO_BENCH_OUT (default: the run directory's
# bench/), which make bench keeps on the host and plots.
set -eu
export FTIO_BENCH_OUT=${FTIO_BENCH_OUT:-$FTIO_RUNDIR/bench}
mkdir -p "$FTIO_BENCH_OUT"
parts=" ${FTIO_BENCH_PARTS:-pool mpio} "
if [[ $parts == *" pool "* ]]; then
modprobe ftio_bench
python3 "$(dirname "$0")/bench_pool.py" "${FTIO_BENCH_ROUNDS:-7}"
rmmod ftio_bench
fi
# mpio against raw devices and dm-multipath, on Debian's kernel only.
if [[ $parts == *" mpio "* && ! -e /proc/sys/vm/mem_profiling ]]; then
	python3 "$(dirname "$0")/bench_mpio.py" "${FTIO_BENCH_ROUNDS:-7}"
fi
