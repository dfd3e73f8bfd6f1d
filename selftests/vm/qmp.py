# SPDX-License-Identifier: GPL-2.0
"""A small QMP client: JSON over the QEMU monitor's unix socket.

Used by the VM runner on the host side, while the guest runs, to hot-plug
and unplug PCI devices, inject AER errors and machine checks through the
human monitor, and add memory backends.
"""

import json
import socket
import time


class QMPError(Exception):
    """QEMU answered a command with an error."""


class QMP:
    def __init__(self, path, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.file = self.sock.makefile("rwb", buffering=0)
        self.events = []
        greeting = self._read()
        if "QMP" not in greeting:
            raise QMPError(f"not a QMP greeting: {greeting}")
        self.command("qmp_capabilities")

    def _read(self):
        line = self.file.readline()
        if not line:
            raise EOFError("QMP socket closed")
        return json.loads(line)

    def _read_by(self, deadline, what):
        """The next message, or TimeoutError ("no @what ...") at the
        monotonic time @deadline."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {what} in time")
        self.sock.settimeout(left)
        try:
            return self._read()
        except socket.timeout:
            raise TimeoutError(f"no {what} in time")
        finally:
            self.sock.settimeout(None)

    def command(self, name, qmp_timeout=30.0, **args):
        """Run one command; return its 'return' value or raise QMPError
        (TimeoutError if QEMU does not answer within @qmp_timeout s)."""
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.file.write(json.dumps(msg).encode() + b"\n")
        deadline = time.monotonic() + qmp_timeout
        while True:
            reply = self._read_by(deadline, f"answer to {name} within {qmp_timeout} s")
            if "event" in reply:
                self.events.append(reply)
                continue
            if "error" in reply:
                err = reply["error"]
                raise QMPError(f"{name}: {err.get('class')}: {err.get('desc')}")
            return reply.get("return")

    def hmp(self, line):
        """Run a human-monitor command (pcie_aer_inject_error, mce, ...)."""
        out = self.command("human-monitor-command", **{"command-line": line})
        return out or ""

    def wait_event(self, name, timeout=30.0, match=None):
        """Wait for a QMP event, optionally whose data contains 'match'."""
        deadline = time.monotonic() + timeout

        def matches(ev):
            if ev.get("event") != name:
                return False
            data = ev.get("data", {})
            return all(data.get(k) == v for k, v in (match or {}).items())

        for i, ev in enumerate(self.events):
            if matches(ev):
                del self.events[i]
                return ev
        while True:
            ev = self._read_by(deadline, f"{name} event within {timeout} s")
            if matches(ev):
                return ev
            self.events.append(ev)

    def close(self):
        try:
            self.file.close()
            self.sock.close()
        except OSError:
            pass
