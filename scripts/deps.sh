#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian 12 packages that building and testing ftio need, if
# any is missing. This is the one list; README.md refers to it.
#
# Usage: deps.sh [bench]   bench: also what make bench needs (matplotlib
#                          for its plots)
set -euo pipefail

packages=(
	# building the modules and the tool
	gcc make libc6-dev pkg-config kmod bc bison flex libelf-dev libssl-dev
	dwarves rsync xz-utils cpio libnl-3-dev libnl-genl-3-dev libjson-c-dev ccache
	# the kernels: Debian's 6.12 and 6.1 with headers, and 6.12's source
	# for the debug kernel and the kernel's own tools (checkpatch, ynl,
	# kunit.py, kselftest_harness.h)
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-image-amd64 linux-headers-amd64
	linux-source-6.12
	# packaging and static checks
	dkms sparse python3 python3-yaml python3-jsonschema python3-docutils man-db
	# the test guest and the peers the scenarios drive
	qemu-system-x86 busybox-static iproute2 util-linux procps
	fio dmsetup multipath-tools nvme-cli sg3-utils
)
[ "${1:-}" = bench ] && packages+=(python3-matplotlib)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" ||
	{ $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; }
