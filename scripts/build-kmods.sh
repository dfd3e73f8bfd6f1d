#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build ftio's modules, with the test helpers and (on a KUnit kernel) the
# KUnit suites, for one kernel in a copy of the tree of its own, so that
# builds for several kernels never share objects.
#
# Usage: build-kmods.sh [--clean] KDIR WORKDIR [MAKE-ARGS...]
#   Leaves the modules in WORKDIR/src, the build's output in
#   WORKDIR/build.log, WORKDIR/built once it succeeded, and lists the
#   modules' paths on stdout.
#   MAKE-ARGS (W=1, C=2, ...) go to the kernel build.
set -euo pipefail

clean=0
[ "${1:-}" = --clean ] && { clean=1; shift; }
kdir=$1
work=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)

. "$top/scripts/ccache-env.sh"

# --clean: from scratch (lint: every file compiled, every warning shown).
[ "$clean" = 1 ] && rm -rf "$work/src"
mkdir -p "$work/src"
rm -f "$work/built"
rsync -a --delete --exclude=/build/ --exclude=/.git/ --exclude='*.o' \
	--exclude='*.ko' --exclude='*.cmd' --exclude=/compat/generated/ \
	--exclude='*.mod' --exclude='*.mod.c' --exclude='*.symvers' \
	--exclude='*.order' --exclude=/tools/ \
	"$top/" "$work/src/"
make -j"$(nproc)" -C "$work/src" KDIR="$kdir" FTIO_TESTS=y "$@" modules >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log" >&2; exit 1; }
# Only what this build made: a module that moved or went away leaves its
# old .ko behind (the copy above keeps built files), which must not be
# installed beside the new one.
built=$(sed 's/\.o$/.ko/' "$work/src/modules.order" | sort)
find "$work/src" -name '*.ko' | sort | comm -23 - <(echo "$built") | xargs -r rm -f
touch "$work/built"
echo "$built"
