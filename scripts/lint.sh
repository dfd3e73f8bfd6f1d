#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static checks, one TAP line each: generated files up to date with the
# YNL spec, checkpatch --strict on every C file, W=1 and sparse builds
# against Debian's 6.12 and 6.1 headers, the event catalogue's three
# copies in agreement, the man page rendering without warnings.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. selftests/lib/ftio.sh
ksrc=$(scripts/ksrc.sh)
build=${FTIO_BUILD:-$top/build}

ok "generated netlink files match the YNL spec" scripts/ynl-regen.sh --check

# Kernel code and ftio's own C (the tool and the tests follow the same
# style); generated files included: they ship too.
while read -r f; do
	ignore=SPDX_LICENSE_TAG,FILE_PATH_CHANGES
	# User space has no <linux/compiler_attributes.h> to take __printf from.
	case "$f" in
	tools/* | selftests/core/*) ignore=$ignore,PREFER_DEFINED_ATTRIBUTE_MACRO ;;
	esac
	ok "checkpatch --strict $f" "$ksrc/scripts/checkpatch.pl" --strict --no-tree \
		--quiet --show-types --ignore "$ignore" -f "$f"
done < <(git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^compat/generated/')

warnings() {
	# Our files only: W=1 also shows warnings in the kernel's own headers
	# on some releases, which are not ours to fix.
	grep -E '(warning|error):' "$1" | grep -F "$2/" || true
}

for kdir in $(ls -d /lib/modules/6.12.*-amd64/build /lib/modules/6.1.0-*-amd64/build 2>/dev/null |
		sort -V | awk -F/ '{k=$4; sub(/\.[0-9]+(\+deb12)?-amd64$|\.0-[0-9]+-amd64$/, "", k); last[k]=$0} END {for (k in last) print last[k]}'); do
	rel=$(basename "$(dirname "$kdir")")
	work=$build/lint/$rel
	if scripts/build-kmods.sh "$kdir" "$work" W=1 C=2 CHECK="sparse -Wno-decl" >/dev/null 2>&1; then
		ok "modules build for $rel" true
	else
		ok "modules build for $rel (see $work/build.log)" false
	fi
	w=$(warnings "$work/build.log" "$work/src")
	check "W=1 and sparse are silent for $rel" [ -z "$w" ]
	[ -z "$w" ] || note "$w"
done

ok "the event catalogue agrees in spec, code and docs" scripts/check-docs.py
for f in $(git ls-files -co --exclude-standard -- 'Documentation/*.rst'); do
	ok "$f is valid reStructuredText" scripts/check-rst.py "$f"
done
w=$(MANWIDTH=80 man --warnings -l Documentation/man/ftioctl.8 2>&1 >/dev/null)
check "ftioctl(8) renders without warnings" [ -z "$w" ]
ok "ftioctl builds without warnings" bash -c \
	"make -s -C tools/ftioctl clean && make -s -C tools/ftioctl WERROR=1 >/dev/null"
tap_done
