#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""LMTP delivery into slotd: per-recipient replies, unknown users, SIZE,
pipelining, +detail, byte-exact storage (read back over POP3)."""
import hashlib
import os
import poplib
import smtplib
import subprocess
import sys

sys.dont_write_bytecode = True    # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from slotd_harness import SLOTCTL, Slot, Line, check, run  # noqa: E402


def pop_messages(slot, user):
    p = poplib.POP3("127.0.0.1", slot.ports["pop3"], timeout=10)
    p.user(user)
    p.pass_(slot.users[user])
    n = p.stat()[0]
    msgs = []
    for i in range(1, n + 1):
        # poplib strips the CRLFs; rebuild the exact bytes.
        _, lines, _ = p.retr(i)
        msgs.append(b"".join(l + b"\r\n" for l in lines))
    p.quit()
    return msgs


def main():
    slot = Slot(users={"bob": "b0b", "alice": "al1ce", "carol": "c",
                       "dave": "d"}, quota={"dave": "10K"})
    try:
        slot.start(max_message_size="64k")
        lmtp = slot.ports["lmtp"]

        # Capabilities.
        l = smtplib.LMTP("127.0.0.1", lmtp, timeout=10)
        code, text = l.ehlo("mx.test")
        check(code == 250, "LHLO answered 250")
        for ext in ("pipelining", "enhancedstatuscodes", "8bitmime",
                    "size"):
            check(l.has_extn(ext), "LHLO announces " + ext.upper())
        check(l.esmtp_features["size"] == str(64 * 1024),
              "SIZE shows max_message_size")

        # Multi-recipient with one unknown user: per-recipient replies.
        msg = (b"From: x@example.org\r\nSubject: multi\r\n\r\n"
               b"first line\r\n.starts with a dot\r\n..two dots\r\n"
               b".\tdot tab\r\n8bit: \xc3\xa9\xff\r\nlast\r\n")
        check(l.mail("x@example.org")[0] == 250, "MAIL FROM 250")
        check(l.rcpt("bob@example.org")[0] == 250, "RCPT bob 250")
        code, text = l.rcpt("nobody@example.org")
        check(code == 550 and text.startswith(b"5.1.1"),
              "unknown user gets 550 5.1.1 (%d %s)" % (code, text))
        check(l.rcpt("alice")[0] == 250, "RCPT alice 250")
        code, text = l.data(msg)
        check(code == 250 and b"bob@example.org" in text,
              "first DATA reply is bob's 250")
        code, text = l.getreply()
        check(code == 250 and b"alice" in text,
              "second DATA reply is alice's 250")
        check(l.noop()[0] == 250, "session goes on after DATA")

        # MAIL FROM SIZE= over the limit.
        code, text = l.docmd("MAIL FROM:<x@y> SIZE=%d" % (1 << 20))
        check(code == 552 and text.startswith(b"5.3.4"),
              "SIZE over the limit refused with 552 5.3.4")
        # A body over the limit without SIZE: 552 after the dot.
        big = b"Subject: big\r\n\r\n" + (b"x" * 998 + b"\r\n") * 100
        check(l.mail("x@y")[0] == 250, "MAIL FROM without SIZE")
        check(l.rcpt("carol")[0] == 250, "RCPT carol")
        code, text = l.data(big)
        check(code == 552 and text.startswith(b"5.3.4"),
              "oversized body refused with 552 5.3.4 (%d)" % code)
        check(l.noop()[0] == 250, "session usable after an oversize body")

        # Sequence errors, VRFY, RSET, unknown commands.
        check(l.docmd("RCPT TO:<bob>")[0] == 503, "RCPT before MAIL: 503")
        check(l.docmd("DATA")[0] == 503, "DATA before MAIL: 503")
        check(l.docmd("VRFY bob")[0] == 252, "VRFY: 252")
        check(l.docmd("XYZZY")[0] == 500, "unknown command: 500")
        check(l.docmd("HELO x")[0] == 500, "HELO in LMTP: 500")
        l.mail("a@b")
        check(l.docmd("MAIL FROM:<c@d>")[0] == 503, "nested MAIL: 503")
        check(l.rset()[0] == 250, "RSET 250")
        check(l.docmd("DATA")[0] == 503, "RSET forgot the transaction")
        check(l.mail("a@b")[0] == 250, "MAIL again after RSET")
        check(l.docmd("DATA")[0] == 503, "DATA without recipients: 503")
        l.quit()

        # Pipelining: everything in one write, replies in order.
        c = Line(lmtp)
        check(c.line().startswith("220 "), "greeting 220")
        body = b"Subject: piped\r\n\r\npipelined\r\n"
        c.send(b"LHLO x\r\nMAIL FROM:<p@q>\r\nRCPT TO:<bob>\r\n"
               b"RCPT TO:<ghost>\r\nRCPT TO:<carol+nosuchbox>\r\n"
               b"RCPT TO:<alice+Sent>\r\nDATA\r\n" + body +
               b".\r\nNOOP\r\nQUIT\r\n")
        replies = []
        while True:
            line = c.line()
            if not line:
                break
            if line[3:4] == "-":
                continue
            replies.append(line[:9])
        want = ["250 ", "250 2.1.0", "250 2.1.5", "550 5.1.1", "250 2.1.5",
                "250 2.1.5", "354 Start", "250 2.0.0", "250 2.0.0",
                "250 2.0.0", "250 2.0.0", "221 2.0.0"]
        check([r[:len(w)] for r, w in zip(replies, want)] == want and
              len(replies) == len(want),
              "pipelined replies in order: %s" % replies)
        c.close()

        # Stored bytes are exactly what was sent (after unstuffing).
        bob = pop_messages(slot, "bob")
        check(bob == [msg, body], "bob's messages are byte-exact")
        alice = pop_messages(slot, "alice")
        check(alice == [msg],
              "alice got the multi message; +Sent went to Sent, not INBOX")
        carol = pop_messages(slot, "carol")
        check(carol == [body],
              "carol+nosuchbox fell back to INBOX; oversize not stored")

        # +Sent went into alice's Sent mailbox.
        r = subprocess.run([SLOTCTL, "list", slot.dir, "alice", "Sent"],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 0 and len(r.stdout.strip().splitlines()) >= 1
              and str(len(body)) in r.stdout,
              "alice+Sent is in Sent: %r" % r.stdout)

        # Quotas: per recipient, temporary or permanent.
        l = smtplib.LMTP("127.0.0.1", lmtp, timeout=10)
        l.ehlo("x")
        l.docmd("MAIL FROM:<q@x> SIZE=20000")
        code, text = l.rcpt("dave")
        check(code == 552 and text.startswith(b"5.2.2"),
              "larger than the quota: 552 5.2.2 at RCPT (%d %s)" %
              (code, text))
        check(l.rcpt("bob")[0] == 250, "another recipient still accepted")
        l.rset()
        six = b"Subject: q\r\n\r\n" + (b"q" * 98 + b"\r\n") * 60
        check(l.sendmail("q@x", ["dave"], six) == {}, "6000 bytes fit")
        l.mail("q@x")
        l.rcpt("dave")
        l.rcpt("carol")
        code, text = l.data(six)
        check(code == 452 and text.startswith(b"4.2.2"),
              "over quota at commit: 452 4.2.2 (%d %s)" % (code, text))
        code, text = l.getreply()
        check(code == 250, "the other recipient got it (%d)" % code)
        l.docmd("MAIL FROM:<q@x> SIZE=6000")
        code, text = l.rcpt("dave")
        check(code == 452 and text.startswith(b"4.2.2"),
              "SIZE over the rest of the quota: 452 4.2.2 at RCPT")
        l.quit()
        check(len(pop_messages(slot, "dave")) == 1, "dave has one message")

        # A large message streams through (not held in memory at once).
        slot.stop()
        slot.start(max_message_size="20M")
        blob = b"Subject: large\r\n\r\n" + b"".join(
            hashlib.sha256(b"%d" % i).hexdigest().encode() * 3 + b"\r\n"
            for i in range(60000))
        l = smtplib.LMTP("127.0.0.1", slot.ports["lmtp"], timeout=30)
        l.ehlo("x")
        check(l.sendmail("x@y", ["carol"], blob) == {},
              "a %d byte message delivered" % len(blob))
        l.quit()
        carol = pop_messages(slot, "carol")
        check(carol[-1] == blob, "the large message is byte-exact")
        check(slot.audit().returncode == 0, "slotctl audit is clean")
        slot.stop()
    except BaseException:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


run(main)
