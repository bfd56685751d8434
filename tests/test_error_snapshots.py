"""Broken pages give exact messages: a snapshot per case in ``tests/pages_with_errors/``.

Each case folder holds pages (most also a good page, ``GetWidgets.html``) and
``expected.txt``: the whole stderr of ``doc2client generate . -o ../out`` run in a copy of
the folder, then the exit code. ``huge_page`` and ``deep_schema`` get their bad page made
here (20 MB and 500 levels are not committed). Refresh with
``DOC2CLIENT_UPDATE_SNAPSHOTS=1 pytest tests/test_error_snapshots.py``; the comparison
itself is always strict.
"""

from __future__ import annotations

import difflib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.cli import main
from generator.diagnostics import Reporter
from generator.options import Options
from generator.write import MARKER
from tests.conftest import SEED_PAGE

CASES = Path(__file__).parent / "pages_with_errors"
GOOD_PAGES = ("GetWidgets.html", "PostCustomersCustomer.html")
HUGE_BYTES = 20 * 1024 * 1024
DEPTH = 500


def _good_page(work: Path) -> str:
    """A clean page with a body, made from the ``missing_h1`` case by restoring its ``<h1>``."""
    text = (CASES / "missing_h1" / "PostWidgetsWidget.html").read_text()
    opening = '<p  class="requestDescription">'
    return text.replace(opening, f'<h1  class="requestSummary">Update a widget</h1>\n{opening}')


def _huge_page(work: Path) -> None:
    text = _good_page(work)
    filler = "A sentence that pads the description of this widget page. " * 16 + "\n"
    count = HUGE_BYTES // len(filler) + 1
    huge = text.replace("Changes a widget.", filler * count)
    (work / "PostWidgetsWidget.html").write_text(huge)
    assert (work / "PostWidgetsWidget.html").stat().st_size > HUGE_BYTES


def _deep_schema(work: Path) -> None:
    level = '{"type": "object", "properties": {"inner": '
    schema = level * DEPTH + '{"type": "string"}' + "}}" * DEPTH
    start = '<pre  class="schema">'
    text = _good_page(work)
    head, _, rest = text.partition(start)
    tail = rest[rest.index("</pre>") :]
    (work / "PostWidgetsWidget.html").write_text(head + start + schema + tail)


def _seed(work: Path) -> None:
    shutil.copy(SEED_PAGE, work / SEED_PAGE.name)


MAKE: dict[str, Callable[[Path], None]] = {
    "huge_page": _huge_page,
    "deep_schema": _deep_schema,
    "seed_with_bad_page": _seed,
}
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generation cache for the module: runtime files are formatted once (speed only)."""
    return tmp_path_factory.mktemp("cache")


def _prepare(case: str, tmp_path: Path) -> Path:
    work = tmp_path / case
    shutil.copytree(CASES / case, work, ignore=shutil.ignore_patterns("expected.txt"))
    if case in MAKE:
        MAKE[case](work)
    return work


def _generate(
    work: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cache: Path,
) -> tuple[int, str, dict[str, bytes]]:
    """Run the CLI in ``work``; also return the tree the pipeline built (written or not)."""
    built: dict[str, bytes] = {}
    original = pipeline.build

    def keep(*args: Any, **kwargs: Any) -> dict[str, bytes]:
        built.update(original(*args, **kwargs))
        return built

    monkeypatch.chdir(work)
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "build", keep)
        code = main(["generate", ".", "-o", "../out", "--cache-dir", str(cache), "-v"])
    return code, capsys.readouterr().err, built


def _compare(case: str, actual: str) -> None:
    expected_file = CASES / case / "expected.txt"
    if os.environ.get("DOC2CLIENT_UPDATE_SNAPSHOTS") == "1":
        expected_file.write_text(actual)
    expected = expected_file.read_text() if expected_file.exists() else ""
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                "expected.txt",
                "actual",
            )
        )
        pytest.fail(
            f"{case}: messages differ from {expected_file}:\n{diff}\n"
            "refresh with DOC2CLIENT_UPDATE_SNAPSHOTS=1 pytest tests/test_error_snapshots.py"
        )


def test_every_case_has_a_snapshot() -> None:
    missing = [name for name in NAMES if not (CASES / name / "expected.txt").is_file()]
    assert len(NAMES) >= 20
    assert missing == []


@pytest.mark.parametrize("case", NAMES)
def test_messages(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cache_dir: Path,
) -> None:
    """Exact messages and exit code; nothing written on errors; good pages still rendered."""
    work = _prepare(case, tmp_path)
    code, err, built = _generate(work, monkeypatch, capsys, cache_dir)
    _compare(case, f"{err}exit code: {code}\n")
    has_errors = any(": error: " in line for line in err.splitlines())
    assert code == (2 if has_errors else 0)
    assert (tmp_path / "out" / MARKER).is_file() != has_errors
    good = {p.replace(".html", ".md") for p in GOOD_PAGES if (work / p).exists()}
    assert good <= {Path(rel).name for rel in built}
    assert bool(good) == (case != "no_pages")


def test_seed_operation_rendered_beside_bad_page(tmp_path: Path) -> None:
    work = _prepare("seed_with_bad_page", tmp_path)
    reporter = Reporter()
    files = pipeline.build([(work, Options())], reporter)
    resources = files["seed_with_bad_page_client/seed_with_bad_page_client/resources/customers.py"]
    assert b"def update(" in resources
    assert b"/v1/customers/{customer}" in resources
    assert [d.code for d in reporter.items if d.level == "error"] == ["bad-method"]


def test_error_leaves_old_output_unchanged(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cache_dir: Path,
) -> None:
    work = _prepare("unknown_location", tmp_path)  # warnings only: written
    assert _generate(work, monkeypatch, capsys, cache_dir)[0] == 0
    before = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    (work / "Empty.html").write_text("")
    assert _generate(work, monkeypatch, capsys, cache_dir)[0] == 2
    after = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert before and after == before
