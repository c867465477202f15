#!/usr/bin/env python3
"""Watch an interface for gratuitous ARP about one address.

  arp-watch.py IFNAME IPV4 SECONDS

Prints "request MAC" and "reply MAC" lines for ARP packets whose sender
address is IPV4, and exits 0 once both were seen, 1 after SECONDS.
"""
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    ifname, ip, seconds = argv[1], socket.inet_aton(argv[2]), float(argv[3])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ARP))
    s.bind((ifname, 0))
    s.settimeout(0.2)
    print("ready", flush=True)
    seen = set()
    end = time.monotonic() + seconds
    while time.monotonic() < end and len(seen) < 2:
        try:
            frame = s.recv(2048)
        except socket.timeout:
            continue
        arp = frame[14:]
        if len(arp) < 28:
            continue
        op = struct.unpack("!H", arp[6:8])[0]
        sha, spa, tpa = arp[8:14], arp[14:18], arp[24:28]
        if spa != ip or tpa != ip or op not in (1, 2):
            continue
        kind = "request" if op == 1 else "reply"
        if kind not in seen:
            seen.add(kind)
            print(kind, sha.hex(":"), flush=True)
    return 0 if len(seen) == 2 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
