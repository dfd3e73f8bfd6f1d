# SPDX-License-Identifier: GPL-2.0
"""Counting test results honestly: TAP (ftio's shell suites, kselftest
programs) and KTAP (KUnit, read with the kernel tree's own kunit parser).

A count is only believed when it agrees with the plan its program
announced: a program that plans N tests and reports fewer (a lost result
line, a crash half-way) fails, and so do results numbered out of order,
a second plan, a missing plan and "Bail out!".
"""

import io
import os
import re
import sys

RESULT_RE = re.compile(r"^(not )?ok (\d+)\b\s*-?\s*([^#]*?)\s*(?:#\s*(.*))?$")
PLAN_RE = re.compile(r"^1\.\.(\d+)\b")


class Verdict:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.failed_names = []
        self.errors = []

    def ok(self):
        return not self.failed and not self.errors and self.passed + self.skipped > 0

    def problems(self):
        return [f"not ok: {n}" for n in self.failed_names] + self.errors


def parse(text):
    """Top-level TAP 13 / KTAP results of @text (indented lines are
    subtests and diagnostics: their parent's line counts for them)."""
    v = Verdict()
    plan = None
    seen = 0
    for line in text.splitlines():
        if line.startswith("Bail out!"):
            v.errors.append(line.strip())
            continue
        m = PLAN_RE.match(line)
        if m:
            if plan is not None:
                v.errors.append(f"a second plan ({line.strip()})")
            plan = int(m.group(1))
            continue
        m = RESULT_RE.match(line)
        if not m:
            continue
        seen += 1
        if int(m.group(2)) != seen:
            v.errors.append(f"result {m.group(2)} where {seen} was due (a result line "
                            "was lost or doubled)")
            seen = int(m.group(2))
        directive = (m.group(4) or "").upper()
        if directive.startswith("SKIP"):
            v.skipped += 1
        elif m.group(1):
            v.failed += 1
            v.failed_names.append(m.group(3) or f"test {seen}")
        else:
            v.passed += 1
    if plan is None:
        v.errors.append("no plan (1..N): the program did not finish")
    elif plan != seen:
        v.errors.append(f"planned {plan} tests, reported {seen} (a result line was "
                        "lost, or the program stopped early)")
    return v


def parse_ktap(text, ksrc):
    """KTAP of KUnit suites, read with @ksrc's tools/testing/kunit parser,
    which checks every plan and result line. Test cases count; a parse
    error (a missing case, suite or result line) fails."""
    v = Verdict()
    kdir = os.path.join(ksrc, "tools/testing/kunit")
    if kdir not in sys.path:
        sys.path.insert(0, kdir)
    import kunit_parser  # noqa: E402
    import kunit_printer  # noqa: E402
    saved = kunit_printer.stdout._output
    kunit_printer.stdout._output = io.StringIO()
    try:
        test = kunit_parser.parse_run_tests(text.splitlines(keepends=True))
    finally:
        log = kunit_printer.stdout._output.getvalue()
        kunit_printer.stdout._output = saved
    c = test.counts
    v.passed = c.passed
    v.skipped = c.skipped
    v.failed = c.failed + c.crashed

    def walk(t, prefix):
        for sub in t.subtests:
            if sub.subtests:
                walk(sub, f"{prefix}{sub.name}.")
            elif sub.status in (kunit_parser.TestStatus.FAILURE,
                                kunit_parser.TestStatus.TEST_CRASHED):
                v.failed_names.append(f"{prefix}{sub.name or '(missing)'}")

    walk(test, "")
    if c.errors:
        errs = [ln.split("[ERROR]", 1)[1].strip() for ln in log.splitlines() if "[ERROR]" in ln]
        v.errors.append(f"{c.errors} KTAP error(s): " + "; ".join(errs[:3]))
    if test.status in (kunit_parser.TestStatus.NO_TESTS,
                       kunit_parser.TestStatus.FAILURE_TO_PARSE_TESTS):
        v.errors.append("no KUnit results")
    return v
