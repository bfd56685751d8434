"""Descriptions made safe: sanitised HTML, Markdown, and .NET's HTML encoding.

A description arrives as the page's HTML fragment. Only ``p``, ``code``, ``strong``, ``em``,
``a`` (http/https), ``ul`` and ``li`` survive, balanced; everything else is shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape

KEPT = frozenset({"p", "code", "strong", "em", "a", "ul", "li"})
INLINE = frozenset({"code", "strong", "em", "a"})
BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # no HTML or Markdown shows these

Event = tuple[str, str, str]  # ("start" | "end" | "text", tag or text, href)


def visible(text: str) -> str:
    """``text`` with each control character HTML does not allow replaced by U+FFFD."""
    return BAD_CHARS.sub("\ufffd", text)


class _Fragment(HTMLParser):
    """Splits an HTML fragment into the events we keep; anything else becomes text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[Event] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in KEPT:
            self.handle_data(self.get_starttag_text() or f"<{tag}>")
            return
        href = dict(attrs).get("href") or "" if tag == "a" else ""
        scheme = urlsplit(href).scheme.lower() if href else ""
        self.events.append(("start", tag, href if scheme in ("http", "https") else ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in KEPT:
            self.events.append(("end", tag, ""))
        else:
            self.handle_data(f"</{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_data(self.get_starttag_text() or f"<{tag}/>")

    def handle_data(self, data: str) -> None:
        self.events.append(("text", visible(data), ""))

    def handle_comment(self, data: str) -> None:
        self.handle_data(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.handle_data(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.handle_data(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.handle_data(f"<![{data}]>")


def fragment_events(fragment: str) -> list[Event]:
    """Balanced events of the kept tags: p and ul never nest inside inline tags or p."""
    parser = _Fragment()
    parser.feed(fragment)
    parser.close()
    out: list[Event] = []
    stack: list[str] = []
    for kind, value, href in parser.events:
        if kind == "text" and ("code" in stack or "a" in stack or (stack and stack[-1] == "ul")):
            out.append((kind, value, href))
        elif kind == "text":
            out.extend(_inline_markup(value))
        elif kind == "start":
            _open(value, href, stack, out)
        elif value in stack:
            _close(value, stack, out)
    out.extend(("end", tag, "") for tag in reversed(stack))
    return out


def _close(tag: str, stack: list[str], out: list[Event]) -> None:
    """Close ``tag`` (open) and every tag opened inside it."""
    while stack:
        inner = stack.pop()
        out.append(("end", inner, ""))
        if inner == tag:
            break


_INLINE_MARKUP = re.compile(r"`([^`\n]+)`|\[([^\]\n]+)\]\((https?://[^\s()<>]+)\)")


def _inline_markup(text: str) -> Iterator[Event]:
    """Text events, with the Markdown in descriptions (`code`, [text](url)) made tags."""
    start = 0
    for match in _INLINE_MARKUP.finditer(text):
        yield ("text", text[start : match.start()], "")
        tag, inner, href = ("code", match[1], "") if match[1] else ("a", match[2], match[3])
        yield from (("start", tag, href), ("text", inner, ""), ("end", tag, ""))
        start = match.end()
    yield ("text", text[start:], "")


def _open(tag: str, href: str, stack: list[str], out: list[Event]) -> None:
    """Open ``tag``, closing what may not contain it; a misplaced tag is dropped."""
    if tag in ("p", "ul", "li"):
        stop = ("ul",) if tag == "li" else ("li",)
        while stack and stack[-1] not in stop:
            out.append(("end", stack.pop(), ""))
        if tag == "li" and not stack:
            return
    elif tag in stack or (stack and stack[-1] == "ul"):
        return  # no <a> in <a>, no <code> in <code>, no text directly in <ul>
    stack.append(tag)
    out.append(("start", tag, href))


def description_html(fragment: str) -> Markup:
    """Sanitised HTML: only p, code, strong, em, a (http/https), ul, li; the rest as text."""
    parts: list[str] = []
    for kind, value, href in fragment_events(fragment):
        if kind == "text":
            parts.append(str(escape(value)))
        elif kind == "end":
            parts.append(f"</{value}>")
        elif value == "a":
            parts.append(f'<a href="{escape(href)}">' if href else "<a>")
        else:
            parts.append(f"<{value}>")
    # Safe by construction: every text piece above is escaped and every tag is one we wrote.
    return Markup("".join(parts))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&#|~!])")


def description_markdown(fragment: str) -> str:
    """Markdown of a description; no raw HTML survives (``<`` and ``&`` are escaped)."""
    stack: list[list[str]] = [[]]
    hrefs: list[str] = []
    for kind, value, href in fragment_events(fragment):
        if kind == "text":
            code = any(tag == "code" for tag in _md_tags(stack))
            stack[-1].append(value if code else _md_text(value))
        elif kind == "start" and value in INLINE:
            stack.append([value])
            hrefs.append(href)
        elif kind == "start":
            stack[-1].append("\n\n" if value != "li" else "\n- ")
        elif value in INLINE:
            frame = stack.pop()
            stack[-1].append(_md_inline(frame[0], "".join(frame[1:]), hrefs.pop()))
        else:
            stack[-1].append("\n\n" if value != "li" else "")
    text = "".join(stack[0])
    text = re.sub(r"[ \t]*\n[ \t]*(?=\n)", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _md_tags(stack: list[list[str]]) -> Iterator[str]:
    return (frame[0] for frame in stack[1:])


def _md_text(text: str) -> str:
    flat = re.sub(r"\r\n?|[\x85\u2028\u2029]", "\n", text)
    flat = re.sub(r"\s*\n\s*\n\s*", "\n\n", flat)
    flat = re.sub(r"[ \t]*\n(?!\n)[ \t]*", " ", flat)
    return _MD_SPECIAL.sub(r"\\\1", flat)


def plain_markdown(text: str) -> str:
    """Plain text as Markdown showing every character as itself."""
    return _md_text(visible(text))


def _md_inline(tag: str, inner: str, href: str) -> str:
    if not inner.strip():
        return inner
    if tag == "code":
        return code_span(inner)
    if tag == "a":
        return f"[{inner}]({quote(href, safe=':/?#=&%@+,;!$*-._~')})" if href else inner
    mark = "**" if tag == "strong" else "*"
    return f"{mark}{inner}{mark}"


def code_span(text: str) -> str:
    """A Markdown code span holding ``text`` literally, whatever backticks it contains."""
    flat = text.replace("\n", " ")
    if "`" not in flat:
        return f"`{flat}`"
    runs = [len(r) for r in re.findall(r"`+", flat)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def code_block(text: str, language: str = "python") -> str:
    """A fenced Markdown code block whose fence no line of ``text`` can close."""
    runs = [len(r) for r in re.findall(r"`{3,}", text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}{language}\n{text}\n{fence}"


@dataclass(frozen=True, slots=True)
class Text:
    """One description, ready for each output: Markdown and sanitised HTML."""

    markdown: str
    html: Markup

    @staticmethod
    @lru_cache(maxsize=4096)  # an API repeats its descriptions (a shared field, a parameter)
    def of(fragment: str) -> Text:
        return Text(description_markdown(fragment), description_html(fragment))

    @staticmethod
    def plain(text: str) -> Text:
        """Plain text (a summary, a status line): every character shown as itself."""
        clean = visible(text)
        return Text(_md_text(clean), escape(clean))


# --------------------------------------------------------------------------- .NET encoding

_NAMED = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;"}
_REPLACED = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"),
             ("+", "&#x2B;"), ("\n", "&#xA;"))  # fmt: skip  # "&" first: the others hold one
_OTHERS = re.compile("[\x00-\x1f\x7f-\U0010ffff]")  # controls and non-ASCII


def dotnet_html_encode(text: str) -> str:
    """What .NET's ``HtmlEncoder.Default`` writes: ``"'+<>&``, controls, non-ASCII as entities."""
    for char, entity in _REPLACED:  # str.replace per character: far quicker than a regex
        text = text.replace(char, entity)
    return _OTHERS.sub(_encode_char, text)


def _encode_char(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or f"&#x{ord(char):X};"
