#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or find in the cache) one of ftio's own test kernels from
# Debian's linux-source-6.12 with the fragments kept beside this script.
#
# Usage: debug-kernel.sh [debug|prof]
#   debug (the default): base.config + debug.config, the sanitizers'
#     kernel every make check runs through.
#   prof: the same with prof.config on top, which takes the sanitizers
#     and lock debugging out again and keeps the kernel's allocation
#     profiling: make bench's comparison with it would otherwise measure
#     KASAN.
#   Prints the cache directory holding bzImage, build/ (the O= tree that
#   out-of-tree modules build against) and modroot/ (installed modules).
#
# The configuration starts from allnoconfig: base.config names everything
# a test guest needs (about 1/3 of x86_64_defconfig's objects), so the
# cold build stays near ten minutes on two cores.
#
# The cache lives outside the repository (FTIO_CACHE, default
# ~/.cache/ftio) and is keyed by source version, compiler, this script
# and the config fragments (their comments aside), so a hit costs nothing
# and any change rebuilds; with ccache installed, a rebuild after a small
# change to a fragment reuses the objects that did not change.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${FTIO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftio}
srcpkg=${FTIO_DEBUG_SRCPKG:-linux-source-6.12}
jobs=${FTIO_JOBS:-$(($(nproc) + 1))}
flavour=${1:-debug}

die() { echo "debug-kernel: $*" >&2; exit 1; }

case "$flavour" in
debug) frags=("$here/base.config" "$here/debug.config") ;;
prof) frags=("$here/base.config" "$here/debug.config" "$here/prof.config") ;;
*) die "unknown kernel '$flavour' (debug, prof)" ;;
esac

srcver=$(dpkg-query -W -f='${Version}' "$srcpkg" 2>/dev/null) ||
	die "$srcpkg is not installed (apt-get install $srcpkg)"

# Comments and blank lines do not count: a reworded comment rebuilds
# nothing.
key=$( {
	echo "$srcver"
	gcc --version | head -n1
	grep -hv -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$0" "${frags[@]}"
} | sha256sum | cut -c1-12)
out="$cache/kernels/$flavour-$srcver-$key"

if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache/kernels" "$cache/src"
exec 9>"$cache/kernels/.lock"
flock 9
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

src=$("$top/scripts/ksrc.sh" "$srcpkg")

echo "debug-kernel: building the $flavour kernel, $srcpkg $srcver (key $key) in $out" >&2
mkdir -p "$out/build"
start=$(date +%s)
make -s -C "$src" O="$out/build" allnoconfig >&2
(cd "$out/build" &&
	"$src/scripts/kconfig/merge_config.sh" -m -O . .config "${frags[@]}" >/dev/null)
make -s -C "$src" O="$out/build" olddefconfig >&2

# Every option the fragments ask for (the last word on it wins) must have
# survived olddefconfig, what they switch off included: an option lost to
# an unmet dependency would otherwise switch a test off without a word.
missing=0
while read -r opt val; do
	if [ "$val" = n ]; then
		! grep -q "^$opt=" "$out/build/.config" ||
			{ echo "debug-kernel: $opt still on" >&2; missing=1; }
	else
		grep -qx "$opt=$val" "$out/build/.config" ||
			{ echo "debug-kernel: lost $opt=$val" >&2; missing=1; }
	fi
done < <(sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/\1 \2/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 n/p' "${frags[@]}" |
	awk '{ last[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
	     END { for (i = 1; i <= n; i++) print order[i], last[order[i]] }')
[ "$missing" = 0 ] || die "config fragment not applied (see above)"

# ccache, when installed, with its cache beside the kernels': a changed
# fragment then recompiles only what it touches. Depend mode: a miss
# costs nothing over the compiler's own run (ccache's default mode runs
# the preprocessor a second time on a miss: a cold build took 12:42 with
# it, 8:42 in depend mode and 9:48 without ccache, on two cores). The
# hash comes from the dependency file kbuild has gcc write anyway.
cc=()
if command -v ccache >/dev/null; then
	export CCACHE_DIR="$cache/ccache" CCACHE_BASEDIR="$cache" CCACHE_MAXSIZE=4G
	export CCACHE_DEPEND=1
	export KBUILD_BUILD_TIMESTAMP="ftio" KBUILD_BUILD_USER=ftio KBUILD_BUILD_HOST=ftio
	cc=(CC="ccache gcc")
fi

make -C "$src" O="$out/build" "${cc[@]}" -j"$jobs" bzImage modules >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; die "build failed, log: $out/build.log"; }
rm -rf "$out/modroot"
make -s -C "$src" O="$out/build" INSTALL_MOD_PATH="$out/modroot" \
	INSTALL_MOD_STRIP=1 modules_install >&2
cp "$out/build/arch/x86/boot/bzImage" "$out/bzImage"
make -s -C "$src" O="$out/build" kernelrelease >"$out/release"
echo "debug-kernel: built in $(($(date +%s) - start)) s" >&2
touch "$out/.done"
echo "$out"
