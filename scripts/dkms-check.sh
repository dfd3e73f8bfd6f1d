#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build ftio with DKMS, exactly as a distribution installs it, for every
# kernel named on the command line, in a DKMS tree of our own (nothing in
# /usr/src or /var/lib/dkms is touched). Prints TAP; the built modules end
# up in BUILD/dkms/modules/KVER/.
#
# Usage: dkms-check.sh KVER...
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/selftests/lib/ftio.sh"
. "$top/scripts/ccache-env.sh"
build=${FTIO_BUILD:-$top/build}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
srctree=$build/dkms/src
dkmstree=$build/dkms/tree
dk() { dkms "$@" --sourcetree "$srctree" --dkmstree "$dkmstree"; }
has_module() { compgen -G "$1.ko*" >/dev/null; }

rm -rf "$srctree" "$dkmstree"
mkdir -p "$srctree/ftio-$ver" "$dkmstree"
# What a release tarball holds: the module sources, not the test bed.
rsync -a --exclude=/build/ --exclude=/.git/ --exclude=/compat/generated/ \
	--exclude='*.o' --exclude='*.ko' --exclude='*.cmd' --exclude='*.mod*' \
	--exclude='*.symvers' --exclude='*.order' \
	"$top/" "$srctree/ftio-$ver/"
ok "dkms add ftio/$ver" dk add -m ftio -v "$ver"
for kver in "$@"; do
	ok "dkms build ftio/$ver for $kver" dk build -m ftio -v "$ver" -k "$kver"
	out=$build/dkms/modules/$kver
	rm -rf "$out"
	mkdir -p "$out"
	cp "$dkmstree/ftio/$ver/$kver/x86_64/module/"*.ko* "$out/" 2>/dev/null
	for m in $(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"/\1/p' "$top/dkms.conf"); do
		check "DKMS built $m for $kver" has_module "$out/$m"
	done
	check "dkms status says built for $kver" bash -c \
		"dkms status -m ftio --sourcetree '$srctree' --dkmstree '$dkmstree' 2>/dev/null | grep -q '$kver.*built'"
done
tap_done
