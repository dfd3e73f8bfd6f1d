#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make check: every ftio test on every kernel.

Builds what the tests need, runs the host-side suites (lint, DKMS, the
runner's own test), then one guest per kernel (Debian 6.12, Debian 6.1,
the debug kernel) that runs that kernel's suites, and prints a table of
suites by kernel and one closing line "N passed, N failed". Exits
non-zero on any failure, including a kernel report (KASAN, lockdep,
kmemleak, UBSAN, WARNING, ...) on a guest's console.

  selftests/run.py [--suite NAME] [--kernels "distro debug"] [--list]
"""

import argparse
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "vm"))
import vm  # noqa: E402

BUILD = vm.BUILD
KERNELS = ["distro", "distro-6.1", "debug"]

# name, kernels it runs on, command (in the guest, from the tree's top),
# result format, time budget in seconds.
GUEST_SUITES = [
    ("kunit", ["debug"], "selftests/kunit/run_kunit.sh", "kunit", 600),
    ("core/nl_core", ["distro", "debug"], "nl_core", "tap", 300),
    ("core/ftioctl", ["distro", "debug"], "selftests/core/ftioctl.sh", "tap", 600),
    ("core/sysfs_abi", ["distro", "debug"], "selftests/core/sysfs_abi.sh", "tap", 120),
    ("core/ynl_cli", ["distro", "debug"], "selftests/core/ynl_cli.sh", "tap", 600),
    ("smoke/load_unload", ["distro-6.1", "distro", "debug"],
     "selftests/smoke/load_unload.sh", "tap", 300),
    ("runner/qmp", ["distro", "debug"], "selftests/runner/qmp.sh", "tap", 300),
    ("pool/pool", ["distro", "debug"], "selftests/pool/pool.sh", "tap", 600),
    ("mpio/control", ["distro", "debug"], "selftests/mpio/control.sh", "tap", 600),
    # These two also on 6.1, whose bio_endio() differs where mpio hooks
    # bios, and which tells mpio otherwise that a disk went away.
    ("mpio/scsi_failover", ["distro-6.1", "distro", "debug"],
     "selftests/mpio/scsi_failover.sh", "tap", 600),
    ("mpio/virtio_failover", ["distro-6.1", "distro", "debug"],
     "selftests/mpio/virtio_failover.sh", "tap", 600),
    ("mpio/nvme_tcp_failover", ["distro", "debug"], "selftests/mpio/nvme_tcp_failover.sh",
     "tap", 600),
    ("mpio/nvme_pci_failover", ["distro", "debug"], "selftests/mpio/nvme_pci_failover.sh",
     "tap", 600),
]
# Suites that run on the host: name and command.
HOST_SUITES = [
    ("lint", "scripts/lint.sh"),
    ("dkms", "scripts/dkms-check.sh KVER..."),
    ("runner", "selftests/runner/detect.sh (boots distro guests)"),
]


def say(msg):
    print(f"check: {msg}", flush=True)


# Results --------------------------------------------------------------

class Results:
    def __init__(self):
        self.cells = {}      # (suite, kernel) -> [passed, failed, notes]
        self.order = []
        self.lock = threading.Lock()   # the guests report from two threads

    def add(self, suite, kernel, passed, failed, note=None):
        with self.lock:
            self._add(suite, kernel, passed, failed, note)

    def _add(self, suite, kernel, passed, failed, note):
        key = (suite, kernel)
        if key not in self.cells:
            self.cells[key] = [0, 0, []]
            if suite not in self.order:
                self.order.append(suite)
        cell = self.cells[key]
        cell[0] += passed
        cell[1] += failed
        if note:
            cell[2].append(note)

    def totals(self):
        p = sum(c[0] for c in self.cells.values())
        f = sum(c[1] for c in self.cells.values())
        return p, f

    def table(self):
        cols = [k for k in KERNELS + ["host"] if any(key[1] == k for key in self.cells)]
        w = max([len(s) for s in self.order] + [5]) + 2
        lines = ["SUITE".ljust(w) + "".join(c.ljust(14) for c in cols)]
        for s in self.order:
            row = s.ljust(w)
            for c in cols:
                cell = self.cells.get((s, c))
                if not cell:
                    row += "-".ljust(14)
                    continue
                txt = f"{cell[0]}/{cell[0] + cell[1]}"
                if cell[1]:
                    txt += " FAIL"
                row += txt.ljust(14)
            lines.append(row.rstrip())
        notes = []
        for (s, c), cell in self.cells.items():
            for n in cell[2]:
                notes.append(f"  {s} [{c}]: {n}")
        return "\n".join(lines + (["", "Failures:"] + notes if notes else []))


def parse_tap(text):
    """Count top-level TAP results; return (passed, failed, failed names)."""
    passed = failed = 0
    names = []
    for line in text.splitlines():
        m = re.match(r"^(not )?ok \d+\s*-?\s*(.*)$", line)
        if not m:
            continue
        if "# SKIP" in line:
            continue
        if m.group(1):
            failed += 1
            names.append(m.group(2))
        else:
            passed += 1
    return passed, failed, names


def parse_kunit(path, ksrc):
    """Parse KTAP with the kernel tree's kunit.py; count test cases."""
    out = path + ".json"
    subprocess.run([sys.executable, os.path.join(ksrc, "tools/testing/kunit/kunit.py"),
                    "parse", f"--json={out}", path],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        data = json.load(open(out))
    except (OSError, ValueError):
        return 0, 1, ["kunit.py could not parse the results"]
    passed = failed = 0
    names = []

    def walk(group, prefix):
        nonlocal passed, failed
        for case in group.get("test_cases", []):
            if case["status"] == "PASS":
                passed += 1
            elif case["status"] != "SKIP":
                failed += 1
                names.append(f"{prefix}{case['name']}")
        for sub in group.get("sub_groups", []):
            walk(sub, f"{prefix}{sub['name']}.")

    walk(data, "")
    if passed + failed == 0:
        return 0, 1, ["no KUnit results"]
    return passed, failed, names


# Building -------------------------------------------------------------

def run_cmd(cmd, log, env=None, cwd=TOP):
    with open(log, "w") as f:
        return subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT,
                              env=env).returncode


def kdir_of(kernel):
    return vm.find_kernel(kernel)["build"]


def stage_modules(kernel, results):
    """Modules the guest of 'kernel' installs: DKMS-built ftio for the
    distro kernels, plus the test helpers; everything for debug."""
    k = vm.find_kernel(kernel)
    stage = os.path.join(BUILD, "guest", kernel)
    subprocess.run(["rm", "-rf", stage])
    os.makedirs(stage)
    work = os.path.join(BUILD, "kmod", kernel)
    log = os.path.join(BUILD, "check", f"build-{kernel}.log")
    if run_cmd([os.path.join(TOP, "scripts/build-kmods.sh"), k["build"], work], log):
        results.add("build", kernel, 0, 1, f"modules do not build; see {log}")
        return None
    results.add("build", kernel, 1, 0)
    built = glob.glob(os.path.join(work, "src", "**", "*.ko"), recursive=True)
    if kernel == "debug":
        chosen = built
    else:
        dkms = glob.glob(os.path.join(BUILD, "dkms", "modules", k["release"], "*.ko*"))
        if not dkms:
            results.add("build", kernel, 0, 1, "no DKMS-built modules to load")
            return None
        chosen = dkms + [p for p in built if "/selftests/" in p]
    for p in chosen:
        subprocess.run(["cp", p, stage], check=True)
    return stage


# Guests ---------------------------------------------------------------

def run_guest(kernel, suites, stage, results, ksrc):
    rundir = os.path.join(BUILD, "runs", f"check-{kernel}")
    subprocess.run(["rm", "-rf", rundir])
    os.makedirs(rundir)
    with open(os.path.join(rundir, "tests"), "w") as f:
        for name, _, cmd, _, _ in suites:
            f.write(f"{name}\t{cmd}\n")
    # The sanitizers make the debug kernel about twice as slow.
    slow = 2 if kernel == "debug" else 1
    budget = 120 + sum(s[4] for s in suites) * slow
    say(f"{kernel}: {len(suites)} suites in one guest (budget {budget} s)")
    status, rundir, reason = vm.run(
        ["selftests/vm/guest-run.sh"], kernel=kernel, timeout=budget, name="check",
        moddir=stage, rundir=rundir, quiet=False,
        env={"FTIO_TEST_TIMEOUT": str(max(s[4] for s in suites) * slow)})

    console = ""
    try:
        console = open(os.path.join(rundir, "console.log"), errors="replace").read()
    except OSError:
        pass
    reports = vm.scan_console(console)
    clines = console.splitlines()
    blamed = set()
    for lineno, line in reports:
        test = "(outside any test)"
        for ln in reversed(clines[:lineno]):
            m = re.search(r"ftio-guest: begin test (\S+)", ln)
            if m:
                test = m.group(1)
                break
        if test not in blamed:
            blamed.add(test)
            suite = test if any(test == s[0] for s in suites) else "kernel-log"
            results.add(suite, kernel, 0, 1,
                        f"kernel report: {line.strip()[:150]} "
                        f"(console: {rundir}/console.log:{lineno}) "
                        f"{vm.report_gist(clines, lineno)}")

    for name, _, _, fmt, _ in suites:
        base = os.path.join(rundir, "results", name.replace("/", "."))
        try:
            out = open(base + ".out", errors="replace").read()
            rc = int(open(base + ".rc").read().strip())
        except (OSError, ValueError):
            results.add(name, kernel, 0, 1, f"did not run ({reason.splitlines()[0]})")
            continue
        if fmt == "kunit":
            p, f, names = parse_kunit(base + ".out", ksrc)
        else:
            p, f, names = parse_tap(out)
        if rc and not f:
            f = 1
            names = [f"exited with status {rc}" + (" (timeout)" if rc in (124, 137) else "")]
        if p + f == 0:
            f = 1
            names = ["printed no results"]
        results.add(name, kernel, p, f,
                    (", ".join(names[:5]) + f" (output: {base}.out)") if f else None)
    # guest-run.sh itself exits 0; anything else is the runner's verdict
    # on the guest (timeout, crash) beyond the reports counted above.
    if status not in (0, vm.EXIT_REPORT):
        results.add("guest", kernel, 0, 1, reason.splitlines()[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", help="run only suites whose name contains this "
                    "(several, comma-separated: any of them)")
    ap.add_argument("--kernels", default=" ".join(KERNELS),
                    help="kernels to test: distro distro-6.1 debug")
    ap.add_argument("--list", action="store_true", help="list the suites")
    a = ap.parse_args()
    kernels = [k for k in a.kernels.split() if k]
    for k in kernels:
        if k not in KERNELS:
            ap.error(f"unknown kernel {k}")

    def chosen(name):
        return not a.suite or any(part and part in name for part in a.suite.split(","))

    if a.list:
        for name, ks, cmd, _, _ in GUEST_SUITES:
            print(f"{name:22} guest: {', '.join(ks):26} {cmd}")
        for name, cmd in HOST_SUITES:
            print(f"{name:22} host{'':28}{cmd}")
        return 0

    start = time.monotonic()
    os.makedirs(os.path.join(BUILD, "check"), exist_ok=True)
    results = Results()
    ksrc = subprocess.run([os.path.join(TOP, "scripts/ksrc.sh")], stdout=subprocess.PIPE,
                          text=True, check=True).stdout.strip()

    guest_plan = {k: [s for s in GUEST_SUITES if k in s[1] and chosen(s[0])]
                  for k in kernels}
    guest_plan = {k: v for k, v in guest_plan.items() if v}
    need_runner = chosen("runner") and "distro" in kernels

    # The debug kernel takes long to build the first time: start it now
    # and let it build while everything else runs.
    debug_build = None
    if "debug" in guest_plan:
        say("debug kernel: building or taking it from the cache (in the background)")
        debug_build = subprocess.Popen(
            [os.path.join(TOP, "selftests/kernels/debug-kernel.sh")],
            stdout=subprocess.PIPE, stderr=open(os.path.join(BUILD, "check",
                                                             "debug-kernel.log"), "w"))

    say("building ftioctl and the test programs")
    for what in (["make", "-s", "-C", "tools/ftioctl"], ["make", "-s", "-C", "selftests"]):
        if run_cmd(what, os.path.join(BUILD, "check", "build-tools.log")):
            results.add("build", "host", 0, 1,
                        f"{' '.join(what)} failed; see build/check/build-tools.log")
            print(results.table())
            return 1
    results.add("build", "host", 1, 0)

    # Host suites: lint; DKMS, whose modules the distro guests load.
    def host_suite(name, cmd, env=None):
        say(f"host: {name}")
        log = os.path.join(BUILD, "check", f"{name}.log")
        rc = run_cmd(cmd, log, env=env)
        p, f, names = parse_tap(open(log, errors="replace").read())
        if rc and not f:
            f, names = 1, [f"exited with status {rc}"]
        results.add(name, "host", p, f,
                    (", ".join(names[:5]) + f" (log: {log})") if f else None)

    if chosen("lint"):
        host_suite("lint", ["scripts/lint.sh"])
    if chosen("dkms") or need_runner or set(guest_plan) & {"distro", "distro-6.1"}:
        host_suite("dkms", ["scripts/dkms-check.sh"] +
                   [vm.find_kernel(k)["release"] for k in ("distro", "distro-6.1")])

    stages = {}
    for k in list(guest_plan) + (["distro"] if need_runner and "distro" not in guest_plan else []):
        if k == "debug":
            continue
        stages[k] = stage_modules(k, results)

    if need_runner and stages.get("distro"):
        host_suite("runner", ["selftests/runner/detect.sh"],
                   env=dict(os.environ, FTIO_MODDIR=stages["distro"], FTIO_KERNEL="distro"))

    # The distro guests one after the other, and beside them the debug
    # guest once its kernel is there: a guest waits for I/O and timers as
    # much as it computes, so two at a time take much less than twice as
    # long as one. (Both cores are busy then: a second debug guest beside
    # the first once the distro guests are done made make check no
    # faster, 70.5 min against 69.5, and the tests slower each.)
    def distro_guests():
        for k in ("distro-6.1", "distro"):
            if k in guest_plan and stages.get(k):
                run_guest(k, guest_plan[k], stages[k], results, ksrc)

    def debug_guest():
        say("debug kernel: waiting for the build")
        debug_build.wait()
        if debug_build.returncode:
            results.add("build", "debug", 0, 1,
                        "debug kernel build failed; see build/check/debug-kernel.log")
            return
        stages["debug"] = stage_modules("debug", results)
        if stages["debug"]:
            run_guest("debug", guest_plan["debug"], stages["debug"], results, ksrc)

    threads = [threading.Thread(target=distro_guests)]
    if debug_build:
        threads.append(threading.Thread(target=debug_guest))
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # Every suite planned has a result, or a failure says why not.
    for k, suites in guest_plan.items():
        for name, _, _, _, _ in suites:
            if (name, k) not in results.cells:
                results.add(name, k, 0, 1, "did not run (no guest ran it; see above)")

    passed, failed = results.totals()
    mins = (time.monotonic() - start) / 60
    print()
    print(results.table())
    print()
    print(f"make check took {mins:.1f} min")
    print(f"{passed} passed, {failed} failed")
    with open(os.path.join(BUILD, "check", "summary.txt"), "w") as f:
        f.write(results.table() + f"\n\n{passed} passed, {failed} failed\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
