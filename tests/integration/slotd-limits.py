#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every slotd limit is answered with the protocol's error, logged, and
leaves other sessions alone: command line length, message size,
connections per address, idle timeout, failed-login delay, and the
plaintext_auth policy."""
import os
import poplib
import smtplib
import sys
import threading
import time

sys.dont_write_bytecode = True    # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from slotd_harness import Slot, Line, check, run, wait_for  # noqa: E402

DELAY = 0.8


def greet(port):
    c = Line(port)
    line = c.line()
    return c, line


def main():
    slot = Slot()
    try:
        slot.start(max_line=1024, max_message_size="32k",
                   max_conn_per_ip=4, idle_timeout="2s",
                   login_fail_delay="%dms" % (DELAY * 1000),
                   max_login_failures=2, plaintext_auth="loopback")
        pop3, lmtp = slot.ports["pop3"], slot.ports["lmtp"]

        # A bystander session that must not notice anything.
        by, _ = greet(pop3)
        by.cmd("USER alice")
        check(by.cmd("PASS " + slot.users["alice"]).startswith("+OK"),
              "bystander logged in")

        # Long command lines.
        c, _ = greet(pop3)
        c.send("USER " + "x" * 2000 + "\r\n")
        check(c.line() == "-ERR Line too long", "POP3: -ERR Line too long")
        check(c.closed(), "POP3: closed after a long line")
        c, _ = greet(lmtp)
        c.send("LHLO " + "x" * 2000 + "\r\n")
        check(c.line().startswith("500 5.5.2"), "LMTP: 500 5.5.2 too long")
        check(c.closed(), "LMTP: closed after a long line")
        c, _ = greet(pop3)
        c.send("NOOP" + " " * 1015 + "\r\n")   # exactly 1021 + CRLF fits
        check(c.line().startswith("-ERR"), "a line under the limit parsed")
        c.close()
        check("command line over 1024 bytes" in slot.log_text(),
              "long line logged")

        # Message size (with and without SIZE=).
        l = smtplib.LMTP("127.0.0.1", lmtp, timeout=10)
        l.ehlo("x")
        code, _ = l.docmd("MAIL FROM:<a@b> SIZE=40000")
        check(code == 552, "SIZE=40000 over 32k: 552")
        l.mail("a@b")
        l.rcpt("bob")
        code, _ = l.data(b"Subject: x\r\n\r\n" + b"z" * 40000 + b"\r\n")
        check(code == 552, "40000-byte body over 32k: 552")
        l.quit()
        check("message over 32768 bytes" in slot.log_text(),
              "oversize logged")

        # Connections per address: the bystander is one of four.
        # Earlier sessions may still be closing on the server: retry.
        held = []

        def three_held():
            for h in held:
                h.close()
            held[:] = []
            for _ in range(3):
                h, line = greet(pop3)
                held.append(h)
                if not line.startswith("+OK"):
                    return False
            return True
        wait_for(three_held, 10, "three more connections")
        c, line = greet(pop3)
        check(line.startswith("-ERR [SYS/TEMP] Too many connections"),
              "5th POP3 connection refused: %s" % line)
        check(c.closed(), "refused connection closed")
        c, line = greet(lmtp)
        check(line.startswith("421 4.7.0"),
              "LMTP over the limit: 421 4.7.0 (%s)" % line)
        check("too many connections" in slot.log_text(), "refusal logged")
        for h in held:
            h.close()
        # The count goes down again (polled: closes are asynchronous).

        def accepted():
            c, line = greet(pop3)
            c.close()
            return line.startswith("+OK")
        wait_for(accepted, 10, "a connection slot to free up")
        print("ok: closed connections free their slots")

        # Failed-login delay, without blocking anybody else.
        c, _ = greet(pop3)
        c.cmd("USER bob")
        t0 = time.monotonic()
        c.send("PASS wrong\r\n")
        noop_times = []

        def bystander():
            t = time.monotonic()
            by.cmd("NOOP")
            noop_times.append(time.monotonic() - t)
        th = threading.Thread(target=bystander)
        th.start()
        reply = c.line()
        elapsed = time.monotonic() - t0
        th.join()
        check(reply == "-ERR [AUTH] Authentication failed",
              "wrong password: -ERR [AUTH]")
        check(elapsed >= DELAY * 0.95,
              "answer held back %.2f s (delay %.1f s)" % (elapsed, DELAY))
        check(noop_times and noop_times[0] < DELAY / 2,
              "others served meanwhile (%.3f s)" % noop_times[0])
        c.cmd("USER bob")
        check(c.cmd("PASS wrong again").startswith("-ERR [AUTH]"),
              "second failure")
        check(c.closed(), "disconnected after max_login_failures")
        check("authentication failed for user 'bob'" in slot.log_text(),
              "failed login logged")

        # Idle timeout: the bystander is idle now.
        time.sleep(0.1)
        t0 = time.monotonic()
        by.sock.settimeout(10)
        line = by.line()
        check(line.startswith("-ERR") and "idle" in line.lower(),
              "idle POP3 session told: %s" % line)
        check(by.closed(), "idle session closed")
        check(time.monotonic() - t0 < 5, "closed within the timeout")
        c, _ = greet(lmtp)
        c.sock.settimeout(10)
        check(c.line().startswith("421 4.4.2"), "idle LMTP: 421 4.4.2")
        check("idle for 2 s" in slot.log_text(), "idle close logged")

        # plaintext_auth: loopback allows it without TLS...
        p = poplib.POP3("127.0.0.1", pop3, timeout=10)
        p.user("bob")
        p.pass_(slot.users["bob"])
        p.quit()
        print("ok: plaintext login from loopback with plaintext_auth=loopback")
        slot.stop()
        # ... and tls refuses it even from loopback.
        slot.start(plaintext_auth="tls", max_connections=2)
        got = []

        def greeted(port):
            # The start-up probes may still be closing: retry.
            c, line = greet(port)
            if line.startswith("+OK") or line.startswith("220"):
                got.append(c)
                return True
            c.close()
            return False
        wait_for(lambda: greeted(slot.ports["pop3"]), 10, "a greeting")
        c = got[0]
        check(c.cmd("USER bob").startswith("-ERR [AUTH] Plaintext"),
              "plaintext_auth=tls refuses USER without TLS")
        # max_connections counts every address together.
        wait_for(lambda: greeted(slot.ports["lmtp"]), 10, "a second one")
        c2 = got[1]
        c3, line = greet(slot.ports["pop3"])
        check(line == "-ERR [SYS/TEMP] Too many connections, try later",
              "over max_connections: %s" % line)
        for x in (c, c2, c3):
            x.close()
        slot.stop()
    except BaseException:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


run(main)
