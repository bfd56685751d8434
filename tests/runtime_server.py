"""A scripted HTTP server on 127.0.0.1 for the runtime tests.

Each test gives the server a script: a list of responses, served one per request in order
(the last one, or `200 {}` when the script is empty, repeats). A response is a `Reply`, or a
callable that builds one from the request. Every request is recorded.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Reply:
    """One scripted response. `reset` closes the socket at once, with no response at all."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    reset: bool = False
    raw: bytes | None = None
    drip: float = 0.0  # > 0: the body is sent one byte at a time, this many seconds apart
    endless: bool = False  # with drip: a chunked body that never ends (for at most DRIP_LIMIT s)
    header_drip: float = 0.0  # > 0: status line and headers a byte at a time, for HEADER_DRIP s


DRIP_LIMIT = 30.0  # a dripping reply gives up after this long, so a failing test cannot hang
HEADER_DRIP = 60.0  # a header drip sends this many seconds' worth of header bytes, then the end


@dataclass(frozen=True)
class Recorded:
    """One request as the server received it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    at: float
    peer: str = ""  # the client's host:port, the same for requests on one connection
    lines: tuple[tuple[str, str], ...] = ()  # every header line as sent (``headers`` keeps one)

    def all(self, name: str) -> list[str]:
        """The values of every header line named ``name`` (in any case)."""
        return [value for key, value in self.lines if key.lower() == name.lower()]

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    @property
    def raw_query(self) -> str:
        return urlsplit(self.target).query


Step = Reply | Callable[[Recorded], Reply]


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.script: list[Step] = []
        self.requests: list[Recorded] = []
        self.hung_up = threading.Event()  # a client closed a connection the server was writing

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def play(self, *steps: Step) -> None:
        """Replace the script and forget the requests seen so far."""
        with self.lock:
            self.script = list(steps)
            self.requests = []
            self.hung_up.clear()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: clients that time out leave broken pipes behind on purpose."""

    def next_step(self, request: Recorded) -> Reply:
        with self.lock:
            self.requests.append(request)
            if not self.script:
                step: Step = Reply(200, {})
            elif len(self.script) == 1:
                step = self.script[0]
            else:
                step = self.script.pop(0)
        return step(request) if callable(step) else step


class _Handler(BaseHTTPRequestHandler):
    server: ScriptedServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else self._read_chunked()
        headers = {name.lower(): value for name, value in self.headers.items()}
        peer = "{}:{}".format(*self.client_address[:2])
        recorded = Recorded(self.command, self.path, headers, body, time.monotonic(), peer,
                            tuple(self.headers.items()))  # fmt: skip
        reply = self.server.next_step(recorded)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.reset:
            self._reset()
            return
        self._send(reply)

    def _read_chunked(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return b""
        data = b""
        while True:
            size = int(self.rfile.readline().strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return data
            data += self.rfile.read(size)
            self.rfile.readline()

    def _reset(self) -> None:
        """Close the connection with RST, sending nothing."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def _send(self, reply: Reply) -> None:
        if reply.header_drip:
            self._drip_headers(reply)
            return
        if reply.drip:
            self._drip(reply)
            return
        if reply.raw is not None:
            payload = reply.raw
        elif reply.body is None:
            payload = b""
        else:
            payload = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        headers = {"Content-Type": "application/json", **reply.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _drip(self, reply: Reply) -> None:
        """Headers at once, then the body a byte at a time until the client goes away."""
        payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        framing = ("Transfer-Encoding", "chunked") if reply.endless else ("Content-Length", str(len(payload)))
        self.send_header(*framing)
        self.end_headers()
        self.close_connection = True
        started = time.monotonic()
        index = 0
        try:
            while time.monotonic() - started < DRIP_LIMIT and (reply.endless or index < len(payload)):
                byte = payload[index % len(payload):][:1]
                self.wfile.write(b"1\r\n" + byte + b"\r\n" if reply.endless else byte)
                self.wfile.flush()
                index += 1
                time.sleep(reply.drip)
        except OSError:
            self.server.hung_up.set()

    def _drip_headers(self, reply: Reply) -> None:
        """A 200 whose status line and headers come a byte at a time, `HEADER_DRIP` seconds'
        worth, then an empty body; `hung_up` is set if the client goes away first."""
        padding = b"x" * int(HEADER_DRIP / reply.header_drip)
        head = b"HTTP/1.1 200 OK\r\nX-Padding: " + padding + b"\r\nContent-Length: 0\r\n\r\n"
        self.close_connection = True
        try:
            for index in range(len(head)):
                self.wfile.write(head[index:index + 1])
                self.wfile.flush()
                time.sleep(reply.header_drip)
        except OSError:
            self.server.hung_up.set()

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle


@contextmanager
def running_server() -> Iterator[ScriptedServer]:
    """A server running in a background thread for the duration of the block."""
    server = ScriptedServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
