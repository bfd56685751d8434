"""Page source helpers: reading bytes, cutting out the schema, parsing schema JSON.

The schema is taken from the page *source* between the ``<pre class="schema">`` tags,
never from a parsed tree: where it is raw JSON, text in it can look like tags
(``<Say>``) or entities (``&``), and an HTML parser would eat them.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.diagnostics import Reporter
from generator.files import NotReadable, read_regular

MAX_SCHEMA_DEPTH = 100  # JSON nesting levels; Stripe's deepest request schema has 18
MAX_PAGE_BYTES = 4 * 1024 * 1024  # one operation page; Stripe's largest is 86 kB

_SCHEMA_OPEN = re.compile(
    r"<pre\b[^>]*\bclass\s*=\s*(?:\"schema\"|'schema'|schema(?=[\s>]))[^>]*>", re.IGNORECASE
)
_SCHEMA_CLOSE = re.compile(r"</pre\s*>\s*</section\s*>", re.IGNORECASE)
_PRE_CLOSE = re.compile(r"</pre\s*>", re.IGNORECASE)
# the references the page tool writes all over an encoded schema: replaced before
# ``html.unescape`` (a Python call per reference), they cost a tenth as much
_COMMON_REFERENCES = (("&quot;", '"'), ("&#xA;", "\n"))
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")


def line_at(text: str, offset: int) -> int:
    """1-based line number of ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1


def read_source(
    path: Path,
    file: str,
    reporter: Reporter,
    *,
    expected: str = "an HTML operation page",
    max_bytes: int | None = None,
) -> str | None:
    """The page's text, or ``None`` after reporting why it cannot be read.

    A file larger than ``max_bytes`` is refused unread (a hostile page must not cost
    minutes of generation and a client of hundreds of megabytes), and so is anything
    that is not a regular file (``generator.files.read_regular``).
    """
    try:
        data = read_regular(path, max_bytes)
    except NotReadable as exc:
        reporter.error(file, 0, exc.reason, code=exc.code)
        return None
    except OSError as exc:
        reporter.error(file, 0, f"cannot read file: {exc.strerror or exc}", code="unreadable")
        return None
    if not data.strip():
        reporter.error(file, 1, f"empty file: expected {expected}", code="empty-file")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"invalid UTF-8 at byte offset {exc.start} (byte 0x{data[exc.start]:02x})"
        reporter.error(file, line, message, code="invalid-utf8")
        return None


@dataclass(frozen=True, slots=True)
class SchemaCut:
    """The page with its schema text blanked out, and the schema text itself."""

    rest: str  # the page, schema text replaced by as many newlines (line numbers kept)
    raw: str | None  # text between the schema tags; None when the page has no schema <pre>
    line: int  # line where the schema text starts (0 when there is none)
    closed: bool  # a closing </pre> was found


def cut_schema(text: str) -> SchemaCut:
    """Find ``<pre class="schema">…</pre>`` in the source and take its text out."""
    opening = _SCHEMA_OPEN.search(text)
    if opening is None:
        return SchemaCut(text, None, 0, closed=False)
    start = opening.end()
    closing = _SCHEMA_CLOSE.search(text, start) or _PRE_CLOSE.search(text, start)
    end = closing.start() if closing else len(text)
    raw = text[start:end]
    rest = text[:start] + "\n" * raw.count("\n") + text[end:]
    return SchemaCut(rest, raw, line_at(text, start), closed=closing is not None)


def looks_encoded(raw: str) -> bool:
    """Whether the schema text is entity-encoded (the Stripe build) rather than raw JSON."""
    return '"' not in raw and ("&quot;" in raw or "&#x" in raw or "&#" in raw)


def parse_schema(raw: str, line: int, file: str, reporter: Reporter) -> tuple[bool, Any]:
    """Parse the schema text: raw JSON first, then its html-unescaped form.

    Returns ``(ok, value)``; on failure an error naming the file line is reported.
    """
    try:
        return True, json.loads(raw)
    except json.JSONDecodeError as raw_error:
        first: json.JSONDecodeError = raw_error
    except RecursionError:
        return _too_deep(file, line, reporter)
    if "&" not in raw:
        return _json_error(first, raw, raw=raw, line=line, file=file, reporter=reporter)
    plain = unescape(raw)
    try:
        return True, json.loads(plain)
    except json.JSONDecodeError as plain_error:
        if looks_encoded(raw):
            return _json_error(plain_error, plain, raw=raw, line=line, file=file, reporter=reporter)
        return _json_error(first, raw, raw=raw, line=line, file=file, reporter=reporter)
    except RecursionError:
        return _too_deep(file, line, reporter)


def unescape(text: str) -> str:
    """``html.unescape(text)``, faster where ``&quot;`` and ``&#xA;`` are most of its
    references. (The same text: each is a whole reference wherever it stands, and what
    replaces it, ``"`` or a newline, extends no reference before it to a longer name.)"""
    for reference, character in _COMMON_REFERENCES:
        text = text.replace(reference, character)
    return html.unescape(text) if "&" in text else text


def _too_deep(file: str, line: int, reporter: Reporter) -> tuple[bool, Any]:
    message = "request body schema is nested too deeply to parse"
    reporter.error(file, line, message, code="schema-too-deep")
    return False, None


def _json_error(
    error: json.JSONDecodeError, parsed: str, *, raw: str, line: int, file: str, reporter: Reporter
) -> tuple[bool, Any]:
    """Report a JSON error at the file line where parsing failed."""
    raw_pos = error.pos if parsed is raw else raw_offset(raw, error.pos)
    where = line + raw.count("\n", 0, raw_pos)
    end = " (the schema is cut off: truncated page?)" if error.pos >= len(parsed.rstrip()) else ""
    message = (
        f"request body schema is not valid JSON: {error.msg} at schema line {error.lineno} "
        f"column {error.colno}{end}"
    )
    reporter.error(file, where, message, code="schema-json")
    return False, None


def raw_offset(raw: str, pos: int) -> int:
    """Map an offset in ``html.unescape(raw)`` back to an offset in ``raw``."""
    done = 0  # characters of unescaped text before ``last``
    last = 0
    for match in _ENTITY.finditer(raw):
        plain = match.start() - last
        if done + plain >= pos:
            return last + (pos - done)
        done += plain
        replaced = len(html.unescape(match.group()))
        if done + replaced > pos:
            return match.start()
        done += replaced
        last = match.end()
    return last + (pos - done)


def json_depth(value: Any, limit: int = MAX_SCHEMA_DEPTH) -> int:
    """Nesting depth of a JSON value, counted without recursion; stops past ``limit``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest
