#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest's side of make demo. Each capability of ftio adds its act.
set -u
tmp=$(mktemp -d)
act() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

act "1. ftio_core: the event log, the netlink family, /sys/kernel/ftio"
run modprobe ftio_core
run ftioctl version
ftioctl events --follow >"$tmp/follow.txt" 2>&1 &
follower=$!
echo "(ftioctl events --follow now records every event in the background)"

act "2. Modules register and unregister; each is an event"
echo "ftio_testmod stands in for the feature modules that register the same way."
run modprobe ftio_testmod
run ftioctl version
run ftioctl events post --severity notice --object rack4 "maintenance window opens"

act "3. Components change state: broken, then fixed"
echo "A component's failure and repair, as a feature module reports them:"
run sh -c 'echo 6 1 >/sys/kernel/debug/ftio_testmod/emit'
run sh -c 'echo 7 1 >/sys/kernel/debug/ftio_testmod/emit'
run ftioctl events --min-severity notice

act "4. The catalogue says what each event means and what to do"
run sh -c 'ftioctl events codes | head -n 9'

act "5. ftio_pooltag: who holds how much kernel memory, under which tag"
echo "ftio_testmod allocates through ftio_pooltag on the demo's behalf."
run sh -c "echo 'Dem1 100 50' >/sys/kernel/debug/ftio_testmod/alloc"
run sh -c "echo 'Dem2 4096 8' >/sys/kernel/debug/ftio_testmod/alloc"
run ftioctl pool show
echo "A quota caps a tag; crossing 80 % and hitting it are events:"
run ftioctl pool set Dem1 quota 8K
run sh -c "echo 'Dem1 100 20' >/sys/kernel/debug/ftio_testmod/alloc || echo '(refused at the quota, as intended)'"
run ftioctl pool show Dem1
run sh -c "echo Dem1 >/sys/kernel/debug/ftio_testmod/free; echo Dem2 >/sys/kernel/debug/ftio_testmod/free"
run ftioctl pool set Dem1 quota off

act "6. Unloading: the log records it; followers see it live"
run rmmod ftio_testmod ftio_pooltag
sleep 1
kill -INT $follower
wait $follower
echo "What 'ftioctl events --follow' saw while all this happened:"
cat "$tmp/follow.txt"

act "Report"
python3 - "$tmp/follow.txt" <<'PY'
import re, sys
seqs, kinds = [], {}
for line in open(sys.argv[1]):
    m = re.match(r"\s*(\d+) \S+ \S+ +(\S+) +(\S+) +(\S+) +(\S+)", line)
    if m:
        seqs.append(int(m.group(1)))
        kinds[m.group(5)] = kinds.get(m.group(5), 0) + 1
last = int(open("/sys/kernel/ftio/events/last_seq").read())
version = open("/sys/kernel/ftio/version").read().strip()
gaps = [b for a, b in zip(seqs, seqs[1:]) if b != a + 1]
print(f"ftio_core {version}: {last} events in the log, "
      f"{len(seqs)} seen live by the follower, {len(gaps)} gaps, "
      f"{int(open('/sys/kernel/ftio/events/dropped').read())} dropped")
for k, n in sorted(kinds.items()):
    print(f"  {k:22} {n}")
ok = seqs == list(range(1, last + 1))
print("every event reached the follower exactly once, in order" if ok
      else "the follower missed or doubled events")
sys.exit(0 if ok else 1)
PY
status=$?
rmmod ftio_core
rm -rf "$tmp"
exit $status
