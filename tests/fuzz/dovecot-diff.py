#!/usr/bin/env python3
"""Differential test of the IMAP library against Dovecot's imap binary.

Usage: dovecot-diff.py DUMP CORPUS_DIR

DUMP is the imap-mime-dump program (tests/fuzz/imap-mime-dump.c).  Every
message of CORPUS_DIR is APPENDed to a throw-away Maildir served by
Dovecot's imap process over a pipe (no network, no daemon), then each
FETCH item (BODYSTRUCTURE, BODY, ENVELOPE, BODY[section]<partial>) and a
set of SEARCH queries are compared with what our library gives.

Dovecot comes from the system (dovecot-imapd) or from $DOVECOT_ROOT, a
directory where its .debs were unpacked (dpkg-deb -x).  Exit 0 when all
agree, 1 on a difference, 77 when Dovecot is not available.
"""
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

DEADLINE = time.monotonic() + 150

SECTIONS = [
    "BODY.PEEK[]", "BODY.PEEK[1]", "BODY.PEEK[1.1]", "BODY.PEEK[1.2]",
    "BODY.PEEK[2]", "BODY.PEEK[2.1]", "BODY.PEEK[3]", "BODY.PEEK[3.HEADER]",
    "BODY.PEEK[3.TEXT]", "BODY.PEEK[3.1]", "BODY.PEEK[3.1.1]",
    "BODY.PEEK[1.TEXT]", "BODY.PEEK[1.HEADER]", "BODY.PEEK[1.1.HEADER]",
    "BODY.PEEK[1.1.TEXT]", "BODY.PEEK[1.1.1]", "BODY.PEEK[1.1.1.1]",
    "BODY.PEEK[1.MIME]", "BODY.PEEK[2.MIME]", "BODY.PEEK[1.1.MIME]",
    "BODY.PEEK[HEADER.FIELDS (Subject TO)]",
    "BODY.PEEK[HEADER.FIELDS.NOT (Subject TO)]",
    "BODY.PEEK[1.HEADER.FIELDS (Subject)]", "BODY.PEEK[TEXT]",
    "BODY.PEEK[HEADER]", "BODY.PEEK[1]<2.5>", "BODY.PEEK[]<0.10>",
]

SEARCHES = [
    'BODY "café"', 'BODY "soft break"', "TEXT hello", 'SUBJECT "RÉSUMÉ"',
    'FROM "jürgen"', "FROM example", "HEADER X-Tag alpha", "BODY secret",
    'BODY "straße"', 'TEXT "été"', "SENTON 7-Feb-1994", "TO team",
    "SENTBEFORE 1-Jan-2000", "SENTSINCE 1-Jan-2000", "BODY deep",
    "SUBJECT level", "TEXT inner", "BODY hello", "CC two", "BCC hidden",
    "TEXT multipart", "BODY line2", "BODY aGVsbG8", "HEADER Subject \"\"",
    "TEXT boundary", 'BODY "au lait"', "SUBJECT caf", "LARGER 200",
    'SUBJECT "été café"', 'SUBJECT "ÉTÉ"', 'FROM "andré"', 'BODY "日本語"',
    'BODY "hello world"', 'BODY "“quoted”"', 'BODY "NAÏVE"', "SUBJECT bogus",
    "SENTON 29-Feb-2020", "SENTON 1-Mar-2020", 'TEXT "テキスト"',
    'BODY "it’s on me"', "BODY VCALENDAR", 'BODY "naïve"', "TEXT Thread-Topic",
    "FROM Sales", "SUBJECT FW:", "HEADER Content-Language en-us",
    "OR FROM frank TO bob", "NOT BODY the", "BODY UEsDBBQ", "TEXT pkcs7",
]


def find_dovecot():
    root = os.environ.get("DOVECOT_ROOT", "")
    imap = root + "/usr/lib/dovecot/imap"
    doveconf = root + "/usr/bin/doveconf"
    if not (os.access(imap, os.X_OK) and os.access(doveconf, os.X_OK)):
        print("dovecot-diff: no Dovecot (apt-get install dovecot-imapd, or "
              "DOVECOT_ROOT=dir with dovecot-core and dovecot-imapd "
              "unpacked by dpkg-deb -x); skipping")
        sys.exit(77)
    return root, imap, doveconf


class Imap:
    """Dovecot's imap process in PREAUTH mode on a pipe."""

    def __init__(self, root, imap, doveconf, tmp):
        uid = os.getuid()
        run_as = []
        if uid == 0:
            # Dovecot refuses mail access as root
            uid = gid = 65534
            run_as = ["setpriv", "--reuid=65534", "--regid=65534",
                      "--clear-groups"]
        else:
            gid = os.getgid()
        conf = os.path.join(tmp, "dovecot.conf")
        with open(conf, "w") as f:
            f.write(f"""base_dir = {tmp}/run
state_dir = {tmp}/state
mail_location = maildir:{tmp}/home/Maildir
log_path = {tmp}/dovecot.log
ssl = no
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = 0
first_valid_gid = 0
default_login_user = nobody
default_internal_user = nobody
default_internal_group = nogroup
mail_plugin_dir = {root}/usr/lib/dovecot/modules
""")
        for d in ("run", "state", "home/Maildir/cur", "home/Maildir/new",
                  "home/Maildir/tmp"):
            os.makedirs(os.path.join(tmp, d))
        for dirpath, dirs, files in os.walk(tmp):
            for n in dirs + files:
                os.chmod(os.path.join(dirpath, n), 0o777)
        os.chmod(tmp, 0o777)
        env = dict(os.environ, USER="tester", HOME=tmp + "/home")
        if root:
            env["LD_LIBRARY_PATH"] = root + "/usr/lib/dovecot"
        self.p = subprocess.Popen(run_as + [doveconf, "-c", conf, "-e",
                                            imap],
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, env=env)
        self.n = 0
        self.buf = b""
        greeting = self.readline()
        if b"PREAUTH" not in greeting:
            sys.exit("dovecot-diff: unexpected greeting %r" % greeting)

    def readline(self):
        while b"\n" not in self.buf:
            left = DEADLINE - time.monotonic()
            if left <= 0 or not select.select([self.p.stdout], [], [],
                                              left)[0]:
                sys.exit("dovecot-diff: timed out waiting for Dovecot")
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                sys.exit("dovecot-diff: Dovecot exited")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line + b"\n"

    def read(self, n):
        while len(self.buf) < n:
            self.buf += self.readline()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def response(self, tag):
        """Untagged responses (literals included) and the tagged line."""
        out = []
        while True:
            line = self.readline()
            resp = line
            m = re.search(rb"\{(\d+)\}\r\n$", line)
            while m:
                resp += self.read(int(m.group(1)))
                line = self.readline()
                resp += line
                m = re.search(rb"\{(\d+)\}\r\n$", line)
            if resp.startswith(tag + b" "):
                return out, resp
            out.append(resp)

    def command(self, text, literal=None):
        self.n += 1
        tag = b"t%d" % self.n
        data = tag + b" " + text
        if literal is not None:
            data += b"{%d+}\r\n" % len(literal) + literal
        self.p.stdin.write(data + b"\r\n")
        self.p.stdin.flush()
        return self.response(tag)

    def close(self):
        self.p.stdin.write(b"z LOGOUT\r\n")
        self.p.stdin.close()
        self.p.wait(timeout=10)


def imap_value(b):
    """The string, literal or NIL at the start of b."""
    if b.startswith(b"NIL"):
        return None
    if b.startswith(b'"'):
        out, i = b"", 1
        while b[i:i + 1] != b'"':
            if b[i:i + 1] == b"\\":
                i += 1
            out += b[i:i + 1]
            i += 1
        return out
    m = re.match(rb"\{(\d+)\}\r\n", b)
    return b[m.end():m.end() + int(m.group(1))]


def main():
    dump, corpus = sys.argv[1], sys.argv[2]
    root, imap_bin, doveconf = find_dovecot()
    tmp = tempfile.mkdtemp(prefix="dovecot-diff.")
    diffs = compared = 0
    try:
        imap = Imap(root, imap_bin, doveconf, tmp)
        imap.command(b"SELECT INBOX")
        files = sorted(os.listdir(corpus))
        msgs = []
        for name in files:
            data = open(os.path.join(corpus, name), "rb").read()
            if not data or b"\r\n" not in data or data.count(b"\n") != \
                    data.count(b"\r\n"):
                continue    # Dovecot rejects empty mail; the store is CRLF
            _, tagged = imap.command(
                b'APPEND INBOX "01-Jan-2010 00:00:00 +0000" ', data)
            if b" OK " not in tagged:
                sys.exit("dovecot-diff: APPEND %s failed: %r" % (name,
                                                                  tagged))
            msgs.append(name)
        searches = ["SEARCH CHARSET UTF-8 " + q for q in SEARCHES]
        found = {}
        for q in searches:
            resp, _ = imap.command(q.encode())
            nums = resp[0].split()[2:] if resp else []
            found[q] = {int(x) for x in nums}
        for seq, name in enumerate(msgs, 1):
            path = os.path.join(corpus, name)
            ours = subprocess.run([dump, path] + SECTIONS + searches,
                                  capture_output=True, check=True).stdout
            for item in (b"BODYSTRUCTURE", b"BODY", b"ENVELOPE"):
                resp, _ = imap.command(b"FETCH %d (%s)" % (seq, item))
                pre = b"* %d FETCH (%s " % (seq, item)
                theirs = resp[0][len(pre):-3]
                m = re.search(rb"^" + item + rb" (.*?)\n(?=[A-Z]+ |\Z)",
                              ours, re.S | re.M)
                compared += 1
                if theirs != m.group(1):
                    diffs += 1
                    print("DIFF %s %s\n dovecot: %r\n ours:    %r" %
                          (name, item.decode(), theirs, m.group(1)))
            for s in SECTIONS:
                resp, tagged = imap.command(b"FETCH %d (%s)" %
                                            (seq, s.encode()))
                m = re.search(rb"^SECTION " + re.escape(s.encode()) +
                              rb" (MISSING|ERR|(\d+):)", ours, re.M)
                if resp:
                    got = resp[0]
                    i = got.index(b"]", got.index(b"BODY[")) + 1
                    mm = re.match(rb"<\d+>", got[i:])
                    if mm:
                        i += mm.end()
                    theirs = imap_value(got[i + 1:])
                else:
                    theirs = "NO " + tagged.decode().strip()
                if m.group(1) in (b"MISSING", b"ERR"):
                    us = m.group(1).decode()
                else:
                    us = ours[m.end():m.end() + int(m.group(2))]
                compared += 1
                # a missing part reads as "" in Dovecot
                if theirs != us and not (us == "MISSING" and not theirs):
                    diffs += 1
                    print("DIFF %s %s\n dovecot: %r\n ours:    %r" %
                          (name, s, theirs, us))
            for q in searches:
                m = re.search(rb"^" + re.escape(q.encode()) +
                              rb" (0|1|ERR)$", ours, re.M)
                us = m.group(1).decode()
                theirs = "1" if seq in found[q] else "0"
                compared += 1
                if us != theirs:
                    diffs += 1
                    print("DIFF %s %s\n dovecot: %s\n ours:    %s" %
                          (name, q, theirs, us))
        imap.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("dovecot-diff: %d messages, %d comparisons, %d differences" %
          (len(msgs), compared, diffs))
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
