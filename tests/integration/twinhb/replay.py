#!/usr/bin/env python3
"""Capture and replay twinhb heartbeats on loopback (root only).

  replay.py capture SRCPORT DSTPORT COUNT FILE   sniff lo, save COUNT payloads
  replay.py send SRCPORT DSTPORT FILE SECONDS [tamper]
      send the saved payloads from 127.0.0.1:SRCPORT (spoofed with a raw
      socket, so it works while the real sender holds the port) to
      127.0.0.1:DSTPORT, again and again for SECONDS; with "tamper", one
      byte of each payload is flipped first.
"""
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def capture(sport, dport, count, path, timeout=10.0):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind(("lo", 0))
    s.settimeout(0.5)
    seen = []
    end = time.monotonic() + timeout
    while len(seen) < count and time.monotonic() < end:
        try:
            frame, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == PACKET_OUTGOING or len(frame) < 14 + 20 + 8:
            continue
        if struct.unpack("!H", frame[12:14])[0] != 0x0800:
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 17:
            continue
        sp, dp = struct.unpack("!HH", ip[ihl:ihl + 4])
        if (sp, dp) != (sport, dport):
            continue
        payload = ip[ihl + 8:]
        if payload not in seen:
            seen.append(payload)
    with open(path, "w") as f:
        for p in seen:
            f.write(p.hex() + "\n")
    print(len(seen))
    return 0 if len(seen) == count else 1


def send(sport, dport, path, seconds, tamper):
    payloads = [bytes.fromhex(line) for line in open(path) if line.strip()]
    if tamper:
        payloads = [p[:20] + bytes([p[20] ^ 0x01]) + p[21:] for p in payloads]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    src = socket.inet_aton("127.0.0.1")
    sent = 0
    end = time.monotonic() + seconds
    while True:
        for p in payloads:
            udp = struct.pack("!HHHH", sport, dport, 8 + len(p), 0) + p
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0,
                             0, 64, 17, 0, src, src)
            s.sendto(ip + udp, ("127.0.0.1", 0))
            sent += 1
        if time.monotonic() >= end:
            break
        time.sleep(0.05)
    print(sent)
    return 0


def main(argv):
    if len(argv) == 6 and argv[1] == "capture":
        return capture(int(argv[2]), int(argv[3]), int(argv[4]), argv[5])
    if len(argv) in (6, 7) and argv[1] == "send":
        return send(int(argv[2]), int(argv[3]), argv[4], float(argv[5]),
                    len(argv) == 7 and argv[6] == "tamper")
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
