#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own YNL CLI (tools/net/ynl/cli.py from linux-source) talks
# to the ftio family with nothing but the spec.
. "$(dirname "$0")/../lib/ftio.sh"

# The first call checks the spec against the kernel's schema; the others
# skip that (jsonschema takes seconds under emulation).
ynl_checked=$FTIO_ROOT/scripts/ynl
ynl="$FTIO_ROOT/scripts/ynl --no-schema"
tmp=$(mktemp -d)
ftio_unload_all
ok "ftio_core loads" modprobe ftio_core

ok "ynl --do core-get (the spec checked against the schema)" sh -c \
	"$ynl_checked --do core-get --output-json >$tmp/core.json"
check "core-get answers version and counters" python3 - "$tmp/core.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
assert c["version"] == open("/sys/kernel/ftio/version").read().strip(), c
assert c["ev-ring-size"] == int(open("/sys/kernel/ftio/events/ring_size").read())
assert c["ev-last-seq"] >= 1 and c["ev-first-seq"] == 1
PY
ok "ynl --do event-post" sh -c \
	"$ynl --do event-post --json '{\"severity\": \"notice\", \"object\": \"ynl\", \"message\": \"from ynl\"}' --output-json >$tmp/post.json"
ok "ynl --dump event-get --json since" sh -c \
	"$ynl --dump event-get --json '{\"since\": 2}' --output-json >$tmp/ev.json"
check "the dump decodes enums and holds the note" python3 - "$tmp/post.json" "$tmp/ev.json" <<'PY'
import json, sys
seq = json.load(open(sys.argv[1]))["seq"]
ev = json.load(open(sys.argv[2]))
assert all(e["seq"] >= 2 for e in ev), ev
note = [e for e in ev if e["seq"] == seq][0]
assert note["code"] == "operator-note" and note["severity"] == "notice", note
assert note["object"] == "ynl" and note["message"] == "from ynl"
PY
ok "ynl --dump catalogue-get" sh -c "$ynl --dump catalogue-get --output-json >$tmp/cat.json"
check "the catalogue lists module-registered" grep -q module-registered "$tmp/cat.json"
# cli.py subscribes, sleeps, then prints what came. It starts slowly in
# an emulated guest: post a marker every half second while it runs, and
# if it subscribed only after the last, try again (at most four times).
subscribe() {
	local try
	for try in 1 2 3 4; do
		$ynl --subscribe events --sleep 3 --output-json >"$tmp/sub.json" 2>&1 &
		sub=$!
		while kill -0 "$sub" 2>/dev/null; do
			nap 0.5
			ftioctl events post "ynl-subscribe-marker" >/dev/null
		done
		wait "$sub"
		grep -q ynl-subscribe-marker "$tmp/sub.json" && return 0
	done
	return 1
}
check "ynl --subscribe events receives the multicast" subscribe
fails "ynl's malformed request is refused" 1 sh -c \
	"$ynl --do event-post --json '{\"severity\": \"info\"}' >$tmp/bad.txt 2>&1"
check "the refusal names the missing attribute" grep -qi 'missing\|bad-attr\|miss-type' "$tmp/bad.txt"
ftio_unload_all
rm -rf "$tmp"
tap_done
