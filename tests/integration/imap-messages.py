#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""IMAP against slotd, the message commands: SELECT/EXAMINE, FETCH (every
item, byte-exact bodies and sections, partials, MODSEQ, CHANGEDSINCE),
STORE (+FLAGS -FLAGS FLAGS .SILENT, keywords, UNCHANGEDSINCE), SEARCH,
COPY/MOVE with COPYUID, EXPUNGE/UID EXPUNGE/CLOSE/UNSELECT, APPEND with
APPENDUID (literal and LITERAL+), and the UID variants."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from imap_harness import (Raw, check, deliver, fail, login, no,  # noqa
                          ok, start_slot, tagged, untagged)
from slotd_harness import run  # noqa: E402

SIMPLE = (b"Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
          b"From: Fred Foobar <foobar@blurdybloop.example>\r\n"
          b"To: mooch@owatagu.example\r\n"
          b"Cc: Bob <bob@x.example>\r\n"
          b"Subject: afternoon meeting\r\n"
          b"Message-Id: <B27397-0100000@blurdybloop.example>\r\n"
          b"\r\n"
          b"Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n")

MULTI = (b"From: Alice <alice@x.example>\r\n"
         b"To: bob@x.example\r\n"
         b"Subject: report with attachment\r\n"
         b"MIME-Version: 1.0\r\n"
         b"Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
         b"\r\n"
         b"preamble\r\n"
         b"--XX\r\n"
         b"Content-Type: text/plain; charset=utf-8\r\n"
         b"\r\n"
         b"the quarterly numbers are attached\r\n"
         b"--XX\r\n"
         b"Content-Type: text/plain; name=\"n.txt\"\r\n"
         b"Content-Transfer-Encoding: base64\r\n"
         b"Content-Disposition: attachment; filename=\"n.txt\"\r\n"
         b"\r\n"
         b"c2VjcmV0IHppcHBlcg==\r\n"
         b"--XX\r\n"
         b"Content-Type: message/rfc822\r\n"
         b"\r\n"
         b"Subject: inner\r\n"
         b"From: carol@x.example\r\n"
         b"\r\n"
         b"inner body\r\n"
         b"--XX--\r\n")

BIG = (b"Subject: big\r\nFrom: big@x.example\r\n\r\n" +
       b"".join(b"line %06d of a long message\r\n" % i
                for i in range(20000)))


def fetch1(m, seq, item, uid=False):
    """The literal of one FETCH item of one message."""
    if uid:
        typ, data = m.uid("FETCH", seq, item)
    else:
        typ, data = m.fetch(seq, item)
    check(typ == "OK", "FETCH %s %s" % (seq, item))
    for d in data:
        if isinstance(d, tuple):
            return d[1]
    return None


def fetch_attr(m, seq, item):
    typ, data = m.fetch(seq, item)
    check(typ == "OK", "FETCH %s %s" % (seq, item))
    return b" ".join(d if isinstance(d, bytes) else d[0] for d in data)


def flags_of(m, seq):
    s = fetch_attr(m, seq, "(FLAGS)").decode()
    return set(re.search(r"FLAGS \(([^)]*)\)", s).group(1).split())


def test_select(m):
    typ, data = m.select("INBOX")
    check(typ == "OK" and data == [b"3"], "SELECT INBOX: 3 EXISTS")
    r = m.untagged_responses
    check(r.get("RECENT") == [b"3"], "SELECT: 3 RECENT")
    check(r.get("UIDNEXT") == [b"4"], "SELECT: UIDNEXT 4")
    check(r.get("UIDVALIDITY") and int(r["UIDVALIDITY"][0]) > 0,
          "SELECT: UIDVALIDITY")
    check(r.get("HIGHESTMODSEQ") and int(r["HIGHESTMODSEQ"][0]) >= 3,
          "SELECT: HIGHESTMODSEQ")
    check(r.get("UNSEEN") == [b"1"], "SELECT: UNSEEN 1")
    check(b"\\*" in r["PERMANENTFLAGS"][0], "PERMANENTFLAGS has \\*")
    check(r.get("READ-WRITE") is not None, "SELECT is READ-WRITE")


def test_fetch(m, uidvalidity):
    for seq, msg in ((1, SIMPLE), (2, MULTI), (3, BIG)):
        got = fetch1(m, str(seq), "(BODY.PEEK[])")
        check(got == msg, "BODY.PEEK[] of message %d is byte-exact" % seq)
        s = fetch_attr(m, str(seq), "(RFC822.SIZE)")
        check(b"RFC822.SIZE %d" % len(msg) in s, "RFC822.SIZE %d" % seq)
    check("\\Seen" not in flags_of(m, "1"), "BODY.PEEK leaves \\Seen alone")

    hdr, body = SIMPLE.split(b"\r\n\r\n", 1)
    check(fetch1(m, "1", "(RFC822.HEADER)") == hdr + b"\r\n\r\n",
          "RFC822.HEADER")
    check("\\Seen" not in flags_of(m, "1"), "RFC822.HEADER is a peek")
    check(fetch1(m, "1", "(BODY.PEEK[TEXT])") == body, "BODY.PEEK[TEXT]")
    check(fetch1(m, "1", "(BODY.PEEK[]<0.10>)") == SIMPLE[:10],
          "partial BODY.PEEK[]<0.10>")
    check(fetch1(m, "1", "(BODY.PEEK[TEXT]<6.4>)") == body[6:10],
          "partial of a section")
    check(fetch1(m, "1", "(BODY.PEEK[]<100000.10>)") in (b"", None),
          "partial beyond the end is empty")
    got = fetch1(m, "1", "(BODY.PEEK[HEADER.FIELDS (Subject TO)])")
    check(got == b"To: mooch@owatagu.example\r\n"
          b"Subject: afternoon meeting\r\n\r\n", "HEADER.FIELDS")
    got = fetch1(m, "1", "(BODY.PEEK[HEADER.FIELDS.NOT (Subject Date "
                 "Message-ID Cc)])")
    check(got == b"From: Fred Foobar <foobar@blurdybloop.example>\r\n"
          b"To: mooch@owatagu.example\r\n\r\n", "HEADER.FIELDS.NOT")

    typ, data = m.fetch("1", "(BODY[])")
    check(typ == "OK" and data[0][1] == SIMPLE, "BODY[] byte-exact")
    check(b"\\Seen" in data[1], "BODY[] sets \\Seen and reports FLAGS")
    check("\\Seen" in flags_of(m, "1"), "\\Seen stored")
    check(fetch1(m, "1", "(RFC822)") == SIMPLE, "RFC822")

    # Sections of the multipart message.
    check(fetch1(m, "2", "(BODY.PEEK[1])") ==
          b"the quarterly numbers are attached", "BODY[1] of a multipart")
    check(fetch1(m, "2", "(BODY.PEEK[2])") == b"c2VjcmV0IHppcHBlcg==",
          "BODY[2]: the attachment, still encoded")
    check(fetch1(m, "2", "(BODY.PEEK[2.MIME])").startswith(
          b"Content-Type: text/plain; name="), "BODY[2.MIME]")
    check(fetch1(m, "2", "(BODY.PEEK[3.HEADER])") ==
          b"Subject: inner\r\nFrom: carol@x.example\r\n\r\n",
          "BODY[3.HEADER] of the attached message")
    check(fetch1(m, "2", "(BODY.PEEK[3.1])") == b"inner body",
          "BODY[3.1]: body of the attached message")
    bs = fetch_attr(m, "2", "(BODYSTRUCTURE)").decode()
    check('"mixed" ("boundary" "XX")' in bs,
          "BODYSTRUCTURE: multipart/mixed with its boundary %s" % bs)
    check('"base64"' in bs.lower() and '"attachment"' in bs.lower() and
          '"rfc822"' in bs.lower(), "BODYSTRUCTURE: every part")
    b = fetch_attr(m, "2", "(BODY)").decode()
    check(b.startswith("2 (BODY ((") and "attachment" not in b.lower(),
          "BODY: no extension data")
    env = fetch_attr(m, "1", "(ENVELOPE)").decode()
    check('"Mon, 7 Feb 1994 21:52:25 -0800" "afternoon meeting" '
          '(("Fred Foobar" NIL "foobar" "blurdybloop.example"))' in env,
          "ENVELOPE: date, subject, from")
    check('"<B27397-0100000@blurdybloop.example>"' in env,
          "ENVELOPE: message-id")
    a = fetch_attr(m, "1", "ALL").decode()
    check("INTERNALDATE" in a and "ENVELOPE" in a and "FLAGS" in a,
          "FETCH ALL")
    f = fetch_attr(m, "1", "FULL").decode()
    check(" BODY (" in f, "FETCH FULL")

    # UID FETCH always reports the UID.
    typ, data = m.uid("FETCH", "2:3", "(FLAGS)")
    check(typ == "OK" and len(data) == 2 and b"UID 2" in data[0] and
          b"UID 3" in data[1], "UID FETCH 2:3 reports UIDs")
    typ, data = m.uid("FETCH", "100:200", "(FLAGS)")
    check(typ == "OK" and data == [None], "UID FETCH of no UID: nothing")
    check(fetch1(m, "3", "(BODY.PEEK[])", uid=True) == BIG,
          "UID FETCH body byte-exact")
    no(m.fetch, "FETCH beyond EXISTS is BAD", "9", "(FLAGS)")
    no(m.fetch, "FETCH of an unknown item is BAD", "1", "(BOGUS)")
    no(m.fetch, "FETCH with a bad set is BAD", "1:x", "(FLAGS)")

    # CONDSTORE: MODSEQ, CHANGEDSINCE.
    s = fetch_attr(m, "1:3", "(MODSEQ)").decode()
    mods = [int(x) for x in re.findall(r"MODSEQ \((\d+)\)", s)]
    check(len(mods) == 3, "FETCH MODSEQ")
    typ, data = m.fetch("1:*", "(FLAGS) (CHANGEDSINCE %d)" % max(mods))
    check(typ == "OK" and data == [None], "CHANGEDSINCE highest: nothing")
    typ, data = m.fetch("1:*", "(FLAGS) (CHANGEDSINCE %d)" %
                        (max(mods) - 1))
    check(typ == "OK" and len(data) == 1 and b"MODSEQ" in data[0],
          "CHANGEDSINCE returns only the changed message, with MODSEQ")


def test_store(m):
    typ, data = m.store("2", "+FLAGS", "(\\Flagged $Work)")
    check(typ == "OK" and b"\\Flagged" in data[0] and b"$Work" in data[0],
          "STORE +FLAGS with a keyword")
    typ, data = m.store("2", "-FLAGS", "(\\Flagged)")
    check(typ == "OK" and b"\\Flagged" not in data[0] and
          b"$Work" in data[0], "STORE -FLAGS")
    typ, data = m.store("3", "FLAGS", "(\\Answered \\Draft)")
    check(typ == "OK" and flags_of(m, "3") >= {"\\Answered", "\\Draft"},
          "STORE FLAGS replaces")
    typ, data = m.store("3", "+FLAGS.SILENT", "(\\Seen)")
    check(typ == "OK" and data == [None], "STORE .SILENT: no FETCH")
    check("\\Seen" in flags_of(m, "3"), ".SILENT still stored")
    typ, data = m.uid("STORE", "3", "-FLAGS", "(\\Draft)")
    check(typ == "OK" and b"UID 3" in data[0], "UID STORE reports the UID")
    no(m.store, "STORE \\Recent-like unknown system flag is BAD", "1",
       "+FLAGS", "(\\Bogus)")
    s = fetch_attr(m, "2", "(MODSEQ)").decode()
    mod = int(re.search(r"MODSEQ \((\d+)\)", s).group(1))
    typ, data = m.store("2", "(UNCHANGEDSINCE %d) +FLAGS" % (mod - 1),
                        "(\\Flagged)")
    check(typ == "OK", "UNCHANGEDSINCE below MODSEQ: still OK")
    check("\\Flagged" not in flags_of(m, "2"),
          "UNCHANGEDSINCE failure changed nothing")
    typ, data = m.store("2", "(UNCHANGEDSINCE %d) +FLAGS" % mod,
                        "(\\Flagged)")
    check(typ == "OK" and "\\Flagged" in flags_of(m, "2"),
          "UNCHANGEDSINCE at MODSEQ: stored")


def test_modified_raw(slot):
    """The [MODIFIED] response code, seen on the wire."""
    r = Raw(slot.ports["imap"])
    r.cmd("m0", "LOGIN bob bob-secret")
    r.cmd("m1", "SELECT INBOX")
    lines = r.cmd("m2", "STORE 1 (UNCHANGEDSINCE 1) +FLAGS (\\Answered)")
    check(lines[-1].startswith("m2 OK [MODIFIED 1]"),
          "STORE UNCHANGEDSINCE: [MODIFIED 1] (%s)" % lines[-1])
    lines = r.cmd("m3", "UID STORE 1 (UNCHANGEDSINCE 1) +FLAGS (\\Answered)")
    check(lines[-1].startswith("m3 OK [MODIFIED 1]"),
          "UID STORE: [MODIFIED uid]")
    lines = r.cmd("m4", "STORE 1 +FLAGS ($NewKeyword)")
    check(any(l.startswith("* FLAGS (") and "$NewKeyword" in l
              for l in lines), "a new keyword: untagged FLAGS")
    check(any("PERMANENTFLAGS" in l and "$NewKeyword" in l
              for l in lines), "a new keyword: PERMANENTFLAGS")
    r.cmd("m5", "STORE 1 -FLAGS ($NewKeyword)")
    # Pipelining: a body FETCH (which waits for the ring) and commands
    # behind it are answered in order.
    r.send("q1 FETCH 3 (BODY.PEEK[])\r\nq2 NOOP\r\nq3 UID FETCH 1 (UID)"
           "\r\n")
    tags = []
    while len(tags) < 3:
        l = r.line()
        if l[:2] in ("q1", "q2", "q3"):
            tags.append(l.split()[0:2])
    check(tags == [["q1", "OK"], ["q2", "OK"], ["q3", "OK"]],
          "pipelined commands answered in order")
    r.cmd("m9", "LOGOUT")
    r.close()


def test_search(m):
    def search(*crit, uid=False):
        typ, data = (m.uid("SEARCH", *crit) if uid else
                     m.search(None, *crit))
        check(typ == "OK", "SEARCH %s" % " ".join(crit))
        return [int(x) for x in data[0].split()]

    check(search("ALL") == [1, 2, 3], "SEARCH ALL")
    check(search("SUBJECT", "meeting") == [1], "SEARCH SUBJECT")
    check(search("FROM", "alice") == [2], "SEARCH FROM")
    check(search("BODY", "quarterly") == [2], "SEARCH BODY")
    check(search("TEXT", "\"line 019999\"") == [3], "SEARCH TEXT (late in a "
          "big message)")
    check(search("BODY", "\"secret zipper\"") == [2],
          "SEARCH BODY decodes a base64 text part")
    check(search("FLAGGED") == [2], "SEARCH FLAGGED")
    check(search("KEYWORD", "$Work") == [2], "SEARCH KEYWORD")
    check(search("UNSEEN") == [2], "SEARCH UNSEEN")
    check(search("LARGER", "10000") == [3], "SEARCH LARGER")
    check(search("NOT", "LARGER", "10000") == [1, 2], "SEARCH NOT")
    check(search("OR", "SUBJECT", "meeting", "FROM", "alice") == [1, 2],
          "SEARCH OR")
    check(search("2:3", "FROM", "big") == [3], "SEARCH with a set")
    check(search("UID", "1,3") == [1, 3], "SEARCH UID set")
    got = search("SENTON", "7-Feb-1994")
    check(got == [1], "SEARCH SENTON %r" % got)
    check(search("FROM", "big", uid=True) == [3], "UID SEARCH")
    check(search("HEADER", "Message-ID", "B27397") == [1], "SEARCH HEADER")
    typ, data = m.search(None, "MODSEQ", "1")
    check(typ == "OK" and b"(MODSEQ" in data[0], "SEARCH MODSEQ")
    typ, data = m.search("UTF-8", "SUBJECT", "meeting")
    check(typ == "OK" and data[0] == b"1", "SEARCH CHARSET UTF-8")
    no(m.search, "SEARCH with an unknown charset", "KOI9", "ALL")
    no(m.search, "SEARCH with a bad key", None, "BOGUS")


def test_copy_move(m, slot):
    typ, data = m.copy("1:2", "Archive")
    check(typ == "OK", "COPY 1:2 Archive")
    code = m.untagged_responses.get("COPYUID", [b""])[0].split()
    check(len(code) == 3 and code[1] in (b"1:2", b"1,2") and
          code[2] in (b"1:2", b"1,2"), "COPYUID: source and new UIDs")
    typ, data = m.status("Archive", "(MESSAGES)")
    check(b"MESSAGES 2" in data[0], "COPY: the copies are there")
    typ, data = m.copy("1", "NoSuchBox")
    check(typ == "NO", "COPY to a missing mailbox: NO")

    r = Raw(slot.ports["imap"])
    r.cmd("v0", "LOGIN bob bob-secret")
    r.cmd("v1", "SELECT Archive")
    lines = r.cmd("v2", "UID MOVE 1 Trash")
    check(any(l.startswith("* OK [COPYUID ") for l in lines),
          "MOVE: untagged COPYUID")
    check("* 1 EXPUNGE" in lines and lines[-1].startswith("v2 OK"),
          "MOVE: EXPUNGE of the source")
    lines = r.cmd("v3", "COPY 1 Nope")
    check(lines[-1].startswith("v3 NO [TRYCREATE]"), "COPY: [TRYCREATE]")
    lines = r.cmd("v4", "STORE 1 +FLAGS (\\Deleted)")
    lines = r.cmd("v5", "UNSELECT")
    check(lines[-1].startswith("v5 OK") and not untagged(lines, "EXPUNGE"),
          "UNSELECT: no expunge")
    lines = r.cmd("v6", "SELECT Archive")
    check("* 1 EXISTS" in lines, "UNSELECT kept the \\Deleted message")
    lines = r.cmd("v7", "CLOSE")
    check(lines[-1].startswith("v7 OK") and not untagged(lines, "EXPUNGE"),
          "CLOSE: expunges silently")
    lines = r.cmd("v8", "STATUS Archive (MESSAGES)")
    check("MESSAGES 0" in lines[0], "CLOSE expunged the \\Deleted message")
    lines = r.cmd("v9", "EXAMINE Trash")
    check(lines[-1].startswith("v9 OK [READ-ONLY]"), "EXAMINE: READ-ONLY")
    lines = r.cmd("v10", "STORE 1 +FLAGS (\\Seen)")
    check(tagged(lines) == "NO", "STORE in a read-only mailbox: NO")
    lines = r.cmd("v11", "EXPUNGE")
    check(tagged(lines) == "NO", "EXPUNGE in a read-only mailbox: NO")
    r.cmd("v12", "LOGOUT")
    r.close()


def test_expunge(m):
    m.select("INBOX")
    ok(m.copy("1:3", "Junk"), "COPY 1:3 Junk")
    m.select("Junk")
    m.store("1:3", "+FLAGS.SILENT", "(\\Deleted)")
    typ, data = m.uid("EXPUNGE", "2")
    check(typ == "OK", "UID EXPUNGE 2")
    check(m.untagged_responses.pop("EXPUNGE", None) == [b"2"],
          "UID EXPUNGE: only the message in the set")
    typ, data = m.expunge()
    check(typ == "OK" and data == [b"2", b"1"],
          "EXPUNGE: every \\Deleted message, highest first (%r)" % data)
    typ, data = m.select("Junk")
    check(data == [b"0"], "Junk is empty after EXPUNGE")
    no(m.fetch, "FETCH * in an empty mailbox is BAD", "*", "(FLAGS)")


def test_append(m, slot):
    msg = b"From: me@x.example\r\nSubject: draft\r\n\r\nappended body\r\n"
    typ, data = m.append("Drafts", "(\\Draft $Later)",
                         '"14-Jul-2020 02:44:25 +0000"', msg)
    check(typ == "OK" and b"APPENDUID" in data[0], "APPEND: APPENDUID")
    uidv, uid = data[0].split(b"]")[0].split()[1:3]
    m.select("Drafts")
    check(int(m.untagged_responses.get("UIDVALIDITY", [b"0"])[0]) ==
          int(uidv), "APPENDUID's UIDVALIDITY is the mailbox's")
    typ, data = m.uid("FETCH", uid.decode(),
                      "(FLAGS INTERNALDATE BODY.PEEK[])")
    check(typ == "OK" and data[0][1] == msg, "APPENDed message byte-exact")
    check(b"\\Draft" in data[0][0] and b"$Later" in data[0][0],
          "APPEND flags and keywords kept")
    check(b'INTERNALDATE "14-Jul-2020 02:44:25 +0000"' in data[0][0],
          "APPEND date-time is the INTERNALDATE")
    typ, data = m.append("NoSuchBox", None, None, msg)
    check(typ == "NO" and b"TRYCREATE" in data[0], "APPEND: [TRYCREATE]")

    # LITERAL+ and a synchronizing literal on the wire; EXISTS is sent
    # to the session that has the mailbox selected.
    r = Raw(slot.ports["imap"])
    r.cmd("p0", "LOGIN bob bob-secret")
    r.cmd("p1", "SELECT Drafts")
    body = b"Subject: literal plus\r\n\r\nno wait\r\n"
    r.send(b"p2 APPEND Drafts {%d+}\r\n" % len(body) + body + b"\r\n")
    lines = r.until_tag("p2")
    check(lines[-1].startswith("p2 OK [APPENDUID "), "APPEND with LITERAL+")
    check("* 2 EXISTS" in lines, "APPEND to the selected mailbox: EXISTS")
    r.send(b"p3 APPEND Drafts (\\Seen) {%d}\r\n" % len(body))
    check(r.line().startswith("+"), "synchronizing literal: continuation")
    r.send(body + b"\r\n")
    lines = r.until_tag("p3")
    check(lines[-1].startswith("p3 OK [APPENDUID "), "APPEND with {N}")
    r.cmd("p4", "LOGOUT")
    r.close()


def test_head_only(m):
    """Header-only FETCH items are served from the head of the file; a
    header longer than that head falls back to the whole file."""
    long_hdr = (b"Subject: long header\r\nX-Long: start\r\n" +
                b"".join(b" continued %06d %s\r\n" % (i, b"h" * 80)
                         for i in range(900)) + b"From: z@x.example\r\n")
    tall = long_hdr + b"\r\n" + b"body\r\n" * 10
    wide = (b"Subject: wide body\r\nFrom: w@x.example\r\n\r\n" +
            b"w" * 300000 + b"\r\n")
    check(len(long_hdr) > 64 * 1024, "test header is over 64 KiB")
    for msg in (tall, wide):
        ok(m.append("Junk", None, None, msg), "APPEND to Junk")
    m.select("Junk")
    hdr = fetch1(m, "1", "(BODY.PEEK[HEADER])")
    check(hdr == long_hdr + b"\r\n", "a 90 KiB header: BODY[HEADER] whole")
    got = fetch1(m, "1", "(BODY.PEEK[HEADER.FIELDS (FROM)])")
    check(got == b"From: z@x.example\r\n\r\n",
          "a field after 64 KiB of header is found")
    check(fetch1(m, "2", "(RFC822.HEADER)") ==
          b"Subject: wide body\r\nFrom: w@x.example\r\n\r\n",
          "RFC822.HEADER of a large message")
    env = fetch_attr(m, "1:2", "(ENVELOPE BODY.PEEK[HEADER.FIELDS "
                     "(SUBJECT)])").decode()
    check('"long header"' in env and '"wide body"' in env,
          "ENVELOPE from the head")
    check(fetch1(m, "2", "(BODY.PEEK[TEXT])") == b"w" * 300000 + b"\r\n",
          "the body is still read whole when asked for")


def test_append_kill(slot):
    """An APPEND answered OK survives SIGKILL right after the answer."""
    msgs = [b"Subject: durable %d\r\n\r\n" % i + b"d" * (1000 * i) +
            b"\r\n" for i in range(1, 11)]
    m = login(slot)
    uids = []
    for msg in msgs:
        typ, data = m.append("Archive", None, None, msg)
        check(typ == "OK", "APPEND before the kill")
        uids.append(data[0].split(b"]")[0].split()[2].decode())
    slot.kill()
    slot.start(services=("lmtp", "imap"))
    m = login(slot)
    m.select("Archive")
    for uid, msg in zip(uids, msgs):
        typ, data = m.uid("FETCH", uid, "(BODY.PEEK[])")
        if typ != "OK" or not data or not isinstance(data[0], tuple) or \
                data[0][1] != msg:
            fail("APPENDed uid %s lost or changed after SIGKILL" % uid)
    print("ok: every acknowledged APPEND survived SIGKILL byte-exact")
    m.logout()
    r = slot.audit()
    check(r.returncode == 0, "slotctl audit clean after SIGKILL")


def main():
    slot = start_slot()
    try:
        deliver(slot, "bob", [SIMPLE, MULTI, BIG])
        m = login(slot)
        test_select(m)
        uidv = int(m.untagged_responses.get("UIDVALIDITY", [b"0"])[0])
        test_fetch(m, uidv)
        test_store(m)
        test_modified_raw(slot)
        test_search(m)
        test_copy_move(m, slot)
        test_expunge(m)
        test_append(m, slot)
        test_head_only(m)
        m.logout()
        r = slot.audit()
        check(r.returncode == 0, "slotctl audit is clean")
        test_append_kill(slot)
        slot.stop()
    except SystemExit:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


if __name__ == "__main__":
    run(main)
