#!/usr/bin/env python3
"""A slowloris attack for test_serve.sh: many connections that send a
request head a byte at a time and never finish it, from several source
addresses of the loopback network (127.0.0.2, 127.0.0.3, ...), so that a
per-address limit and the server's capacity are both exercised.

usage: slowloris.py HOST PORT ADDRESSES SOCKETS_PER_ADDRESS SECONDS

Prints how many connections were accepted and still open after the first
round, then keeps trickling until SECONDS have passed.
"""
import socket
import sys
import time


def main():
    host, port, naddr, per, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    socks = []
    for a in range(naddr):
        src = "127.0.0.%d" % (2 + a)
        for _ in range(per):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(2)
            try:
                s.bind((src, 0))
                s.connect((host, port))
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
                socks.append(s)
            except OSError:
                s.close()
    end = time.time() + seconds
    first = True
    while time.time() < end:
        alive = []
        for s in socks:
            try:
                s.sendall(b"X")          # one byte of a header that never ends
                alive.append(s)
            except OSError:
                s.close()
        socks = alive
        if first:
            print("open: %d" % len(socks), flush=True)
            first = False
        time.sleep(1)
    for s in socks:
        s.close()


main()
