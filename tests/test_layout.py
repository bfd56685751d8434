"""``emit/layout.py`` splits long lines exactly as black does (black is the reference)."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import pytest

from generator.diagnostics import Reporter
from generator.emit.format import format_files
from generator.emit.layout import Unsupported, layout_module
from generator.options import Options
from generator.pipeline import build
from tests.conftest import SPECS, corpus_path

LINES = [
    "def f(self, customer: str, /, *, expand: Sequence[str] | NotGiven = NOT_GIVEN, "
    "request_options: RequestOptions | None = None) -> Any:\n    pass\n",
    "def check(value: Mapping[str, Any], query: Mapping[str, Any] | None = None)"
    " -> list[tuple[str, str]]:\n    pass\n",
    "class A:\n    def f(self):\n        return self._client.request(\"GET\", format_path("
    "\"/v1/customers/{customer}\", customer=customer), options=request_options, raw=self._raw)\n",
    "class A:\n    def f(self):\n        body = strip_not_given({"
    + ", ".join(f'"field_{i}": field_{i}' for i in range(12)) + "})\n",
    "class A:\n    def f(self):\n        if self._client.validate and (problems := "
    "_validators.accounts_bank_accounts_retrieve_more_words({}, query)):\n            pass\n",
    "from .._types import " + ", ".join(f"TypeNumber{i}" for i in range(14)) + "\n",
    "_ENUM1 = frozenset({" + ", ".join(f'"value_{i}"' for i in range(30)) + "})\n",
    "x: Literal[" + ", ".join(f'"v{i}"' for i in range(30)) + '] | Literal[""]\n',
    "class A:\n    def f(self):\n        result: Any = self._client.request(\"GET\", \"/v1/account\","
    " query=query, options=request_options, raw=self._raw)\n",
    'class A:\n    """' + "A docstring longer than the line. " * 4 + 'Ends here."""\n',
    '_TEXT9 = "' + "x" * 120 + '"  # noqa: E501\n',
    "class A:\n    def f(self):\n        return self._client.request(\"POST\", path, body=body, "
    "clear=(\"metadata\",), options=request_options, raw=self._raw)\n",
    'x = f(("' + "m" * 100 + '",), y)\n',
    'def f(a=("' + "q" * 90 + '",)) -> None:\n    pass\n',
    "AUTH: Final[tuple[tuple[tuple[str, str, str], ...], ...]] = "
    '((("header", "Authorization", "api_key"),), (("bearer", "", "api_key"),))\n',
    "AUTH: Final[tuple[tuple[tuple[str, str, str], ...], ...]] = "
    '((("query", "api_key", "api_key"), ("query", "api_secret", "api_secret")),)\n',
    "def f():\n    return (" + ", ".join(f"value_number_{i}" for i in range(8)) + ")\n",
]


@pytest.mark.parametrize("text", LINES)
def test_long_lines_are_split_as_black_splits_them(text: str) -> None:
    assert layout_module(text) == format_files({"m.py": text}, workers=1)["m.py"]


@pytest.mark.parametrize(
    "text",
    ["x = [a for a in b" + ", c" * 40 + "]\n", "f(" + "a, " * 40 + ")  # note\n",
     'x = call(("one",), (' + ", ".join(f"v{i}" for i in range(30)) + ",))\n"],
)
def test_lines_outside_the_subset_are_refused(text: str) -> None:
    with pytest.raises(Unsupported):
        layout_module(text)


def test_a_default_run_gives_black_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runtime modules are kept in black's style and the emitters write it, so a default
    run lays out every module and never starts black (the corpus test below proves black
    would change nothing)."""
    import generator.emit.format

    def refuse(path: str, text: str) -> tuple[str, str | None]:
        raise AssertionError(f"black was given a piece of {path}:\n{text[:300]}")

    monkeypatch.setattr(generator.emit.format, "format_one", refuse)
    files = build([(SPECS, Options())], Reporter())
    assert any(p.endswith("/_base.py") for p in files)


def test_forked_layout_workers_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Modules laid out in forked workers (as a large API is) come back in order, the same
    as laid out in one process."""
    import generator.pipeline
    import generator.pipeline.workers as workers
    from generator.memo import Memo
    from generator.pipeline.formatting import Started

    alone = build([(SPECS, Options())], Reporter())
    parent, real = os.getpid(), workers.lay_out

    def in_a_worker(files: Mapping[str, str], units: Sequence[workers.Unit]) -> workers.Laid:
        assert os.getpid() != parent, "laid out in the parent process"
        return real(files, units)

    begun: list[str] = []
    real_start = generator.pipeline.start_layout

    def start(code: Mapping[str, str], memo: Memo, forced: Collection[str]) -> Started:
        begun.extend(code)  # the modules, before the docs were rendered
        assert not any("/docs/" in path for path in code)
        return real_start(code, memo, forced)

    monkeypatch.setattr(workers, "PARALLEL_LAYOUT", 0)
    monkeypatch.setattr(workers, "lay_out", in_a_worker)
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(generator.pipeline, "start_layout", start)
    if not workers.can_fork():
        pytest.skip("no fork on this platform: layout runs in one process")
    assert build([(SPECS, Options())], Reporter()) == alone
    assert "stripe_client/stripe_client/_validators.py" in begun


def corpus_inputs() -> list[str]:
    """Every OpenAPI document of the corpus (DigitalOcean's main file), relative to it, read
    when the tests are collected: one test each, so that xdist spreads them. The Stripe
    pages, the largest input, are checked the same way in ``tests/test_corpus.py``, on the
    client that module builds anyway. Without a corpus, ``[""]``: the one test skips (fails
    under CI)."""
    root = corpus_path()
    documents = sorted(
        p for p in (root / "openapi").glob("*/*") if p.suffix in (".json", ".yaml", ".yml")
    )
    found = [p.relative_to(root).as_posix() for p in documents]
    if found:
        found.append("openapi/digitalocean/specification/DigitalOcean-public.v2.yaml")
    return found or [""]


def test_every_corpus_document_is_given_to_black(corpus: Path) -> None:
    assert len(corpus_inputs()) >= 7, corpus_inputs()


@pytest.mark.slow
@pytest.mark.parametrize("document", corpus_inputs())
def test_black_changes_nothing_on_a_default_run_over_the_corpus(
    corpus: Path, document: str
) -> None:
    """What a default run writes (laid out, black only where layout declines) is black-stable.

    For each corpus input: it generates, and each ``.py`` file, given to black, comes back
    unchanged. The laid-out pieces carry no trailing comma black would not write (see the
    constructs test above, which compares with black on the unformatted text).
    """
    reporter = Reporter()
    files = build([(corpus / document, Options())], reporter)
    python = {p: data.decode("utf-8") for p, data in files.items() if p.endswith(".py")}
    assert python, f"{document} generates no module"
    black = format_files(python)
    assert [p for p in sorted(python) if black[p] != python[p]] == [], document


def test_black_formats_what_user_templates_write(tmp_path: Path) -> None:
    """Overlays go through black; with overlays only, the built-in files are laid out."""
    from generator.pipeline.formatting import user_written
    from generator.pipeline.loading import load_api
    from generator.pipeline.sources import find_sources

    overlay = tmp_path / "templates" / "api" / "{package}" / "extra.py.jinja"
    overlay.parent.mkdir(parents=True)
    overlay.write_text("{{ version_line }}\nvalues=[1,2,\n  3]\n", encoding="utf-8")
    options = Options(templates=(tmp_path / "templates",))
    files = build([(SPECS, options)], Reporter())
    extra = files["stripe_client/stripe_client/extra.py"].decode()
    assert extra.endswith("values = [1, 2, 3]\n")
    reporter = Reporter()
    source = find_sources(SPECS, reporter)[0]
    api = load_api(source, reporter, options)
    assert api is not None
    written = {"stripe_client/stripe_client/extra.py": "", "stripe_client/README.md": ""}
    assert user_written(api, options.templates, written) == {"stripe_client/stripe_client/extra.py"}
    (tmp_path / "templates" / "package").mkdir()
    (tmp_path / "templates" / "package" / "_types.py.jinja").write_text("", encoding="utf-8")
    assert user_written(api, options.templates, written) == set(written)


def test_header_and_cookie_parameters_are_laid_out_without_black(tmp_path: Path) -> None:
    """An operation's header and cookie parameters (``with_headers``, ``header_params``,
    ``cookie_header``) are statements the layout handles: no module piece of such an API
    falls to black (a comprehension or a subscripted target would)."""
    from generator.emit import render_api
    from generator.pipeline import split_pieces
    from tests.openapi_client import build_api
    from tests.test_wire_styles import DOCUMENT

    reporter = Reporter()
    files = render_api(build_api(tmp_path, DOCUMENT, "styles", reporter), source_label="s.yaml")
    resources = {rel: text for rel, text in files.items() if "/resources/" in rel}
    assert any("header_params(" in t for t in resources.values())
    assert any("cookie_header(" in t for t in resources.values())
    declined = []
    for rel, text in resources.items():
        for piece in split_pieces(text):
            try:
                layout_module(piece)
            except Unsupported as exc:
                declined.append(f"{rel}: {exc}")
    assert declined == []
