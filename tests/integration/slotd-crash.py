#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Crash safety: SIGKILL slotd in the middle of a stream of LMTP
deliveries, restart it, and every message that got its 250 must be there,
byte for byte; nothing half-delivered may show; `slotctl audit` is clean.
Three rounds, two concurrent senders each."""
import hashlib
import os
import poplib
import random
import smtplib
import sys
import threading

sys.dont_write_bytecode = True    # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from slotd_harness import Slot, check, run, wait_for  # noqa: E402

ROUNDS = 3
SENDERS = 2


def make_msg(n):
    rnd = random.Random(n)
    size = rnd.choice([200, 5000, 60000, 300000])
    body = b"".join(b"%d %s\r\n" % (n, hashlib.sha256(b"%d-%d" % (n, i))
                                    .hexdigest().encode())
                    for i in range(size // 70 + 1))
    return b"Subject: crash test %d\r\n\r\n.%d\r\n" % (n, n) + body


class Sender(threading.Thread):
    def __init__(self, port, first):
        super().__init__(daemon=True)
        self.port = port
        self.n = first
        self.acked = []
        self.sent = []

    def run(self):
        try:
            l = smtplib.LMTP("127.0.0.1", self.port, timeout=20)
            l.ehlo("crash")
            while True:
                msg = make_msg(self.n)
                self.sent.append(msg)
                if l.sendmail("c@x", ["bob"], msg) == {}:
                    self.acked.append(msg)
                self.n += 1
        except Exception:
            return      # the server went away


def fetch_all(slot):
    p = poplib.POP3("127.0.0.1", slot.ports["pop3"], timeout=30)
    p.user("bob")
    p.pass_(slot.users["bob"])
    out = []
    for i in range(1, p.stat()[0] + 1):
        _, lines, _ = p.retr(i)
        out.append(b"".join(l + b"\r\n" for l in lines))
    p.quit()
    return out


def main():
    slot = Slot()
    acked, sent = [], []
    try:
        for rnd in range(ROUNDS):
            slot.start()
            senders = [Sender(slot.ports["lmtp"], 100000 * (rnd + 1) +
                              10000 * i) for i in range(SENDERS)]
            for s in senders:
                s.start()
            want = 5 * (rnd + 1)
            wait_for(lambda: sum(len(s.acked) for s in senders) >= want,
                     60, "%d acknowledged deliveries" % want)
            slot.kill()
            for s in senders:
                s.join(30)
                acked += s.acked
                sent += s.sent
            print("round %d: %d acknowledged so far, %d attempted" %
                  (rnd, len(acked), len(sent)))
            slot.start()
            have = fetch_all(slot)
            have_set = set(hashlib.sha256(m).digest() for m in have)
            missing = [m[:40] for m in acked
                       if hashlib.sha256(m).digest() not in have_set]
            check(not missing, "round %d: all %d acknowledged messages "
                  "present and intact" % (rnd, len(acked)))
            sent_set = set(hashlib.sha256(m).digest() for m in sent)
            check(all(hashlib.sha256(m).digest() in sent_set for m in have),
                  "round %d: every stored message is a complete one "
                  "(%d stored)" % (rnd, len(have)))
            slot.stop()
            r = slot.audit()
            check(r.returncode == 0, "round %d: slotctl audit clean%s" %
                  (rnd, "" if r.returncode == 0 else ":\n" + r.stdout +
                   r.stderr))
    except BaseException:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


run(main)
