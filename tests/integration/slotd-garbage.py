#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Bad input never hurts slotd: random bytes, NULs, half commands, clients
vanishing mid-DATA, mid-RETR and mid-TLS-handshake. Afterwards slotd still
serves, the store audits clean and a SIGTERM stop is clean (under
O=build-asan this also proves no memory error and no leak)."""
import os
import poplib
import random
import smtplib
import socket
import sys

sys.dont_write_bytecode = True    # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from slotd_harness import Slot, check, run  # noqa: E402

rnd = random.Random(1234)

WORDS = [b"LHLO x", b"MAIL FROM:<a@b>", b"RCPT TO:<bob>", b"DATA", b".",
         b"RSET", b"USER bob", b"PASS x", b"RETR 1", b"TOP 1 5", b"DELE 1",
         b"AUTH PLAIN", b"STLS", b"STARTTLS", b"LIST", b"UIDL", b"QUIT",
         b"NOOP", b"..", b"CAPA", b"RCPT TO:<bob+x@y>", b"MAIL FROM:<>"]


def noise():
    kind = rnd.randrange(4)
    if kind == 0:
        return bytes(rnd.randrange(256) for _ in range(rnd.randrange(300)))
    if kind == 1:
        return b"\r\n".join(rnd.choice(WORDS) for _ in range(20)) + b"\r\n"
    if kind == 2:
        return rnd.choice(WORDS) + b"\0" + os.urandom(20) + b"\r\n"
    return b"A" * rnd.randrange(100, 5000)


def hammer(port, rounds):
    for _ in range(rounds):
        try:
            s = socket.create_connection(("127.0.0.1", port), 5)
            s.settimeout(0.5)
            for _ in range(rnd.randrange(1, 6)):
                s.sendall(noise())
                if rnd.random() < 0.5:
                    try:
                        s.recv(65536)
                    except socket.timeout:
                        pass
            if rnd.random() < 0.5:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             b"\1\0\0\0\0\0\0\0")    # close with RST
            s.close()
        except OSError:
            pass


def main():
    slot = Slot()
    try:
        slot.make_cert()
        slot.start(services=("lmtp", "pop3", "pop3s"), max_line=1024,
                   login_fail_delay="50ms", idle_timeout="5s")
        l = smtplib.LMTP("127.0.0.1", slot.ports["lmtp"], timeout=10)
        l.ehlo("x")
        big = b"Subject: big\r\n\r\n" + (b"0123456789abcdef" * 4 + b"\r\n") * 50000
        l.sendmail("a@b", ["bob"], big)
        l.quit()
        for port in slot.ports.values():
            hammer(port, 150)
        # Vanish mid-DATA and mid-RETR.
        for _ in range(10):
            s = socket.create_connection(("127.0.0.1", slot.ports["lmtp"]))
            s.sendall(b"LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<bob>\r\nDATA\r\n"
                      + b"x" * rnd.randrange(1, 300000))
            s.close()
            s = socket.create_connection(("127.0.0.1", slot.ports["pop3"]))
            s.sendall(b"USER bob\r\nPASS %s\r\nRETR 1\r\n" %
                      slot.users["bob"].encode())
            s.recv(rnd.randrange(1, 5000))
            s.close()
        # Still serving, and the store is consistent.
        p = poplib.POP3("127.0.0.1", slot.ports["pop3"], timeout=10)
        p.user("bob")
        p.pass_(slot.users["bob"])
        # Random commands may have formed a valid delivery or two.
        check(p.stat()[0] >= 1, "slotd still serves")
        _, lines, _ = p.retr(1)
        check(b"".join(x + b"\r\n" for x in lines) == big,
              "the message delivered before the noise is intact")
        p.quit()
        check(slot.audit().returncode == 0, "slotctl audit is clean")
        slot.stop()
        print("ok: clean stop after the noise")
    except BaseException:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


run(main)
