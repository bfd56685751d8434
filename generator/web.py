"""Docs from the web: SPECS (or ``source``) given as an ``http(s)://`` URL.

The URL may name an OpenAPI document, one operation page, or an index page that links to
operation pages. The links followed are those on the index's origin (scheme, host, port)
under the index's folder (``https://docs.example/api/index.html`` → ``/api/...``), ending in
``.html`` or ``.htm``. Everything fetched is written into a local folder that the
pipeline then reads like any other specs folder.

Bounded: at most ``Limits.pages`` pages, ``Limits.page_bytes`` per page (``doc_bytes`` for
an OpenAPI document), ``Limits.timeout`` seconds per request and ``Limits.total`` for the
whole fetch. Redirects are followed only within the origin (at most 5). Requests carry
``USER_AGENT``.

Conditional requests (RFC 9110 §13.1.1-2): what was fetched is kept in the cache folder
with its ``ETag`` and ``Last-Modified``; the next run sends ``If-None-Match`` and
``If-Modified-Since`` and, on ``304 Not Modified``, uses the kept bytes, so a rerun on
unchanged docs downloads nothing. Nothing is served from the store without asking: the
docs may have changed whatever their ``Cache-Control`` says.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

from generator import __version__
from generator.diagnostics import Reporter
from generator.options import Options
from generator.progress import Progress

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"doc2client/{__version__} (API client generator; fetches API documentation)"
MAX_REDIRECTS = 5
WORKERS = 4
_OPERATION_PAGE = re.compile(r"""class\s*=\s*["']?requestLine""", re.IGNORECASE)
_DOCUMENT_TYPES = ("json", "yaml", "yml")


def is_url(text: str) -> bool:
    """Whether ``text`` is an ``http://`` or ``https://`` URL."""
    return bool(re.match(r"https?://", text, re.IGNORECASE))


@dataclass(frozen=True, slots=True)
class Limits:
    pages: int = 5000  # operation pages fetched from one index
    page_bytes: int = 4 * 1024 * 1024  # one page (generator.scrape.source.MAX_PAGE_BYTES)
    doc_bytes: int = 128 * 1024 * 1024  # one OpenAPI document
    timeout: float = 30.0  # seconds per request (connect, each read)
    total: float = 600.0  # seconds for the whole fetch


@dataclass(frozen=True, slots=True)
class Fetched:
    """Where a web source was put on disk, and how generated files name it."""

    path: Path  # a folder holding one folder of pages, or an OpenAPI document
    label: str  # the URL the pages or the document came from
    downloaded: int  # responses with a body (200)
    unchanged: int  # responses 304 Not Modified


class FetchError(Exception):
    """One URL could not be fetched; the message says why."""


@dataclass(slots=True)
class Fetcher:
    """Fetches URLs with the limits, conditional requests and origin rules above."""

    client: httpx.Client
    store: Path | None  # where fetched bodies and their validators are kept
    limits: Limits
    deadline: float
    downloaded: int = 0
    unchanged: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, url: str, max_bytes: int) -> tuple[bytes, str]:
        """The body and content type of ``url`` (following same-origin redirects)."""
        for _ in range(MAX_REDIRECTS + 1):
            if time.monotonic() > self.deadline:
                raise FetchError(f"gave up: the fetch took over {self.limits.total:g} s")
            kept = self._kept(url)
            response, body = self._request(url, kept, max_bytes)
            if response.status_code == 304 and kept is not None:
                with self._lock:
                    self.unchanged += 1
                return kept[1], str(kept[0].get("content_type", ""))
            if response.is_redirect:
                url = self._redirect(url, response)
                continue
            if response.status_code != 200:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}")
            with self._lock:
                self.downloaded += 1
            self._keep(url, response, body)
            return body, response.headers.get("content-type", "")
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _request(
        self, url: str, kept: tuple[dict[str, str], bytes] | None, max_bytes: int
    ) -> tuple[httpx.Response, bytes]:
        import httpx

        headers = {}
        if kept is not None:
            if kept[0].get("etag"):
                headers["If-None-Match"] = kept[0]["etag"]
            if kept[0].get("last_modified"):
                headers["If-Modified-Since"] = kept[0]["last_modified"]
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                return response, _read_capped(response, max_bytes)
        except httpx.TimeoutException:
            raise FetchError(f"timed out (over {self.limits.timeout:g} s)") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot fetch: {exc}") from None

    def _redirect(self, url: str, response: httpx.Response) -> str:
        target = urljoin(url, str(response.headers.get("location", "")))
        if _origin(target) != _origin(url):
            raise FetchError(f"redirected to another origin ({target}); not followed")
        return target

    def _kept(self, url: str) -> tuple[dict[str, str], bytes] | None:
        """The validators and body kept for ``url`` from an earlier run, if any."""
        if self.store is None:
            return None
        try:
            meta, _, body = (self.store / _key(url)).read_bytes().partition(b"\n")
            return json.loads(meta), body
        except (OSError, ValueError):
            return None

    def _keep(self, url: str, response: httpx.Response, body: bytes) -> None:
        if self.store is None:
            return
        meta = {
            "url": url,
            "etag": response.headers.get("etag", ""),
            "last_modified": response.headers.get("last-modified", ""),
            "content_type": response.headers.get("content-type", ""),
        }
        if not (meta["etag"] or meta["last_modified"]):
            return  # nothing to revalidate with
        self.store.mkdir(parents=True, exist_ok=True)
        temp = self.store / f".{_key(url)}.tmp"
        temp.write_bytes(json.dumps(meta).encode() + b"\n" + body)
        temp.replace(self.store / _key(url))


def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"too large: {int(declared):,} bytes, over the limit of {max_bytes:,}")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"too large: over the limit of {max_bytes:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:32]


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def fetch_source(
    url: str, reporter: Reporter, *, work: Path, store: Path | None, limits: Limits = Limits(),
    progress: Progress | None = None,
) -> Fetched | None:  # fmt: skip
    """Fetch ``url`` (see the module docstring) into the folder ``work``; None after an
    error reported against the URL."""
    import httpx

    progress = progress if progress is not None else Progress(enabled=False)
    timeout = httpx.Timeout(limits.timeout)
    headers = {"User-Agent": USER_AGENT}
    with httpx.Client(timeout=timeout, headers=headers, follow_redirects=False) as client:
        fetcher = Fetcher(client, store, limits, time.monotonic() + limits.total)
        progress.stage("fetching docs")
        try:
            body, content_type = fetcher.get(url, limits.doc_bytes)
        except FetchError as exc:
            reporter.error(url, 0, str(exc), code="fetch")
            return None
        if _is_html(url, content_type, body) and not _OPERATION_PAGE.search(_text(body)):
            path = _fetch_index(url, body, fetcher, reporter, work=work, progress=progress)
            label = _folder_url(url)
        elif _is_html(url, content_type, body):
            path = _write_pages(work, _api_folder(url), [(_file_name(url), body)])
            label = _folder_url(url)
        else:
            path = work / _document_name(url, content_type, body)
            work.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
            label = url
    return Fetched(path, label, fetcher.downloaded, fetcher.unchanged)


def _fetch_index(
    url: str, body: bytes, fetcher: Fetcher, reporter: Reporter, *, work: Path,
    progress: Progress,
) -> Path:  # fmt: skip
    """Fetch the operation pages ``body`` (an index page) links to; the folder holding them."""
    links = page_links(url, _text(body))
    if len(links) > fetcher.limits.pages:
        message = f"links to {len(links)} pages, over the limit of {fetcher.limits.pages}"
        reporter.warning(url, 0, f"{message}; the first {fetcher.limits.pages} are fetched")
        links = links[: fetcher.limits.pages]
    if not links:
        reporter.error(url, 0, f"no operation pages linked under {_folder_url(url)}/",
                       code="fetch")  # fmt: skip
    progress.stage("fetching pages", len(links))

    def one(link: str) -> tuple[str, bytes | None]:
        try:
            return link, fetcher.get(link, fetcher.limits.page_bytes)[0]
        except FetchError as exc:
            reporter.error(link, 0, str(exc), code="fetch")
            return link, None
        finally:
            progress.advance()

    from concurrent.futures import ThreadPoolExecutor  # here: a local run never imports it

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        fetched = list(pool.map(one, links))
    pages = [(_file_name(link), data) for link, data in fetched if data is not None]
    return _write_pages(work, _api_folder(url), pages)


def page_links(index_url: str, html: str) -> list[str]:
    """The operation page URLs an index page links to: same origin, under the index's
    folder, ``.html``/``.htm``; without fragments, in order, each once."""
    from bs4 import BeautifulSoup

    prefix = _folder_url(index_url) + "/"
    found: dict[str, None] = {}
    for anchor in BeautifulSoup(html, "html.parser").find_all("a", href=True):
        parts = urlsplit(urljoin(index_url, str(anchor["href"])))
        link = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
        same = _origin(link) == _origin(index_url) and link.startswith(prefix)
        if same and parts.path.lower().endswith((".html", ".htm")) and link != index_url:
            found[link] = None
    return list(found)


def _write_pages(work: Path, api: str, pages: Sequence[tuple[str, bytes]]) -> Path:
    """Make ``work/api/`` hold exactly ``pages`` (unchanged files are not rewritten)."""
    folder = work / api
    folder.mkdir(parents=True, exist_ok=True)
    wanted = dict(pages)
    for old in folder.iterdir():
        if old.name not in wanted:
            old.unlink()
    for name, data in wanted.items():
        path = folder / name
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
    return work


def _folder_url(url: str) -> str:
    """The URL of the folder ``url`` is in, without a trailing ``/``."""
    parts = urlsplit(url)
    folder = parts.path.rsplit("/", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, folder, "", ""))


def _api_folder(url: str) -> str:
    """A folder name for the API: the last folder of the URL's path, else its host."""
    parts = urlsplit(url)
    folders = [p for p in parts.path.split("/")[:-1] if p]
    return folders[-1] if folders else (parts.hostname or "api")


def _file_name(url: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "index.html"


def _document_name(url: str, content_type: str, body: bytes) -> str:
    name = _file_name(url)
    if name.lower().endswith(tuple(f".{s}" for s in _DOCUMENT_TYPES)):
        return name
    is_json = "json" in content_type or body.lstrip().startswith(b"{")
    return f"{Path(name).stem or 'openapi'}.{'json' if is_json else 'yaml'}"


def _is_html(url: str, content_type: str, body: bytes) -> bool:
    if "html" in content_type.lower():
        return True
    if any(t in content_type.lower() for t in _DOCUMENT_TYPES):
        return False
    path = urlsplit(url).path.lower()
    if path.endswith(tuple(f".{s}" for s in _DOCUMENT_TYPES)):
        return False
    return body.lstrip()[:1] == b"<"


def _text(body: bytes) -> str:
    return body.decode("utf-8", "replace")


def save_pages(fetched: Fetched, target: Path) -> list[Path]:
    """Copy what was fetched into the folder ``target`` (``--save-pages``): the pages
    themselves, or the OpenAPI document; the files written."""
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    files = [fetched.path] if fetched.path.is_file() else sorted(fetched.path.glob("*/*"))
    for file in files:
        shutil.copy(file, target / file.name)
    return [target / file.name for file in files]


Spec = Path | str  # a local path, or an http(s) URL


@contextlib.contextmanager
def fetched_jobs(
    jobs: Sequence[tuple[Spec, Options]], reporter: Reporter, *, cache_root: Path | None,
    save_to: Path | None = None, limits: Limits = Limits(), progress: Progress | None = None,
) -> Iterator[list[tuple[Path, Options]]]:  # fmt: skip
    """``jobs`` with every URL fetched into a local folder (kept in ``cache_root/web`` when
    there is a cache, else in a temporary folder that lives as long as the context); a URL
    that cannot be fetched is reported and left out. With ``save_to``, what was fetched is
    also copied there (``--save-pages``)."""
    with contextlib.ExitStack() as stack:
        out: list[tuple[Path, Options]] = []
        for spec, options in jobs:
            if isinstance(spec, Path):
                out.append((spec, options))
                continue
            if cache_root is not None:
                work, store = cache_root / "web" / "sources" / _key(spec), cache_root / "web"
            else:
                work, store = Path(stack.enter_context(tempfile.TemporaryDirectory())), None
            fetched = fetch_source(spec, reporter, work=work, store=store, limits=limits,
                                   progress=progress)  # fmt: skip
            if fetched is None:
                continue
            if save_to is not None:
                save_pages(fetched, save_to)
            out.append((fetched.path, replace(options, label=fetched.label)))
        yield out
