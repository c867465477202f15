#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A real POP3 client against slotd: curl's pop3:// lists and fetches a
# message delivered over LMTP, and the bytes must match exactly (curl
# undoes the dot-stuffing itself).
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
command -v curl > /dev/null || { echo "curl not installed"; exit 77; }
curl --version | grep -qw pop3 || { echo "curl without pop3"; exit 77; }
exec python3 - "$@" <<'PYEOF'
import os
import smtplib
import subprocess
import sys

sys.dont_write_bytecode = True    # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.getcwd(), "tests", "integration", "lib"))
from slotd_harness import Slot, check, run  # noqa: E402

MSG = (b"From: curl@test\r\nSubject: fetched by curl\r\n\r\n"
       b"hello curl\r\n.a dotted line\r\n..\r\n"
       + b"".join(b"filler line %d\r\n" % i for i in range(2000)))


def curl(slot, path):
    url = "pop3://127.0.0.1:%d/%s" % (slot.ports["pop3"], path)
    r = subprocess.run(["curl", "-s", "-S", "--max-time", "20", "-u",
                        "bob:" + slot.users["bob"], url],
                       capture_output=True, timeout=30)
    if r.returncode:
        print(r.stderr.decode(errors="replace"))
    return r


def main():
    slot = Slot()
    try:
        slot.start()
        l = smtplib.LMTP("127.0.0.1", slot.ports["lmtp"], timeout=10)
        l.ehlo("x")
        check(l.sendmail("a@b", ["bob"], MSG) == {}, "delivered")
        l.quit()
        r = curl(slot, "")
        check(r.returncode == 0 and r.stdout.strip() ==
              b"1 %d" % len(MSG), "curl lists the message: %r" % r.stdout)
        r = curl(slot, "1")
        check(r.returncode == 0, "curl RETR exit 0")
        check(r.stdout == MSG, "curl got the exact bytes (%d vs %d)" %
              (len(r.stdout), len(MSG)))
        slot.stop()
    except BaseException:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


run(main)
PYEOF
