"""``emit/layout.py`` splits long lines exactly as black does (black is the reference)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Reporter
from generator.emit.format import format_files
from generator.emit.layout import Unsupported, layout_module
from generator.options import Options
from generator.pipeline import find_sources, load_api, render
from generator.pipeline.formatting import _emitted, split_pieces

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
]


@pytest.mark.parametrize("text", LINES)
def test_long_lines_are_split_as_black_splits_them(text: str) -> None:
    assert layout_module(text) == format_files({"m.py": text}, workers=1)["m.py"]


@pytest.mark.parametrize(
    "text", ["x = [a for a in b" + ", c" * 40 + "]\n", "f(" + "a, " * 40 + ")  # note\n"]
)
def test_lines_outside_the_subset_are_refused(text: str) -> None:
    with pytest.raises(Unsupported):
        layout_module(text)


@pytest.mark.slow
def test_black_changes_nothing_on_the_laid_out_corpus(corpus: Path) -> None:
    """Every piece of the Stripe client that layout handles equals black's output for it."""
    reporter = Reporter()
    source = find_sources(corpus / "pages" / "stripe", reporter)[0]
    api = load_api(source, reporter, Options())
    assert api is not None
    files = render(api, source, Options(), reporter)
    mine: dict[str, str] = {}
    raw: dict[str, str] = {}
    for path, text in files.items():
        if not path.endswith(".py") or not _emitted(path):
            continue
        for i, piece in enumerate(split_pieces(text)):
            try:
                mine[f"{path}.{i}.py"] = layout_module(piece)
            except Unsupported:
                continue
            raw[f"{path}.{i}.py"] = piece
    assert len(mine) > 100
    black = format_files(raw)
    assert [k for k in sorted(mine) if mine[k] != black[k]] == []
