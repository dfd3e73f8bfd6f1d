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

# check_fio_clean JSON OUT: a result saying that fio's JSON report shows
# no error in any job (a verify failure is one) and data written by each;
# fio's other output (OUT) is shown when there is no report.
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
    assert j["write"]["io_bytes"] > 0
print("# wrote", sum(j["write"]["io_bytes"] for j in r["jobs"]) >> 20, "MiB")
PY
}

# Run COMMAND as an unprivileged user (nobody).
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
