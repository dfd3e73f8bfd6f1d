#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static checks, one TAP line each: the tools they need are there,
# generated files up to date with the YNL spec, checkpatch --strict on
# every C file, W=1 and sparse builds against Debian's 6.12 and 6.1
# headers, the event catalogue's three copies in agreement, the docs
# valid, the man page rendering without warnings.
#
# A missing tool fails its check (it is never skipped in silence). The
# checks run side by side (checkpatch on every core, the two kernels'
# builds at once); their lines come out in a fixed order.
#
# The W=1/sparse builds are made with the test helpers (FTIO_TESTS=y) in
# BUILD/lint/KVER/src: make check loads those test helpers in its guests
# rather than building them once more.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. selftests/lib/ftio.sh
build=${FTIO_BUILD:-$top/build}
jobs=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ksrc=$(scripts/ksrc.sh) || ksrc=
check "the kernel source tree is unpacked (linux-source-6.12)" [ -n "$ksrc" ]
check "checkpatch.pl is in it" [ -x "$ksrc/scripts/checkpatch.pl" ]
ok "sparse is installed" command -v sparse
ok "man is installed" command -v man
check "python3-docutils is installed" python3 -c 'import docutils'
# The newest 6.12 and 6.1 headers: both must be there (scripts/deps.sh).
kdirs=()
for series in 6.12 6.1; do
	case $series in
	6.12) pat='/lib/modules/6.12.*-amd64/build' ;;
	6.1) pat='/lib/modules/6.1.0-*-amd64/build' ;;
	esac
	# shellcheck disable=SC2086
	kdir=$(ls -d $pat 2>/dev/null | sort -V | tail -n1)
	check "headers for Debian's $series are installed" [ -n "$kdir" ]
	[ -n "$kdir" ] && kdirs+=("$kdir")
done

# The two kernels' builds in the background, from the start.
for kdir in "${kdirs[@]}"; do
	rel=$(basename "$(dirname "$kdir")")
	work=$build/lint/$rel
	(scripts/build-kmods.sh --clean "$kdir" "$work" W=1 C=2 CHECK="sparse -Wno-decl" >/dev/null 2>&1
	 echo $? >"$tmp/build.$rel") &
done

ok "generated netlink files match the YNL spec" scripts/ynl-regen.sh --check
ok "the admin guide names only sysfs files, parameters and attributes that exist" \
	python3 scripts/doc-check.py "$top"

# checkpatch on every core; kernel code and ftio's own C (the tool and
# the tests follow the same style); generated files included: they ship.
cp_one() {
	local f=$1 ignore=SPDX_LICENSE_TAG,FILE_PATH_CHANGES out
	# User space has no <linux/compiler_attributes.h> to take __printf from.
	case "$f" in
	tools/* | selftests/*) ignore=$ignore,PREFER_DEFINED_ATTRIBUTE_MACRO ;;
	esac
	# Generated from the spec: the generator names the long lines.
	case "$f" in
	core/nl-gen.[ch] | tools/ftioctl/spec-tables.[ch]) ignore=$ignore,LONG_LINE ;;
	esac
	if out=$("$ksrc/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
			--ignore "$ignore" -f "$f" 2>&1); then
		echo "ok"
	else
		echo "fail"
		printf '%s\n' "$out"
	fi
}
export -f cp_one
export ksrc
mapfile -t cfiles < <(git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^compat/generated/')
mkdir -p "$tmp/cp"
printf '%s\n' "${cfiles[@]}" | xargs -P "$jobs" -I{} bash -c \
	'cp_one "$1" >"$2/$(echo "$1" | tr / .)"' _ {} "$tmp/cp"
for f in "${cfiles[@]}"; do
	r=$tmp/cp/$(echo "$f" | tr / .)
	if [ "$(head -n1 "$r" 2>/dev/null)" = ok ]; then
		_tap_report ok "checkpatch --strict $f"
	else
		_tap_report fail "checkpatch --strict $f" "$(tail -n +2 "$r" 2>/dev/null)"
	fi
done

ok "the event catalogue agrees in spec, code and docs" scripts/check-docs.py
for f in $(git ls-files -co --exclude-standard -- 'Documentation/*.rst'); do
	ok "$f is valid reStructuredText" scripts/check-rst.py "$f"
done
w=$(MANWIDTH=80 man --warnings -l Documentation/man/ftioctl.8 2>&1 >/dev/null)
check "ftioctl(8) renders without warnings" [ -z "$w" ]
ok "ftioctl builds without warnings" bash -c \
	"make -s -C tools/ftioctl clean && make -s -j$jobs -C tools/ftioctl WERROR=1 >/dev/null"

warnings() {
	# Our files only: W=1 also shows warnings in the kernel's own headers
	# on some releases, which are not ours to fix.
	grep -E '(warning|error):' "$1" | grep -F "$2/" || true
}
wait
for kdir in "${kdirs[@]}"; do
	rel=$(basename "$(dirname "$kdir")")
	work=$build/lint/$rel
	check "modules build for $rel with W=1 and sparse (log: $work/build.log)" \
		[ "$(cat "$tmp/build.$rel" 2>/dev/null)" = 0 ]
	check "sparse ran on $rel's build" grep -q "CHECK.*$work/src/core/main.c" "$work/build.log"
	w=$(warnings "$work/build.log" "$work/src")
	check "W=1 and sparse are silent for $rel" [ -z "$w" ]
	[ -z "$w" ] || note "$w"
done
tap_done
