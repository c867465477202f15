#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""slotd's life cycle: start-up errors, SIGHUP reload (listeners added and
removed, a bad file keeps the running config), SIGTERM graceful stop
(idle sessions told, a delivery in flight answered, exit 0)."""
import os
import poplib
import signal
import smtplib
import socket
import subprocess
import sys

sys.dont_write_bytecode = True    # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from slotd_harness import (SLOTD, Slot, Line, check, free_port, run,  # noqa
                           wait_for)


def slotd_rc(*args):
    r = subprocess.run([SLOTD] + list(args), capture_output=True, text=True,
                       timeout=20)
    return r.returncode, r.stdout + r.stderr


def daemon_of(pid, slot_dir):
    """Is pid a slotd serving slot_dir (found through /proc)?"""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            args = f.read().split(b"\0")
    except OSError:
        return False
    return (len(args) > 1 and args[0].endswith(b"slotd") and
            slot_dir.encode() in args)


def main():
    slot = Slot()
    try:
        # Start-up errors are clear and fatal.
        rc, out = slotd_rc("-h")
        check(rc == 0 and "usage: slotd" in out, "-h prints usage")
        rc, out = slotd_rc()
        check(rc == 2, "no DIR: usage error")
        slot.write_conf(bogus_key="1")
        rc, out = slotd_rc("-f", slot.dir)
        check(rc == 1 and "slot.conf:" in out and "unknown key 'bogus_key'"
              in out, "bad key: exit 1 naming file, line and key: %s" %
              out.strip())
        slot.write_conf(services=("pop3s",))
        rc, out = slotd_rc("-f", slot.dir)
        check(rc == 1 and "pop3s needs tls_cert" in out,
              "pop3s without a certificate refused")
        del slot.ports["pop3s"]
        alt = os.path.join(slot.tmp, "other.conf")
        with open(alt, "w") as f:
            f.write("lmtp = 127.0.0.1:%d\n" % free_port())
        os.unlink(os.path.join(slot.dir, "slot.conf"))
        rc, out = slotd_rc("-f", "-c", "/nonexistent/x.conf", slot.dir)
        check(rc == 1 and "/nonexistent/x.conf" in out,
              "missing -c file named in the error")

        # Without -f: the command returns once the daemon serves.
        slot.write_conf()
        rc, out = slotd_rc(slot.dir)
        check(rc == 0, "daemon start returns 0 (%s)" % out.strip())
        check(slot.port_open(slot.ports["pop3"]), "the daemon serves")
        pids = [int(d) for d in os.listdir("/proc") if d.isdigit() and
                daemon_of(int(d), slot.dir)]
        check(len(pids) == 1, "one daemon process for the slot")
        os.kill(pids[0], signal.SIGTERM)
        wait_for(lambda: not os.path.exists("/proc/%d" % pids[0]) or
                 not daemon_of(pids[0], slot.dir), 20, "the daemon to stop")
        print("ok: the daemon stopped on SIGTERM")
        with open(alt, "w") as f:
            f.write("lmtp = 127.0.0.1:%d\nmax_line = 3\n" % free_port())
        rc, out = slotd_rc("-c", alt, slot.dir)
        check(rc == 1 and "max_line" in out,
              "daemon start with a bad file: exit 1, error on stderr")

        slot.start()
        # SIGHUP: add a pop3 listener, drop lmtp.
        lmtp_port = slot.ports.pop("lmtp")
        slot.ports["pop3_2"] = free_port()
        p2 = slot.ports.pop("pop3_2")
        slot.write_conf(services=("pop3",))
        with open(os.path.join(slot.dir, "slot.conf"), "a") as f:
            f.write("pop3 = 127.0.0.1:%d, [::1]:%d\n" %
                    (slot.ports["pop3"], p2))
        # write_conf wrote pop3 once already; the later line wins.
        slot.signal(signal.SIGHUP)
        def v6_open():
            try:
                socket.create_connection(("::1", p2), 0.2).close()
                return True
            except OSError:
                return False
        wait_for(v6_open, 10, "the new listener on [::1]")
        p = poplib.POP3("::1", p2, timeout=10)
        p.user("bob")
        p.pass_(slot.users["bob"])
        p.quit()
        print("ok: POP3 login over IPv6 loopback")
        wait_for(lambda: not slot.port_open(lmtp_port), 10,
                 "lmtp to stop listening")
        check(slot.port_open(slot.ports["pop3"]), "kept listener still up")
        print("ok: SIGHUP added and removed listeners")
        # A broken file on SIGHUP: logged, old config kept.
        with open(os.path.join(slot.dir, "slot.conf"), "a") as f:
            f.write("max_line = nonsense\n")
        slot.signal(signal.SIGHUP)
        wait_for(lambda: "keeping the running configuration" in
                 slot.log_text(), 10, "the reload error")
        check(v6_open(), "still serving after a bad reload")
        slot.stop()

        # SIGTERM: idle sessions are told, deliveries are answered.
        slot.ports = {}
        slot.start()
        idle = Line(slot.ports["pop3"])
        idle.line()
        l = smtplib.LMTP("127.0.0.1", slot.ports["lmtp"], timeout=10)
        l.ehlo("x")
        l.mail("a@b")
        l.rcpt("bob")
        l.docmd("DATA")
        msg = b"Subject: in flight\r\n\r\n" + b"x" * 100000 + b"\r\n"
        l.send(msg + b".\r\n")
        slot.signal(signal.SIGTERM)
        code, text = l.getreply()
        check(code in (250, 421), "delivery answered %d at shutdown" % code)
        check(idle.line().startswith("-ERR [SYS/TEMP] Server shutting"),
              "idle POP3 session told about the shutdown")
        check(slot.proc.wait(20) == 0, "slotd exited 0 after SIGTERM")
        slot.proc = None
        check("stopping" in slot.log_text(), "stop logged")
        slot.start()
        p = poplib.POP3("127.0.0.1", slot.ports["pop3"], timeout=10)
        p.user("bob")
        p.pass_(slot.users["bob"])
        n = p.stat()[0]
        check(n == (1 if code == 250 else 0),
              "the message is stored exactly when it was acknowledged")
        p.quit()

        # Once the final dot is in, SIGTERM must not cost the answer.
        l = smtplib.LMTP("127.0.0.1", slot.ports["lmtp"], timeout=10)
        l.ehlo("x")
        l.mail("a@b")
        l.rcpt("bob")
        l.rcpt("alice")
        l.docmd("DATA")
        commits = slot.log_text().count("data -> commit")
        l.send(msg + b".\r\n")
        wait_for(lambda: slot.log_text().count("data -> commit") > commits,
                 10, "the final dot to be read")
        slot.signal(signal.SIGTERM)
        replies = [l.getreply()[0] for _ in range(3)]
        check(replies == [250, 250, 421],
              "dot read before SIGTERM: 250 per recipient, then 421 (%s)" %
              replies)
        check(slot.proc.wait(20) == 0, "slotd exited 0")
        slot.proc = None
        slot.start()
        p = poplib.POP3("127.0.0.1", slot.ports["pop3"], timeout=10)
        p.user("alice")
        p.pass_(slot.users["alice"])
        check(p.stat()[0] == 1, "the delivery finished during the stop")
        p.quit()
        slot.stop()
    except BaseException:
        slot.dump_log()
        raise
    finally:
        slot.cleanup()


run(main)
