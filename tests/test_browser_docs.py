"""The HTML docs, browsed: every page opened in headless Chromium over http.

Docs of the seed and of a sample of corpus APIs are written to a folder, served on
127.0.0.1 by ``http.server`` in a thread, and opened one by one in Chromium (Debian's
``chromium`` package; ``make check`` installs it when missing), driven through the DevTools
protocol with the small stdlib websocket client below. Every page must load with status 200
and a title; every link must resolve (the server answers 200, and a ``#fragment`` names an
element of the target page); the console, the log and the network must report nothing.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import os
import shutil
import socket
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest

from generator.emit.docs import render_docs
from generator.emit.environment import make_environment
from tests.conftest import ROOT, load_model

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--remote-debugging-port=0",
)  # fmt: skip

TIMEOUT = 20.0
WINDOW = (1280, 800)  # CSS pixels: the docs fit a window this wide, with no sideways scrolling


def chromium_path() -> str:
    """The Chromium binary; skip (fail under CI) when it is not installed."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "chromium not installed (make test installs it: apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


# --- a minimal websocket client (RFC 6455: text frames, client side) -----------------------


class WebSocket:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n")  # fmt: skip
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head

    def send(self, text: str) -> None:
        data = text.encode()
        size = len(data)
        if size < 126:
            header = struct.pack("!BB", 0x81, 0x80 | size)
        elif size < 1 << 16:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, size)
        else:
            header = struct.pack("!BBQ", 0x81, 0x80 | 127, size)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _exact(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("websocket closed")
            data += chunk
        return data

    def recv(self) -> str:
        message = b""
        while True:
            first, second = self._exact(2)
            size = second & 0x7F
            if size == 126:
                size = struct.unpack("!H", self._exact(2))[0]
            elif size == 127:
                size = struct.unpack("!Q", self._exact(8))[0]
            payload = self._exact(size)
            opcode = first & 0x0F
            if opcode == 8:
                raise ConnectionError("websocket closed by the browser")
            if opcode in (0, 1, 2):
                message += payload
                if first & 0x80:
                    return message.decode()

    def close(self) -> None:
        self.sock.close()


# --- the DevTools protocol ------------------------------------------------------------------


@dataclass
class DevTools:
    ws: WebSocket
    events: list[dict[str, Any]] = field(default_factory=list)
    next_id: int = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                result: dict[str, Any] = message["result"]
                return result
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == event for e in self.events):
            assert time.monotonic() < deadline, f"no {event} within {TIMEOUT}s"
            self.events.append(json.loads(self.ws.recv()))

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"]["value"]


def devtools_port(profile: Path, process: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + TIMEOUT
    active = profile / "DevToolsActivePort"
    while not (active.is_file() and active.read_text().strip()):
        assert process.poll() is None, "chromium exited at start"
        assert time.monotonic() < deadline, "chromium did not open its DevTools port"
        time.sleep(0.05)
    return int(active.read_text().split()[0])


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    binary = chromium_path()
    profile = tmp_path_factory.mktemp("chromium-profile")
    args = [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port = devtools_port(profile, process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=TIMEOUT) as r:
            targets = json.load(r)
        page = next(t for t in targets if t["type"] == "page")
        tools = DevTools(WebSocket(page["webSocketDebuggerUrl"]))
        for domain in ("Page", "Runtime", "Log", "Network"):
            tools.call(f"{domain}.enable")
        tools.call("Emulation.setDeviceMetricsOverride", width=WINDOW[0], height=WINDOW[1],
                   deviceScaleFactor=1, mobile=False)  # fmt: skip
        yield tools
        tools.ws.close()
    finally:
        process.terminate()
        process.wait(timeout=TIMEOUT)


# --- the docs, served -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The HTML docs of the seed and a corpus sample, served: (base URL, folder)."""
    pages = corpus / "pages"
    apis = {
        "seed": load_model(ROOT / "specs" / "stripe"),
        "sample": load_model(pages / "sample"),
        "maintainers": load_model(pages / "apis-io-maintainers", "maintainers"),
        "stripe": load_model(pages / "stripe", every=30),
    }
    folder = tmp_path_factory.mktemp("docs-site")
    env = make_environment()
    for key, api in apis.items():
        for rel, text in render_docs(api, env).items():
            if rel.startswith("docs/html/"):
                target = folder / key / rel.removeprefix("docs/html/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    with serve(folder) as base:
        yield base, folder


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` over http on 127.0.0.1 (a thread); yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@functools.cache
def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


# --- the test -------------------------------------------------------------------------------

PAGE_FACTS = """JSON.stringify({
  title: document.title,
  text: document.body ? document.body.innerText.trim().length : 0,
  links: [...document.querySelectorAll("a[href], link[href], img[src], script[src]")]
    .map(e => e.href || e.src),
  ids: [...document.querySelectorAll("[id]")].map(e => e.id),
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  wide: [...document.querySelectorAll("table, pre, p, li, h1, h2")]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
    .map(e => e.tagName.toLowerCase() + ": " + e.innerText.slice(0, 60)),
})"""


def problems_reported(events: list[dict[str, Any]], url: str) -> list[str]:
    """What the console, the log and the network said while ``url`` loaded."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            texts = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
            found.append(f"console.{params['type']}: {' '.join(texts)}")
        elif method == "Runtime.exceptionThrown":
            found.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Log.entryAdded":
            entry = params["entry"]
            found.append(f"log {entry['level']}: {entry['text']} ({entry.get('url', '')})")
        elif method == "Network.loadingFailed":
            found.append(f"network: {params.get('errorText')}")
        elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
            found.append(f"http {params['response']['status']}: {params['response']['url']}")
    return [f"{url}: {p}" for p in found]


def visit(browser: DevTools, url: str) -> dict[str, Any]:
    """Open ``url``; its facts (title, text length, links, ids) and every problem reported."""
    browser.events.clear()
    result = browser.call("Page.navigate", url=url)
    assert "errorText" not in result, f"{url}: {result['errorText']}"
    browser.wait_for("Page.loadEventFired")
    facts: dict[str, Any] = json.loads(browser.evaluate(PAGE_FACTS))
    browser.call("Runtime.evaluate", expression="0")  # flush events queued before the reply
    facts["problems"] = problems_reported(browser.events, url)
    return facts


def test_every_page_loads_links_resolve_and_the_console_is_quiet(
    browser: DevTools, site: tuple[str, Path]
) -> None:
    base, folder = site
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert len(pages) >= 20 and {"seed/index.html", "stripe/index.html"} <= set(pages)
    facts = {base + page: visit(browser, base + page) for page in pages}
    problems = [p for f in facts.values() for p in f["problems"]]
    for url, fact in facts.items():
        if not fact["title"] or not fact["text"]:
            problems.append(f"{url}: empty page (title {fact['title']!r})")
        if fact["overflow"] > 0 or fact["wide"]:
            problems.append(f"{url}: {fact['overflow']} px wider than a {WINDOW[0]} px window: "
                            + "; ".join(fact["wide"][:3]))  # fmt: skip
        problems += broken_links(url, fact["links"], facts, base)
    assert not problems, "\n".join(problems)


def broken_links(
    page: str, links: list[str], facts: dict[str, dict[str, Any]], base: str
) -> list[str]:
    """Links of ``page`` that do not resolve: not 200 on the server, or a missing #fragment.

    Links to other sites are not fetched; only http(s), mailto and data: links leave the docs.
    """
    broken = []
    for link in links:
        target, fragment = urldefrag(link)
        if not target.startswith(base):
            if urlsplit(link).scheme not in ("http", "https", "mailto", "data"):
                broken.append(f"{page}: a {urlsplit(link).scheme}: link: {link}")
            continue  # a link to the API's own site: not fetched (no network in tests)
        if status(target) != 200:
            broken.append(f"{page}: {link} answers {status(target)}")
        elif fragment and target in facts and fragment not in facts[target]["ids"]:
            broken.append(f"{page}: {link}: no element with id {fragment!r}")
    return broken


BROKEN = """<!DOCTYPE html><html><head><title>broken</title>
<link rel="stylesheet" href="gone.css"></head><body><p id="here">text</p>
<a href="missing.html">a</a> <a href="#nowhere">b</a> <a href="#here">c</a>
<a href="javascript:void(0)">d</a>
<table style="width: 2000px"><tr><td>wide</td></tr></table>
<script>console.log("hello"); undefinedFunction();</script></body></html>
"""


def test_the_checks_see_broken_pages(browser: DevTools, tmp_path: Path) -> None:
    (tmp_path / "broken.html").write_text(BROKEN)
    with serve(tmp_path) as base:
        url = base + "broken.html"
        fact = visit(browser, url)
        links = broken_links(url, fact["links"], {url: fact}, base)
    problems = "\n".join([*fact["problems"], *links])
    assert fact["overflow"] > 0 and fact["wide"] == ["table: wide"]
    for expected in ("console.log: hello", "exception: Uncaught", "http 404: " + base + "gone.css",
                     "missing.html answers 404", "no element with id 'nowhere'",
                     "a javascript: link"):  # fmt: skip
        assert expected in problems
    assert "'here'" not in problems
