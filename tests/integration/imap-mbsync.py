#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A real client in batch mode: mbsync (isync) syncs slotd's IMAP to a
local Maildir and back. Messages arrive byte-exact (up to what mbsync
itself does: Maildir files get LF line ends and an X-TUID header), a flag
set locally reaches the server, a message added locally is APPENDed
byte-exact, and a second sync changes nothing."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from imap_harness import check, deliver, login, start_slot  # noqa: E402
from slotd_harness import run, skip  # noqa: E402

MSGS = [b"Subject: first\r\nFrom: a@x.example\r\n\r\nfirst body\r\n",
        b"Subject: second\r\nFrom: b@x.example\r\n\r\n" +
        b"".join(b"row %d\r\n" % i for i in range(2000))]
LOCAL = (b"Subject: written offline\r\nFrom: bob@x.example\r\n\r\n"
         b"composed in the local Maildir\r\n")


def norm(msg):
    """What mbsync does to a message: LF line ends, its X-TUID header."""
    lines = msg.replace(b"\r\n", b"\n").split(b"\n")
    return b"\n".join(l for l in lines if not l.startswith(b"X-TUID: "))


def strip_tuid(msg):
    return b"".join(l for l in msg.splitlines(True)
                    if not l.startswith(b"X-TUID: "))


def mbsync(slot, rc):
    r = subprocess.run(["mbsync", "-c", rc, "-a"], capture_output=True,
                       timeout=60)
    if r.returncode:
        print(r.stdout.decode(errors="replace"))
        print(r.stderr.decode(errors="replace"))
    check(r.returncode == 0, "mbsync -a exits 0")


def maildir_messages(path):
    out = {}
    for sub in ("cur", "new"):
        d = os.path.join(path, sub)
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                out[os.path.join(sub, name)] = f.read()
    return out


def main():
    if not shutil.which("mbsync"):
        skip("mbsync (isync) not installed")
    slot = start_slot()
    try:
        deliver(slot, "bob", MSGS)
        local = os.path.join(slot.tmp, "Mail")
        os.makedirs(local)
        rc = os.path.join(slot.tmp, "mbsyncrc")
        with open(rc, "w") as f:
            f.write("IMAPAccount slot\n"
                    "Host 127.0.0.1\nPort %d\nUser bob\nPass bob-secret\n"
                    "SSLType None\nAuthMechs PLAIN\n\n"
                    "IMAPStore far\nAccount slot\n\n"
                    "MaildirStore near\nPath %s/\nInbox %s/INBOX\n\n"
                    "Channel c\nFar :far:\nNear :near:\n"
                    "Patterns INBOX\nCreate Near\nSyncState *\n"
                    "Sync All\nExpunge None\n"
                    % (slot.ports["imap"], local, local))
        mbsync(slot, rc)
        got = maildir_messages(os.path.join(local, "INBOX"))
        check(sorted(map(norm, got.values())) == sorted(map(norm, MSGS)),
              "mbsync: both messages in the Maildir, byte-exact")

        # Flag one locally (Maildir info ":2,F"), add one locally.
        name = [n for n, b in got.items() if norm(b) == norm(MSGS[0])][0]
        src = os.path.join(local, "INBOX", name)
        base = os.path.basename(name).split(":2,")[0]
        os.rename(src, os.path.join(local, "INBOX", "cur", base + ":2,F"))
        with open(os.path.join(local, "INBOX", "new", "local.1"),
                  "wb") as f:
            f.write(LOCAL.replace(b"\r\n", b"\n"))
        mbsync(slot, rc)

        m = login(slot)
        m.select("INBOX")
        typ, data = m.fetch("1:*", "(FLAGS BODY.PEEK[])")
        bodies = [d[1] for d in data if isinstance(d, tuple)]
        heads = [d[0] for d in data if isinstance(d, tuple)]
        check(len(bodies) == 3 and LOCAL in map(strip_tuid, bodies),
              "mbsync APPENDed the local message, byte-exact (CRLF)")
        check(any(b"\\Flagged" in h for h, b in zip(heads, bodies)
                  if b == MSGS[0]), "the local flag reached the server")
        m.logout()

        before = maildir_messages(os.path.join(local, "INBOX"))
        mbsync(slot, rc)
        after = maildir_messages(os.path.join(local, "INBOX"))
        check(sorted(before.values()) == sorted(after.values()) and
              len(after) == 3, "a second sync changes nothing")
        slot.stop()
    except SystemExit:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


if __name__ == "__main__":
    run(main)
