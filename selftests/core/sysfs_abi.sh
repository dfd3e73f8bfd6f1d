#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every file under /sys/kernel/ftio has an entry in Documentation/ABI and
# every entry names a file that exists, with every shipped module loaded
# (and an mpio device and a hardened adapter in place);
# one test per attribute group (a directory, or its pattern).
. "$(dirname "$0")/../lib/ftio.sh"

ftio_unload_all
# Shipped modules only: test helpers and KUnit suites have no ABI.
for m in $(find "/lib/modules/$(uname -r)/updates" -name 'ftio_*.ko*' \
		! -name '*kunit*' ! -name 'ftio_testmod*' | sort); do
	name=$(basename "$m")
	name=${name%%.ko*}
	ok "$name loads" modprobe "$name"
done
check "ftio_core is loaded" grep -q '^ftio_core ' /proc/modules
# An mpio device with a path, so that its files exist too.
if grep -q '^ftio_mpio ' /proc/modules; then
	ok "null_blk loads" modprobe null_blk nr_devices=1
	ok "an mpio device for the check" sh -c "echo abi >/sys/kernel/ftio/mpio/create"
	ok "with a path" sh -c "echo nullb0 >/sys/block/mpio0/mpio/add_path"
fi
# A hardened adapter (QEMU's edu, plugged in by the host), so that its
# directory exists too.
edu=0
if grep -q '^ftio_edu ' /proc/modules; then
	ok "edu plugged into rp1" edu_plug
	check "its adapter appears" wait_for 30 bash -c "ls /sys/kernel/ftio/harden/*/state"
	edu=1
fi

while IFS=$'\t' read -r verdict desc detail; do
	_tap_report "$verdict" "$desc" "$detail"
done < <(python3 - "$FTIO_ROOT"/Documentation/ABI/testing/sysfs-kernel-ftio-* <<'PY'
import fnmatch, glob, os, re, sys
entries = []
for path in sys.argv[1:]:
    for line in open(path):
        m = re.match(r"What:\s+(\S+)", line)
        if m:
            entries.append(m.group(1))
# <placeholder> in an entry stands for one path component.
def matches(f, e):
    return fnmatch.fnmatchcase(f, re.sub(r"<[^>]+>", "*", e))
files = []
tops = ["/sys/kernel/ftio"] + glob.glob("/sys/block/mpio*/mpio")
for top in tops:
    for root, dirs, names in os.walk(top):
        files += [os.path.join(root, n) for n in names]
def report(good, desc, detail=""):
    print("ok" if good else "fail", desc, detail, sep="\t")
report(len(files) > 0 and len(entries) > 0, "there are files and entries")
# One test per attribute group: the files of one directory (its
# documented pattern, <placeholders> and all), all documented, and every
# entry documented there present.
groups = {}
for e in entries:
    groups.setdefault(os.path.dirname(e), {"undoc": [], "absent": [], "n": 0})
for f in sorted(files):
    match = next((e for e in entries if matches(f, e)), None)
    key = os.path.dirname(match) if match else os.path.dirname(f)
    g = groups.setdefault(key, {"undoc": [], "absent": [], "n": 0})
    g["n"] += 1
    if not match:
        g["undoc"].append(f)
for e in entries:
    if not any(matches(f, e) for f in files):
        groups[os.path.dirname(e)]["absent"].append(e)
for key in sorted(groups):
    g = groups[key]
    detail = "; ".join([f"{f}: no What: entry matches it" for f in g["undoc"]] +
                       [f"{e}: documented but absent with every module loaded"
                        for e in g["absent"]])
    report(not detail, f"{key}/: {g['n']} files, each documented, each entry there", detail)
PY
)
[ -e /sys/block/mpio0 ] && echo abi >/sys/kernel/ftio/mpio/delete
if [ "$edu" = 1 ]; then
	ok "edu unplugged" edu_unplug
fi
ftio_unload_all
modprobe -r null_blk 2>/dev/null
tap_done
