#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""IMAP against slotd: the header cache and the incremental view.

SEARCH on envelope fields (SUBJECT, FROM, TO, CC, BCC, HEADER Message-ID,
SENT*) must answer from the store's header cache (cache.db) without
opening message files: we remove the files and the same searches still
give the same answers, while a body search, which needs them, fails.
Messages without a cache entry (a header over 64 KiB; a cache.db removed
as if the slot predated it) are read from their files, and a header
search fills the entries it lacked.  COPY carries entries along, APPEND
writes them as LMTP does.

Re-SELECT of the selected mailbox refreshes the session's view from the
changes since (another session's STORE and EXPUNGE, a delivery) and must
report exactly what a fresh session sees."""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from imap_harness import check, deliver, login, start_slot  # noqa: E402
from slotd_harness import run  # noqa: E402

HUGE = (b"Subject: huge header\r\n" +
        b"".join(b"X-Pad-%05d: %s\r\n" % (i, b"p" * 60)
                 for i in range(1200)) +
        b"From: pad@x.example\r\n\r\nhuge body\r\n")

MSGS = [
    # 1: plain
    b"Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
    b"From: Fred Foobar <foobar@blurdybloop.example>\r\n"
    b"To: mooch@owatagu.example\r\n"
    b"Cc: Bob <bob@x.example>\r\n"
    b"Subject: afternoon meeting\r\n"
    b"Message-Id: <B27397-0100000@blurdybloop.example>\r\n"
    b"X-Custom: tagged\r\n"
    b"\r\nHello Joe, the quarterly numbers\r\n",
    # 2: folded subject, encoded word, Bcc
    b"From: =?utf-8?q?Ren=C3=A9e?= <renee@x.example>\r\n"
    b"Bcc: hidden@x.example\r\n"
    b"Subject: =?utf-8?q?caf=C3=A9?= and\r\n\tfolded words\r\n"
    b"\r\nbody two\r\n",
    # 3: bare LF line ends, two Subject fields, "Subject :" form
    b"To: lf@x.example\nSubject : first LF subject\n"
    b"Subject: second LF subject\n\nlf body\n",
    # 4: a header bigger than the cache takes
    HUGE,
    # 5: "Subject" only in the body
    b"From: x@x.example\r\nSubject: nothing here\r\n\r\n"
    b"Subject: afternoon in the body\r\n",
]

SEARCHES = [
    (("SUBJECT", "afternoon"), [1]),
    (("SUBJECT", "MEETING"), [1]),
    (("SUBJECT", "\"folded words\""), [2]),
    (("SUBJECT", "Caf\u00e9".encode("utf-8")), [2]),
    (("SUBJECT", "\"lf subject\""), [3]),
    (("SUBJECT", "second"), [3]),
    (("SUBJECT", "huge"), [4]),
    (("SUBJECT", "subject"), [3]),
    (("FROM", "ren\u00e9e".encode("utf-8")), [2]),
    (("FROM", "pad@x"), [4]),
    (("TO", "x.example"), [3]),
    (("CC", "bob"), [1]),
    (("BCC", "hidden"), [2]),
    (("HEADER", "Message-ID", "B27397"), [1]),
    (("SENTON", "7-Feb-1994"), [1]),
    (("NOT", "SUBJECT", "a"), [3, 5]),
    (("OR", "SUBJECT", "meeting", "FROM", "x@x"), [1, 5]),
    (("2:4", "SUBJECT", "e"), [2, 3, 4]),
]


def search(m, *crit, charset=None, uid=False):
    if uid:
        typ, data = m.uid("SEARCH", *crit)
    else:
        typ, data = m.search(charset, *crit)
    if typ != "OK":
        return typ
    return [int(x) for x in data[0].split()]


def check_searches(m, what):
    for crit, want in SEARCHES:
        cs = None
        if isinstance(crit[-1], bytes):
            # 8-bit text goes as a literal, with its charset
            cs = "UTF-8"
            m.literal = crit[-1]
            crit = crit[:-1]
        got = search(m, *crit, charset=cs)
        check(got == want, "%s: SEARCH %r: %r (want %r)" %
              (what, crit, got, want))


def message_files(slot, user="bob"):
    """Message files of the user, by mailbox id directory."""
    return sorted(glob.glob(os.path.join(slot.dir, "mail", user, "*", "*")))


def remove_files(paths):
    for p in paths:
        os.unlink(p)


def test_from_cache(slot, m):
    """Searches answered with the files gone (but the huge one's); the
    copies in Archive have their entries too."""
    check_searches(m, "files there")
    check(search(m, "HEADER", "X-Custom", "tagged") == [1],
          "SEARCH HEADER on a field the cache does not keep")
    typ, _ = m.copy("1:3,5", "Archive")
    check(typ == "OK", "COPY to Archive")
    files = [p for p in message_files(slot)
             if os.path.getsize(p) != len(HUGE)]
    check(len(files) == 8, "eight message files to remove: %r" % files)
    remove_files(files)
    check_searches(m, "files removed")
    check(search(m, "BODY", "quarterly") == "NO",
          "SEARCH BODY needs the files: NO once they are gone")
    check(search(m, "HEADER", "X-Custom", "tagged") == "NO",
          "SEARCH HEADER X-Custom needs the files too")
    m.select("Archive")
    check(search(m, "SUBJECT", "afternoon") == [1],
          "Archive: SEARCH SUBJECT from the copied entry")
    check(search(m, "SUBJECT", "second") == [3],
          "Archive: the LF message's copied entry")
    m.select("INBOX")


def test_refill(slot):
    """A slot whose cache.db is gone: files read, entries filled."""
    deliver(slot, "alice", MSGS)
    slot.stop()
    os.unlink(os.path.join(slot.dir, "db", "cache.db"))
    slot.start(services=("lmtp", "imap"))
    m = login(slot, "alice")
    typ, _ = m.select("INBOX")
    check(typ == "OK", "SELECT alice's INBOX")
    check_searches(m, "no cache: from the files")
    files = [p for p in message_files(slot, "alice")
             if os.path.getsize(p) != len(HUGE)]
    remove_files(files)
    check_searches(m, "cache filled by the first search")
    m.logout()


def test_append(slot):
    """APPEND writes the entry with the message, as LMTP does."""
    m = login(slot)
    typ, _ = m.append("Drafts", None, None,
                      b"Subject: appended draft\r\nTo: a@b\r\n\r\nx\r\n")
    check(typ == "OK", "APPEND to Drafts")
    m.select("Drafts")
    before = set(message_files(slot))
    m.select("INBOX")
    drafts = [p for p in before if os.path.getsize(p) ==
              len(b"Subject: appended draft\r\nTo: a@b\r\n\r\nx\r\n")]
    check(len(drafts) == 1, "the appended file: %r" % drafts)
    remove_files(drafts)
    m.select("Drafts")
    check(search(m, "SUBJECT", "draft") == [1],
          "SEARCH SUBJECT of an APPENDed message, its file removed")
    check(search(m, "TO", "a@b") == [1], "SEARCH TO of it")
    m.logout()


def select_state(m, box="INBOX"):
    """What a SELECT says, and every message's UID and flags."""
    typ, exists = m.select(box)
    check(typ == "OK", "SELECT %s" % box)
    said = {k: m.untagged_responses.get(k) for k in
            ("UIDNEXT", "UIDVALIDITY")}
    said["EXISTS"] = exists
    typ, data = m.fetch("1:*", "(UID FLAGS)")
    check(typ == "OK", "FETCH 1:* (UID FLAGS)")
    msgs = []
    for d in data:
        d = d.decode() if isinstance(d, bytes) else d
        uid = int(re.search(r"UID (\d+)", d).group(1))
        flags = sorted(re.search(r"FLAGS \(([^)]*)\)", d).group(1).split())
        msgs.append((uid, [f for f in flags if f != "\\Recent"]))
    return said, msgs


def test_reselect(slot):
    """Re-SELECT after other sessions' changes equals a fresh SELECT."""
    deliver(slot, "bob", [b"Subject: r%d\r\n\r\nx\r\n" % i
                          for i in range(30)])
    a = login(slot)
    b = login(slot)
    a.select("Sent")
    select_state(a)
    b.select("INBOX")
    b.store("2,4,6", "+FLAGS", "(\\Seen $Work)")
    b.store("3", "+FLAGS", "(\\Deleted)")
    b.expunge()
    deliver(slot, "bob", [b"Subject: late\r\n\r\nx\r\n"])
    b.store("1", "-FLAGS", "(\\Seen)")
    got_said, got = select_state(a)
    fresh = login(slot)
    want_said, want = select_state(fresh)
    check(got == want, "re-SELECT: messages and flags as a fresh session "
          "sees them (%d messages)" % len(want))
    for k in ("EXISTS", "UIDNEXT", "UIDVALIDITY"):
        check(got_said[k] == want_said[k], "re-SELECT: %s %r = %r" %
              (k, got_said[k], want_said[k]))
    # re-select again with nothing changed: same answer
    again_said, again = select_state(a)
    check(again == want and again_said["EXISTS"] == want_said["EXISTS"],
          "re-SELECT with nothing changed")
    # EXAMINE of the same mailbox, then SELECT: the view is kept
    typ, _ = a.select("INBOX", readonly=True)
    check(typ == "OK", "EXAMINE")
    _, again = select_state(a)
    check(again == want, "SELECT after EXAMINE")
    for s in (a, b, fresh):
        s.logout()


def main():
    slot = start_slot()
    try:
        deliver(slot, "bob", MSGS)
        m = login(slot)
        typ, _ = m.select("INBOX")
        check(typ == "OK", "SELECT INBOX")
        test_from_cache(slot, m)
        m.logout()
        test_refill(slot)
        test_append(slot)
        test_reselect(slot)
        slot.stop()
    except SystemExit:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


if __name__ == "__main__":
    run(main)
