#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: the guided tour. Builds ftio for Debian's 6.12 kernel, boots
# it in a QEMU guest and shows, act by act, what ftio does there.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${FTIO_BUILD:-$top/build}

kernel=distro
kdir=$(python3 -c "import sys; sys.path.insert(0, 'selftests/vm'); import vm; print(vm.find_kernel('$kernel')['build'])")
echo "demo: building ftio and ftioctl"
make -s -C tools/ftioctl
scripts/build-kmods.sh "$kdir" "$build/kmod/demo" >/dev/null
echo "demo: starting a guest on Debian's 6.12 kernel (about 10 s)"
exec python3 selftests/vm/vm.py --kernel "$kernel" --name demo --timeout 600 \
	--moddir "$build/kmod/demo" -- selftests/demo-guest.sh
