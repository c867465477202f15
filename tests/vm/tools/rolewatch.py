#!/usr/bin/env python3
"""Watch the twin role of the storage nodes every 100 ms from the host.

  rolewatch.py serve PORT STATUSFILE       (in a guest) answer each TCP
      connection with the "role:" line of the twin debugfs status file
  rolewatch.py watch SECONDS LOG ADDR:PORT...   (on the host) ask every
      node every 100 ms, log "EPOCH_MS role1 role2 ...", and exit 1 if at
      any sample more than one node answered Primary

A node that does not answer (cut off, powered off) counts as "-": the
watcher reaches the nodes over the host's own links, which a partition
between the nodes leaves intact.
"""
import socket
import socketserver
import sys
import time


def serve(port, status):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            role = "Unconfigured"
            try:
                with open(status) as f:
                    for line in f:
                        if line.startswith("role:"):
                            role = line.split()[1]
            except OSError:
                pass
            self.request.sendall(role.encode() + b"\n")

    socketserver.TCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("0.0.0.0", port), Handler) as s:
        s.serve_forever()


def ask(addr):
    host, port = addr.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=0.08) as c:
            return c.recv(64).decode().strip() or "-"
    except OSError:
        return "-"


def watch(seconds, log, addrs):
    end = time.time() + seconds
    both = 0
    samples = 0
    with open(log, "w") as out:
        while time.time() < end:
            t = time.time()
            roles = [ask(a) for a in addrs]
            samples += 1
            if roles.count("Primary") > 1:
                both += 1
            out.write("%d %s\n" % (int(t * 1000), " ".join(roles)))
            out.flush()
            time.sleep(max(0.0, 0.1 - (time.time() - t)))
    print("rolewatch: %d samples, %d with two Primaries" % (samples, both))
    return 1 if both or not samples else 0


def main(argv):
    if len(argv) == 3 and argv[0] == "serve":
        serve(int(argv[1]), argv[2])
    elif len(argv) >= 4 and argv[0] == "watch":
        return watch(float(argv[1]), argv[2], argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
