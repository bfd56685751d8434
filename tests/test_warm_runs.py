"""Warm runs: what the cache keeps is cheap to read back, and reused only while its inputs are."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cache import Cache, tree_fingerprint
from generator.diagnostics import Diagnostic, Reporter
from generator.files import NotReadable, read_regular
from generator.frozen import Frozen
from generator.model import normalise
from generator.model import shapes as s
from generator.options import Options
from generator.pipeline import build
from generator.scrape import records, scrape_page
from tests.conftest import SEED_PAGE


def nested(value: object) -> Iterator[object]:
    """``value`` and every dataclass object and container item inside it."""
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from nested(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from nested(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from nested(item)


@pytest.mark.parametrize("module", [s, records])
def test_every_kept_record_class_pickles_as_its_field_values(module: object) -> None:
    """A class added to the model or the page records without ``Frozen`` would unpickle
    through dataclass's slow ``__setstate__`` again."""
    classes = [v for v in vars(module).values()
               if isinstance(v, type) and dataclasses.is_dataclass(v)]  # fmt: skip
    assert classes
    assert [c.__name__ for c in classes if not issubclass(c, Frozen)] == []


def test_the_model_and_its_page_record_round_trip_through_pickle() -> None:
    reporter = Reporter()
    page = scrape_page(SEED_PAGE, reporter)
    assert page is not None
    api = normalise("stripe", [page], reporter)
    warning = Diagnostic("a.html", 3, "warning", "m", pointer="/p", code="c", column=2)
    for value in (page, api, warning):
        objects = [o for o in nested(value) if dataclasses.is_dataclass(o)]
        assert all(type(o).__reduce__ is Frozen.__reduce__ for o in objects)
        cls, args = value.__reduce__()  # type: ignore[misc]
        assert cls is type(value) and cls(*args) == value
        again = pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        assert again == value and repr(again) == repr(value)
    op = api.operations[0]
    assert isinstance(op.source, s.Source) and pickle.loads(pickle.dumps(op)).source == op.source


def test_a_record_whose_fields_differ_does_not_unpickle_equal() -> None:
    a = s.Field("email", "email", s.String(max_length=5))
    b = dataclasses.replace(a, shape=s.String(max_length=6))
    assert pickle.loads(pickle.dumps(a)) != b
    assert pickle.dumps(a) != pickle.dumps(b)



class MeteredCache(Cache):
    """A cache that counts the payload bytes it is given, by kind."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.written: dict[str, int] = {}

    def put(self, kind: str, key: str, payload: bytes) -> None:
        self.written[kind] = self.written.get(kind, 0) + len(payload)
        super().put(kind, key, payload)


PAGES = ("PostCustomersCustomer", "GetCustomers", "GetCharges", "GetInvoices", "PostProducts",
         "GetBalance", "GetPrices", "GetRefunds", "GetPlans", "GetCoupons", "GetEvents", "GetFiles",
         "GetPayouts", "GetTokensToken")  # fmt: skip


def test_an_edited_run_keeps_what_it_changed_not_the_whole_output(
    corpus: Path, tmp_path: Path
) -> None:
    """One page edited: the cache is given the pieces that changed and the model, not
    the whole rendered output again (it was, under a key no later run asked for)."""
    specs = tmp_path / "specs" / "stripe"
    specs.mkdir(parents=True)
    for name in PAGES:
        shutil.copy(corpus / "pages" / "stripe" / f"{name}.html", specs)
    root = tmp_path / "cache"
    build([(specs, Options())], Reporter(), cache=Cache(root))
    page = specs / "PostCustomersCustomer.html"
    page.write_text(page.read_text("utf-8").replace("The customer&#x27;s address.", "Mail."))
    cache = MeteredCache(root)
    files = build([(specs, Options())], Reporter(), cache=cache)
    assert files == build([(specs, Options())], Reporter(), cache=Cache(None))
    output = sum(len(files[rel]) for rel in files)
    kept = sum(size for kind, size in cache.written.items() if kind not in ("blobs", "runs"))
    assert 0 < kept < output // 2, cache.written


def test_input_files_are_read_whole_within_the_limit(tmp_path: Path) -> None:
    """``read_regular`` reads a file's size and a byte more (not the limit at once): every
    byte of a file at the limit, a file over it refused, and a file that says it is empty
    but is not (``/proc``, or one that grew) read past its size."""
    page = tmp_path / "page.html"
    page.write_bytes(b"<h1>x</h1>" * 100)
    assert read_regular(page, 1000) == page.read_bytes()
    assert read_regular(page) == page.read_bytes()
    with pytest.raises(NotReadable):
        read_regular(page, 999)
    proc = Path("/proc/self/cmdline")
    if proc.exists() and proc.stat().st_size == 0:
        assert read_regular(proc, 1 << 20) == proc.read_bytes() != b""


def test_compiled_copies_are_not_part_of_a_fingerprint(tmp_path: Path) -> None:
    """A run without the cache keeps the built-in templates compiled in
    ``templates/__pycache__``: that must not change the code's fingerprint (every entry
    of the cache would then miss), while an edited template must."""
    (tmp_path / "docs").mkdir()
    template = tmp_path / "docs" / "index.md.jinja"
    template.write_text("# {{ title }}\n")
    before = tree_fingerprint([tmp_path])
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "__jinja2_0123.cache").write_bytes(b"compiled")
    (tmp_path / "docs" / "__pycache__").mkdir()
    (tmp_path / "docs" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"compiled")
    assert tree_fingerprint([tmp_path]) == before
    template.write_text("# {{ title }}!\n")
    assert tree_fingerprint([tmp_path]) != before


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_a_run_pack_keeps_exactly_the_entries_the_run_took(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel_copy: bool
) -> None:
    """Entries a run takes from the old pack are copied to the new one in ranges of the
    file (``os.copy_file_range``, else read and written): every one taken comes back whole
    and checked, interleaved ones not taken (most of the pack: not carried over) do not, and
    a damaged one is neither given nor copied."""
    from generator import cache as cache_module

    monkeypatch.setenv("DOC2CLIENT_CACHE_KEY", str(tmp_path / "key"))
    monkeypatch.setattr(cache_module, "_KEY", {})
    if not kernel_copy:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    payloads = {("unit", f"{i:064x}"): bytes([i]) * (100 + i) for i in range(40)}
    root = tmp_path / "cache"
    cache = Cache(root)
    with cache.packed("run"):
        for (kind, key), payload in payloads.items():
            cache.put(kind, key, payload)
    pack = root / "packs" / "run"
    data = pack.read_bytes()
    damaged = ("unit", f"{7:064x}")
    at = data.index(payloads[damaged])
    pack.write_bytes(data[:at] + b"\xff" + data[at + 1 :])
    taken = {k for i, k in enumerate(payloads) if i < 8 or 20 <= i < 24}  # two runs
    cache = Cache(root)
    with cache.packed("run"):
        got = {k: cache.get(*k) for k in sorted(taken)}
        cache.put("unit", "f" * 64, b"new")
    assert got == {k: (None if k == damaged else payloads[k]) for k in sorted(taken)}
    cache = Cache(root)
    with cache.packed("run"):
        again = {k: cache.get(*k) for k in payloads}
        new = cache.get("unit", "f" * 64)
    assert new == b"new"
    assert again == {k: payloads[k] if k in taken and k != damaged else None for k in payloads}
