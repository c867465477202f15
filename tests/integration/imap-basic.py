#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""IMAP against slotd, the non-message commands: CAPABILITY, LOGIN and
AUTHENTICATE PLAIN (SASL-IR and continuation) with the plaintext policy,
NOOP, LOGOUT, ID, ENABLE, NAMESPACE, LIST/LSUB with SPECIAL-USE and
CHILDREN, CREATE/DELETE/RENAME/SUBSCRIBE/UNSUBSCRIBE, STATUS, quotas,
bad mailbox names and the line and literal limits."""
import base64
import imaplib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from imap_harness import (Raw, check, deliver, fail, login, no, ok,  # noqa
                          start_slot, tagged)
from slotd_harness import run, slotctl, tls_client_context  # noqa: E402


DELIVERED = [b"Subject: 1\r\n\r\none\r\n", b"Subject: 2\r\n\r\ntwo\r\n"]


def list_names(m, *args):
    data = ok(m.list(*args), "LIST %s" % " ".join(args))
    out = {}
    for d in data:
        if d is None:
            continue
        d = d.decode()
        attrs, rest = d[1:].split(")", 1)
        name = rest.split(" ", 2)[2].strip('"')
        out[name] = set(attrs.split())
    return out


def test_auth(slot):
    r = Raw(slot.ports["imap"])
    check(r.greeting.startswith("* OK [CAPABILITY IMAP4rev1"),
          "greeting carries the capabilities")
    caps = r.cmd("a1", "CAPABILITY")
    check("AUTH=PLAIN" in caps[0] and "SASL-IR" in caps[0] and
          "LOGINDISABLED" not in caps[0],
          "loopback: AUTH=PLAIN offered, LOGIN enabled")
    check(tagged(r.cmd("a2", "NOOP")) == "OK", "NOOP before login")
    check(tagged(r.cmd("a3", "SELECT INBOX")) == "BAD",
          "SELECT before login is BAD")
    lines = r.cmd("a4", "LOGIN bob wrong")
    check(lines[-1].startswith("a4 NO [AUTHENTICATIONFAILED]"),
          "wrong password: NO [AUTHENTICATIONFAILED]")
    lines = r.cmd("a5", "LOGIN nosuchuser x")
    check(lines[-1].startswith("a5 NO [AUTHENTICATIONFAILED]"),
          "unknown user: the same answer")
    # SASL-IR in one line.
    ir = base64.b64encode(b"\0bob\0bob-secret").decode()
    lines = r.cmd("a6", "AUTHENTICATE PLAIN " + ir)
    check(lines[-1].startswith("a6 OK [CAPABILITY") and
          "UIDPLUS" in lines[-1], "AUTHENTICATE PLAIN with SASL-IR")
    check(tagged(r.cmd("a7", "LOGIN bob bob-secret")) == "BAD",
          "LOGIN when authenticated is BAD")
    lines = r.cmd("a8", "LOGOUT")
    check(lines[0].startswith("* BYE") and lines[-1].startswith("a8 OK"),
          "LOGOUT: BYE then OK")
    check(r.closed(), "LOGOUT closes the connection")
    r.close()

    # AUTHENTICATE with a continuation, and cancelled.
    r = Raw(slot.ports["imap"])
    r.send("b1 AUTHENTICATE PLAIN\r\n")
    check(r.line().startswith("+"), "AUTHENTICATE PLAIN: continuation")
    r.send(base64.b64encode(b"\0alice\0alice pw") + b"\r\n")
    check(r.until_tag("b1")[-1].startswith("b1 OK"),
          "AUTHENTICATE PLAIN after the continuation")
    r.close()
    r = Raw(slot.ports["imap"])
    r.send("c1 AUTHENTICATE PLAIN\r\n")
    r.line()
    r.send("*\r\n")
    check(tagged(r.until_tag("c1")) == "BAD", "AUTHENTICATE cancelled")
    check(tagged(r.cmd("c2", "AUTHENTICATE PLAIN !!!")) == "BAD",
          "AUTHENTICATE with bad base64")
    check(tagged(r.cmd("c3", "AUTHENTICATE CRAM-MD5")) == "NO",
          "unsupported mechanism")
    r.close()

    # imaplib's own LOGIN and literals for the password.
    m = imaplib.IMAP4("127.0.0.1", slot.ports["imap"], timeout=10)
    m.login("alice", "alice pw")
    check(m.state == "AUTH", "imaplib LOGIN with a space in the password")
    m.logout()


def test_misc(m):
    data = ok(m.xatom("ID", '("name" "test")'), "ID")
    check(b"slotd" in m.untagged_responses.get("ID", [b""])[0],
          "ID answers with the server's name")
    typ, data = m._simple_command("ENABLE", "CONDSTORE")
    check(typ == "OK" and m.untagged_responses.pop("ENABLED", [b""])[0] ==
          b"CONDSTORE", "ENABLE CONDSTORE")
    data = ok(m.namespace(), "NAMESPACE")
    check(data[0] == b'(("" "/")) NIL NIL', "NAMESPACE: personal, '/'")
    typ, data = m.getquotaroot("INBOX")
    check(typ == "OK" and data[0] == [b'INBOX ""'],
          "GETQUOTAROOT INBOX names the root")
    check(data[1] and data[1][0].startswith(b'"" (STORAGE 1 1000)'),
          "QUOTA: usage and limit in KiB")
    typ, data = m.getquota('""')
    check(typ == "OK" and data[0].startswith(b'"" (STORAGE'),
          "GETQUOTA \"\"")
    no(m.getquota, "GETQUOTA of an unknown root", "other")
    big = b"Subject: big\r\n\r\n" + b"q" * 600000 + b"\r\n"
    typ, data = m.append("Drafts", None, None, big)
    check(typ == "OK", "APPEND within the quota")
    typ, data = m.append("Drafts", None, None, big)
    check(typ == "NO" and b"[OVERQUOTA]" in data[0],
          "APPEND over the quota: NO [OVERQUOTA]")
    typ, data = m.getquota('""')
    used = (sum(map(len, DELIVERED)) + len(big) + 1023) // 1024
    check(typ == "OK" and
          data[0].startswith(b'"" (STORAGE %d 1000)' % used),
          "QUOTA counts the appended message (%r)" % data[0])


def list_ext(m, *args):
    typ, data = m._simple_command("LIST", *args)
    check(typ == "OK", "LIST %s" % " ".join(args))
    lists = m.untagged_responses.pop("LIST", [])
    status = m.untagged_responses.pop("STATUS", [])
    return [d.decode() for d in lists if d], \
        [d.decode() for d in status if d]


def test_list_extended(m):
    """RFC 5258 LIST-EXTENDED and RFC 5819 LIST-STATUS."""
    ok(m.subscribe("Ghost/Child"), "SUBSCRIBE a mailbox that does not exist")
    lists, _ = list_ext(m, "(SUBSCRIBED)", '""', "*")
    check(any(l.startswith("(\\NonExistent") and "Ghost/Child" in l
              for l in lists), "LIST (SUBSCRIBED): \\NonExistent")
    check(all("\\Subscribed" in l for l in lists),
          "LIST (SUBSCRIBED): every one \\Subscribed")
    check(not any(l.endswith(" Job") for l in lists),
          "LIST (SUBSCRIBED): unsubscribed mailboxes left out")
    lists, _ = list_ext(m, "(SUBSCRIBED RECURSIVEMATCH)", '""', "%")
    check(any('"Ghost" ("CHILDINFO" ("SUBSCRIBED"))' in l or
              'Ghost ("CHILDINFO" ("SUBSCRIBED"))' in l for l in lists),
          "RECURSIVEMATCH: CHILDINFO of the parent")
    no(m._simple_command, "RECURSIVEMATCH alone is BAD", "LIST",
       "(RECURSIVEMATCH)", '""', "*")
    lists, status = list_ext(m, '""', '(INBOX Sent)', "RETURN",
                             "(SUBSCRIBED STATUS (MESSAGES UNSEEN))")
    check(len(lists) == 2 and all("\\Subscribed" in l for l in lists),
          "LIST with two patterns, RETURN (SUBSCRIBED)")
    check(any(s.startswith("INBOX (MESSAGES 2 UNSEEN 2)") for s in status)
          and any(s.startswith("Sent (MESSAGES 0 UNSEEN 0)")
                  for s in status), "LIST-STATUS: STATUS per mailbox")
    ok(m.unsubscribe("Ghost/Child"), "UNSUBSCRIBE it again")


def test_mailboxes(m):
    boxes = list_names(m, '""', "*")
    check(set(boxes) == {"INBOX", "Sent", "Drafts", "Trash", "Junk",
                         "Archive"}, "new user: INBOX and special-use")
    check("\\Sent" in boxes["Sent"] and "\\Trash" in boxes["Trash"] and
          "\\Drafts" in boxes["Drafts"] and "\\Junk" in boxes["Junk"] and
          "\\Archive" in boxes["Archive"], "SPECIAL-USE attributes")
    check("\\HasNoChildren" in boxes["INBOX"], "CHILDREN: \\HasNoChildren")
    typ, data = m._simple_command("LIST", "(SPECIAL-USE)", '""', "*")
    data = m._untagged_response(typ, data, "LIST")[1]
    check(typ == "OK" and len(data) == 5 and
          not any(b"INBOX" in d for d in data),
          "LIST (SPECIAL-USE) selects only special-use mailboxes")

    ok(m.create("Work"), "CREATE Work")
    ok(m.create("Work/2026/"), "CREATE Work/2026/ (trailing separator)")
    ok(m.create("Caf&AOk-"), "CREATE a modified UTF-7 name")
    no(m.create, "CREATE an existing mailbox", "Work")
    no(m.create, "CREATE INBOX", "inbox")
    no(m.create, "CREATE with '..'", "Work/../x")
    no(m.create, "CREATE with an empty component", "a//b")
    no(m.create, "CREATE with a bad UTF-7 name", "Caf&AOk")
    no(m.create, "CREATE with a wildcard", "a*b")
    typ, data = m._simple_command("CREATE", "Outbox", "(USE (\\Sent))")
    check(typ == "OK", "CREATE with (USE (\\Sent))")
    typ, data = m._simple_command("CREATE", "Bad", "(USE (\\Bogus))")
    check(typ == "NO" and b"USEATTR" in data[0],
          "CREATE with an unknown USE: NO [USEATTR]")
    boxes = list_names(m, '""', "*")
    check("\\Sent" in boxes["Outbox"], "the new mailbox is \\Sent")
    ok(m.delete("Outbox"), "DELETE Outbox")
    check("\\HasChildren" in boxes["Work"], "CHILDREN: \\HasChildren")
    check("Work/2026" in boxes and "Caf&AOk-" in boxes,
          "LIST shows new mailboxes in modified UTF-7")
    check(set(list_names(m, '""', "%")) == {"INBOX", "Sent", "Drafts",
                                              "Trash", "Junk", "Archive",
                                              "Work", "Caf&AOk-"},
          "LIST %: only the top level")
    check(set(list_names(m, '"Work/"', "%")) == {"Work/2026"},
          "LIST with a reference")
    check(set(list_names(m, '""', "inbox")) == {"INBOX"},
          "LIST inbox: INBOX is case-insensitive")
    typ, data = m.list('""', '""')
    check(data[0] == b'(\\Noselect) "/" ""', 'LIST "" "": the separator')

    ok(m.rename("Work", "Job"), "RENAME Work Job")
    boxes = list_names(m, '""', "*")
    check("Job/2026" in boxes and "Work" not in boxes,
          "RENAME moves the children")
    no(m.rename, "RENAME of a missing mailbox", "Nope", "X")
    no(m.rename, "RENAME onto an existing one", "Job", "Sent")

    test_list_extended(m)
    ok(m.subscribe("Job"), "SUBSCRIBE Job")
    typ, data = m.lsub('""', "*")
    names = {d.decode().rsplit(" ", 1)[1].strip('"') for d in data}
    check("Job" in names and "INBOX" in names, "LSUB lists subscriptions")
    ok(m.unsubscribe("Job"), "UNSUBSCRIBE Job")
    typ, data = m.lsub('""', "Jo*")
    check(data == [None], "UNSUBSCRIBE removed it %r" % data)

    ok(m.delete("Job/2026"), "DELETE Job/2026")
    no(m.delete, "DELETE INBOX", "INBOX")
    no(m.delete, "DELETE of a missing mailbox", "Nope")
    # Another user's mailboxes are not reachable by any name.
    for name in ("alice", "alice/INBOX", "../alice/INBOX", "/alice",
                 "~alice/INBOX"):
        no(m.select, "SELECT %s is refused" % name, name)
        no(m.status, "STATUS %s is refused" % name, name, "(MESSAGES)")

    data = ok(m.status("INBOX", "(MESSAGES UNSEEN UIDNEXT UIDVALIDITY "
                       "HIGHESTMODSEQ RECENT)"), "STATUS INBOX")
    check(b"MESSAGES 2" in data[0] and b"UNSEEN 2" in data[0] and
          b"UIDNEXT 3" in data[0], "STATUS counts the delivered mail")
    no(m.status, "STATUS with an unknown item", "INBOX", "(BOGUS)")


def test_limits(slot):
    r = Raw(slot.ports["imap"])
    # Before login a literal over 8 KiB is refused (a stranger's bytes).
    lines = r.cmd("k1", "LOGIN bob {100000}")
    check(lines[-1].startswith("k1 BAD") and "too large" in lines[-1],
          "before login: a 100000-byte literal is refused")
    r.send("k2 LOGIN bob {10}\r\n")
    check(r.line().startswith("+"), "before login: a small literal is fine")
    r.send("bob-secret\r\n")
    check(r.until_tag("k2")[-1].startswith("k2 OK"), "LOGIN with a literal")
    r.close()
    r = Raw(slot.ports["imap"])
    r.cmd("l0", "LOGIN bob bob-secret")
    check(tagged(r.cmd("l1", "FOO")) == "BAD", "unknown command is BAD")
    check(tagged(r.cmd("l2", 'LOGIN "unterminated')) == "BAD",
          "syntax error is BAD, the session goes on")
    check(tagged(r.cmd("l3", "NOOP")) == "OK", "still usable after BAD")
    check(tagged(r.cmd("l3a", "NOOP extra")) == "BAD",
          "arguments to NOOP: BAD")
    check(r.cmd("l3b", "a1")[-1] == "l3b BAD Unknown command",
          "a bare tag as command: BAD")
    # A synchronizing literal over max_message_size is refused before
    # any byte is sent; the session goes on.
    lines = r.cmd("l4", "APPEND INBOX {999999999}")
    check(lines[-1].startswith("l4 BAD") or lines[-1].startswith("l4 NO"),
          "too large literal refused")
    check(tagged(r.cmd("l5", "NOOP")) == "OK", "still usable after it")
    r.close()
    # max_login_failures (3) wrong passwords end the session.
    r = Raw(slot.ports["imap"])
    for i in range(2):
        check(tagged(r.cmd("f%d" % i, "LOGIN bob nope")) == "NO",
              "failed login %d: NO" % (i + 1))
    r.send("f2 LOGIN bob nope\r\n")
    lines = [r.line(), r.line()]
    check(lines[0].startswith("f2 NO") and lines[1].startswith("* BYE"),
          "third failed login: NO, then BYE")
    check(r.closed(), "and the connection is closed")
    r.close()
    r = Raw(slot.ports["imap"])
    r.cmd("l0", "LOGIN bob bob-secret")
    # A command line over the limit ends the session with BYE.
    r.send("l6 NOOP " + "x" * (70 * 1024) + "\r\n")
    l = r.line()
    check(l.startswith("* BYE"), "line too long: BYE (%s)" % l[:40])
    check(r.closed(), "line too long: connection closed")
    r.close()


def test_garbage(slot):
    """Random commands made of IMAP tokens: every one gets a tagged reply
    (or BYE), and the server keeps serving. Fixed seed, bounded count."""
    import random
    rnd = random.Random(6)
    cmds = ["FETCH", "UID FETCH", "STORE", "UID STORE", "SEARCH", "COPY",
            "MOVE", "UID EXPUNGE", "SELECT", "EXAMINE", "LIST", "LSUB",
            "STATUS", "APPEND", "CREATE", "RENAME", "ENABLE", "ID",
            "GETQUOTAROOT", "CLOSE", "UNSELECT", "EXPUNGE", "NOOP"]
    toks = ["1", "*", "1:*", "2,4:7", "0", "4294967295", "INBOX", '""',
            "()", "(FLAGS)", "(BODY[1.2.3]<0.5>)", "BODY[HEADER.FIELDS ()]",
            "(BODY.PEEK[TEXT]<9999999999.1>)", "+FLAGS", "(\\Seen $x)",
            "(UNCHANGEDSINCE 1)", "(CHANGEDSINCE 0)", "NOT", "OR", "ALL",
            "SUBJECT", "x", "CHARSET", "((((", "))", "NIL", "{3+}\r\nabc",
            "\"a\\\"b\"", "&AOk-", "&Jjo", "a/b/..", "(USE (\\Sent))",
            "RETURN", "(STATUS (MESSAGES))", "UID", "1:2:3", "-1", "~"]
    r = Raw(slot.ports["imap"])
    r.cmd("g0", "LOGIN bob bob-secret")
    r.cmd("g1", "SELECT INBOX")
    for i in range(400):
        words = [rnd.choice(toks) for _ in range(rnd.randint(0, 5))]
        tag = "g%d" % (i + 2)
        r.send("%s %s %s\r\n" % (tag, rnd.choice(cmds), " ".join(words)))
        while True:
            l = r.line()
            if l.startswith(tag + " ") or l.startswith("* BYE"):
                break
            if not l and r.eof_seen():
                fail("connection lost at command %d" % i)
        if l.startswith("* BYE"):
            r.close()
            r = Raw(slot.ports["imap"])
            r.cmd("g0", "LOGIN bob bob-secret")
            r.cmd("g1", "SELECT INBOX")
    check(tagged(r.cmd("gz", "NOOP")) == "OK",
          "400 random commands: every one answered, still serving")
    r.close()


def test_policy(slot):
    """plaintext_auth = tls: no password in clear, even on loopback; but
    after STARTTLS, and on imaps, yes."""
    slot.stop()
    slot.make_cert()
    slot.start(services=("lmtp", "imap", "imaps"), plaintext_auth="tls")
    r = Raw(slot.ports["imap"])
    check("LOGINDISABLED" in r.greeting and "AUTH=PLAIN" not in r.greeting,
          "policy tls: LOGINDISABLED, no AUTH=PLAIN")
    lines = r.cmd("p1", "LOGIN bob bob-secret")
    check(lines[-1].startswith("p1 NO [PRIVACYREQUIRED]"),
          "policy tls: LOGIN refused")
    ir = base64.b64encode(b"\0bob\0bob-secret").decode()
    check(tagged(r.cmd("p2", "AUTHENTICATE PLAIN " + ir)) == "NO",
          "policy tls: AUTHENTICATE PLAIN refused")
    check("STARTTLS" in r.cmd("p3", "CAPABILITY")[0],
          "STARTTLS offered before TLS")
    r.close()

    ctx = tls_client_context()
    m = imaplib.IMAP4("127.0.0.1", slot.ports["imap"], timeout=10)
    m.starttls(ctx)
    check("STARTTLS" not in m.capabilities and
          "AUTH=PLAIN" in m.capabilities, "after STARTTLS: AUTH=PLAIN")
    m.login("bob", "bob-secret")
    typ, data = m.select("INBOX")
    check(typ == "OK" and data == [b"2"], "STARTTLS, LOGIN, SELECT")
    m.logout()
    m = imaplib.IMAP4_SSL("127.0.0.1", slot.ports["imaps"],
                          ssl_context=ctx, timeout=10)
    m.login("alice", "alice pw")
    typ, data = m.noop()
    check(typ == "OK", "imaps: implicit TLS, LOGIN, NOOP")
    m.logout()

    # Without a delay a failed LOGIN is answered at once.
    slot.stop()
    slot.start(services=("lmtp", "imap", "imaps"), plaintext_auth="tls",
               login_fail_delay="0")
    m = imaplib.IMAP4_SSL("127.0.0.1", slot.ports["imaps"],
                          ssl_context=ctx, timeout=10)
    no(m.login, "LOGIN with a wrong password, no delay", "bob", "nope")
    m.login("bob", "bob-secret")
    check(m.state == "AUTH", "then the right one")
    m.logout()


def main():
    slot = start_slot(max_message_size="1m")
    try:
        slotctl("setquota", slot.dir, "bob", 1024000)
        deliver(slot, "bob", DELIVERED)
        test_auth(slot)
        m = login(slot)
        test_misc(m)
        test_mailboxes(m)
        m.logout()
        test_limits(slot)
        test_garbage(slot)
        test_policy(slot)
        slot.stop()
    except SystemExit:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


if __name__ == "__main__":
    run(main)
