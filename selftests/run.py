#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make check: ftio's tests, on the kernels where each tells something.

Steps first (builds, lint, DKMS, the feature probes' pinned results, the
debug kernel), then the test suites: a guest per kernel (Debian 6.12,
Debian 6.1; ftio's debug kernel with KASAN, lockdep, kmemleak, UBSAN and
KUnit has two, sharing its suites out by their cost) runs that kernel's
suites, one vCPU each (see guest_cpus()), and the runner's own tests run on the
host. Ends with three tables (steps, suites by kernel, phases with their
times) and the line "N passed, N failed, N not run". Exits non-zero on
any failure: a failed step, a failed test, a suite that did not run, a
kernel report on a guest's console (whatever the tests said), a result
count that disagrees with the plan a suite announced.

Tiers: "check" (make check, what CI runs) runs each suite where it tells
something: behaviour suites on Debian 6.12 and the debug kernel, and on
6.1 the load/unload smoke test and the suites whose code paths differ
there (compat/); "full" (make check-full) runs every suite on every
kernel and the long soaks (FTIO_SOAK=1: more failover rounds).

A global deadline (--deadline, FTIO_CHECK_DEADLINE, default 80 min from
--t0, the start of make check) keeps the run inside CI's limit: when it
is near, suites not yet run are reported "not run" and the run fails
with that reason.

  selftests/run.py [--suite NAME] [--kernels "distro debug"] [--tier full] [--list]
"""

import argparse
import contextlib
import glob
import io
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "vm"))
import vm  # noqa: E402
import console  # noqa: E402
import tap  # noqa: E402

BUILD = vm.BUILD
KERNELS = ["distro", "distro-6.1", "debug"]
# The feature probes' expected results per kernel (compat/expected/).
PROBE_PINS = {"distro": "6.12", "distro-6.1": "6.1", "debug": "debug"}

D = "distro"
D61 = "distro-6.1"
DBG = "debug"
ALL = [D61, D, DBG]
# name, kernels in make check, command (in the guest, from the tree's top),
# result format, timeout in seconds on Debian's kernel (the debug kernel
# gets twice as long), what it costs (seconds on the debug kernel in
# make check, one vCPU beside the host's line, its leak scan included:
# the debug guests share the suites out by it) and why it runs where it
# does.
GUEST_SUITES = [
    ("kunit", [DBG], "selftests/kunit/run_kunit.sh", "ktap", 300, 55,
     "KUnit needs the debug kernel"),
    ("smoke/load_unload", ALL, "selftests/smoke/load_unload.sh", "tap", 200, 80,
     "every kernel: the modules load and unload"),
    ("core/nl_core", ALL, "nl_core", "tap", 200, 40,
     "6.1 too: its generic netlink lacks split ops (compat/)"),
    # 10^5 messages take 45 s on Debian's kernel and 6:30 on the debug
    # kernel; there, make check sends 10^4 (FTIO_FUZZ_COUNT; check-full
    # and a run by hand 10^5).
    ("core/nl_fuzz", [D, DBG],
     'FTIO_FUZZ_COUNT=${FTIO_FUZZ_COUNT:-$([ "$FTIO_KERNEL" = debug ] && echo 10000 || echo 100000)} nl_fuzz',
     "tap", 300, 55,
     "seeded messages as nobody and as root; the debug kernel's sanitizers judge"),
    ("core/ftioctl", [D, DBG], "selftests/core/ftioctl.sh", "tap", 300, 110, ""),
    ("core/sysfs_abi", [D], "selftests/core/sysfs_abi.sh", "tap", 120, 40,
     "the ABI is the same on every kernel; the debug kernel's sanitizers see "
     "the same show functions run by core/ftioctl and mpio/control"),
    ("core/ynl_cli", [D], "selftests/core/ynl_cli.sh", "tap", 300, 85,
     "the spec against the kernel's YNL CLI; on the debug kernel the netlink "
     "handlers are exercised by core/nl_core and core/nl_fuzz"),
    ("runner/qmp", [D], "selftests/runner/qmp.sh", "tap", 200, 30,
     "the host plumbing only: one kernel is enough"),
    ("pool/pool", [D, DBG], "selftests/pool/pool.sh", "tap", 400, 180, ""),
    ("mpio/control", [D, DBG], "selftests/mpio/control.sh", "tap", 400, 285, ""),
    ("mpio/probe", [D, DBG], "selftests/mpio/probe.sh", "tap", 200, 25,
     "scsi_debug's error injection, which it needs, came with 6.7"),
    ("mpio/scsi_failover", ALL, "selftests/mpio/scsi_failover.sh", "tap", 400, 105,
     "6.1 too: its bio_endio() and disk removal differ where mpio hooks"),
    ("mpio/virtio_failover", ALL, "selftests/mpio/virtio_failover.sh", "tap", 400, 245,
     "6.1 too: hot unplug of a path's adapter"),
    ("mpio/nvme_tcp_failover", [D, DBG], "selftests/mpio/nvme_tcp_failover.sh", "tap", 400,
     170, ""),
    ("mpio/nvme_pci_failover", [D, DBG], "selftests/mpio/nvme_pci_failover.sh", "tap", 400,
     130, ""),
    ("harden/edu", ALL, "selftests/harden/edu.sh", "tap", 300, 50,
     "6.1 too: its PCI error and reset handlers and hot removal differ"),
    ("harden/edu_hotplug", [D, DBG], "selftests/harden/edu_hotplug.sh", "tap", 400, 80,
     "10 cycles of unplug and plug under load (check-full: 100); the debug "
     "kernel judges races and leaks"),
]
COST = {name: cost for name, _, _, _, _, cost, _ in GUEST_SUITES}
# Suites of the host: the runner's own tests.
HOST_SUITES = [
    ("runner/console", "selftests/runner/console_test.py",
     "the console scanner and TAP/KTAP counting, on made-up consoles"),
    ("runner/faults", "selftests/runner/faults.sh",
     "deliberate faults in guests (distro and debug) each fail a run"),
]


def say(msg):
    print(f"check: {msg}", flush=True)


def mmss(sec):
    sec = int(round(sec))
    return f"{sec // 60}:{sec % 60:02d}"


# Time ------------------------------------------------------------------

class Clock:
    """The run's start (make check's, before apt-get) and its deadline;
    records phases for the closing table."""

    def __init__(self, t0, deadline_min):
        self.t0 = t0
        self.deadline = t0 + deadline_min * 60
        self.phases = []
        self.lock = threading.Lock()

    def now(self):
        return time.time() - self.t0

    def left(self):
        return self.deadline - time.time()

    def add(self, name, start, end, note=""):
        with self.lock:
            self.phases.append((start, end, name, note))

    @contextlib.contextmanager
    def phase(self, name):
        start = self.now()
        box = {"note": ""}
        try:
            yield box
        finally:
            self.add(name, start, self.now(), box["note"])

    def table(self):
        lines = [f"{'start':>6} {'time':>6}  phase"]
        for start, end, name, note in sorted(self.phases):
            lines.append(f"{mmss(start):>6} {mmss(end - start):>6}  {name}"
                         + (f"  ({note})" if note else ""))
        return "\n".join(lines)


# Results ---------------------------------------------------------------

class Results:
    """Steps (builds, lint, DKMS, probes: pass or fail, no test count)
    and suites (counted tests per kernel)."""

    def __init__(self):
        self.steps = []          # [name, ok, seconds, note]
        self.cells = {}          # (suite, kernel) -> dict
        self.order = []
        self.lock = threading.Lock()

    def step(self, name, ok, seconds, note=""):
        with self.lock:
            self.steps.append([name, ok, seconds, note])

    def add(self, suite, kernel, passed=0, failed=0, note=None, seconds=None, notrun=None):
        with self.lock:
            key = (suite, kernel)
            if key not in self.cells:
                self.cells[key] = {"passed": 0, "failed": 0, "notes": [], "seconds": None,
                                   "notrun": None}
                if suite not in self.order:
                    self.order.append(suite)
            c = self.cells[key]
            c["passed"] += passed
            c["failed"] += failed
            if note:
                c["notes"].append(note)
            if seconds is not None:
                c["seconds"] = seconds
            if notrun:
                c["notrun"] = notrun

    def totals(self):
        p = sum(c["passed"] for c in self.cells.values())
        f = sum(c["failed"] for c in self.cells.values())
        n = sum(1 for c in self.cells.values() if c["notrun"])
        return p, f, n

    def steps_table(self):
        w = max([len(s[0]) for s in self.steps] + [4]) + 2
        lines = ["STEP".ljust(w) + f"{'result':8}{'time':>6}"]
        for name, ok, sec, note in self.steps:
            lines.append(name.ljust(w) + ("ok" if ok else "FAIL").ljust(8) + f"{mmss(sec):>6}"
                         + (f"  {note}" if note and not ok else ""))
        return "\n".join(lines)

    def table(self):
        cols = [k for k in KERNELS + ["host"] if any(key[1] == k for key in self.cells)]
        w = max([len(s) for s in self.order] + [5]) + 2
        lines = ["SUITE".ljust(w) + "".join(c.ljust(20) for c in cols)]
        for s in self.order:
            row = s.ljust(w)
            for c in cols:
                cell = self.cells.get((s, c))
                if not cell:
                    row += "-".ljust(20)
                    continue
                if cell["notrun"] and not cell["passed"] + cell["failed"]:
                    txt = "not run"
                else:
                    txt = f"{cell['passed']}/{cell['passed'] + cell['failed']}"
                    if cell["failed"]:
                        txt += " FAIL"
                if cell["seconds"] is not None:
                    txt += f" {mmss(cell['seconds'])}"
                row += txt.ljust(20)
            lines.append(row.rstrip())
        notes = []
        for (s, c), cell in self.cells.items():
            for n in cell["notes"]:
                notes.append(f"  {s} [{c}]: {n}")
            if cell["notrun"]:
                notes.append(f"  {s} [{c}]: not run: {cell['notrun']}")
        return "\n".join(lines + (["", "Failures:"] + notes if notes else []))


# Commands --------------------------------------------------------------

def run_cmd(cmd, log, env=None, timeout=None):
    """Run a command with its output in @log; its status, or 124 when it
    ran out of @timeout seconds (it is killed)."""
    with open(log, "w") as f:
        try:
            return subprocess.run(cmd, cwd=TOP, stdout=f, stderr=subprocess.STDOUT,
                                  env=env, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            f.write(f"\ncheck: killed after {timeout:.0f} s (the global deadline)\n")
            return 124


def tap_step(results, clock, name, cmd, log, env=None):
    """A step whose command prints TAP (lint, DKMS): it passes when the
    plan holds and nothing failed; the failed checks are its note."""
    say(f"step: {name}")
    t = time.monotonic()
    with clock.phase(f"host: {name}"):
        rc = run_cmd(cmd, log, env=env, timeout=max(1, clock.left()))
    v = tap.parse(open(log, errors="replace").read())
    ok = rc == 0 and v.ok()
    note = "; ".join(v.problems()[:6])
    if rc and not note:
        note = f"exited with status {rc}"
    results.step(name, ok, time.monotonic() - t, f"{note} (log: {log})")
    return ok


def plain_step(results, clock, name, cmd, log, env=None):
    say(f"step: {name}")
    t = time.monotonic()
    with clock.phase(f"host: {name}"):
        rc = run_cmd(cmd, log, env=env, timeout=max(1, clock.left()))
    results.step(name, rc == 0, time.monotonic() - t, f"failed (status {rc}); log: {log}")
    return rc == 0


# Steps -----------------------------------------------------------------

def check_probes(kernel, header, results):
    """The probes' results for @kernel (the header conftest.sh generated)
    must be those pinned in compat/expected/: a probe that flips would
    switch a feature on or off without a word otherwise."""
    pin = os.path.join(TOP, "compat", "expected", PROBE_PINS[kernel])
    ok, note = True, ""
    try:
        got = probe_results(open(header).read())
        want = probe_pins(open(pin).read())
    except OSError as e:
        ok, note = False, str(e)
    else:
        def word(d, k):
            return "not pinned" if k not in d else ("yes" if d[k] else "no")
        diff = [f"{k}: {word(got, k)}, pinned {word(want, k)}"
                for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k)]
        if diff:
            ok = False
            note = (f"probe results differ from {os.path.relpath(pin, TOP)}: " +
                    "; ".join(diff) + " (if the kernel really changed, update the pin)")
    results.step(f"probes as pinned for {kernel}", ok, 0, note)
    return ok


def probe_results(text):
    """{probe: True/False} from a header that compat/conftest.sh wrote."""
    out = {}
    for m in re.finditer(r"#define FTIO_HAVE_(\w+) 1|/\* FTIO_HAVE_(\w+) is not set \*/", text):
        out[(m.group(1) or m.group(2)).lower()] = bool(m.group(1))
    return out


def probe_pins(text):
    """{probe: True/False} from a pin file of compat/expected/."""
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#"):
            out[parts[0]] = parts[1] == "yes"
    return out


def build_modules(kernel, results, clock):
    """ftio's modules with the test helpers (and, on the debug kernel, the
    KUnit suites) for @kernel. Returns the work directory, or None."""
    k = vm.find_kernel(kernel)
    work = os.path.join(BUILD, "kmod", kernel)
    log = os.path.join(BUILD, "check", f"build-{kernel}.log")
    ok = plain_step(results, clock, f"modules for {kernel}",
                    [os.path.join(TOP, "scripts/build-kmods.sh"), k["build"], work], log)
    if not ok:
        return None
    check_probes(kernel, os.path.join(work, "src/compat/generated/ftio_probes.h"), results)
    return work


def lint_modules(kernel, results):
    """The modules lint's W=1 and sparse build made for @kernel, if it
    made them; None otherwise."""
    work = os.path.join(BUILD, "lint", vm.find_kernel(kernel)["release"])
    if not os.path.exists(os.path.join(work, "built")):
        return None
    results.step(f"modules for {kernel} (lint's W=1 and sparse build)", True, 0)
    check_probes(kernel, os.path.join(work, "src/compat/generated/ftio_probes.h"), results)
    return work


def stage_modules(kernel, work, results):
    """The modules the guest of @kernel installs: DKMS-built ftio for the
    distro kernels plus the test helpers; all of @work for debug."""
    k = vm.find_kernel(kernel)
    stage = os.path.join(BUILD, "guest", kernel)
    subprocess.run(["rm", "-rf", stage])
    os.makedirs(stage)
    built = glob.glob(os.path.join(work, "src", "**", "*.ko"), recursive=True)
    if kernel == DBG:
        chosen = built
    else:
        dkms = glob.glob(os.path.join(BUILD, "dkms", "modules", k["release"], "*.ko*"))
        if not dkms:
            return None
        chosen = dkms + [p for p in built if "/selftests/" in p]
    for p in chosen:
        subprocess.run(["cp", p, stage], check=True)
    return stage


# Guests ----------------------------------------------------------------

def slowness(kernel):
    # The sanitizers make the debug kernel about twice as slow.
    return 2 if kernel == DBG else 1


def guest_cpus(tier):
    """vCPUs per guest: FTIO_GUEST_CPUS, else one in make check and two in
    make check-full. make check runs three guests at once on two cores;
    QEMU's TCG gives each vCPU a thread of its own, and a guest with two
    on an overcommitted host spins on locks whose holder's thread is not
    running: Debian's 6.12 took 46 s for core/ftioctl and 69 s for
    pool/pool with two vCPUs beside the debug guest, 14 s and 24 s with
    one (19 s and 33 s with two, alone). check-full keeps two, where SMP
    races have their chance."""
    return int(os.environ.get("FTIO_GUEST_CPUS", "2" if tier == "full" else "1"))


def share_out(suites, n):
    """@suites split into @n lists of about equal cost (the longest first,
    each to the least loaded), each in the order of @suites."""
    loads = [0] * n
    where = {}
    for s in sorted(suites, key=lambda s: -COST.get(s[0], 60)):
        i = loads.index(min(loads))
        loads[i] += COST.get(s[0], 60)
        where[s[0]] = i
    return [x for x in ([s for s in suites if where[s[0]] == i] for i in range(n)) if x]


def run_guest(kernel, suites, stage, results, clock, env=None, name="check", label=None,
              cpus=1):
    """One guest runs @suites (name, command, format, timeout) in order;
    their results, the kernel reports on its console and the reason it
    stopped go to @results. @label names the guest where a kernel has
    several (its run directory, its phases). Returns the run directory."""
    label = label or kernel
    rundir = os.path.join(BUILD, "runs", f"{name}-{label}")
    subprocess.run(["rm", "-rf", rundir])
    os.makedirs(rundir)
    slow = slowness(kernel)
    with open(os.path.join(rundir, "tests"), "w") as f:
        for sname, cmd, _, tmo in suites:
            f.write(f"{sname}\t{tmo * slow}\t{cmd}\n")
    budget = 180 + sum(s[3] for s in suites) * slow
    left = int(clock.left())
    if left < 120:
        for sname, _, _, _ in suites:
            results.add(sname, kernel, notrun="the global deadline was too near to boot a guest")
        return rundir
    timeout = min(budget, left - 30)
    genv = {"FTIO_DEADLINE": str(max(0, left - 90))}
    genv.update(env or {})
    say(f"{label}: {len(suites)} suites in one guest, {cpus} vCPU (timeout {timeout} s)")
    gstart = clock.now()
    # kmemleak's scan after each suite takes a third less time in 1.5 GiB
    # than in 2 (the debug kernel's), which is enough for every suite.
    try:
        status, rundir, reason = vm.run(
            ["selftests/vm/guest-run.sh"], kernel=kernel, timeout=timeout, name=name,
            moddir=stage, rundir=rundir, quiet=False, env=genv,
            mem="1536M" if kernel == DBG else "2G", smp=cpus)
    except Exception as e:  # noqa: BLE001 - any failure to start is reported
        why = f"the guest could not start: {type(e).__name__}: {e}"
        say(f"{label}: {why}")
        for sname, _, _, _ in suites:
            results.add(sname, kernel, notrun=why)
        return rundir
    gend = clock.now()
    say(f"{label}: guest done in {mmss(gend - gstart)}: {reason.splitlines()[0]}")
    timeline_phases(label, rundir, gstart, clock)
    collect(kernel, suites, rundir, status, reason, results)
    return rundir


def timeline_phases(kernel, rundir, gstart, clock):
    """The guest's phases, from the host's view of its console: boot,
    each suite with the leak scan after it, shutdown."""
    try:
        import json
        tl = json.load(open(os.path.join(rundir, "timeline.json")))
    except (OSError, ValueError):
        return
    ev = tl["events"]
    marks = [(0.0, "boot")]
    for t, what, arg in ev:
        if what == "running":
            marks.append((t, "setup"))
        elif what == "begin":
            marks.append((t, arg))
        elif what == "exited":
            marks.append((t, "final leak scan, power off"))
    marks.append((tl["elapsed"], None))
    for (t, name), (t2, _) in zip(marks, marks[1:]):
        if name:
            clock.add(f"guest {kernel}: {name}", gstart + t, gstart + t2)


def collect(kernel, suites, rundir, status, reason, results):
    ksrc = vm.ksrc()
    texts = []
    for f in ("console-boot1.log", "console.log"):
        try:
            texts.append((f, open(os.path.join(rundir, f), errors="replace").read()))
        except OSError:
            pass
    names = [s[0] for s in suites]
    for fname, text in texts:
        sc = console.scan(text)
        lines = sc.lines
        for rep in sc.first_per_suite():
            suite = rep.suite if rep.suite in names else "kernel-log"
            first = " on the first boot (the guest was booted again)" \
                if fname == "console-boot1.log" else ""
            results.add(suite, kernel, 0, 1,
                        f"kernel report ({rep.kind}){first}: {rep.describe()} "
                        f"[{rundir}/{fname}] {console.report_gist(lines, rep.lineno)}")

    killed = status == vm.EXIT_KILLED
    for sname, _, fmt, _ in suites:
        base = os.path.join(rundir, "results", sname.replace("/", "."))
        try:
            out = open(base + ".out", errors="replace").read()
            rc = open(base + ".rc").read().strip()
        except OSError:
            why = reason.splitlines()[0] if reason else "no result"
            if killed or status in (vm.EXIT_TIMEOUT, vm.EXIT_NO_STATUS):
                why = f"the guest ended before it: {why}"
            results.add(sname, kernel, notrun=why)
            continue
        if rc == "notrun":
            results.add(sname, kernel, notrun="the global deadline was near")
            continue
        try:
            secs = float(open(base + ".time").read())
        except (OSError, ValueError):
            secs = None
        if fmt == "ktap":
            v = tap.parse_ktap(out, ksrc)
        else:
            v = tap.parse(out)
        problems = v.problems()
        failed = v.failed + (1 if v.errors else 0)
        if rc == "deadline":
            failed += 1
            problems.append("cut short by the global deadline")
        elif rc != "0":
            if not v.failed:
                failed += 1
            problems.append(f"exited with status {rc}" +
                            (" (its timeout)" if rc in ("124", "137") else ""))
        if v.passed + failed == 0:
            failed = 1
            problems.append("printed no results")
        results.add(sname, kernel, v.passed, failed,
                    (", ".join(problems[:6]) + f" (output: {base}.out)") if failed else None,
                    seconds=secs)
    # Beyond the reports and results counted above: the runner's verdict
    # on the guest (a timeout, a crash that stopped it).
    if status not in (0, vm.EXIT_REPORT):
        results.add("guest", kernel, 0, 1, reason.splitlines()[0])


# The run ----------------------------------------------------------------

def plan(tier, kernels, chosen):
    out = {}
    for k in kernels:
        suites = [(name, cmd, fmt, tmo) for name, ks, cmd, fmt, tmo, _, _ in GUEST_SUITES
                  if (tier == "full" or k in ks) and chosen(name)]
        if suites:
            out[k] = suites
    return out


def summary(results, clock, title):
    """The closing tables and line; returns (text, exit status)."""
    passed, failed, notrun = results.totals()
    bad_steps = [s for s in results.steps if not s[1]]
    total = clock.now()
    clock.add(f"{title}, in all", 0, total)
    out = io.StringIO()
    if results.steps:
        print(results.steps_table(), file=out)
        print(file=out)
    print(results.table(), file=out)
    print(file=out)
    print(f"Phases (minutes:seconds from the start of {title}; they overlap):", file=out)
    print(clock.table(), file=out)
    print(file=out)
    past = " (past the global deadline)" if clock.left() < 0 else ""
    print(f"{title} took {mmss(total)}{past}", file=out)
    print(f"{passed} passed, {failed} failed, {notrun} not run; "
          f"{len(results.steps) - len(bad_steps)} of {len(results.steps)} steps ok", file=out)
    return out.getvalue(), (1 if failed or notrun or bad_steps else 0)


def run_plan(path, clock):
    """The guest suites of a plan file, one guest per kernel: lines of
    KERNEL, NAME, TIMEOUT, FORMAT and COMMAND separated by tabs, or "env",
    KERNEL and VAR=VALUE for the guest's environment. Test modules come
    from FTIO_MODDIR (distro) and FTIO_DEBUG_MODDIR (debug)."""
    suites, envs = {}, {}
    for line in open(path):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        if f[0] == "env":
            k, _, v = f[2].partition("=")
            envs.setdefault(f[1], {})[k] = v
        else:
            suites.setdefault(f[0], []).append((f[1], f[4], f[3], int(f[2])))
    stages = {D: os.environ.get("FTIO_MODDIR"), DBG: os.environ.get("FTIO_DEBUG_MODDIR")}
    results = Results()
    label = os.path.splitext(os.path.basename(path))[0]
    threads = []
    for k, ss in suites.items():
        if not stages.get(k):
            for s in ss:
                results.add(s[0], k, notrun=f"no modules for {k}")
            continue
        threads.append(threading.Thread(target=run_guest, args=(
            k, ss, stages[k], results, clock),
            kwargs={"env": envs.get(k), "name": label, "cpus": guest_cpus("check")}))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    text, rc = summary(results, clock, label)
    print(text, end="")
    return rc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", help="run only suites whose name contains this "
                    "(several, comma-separated: any of them)")
    ap.add_argument("--kernels", default=" ".join(KERNELS),
                    help="kernels to test: distro distro-6.1 debug")
    ap.add_argument("--tier", choices=["check", "full"],
                    default=os.environ.get("FTIO_TIER", "check"))
    ap.add_argument("--deadline", type=float,
                    default=float(os.environ.get("FTIO_CHECK_DEADLINE", "80")),
                    help="minutes from the start of make check (default 80)")
    ap.add_argument("--t0", type=float, default=None,
                    help="when make check started (epoch seconds; default now)")
    ap.add_argument("--deps-time", type=float, default=None,
                    help="seconds apt-get (scripts/deps.sh) took before this")
    ap.add_argument("--list", action="store_true", help="list the suites")
    ap.add_argument("--plan", help="run the guest suites of this file instead, with "
                    "the modules in FTIO_MODDIR / FTIO_DEBUG_MODDIR and no steps "
                    "(the runner's own tests: selftests/runner/faults.sh)")
    a = ap.parse_args()
    kernels = [k for k in a.kernels.split() if k]
    for k in kernels:
        if k not in KERNELS:
            ap.error(f"unknown kernel {k}")

    def chosen(name):
        return not a.suite or any(part and part in name for part in a.suite.split(","))

    if a.list:
        for name, ks, cmd, _, tmo, cost, why in GUEST_SUITES:
            print(f"{name:24} {', '.join(ks):28} {tmo:4} s  ~{cost:3} s  {cmd}")
            if why:
                print(f"{'':24} {why}")
        for name, cmd, why in HOST_SUITES:
            print(f"{name:24} {'host':28} {'':6}  {cmd}")
            print(f"{'':24} {why}")
        print("(make check-full: every suite on every kernel, with the long soaks)")
        return 0

    clock = Clock(a.t0 or time.time(), a.deadline)
    if a.plan:
        return run_plan(a.plan, clock)
    os.makedirs(os.path.join(BUILD, "check"), exist_ok=True)
    for f in glob.glob(os.path.join(BUILD, "check", "*")):
        if os.path.isfile(f):
            os.unlink(f)
    results = Results()
    if a.deps_time is not None:
        clock.add("apt-get (scripts/deps.sh)", 0, a.deps_time)
        results.step("apt-get (scripts/deps.sh)", True, a.deps_time)
    vm.ksrc()

    guest_plan = plan(a.tier, kernels, chosen)
    host_suites = [(n, c) for n, c, _ in HOST_SUITES if chosen(n)]
    soak_env = {"FTIO_SOAK": "1"} if a.tier == "full" else {}
    cpus = guest_cpus(a.tier)
    need = set(guest_plan)
    if host_suites:
        need |= {D, DBG} & set(kernels)
    everything = not a.suite

    # The debug kernel takes long to build the first time: start it now,
    # while the host steps and the distro guests run.
    kbuild = None
    kstart = clock.now()
    if DBG in need:
        say("debug kernel: building it or taking it from the cache (in the background)")
        klog = os.path.join(BUILD, "check", "debug-kernel.log")
        kbuild = subprocess.Popen([os.path.join(TOP, "selftests/kernels/debug-kernel.sh")],
                                  stdout=subprocess.PIPE, stderr=open(klog, "w"))

    plain_step(results, clock, "ftioctl and the test programs",
               ["bash", "-c", "make -s -j$(nproc) -C tools/ftioctl && "
                "make -s -j$(nproc) -C selftests"],
               os.path.join(BUILD, "check", "build-tools.log"))

    # Two lines of work side by side. The debug kernel's: its build (or
    # the cache), its modules, its guest, the longest of all, started as
    # early as it can be. The host's: lint and DKMS, then the distro
    # guests, then the runner's own tests (which also need the debug
    # kernel's modules).
    stages = {}
    debug_staged = threading.Event()

    def debug_line():
        try:
            debug_work()
        finally:
            debug_staged.set()

    def debug_work():
        say("debug kernel: waiting for the build")
        try:
            kbuild.wait(timeout=max(1, clock.left()))
        except subprocess.TimeoutExpired:
            kbuild.kill()
            kbuild.wait()
        ok = kbuild.returncode == 0
        kend = clock.now()
        cached = "built" if "building" in open(
            os.path.join(BUILD, "check", "debug-kernel.log"), errors="replace").read() else "cached"
        clock.add(f"debug kernel ({cached})", kstart, kend)
        results.step(f"debug kernel ({cached})", ok, kend - kstart,
                     "see build/check/debug-kernel.log")
        if not ok:
            for s in guest_plan.get(DBG, []):
                results.add(s[0], DBG, notrun="the debug kernel did not build")
            return
        work = build_modules(DBG, results, clock)
        stages[DBG] = stage_modules(DBG, work, results) if work else None
        debug_staged.set()
        if DBG not in guest_plan:
            return
        if not stages[DBG]:
            for s in guest_plan[DBG]:
                results.add(s[0], DBG, notrun="its modules did not build")
            return
        # The debug kernel's suites are the longest line: with one vCPU a
        # guest they go to two guests side by side, shared out by cost.
        # With two vCPUs a guest (check-full) they stay in one: two such
        # guests beside the host's line measured 32 minutes against 17,
        # with soft lockups of the starved vCPUs.
        parts = share_out(guest_plan[DBG], 2 if cpus == 1 else 1)
        guests = [threading.Thread(target=run_guest, args=(
            DBG, part, stages[DBG], results, clock),
            kwargs={"env": soak_env, "cpus": cpus,
                    "label": f"{DBG}-{i + 1}" if len(parts) > 1 else DBG})
            for i, part in enumerate(parts)]
        for t in guests:
            t.start()
        for t in guests:
            t.join()

    def host_line():
        # Lint (with its W=1 and sparse builds) and DKMS side by side.
        host_threads = []
        linting = everything or chosen("lint")
        if linting:
            host_threads.append(threading.Thread(target=tap_step, args=(
                results, clock, "lint", ["scripts/lint.sh"],
                os.path.join(BUILD, "check", "lint.log"))))
        distros = [k for k in (D61, D) if k in need]
        if distros:
            host_threads.append(threading.Thread(target=tap_step, args=(
                results, clock, "dkms", ["scripts/dkms-check.sh"] +
                [vm.find_kernel(k)["release"] for k in distros],
                os.path.join(BUILD, "check", "dkms.log"))))
        for t in host_threads:
            t.start()
        works = {}
        if not linting:
            for k in distros:
                works[k] = build_modules(k, results, clock)
        for t in host_threads:
            t.join()
        if linting:
            # Lint built the modules with the test helpers for both
            # distro kernels (W=1, sparse): the guests load those.
            for k in distros:
                works[k] = lint_modules(k, results) or build_modules(k, results, clock)
        for k in distros:
            stages[k] = stage_modules(k, works[k], results) if works[k] else None
        for k in (D61, D):
            if k not in guest_plan:
                continue
            if not stages.get(k):
                for s in guest_plan[k]:
                    results.add(s[0], k, notrun="its modules did not build")
                continue
            run_guest(k, guest_plan[k], stages[k], results, clock, env=soak_env, cpus=cpus)
        if host_suites:
            debug_staged.wait()
            for name, cmd in host_suites:
                host_suite(name, cmd)

    def host_suite(name, cmd):
        log = os.path.join(BUILD, "check", name.replace("/", ".") + ".log")
        env = dict(os.environ)
        if stages.get(D):
            env.update(FTIO_MODDIR=stages[D])
        if stages.get(DBG):
            env.update(FTIO_DEBUG_MODDIR=stages[DBG])
        say(f"host: {name}")
        start = clock.now()
        rc = run_cmd([os.path.join(TOP, cmd)], log, env=env, timeout=max(1, clock.left()))
        clock.add(f"host: {name}", start, clock.now())
        v = tap.parse(open(log, errors="replace").read())
        failed = v.failed + (1 if v.errors else 0) + (1 if rc and not v.failed else 0)
        probs = v.problems() + ([f"exited with status {rc}"] if rc else [])
        results.add(name, "host", v.passed, failed,
                    (", ".join(probs[:5]) + f" (log: {log})") if failed else None,
                    seconds=clock.now() - start)

    if not kbuild:
        debug_staged.set()
    threads = [threading.Thread(target=host_line)]
    if kbuild:
        threads.append(threading.Thread(target=debug_line))
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # Every suite planned has a result, or says why not.
    for k, suites in guest_plan.items():
        for s in suites:
            if (s[0], k) not in results.cells:
                results.add(s[0], k, notrun="no guest ran it (see above)")

    text, rc = summary(results, clock, f"make check ({a.tier})")
    print()
    print(text, end="")
    with open(os.path.join(BUILD, "check", "summary.txt"), "w") as f:
        f.write(text)
    return rc


if __name__ == "__main__":
    sys.exit(main())
