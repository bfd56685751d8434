"""The run pack (generator/cache_pack.py): small entries in one file, each still checked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import cache as cache_module
from generator.cache import Cache

PAYLOADS = {(kind, f"{i:064x}"): f"{kind} payload {i}".encode() * (i + 1)
            for kind in ("unit", "page", "format") for i in range(5)}  # fmt: skip


@pytest.fixture(autouse=True)
def own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    key = tmp_path / "key"
    monkeypatch.setenv("DOC2CLIENT_CACHE_KEY", str(key))
    monkeypatch.setattr(cache_module, "_KEY", {})
    return key


def fill(root: Path, name: str = "run") -> None:
    cache = Cache(root)
    with cache.packed(name):
        for (kind, key), payload in PAYLOADS.items():
            cache.put(kind, key, payload)


def read_all(root: Path, name: str = "run") -> tuple[dict[tuple[str, str], bytes | None], Cache]:
    cache = Cache(root)
    with cache.packed(name):
        found = {entry: cache.get(*entry) for entry in PAYLOADS}
    return found, cache


def test_entries_come_back_from_one_file(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    fill(root)
    assert [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()] == ["packs/run"]
    found, cache = read_all(root)
    assert found == PAYLOADS and cache.hits == len(PAYLOADS) and cache.misses == 0
    found, _ = read_all(root)  # the run's new pack holds what it used
    assert found == PAYLOADS
    assert read_all(root, "another")[0] == dict.fromkeys(PAYLOADS)  # another kind of run


def test_a_damaged_entry_is_a_miss_and_the_rest_still_hit(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    fill(root)
    pack = root / "packs" / "run"
    data = pack.read_bytes()
    at = data.index(PAYLOADS[("page", f"{2:064x}")])
    pack.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :])
    found, cache = read_all(root)
    assert found[("page", f"{2:064x}")] is None
    assert {k: v for k, v in found.items() if v is not None} == {
        k: v for k, v in PAYLOADS.items() if k != ("page", f"{2:064x}")}
    assert cache.misses == 1


@pytest.mark.parametrize("cut", [0, 5, 40, 0.5, -1])
def test_a_truncated_pack_gives_only_whole_intact_entries(tmp_path: Path, cut: float) -> None:
    root = tmp_path / "cache"
    fill(root)
    pack = root / "packs" / "run"
    data = pack.read_bytes()
    pack.write_bytes(data[: int(len(data) * cut) if isinstance(cut, float) else cut])
    found, _ = read_all(root)
    assert all(found[k] in (None, v) for k, v in PAYLOADS.items())


def test_a_pack_written_under_another_key_gives_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "cache"
    fill(root)
    monkeypatch.setenv("DOC2CLIENT_CACHE_KEY", str(tmp_path / "other-key"))
    monkeypatch.setattr(cache_module, "_KEY", {})
    found, cache = read_all(root)
    assert found == dict.fromkeys(PAYLOADS) and cache.hits == 0


def test_a_failed_run_keeps_the_old_pack(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    fill(root)
    before = (root / "packs" / "run").read_bytes()
    cache = Cache(root)
    with pytest.raises(RuntimeError), cache.packed("run"):
        cache.put("unit", "f" * 64, b"half a run")
        raise RuntimeError("killed")
    assert (root / "packs" / "run").read_bytes() == before
    assert os.listdir(root / "packs") == ["run"]  # no temporary file left


def test_entries_a_run_did_not_use_are_carried_over_while_they_are_few(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    new = ("unit", "e" * 64)
    for size, kept in ((100_000, True), (10, False)):  # what the run used: more / less
        fill(root)
        cache = Cache(root)
        with cache.packed("run"):
            cache.put(*new, b"x" * size)
        found, _ = read_all(root)
        assert cache.get(*new) is None  # outside the block: the pack is not read
        assert (found == PAYLOADS) is kept, size


def test_other_kinds_keep_their_own_files(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    cache = Cache(root)
    with cache.packed("run"):
        cache.put("runs", "a" * 64, b"manifest")
    assert (root / "runs" / "aa" / ("a" * 64)).is_file()
    assert Cache(root).get("runs", "a" * 64) == b"manifest"
