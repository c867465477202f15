#!/usr/bin/env python3
"""Drill mail client: deliver numbered messages and prove none was lost.

  mailclient.py deliver HOST USER COUNT LOG [--port 24] [--seconds S]
                                            [--first N]
      Deliver messages N..N+COUNT-1 (N defaults to 1) over LMTP, one connection each, retrying
      a message on any connection error or 4xx until it gets a 250 (or
      --seconds run out). After each 250 it appends "ack N EPOCH_MS HOST"
      to LOG, flushed (HOST: the server's name from its LHLO reply), and
      "fail N EPOCH_MS reason" for each failed try.

  mailclient.py check HOST USER PASSWORD LOG [--port 110]
      Read the mailbox over POP3 and check that every acknowledged
      message is present and byte-exact. Prints a summary line; exit 1
      if any acknowledged message is missing or altered.

The message text is a function of its number, so the check needs nothing
but the log. A message may be present twice (its 250 was lost in the
failover and the client retried): that is allowed, a missing one is not.
"""
import hashlib
import poplib
import smtplib
import socket
import sys
import time


def now_ms():
    return int(time.time() * 1000)


def message(n):
    body = "".join("drill line %d of message %d %s\r\n" %
                   (i, n, hashlib.sha256(b"%d.%d" % (n, i)).hexdigest())
                   for i in range(40))
    return ("From: drill@example.org\r\nTo: user@example.org\r\n"
            "Subject: drill message %d\r\nMessage-ID: <drill.%d@example.org>"
            "\r\n\r\n%s" % (n, n, body)).encode()


def deliver(host, user, count, log, port, seconds, first):
    deadline = time.time() + seconds
    with open(log, "a") as out:
        for n in range(first, first + count):
            while True:
                if time.time() > deadline:
                    print("deliver: out of time at message %d" % n)
                    return 1
                try:
                    # A short timeout: while the address has no owner a
                    # connect would hang and hide when service came back.
                    with smtplib.LMTP(host, port, timeout=3) as lmtp:
                        lmtp.sendmail("drill@example.org", [user], message(n))
                        # the 250 is in: its time, not that of the QUIT
                        acked = now_ms()
                        server = lmtp.ehlo_resp.split()[0].decode()
                    out.write("ack %d %d %s\n" % (n, acked, server))
                    out.flush()
                    break
                except (OSError, smtplib.SMTPException) as e:
                    out.write("fail %d %d %s\n" % (n, now_ms(),
                              str(e).replace("\n", " ")[:100]))
                    out.flush()
                    time.sleep(0.1)
    return 0


def check(host, user, password, log, port):
    acked = set()
    with open(log) as f:
        for line in f:
            w = line.split()
            if len(w) >= 3 and w[0] == "ack":
                acked.add(int(w[1]))
    pop = poplib.POP3(host, port, timeout=30)
    pop.user(user)
    pop.pass_(password)
    count, _ = pop.stat()
    found = {}
    altered = []
    for i in range(1, count + 1):
        lines = pop.retr(i)[1]
        raw = b"\r\n".join(lines) + b"\r\n"
        subj = [x for x in lines if x.startswith(b"Subject: drill message ")]
        if not subj:
            continue
        n = int(subj[0].split()[-1])
        found[n] = found.get(n, 0) + 1
        if raw != message(n):
            altered.append(n)
    pop.quit()
    missing = sorted(acked - set(found))
    dups = sum(1 for n in acked if found.get(n, 0) > 1)
    print("check: %d acknowledged, %d found, %d missing, %d altered, "
          "%d delivered twice" % (len(acked), len(found), len(missing),
                                  len(altered), dups))
    if missing:
        print("missing:", missing[:20])
    if altered:
        print("altered:", altered[:20])
    return 1 if missing or altered or not acked else 0


def main(argv):
    opts = {}
    args = []
    i = 0
    while i < len(argv):
        if argv[i].startswith("--"):
            opts[argv[i][2:]] = argv[i + 1]
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if args[:1] == ["deliver"] and len(args) == 5:
        return deliver(args[1], args[2], int(args[3]), args[4],
                       int(opts.get("port", 24)),
                       float(opts.get("seconds", 600)),
                       int(opts.get("first", 1)))
    if args[:1] == ["check"] and len(args) == 5:
        return check(args[1], args[2], args[3], args[4],
                     int(opts.get("port", 110)))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    socket.setdefaulttimeout(30)
    sys.exit(main(sys.argv[1:]))
