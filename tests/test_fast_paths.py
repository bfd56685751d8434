"""The shortcuts taken for speed: an encoded schema's common references replaced before
``html.unescape`` (``scrape/source.py``) and docstring text wrapped without ``textwrap``'s
chunking (``emit/environment.py``) give exactly what the standard library gives; the built-in
templates are compiled once and kept beside them, safely (``MemoBytecodeCache``)."""

from __future__ import annotations

import html
import textwrap
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.emit.environment import MemoBytecodeCache, wrap, wrap_words
from generator.scrape.source import unescape


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="&#;xXA0123456789quotampnbsp\"\n <", max_size=40))
def test_unescape_is_html_unescape(text: str) -> None:
    assert unescape(text) == html.unescape(text)


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_.:/`é", min_size=1, max_size=30)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(WORDS, max_size=40), st.integers(10, 90), st.sampled_from(["", "  ", "    "]),
       st.sampled_from(["", "    ", "        "]))  # fmt: skip
def test_wrap_words_is_textwrap(words: list[str], width: int, first: str, rest: str) -> None:
    line = " ".join(words)
    expected = textwrap.wrap(line, width, initial_indent=first, subsequent_indent=rest,
                             break_long_words=False, break_on_hyphens=False)  # fmt: skip
    assert wrap_words(line, width, first, rest) == expected


@pytest.mark.parametrize("line", ["  indented code, then words", "a\tb c d e f g h", "ends in space "])
def test_a_description_line_as_written_wraps_as_textwrap_wraps_it(line: str) -> None:
    """``wrap`` takes lines as written, which ``wrap_words`` (one space between words) does
    not: it keeps ``textwrap``."""
    expected = textwrap.wrap(line, 12, break_long_words=False, break_on_hyphens=False)
    assert wrap(line, 12) == "\n".join(expected)


def _environment(root: Path, user: Path) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(user)),
                                  jinja2.FileSystemLoader(str(root))])  # fmt: skip
    return jinja2.Environment(loader=loader, bytecode_cache=MemoBytecodeCache(root))


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from here on."""
    compiled: list[str] = []
    original = jinja2.Environment._compile

    def spy(self: jinja2.Environment, source: str, filename: str) -> object:
        compiled.append(Path(filename).name)
        return original(self, source, filename)

    monkeypatch.setattr(jinja2.Environment, "_compile", spy)
    return compiled


def test_builtin_templates_are_compiled_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, user = tmp_path / "templates", tmp_path / "mine"
    (root / "docs").mkdir(parents=True)
    user.mkdir()
    (root / "docs" / "a.md.jinja").write_text("A {{ x }}")
    (user / "b.md.jinja").write_text("B {{ x }}")
    compiled = _compiles(monkeypatch)
    for _ in range(2):  # the second run reads the built-in one compiled by the first
        env = _environment(root, user)
        assert env.get_template("docs/a.md.jinja").render(x=1) == "A 1"
        assert env.get_template("b.md.jinja").render(x=2) == "B 2"
    assert compiled == ["a.md.jinja", "b.md.jinja", "b.md.jinja"]  # user templates: each run
    assert len(list((root / "__pycache__").iterdir())) == 1  # the built-in template only

    (root / "docs" / "a.md.jinja").write_text("A2 {{ x }}")  # changed: compiled again
    assert _environment(root, user).get_template("docs/a.md.jinja").render(x=1) == "A2 1"
    assert compiled[-1] == "a.md.jinja"


def test_compiled_templates_in_a_folder_others_can_write_are_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "templates"
    root.mkdir()
    (root / "a.md.jinja").write_text("A {{ x }}")
    _environment(root, tmp_path).get_template("a.md.jinja")
    compiled = _compiles(monkeypatch)
    (root / "__pycache__").chmod(0o777)
    assert _environment(root, tmp_path).get_template("a.md.jinja").render(x=1) == "A 1"
    assert compiled == ["a.md.jinja"]
    (root / "__pycache__").chmod(0o755)
    _environment(root, tmp_path).get_template("a.md.jinja")
    assert compiled == ["a.md.jinja"]  # read again once the folder is safe
