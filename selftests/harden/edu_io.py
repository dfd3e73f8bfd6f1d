#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What a user program does with /dev/ftio-eduN, for the harden scenarios.

  edu_io.py DEV rw [SEED]    write 4095 pseudo-random bytes (all the device offers), read them
                             back, compare (exit 1 on a mismatch)
  edu_io.py DEV fact N       print N! as the device computes it
  edu_io.py FD:N rw|fact ... the same on an open file descriptor N
  edu_io.py DEV load STOP OUT  until file STOP exists: open DEV (again
                             whenever it went away), move data and ask
                             for factorials; then write to OUT, as JSON,
                             how many of each worked and each errno seen

A failed system call prints its errno's name and exits with its number,
so that a scenario can tell EIO (5) from ENODEV (19) and ETIMEDOUT (110).
"""

import errno
import fcntl
import json
import os
import random
import struct
import sys
import time

SIZE = 4095  # FTIO_EDU_BUF_SIZE
# _IOWR('e', 1, __u32)
FACTORIAL = (3 << 30) | (4 << 16) | (ord("e") << 8) | 1


def load(dev, stop, out):
    """A user who goes on through unplug and plug."""
    seen = {"rw": 0, "fact": 0, "opened": 0, "errors": {}, "bad_data": 0,
            "bad_fact": 0}
    fd = None
    i = 0
    while not os.path.exists(stop):
        i += 1
        try:
            if fd is None:
                fd = os.open(dev, os.O_RDWR)
                seen["opened"] += 1
            data = random.Random(i).randbytes(SIZE)
            os.pwrite(fd, data, 0)
            if os.pread(fd, SIZE, 0) != data:
                seen["bad_data"] += 1
            seen["rw"] += 1
            buf = bytearray(struct.pack("I", 10))
            fcntl.ioctl(fd, FACTORIAL, buf, True)
            if struct.unpack("I", buf)[0] != 3628800:
                seen["bad_fact"] += 1
            seen["fact"] += 1
        except OSError as e:
            name = errno.errorcode.get(e.errno, str(e.errno))
            seen["errors"][name] = seen["errors"].get(name, 0) + 1
            # Gone, or not there yet: a new open when it is back.
            if e.errno in (errno.ENODEV, errno.ENOENT, errno.ENXIO) and fd is not None:
                os.close(fd)
                fd = None
            time.sleep(0.02)
    with open(out, "w") as f:
        json.dump(seen, f)
    return 0


def main():
    dev, cmd = sys.argv[1], sys.argv[2]
    if cmd == "load":
        return load(dev, sys.argv[3], sys.argv[4])
    fd = int(dev[3:]) if dev.startswith("FD:") else os.open(dev, os.O_RDWR)
    try:
        if cmd == "rw":
            seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
            data = random.Random(seed).randbytes(SIZE)
            if os.pwrite(fd, data, 0) != SIZE:
                print("short write")
                return 1
            back = os.pread(fd, SIZE, 0)
            if back != data:
                print("data differs")
                return 1
            return 0
        if cmd == "fact":
            buf = bytearray(struct.pack("I", int(sys.argv[3])))
            fcntl.ioctl(fd, FACTORIAL, buf, True)
            print(struct.unpack("I", buf)[0])
            return 0
        print(f"unknown command {cmd}")
        return 2
    except OSError as e:
        print(errno.errorcode.get(e.errno, str(e.errno)))
        return e.errno


if __name__ == "__main__":
    sys.exit(main())
