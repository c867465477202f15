# SPDX-License-Identifier: GPL-2.0
"""Helpers for the IMAP integration tests (not a test itself)."""
import imaplib
import os
import re
import smtplib
import socket
import sys

sys.path.insert(0, os.path.dirname(__file__))
from slotd_harness import Slot, check, fail  # noqa: E402,F401

SERVICES = ("lmtp", "imap")


def start_slot(**settings):
    slot = Slot()
    slot.start(services=SERVICES, **settings)
    return slot


def deliver(slot, user, msgs):
    """Deliver each message by LMTP; every recipient must be accepted."""
    l = smtplib.LMTP("127.0.0.1", slot.ports["lmtp"], timeout=10)
    l.ehlo("x")
    for m in msgs:
        if l.sendmail("s@x.example", [user], m):
            raise RuntimeError("delivery refused")
    l.quit()


def login(slot, user="bob"):
    m = imaplib.IMAP4("127.0.0.1", slot.ports["imap"], timeout=10)
    typ, _ = m.login(user, slot.users[user])
    check(typ == "OK", "LOGIN %s" % user)
    return m


def ok(res, what):
    typ, data = res
    if typ != "OK":
        fail("%s: %s %r" % (what, typ, data))
    print("ok:", what)
    return data


def no(fn, what, *args):
    """The command must be refused (NO or BAD, an exception in imaplib)."""
    try:
        typ, data = fn(*args)
    except imaplib.IMAP4.error as e:
        print("ok: %s (%s)" % (what, e))
        return str(e)
    if typ == "OK":
        fail("%s: got OK %r" % (what, data))
    print("ok: %s (%s %r)" % (what, typ, data))
    return (typ, data)


def fetch_parts(data):
    """imaplib FETCH data -> {seq: (header bytes, literal bytes or None)}."""
    out = {}
    for item in data:
        if isinstance(item, tuple):
            head, lit = item
            seq = int(head.split()[0])
            out[seq] = (head, lit)
        elif item and item != b")":
            seq = int(item.split()[0])
            out.setdefault(seq, (item, None))
    return out


class Raw:
    """A raw IMAP connection, to see and send exact bytes."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.f = self.sock.makefile("rb")
        self.greeting = self.line()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def line(self):
        return self.f.readline().decode(errors="replace").rstrip("\r\n")

    def until_tag(self, tag):
        """Lines up to and including the tagged reply."""
        lines = []
        while True:
            l = self.line()
            if not l and self.eof_seen():
                fail("connection closed waiting for %s" % tag)
            lines.append(l)
            if l.startswith(tag + " "):
                return lines

    def cmd(self, tag, text):
        self.send("%s %s\r\n" % (tag, text))
        return self.until_tag(tag)

    def eof_seen(self):
        return self.f.peek(1) == b""

    def closed(self):
        try:
            return self.f.read(1) == b""
        except ConnectionResetError:
            return True     # closed with our unread bytes in its buffer
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


def tagged(lines):
    return lines[-1].split(" ", 2)[1] if lines else None


def untagged(lines, word):
    return [l for l in lines if re.match(r"\* (\d+ )?%s\b" % word, l)]
