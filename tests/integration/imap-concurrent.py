#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""IMAP sessions of one user see each other: untagged FETCH/EXPUNGE/EXISTS
at command boundaries (never an EXPUNGE during FETCH), IDLE woken within
a second by an LMTP delivery and by another session's STORE and EXPUNGE,
\\Recent given to one session only; and curl's imap:// reads a message
byte-exact."""
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from imap_harness import (Raw, check, deliver, fail, start_slot,  # noqa
                          tagged, untagged)
from slotd_harness import run, wait_for  # noqa: E402

MSG = [b"Subject: m%d\r\nFrom: x@x.example\r\n\r\nbody %d\r\n" % (i, i)
       for i in range(1, 4)]
CURL_MSG = (b"Subject: for curl\r\nFrom: c@x.example\r\n\r\n" +
            b"".join(b"curl line %d\r\n" % i for i in range(3000)) +
            b".\r\n..dots\r\n")


def session(slot):
    r = Raw(slot.ports["imap"])
    check(tagged(r.cmd("s0", "LOGIN bob bob-secret")) == "OK", "login")
    return r


def wait_line(r, pred, timeout, what):
    """Read lines until pred(line); fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            fail("no %s within %.1f s" % (what, timeout))
        r.sock.settimeout(left)
        try:
            line = r.line()
        except OSError:
            fail("no %s within %.1f s" % (what, timeout))
        if pred(line):
            r.sock.settimeout(10)
            return line


def test_two_sessions(slot):
    a = session(slot)
    b = session(slot)
    la = a.cmd("a1", "SELECT INBOX")
    lb = b.cmd("b1", "SELECT INBOX")
    check("* 3 EXISTS" in la and "* 3 EXISTS" in lb, "both see 3 messages")
    check("* 3 RECENT" in la and "* 0 RECENT" in lb,
          "\\Recent goes to the first session only")

    b.cmd("b2", "STORE 1 +FLAGS (\\Flagged)")
    lines = a.cmd("a2", "NOOP")
    check(any(l.startswith("* 1 FETCH (FLAGS (") and "\\Flagged" in l
              for l in lines), "A sees B's STORE as FETCH at NOOP")

    lines = b.cmd("b3", "STORE 2 +FLAGS.SILENT (\\Deleted)")
    lines = b.cmd("b4", "EXPUNGE")
    check("* 2 EXPUNGE" in lines, "B: EXPUNGE reported to B")
    lines = a.cmd("a3", "FETCH 1:* (FLAGS)")
    check(not untagged(lines, "EXPUNGE") and
          len([l for l in lines if " FETCH " in l]) >= 3,
          "A: no EXPUNGE during FETCH, the numbering stays")
    lines = a.cmd("a4", "SEARCH ALL")
    check(not untagged(lines, "EXPUNGE"), "A: no EXPUNGE during SEARCH")
    lines = a.cmd("a5", "NOOP")
    check("* 2 EXPUNGE" in lines, "A: EXPUNGE at NOOP")
    lines = a.cmd("a6", "FETCH 2 (UID)")
    check(any("UID 3" in l for l in lines),
          "A: message 3 became message 2")

    deliver(slot, "bob", [MSG[0]])
    lines = a.cmd("a7", "NOOP")
    check("* 3 EXISTS" in lines and "* 3 RECENT" in lines,
          "A: a delivery shows as EXISTS, RECENT counts it (2 + 1)")
    lines = b.cmd("b5", "UID FETCH 1:* (FLAGS)")
    check("* 3 EXISTS" in lines and "* 0 RECENT" in lines,
          "B: EXISTS too, the message is \\Recent for A only")
    a.cmd("a8", "LOGOUT")
    b.cmd("b6", "LOGOUT")
    a.close()
    b.close()


def test_idle(slot):
    a = session(slot)
    b = session(slot)
    a.cmd("a1", "SELECT INBOX")
    b.cmd("b1", "SELECT INBOX")
    a.send("a2 IDLE\r\n")
    check(a.line().startswith("+"), "IDLE: continuation")

    deliver(slot, "bob", [MSG[1]])
    t0 = time.monotonic()
    # LMTP tells IMAP at once; the 1 s fallback poll alone is too slow.
    wait_line(a, lambda l: l == "* 4 EXISTS", 0.5,
              "EXISTS in IDLE after an LMTP delivery")
    print("ok: IDLE woken by LMTP in %.3f s" % (time.monotonic() - t0))

    b.cmd("b2", "STORE 1 +FLAGS (\\Answered)")
    t0 = time.monotonic()
    wait_line(a, lambda l: l.startswith("* 1 FETCH (") and
              "\\Answered" in l, 1.0, "FETCH in IDLE after B's STORE")
    print("ok: IDLE woken by STORE in %.3f s" % (time.monotonic() - t0))

    b.cmd("b3", "STORE 1 +FLAGS.SILENT (\\Deleted)")
    b.cmd("b4", "EXPUNGE")
    wait_line(a, lambda l: l == "* 1 EXPUNGE", 1.0,
              "EXPUNGE in IDLE after B's EXPUNGE")
    print("ok: IDLE shows B's EXPUNGE")

    a.send("DONE\r\n")
    lines = a.until_tag("a2")
    check(lines[-1].startswith("a2 OK"), "IDLE ends with DONE")
    lines = a.cmd("a3", "NOOP")
    check(tagged(lines) == "OK", "commands work after IDLE")
    a.send("a4 IDLE\r\n")
    a.line()
    a.send("NOTDONE\r\n")
    check(tagged(a.until_tag("a4")) == "BAD", "IDLE: anything but DONE")
    a.cmd("a5", "LOGOUT")
    b.cmd("b5", "LOGOUT")
    a.close()
    b.close()


def test_curl(slot):
    if not shutil.which("curl"):
        print("skip: curl not installed")
        return
    deliver(slot, "alice", [CURL_MSG])
    url = "imap://127.0.0.1:%d/INBOX;UID=1" % slot.ports["imap"]
    r = subprocess.run(["curl", "-sS", "--max-time", "20", "--user",
                        "alice:alice pw", url], capture_output=True,
                       timeout=30)
    check(r.returncode == 0, "curl imap:// exit 0 (%s)" %
          r.stderr.decode(errors="replace").strip())
    check(r.stdout == CURL_MSG, "curl imap:// fetches the message "
          "byte-exact (%d of %d bytes)" % (len(r.stdout), len(CURL_MSG)))
    url = "imap://127.0.0.1:%d/" % slot.ports["imap"]
    r = subprocess.run(["curl", "-sS", "--max-time", "20", "--user",
                        "alice:alice pw", url], capture_output=True,
                       timeout=30)
    check(r.returncode == 0 and b"INBOX" in r.stdout and
          b"\\Sent" in r.stdout, "curl imap:// lists the mailboxes")


def test_abandon(slot):
    """Clients that vanish mid-command leave the server intact."""
    big = b"Subject: big\r\n\r\n" + b"x" * 2000000 + b"\r\n"
    deliver(slot, "alice", [big] * 3)
    for i in range(5):
        r = Raw(slot.ports["imap"])
        r.cmd("z0", "LOGIN alice \"alice pw\"")
        r.cmd("z1", "SELECT INBOX")
        r.send("z2 FETCH 1:* (BODY.PEEK[])\r\nz3 NOOP\r\n")
        r.f.read(1000 * i + 1)
        r.close()
    r = Raw(slot.ports["imap"])
    r.cmd("y0", "LOGIN alice \"alice pw\"")
    r.cmd("y1", "SELECT INBOX")
    r.send("y2 APPEND INBOX {100000}\r\n")
    r.line()
    r.send(b"x" * 5000)
    r.close()
    r = Raw(slot.ports["imap"])
    r.cmd("w0", "LOGIN alice \"alice pw\"")
    lines = r.cmd("w1", "STATUS INBOX (MESSAGES)")
    check(lines[-1].startswith("w1 OK") and "MESSAGES 4" in lines[0],
          "after abandoned FETCHes and APPEND: serving, nothing half-added")
    r.cmd("w2", "LOGOUT")
    r.close()


def test_idle_outlives_timeout(slot):
    """idle_timeout closes a quiet session, but not one in IDLE."""
    slot.stop()
    slot.start(services=("lmtp", "imap"), idle_timeout="1s")
    quiet = session(slot)
    idler = session(slot)
    idler.cmd("i1", "SELECT INBOX")
    idler.send("i2 IDLE\r\n")
    idler.line()
    line = wait_line(quiet, lambda l: l.startswith("* BYE") or not l, 10,
                     "autologout of the quiet session")
    check(line.startswith("* BYE"), "idle_timeout: BYE to a quiet session")
    line = wait_line(quiet, lambda l: not l, 10, "the close")
    # The idler's timeout fired too (conn.c logs each), and was declined.
    wait_for(lambda: slot.log_text().count("idle for 1 s") >= 2, 10,
             "the idle timeout of the IDLE session")
    idler.send("DONE\r\n")
    check(idler.until_tag("i2")[-1].startswith("i2 OK"),
          "the session in IDLE is still served")
    idler.close()
    quiet.close()
    slot.stop()
    slot.start(services=("lmtp", "imap"))


def test_stop_in_idle(slot):
    """SIGTERM: an idling session gets BYE, a FETCH stuck on a client that
    does not read is dropped, and slotd exits cleanly."""
    a = session(slot)
    a.cmd("a1", "SELECT INBOX")
    a.send("a2 IDLE\r\n")
    a.line()
    b = Raw(slot.ports["imap"])
    b.cmd("b0", "LOGIN alice \"alice pw\"")
    b.cmd("b1", "SELECT INBOX")
    b.send("b2 FETCH 1:* (BODY.PEEK[])\r\n")
    b.f.read(1000)     # the FETCH is under way, then we stop reading
    slot.signal(signal.SIGTERM)
    line = wait_line(a, lambda l: l.startswith("* BYE") or not l, 20,
                     "BYE at SIGTERM")
    check(line.startswith("* BYE"), "SIGTERM: BYE to an idling session")
    b.sock.settimeout(20)
    while b.f.read(65536):
        pass
    print("ok: the busy session was closed")
    rc = slot.proc.wait(20)
    slot.proc = None
    check(rc == 0, "slotd exits 0 after SIGTERM (%d)" % rc)
    a.close()
    b.close()


def main():
    slot = start_slot()
    try:
        deliver(slot, "bob", MSG)
        test_two_sessions(slot)
        test_idle(slot)
        test_curl(slot)
        test_abandon(slot)
        test_idle_outlives_timeout(slot)
        test_stop_in_idle(slot)
    except SystemExit:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


if __name__ == "__main__":
    run(main)
