"""Issue 16: what a specs folder may hold besides pages, and two folders that name one package.

Each run is a real ``doc2client generate`` in a subprocess with a timeout: a FIFO that is
opened blocks forever, so a run that returns at all has not opened it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cache import INPUT_SUFFIXES, tree_fingerprint
from generator.files import NotReadable, read_regular
from tests.conftest import BIN, SEED_PAGE

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/dev/zero, /proc")


def generate(specs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [str(BIN / "doc2client"), "generate", str(specs), "-o", str(out), *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=specs.parent,
                          check=False)  # fmt: skip


def hostile_folder(root: Path) -> Path:
    """specs/shop: the seed page, a link to /dev/zero, a FIFO, a folder named like a page."""
    api = root / "specs" / "shop"
    api.mkdir(parents=True)
    shutil.copy(SEED_PAGE, api)
    (api / "Zero.html").symlink_to("/dev/zero")
    os.mkfifo(api / "Pipe.html")
    (api / "Folder.html").mkdir()
    return root / "specs"


@linux_only
@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_special_files_are_skipped_with_a_located_warning(tmp_path: Path, cache: list[str]) -> None:
    specs = hostile_folder(tmp_path)
    done = generate(specs, tmp_path / "out", *cache)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if ": warning: " in line]
    assert warnings == [
        "specs/shop/Pipe.html: warning: skipped: a FIFO, not a regular file",
        "specs/shop/Zero.html: warning: skipped: a character device (a symbolic link to it),"
        " not a regular file",
    ]
    assert (tmp_path / "out" / "shop_client" / "shop_client" / "_client.py").is_file()


@linux_only
def test_a_sparse_page_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    specs = hostile_folder(tmp_path)
    big = specs / "shop" / "Big.html"
    with big.open("wb") as handle:
        handle.truncate(95 * 1024 * 1024)
    before = read_chars()
    tree_fingerprint([specs], INPUT_SUFFIXES)
    with pytest.raises(NotReadable, match="over the limit of 4,194,304"):
        read_regular(big, 4 * 1024 * 1024)
    assert read_chars() - before < 1024 * 1024  # bytes this process read: not the 95 MB
    done = generate(specs, tmp_path / "out")
    assert done.returncode == 2
    assert "specs/shop/Big.html: error: file is too large: 99,614,720 bytes, over the limit of" \
        " 4,194,304" in done.stderr
    assert not (tmp_path / "out").exists()


def read_chars() -> int:
    """Bytes this process has read through read(2) and the like (``rchar``, Linux)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


def test_two_folders_that_name_one_package_are_an_error_naming_both(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    for name in ("my-api", "my_api", "other"):
        (specs / name).mkdir(parents=True)
        shutil.copy(SEED_PAGE, specs / name)
    done = generate(specs, tmp_path / "out")
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert errors == [
        "specs/my_api: error: specs/my-api and specs/my_api both give the package my_api_client:"
        " rename one of them"
    ]
    assert not (tmp_path / "out").exists()


def test_a_folder_and_a_document_that_name_one_package_are_an_error(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    (specs / "shop").mkdir(parents=True)
    shutil.copy(SEED_PAGE, specs / "shop")
    (specs / "Shop.json").write_text('{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}')
    done = generate(specs, tmp_path / "out")
    assert done.returncode == 2
    assert "specs/Shop.json and specs/shop both give the package shop_client" in done.stderr
