# SPDX-License-Identifier: GPL-2.0
"""Shared helpers for the slotd integration tests (not a test itself).

A test makes a temporary slot with slotctl, writes its slot.conf with free
loopback ports, starts `slotd -f`, waits until every port accepts, talks
to it, and stops it with SIGTERM (expecting a clean exit). Every wait is a
polled condition with a deadline.
"""
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..",
                                    ".."))
O = os.environ.get("O", "build")
BUILD = O if os.path.isabs(O) else os.path.join(ROOT, O)
SLOTD = os.path.join(BUILD, "bin", "slotd")
SLOTCTL = os.path.join(BUILD, "bin", "slotctl")

SKIP = 77


def skip(why):
    print("SKIP:", why)
    sys.exit(SKIP)


def fail(why):
    print("FAIL:", why)
    sys.exit(1)


def check(cond, what):
    if not cond:
        fail(what)
    print("ok:", what)


def free_port():
    """A port nobody listens on now (the kernel picks it)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.02)
    fail("timed out waiting for " + what)


def slotctl(*args, stdin=None, check_rc=True):
    r = subprocess.run([SLOTCTL] + [str(a) for a in args], input=stdin,
                       capture_output=True, text=True, timeout=60)
    if check_rc and r.returncode != 0:
        fail("slotctl %s: exit %d: %s%s" % (" ".join(map(str, args)),
             r.returncode, r.stdout, r.stderr))
    return r


class Slot:
    """A temporary slot directory with users, and its slotd."""

    def __init__(self, users=None, quota=None):
        for prog in (SLOTD, SLOTCTL):
            if not os.access(prog, os.X_OK):
                skip("%s not built" % prog)
        self.tmp = tempfile.mkdtemp(prefix="slotd-test-")
        self.dir = os.path.join(self.tmp, "slot")
        self.proc = None
        self.log_path = os.path.join(self.tmp, "slotd.log")
        self.log = None
        self.ports = {}
        self.extra = {}
        slotctl("create", self.dir)
        self.users = users or {"bob": "bob-secret", "alice": "alice pw"}
        for user, pw in self.users.items():
            slotctl("adduser", self.dir, user, stdin=pw + "\n")
        if quota:
            for user, q in quota.items():
                slotctl("setquota", self.dir, user, q)

    def make_cert(self):
        """A self-signed certificate made with the openssl CLI."""
        cert = os.path.join(self.tmp, "cert.pem")
        key = os.path.join(self.tmp, "key.pem")
        r = subprocess.run(["openssl", "req", "-x509", "-newkey",
                            "rsa:2048", "-nodes", "-keyout", key, "-out",
                            cert, "-days", "2", "-subj", "/CN=localhost"],
                           capture_output=True, timeout=60)
        if r.returncode:
            skip("openssl cannot make a certificate")
        self.extra["tls_cert"] = cert
        self.extra["tls_key"] = key
        return cert

    def write_conf(self, services=("lmtp", "pop3"), **settings):
        for svc in services:
            if svc not in self.ports:
                self.ports[svc] = free_port()
        lines = ["# written by %s" % os.path.basename(sys.argv[0])]
        for svc, port in self.ports.items():
            lines.append("%s = 127.0.0.1:%d" % (svc, port))
        conf = dict(self.extra)
        conf.update(settings)
        for k, v in conf.items():
            lines.append("%s = %s" % (k, v))
        with open(os.path.join(self.dir, "slot.conf"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def port_open(self, port):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            return False

    def start(self, services=("lmtp", "pop3"), **settings):
        self.write_conf(services, **settings)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([SLOTD, "-f", "-v", self.dir],
                                     stdout=self.log, stderr=self.log)

        def up():
            if self.proc.poll() is not None:
                self.dump_log()
                fail("slotd exited with %d at start" % self.proc.returncode)
            # Our process must say it serves (a dying predecessor's
            # socket may still accept for a moment), then every port.
            if "(pid %d)" % self.proc.pid not in self.log_text():
                return False
            return all(self.port_open(p) for p in self.ports.values())
        wait_for(up, 15, "slotd to listen")

    def stop(self, expect_rc=0):
        """SIGTERM, then the exit code must be clean."""
        if not self.proc:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.dump_log()
            fail("slotd did not stop within 20 s of SIGTERM")
        self.proc = None
        if rc != expect_rc:
            self.dump_log()
            fail("slotd exited with %d after SIGTERM" % rc)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(20)
        self.proc = None

    def signal(self, sig):
        self.proc.send_signal(sig)

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def dump_log(self):
        print("---- slotd log ----")
        print(self.log_text()[-6000:])
        print("-------------------")

    def cleanup(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait(20)
        if self.log:
            self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def audit(self):
        return slotctl("audit", self.dir, check_rc=False)


def tls_client_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class Line:
    """A raw line-oriented client, to see every reply exactly."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.f = self.sock.makefile("rb")

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def line(self):
        return self.f.readline().decode(errors="replace").rstrip("\r\n")

    def cmd(self, text):
        self.send(text + "\r\n")
        return self.line()

    def closed(self):
        """True if the server closed the connection (EOF)."""
        try:
            return self.f.read(1) == b""
        except (ConnectionResetError, socket.timeout):
            return False

    def close(self):
        # The file object holds the socket open too: close both.
        self.f.close()
        self.sock.close()


def run(main):
    """Run main(), turning exceptions into a failure with the log."""
    try:
        main()
    except SystemExit:
        raise
    except BaseException:
        import traceback
        traceback.print_exc()
        sys.exit(1)
    print("PASS")
    sys.exit(0)
