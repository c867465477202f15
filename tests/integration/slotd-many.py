#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Many connections on one slotd (one thread, one ring): 2000 concurrent
POP3 sessions are greeted and served while LMTP deliveries go on, and the
memory they cost is reported (and bounded)."""
import os
import resource
import smtplib
import socket
import sys
import time

sys.dont_write_bytecode = True    # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from slotd_harness import Slot, check, run, wait_for  # noqa: E402

N = 2000


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < N + 100:
        print("need %d descriptors, the hard limit is %d" % (N + 100, hard))
        sys.exit(77)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    slot = Slot()
    socks = []
    try:
        slot.start(max_conn_per_ip=N + 100)
        pid = slot.proc.pid
        before = rss_kib(pid)
        port = slot.ports["pop3"]
        for _ in range(N):
            socks.append(socket.create_connection(("127.0.0.1", port), 10))
        got = 0
        for s in socks:
            s.settimeout(10)
            if s.recv(100).startswith(b"+OK"):
                got += 1
        check(got == N, "%d concurrent sessions greeted" % got)
        # Every 10th session does something; all answered.
        for s in socks[::10]:
            s.sendall(b"CAPA\r\n")
        ok = 0
        for s in socks[::10]:
            data = b""
            while not data.endswith(b"\r\n.\r\n"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            ok += data.startswith(b"+OK")
        check(ok == len(socks[::10]), "CAPA answered on %d sessions" % ok)
        # Deliveries still flow.
        t0 = time.monotonic()
        l = smtplib.LMTP("127.0.0.1", slot.ports["lmtp"], timeout=10)
        l.ehlo("x")
        for i in range(20):
            l.sendmail("a@b", ["bob"], b"Subject: %d\r\n\r\nbusy\r\n" % i)
        l.quit()
        check(time.monotonic() - t0 < 10,
              "20 deliveries meanwhile in %.2f s" % (time.monotonic() - t0))
        after = rss_kib(pid)
        per = (after - before) * 1024 / N
        print("memory: %d KiB before, %d KiB with %d sessions: "
              "%.0f bytes each" % (before, after, N, per))
        check(per < 16384, "under 16 KiB per idle session")
        for s in socks:
            s.close()
        socks = []
        slot.stop()
    except BaseException:
        slot.dump_log()
        raise
    finally:
        for s in socks:
            s.close()
        slot.cleanup()


run(main)
