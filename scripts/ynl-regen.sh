#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Regenerate the files that derive from Documentation/netlink/specs/ftio.yaml
# with the kernel tree's own YNL generator (validated against its schema):
#   include/uapi/linux/ftio.h, core/nl-gen.h, core/nl-gen.c, and ftioctl's
#   name tables tools/ftioctl/spec-tables.[ch] (scripts/ftioctl-tables.py,
#   with the kernel tree's YNL spec library)
#
# Usage: ynl-regen.sh [--check]   --check: fail if a file is out of date
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$("$top/scripts/ksrc.sh")
check=0
[ "${1:-}" = --check ] && check=1

# ynl-gen-c.py finds its schema and the spec's relative path from the tree
# that holds the spec: give it a tree of our own with the kernel's schema.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/Documentation/netlink/specs" "$tmp/out"
touch "$tmp/MAINTAINERS"
cp "$top/Documentation/netlink/specs/ftio.yaml" "$tmp/Documentation/netlink/specs/"
ln -s "$ksrc/Documentation/netlink/genetlink.yaml" "$tmp/Documentation/netlink/"
spec="$tmp/Documentation/netlink/specs/ftio.yaml"
gen() { python3 "$ksrc/tools/net/ynl/ynl-gen-c.py" --spec "$spec" "$@"; }

gen --mode uapi --header -o "$tmp/out/ftio.h"
gen --mode kernel --header -o "$tmp/out/nl-gen.h"
gen --mode kernel --source -o "$tmp/out/nl-gen.c"
python3 "$top/scripts/ftioctl-tables.py" "$ksrc" "$spec" "$tmp/out"

rc=0
for pair in ftio.h:include/uapi/linux/ftio.h nl-gen.h:core/nl-gen.h \
	    nl-gen.c:core/nl-gen.c spec-tables.h:tools/ftioctl/spec-tables.h \
	    spec-tables.c:tools/ftioctl/spec-tables.c; do
	new="$tmp/out/${pair%%:*}"
	dst="$top/${pair#*:}"
	if cmp -s "$new" "$dst"; then
		continue
	fi
	if [ "$check" = 1 ]; then
		echo "ynl-regen: ${pair#*:} is out of date with the spec" \
		     "(run scripts/ynl-regen.sh)" >&2
		diff -u "$dst" "$new" >&2 || true
		rc=1
	else
		cp "$new" "$dst"
		echo "ynl-regen: wrote ${pair#*:}"
	fi
done
exit $rc
