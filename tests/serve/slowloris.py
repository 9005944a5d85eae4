#!/usr/bin/env python3
"""A slowloris attack for test_serve.sh and bench/serve_load.py: many
connections that send a request head a byte at a time and never finish it,
from several source addresses of the loopback network (127.0.0.2,
127.0.0.3, ...), so that a per-address limit and the server's capacity are
both exercised.

usage: slowloris.py HOST PORT ADDRESSES SOCKETS_PER_ADDRESS SECONDS [keep]

Prints how many connections were accepted and still open after the second
round ("open: N": a socket the server closed may take one more write to
fail, so the first round alone would count some of them), keeps trickling
until SECONDS have passed, then prints how many the server had not cut by then ("left: N"). With `keep`, every
connection the server cuts is opened again at once, as a determined
attacker would, and the end adds "reopened: N" and the fewest and most
held at once after the second round ("held: MIN..MAX").
"""
import socket
import sys
import time


def connect(src, host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(1)
    try:
        s.bind((src, 0))
        s.connect((host, port))
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        return s
    except OSError:
        s.close()
        return None


def main():
    host, port, naddr, per, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    keep = len(sys.argv) > 6 and sys.argv[6] == "keep"
    socks = []  # (source address, socket)
    for a in range(naddr):
        src = "127.0.0.%d" % (2 + a)
        for _ in range(per):
            s = connect(src, host, port)
            if s:
                socks.append((src, s))
    end = time.time() + seconds
    rounds = 0
    reopened = 0
    held = []
    while time.time() < end:
        alive, cut = [], []
        for src, s in socks:
            try:
                s.sendall(b"X")          # one byte of a header that never ends
                alive.append((src, s))
            except OSError:
                s.close()
                cut.append(src)
        if keep:
            for src in cut:
                s = connect(src, host, port)
                if s:
                    alive.append((src, s))
                    reopened += 1
        socks = alive
        rounds += 1
        if rounds == 2:
            print("open: %d" % len(socks), flush=True)
        elif rounds > 2:
            held.append(len(socks))
        time.sleep(1)
    print("left: %d" % len(socks), flush=True)
    if keep:
        print("reopened: %d" % reopened, flush=True)
        print("held: %d..%d" % (min(held, default=0), max(held, default=0)), flush=True)
    for _, s in socks:
        s.close()


main()
