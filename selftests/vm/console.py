# SPDX-License-Identifier: GPL-2.0
"""Reading a test guest's console: kernel reports and whom they blame.

A guest's console carries the kernel's log and the markers that the
guest's scripts write to it (selftests/vm/guest-main.sh, guest-run.sh):

  ftio-guest: running CMD on RELEASE          the command starts
  ftio-guest: begin test NAME timeout T jiffies J
  ftio-guest: end test NAME status RC jiffies J
  ftio-guest: kmemleak after NAME             a leak scan's findings follow
  ftio-guest: kmemleak at the end             the last scan's, after the command
  ftio-expect: begin WHAT / ftio-expect: end  a report provoked on purpose

A Scanner reads the console line by line (live, while the guest runs, or
afterwards) and keeps every kernel report outside an expect block, with
the suite it blames: the suite that was running, or, for a kmemleak
report, the suite during which the leaked object was allocated (its
jiffies fall in the suite's window; kmemleak reports an object only once
it is 5 s old, so a leak made near a suite's end is found after the
next). An expect block still open when its suite ends (or at the end of
the console) is a report of its own: it would hide every later one.
"""

import re

REPORT_PATTERNS = [
    r"BUG: ",
    r"WARNING: ",
    r"UBSAN: ",
    r"\bOops\b",
    r"Call Trace:",
    r"general protection fault",
    r"Kernel panic",
    r"kernel BUG at",
    r"unreferenced object 0x",
    r"kmemleak: .*suspected memory leak",
    r"KFENCE: ",
    r"INFO: task .* blocked for more than",
    r"INFO: (possible|inconsistent|trying to register)",
    r"ODEBUG: ",
    r"list_(add|del) corruption",
    r"Unable to handle kernel",
    r"RIP: 0010:",
]
REPORT_RE = re.compile("|".join(f"(?:{p})" for p in REPORT_PATTERNS))
# Reports after which the kernel does not go on as before: the guest is
# stopped as soon as the report is complete.
CRASH_RE = re.compile(r"Kernel panic|\bOops\b|kernel BUG at|BUG: unable to handle|"
                      r"BUG: kernel NULL pointer|general protection fault")
CRASH_END_RE = re.compile(r"---\[ end (trace|Kernel panic)")
LEAK_RE = re.compile(r"unreferenced object 0x")
LEAK_SUMMARY_RE = re.compile(r"kmemleak: .*suspected memory leak")
LEAK_JIFFIES_RE = re.compile(r"comm \"[^\"]*\", pid \d+, jiffies (\d+)")
BEGIN_RE = re.compile(r"ftio-guest: begin test (\S+)(?: timeout (\d+))?(?: jiffies (\d+))?")
END_RE = re.compile(r"ftio-guest: end test (\S+)(?: status (\S+))?(?: jiffies (\d+))?")
LEAK_AFTER_RE = re.compile(r"ftio-guest: kmemleak after (\S+)")
LEAK_END = "ftio-guest: kmemleak at the end"
RUNNING = "ftio-guest: running"
EXPECT_BEGIN = "ftio-expect: begin"
EXPECT_END = "ftio-expect: end"

BOOT = "(boot)"
OUTSIDE = "(outside any test)"


class Report:
    """One kernel report: where it is on the console, its first line, its
    kind (report, crash, hung, leak, expect), the suite it blames and,
    where they differ, the suite during which it was found."""

    def __init__(self, lineno, line, kind, suite, found_in=None, note=""):
        self.lineno = lineno
        self.line = line
        self.kind = kind
        self.suite = suite
        self.found_in = found_in if found_in != suite else None
        self.note = note

    def describe(self):
        where = f"console line {self.lineno}"
        extra = f"; found after {self.found_in}" if self.found_in else ""
        text = self.note or self.line.strip()[:150]
        return f"{text} ({where}{extra})"

    def __repr__(self):
        return f"Report({self.lineno}, {self.kind}, {self.suite}, {self.line!r})"


class Scanner:
    """Reads console lines one at a time; see the module's docstring."""

    def __init__(self):
        self.lines = []
        self.reports = []
        self.running = False      # the command started
        self.suite = None         # the suite running now
        self.last_suite = None    # the suite that ran last
        self.timeout = None       # the running suite's timeout (s)
        self.windows = []         # (suite, first jiffy, last jiffy or None)
        self.expect_open = []     # line numbers of open expect blocks
        self.expect_suite = None
        self.crash = None         # the first crash report
        self.crash_done = False   # its trace is complete
        self.pending_leak = None  # a leak report waiting for its jiffies
        self.leak_scan_of = None  # the suite whose leak scan this is
        self.leak_summaries = []  # kmemleak's "N new suspected" lines

    # The suite a report is blamed on when nothing more precise is known.
    def _here(self):
        if not self.running:
            return BOOT
        return self.suite or self.last_suite or OUTSIDE

    def _suite_at(self, jiffies):
        for name, first, last in self.windows:
            if first <= jiffies and (last is None or jiffies <= last):
                return name
        return OUTSIDE

    def _close_expect(self, lineno, why):
        if self.expect_open:
            first = self.expect_open[0]
            self.reports.append(Report(
                first, self.lines[first - 1], "expect", self.expect_suite or self._here(),
                note=f"an expect block opened at console line {first} was never closed "
                     f"({why}); it would hide every report after it"))
            self.expect_open = []

    def feed(self, line):
        self.lines.append(line)
        n = len(self.lines)
        if self.pending_leak:
            m = LEAK_JIFFIES_RE.search(line)
            if m:
                rep = self.pending_leak
                rep.suite = self._suite_at(int(m.group(1)))
                if rep.found_in == rep.suite:
                    rep.found_in = None
                self.pending_leak = None
            elif n - self.pending_leak.lineno > 3:
                self.pending_leak = None
        if RUNNING in line:
            self.running = True
            return
        m = BEGIN_RE.search(line)
        if m:
            self._close_expect(n, "a new suite began")
            self.suite = self.last_suite = m.group(1)
            self.timeout = int(m.group(2)) if m.group(2) else None
            self.windows.append((self.suite, int(m.group(3)) if m.group(3) else 0, None))
            self.leak_scan_of = None
            return
        m = END_RE.search(line)
        if m:
            self._close_expect(n, f"suite {m.group(1)} ended")
            if self.windows and self.windows[-1][0] == m.group(1) and m.group(3):
                name, first, _ = self.windows[-1]
                self.windows[-1] = (name, first, int(m.group(3)))
            self.suite = None
            self.timeout = None
            return
        m = LEAK_AFTER_RE.search(line)
        if m:
            self.leak_scan_of = m.group(1)
            return
        if LEAK_END in line:
            self.leak_scan_of = self.last_suite or OUTSIDE
            return
        if EXPECT_BEGIN in line:
            if not self.expect_open:
                self.expect_suite = self._here()
            self.expect_open.append(n)
            return
        if EXPECT_END in line:
            if self.expect_open:
                self.expect_open.pop()
            return
        if self.crash and not self.crash_done and CRASH_END_RE.search(line):
            self.crash_done = True
        if self.expect_open or not REPORT_RE.search(line):
            return
        if LEAK_RE.search(line):
            found = self.leak_scan_of or self._here()
            rep = Report(n, line, "leak", found, found_in=found)
            rep.found_in = found
            self.pending_leak = rep
        elif LEAK_SUMMARY_RE.search(line):
            # Counts only if no object follows it (see finish()): the
            # objects say which suite made them, this line does not.
            self.leak_summaries.append(Report(n, line, "leak", self.leak_scan_of or self._here()))
            return
        elif "blocked for more than" in line:
            rep = Report(n, line, "hung", self._here())
        elif CRASH_RE.search(line):
            rep = Report(n, line, "crash", self._here())
            if not self.crash:
                self.crash = rep
        else:
            rep = Report(n, line, "report", self._here())
        self.reports.append(rep)

    def finish(self):
        """The console is complete: an expect block still open is a
        report. Returns the reports."""
        self._close_expect(len(self.lines), "the console ended")
        for summary in self.leak_summaries:
            if not any(r.kind == "leak" and r.lineno > summary.lineno for r in self.reports):
                summary.note = "kmemleak counted leaks but no object of them reached the console"
                self.reports.append(summary)
        self.leak_summaries = []
        self.reports.sort(key=lambda r: r.lineno)
        return self.reports

    def first_per_suite(self):
        """The first report blamed on each suite, in console order."""
        seen = {}
        for r in self.reports:
            seen.setdefault(r.suite, r)
        return list(seen.values())


def scan(text):
    """All reports of a complete console text (a Scanner fed with it)."""
    s = Scanner()
    for line in text.splitlines():
        s.feed(line)
    s.finish()
    return s


def report_gist(lines, first):
    """One line that says what a kernel report is about: for lockdep, the
    locks of the dependency chain; otherwise the first call-trace frames.
    lines is the console split in lines, first the report's 1-based line."""
    body = lines[first - 1:first + 120]
    locks = []
    for ln in body:
        m = re.search(r"-> #\d+ \((.+?)\)\{", ln)
        if m:
            locks.append(m.group(1))
    if not locks:
        # Not a chain (recursive locking, a lock held on return...): the
        # locks named just after "lock:" lines.
        for prev, ln in zip(body, body[1:]):
            m = re.search(r"\((.+?)\)\{", ln)
            if prev.rstrip().endswith("lock:") and m:
                locks.append(m.group(1))
    if locks:
        return "locks: " + ", ".join(dict.fromkeys(locks))
    frames = []
    for ln in body[1:]:
        m = re.search(r"\]\s+(?:\?\s+)?([a-zA-Z_][\w.]*\+0x[0-9a-f]+/0x[0-9a-f]+(?: \[\w+\])?)", ln)
        if m:
            frames.append(m.group(1))
            if len(frames) == 6:
                break
    return "frames: " + " < ".join(frames) if frames else ""
