#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""storm_sender.py - a broadcast storm: send broadcast frames out of one
interface as fast as a raw AF_PACKET socket allows, for a while

Usage: storm_sender.py IFNAME SECONDS SRC_IP DST_IP DST_PORT

Each frame goes to the Ethernet broadcast address, so a switch floods it
to every port, and carries one small UDP datagram from SRC_IP:40000 to
DST_IP:DST_PORT. With DST_IP the user-mode NAT's gateway (10.0.2.2) the
NAT takes each datagram and sends it to the host's loopback, one syscall
a frame: the storm loads the NAT as a real one does. Nothing leaves the
host. Prints how many frames were sent and how many sends failed.
"""
import socket
import struct
import sys
import time


def ip_checksum(header):
    """ip_checksum() - the IPv4 header checksum; Return: int"""
    s = sum(struct.unpack('!10H', header))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def storm_frame(mac, src_ip, dst_ip, dport):
    """storm_frame() - a broadcast frame with a UDP datagram; Return: bytes"""
    payload = b'storm' * 4
    udp = struct.pack('!HHHH', 40000, dport, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17,
                     0, socket.inet_aton(src_ip), socket.inet_aton(dst_ip))
    ip = ip[:10] + struct.pack('!H', ip_checksum(ip)) + ip[12:]
    return b'\xff' * 6 + mac + struct.pack('!H', 0x0800) + ip + udp


def main():
    """main() - send until the time is up; Return: exit status"""
    ifname, seconds, src_ip, dst_ip, dport = sys.argv[1:6]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    mac = s.getsockname()[4][:6]
    frame = storm_frame(mac, src_ip, dst_ip, int(dport))
    end = time.monotonic() + float(seconds)
    sent = lost = 0
    while time.monotonic() < end:
        for _ in range(1000):
            try:
                s.send(frame)
                sent += 1
            except OSError:
                lost += 1
    print(sent, lost)
    return 0


if __name__ == '__main__':
    sys.exit(main())
