#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TLS in slotd: POP3 STLS, implicit TLS (pop3s), LMTP STARTTLS, TLS 1.2+
only, the plaintext_auth policy, and SIGHUP reloading the certificate."""
import os
import poplib
import signal
import smtplib
import socket
import ssl
import sys

sys.dont_write_bytecode = True    # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from slotd_harness import (Slot, Line, check, run, tls_client_context,  # noqa
                           wait_for)

MSG = b"Subject: tls\r\n\r\n.dotted\r\nsecret body\r\n"


def main():
    slot = Slot()
    try:
        cert = slot.make_cert()
        slot.start(services=("lmtp", "pop3", "pop3s"),
                   plaintext_auth="tls")
        ctx = tls_client_context()

        # LMTP STARTTLS, then deliver inside TLS.
        l = smtplib.LMTP("127.0.0.1", slot.ports["lmtp"], timeout=10)
        l.ehlo("x")
        check(l.has_extn("starttls"), "LHLO offers STARTTLS")
        code, _ = l.starttls(context=ctx)
        check(code == 220, "STARTTLS 220")
        l.ehlo("x")
        check(not l.has_extn("starttls"), "no STARTTLS inside TLS")
        check(l.sendmail("a@b", ["bob"], MSG) == {}, "delivery over TLS")
        # Large enough for many TLS records per receive, and pipelined.
        big = b"Subject: big tls\r\n\r\n" + b"".join(
            b".%d-%s\r\n" % (i, b"t" * (i % 300)) for i in range(20000))
        check(l.sendmail("a@b", ["alice"], big) == {},
              "%d-byte delivery over TLS" % len(big))
        l.quit()

        # Policy tls: no plaintext password even from loopback.
        p = poplib.POP3("127.0.0.1", slot.ports["pop3"], timeout=10)
        caps = p.capa()
        check("STLS" in caps and "USER" not in caps and "SASL" not in caps,
              "CAPA before STLS: STLS, no USER/SASL (%s)" % list(caps))
        try:
            p.user("bob")
            check(False, "USER refused without TLS")
        except poplib.error_proto as e:
            check(b"[AUTH]" in e.args[0], "USER refused without TLS: %s" %
                  e.args[0])
        try:
            p._shortcmd("AUTH PLAIN AGJvYgBib2Itc2VjcmV0")
            check(False, "AUTH PLAIN refused without TLS")
        except poplib.error_proto:
            print("ok: AUTH PLAIN refused without TLS")
        p.stls(context=ctx)
        caps = p.capa()
        check("USER" in caps and "STLS" not in caps,
              "CAPA after STLS: USER, no STLS")
        p.user("bob")
        p.pass_(slot.users["bob"])
        _, lines, _ = p.retr(1)
        check(b"".join(x + b"\r\n" for x in lines) == MSG,
              "RETR over STLS byte-exact")
        p.quit()

        # Command injection: bytes sent after STLS in clear are dropped.
        c = Line(slot.ports["pop3"])
        c.line()
        c.send("STLS\r\nUSER bob\r\n")
        check(c.line().startswith("+OK"), "STLS +OK")
        tls = ctx.wrap_socket(c.sock, server_hostname="localhost")
        tls.sendall(b"NOOP\r\n")
        got = tls.recv(100)
        check(got.startswith(b"-ERR"),
              "pipelined clear-text USER was not executed (%r)" % got)
        tls.close()

        p = poplib.POP3_SSL("127.0.0.1", slot.ports["pop3s"], context=ctx,
                            timeout=10)
        p.user("alice")
        p.pass_(slot.users["alice"])
        _, lines, _ = p.retr(1)
        check(b"".join(x + b"\r\n" for x in lines) == big,
              "large message byte-exact over pop3s")
        p.quit()

        # Implicit TLS.
        p = poplib.POP3_SSL("127.0.0.1", slot.ports["pop3s"], context=ctx,
                            timeout=10)
        check(p.getwelcome().startswith(b"+OK"), "pop3s greeting in TLS")
        p.user("bob")
        p.pass_(slot.users["bob"])
        check(p.stat()[0] == 1, "pop3s login and STAT")
        p.quit()

        # TLS 1.1 is refused.
        old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        old.check_hostname = False
        old.verify_mode = ssl.CERT_NONE
        try:
            old.minimum_version = ssl.TLSVersion.TLSv1_1
            old.maximum_version = ssl.TLSVersion.TLSv1_1
            s = socket.create_connection(("127.0.0.1", slot.ports["pop3s"]),
                                         10)
            try:
                old.wrap_socket(s)
                check(False, "TLS 1.1 handshake refused")
            except (ssl.SSLError, OSError):
                print("ok: TLS 1.1 handshake refused")
            s.close()
        except ValueError:
            print("skip: this Python cannot offer TLS 1.1")

        # A broken handshake does not disturb others.
        s = socket.create_connection(("127.0.0.1", slot.ports["pop3s"]), 10)
        s.sendall(b"this is not TLS\r\n" * 10)
        s.recv(100)
        s.close()
        p = poplib.POP3_SSL("127.0.0.1", slot.ports["pop3s"], context=ctx,
                            timeout=10)
        check(p.getwelcome().startswith(b"+OK"),
              "pop3s still serves after a garbage handshake")
        p.quit()

        # SIGHUP reloads the certificate: a new one is served afterwards.
        old_der = ssl.PEM_cert_to_DER_cert(open(cert).read())
        slot.make_cert()
        slot.signal(signal.SIGHUP)

        def new_cert():
            s = ctx.wrap_socket(socket.create_connection(
                ("127.0.0.1", slot.ports["pop3s"]), 10))
            der = s.getpeercert(binary_form=True)
            s.close()
            return der != old_der
        wait_for(new_cert, 10, "the new certificate after SIGHUP")
        print("ok: SIGHUP reloaded the certificate")
        check("reloaded" in slot.log_text(), "reload logged")
        slot.stop()
    except BaseException:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


run(main)
