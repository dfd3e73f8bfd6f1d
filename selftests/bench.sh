#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: ftio's benchmarks, in a guest on Debian's 6.12 kernel. Each
# is a ratio against a reference measured in the same run, rounds
# interleaved, medians reported with their min and max; absolute numbers
# from an emulated machine mean nothing. The raw data of every comparison,
# the stall rounds' fio logs and the plots drawn from them are kept in
# build/bench/STAMP/ (build/bench/latest).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${FTIO_BUILD:-$top/build}
# Debian's 6.12 for the ratios users see; ftio's profiling kernel too
# (selftests/kernels/prof.config), for the comparison with the kernel's
# allocation profiling, which Debian's kernel does not build in.
kernels=${FTIO_BENCH_KERNELS:-distro prof}
make -s -C tools/ftioctl
# The data of this run: one folder per kernel, and the plots beside them.
out=$build/bench/$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
status=0
for kernel in $kernels; do
	kdir=$(python3 -c "import sys; sys.path.insert(0, 'selftests/vm'); import vm; print(vm.find_kernel('$kernel')['build'])")
	scripts/build-kmods.sh "$kdir" "$build/kmod/bench-$kernel" >/dev/null
	rundir=$build/runs/bench-$kernel
	rm -rf "$rundir"
	python3 selftests/vm/vm.py --kernel "$kernel" --name bench --timeout 3600 \
		--rundir "$rundir" --moddir "$build/kmod/bench-$kernel" -- \
		env FTIO_BENCH_PARTS="${FTIO_BENCH_PARTS:-pool mpio}" \
		FTIO_BENCH_ROUNDS="${FTIO_BENCH_ROUNDS:-7}" \
		FTIO_BENCH_STALL_ROUNDS="${FTIO_BENCH_STALL_ROUNDS:-9}" \
		selftests/bench-guest.sh || status=1
	if [ -d "$rundir/bench" ]; then
		cp -r "$rundir/bench" "$out/$kernel"
		cp "$rundir/output.log" "$out/$kernel/tables.txt"
	fi
done
ln -sfn "$(basename "$out")" "$build/bench/latest"
echo "bench: raw data and tables in $out"
# Debian's python3 has matplotlib (scripts/deps.sh bench).
/usr/bin/python3 selftests/bench_plot.py "$out" | sed 's/^/bench: plot /' || status=1
exit $status
