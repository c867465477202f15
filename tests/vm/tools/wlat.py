#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write latency of an application on a block device, as it sees it.

    wlat.py DEV SECONDS [SEED]

Issues one 4 KiB O_DIRECT|O_DSYNC write at a time, at random 4 KiB
aligned offsets over the whole device, for SECONDS, and prints one line:

    samples N p50_us X p90_us X p99_us X max_us X mean_us X start S end S

(START and END: wall clock seconds of the first and the last write, to
line the samples up with other logs). Each write completes on stable storage before the next starts (queue
depth 1), so every sample is the latency a synchronous application, a mail
server's fsync say, would wait. The data is random and differs per write.
Exits 1 if no write completed (a result must have samples).
"""
import math
import mmap
import os
import random
import sys
import time

BLOCK = 4096


def percentile(sorted_us, p):
    """Nearest-rank percentile of a sorted list."""
    k = math.ceil(p / 100.0 * len(sorted_us)) - 1
    return sorted_us[max(0, min(len(sorted_us) - 1, k))]


def main():
    if len(sys.argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    dev, seconds = sys.argv[1], float(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) == 4 else 1)
    fd = os.open(dev, os.O_WRONLY | os.O_DIRECT | os.O_DSYNC)
    blocks = os.lseek(fd, 0, os.SEEK_END) // BLOCK
    if blocks < 1:
        sys.stderr.write("%s: too small\n" % dev)
        return 2
    buf = mmap.mmap(-1, BLOCK)		# page aligned, as O_DIRECT needs
    buf.write(os.urandom(BLOCK))
    lat = []
    start = time.time()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        buf[0:8] = rng.getrandbits(64).to_bytes(8, "little")
        off = rng.randrange(blocks) * BLOCK
        t0 = time.monotonic_ns()
        if os.pwrite(fd, buf, off) != BLOCK:
            sys.stderr.write("short write at %d\n" % off)
            return 1
        lat.append((time.monotonic_ns() - t0) // 1000)
    stop = time.time()
    os.close(fd)
    if not lat:
        print("samples 0")
        return 1
    lat.sort()
    print("samples %d p50_us %d p90_us %d p99_us %d max_us %d mean_us %d "
          "start %.3f end %.3f" %
          (len(lat), percentile(lat, 50), percentile(lat, 90),
           percentile(lat, 99), lat[-1], sum(lat) // len(lat), start, stop))
    return 0


if __name__ == "__main__":
    sys.exit(main())
