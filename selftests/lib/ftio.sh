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
	local progress=1 m
	while [ "$progress" = 1 ]; do
		progress=0
		for m in $(awk '$1 ~ /^ftio_/ && $3 == 0 { print $1 }' /proc/modules); do
			rmmod "$m" && progress=1
		done
	done
	! grep -q '^ftio_' /proc/modules
}

# Mark a stretch where the test provokes a kernel report on purpose; the
# runner does not count reports between the two marks.
ftio_expect_begin() { echo "ftio-expect: begin $*" >/dev/kmsg; }
ftio_expect_end() { echo "ftio-expect: end" >/dev/kmsg; }

# wait_for SECONDS COMMAND...: poll until the command succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
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

# ios DISK: the reads and writes DISK (a name in /sys/block) completed.
ios() { awk '{ print $1 + $5 }' "/sys/block/$1/stat"; }

# io_flows DISK N SECONDS: wait until DISK completes N more I/Os; the
# evidence that I/O goes on (over a path, or on a device) at this point.
io_flows() {
	local want
	want=$(($(ios "$1") + $2))
	wait_for "$3" eval "[ \$(ios $1) -ge $want ]"
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
