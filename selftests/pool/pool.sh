#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ftio_pooltag from user space: sysfs, netlink (ftioctl and the kernel's
# YNL CLI), quota, failure simulation, tracking with mismatch and bad-free
# detection, the special pool, leak reports on unload, permissions and
# bad input. ftio_testmod allocates on the tests' behalf.
. "$(dirname "$0")/../lib/ftio.sh"

tmp=$(mktemp -d)
tm=/sys/kernel/debug/ftio_testmod
# The spec is checked against the schema by core/ynl_cli.sh; here that
# would only cost seconds a call.
ynl="$FTIO_ROOT/scripts/ynl --no-schema"

# field TAG KEY: one counter of a tag, from ftioctl -j pool show (its
# object is flat: a bash pattern reads it, where a python3 would take a
# second on the debug kernel).
field() {
	local json
	json=$(ftioctl -j pool show "$1") || return 1
	[[ $json =~ \"$2\":(\"([^\"]*)\"|(-?[0-9]+)) ]] || return 1
	echo "${BASH_REMATCH[2]}${BASH_REMATCH[3]}"
}
export -f field
has_event() { ftioctl -j events | python3 -c "
import json, sys
ev = json.load(sys.stdin)
sys.exit(0 if any(e['event'] == '$1' and '$2' in e['object'] for e in ev) else 1)"; }

ftio_unload_all
fails "pool show without ftio_pooltag says so" 5 bash -c "modprobe ftio_core && ftioctl pool show"
check "and names the module to load" bash -c \
	"ftioctl pool show 2>&1 | grep -q 'ftio_pooltag is not loaded (modprobe ftio_pooltag)'"
ok "ftio_pooltag loads" modprobe ftio_pooltag
check "/sys/kernel/ftio/pool/tags counts its own tag" [ "$(cat /sys/kernel/ftio/pool/tags)" -ge 1 ]
ftioctl -j pool show >"$tmp/s.json"
check "-j pool show is JSON with ftio_pooltag's own tag" python3 - "$tmp/s.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
self = [r for r in rows if r["tag"] == "Ptag"]
assert self and self[0]["owner"] == "ftio_pooltag" and self[0]["live_bytes"] > 0, rows
PY
ok "pool show prints a table" bash -c "ftioctl pool show | grep -q '^TAG .*ALLOCS .*FREES .*DIFF .*BYTES'"

ok "ftio_testmod loads" modprobe ftio_testmod
live0=$(cat /sys/kernel/ftio/pool/live_objects)
ok "ten 100-byte objects under Tst1" sh -c "echo 'Tst1 100 10' >$tm/alloc"
check "Tst1 holds 10 objects" [ "$(field Tst1 live_objects)" = 10 ]
check "of 128 bytes each (kmalloc's size class)" [ "$(field Tst1 live_bytes)" = 1280 ]
check "owned by ftio_testmod" [ "$(field Tst1 owner)" = ftio_testmod ]
check "sysfs totals grew by the 20 objects (and list nodes) at least" \
	[ "$(cat /sys/kernel/ftio/pool/live_objects)" -ge $((live0 + 20)) ]
ok "free them" sh -c "echo Tst1 >$tm/free"
check "Tst1: 10 allocs, 10 frees, nothing live" bash -c \
	"[ \$(field Tst1 allocs) = 10 ] && [ \$(field Tst1 frees) = 10 ] && [ \$(field Tst1 live_bytes) = 0 ]"
check "the description given by the owner shows" [ "$(field Tnod description)" = "ftio_testmod bookkeeping" ]

ftioctl -j pool show --sort name >"$tmp/n.json"
check "--sort name sorts by tag" python3 -c "
import json; t = [r['tag'] for r in json.load(open('$tmp/n.json'))]; assert t == sorted(t), t"
echo 'Tbig 4096 4' >$tm/alloc
ftioctl -j pool show --sort bytes >"$tmp/b.json"
check "--sort bytes puts the biggest holder first" python3 -c "
import json; r = json.load(open('$tmp/b.json')); b = [x['live_bytes'] for x in r]; assert b == sorted(b, reverse=True), b"
echo Tbig >$tm/free

# quota
ok "pool set quota 1K" ftioctl pool set Tst1 quota 1K
check "the quota shows" [ "$(field Tst1 quota)" = 1024 ]
ok "two 512-byte objects fit" sh -c "echo 'Tst1 512 2' >$tm/alloc"
check "a third is refused" bash -c "! echo 'Tst1 512 1' >$tm/alloc 2>/dev/null"
check "and counted as a quota hit" [ "$(field Tst1 quota_hits)" = 1 ]
check "pool-quota-warning was raised" has_event pool-quota-warning Tst1
check "pool-quota-reached was raised" has_event pool-quota-reached Tst1
check "pool-tag-changed records the change" has_event pool-tag-changed Tst1
echo Tst1 >$tm/free
ok "pool set quota off" ftioctl pool set Tst1 quota off
ok "after which it fits again" sh -c "echo 'Tst1 512 4' >$tm/alloc"
echo Tst1 >$tm/free

# failure simulation
ok "pool set fail 100% times 2" ftioctl pool set Tst2 fail 100% times 2
check "the first allocation fails" bash -c "! echo 'Tst2 64 1' >$tm/alloc 2>/dev/null"
check "the second too" bash -c "! echo 'Tst2 64 1' >$tm/alloc 2>/dev/null"
ok "the third succeeds" sh -c "echo 'Tst2 64 1' >$tm/alloc"
check "two failures injected" [ "$(field Tst2 injected)" = 2 ]
ok "pool set fail off" ftioctl pool set Tst2 fail off
echo Tst2 >$tm/free

# tracking: tag mismatch and bad free
ok "pool set track on" ftioctl pool set Tst3 track on
ok "tracked allocations" sh -c "echo 'Tst3 64 3' >$tm/alloc"
check "three records" [ "$(field Tst3 tracked)" = 3 ]
ftio_expect_begin "pool tag mismatch"
echo "Tst3 Tst4" >$tm/mismatch
ftio_expect_end
check "a free under the wrong tag is caught" [ "$(field Tst3 mismatches)" = 1 ]
check "pool-tag-mismatch was raised" has_event pool-tag-mismatch Tst3
echo Tst3 >$tm/badfree
check "a free of foreign memory is caught and refused" [ "$(field Tst3 bad_frees)" = 1 ]
check "pool-bad-free was raised" has_event pool-bad-free Tst3
echo Tst3 >$tm/free
check "records go with their objects" [ "$(field Tst3 tracked)" = 0 ]

# special pool
ok "pool set special on" ftioctl pool set Tsp1 special on
ok "special-pool allocations" sh -c "echo 'Tsp1 100 2' >$tm/alloc"
check "served by the special pool, a page each" bash -c \
	"[ \$(field Tsp1 special_allocs) = 2 ] && [ \$(field Tsp1 live_bytes) = $((2 * 4096)) ]"
check "flags show S" bash -c "ftioctl pool show Tsp1 | grep -q ' S '"
echo Tsp1 >$tm/free
ok "pool set special off" ftioctl pool set Tsp1 special off

# pool top: allocate once its first frame is out; the first frame that
# sees the allocation marks it, however slow the guest (a fixed number
# of frames would race with a slow write).
echo 'Ttop 64 1' >$tm/alloc
ftioctl pool top --interval 1 >"$tmp/top.txt" &
top_pid=$!
wait_for 60 grep -q '^ftio pool tags at' "$tmp/top.txt"
echo 'Ttop 64 5' >$tm/alloc
wait_for 60 grep -q '^\*Ttop' "$tmp/top.txt"
kill $top_pid
wait $top_pid 2>/dev/null
check "pool top refreshes and marks what changed" bash -c \
	"[ \$(grep -c '^ftio pool tags at' $tmp/top.txt) -ge 2 ] && grep -q '^\*Ttop' $tmp/top.txt"
echo Ttop >$tm/free
ok "pool top --count 2 stops by itself" bash -c \
	"timeout 60 ftioctl pool top --interval 0.2 --count 2 >$tmp/top2.txt"
check "after two frames" bash -c "[ \$(grep -c '^ftio pool tags at' $tmp/top2.txt) = 2 ]"

# leak report on unload
ftioctl pool set Tlk1 track on >/dev/null
ftioctl pool set Tnod track on >/dev/null
echo 'Tlk1 64 3' >$tm/alloc
leaks=$(cat /sys/kernel/ftio/pool/leaks)
echo 1 >/sys/module/ftio_testmod/parameters/leak_on_unload
ok "ftio_testmod unloads, leaving 3 objects behind" rmmod ftio_testmod
check "the leak is counted" [ "$(cat /sys/kernel/ftio/pool/leaks)" -gt "$leaks" ]
check "pool-leak was raised for Tlk1" has_event pool-leak Tlk1
check "the kernel log names module, count and tag" bash -c \
	"dmesg | grep -q 'leak: ftio_testmod unloads with 3 objects (192 bytes) under tag Tlk1'"
check "and the call site" bash -c "dmesg | grep -q 'allocated at alloc_write'"
check "the leaked objects stay accounted" [ "$(field Tlk1 live_objects)" = 3 ]

# controls: permissions and bad input
fails "panic_on_leak takes 0 or 1" 1 sh -c "echo 2 >/sys/kernel/ftio/pool/panic_on_leak"
ok "panic_on_leak 0" sh -c "echo 0 >/sys/kernel/ftio/pool/panic_on_leak"
fails "pool set as nobody is refused" 4 as_nobody ftioctl pool set Tst1 quota 1M
out=$(as_nobody ftioctl pool set Tst1 quota 1M 2>&1)
check "because it needs CAP_SYS_ADMIN" grep -q 'needs CAP_SYS_ADMIN' <<<"$out"
# The pools show every module's allocations, like /proc/allocinfo (0400).
fails "pool show as nobody is refused" 4 as_nobody ftioctl pool show
out=$(as_root_without_caps bash -c "echo 1 >/sys/kernel/ftio/pool/panic_on_leak" 2>&1)
check "panic_on_leak without CAP_SYS_ADMIN is EPERM" grep -q "Operation not permitted" <<<"$out"
check "and stays 0" [ "$(cat /sys/kernel/ftio/pool/panic_on_leak)" = 0 ]
fails "a three-character tag" 2 ftioctl pool set Ab1 quota 1K
fails "a five-character tag" 2 ftioctl pool show Abcde
fails "a bad size" 2 ftioctl pool set Tst1 quota 12Q
fails "a bad percentage" 2 ftioctl pool set Tst1 fail 200%
fails "an unknown setting" 2 ftioctl pool set Tst1 colour red
fails "an unknown tag in pool show" 3 ftioctl pool show Zzzz
check "is named as such" bash -c "ftioctl pool show Zzzz 2>&1 | grep -q 'no such pool tag'"
fails "controls on ftio_pooltag's own tag" 2 ftioctl pool set Ptag quota 1M
check "are refused with a reason" bash -c \
	"ftioctl pool set Ptag quota 1M 2>&1 | grep -q 'own tag takes no controls'"

# the kernel's YNL CLI
ok "ynl --dump pool-get" sh -c "$ynl --dump pool-get --output-json >$tmp/y.json"
check "lists Tlk1 with its counters" python3 -c "
import json; r = [x for x in json.load(open('$tmp/y.json')) if x['tag'] == 'Tlk1']
assert r and r[0]['live-objects'] == 3, r"
ok "ynl --do pool-set" sh -c "$ynl --do pool-set --json '{\"tag\": \"Tyn1\", \"quota\": 4096}' >/dev/null"
check "the quota took" [ "$(field Tyn1 quota)" = 4096 ]
fails "ynl: fail-ppm over a million is refused" 1 sh -c \
	"$ynl --do pool-set --json '{\"tag\": \"Tyn1\", \"fail-ppm\": 2000000}' >$tmp/e1 2>&1"
out_of_range "names fail-ppm and its maximum" "$tmp/e1" fail-ppm max-value 1000000
# Every numeric control has its range in the spec (and so in the policy).
fails "ynl: a quota above S64_MAX is refused" 1 sh -c \
	"$ynl --do pool-set --json '{\"tag\": \"Tyn1\", \"quota\": 9223372036854775808}' >$tmp/e3 2>&1"
out_of_range "names quota and its maximum" "$tmp/e3" quota max-value 9223372036854775807
fails "ynl: fail-times above INT_MAX is refused" 1 sh -c \
	"$ynl --do pool-set --json '{\"tag\": \"Tyn1\", \"fail-times\": 2147483648}' >$tmp/e4 2>&1"
out_of_range "names fail-times and its maximum" "$tmp/e4" fail-times max-value 2147483647
fails "ynl: fail-interval above a million is refused" 1 sh -c \
	"$ynl --do pool-set --json '{\"tag\": \"Tyn1\", \"fail-interval\": 1000001}' >$tmp/e5 2>&1"
out_of_range "names fail-interval and its maximum" "$tmp/e5" fail-interval max-value 1000000
check "and the refusals changed nothing" [ "$(field Tyn1 quota)" = 4096 ]
# ftioctl names the attribute the extended ack points at, with its range.
fails "ftioctl: a quota of 8 EiB is out of range" 2 ftioctl pool set Tyn1 quota 9223372036854775808
check "the error names quota and its range" bash -c \
	"ftioctl pool set Tyn1 quota 9223372036854775808 2>&1 | grep -q 'attribute quota, 0..9223372036854775807'"
fails "ynl: a bad tag is refused" 1 sh -c \
	"$ynl --do pool-set --json '{\"tag\": \"ab\", \"quota\": 1}' >$tmp/e2 2>&1"
check "with the reason" grep -q 'four printable' "$tmp/e2"

# At ftio_pooltag's own unload the objects ftio_testmod leaked (tracked,
# reported) stay allocated, as a destroyed slab cache's are: whoever the
# leaker gave them to may still point at them. kmemleak is told they were
# reported (the runner's scan after this suite would see them otherwise).
ftio_unload_all
check "ftio_pooltag's unload keeps the 6 leaked objects (Tlk1's and Tnod's)" bash -c \
	"dmesg | grep -q 'ftio_pooltag: 6 leaked objects stay allocated'"
rm -rf "$tmp"
tap_done
