#!/usr/bin/env python3
"""Minimal IPv6 router advertisement sender for the e2e network namespace.

iPXE waits up to ~13 s for a router advertisement while it configures a NIC. This sends one
(no prefix, router lifetime 0, M and O flags clear: "no IPv6 configuration here") to ff02::1 on
the given interface every half second, so iPXE finishes IPv6 at once. Run it only inside a
network namespace of the test. Usage: ra.py IFNAME
"""
import socket
import struct
import sys
import time

ifname = sys.argv[1]
# type 134, code 0, checksum (the kernel fills it in for ICMPv6 raw sockets), cur hop limit 64,
# flags 0, router lifetime 0, reachable time 0, retrans timer 0
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 0, 0, 0)

s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)  # NDP requires hop limit 255
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex(ifname))
while True:
    try:
        s.sendto(ra, ("ff02::1", 0, 0, socket.if_nametoindex(ifname)))
    except OSError:
        pass  # no link-local address yet (no guest attached): try again later
    time.sleep(0.5)
