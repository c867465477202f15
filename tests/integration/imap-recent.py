#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""\\Recent across sessions (RFC 3501 2.3.2): a message is recent for the
first session that selects its mailbox read-write after it arrived, and
STATUS RECENT of a mailbox nobody has selected counts the messages above
the mailbox's recent UID kept in the store.  Two sessions of one user
agree, EXAMINE shows \\Recent without taking it, and the recent UID
survives a restart of slotd."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from imap_harness import check, deliver, login, ok, start_slot  # noqa: E402
from slotd_harness import SLOTCTL, run  # noqa: E402


def msg(n):
    return ("Subject: recent %d\r\n\r\nbody %d\r\n" % (n, n)).encode()


def status_recent(m, mailbox="INBOX"):
    data = ok(m.status(mailbox, "(RECENT MESSAGES)"),
              "STATUS %s (RECENT MESSAGES)" % mailbox)
    got = re.search(rb"RECENT (\d+) MESSAGES (\d+)", data[0])
    check(got is not None, "STATUS answer parses: %r" % data[0])
    return int(got.group(1)), int(got.group(2))


def select_recent(m, mailbox="INBOX", readonly=False):
    ok(m.select(mailbox, readonly), "%s %s" %
       ("EXAMINE" if readonly else "SELECT", mailbox))
    typ, data = m.response("RECENT")
    return int(data[-1])


def recent_flags(m):
    data = ok(m.fetch("1:*", "(UID FLAGS)"), "FETCH 1:* (UID FLAGS)")
    out = {}
    for d in data:
        uid = int(re.search(rb"UID (\d+)", d).group(1))
        out[uid] = b"\\Recent" in d
    return out


def slot_deliver(slot, user, mailbox, text):
    subprocess.run([SLOTCTL, "deliver", "-m", mailbox, slot.dir, user],
                   input=text, check=True, stdout=subprocess.DEVNULL,
                   timeout=30)


def main():
    slot = start_slot()
    try:
        deliver(slot, "bob", [msg(1), msg(2)])
        a = login(slot)
        b = login(slot)
        check(status_recent(b) == (2, 2),
              "nobody selected INBOX: both messages recent")
        check(select_recent(a, readonly=True) == 2,
              "EXAMINE shows them recent")
        check(status_recent(b) == (2, 2), "EXAMINE did not take them")
        check(select_recent(a) == 2, "A's SELECT: 2 RECENT")
        check(status_recent(b) == (0, 2),
              "B's STATUS: A took them, 0 recent")
        check(status_recent(a) == (2, 2),
              "A's STATUS of its selected mailbox: its own 2")

        deliver(slot, "bob", [msg(3)])
        check(status_recent(b) == (1, 3),
              "a new delivery is recent until A notices it")
        ok(a.noop(), "A: NOOP")
        typ, data = a.response("RECENT")
        check(data[-1] == b"3", "A: * 3 RECENT (2 old + the new one)")
        check(status_recent(b) == (0, 3), "then not for B")
        check(select_recent(b) == 0, "B's SELECT agrees: 0 RECENT")
        check(not any(recent_flags(b).values()), "B sees no \\Recent flag")
        check(recent_flags(a) == {1: True, 2: True, 3: True},
              "A keeps \\Recent on all three")

        # Mailboxes keep their own recent UID.
        slot_deliver(slot, "bob", "Junk", msg(4))
        check(status_recent(a, "Junk") == (1, 1), "Junk: 1 recent")
        check(status_recent(b, "INBOX") == (0, 3), "INBOX unchanged")
        a.logout()
        b.logout()

        # The recent UID is in the store: it survives a restart.
        slot.stop()
        slot.start(services=("lmtp", "imap"))
        c = login(slot)
        check(status_recent(c) == (0, 3), "after a restart: still 0")
        deliver(slot, "bob", [msg(5)])
        check(status_recent(c) == (1, 4), "one new message: 1 recent")
        check(select_recent(c) == 1, "SELECT takes it")
        check(recent_flags(c) == {1: False, 2: False, 3: False, 4: True},
              "only the new message is \\Recent")
        c.logout()
        slot.stop()
    except SystemExit:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


if __name__ == "__main__":
    run(main)
