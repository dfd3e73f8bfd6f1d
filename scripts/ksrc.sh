#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the path of an unpacked Debian linux-source tree, unpacking it
# into the ftio cache (outside the repository) on first use. The tree gives
# ftio its build-time tools: checkpatch.pl, ynl, kunit.py, the kselftest
# harness, and the source of the debug kernel.
#
# Usage: ksrc.sh [PACKAGE]   (default linux-source-6.12)
set -euo pipefail

pkg=${1:-${FTIO_KSRC_PKG:-linux-source-6.12}}
cache=${FTIO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftio}

ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) || {
	echo "ksrc: $pkg is not installed (apt-get install $pkg)" >&2
	exit 1
}
src="$cache/src/$pkg-$ver"
if [ ! -f "$src/.unpacked" ]; then
	tarball=$(ls /usr/src/"$pkg".tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || { echo "ksrc: no /usr/src/$pkg.tar.*" >&2; exit 1; }
	mkdir -p "$cache/src"
	exec 9>"$cache/src/.lock"
	flock 9
	if [ ! -f "$src/.unpacked" ]; then
		echo "ksrc: unpacking $tarball" >&2
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
		tar -xf "$tarball" -C "$src.tmp" --strip-components=1
		mv "$src.tmp" "$src"
		touch "$src/.unpacked"
	fi
fi
echo "$src"
