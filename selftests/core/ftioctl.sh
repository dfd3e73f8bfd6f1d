#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ftioctl against ftio_core in the guest: output formats, exit codes, bad
# input, following the log without loss or duplicates, core not loaded.
. "$(dirname "$0")/../lib/ftio.sh"

spec=$FTIO_ROOT/Documentation/netlink/specs/ftio.yaml
tmp=$(mktemp -d)

json_ok() { python3 -c 'import json,sys; json.load(sys.stdin)' <"$1"; }

ftio_unload_all
ok "ftio_core loads" modprobe ftio_core

# version
ok "version prints" ftioctl version
ftioctl -j version >"$tmp/v.json"
check "-j version is JSON" json_ok "$tmp/v.json"
check "-j version names core's version" python3 - "$tmp/v.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
core = open("/sys/kernel/ftio/version").read().strip()
assert v["core"]["version"] == core, v
assert v["core"]["events"]["ring_size"] == int(open("/sys/kernel/ftio/events/ring_size").read())
assert isinstance(v["core"]["modules"], list)
PY
ok "-V prints ftioctl's version" ftioctl -V

# events
ftioctl -j events >"$tmp/e.json"
check "-j events is JSON" json_ok "$tmp/e.json"
check "the first event is core's load" python3 - "$tmp/e.json" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))
assert ev[0]["seq"] == 1 and ev[0]["event"] == "module-registered", ev[0]
assert ev[0]["source"] == "core"
PY
ok "events post as root" ftioctl events post --severity warning --object disk7 "cable replaced"
ftioctl -j events --since 2 >"$tmp/e2.json"
check "the note is in the log with its fields" python3 - "$tmp/e2.json" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))
n = [e for e in ev if e["event"] == "operator-note"]
assert n and n[-1]["message"] == "cable replaced", ev
assert n[-1]["severity"] == "warning" and n[-1]["object"] == "disk7"
assert all(e["seq"] >= 2 for e in ev)
PY
ftioctl -j events post "json note" >"$tmp/p.json"
check "-j events post answers the sequence number" python3 - "$tmp/p.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
last = int(open("/sys/kernel/ftio/events/last_seq").read())
assert p["seq"] == last, (p, last)
PY
ftioctl -j events --min-severity warning >"$tmp/w.json"
check "--min-severity leaves out lower severities" python3 - "$tmp/w.json" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))
assert ev and all(e["severity"] in ("warning", "error", "critical") for e in ev), ev
PY
ftioctl -j events codes >"$tmp/c.json"
check "-j events codes matches the spec's catalogue" python3 - "$tmp/c.json" "$spec" <<'PY'
import json, sys, yaml
codes = json.load(open(sys.argv[1]))
spec = yaml.load(open(sys.argv[2]), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
enum = next(d for d in spec["definitions"] if d["name"] == "event-code")
want, v = {}, None
for e in enum["entries"]:
    v = e.get("value", (v or 0) + 1)
    want[e["name"]] = v
got = {c["name"]: c["code"] for c in codes}
assert got == want, (got, want)
assert all(c["summary"] and c["action"] for c in codes)
PY

# bad input: one line on stderr, exit 2 (usage) or 1 (refused)
fails "no object is a usage error" 2 ftioctl
fails "unknown object" 2 ftioctl frobnicate
fails "unknown events verb" 2 ftioctl events frob
fails "events post without a message" 2 ftioctl events post
fails "bad severity" 2 ftioctl events post --severity loud hi
fails "bad --since" 2 ftioctl events --since abc
fails "negative --since" 2 ftioctl events --since -3
fails "unknown option" 2 ftioctl events --bogus
fails "monitor does not take --since" 2 ftioctl monitor --since 3
long=$(printf 'x%.0s' $(seq 300))
fails "an over-long message is refused by the kernel" 2 ftioctl events post "$long"
check "the refusal carries the kernel's reason" bash -c \
	"ftioctl events post '$long' 2>&1 | grep -q 'events post: .*(Invalid argument)'"
check "errors are one line" bash -c \
	"[ \$(ftioctl events post --severity loud hi 2>&1 | wc -l) = 1 ]"
fails "events post as nobody is refused" 4 as_nobody ftioctl events post hello
out=$(as_nobody ftioctl events post hello 2>&1)
check "the refusal says why" grep -q 'needs CAP_SYS_ADMIN' <<<"$out"
# Events name call sites and every user's activity: reading is privileged.
fails "reading the events as nobody is refused" 4 as_nobody ftioctl events
fails "following them as nobody is refused" 4 timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups ftioctl monitor
out=$(timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups ftioctl monitor 2>&1)
check "because joining the group needs CAP_SYS_ADMIN" grep -q "cannot join.*needs CAP_SYS_ADMIN" <<<"$out"
ok "the versions work as nobody" as_nobody ftioctl version
# Kernel strings are escaped: a note with a terminal escape and a byte
# that is not UTF-8 prints as text, and JSON stays valid.
ok "a note with an escape sequence and a stray byte" \
	ftioctl events post --object "$(printf 'o\033]0;x\a')" "$(printf 'a\033[2Jb\377c')"
out=$(ftioctl events | tail -n 1)
check "the table shows the bytes escaped" bash -c \
	"grep -qF 'a\\x1b[2Jb\\xffc' <<<'$out' && grep -qF 'o\\x1b]0;x\\x07' <<<'$out' && ! grep -q \$'\\033' <<<'$out'"
check "-j escapes it and stays valid JSON" python3 -c "
import json, subprocess
e = json.loads(subprocess.check_output(['ftioctl', '-j', 'events']))[-1]
assert e['message'] == 'a\x1b[2Jb\ufffdc', repr(e['message'])
assert e['object'] == 'o\x1b]0;x\x07', repr(e['object'])"
# -j may follow the object and verb too
check "events -j is JSON" bash -c "ftioctl events -j | python3 -c 'import json,sys; json.load(sys.stdin)'"
# The family checks CAP_NET_ADMIN (admin-perm in the spec); ftio_core then
# wants CAP_SYS_ADMIN too, and says so.
fails "CAP_NET_ADMIN alone cannot post" 4 \
	setpriv --inh-caps=-all --bounding-set=-all,+net_admin ftioctl events post hello
out=$(setpriv --inh-caps=-all --bounding-set=-all,+net_admin ftioctl events post hello 2>&1)
check "the kernel's reason names CAP_SYS_ADMIN" grep -q 'this command needs CAP_SYS_ADMIN' <<<"$out"
fails "CAP_NET_ADMIN alone cannot read the events" 4 \
	setpriv --inh-caps=-all --bounding-set=-all,+net_admin ftioctl events
ok "the catalogue works as nobody" as_nobody ftioctl events codes
# The machine's objects are not a network namespace's: init_net only.
fails "another network namespace has no ftio family" 5 unshare -n ftioctl version
out=$(unshare -n ftioctl version 2>&1)
check "and says so" grep -q "initial network namespace only" <<<"$out"

# --follow: dump then multicast, no loss, no duplicates, across a burst
ok "ftio_testmod loads" modprobe ftio_testmod
# follow OUT BURST: record "ftioctl -j events --follow" in OUT while the
# test module emits BURST events, until a marker posted after them shows.
follow() {
	local out=$1 burst=$2 pid rc
	ftioctl -j events --follow >"$out" 2>"$out.err" &
	pid=$!
	wait_for 10 grep -q module-registered "$out"
	echo "$burst" >/sys/kernel/debug/ftio_testmod/burst
	ftioctl events post "follow-marker" >/dev/null
	wait_for 30 grep -q follow-marker "$out"
	kill -INT $pid
	wait $pid
	rc=$?
	check "--follow exits 0 on SIGINT" [ $rc = 0 ]
}

follow "$tmp/f.jsonl" 600
check "--follow saw every event exactly once, in order" python3 - "$tmp/f.jsonl" <<'PY'
import json, sys
seqs = [json.loads(l)["seq"] for l in open(sys.argv[1]) if '"seq"' in l]
last = int(open("/sys/kernel/ftio/events/last_seq").read())
assert seqs == list(range(1, last + 1)), (len(seqs), last, seqs[:5], seqs[-5:])
PY

# A ring too small for a burst: what it lost is reported, never doubled.
ftio_unload_all
ok "ftio_core loads with a 16-event ring" modprobe ftio_core ring_size=16
check "the ring size shows in sysfs" [ "$(cat /sys/kernel/ftio/events/ring_size)" = 16 ]
modprobe ftio_testmod
follow "$tmp/g.jsonl" 3000
check "every sequence number is an event or inside a lost range, once" python3 - "$tmp/g.jsonl" <<'PY'
import json, sys
seen = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "lost_from" in r:
        seen += range(r["lost_from"], r["lost_to"] + 1)
    else:
        seen.append(r["seq"])
assert seen == list(range(1, len(seen) + 1)), "out of order or doubled"
assert len(seen) > 3000, len(seen)
PY
check "a delivery-lost event or a lost range was seen" grep -qE 'lost_from|delivery-lost' "$tmp/g.jsonl"
ftioctl events >"$tmp/plain.txt"
check "a plain dump says which events left the ring" grep -q -- '-- .* events lost (seq 1\.\.' "$tmp/plain.txt"

# monitor: only what happens from now on
ftioctl -j monitor >"$tmp/m.jsonl" &
mpid=$!
sleep 1
ftioctl events post "monitor-marker" >/dev/null
wait_for 10 grep -q monitor-marker "$tmp/m.jsonl"
kill -INT $mpid
wait $mpid
check "monitor shows new events only" python3 - "$tmp/m.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert len(ev) == 1 and ev[0]["message"] == "monitor-marker", ev
PY

# core not loaded
ftio_unload_all
fails "version without ftio_core exits 5" 5 ftioctl version
check "it says so in one line" bash -c \
	"[ \"\$(ftioctl events 2>&1)\" = 'ftioctl: ftio_core is not loaded: modprobe ftio_core' ]"
fails "events without ftio_core exits 5" 5 ftioctl events

rm -rf "$tmp"
tap_done
