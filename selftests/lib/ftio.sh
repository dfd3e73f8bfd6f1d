# SPDX-License-Identifier: GPL-2.0
# Shell helpers for ftio's guest-side tests: TAP output and module
# handling. Source it; call tap_done at the end.

FTIO_ROOT=${FTIO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
_tap_n=0
_tap_failed=0
echo "TAP version 13"

_tap_report() {
	local verdict=$1 desc=$2
	shift 2
	_tap_n=$((_tap_n + 1))
	if [ "$verdict" = ok ]; then
		echo "ok $_tap_n $desc"
	else
		_tap_failed=$((_tap_failed + 1))
		echo "not ok $_tap_n $desc"
		local line
		for line in "$@"; do
			printf '%s\n' "$line" | sed 's/^/# /'
		done
	fi
}

# ok DESC COMMAND...: the command succeeds.
ok() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		_tap_report ok "$desc"
	else
		_tap_report fail "$desc" "failed (status $?): $*" "$out"
	fi
}

# fails DESC STATUS COMMAND...: the command exits with STATUS.
fails() {
	local desc=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then
		_tap_report ok "$desc"
	else
		_tap_report fail "$desc" "status $rc, wanted $want: $*" "$out"
	fi
}

# check DESC TEST-EXPRESSION...: like ok, for [ ] / [[ ]] style checks
# and shell functions; the detail lines explain a failure.
check() {
	local desc=$1
	shift
	if "$@"; then
		_tap_report ok "$desc"
	else
		_tap_report fail "$desc" "check failed: $*"
	fi
}

note() { printf '# %s\n' "$*"; }

tap_done() {
	echo "1..$_tap_n"
	[ "$_tap_failed" = 0 ]
	exit $?
}

# Unload every ftio module, dependents first.
ftio_unload_all() {
	local progress=1 m size refs rest left
	while [ "$progress" = 1 ]; do
		progress=0
		left=0
		while read -r m size refs rest; do
			[[ $m == ftio_* ]] || continue
			left=1
			if [ "$refs" = 0 ]; then
				rmmod "$m" && progress=1
			fi
		done </proc/modules
	done
	[ "$left" = 0 ] || ! grep -q '^ftio_' /proc/modules
}

# Mark a stretch where the test provokes a kernel report on purpose; the
# runner does not count reports between the two marks.
ftio_expect_begin() { echo "ftio-expect: begin $*" >/dev/kmsg; }
ftio_expect_end() { echo "ftio-expect: end" >/dev/kmsg; }

# Polls and checks without a process where a builtin does: on the debug
# kernel under emulation each fork and exec costs about a quarter of a
# second, and a poll that spawns a shell ten times a second takes the
# CPU from what it waits for.

# nap SECONDS: sleep without a process (a read that times out on a pipe
# nobody writes to).
exec {_ftio_nap}<> <(:)
nap() { read -r -t "$1" -u "$_ftio_nap" _ || true; }

# wait_for SECONDS COMMAND...: poll until the command (best a function or
# a builtin) succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $deadline ] && return 1
		nap 0.1
	done
}

# is FILE VALUE: the first line of FILE is VALUE.
is() {
	local v
	read -r v <"$1" 2>/dev/null || [ -n "$v" ] || return 1
	[ "$v" = "$2" ]
}

# empty FILE: FILE holds nothing (read, not by its size: a sysfs file
# has a size whatever it holds).
empty() {
	local v=
	[ -e "$1" ] || return 1
	read -r -d '' v <"$1"
	[ -z "$v" ]
}

# n_is N VALUE FILE...: exactly N of the files hold VALUE (first line).
n_is() {
	local n=$1 value=$2 f count=0
	shift 2
	for f in "$@"; do
		is "$f" "$value" && count=$((count + 1))
	done
	[ "$count" = "$n" ]
}

# n_exist N PATH...: exactly N of the paths (a glob's expansion) exist.
n_exist() {
	local n=$1 f count=0
	shift
	for f in "$@"; do
		[ -e "$f" ] && count=$((count + 1))
	done
	[ "$count" = "$n" ]
}

# edu_plug, edu_unplug: QEMU's edu device, id edu0, into the empty root
# port rp1 and out again (device_del, then QEMU's DEVICE_DELETED: the
# guest has let it go).
edu_plug() { host-ctl qmp device_add '{"driver": "edu", "id": "edu0", "bus": "rp1"}' >/dev/null; }
edu_unplug() {
	host-ctl qmp device_del '{"id": "edu0"}' >/dev/null &&
		host-ctl wait-event DEVICE_DELETED '{"device": "edu0"}' 60 >/dev/null
}

# Rounds of a failover scenario: 2, or more for make check-full's soak.
ftio_rounds() { [ "${FTIO_SOAK:-0}" = 1 ] && echo 6 || echo 2; }

# fio_start PREFIX FIO-ARGS...: fio in the background until fio_stop
# (at most FTIO_FIO_MAX s, 900), its JSON report in PREFIX.json and its
# other output in PREFIX.out. A scenario runs its load for as long as its
# rounds take, not for a fixed time.
fio_start() {
	local prefix=$1
	shift
	fio "$@" --time_based --runtime="${FTIO_FIO_MAX:-900}" --output-format=json \
		--output="$prefix.json" >"$prefix.out" 2>&1 &
	_fio_pid=$!
}

# fio_stop: (with check, not ok: fio is this shell's child) stop the fio of fio_start and wait for its report; fails if
# fio had already ended (it cannot have: its runtime is the maximum) or
# ended with an error of its own. fio exits with 128 when a signal ends
# it.
fio_stop() {
	local rc
	kill -0 "$_fio_pid" 2>/dev/null || { wait "$_fio_pid"; note "fio ended early: $?"; return 1; }
	kill -TERM "$_fio_pid"
	wait "$_fio_pid"
	rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 128 ] || { note "fio exited with $rc"; return 1; }
}

# ios DISK: the reads and writes DISK (a name in /sys/block) completed,
# in $_ios.
ios() {
	local r rm rs rt w
	read -r r rm rs rt w _ <"/sys/block/$1/stat" || return 1
	_ios=$((r + w))
}

# ios_at_least DISK N: DISK completed at least N reads and writes.
ios_at_least() { ios "$1" && [ "$_ios" -ge "$2" ]; }

# io_flows DISK N SECONDS: wait until DISK completes N more I/Os; the
# evidence that I/O goes on (over a path, or on a device) at this point.
io_flows() {
	ios "$1" || return 1
	wait_for "$3" ios_at_least "$1" $((_ios + $2))
}

# n_paths N, n_active N: the mpio device whose sysfs directory is $m has
# N paths, N of them active.
n_paths() { n_exist "$1" "$m"/paths/*; }
n_active() { n_is "$1" active "$m"/paths/*/state; }

# n_serial N SERIAL: N disks of /sys/block show SERIAL.
n_serial() { n_is "$1" "$2" /sys/block/*/serial; }

# two_ctrls NQN: two NVMe controllers of subsystem NQN, and at least two
# namespace disks below controllers.
two_ctrls() {
	local ns=(/sys/class/nvme/nvme*/nvme*n1)
	n_is 2 "$1" /sys/class/nvme/nvme*/subsysnqn && [ -e "${ns[0]}" ] && [ ${#ns[@]} -ge 2 ]
}

# path_disk SYSFS-MPIO INDEX: the disk below an mpio device's path.
path_disk() { cut -d' ' -f1 "$1/paths/$2/dev"; }

# check_fio_clean JSON OUT: a result saying that fio's JSON report shows
# no error in any job (a verify failure is one) and data written and read
# back (verified) by each; fio's other output (OUT) is shown when there is
# no report.
check_fio_clean() {
	check "fio saw no error and no verify failure" _fio_clean "$1"
	[ -s "$1" ] || { note "fio said:"; note "$(cat "$2")"; }
}

_fio_clean() {
	python3 - "$1" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
r = json.loads(text[text.index("{"):])
for j in r["jobs"]:
    assert j["error"] == 0, j["error"]
    assert j["write"]["io_bytes"] > 0, "a job wrote nothing"
    assert j["read"]["io_bytes"] > 0, "a job verified nothing"
print("# wrote", sum(j["write"]["io_bytes"] for j in r["jobs"]) >> 20, "MiB, verified",
      sum(j["read"]["io_bytes"] for j in r["jobs"]) >> 20, "MiB")
PY
}

# Run COMMAND as an unprivileged user (nobody).
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# Run COMMAND as uid 0 with no capabilities (the owner of every sysfs file).
as_root_without_caps() {
	setpriv --inh-caps=-all --bounding-set=-all "$@"
}

# out_of_range DESC FILE ATTR LIMIT VALUE: the ynl CLI's output in FILE shows
# the policy's refusal: ERANGE, the bad attribute named by its offset, and
# the limit (min-value or max-value) from the policy.
out_of_range() {
	check "$1" python3 - "$2" "$3" "$4" "$5" <<'PY'
import re, sys
text, attr, limit, value = open(sys.argv[1]).read(), *sys.argv[2:]
assert "Numerical result out of range" in text, text
m = re.search(r"'bad-attr': '\.?([a-z-]+)'", text)
assert m and m.group(1) == attr, (attr, text)
assert re.search(r"'%s': %s\b" % (limit, value), text), (limit, value, text)
PY
}
