#!/usr/bin/env python3
"""A small HTTP server for test_http.sh: serves one file, with Range support
by default, or misbehaving in one chosen way.

usage: http_test_server.py FILE --port-file PATH [--alter OFFSET]... [MODE]

It listens on 127.0.0.1 on a free port and writes the port number to PATH
(written whole, then renamed, so a reader never sees half of it). It logs
one line per request to stderr: the request line, the Range header, the
status and the number of body bytes sent.

--alter OFFSET (repeatable) makes it a mirror that changes the file: the
byte at OFFSET is served with its lowest bit flipped, whatever the mode.

Modes (at most one):
  (none)          answer Range requests with 206, as a normal server does
  --no-range      ignore Range: always 200 with the whole file
  --truncate      206 with the right headers, but close the connection after
                  half of the body
  --short         206 with consistent headers for only the first half of the
                  range asked (a shorter answer than asked)
  --change-etag   a different ETag on every response (Last-Modified unchanged)
  --change-date   no ETag; the file's modification time moves one second on
                  after every response, so Last-Modified changes (serve a copy)
  --slow SECONDS  wait SECONDS before answering
  --status CODE   answer every request with CODE and a short text body
  --endless       200 without a Content-Length, the file then zeros without end
  --drip SECONDS  200 with the file's length, one byte every SECONDS
  --redirect-loop 302 to itself, for ever
"""
import argparse
import email.utils
import http.server
import os
import re
import socket
import sys
import threading
import time


def parse_range(header, size):
    """(first, last) for a single 'bytes=' range, None without one, or
    'bad' for a range this server cannot satisfy."""
    if not header:
        return None
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not m or (m.group(1) == "" and m.group(2) == ""):
        return "bad"
    if m.group(1) == "":                     # bytes=-N: the last N bytes
        n = int(m.group(2))
        if n == 0:
            return "bad"
        return max(0, size - n), size - 1
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) else size - 1
    if first >= size or last < first:
        return "bad"
    return first, min(last, size - 1)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"            # keep-alive, as real servers
    server_version = "wikipack-test"
    counter = 0
    lock = threading.Lock()

    def log_message(self, fmt, *args):       # request logging is done in send()
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, each
        # answer on a kept-alive connection waits for a delayed ACK (40 ms).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log(self, status, sent):
        sys.stderr.write('%s "%s" %d %d\n' % (self.requestline, self.headers.get("Range", "-"),
                                              status, sent))
        sys.stderr.flush()

    def do_HEAD(self):
        self.answer(body=False)

    def do_GET(self):
        self.answer(body=True)

    def validators(self):
        """ETag and Last-Modified headers for this response."""
        opts = self.server.opts
        st = os.stat(opts.file)
        date = email.utils.formatdate(st.st_mtime, usegmt=True)
        if opts.change_etag:
            with Handler.lock:
                Handler.counter += 1
                return [("ETag", '"v%d"' % Handler.counter), ("Last-Modified", date)]
        if opts.change_date:
            return [("Last-Modified", date)]
        return [("ETag", '"%x-%x"' % (int(st.st_mtime), st.st_size)), ("Last-Modified", date)]

    def send(self, status, headers, data, body, send_bytes=None):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        sent = 0
        if body:
            chunk = data if send_bytes is None else data[:send_bytes]
            self.wfile.write(chunk)
            sent = len(chunk)
        self.wfile.flush()
        self.log(status, sent)

    def misbehave(self, body):
        """The modes that never give a whole answer: True when one ran."""
        opts = self.server.opts
        if opts.redirect_loop:
            self.send(302, [("Location", self.path)], b"", body)
            return True
        if not (opts.endless or opts.drip) or not body:
            return False
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if opts.drip:
            self.send_header("Content-Length", str(os.stat(opts.file).st_size))
        self.end_headers()
        sent = 0
        try:
            if opts.endless:
                with open(opts.file, "rb") as f:
                    self.wfile.write(f.read())
                zeros = bytes(1 << 20)
                while True:
                    self.wfile.write(zeros)
                    sent += len(zeros)
            else:
                with open(opts.file, "rb") as f:
                    for b in f.read():
                        self.wfile.write(bytes([b]))
                        self.wfile.flush()
                        sent += 1
                        time.sleep(opts.drip)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.log(200, sent)
        return True

    def answer(self, body):
        opts = self.server.opts
        if self.misbehave(body):
            return
        if opts.slow:
            time.sleep(opts.slow)
        if opts.status:
            self.send(opts.status, [("Content-Type", "text/plain")],
                      b"status %d from the test server\n" % opts.status, body)
            return
        size = os.stat(opts.file).st_size
        headers = [("Content-Type", "application/octet-stream")] + self.validators()
        rng = None if opts.no_range else parse_range(self.headers.get("Range"), size)
        # Only the bytes answered are read (an archive of megabytes, many requests).
        first = rng[0] if isinstance(rng, tuple) else 0
        last = rng[1] if isinstance(rng, tuple) else size - 1
        if opts.short and isinstance(rng, tuple):
            last = first + max(1, (last - first + 1) // 2) - 1
        with open(opts.file, "rb") as f:
            f.seek(first)
            piece = bytearray(f.read(last - first + 1))
        for at in opts.alter:
            if first <= at <= last:
                piece[at - first] ^= 1
        content = bytes(piece)
        if opts.change_date:                 # the next response sees a newer file
            st = os.stat(opts.file)
            os.utime(opts.file, (st.st_atime, st.st_mtime + 1))
        if rng is None:
            self.send(200, headers, content, body)
            return
        if rng == "bad":
            self.send(416, [("Content-Range", "bytes */%d" % size)], b"", body)
            return
        # With --short, only the first half of what was asked (cut above).
        headers += [("Accept-Ranges", "bytes"), ("Content-Range", "bytes %d-%d/%d" % (first, last, size))]
        data = content
        if opts.truncate:                    # promise it all, send half, hang up
            self.close_connection = True
            self.send(206, headers, data, body, send_bytes=len(data) // 2)
            return
        self.send(206, headers, data, body)


def main():
    p = argparse.ArgumentParser(description="Serve one file over HTTP for the wikipack tests.")
    p.add_argument("file")
    p.add_argument("--port-file", required=True)
    p.add_argument("--alter", type=int, action="append", default=[], metavar="OFFSET")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--no-range", action="store_true")
    mode.add_argument("--truncate", action="store_true")
    mode.add_argument("--short", action="store_true")
    mode.add_argument("--change-etag", action="store_true")
    mode.add_argument("--change-date", action="store_true")
    mode.add_argument("--slow", type=float, metavar="SECONDS")
    mode.add_argument("--status", type=int, metavar="CODE")
    mode.add_argument("--endless", action="store_true")
    mode.add_argument("--drip", type=float, metavar="SECONDS")
    mode.add_argument("--redirect-loop", action="store_true")
    opts = p.parse_args()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.opts = opts
    tmp = opts.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, opts.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
