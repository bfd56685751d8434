"""The generation cache never changes the output: cold, warm, edited, corrupted, all equal."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cache import Cache, digest, tree_fingerprint
from generator.diagnostics import Reporter
from generator.memo import Memo
from generator.options import Options, RunStats
from generator.pipeline import build, format_kept, render, split_pieces
from generator.progress import Progress
from generator.write import write_tree

STRIPE_PAGES = (
    "PostCustomersCustomer", "GetCustomers", "GetChargesCharge", "DeleteCustomersCustomer",
)  # fmt: skip
EDITED = "PostCustomersCustomer.html"


@pytest.fixture()
def specs(corpus: Path, tmp_path: Path) -> Path:
    """A folder of three small APIs copied from the corpus (so a test may edit it)."""
    root = tmp_path / "specs"
    for api in ("sample", "apis-io-maintainers"):
        shutil.copytree(corpus / "pages" / api, root / api)
    (root / "stripe").mkdir()
    for name in STRIPE_PAGES:
        shutil.copy(corpus / "pages" / "stripe" / f"{name}.html", root / "stripe")
    return root


def run(
    specs: Path, cache: Cache, options: Options | None = None
) -> tuple[dict[str, bytes], list[str], list[tuple[str, int, int]]]:
    reporter, stats = Reporter(), RunStats()
    files = build([(specs, options or Options())], reporter, stats, cache=cache)
    return files, [str(d) for d in reporter.sorted()], stats.apis


def edit_page(specs: Path) -> None:
    page = specs / "stripe" / EDITED
    text = page.read_text(encoding="utf-8")
    assert "The customer&#x27;s address." in text
    page.write_text(text.replace("The customer&#x27;s address.", "Where mail goes."), "utf-8")


def test_warm_and_edited_runs_equal_cold_runs(specs: Path, tmp_path: Path) -> None:
    cold = run(specs, Cache(None))
    cache = Cache(tmp_path / "cache")
    assert run(specs, cache) == cold
    warm_cache = Cache(tmp_path / "cache")
    assert run(specs, warm_cache) == cold
    assert warm_cache.hits > 0 and warm_cache.misses == 0
    edit_page(specs)
    edited_cold = run(specs, Cache(None))
    assert edited_cold[0] != cold[0]
    edited_cache = Cache(tmp_path / "cache")
    assert run(specs, edited_cache) == edited_cold
    assert edited_cache.hits > 0  # the other pages, the formatted pieces
    assert run(specs, Cache(tmp_path / "cache")) == edited_cold


class CountingCache(Cache):
    """A cache that counts the entries it writes, by kind."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.written: dict[str, int] = {}

    def put(self, kind: str, key: str, payload: bytes) -> None:
        self.written[kind] = self.written.get(kind, 0) + 1
        super().put(kind, key, payload)


def replace_in(page: Path, old: str, new: str) -> None:
    text = page.read_text(encoding="utf-8")
    assert old in text, (page, old)
    page.write_text(text.replace(old, new), "utf-8")


EDITS = (  # (page, old, new): a summary, a schema constraint, a field description
    ("stripe/GetCustomers.html", ">GetCustomers</h1>", ">List all customers</h1>"),
    ("stripe/PostCustomersCustomer.html", "&quot;maxLength&quot;: 5000", "&quot;maxLength&quot;: 4000"),
    ("apis-io-maintainers/updateMaintainer.html", "description of the API", "what the API does"),
)  # fmt: skip


def test_each_kind_of_edit_reuses_pieces_and_equals_a_cold_run(specs: Path, tmp_path: Path) -> None:
    """Rendered pieces are kept per file and function: an edit renders only what it reaches."""
    root = tmp_path / "cache"
    first = CountingCache(root)
    run(specs, first)
    pieces = first.written["unit"]
    for page, old, new in EDITS:
        replace_in(specs / page, old, new)
        cache = CountingCache(root)
        assert run(specs, cache) == run(specs, Cache(None)), page
        assert 0 < cache.written["unit"] < pieces // 4, (page, cache.written)
    (specs / "stripe" / "GetChargesCharge.html").unlink()  # a whole resource goes away
    assert run(specs, Cache(root)) == run(specs, Cache(None))


def damage(root: Path) -> int:
    """Truncate, flip or empty every cache entry (in turn); the count damaged."""
    entries = sorted(p for p in root.rglob("*") if p.is_file())
    for i, path in enumerate(entries):
        data = path.read_bytes()
        if i % 3 == 0:
            path.write_bytes(data[: len(data) // 2])
        elif i % 3 == 1:
            flipped = bytes([data[-1] ^ 0xFF]) if data else b"x"
            path.write_bytes(data[:-1] + flipped)
        else:
            path.write_bytes(b"")
    return len(entries)


def test_corrupted_or_missing_entries_do_not_change_the_output(specs: Path, tmp_path: Path) -> None:
    cold = run(specs, Cache(None))
    root = tmp_path / "cache"
    run(specs, Cache(root))
    assert damage(root) > 10
    (root / "runs" / "zz").mkdir(parents=True, exist_ok=True)
    (root / "runs" / "zz" / ".leftover.123.tmp").write_bytes(b"partial")
    assert run(specs, Cache(root)) == cold
    shutil.rmtree(root / "blobs")  # the manifest is there, its files are not
    assert run(specs, Cache(root)) == cold


def test_user_templates_are_part_of_the_key(specs: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "overlay" / "package"
    overlay.mkdir(parents=True)
    readme = overlay / "README.md.jinja"
    options = Options(templates=(tmp_path / "overlay",))
    cache_dir = tmp_path / "cache"
    for word in ("first", "second"):
        readme.write_text(f"{{{{ version_line }}}}\n# {word} {{{{ package }}}}\n", "utf-8")
        files, _, _ = run(specs / "sample", Cache(cache_dir), options)
        assert (
            files["sample_client/README.md"].decode().splitlines()[1] == f"# {word} sample_client"
        )
        assert run(specs / "sample", Cache(None), options)[0] == files


def test_pieces_format_as_the_whole_module(specs: Path) -> None:
    from generator.emit.format import format_one
    from generator.pipeline import find_sources, load_api

    reporter = Reporter()
    source = next(s for s in find_sources(specs, reporter) if s.name == "stripe")
    api = load_api(source, reporter, Options())
    assert api is not None
    files = render(api, source, Options(), reporter)
    modules = [p for p in files if p.endswith(".py") and len(split_pieces(files[p])) > 1]
    assert modules, "no module was cut in pieces: the test would prove nothing"
    pieced = format_kept(files, reporter, Memo(None), Progress(enabled=False))
    for path in modules:
        whole, error = format_one(path, files[path])
        assert error is None
        assert pieced[path] == whole, path


def test_unchanged_files_keep_their_modification_times(specs: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    write_tree(out, run(specs, Cache(cache))[0])
    readme = out / "sample_client" / "README.md"
    before = readme.stat()
    time.sleep(0.01)
    edit_page(specs)
    result = write_tree(out, run(specs, Cache(cache))[0])
    assert result.written and all(p.startswith("stripe_client/") for p in result.written)
    after = readme.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_fingerprints_follow_content(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("one")
    first = tree_fingerprint([tmp_path])
    (tmp_path / "a.html").write_text("two")
    assert tree_fingerprint([tmp_path]) != first
    assert digest("ab", "c") != digest("a", "bc")


def test_no_op_run_imports_neither_scraper_nor_formatter(specs: Path, tmp_path: Path) -> None:
    argv = ["generate", str(specs), "-o", str(tmp_path / "out"), "--cache-dir",
            str(tmp_path / "cache"), "-q"]  # fmt: skip
    code = (
        "import sys\nfrom generator.cli import main\n"
        f"rc = main({argv!r})\n"
        "print(rc, sorted(m for m in ('bs4', 'black', 'jinja2') if m in sys.modules))\n"
    )
    first = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    second = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert first.stdout.split()[0] == "0", first.stderr
    assert second.stdout.strip() == "0 []", second.stderr


def test_progress_draws_only_when_asked_and_erases_itself() -> None:
    quiet = io.StringIO()
    with Progress(stream=quiet) as progress:  # not a terminal: never drawn
        progress.stage("scraping pages", 3)
        progress.advance()
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    with Progress(enabled=True, stream=shown, delay=0) as progress:
        progress.stage("scraping pages", 4)
        progress.advance(2)
        assert progress.line().startswith("doc2client: scraping pages:  50%|")
        assert "| 2/4 [00:00<" in progress.line()  # done/total, time taken < time left
        time.sleep(0.3)
    text = shown.getvalue()
    assert "doc2client: scraping pages" in text and text.endswith("\r")  # erased
    late = io.StringIO()
    with Progress(enabled=True, stream=late, delay=5):
        pass
    assert late.getvalue() == ""


# Pages whose code black and ruff would format differently if it were not written in their
# common style: long union annotations, a long required ``Sequence[...]``, long messages.
PARITY_PAGES = ("PostAccounts", "PostWebhookEndpoints", "PostTaxRates", "PostLinkAccountSessions")


@pytest.mark.slow
def test_ruff_gives_exactly_black_output(specs: Path, corpus: Path) -> None:
    """``--formatter ruff`` gives black's files byte for byte, and keeps black's output as is."""
    if shutil.which("ruff", path=os.path.dirname(sys.executable)) is None:
        pytest.skip("ruff not installed")
    from generator.emit.format import format_files
    from generator.emit.format_ruff import format_files_ruff
    from generator.pipeline import find_sources, load_api

    for name in PARITY_PAGES:
        shutil.copy(corpus / "pages" / "stripe" / f"{name}.html", specs / "stripe")
    reporter = Reporter()
    files: dict[str, str] = {}
    for source in find_sources(specs, reporter):
        api = load_api(source, reporter, Options())
        assert api is not None
        files.update(render(api, source, Options(), reporter))
    black_out, ruff_out = format_files(files), format_files_ruff(files)
    python = sorted(p for p in black_out if p.endswith(".py"))
    assert len(python) >= 20
    for path in python:
        assert ruff_out[path] == black_out[path], path
    assert format_files_ruff({p: black_out[p] for p in python}) == {p: black_out[p] for p in python}
    text = "\n".join(black_out[p] for p in python)
    # the cases it is about: a long annotation, a long constant split over lines (a set of
    # names; long strings are test_long_constants_…'s), a long Sequence
    for evidence in (r": \($", r"^_[A-Z0-9_]+ = \w+\($", r": Sequence\[$"):
        assert re.search(evidence, text, re.MULTILINE), evidence


def test_long_constants_are_written_as_both_formatters_leave_them() -> None:
    if shutil.which("ruff", path=os.path.dirname(sys.executable)) is None:
        pytest.skip("ruff not installed")
    from generator.emit.format import format_files
    from generator.emit.format_ruff import format_files_ruff
    from generator.emit.validators import _constant_line

    texts = ['"' + "x" * n + '"' for n in (20, 88, 91, 94, 95, 120)]
    module = "".join(_constant_line(f"_TEXT{i}", text) + "\n" for i, text in enumerate(texts))
    assert "= (\n" in module and "# noqa: E501" in module
    files = {"m.py": module}
    assert format_files(files) == files == format_files_ruff(files)


def test_no_op_write_compares_digests_without_reading_the_cached_files(
    specs: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    write_tree(out, run(specs, Cache(cache))[0])
    shutil.rmtree(cache / "blobs")  # the manifest remains: a replay cannot read any content
    replayed = run(specs, Cache(cache))[0]
    assert write_tree(out, replayed).written == ()
    readme = out / "sample_client" / "README.md"
    readme.write_bytes(readme.read_bytes() + b"edited\n")
    result = write_tree(out, replayed)  # contents needed: rebuilt, as the cache lost them
    assert result.written == ("sample_client/README.md",)
    assert run(specs, Cache(None))[0] == dict(replayed)


class DictStore:
    """A memo store in memory that counts what it is asked for and holds."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], bytes] = {}
        self.hits = 0

    def get(self, kind: str, key: str) -> bytes | None:
        found = self.entries.get((kind, key))
        self.hits += found is not None
        return found

    def put(self, kind: str, key: str, payload: bytes) -> None:
        self.entries[(kind, key)] = payload


SHARING = ("PostCustomers", "PostCustomersCustomer", "PostAccounts", "PostAccountsAccount")


def test_operations_read_alone_give_the_model_of_a_cold_read(corpus: Path) -> None:
    """Each operation's reading is kept on its own (``normalise._read_alone``): a model made
    from kept readings, with one page changed, equals the cold model, shared shapes (these
    pages share ``address`` and more) named alike, diagnostics alike."""
    from dataclasses import replace

    from generator.memo import remembering
    from generator.model import normalise
    from generator.scrape import scrape_page
    from generator.scrape.records import RawPage

    folder = corpus / "pages" / "stripe"
    pages = [scrape_page(folder / f"{name}.html", Reporter()) for name in SHARING]
    records = [p for p in pages if p is not None]
    changed = [replace(records[1], summary="Changed"), *records[:1], *records[2:]]

    def model(pages: list[RawPage], memo: Memo) -> tuple[object, list[str]]:
        reporter = Reporter()
        with remembering(memo):
            api = normalise("stripe", pages, reporter)
        return api, [str(d) for d in reporter.items]

    store = DictStore()
    memo = Memo(store, "salt")
    assert model(records, memo) == model(records, Memo(None))
    kept = len(store.entries)
    assert kept == len(records)
    cold = model(changed, Memo(None))
    assert cold != model(records, Memo(None))
    store.hits = 0
    assert model(changed, memo) == cold
    assert store.hits == len(records) - 1 and len(store.entries) == kept + 1
    alone = sum(len(normalise("stripe", [p], Reporter()).shapes) for p in changed)
    assert len(cold[0].shapes) < alone  # type: ignore[attr-defined]  # shapes are shared
