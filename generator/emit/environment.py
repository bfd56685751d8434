"""The one Jinja environment of a run, and the filters that make text safe to place.

Templates are looked up in the user's folders first, then in the built-in ``templates/``
folder, so a user file named like a built-in one (``package/_client.py.jinja``) replaces it.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
import unicodedata
from collections.abc import MutableMapping, Sequence
from functools import lru_cache
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from generator import __version__
from generator.cache import digest
from generator.emit.python import negated, pyrepr
from generator.memo import active

DOC_WIDTH = 88  # wrap width of docstring text (the generated code's line length is 100)


def builtin_templates() -> Path:
    """The built-in templates: beside ``generator/`` in a checkout, inside it when installed."""
    checkout = Path(__file__).resolve().parents[2] / "templates"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("generator") / "templates"))


class MemoBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in the active memo's store (``generator/memo.py``), if any;
    without one (``--no-cache``), the built-in templates' kept beside them in
    ``templates/__pycache__/`` by Jinja's ``FileSystemBytecodeCache``, as Python keeps modules
    compiled (compiling them cost a third of a CPU-second in every such run).

    Each memo entry is named by the template's name, file and source checksum; the store
    checks every payload's HMAC under this user's key, so a damaged or planted entry is a
    miss and the template is compiled again (bytecode is code: only this user's own is
    ever loaded). The folder beside the templates is read only when no other user can write
    it; Jinja's header in each file (its format, Python's version, the template source's
    checksum) makes a stale one a miss. User templates are never kept there.
    """

    def __init__(self, builtin: Path | None = None) -> None:
        self._root = (builtin or builtin_templates()).resolve()
        self._folder = jinja2.FileSystemBytecodeCache(str(self._root / "__pycache__"))
        self._builtin: set[str] = set()  # the bucket keys of built-in templates

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        if filename is not None and Path(filename).resolve().is_relative_to(self._root):
            self._builtin.add(self.get_cache_key(name, filename))
        return super().get_bucket(environment, name, filename, source)

    def _key(self, bucket: jinja2.bccache.Bucket) -> str:
        return digest("jinja", __version__, jinja2.__version__, bucket.key, bucket.checksum)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        store = active().store
        if store is None:
            if bucket.key in self._builtin and _trusted(Path(self._folder.directory)):
                self._folder.load_bytecode(bucket)
            return
        data = store.get("jinja", self._key(bucket))
        if data is None:
            return
        try:
            bucket.bytecode_from_string(data)
        except Exception:  # unreadable: compile again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        store = active().store
        if store is not None:
            store.put("jinja", self._key(bucket), bucket.bytecode_to_string())
        elif bucket.key in self._builtin:
            try:
                os.makedirs(self._folder.directory, mode=0o755, exist_ok=True)
                self._folder.dump_bytecode(bucket)
            except OSError:  # a folder that cannot be written: the template is not kept
                return


def _trusted(path: Path) -> bool:
    """Owned by this user or root, and writable by no one else."""
    try:
        info = path.stat()
    except OSError:
        return False
    return info.st_uid in (os.getuid(), 0) and not info.st_mode & 0o022


class Environment(jinja2.Environment):
    """Jinja's environment, a template's globals made one dict (Jinja's is a ``ChainMap``
    over the environment's): each ``{% import %}`` compares the importer's globals with the
    imported template's, and the validator partials import one another in every check they
    write, where walking a ``ChainMap`` cost a tenth of rendering ``_validators.py``. The same
    globals: ``make_environment`` sets the environment's before any template loads (Jinja
    asks that globals not change after that), and a template's own still overlay them."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def make_environment(extra_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """The environment for one run: user folders first, then the built-in templates.

    While a memo is active (``generator.memo.remembering``), compiled templates are kept
    in its store between runs; without one, the built-in ones are kept beside them
    (``MemoBytecodeCache``).
    """
    loaders = [jinja2.FileSystemLoader(str(d)) for d in extra_dirs]
    loaders.append(jinja2.FileSystemLoader(str(builtin_templates())))
    env = Environment(
        loader=jinja2.ChoiceLoader(loaders),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=is_html,
        auto_reload=False,  # one run: a template's file is read once, not checked per use
        bytecode_cache=MemoBytecodeCache(),
    )
    env.filters.update(
        pyrepr=pyrepr, docstring=docstring, comment=comment, plain=html_to_text, toml=toml_string,
        negated=negated,
    )
    env.globals.update(pyrepr=pyrepr, header_line=header_line)
    return env


HEADER_WIDTH = 100  # the generated code's line length (its pyproject.toml)


def header_line(path: str, source: str) -> str:
    """The first line of a generated file: generated by which version, from which source
    (three ``#`` lines when one would be longer than the generated code's line length).

    A ``#`` comment for Python, TOML and other text files, an HTML comment for ``.md`` and
    ``.html``, a block comment for ``.css``, ``.js`` and ``.ts``. (HTML templates autoescape, so
    ``render`` passes it to them as ``Markup``.)
    """
    text = comment(f"Generated by doc2client {__version__} from {source}. Do not edit.")
    if path.endswith((".md", ".html", ".htm")):
        return f"<!-- {text} -->"
    if path.endswith((".css", ".js", ".mjs", ".ts", ".tsx")):
        return "/* " + text.replace("*/", "* /") + " */"
    if len(text) + 2 <= HEADER_WIDTH:
        return f"# {text}"
    # a long source on a line of its own: the lines fit the generated code's line length
    return "\n".join(f"# {part}".rstrip() for part in (
        f"Generated by doc2client {__version__} from", f"{comment(source)}.", "Do not edit."))


def is_html(name: str | None) -> bool:
    """Autoescape only templates that render HTML (``x.html`` or ``x.html.jinja``)."""
    return bool(name) and str(name).removesuffix(".jinja").endswith((".html", ".htm"))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
_QUOTE_RUN = re.compile(r'"{3,}')
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def clean_text(text: str) -> str:
    """Text without control characters; every kind of line break becomes ``\\n``."""
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    text = _CONTROL.sub("", text)
    if text.isascii():  # no surrogates, private use or unassigned characters
        return text
    return "".join(c for c in text if unicodedata.category(c) not in ("Cs", "Co", "Cn"))


def toml_string(text: object) -> str:
    """A TOML basic string for any text."""
    return json.dumps(clean_text(str(text)), ensure_ascii=False)


def comment(text: object) -> str:
    """One line of text safe after ``#`` (or inside an HTML/Markdown comment)."""
    flat = " ".join(clean_text(str(text)).split())
    return flat.replace("--", "- -")


def docstring(text: object, indent: int = 4, args: Sequence[tuple[str, str]] = ()) -> str:
    """The body of a triple-quoted docstring: plain, wrapped text that cannot end the string.

    HTML is turned into text; backslashes and quote runs are escaped so the literal means
    exactly the text shown. A multi-line body ends with a newline and ``indent`` spaces, so
    the closing quotes sit on a line of their own. ``args``: (name, HTML or text) pairs, shown
    as an ``Args:`` section (Google style, as openai-python writes it).
    """
    return _docstring(str(text), indent, tuple((str(n), str(t)) for n, t in args))


@lru_cache(maxsize=2048)  # the sync and the async method show the same docstring
def _docstring(text: str, indent: int, args: tuple[tuple[str, str], ...]) -> str:
    width = max(DOC_WIDTH - indent, 40)
    paragraphs = [wrap(p, width) for p in html_to_text(text).split("\n\n")]
    paragraphs.append(args_section(args, width))
    body = "\n\n".join(p for p in paragraphs if p)
    body = body.replace("\\", "\\\\")
    trailing = len(body) - len(body.rstrip('"'))  # a quote may not touch the closing quotes
    body = _QUOTE_RUN.sub(lambda m: '\\"' * len(m.group()), body[: len(body) - trailing])
    body += '\\"' * trailing
    closing = "\n" + " " * indent if "\n" in body else ""  # closing quotes on a line of their own
    return textwrap.indent(body, " " * indent).lstrip(" ") + closing


def args_section(args: Sequence[tuple[str, str]], width: int) -> str:
    """``Args:`` then each argument, ``name: text`` indented 4, its further lines 8."""
    if not args:
        return ""
    lines = ["Args:"]
    for name, text in args:
        flat = " ".join(html_to_text(text).split())
        lines += wrap_words(f"{name}: {flat}", width, "    ", "        ")
    return "\n".join(lines)


def wrap(paragraph: str, width: int) -> str:
    """Wrap each line of a paragraph, keeping list items on lines of their own.

    ``textwrap``, not ``wrap_words``: a line of a description is as written (leading
    spaces, tabs, spaces at its end), which only ``textwrap`` treats as before."""
    lines = []
    for line in paragraph.split("\n"):
        lines.extend(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False))
    return "\n".join(lines)


def wrap_words(line: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """``textwrap.wrap(line, width, initial_indent=first, subsequent_indent=rest,
    break_long_words=False, break_on_hyphens=False)`` for a ``line`` of words joined by
    single spaces (as ``" ".join(text.split())`` makes it): each line takes words while they
    fit in ``width`` with its indent; a longer word stands alone. (The same lines as
    ``textwrap``, without its chunking, which cost a tenth of rendering Stripe's modules.)"""
    lines: list[str] = []
    current = ""
    indent = first
    for word in line.split(" "):
        if not current:
            current = word
        elif len(indent) + len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(indent + current)
            indent, current = rest, word
    if current:
        lines.append(indent + current)
    return lines


class _TextParser(HTMLParser):
    """Collects the text of an HTML fragment; block elements become paragraph breaks."""

    BLOCKS = frozenset({"p", "div", "ul", "ol", "table", "pre", "h1", "h2", "h3", "h4", "section"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(" ".join(data.split("\n")))


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (or of plain text): tags gone, entities decoded.

    Paragraphs are separated by one blank line; runs of spaces are collapsed.
    """
    if "<" not in fragment and "&" not in fragment:
        text = fragment
    else:
        parser = _TextParser()
        parser.feed(fragment)
        parser.close()
        text = "".join(parser.parts)
    text = clean_text(text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
