#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of the runner's judgement on made-up input, on the host: the
TAP and KTAP counting (selftests/vm/tap.py), the console scanner
(selftests/vm/console.py), the live watch that stops a guest
(vm.Watch) and the pinned feature probes (run.py). Each case feeds the
code what a faulty run would produce and checks the verdict. TAP out.
"""

import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "selftests", "vm"))
sys.path.insert(0, os.path.join(TOP, "selftests"))
import console  # noqa: E402
import tap  # noqa: E402
import vm  # noqa: E402
import run  # noqa: E402

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# TAP -------------------------------------------------------------------

@case
def tap_plan_at_end_counts():
    v = tap.parse("TAP version 13\nok 1 a\nnot ok 2 b\nok 3 c # SKIP no disk\n1..3\n")
    assert (v.passed, v.failed, v.skipped, v.errors) == (1, 1, 1, []), vars(v)


@case
def tap_lost_last_line_fails():
    # A kselftest-style program: plan first, then the last result missing.
    v = tap.parse("TAP version 13\n1..3\nok 1 a\nok 2 b\n")
    assert v.passed == 2 and not v.ok(), vars(v)
    assert any("planned 3 tests, reported 2" in e for e in v.errors), v.errors


@case
def tap_no_plan_fails():
    v = tap.parse("TAP version 13\nok 1 a\nok 2 b\n")
    assert not v.ok() and any("no plan" in e for e in v.errors), v.errors


@case
def tap_lost_middle_line_fails():
    v = tap.parse("ok 1 a\nok 3 c\n1..3\n")
    assert not v.ok() and any("result 3 where 2 was due" in e for e in v.errors), v.errors


@case
def tap_bail_out_fails():
    v = tap.parse("1..2\nok 1 a\nBail out! no disk\n")
    assert not v.ok(), vars(v)


@case
def tap_subtests_and_output_do_not_count():
    v = tap.parse("1..1\n    ok 1 inner\n# ok 5 in a comment\nok\nok 1 outer\n")
    assert (v.passed, v.failed, v.errors) == (1, 0, []), vars(v)


KTAP_OK = """KTAP version 1
1..1
    KTAP version 1
    # Subtest: demo
    1..2
    ok 1 first
    ok 2 second
# demo: pass:2 fail:0 skip:0 total:2
ok 1 demo
"""


@case
def ktap_counts_cases():
    v = tap.parse_ktap(KTAP_OK, vm.ksrc())
    assert (v.passed, v.failed, v.errors) == (2, 0, []), vars(v)


@case
def ktap_lost_case_fails():
    text = KTAP_OK.replace("    ok 2 second\n", "")
    v = tap.parse_ktap(text, vm.ksrc())
    assert not v.ok(), vars(v)


@case
def ktap_lost_suite_fails():
    text = "KTAP version 1\n1..2\n" + KTAP_OK.split("1..1\n", 1)[1]
    v = tap.parse_ktap(text, vm.ksrc())
    assert not v.ok() and v.errors, vars(v)


# The console scanner ----------------------------------------------------

def con(*lines):
    return "\n".join(lines) + "\n"


BOOTED = ["[    0.0] Linux version 6.12", "[    3.0] ftio-guest: running /x/cmd on 6.12"]


def begin(name, j):
    return f"[ 5.0] ftio-guest: begin test {name} timeout 300 jiffies {j}"


def end(name, j):
    return f"[ 9.0] ftio-guest: end test {name} status 0 jiffies {j}"


@case
def report_blamed_on_running_suite():
    sc = console.scan(con(*BOOTED, begin("a", 100), end("a", 200), begin("b", 300),
                          "[ 7.0] WARNING: CPU: 0 PID: 1 at x.c:1 f+0x0/0x10", end("b", 400)))
    assert [(r.kind, r.suite) for r in sc.reports] == [("report", "b")], sc.reports


@case
def report_before_running_is_boot():
    sc = console.scan(con("[ 1.0] BUG: KASAN: slab-out-of-bounds in f+0x1/0x2", *BOOTED))
    assert sc.reports and sc.reports[0].suite == console.BOOT, sc.reports


@case
def expect_block_hides_its_report():
    sc = console.scan(con(*BOOTED, begin("a", 1), "ftio-expect: begin warn",
                          "WARNING: CPU: 0 at x", "ftio-expect: end", end("a", 2)))
    assert sc.reports == [], sc.reports


@case
def unclosed_expect_block_fails_and_hides_nothing_after():
    sc = console.scan(con(*BOOTED, begin("a", 1), "ftio-expect: begin warn", end("a", 2),
                          begin("b", 3), "WARNING: CPU: 1 at y", end("b", 4)))
    kinds = [(r.kind, r.suite) for r in sc.reports]
    assert kinds == [("expect", "a"), ("report", "b")], kinds


@case
def unclosed_expect_block_at_the_end_fails():
    sc = console.scan(con(*BOOTED, begin("a", 1), "ftio-expect: begin warn"))
    assert [r.kind for r in sc.reports] == ["expect"], sc.reports


@case
def leak_blamed_on_the_suite_that_allocated():
    sc = console.scan(con(*BOOTED, begin("a", 1000), end("a", 1100), begin("b", 1200),
                          end("b", 3000), "ftio-guest: kmemleak after b",
                          "kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)",
                          "unreferenced object 0xffff888003f0 (size 64):",
                          '  comm "bash", pid 300, jiffies 1050',
                          "  backtrace (crc 0):"))
    r = sc.reports
    assert len(r) == 1 and r[0].kind == "leak", r
    assert r[0].suite == "a" and r[0].found_in == "b", (r[0].suite, r[0].found_in)
    assert "found after b" in r[0].describe(), r[0].describe()


@case
def leak_count_without_objects_is_a_report():
    # kmemleak counted a leak but the listing never came: still a leak.
    sc = console.scan(con(*BOOTED, begin("a", 1000), end("a", 1100),
                          "ftio-guest: kmemleak after a",
                          "kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)",
                          begin("b", 1200), end("b", 1300)))
    assert [(r.kind, r.suite) for r in sc.reports] == [("leak", "a")], sc.reports


@case
def leak_of_the_suite_just_ended():
    sc = console.scan(con(*BOOTED, begin("a", 1000), end("a", 1100),
                          "ftio-guest: kmemleak after a",
                          "unreferenced object 0xffff888003f0 (size 64):",
                          '  comm "bash", pid 300, jiffies 1099'))
    r = sc.reports
    assert len(r) == 1 and r[0].suite == "a" and r[0].found_in is None, r


@case
def hung_task_is_a_report():
    sc = console.scan(con(*BOOTED, begin("a", 1),
                          "INFO: task bash:300 blocked for more than 45 seconds."))
    assert [(r.kind, r.suite) for r in sc.reports] == [("hung", "a")], sc.reports


@case
def crash_and_its_end():
    sc = console.Scanner()
    for ln in con(*BOOTED, begin("a", 1), "Oops: general protection fault, probably for",
                  "RIP: 0010:f+0x1/0x2").splitlines():
        sc.feed(ln)
    assert sc.crash and sc.crash.suite == "a" and not sc.crash_done
    sc.feed("---[ end trace 0000000000000000 ]---")
    assert sc.crash_done


# The live watch ---------------------------------------------------------

def watch_with(text):
    d = tempfile.mkdtemp()
    path = os.path.join(d, "console.log")
    with open(path, "w") as f:
        f.write(text)
    return vm.Watch(path, 1000.0, "test", True)


@case
def watch_stops_a_suite_that_overran():
    w = watch_with(con(*BOOTED, "[ 5.0] ftio-guest: begin test slow timeout 20 jiffies 1"))
    assert not w.poll(1010.0)
    assert not w.poll(1010.0 + 20 + vm.OVERRUN_GRACE_S - 1)
    assert w.poll(1010.0 + 20 + vm.OVERRUN_GRACE_S + 1)
    assert "slow overran its timeout of 20 s" in w.killed, w.killed


@case
def watch_stops_at_a_complete_crash():
    w = watch_with(con(*BOOTED, begin("a", 1), "BUG: kernel NULL pointer dereference, address: 0",
                       "---[ end trace 0 ]---"))
    assert w.poll(1001.0) and "crash on the console during a" in w.killed, w.killed


@case
def watch_waits_for_a_crash_report_to_finish():
    w = watch_with(con(*BOOTED, begin("a", 1), "Kernel panic - not syncing: x"))
    assert not w.poll(1001.0)
    assert w.poll(1001.0 + vm.CRASH_GRACE_S + 1)


@case
def watch_ignores_a_warning():
    w = watch_with(con(*BOOTED, begin("a", 1), "WARNING: CPU: 0 PID: 1 at x"))
    assert not w.poll(1001.0) and w.scanner.reports, w.scanner.reports


# Pinned probes -----------------------------------------------------------

def probe_header(pins):
    """A header as compat/conftest.sh writes it, with these results."""
    return "".join(f"#define FTIO_HAVE_{k.upper()} 1\n" if v else
                   f"/* FTIO_HAVE_{k.upper()} is not set */\n" for k, v in pins.items())


@case
def flipped_probe_fails():
    pins = run.probe_pins(open(os.path.join(TOP, "compat", "expected", "6.12")).read())
    assert pins["genl_split_ops"], pins
    pins["genl_split_ops"] = False
    with tempfile.NamedTemporaryFile("w", suffix=".h", delete=False) as f:
        f.write(probe_header(pins))
    results = run.Results()
    ok = run.check_probes("distro", f.name, results)
    os.unlink(f.name)
    assert not ok, results.steps
    note = results.steps[0][3]
    assert "genl_split_ops: no, pinned yes" in note, note


@case
def unflipped_probes_pass():
    pins = run.probe_pins(open(os.path.join(TOP, "compat", "expected", "6.1")).read())
    with tempfile.NamedTemporaryFile("w", suffix=".h", delete=False) as f:
        f.write(probe_header(pins))
    results = run.Results()
    assert run.check_probes("distro-6.1", f.name, results), results.steps
    os.unlink(f.name)


@case
def debug_suites_shared_out_by_cost():
    suites = [(name, "cmd", "tap", 100) for name, ks, *_ in run.GUEST_SUITES
              if run.DBG in ks]
    parts = run.share_out(suites, 2)
    assert len(parts) == 2, parts
    assert sorted(s for p in parts for s in p) == sorted(suites), "a suite lost or doubled"
    loads = [sum(run.COST[s[0]] for s in p) for p in parts]
    # Longest first to the least loaded: within one suite's cost.
    assert abs(loads[0] - loads[1]) <= max(run.COST.values()), loads
    order = [s[0] for s in suites]
    for p in parts:
        names = [s[0] for s in p]
        assert names == sorted(names, key=order.index), f"order lost: {names}"
    assert run.share_out(suites, 1) == [suites]
    assert run.share_out(suites[:1], 2) == [suites[:1]], "an empty guest booted"


def main():
    print("TAP version 13")
    print(f"1..{len(CASES)}")
    failed = 0
    for n, fn in enumerate(CASES, 1):
        try:
            fn()
            print(f"ok {n} {fn.__name__}")
        except Exception as e:  # noqa: BLE001 - any failure is the test's
            failed += 1
            print(f"not ok {n} {fn.__name__}")
            print(f"# {type(e).__name__}: {e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
