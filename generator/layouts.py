"""The generations of the httpdoc page layout, and how a page tells which one wrote it.

Each generation is named after the page tool's commit that writes it (corpus
``pages/GENERATOR.md`` describes them element by element):

- ``b56c85d`` (older build): camelCase classes, target ``+{baseUrl}\\v1\\...``,
  ``in: Path``, an empty ``<pre class="schema">``.
- ``34ca9f8`` (middle build, Stripe): camelCase classes, an ``eTag`` header line, the schema
  entity-encoded, a placeholder body example.
- ``34ca9f8-raw`` (middle build, other APIs): as ``34ca9f8`` without ``eTag`` or body
  example; the schema is raw JSON.
- ``61aca2d`` (newest build): kebab-case classes (``request-summary``), every response in
  its own ``<pre>`` with its content type and example.
- ``prototype`` (hand-run): the target split in ``<span class="httpPath">`` and
  ``<span class="httpQuery">``.

Reading does not depend on the layout beyond what each element says: classes are compared
without case and hyphens (``requestSummary`` = ``request-summary``), so a page that mixes
spellings is read as well as it can be. The layout is recorded so that a page can be written
back as it came.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal, get_args
from urllib.parse import urlsplit

Layout = Literal["b56c85d", "34ca9f8", "34ca9f8-raw", "61aca2d", "prototype"]
LAYOUTS: tuple[Layout, ...] = get_args(Layout)
DEFAULT_LAYOUT: Layout = "34ca9f8"  # pages written back from input that has no layout

# classes only the newest build writes (kebab case); the others write them in camelCase
KEBAB_CLASSES = frozenset(
    "request-summary request-description http-example request-line http-target http-version "
    "header-line header-value parameter-name parameter-location parameter-type "
    "parameter-required parameter-description status-line status-description".split()
)


def class_key(name: str) -> str:
    """A CSS class as compared here: ``request-summary`` and ``requestSummary`` are one."""
    return name.replace("-", "").replace("_", "").lower()


def is_layout(name: str) -> bool:
    return name in LAYOUTS


def detect_layout(
    classes: Collection[str],
    *,
    target: str,
    locations: Collection[str],
    etag: bool,
    raw_schema: bool,
) -> Layout:
    """The generation that wrote a page, from the classes it uses (as spelt) and its content.

    ``target`` is the request target as written, ``locations`` the ``in:`` texts as written,
    ``etag`` whether there is an ``eTag`` header line and ``raw_schema`` whether the schema
    text is raw JSON rather than entity-encoded.
    """
    if any(class_key(c) == "httppath" for c in classes):
        return "prototype"
    if KEBAB_CLASSES.intersection(classes):
        return "61aca2d"
    older = target.startswith(("+{baseUrl}", "{+baseUrl}"))
    if older or any(loc[:1].isupper() for loc in locations):
        return "b56c85d"
    return "34ca9f8" if etag and not raw_schema else "34ca9f8-raw"


def layouts_text() -> str:
    """``'b56c85d', '34ca9f8', ...`` for messages."""
    return ", ".join(repr(name) for name in LAYOUTS)


DEFAULT_PORTS = {"https": 443, "http": 80}


def host_line(url: str) -> str:
    """The page's host line for a server URL, as the page tool writes it: ``host:port``
    (``https://api.stripe.com`` → ``api.stripe.com:443``; an IPv6 address in brackets; the
    scheme's default port when the URL has none, no port for an unknown scheme); ``""``
    for a relative or malformed URL."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return ""
    host = parts.hostname or ""
    if not host:
        return ""
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if port else host
