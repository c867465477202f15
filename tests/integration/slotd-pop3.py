#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""POP3 against slotd: byte-exact RETR with dot-stuffing, TOP, UIDL stable
across restarts, DELE applied only at QUIT, RSET, AUTH PLAIN, errors."""
import base64
import os
import poplib
import smtplib
import sys

sys.dont_write_bytecode = True    # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from slotd_harness import Slot, Line, check, run  # noqa: E402

MSGS = [
    b"Subject: one\r\n\r\nplain body\r\n",
    b"Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\n. space\r\nend\r\n",
    b"Subject: three\r\nX-Long: " + b"y" * 1500 + b"\r\n\r\n" +
    b"".join(b"line %d\r\n" % i for i in range(5000)),
]


def deliver(slot, user, msgs):
    l = smtplib.LMTP("127.0.0.1", slot.ports["lmtp"], timeout=10)
    l.ehlo("x")
    for m in msgs:
        if l.sendmail("s@x", [user], m):
            raise RuntimeError("delivery refused")
    l.quit()


def login(slot, user="bob"):
    p = poplib.POP3("127.0.0.1", slot.ports["pop3"], timeout=10)
    p.user(user)
    p.pass_(slot.users[user])
    return p


def raw_retr(c, n):
    """RETR on a raw connection: the wire bytes up to the final dot."""
    c.send("RETR %d\r\n" % n)
    status = c.f.readline()
    data = b""
    while True:
        line = c.f.readline()
        if line == b".\r\n" or not line:
            break
        data += line
    return status, data


def main():
    slot = Slot()
    try:
        slot.start()
        deliver(slot, "bob", MSGS)

        # The wire form: dot-stuffed, CRLF everywhere, sizes right.
        c = Line(slot.ports["pop3"])
        check(c.line().startswith("+OK"), "greeting +OK")
        check(c.cmd("USER bob").startswith("+OK"), "USER +OK")
        check(c.cmd("PASS " + slot.users["bob"]).startswith("+OK"),
              "PASS +OK")
        status, wire = raw_retr(c, 2)
        check(status.startswith(b"+OK %d octets" % len(MSGS[1])),
              "RETR status gives the size")
        check(wire == b"Subject: dots\r\n\r\n..\r\n...\r\n..leading\r\n"
              b".. space\r\nend\r\n", "RETR dot-stuffs lines with dots")
        check(c.cmd("LIST 2") == "+OK 2 %d" % len(MSGS[1]), "LIST 2")
        check(c.cmd("LIST 9").startswith("-ERR"), "LIST of no message")
        check(c.cmd("RETR 0").startswith("-ERR"), "RETR 0 is an error")
        check(c.cmd("RETR x").startswith("-ERR"), "RETR x is an error")
        check(c.cmd("USER bob").startswith("-ERR"), "USER after login")
        check(c.cmd("BOGUS").startswith("-ERR"), "unknown command")
        c.close()

        # poplib: byte-exact, TOP, UIDL.
        p = login(slot)
        check(p.stat() == (3, sum(map(len, MSGS))), "STAT counts and bytes")
        for i, m in enumerate(MSGS, 1):
            _, lines, octets = p.retr(i)
            got = b"".join(l + b"\r\n" for l in lines)
            check(got == m, "message %d byte-exact" % i)
        _, lines, _ = p.top(3, 2)
        check(lines[-3:] == [b"", b"line 0", b"line 1"] and
              lines[0] == b"Subject: three", "TOP 3 2: headers + 2 lines")
        _, lines, _ = p.top(1, 0)
        check(lines == [b"Subject: one", b""], "TOP 1 0: headers only")
        uidl1 = p.uidl()[1]
        check(len(set(u.split()[1] for u in uidl1)) == 3, "UIDLs distinct")
        p.quit()

        # UIDL survives a restart.
        slot.stop()
        slot.start()
        p = login(slot)
        check(p.uidl()[1] == uidl1, "UIDL stable across a restart")

        # DELE only at QUIT: a dropped session deletes nothing.
        p.dele(1)
        check(p.stat()[0] == 2, "DELE hides the message in the session")
        p.file.close()
        p.sock.close()
        p = login(slot)
        check(p.stat()[0] == 3, "no QUIT: nothing deleted")
        p.dele(1)
        p.rset()
        check(p.stat()[0] == 3, "RSET undoes DELE")
        p.dele(2)
        check(p.retr(3)[0].startswith(b"+OK"), "other messages readable")
        try:
            p.retr(2)
            check(False, "RETR of a deleted message fails")
        except poplib.error_proto:
            print("ok: RETR of a deleted message fails")
        p.quit()
        p = login(slot)
        uidl2 = p.uidl()[1]
        check(p.stat()[0] == 2, "QUIT applied DELE")
        check([u.split()[1] for u in uidl2] ==
              [uidl1[0].split()[1], uidl1[2].split()[1]],
              "the remaining messages keep their UIDL")
        p.quit()

        # AUTH PLAIN, initial response and continuation.
        token = base64.b64encode(b"\0alice\0" +
                                 slot.users["alice"].encode()).decode()
        c = Line(slot.ports["pop3"])
        c.line()
        check(c.cmd("AUTH PLAIN " + token).startswith("+OK"),
              "AUTH PLAIN with initial response")
        c.cmd("QUIT")
        c.close()
        c = Line(slot.ports["pop3"])
        c.line()
        check(c.cmd("AUTH PLAIN") == "+ ", "AUTH PLAIN continuation")
        check(c.cmd(token).startswith("+OK"), "AUTH PLAIN response")
        c.close()
        c = Line(slot.ports["pop3"])
        c.line()
        check(c.cmd("AUTH PLAIN") == "+ ", "AUTH PLAIN again")
        check(c.cmd("*").startswith("-ERR"), "AUTH cancelled with *")
        check(c.cmd("AUTH PLAIN !!!").startswith("-ERR"),
              "malformed PLAIN refused")
        check(c.cmd("AUTH CRAM-MD5").startswith("-ERR"),
              "unsupported mechanism refused")
        check(c.cmd("STAT").startswith("-ERR"), "STAT before login refused")
        c.close()
        slot.stop()
    except BaseException:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


run(main)
