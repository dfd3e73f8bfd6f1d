#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What a user program does with /dev/ftio-eduN, for the harden scenarios.

  edu_io.py DEV rw [SEED]    write 4095 pseudo-random bytes (all the device offers), read them
                             back, compare (exit 1 on a mismatch)
  edu_io.py DEV fact N       print N! as the device computes it
  edu_io.py FD:N rw|fact ... the same on an open file descriptor N

A failed system call prints its errno's name and exits with its number,
so that a scenario can tell EIO (5) from ENODEV (19) and ETIMEDOUT (110).
"""

import errno
import fcntl
import os
import random
import struct
import sys

SIZE = 4095  # FTIO_EDU_BUF_SIZE
# _IOWR('e', 1, __u32)
FACTORIAL = (3 << 30) | (4 << 16) | (ord("e") << 8) | 1


def main():
    dev, cmd = sys.argv[1], sys.argv[2]
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
