#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: ftio's benchmarks, in a guest on Debian's 6.12 kernel. Each
# is a ratio against a reference measured in the same run, rounds
# interleaved, medians reported; absolute numbers from an emulated
# machine mean nothing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${FTIO_BUILD:-$top/build}
# Debian's 6.12 for the ratios users see; ftio's profiling kernel too
# (selftests/kernels/prof.config), for the comparison with the kernel's
# allocation profiling, which Debian's kernel does not build in.
kernels=${FTIO_BENCH_KERNELS:-distro prof}
make -s -C tools/ftioctl
status=0
for kernel in $kernels; do
	kdir=$(python3 -c "import sys; sys.path.insert(0, 'selftests/vm'); import vm; print(vm.find_kernel('$kernel')['build'])")
	scripts/build-kmods.sh "$kdir" "$build/kmod/bench-$kernel" >/dev/null
	python3 selftests/vm/vm.py --kernel "$kernel" --name bench --timeout 3600 \
		--moddir "$build/kmod/bench-$kernel" -- \
		env FTIO_BENCH_PARTS="${FTIO_BENCH_PARTS:-pool mpio}" \
		FTIO_BENCH_ROUNDS="${FTIO_BENCH_ROUNDS:-7}" \
		FTIO_BENCH_STALL_ROUNDS="${FTIO_BENCH_STALL_ROUNDS:-9}" \
		selftests/bench-guest.sh || status=1
done
exit $status
