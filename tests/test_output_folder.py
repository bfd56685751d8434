"""Issue 16: one run at a time writes an output folder, and the folder keeps its mode."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from filelock import FileLock

from generator.write import lock_path, read_tree, write_tree
from tests.conftest import SPECS

BIN = Path(sys.executable).parent


def generate(specs: Path, out: Path, cache: Path) -> subprocess.Popen[str]:
    command = [str(BIN / "doc2client"), "generate", str(specs), "-o", str(out),
               "--cache-dir", str(cache), "--formatter", "ruff"]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=specs.parent)  # fmt: skip


@pytest.fixture()
def specs(tmp_path: Path) -> Path:
    shutil.copytree(SPECS, tmp_path / "specs")
    return tmp_path / "specs"


def test_a_second_run_waits_for_the_one_writing_the_folder(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    lock = FileLock(lock_path(out))
    with lock:  # another run is writing
        run = generate(specs, out, tmp_path / "cache")
        assert run.stderr is not None
        said = run.stderr.readline()
        assert said == f"doc2client: another run is writing {out}; waiting for it (at most 600 s)\n"
        assert run.poll() is None and not out.exists()
    _, rest = run.communicate(timeout=300)
    assert run.returncode == 0, rest
    assert (out / "stripe_client" / "stripe_client" / "_client.py").is_file()


def test_concurrent_runs_into_one_folder_all_succeed(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    page = specs / "stripe" / "PostCustomersCustomer.html"
    text = page.read_text(encoding="utf-8")
    variants = []
    for n in range(4):  # four different inputs, so that every run really writes
        folder = tmp_path / f"specs{n}"
        shutil.copytree(specs, folder)
        edited = text.replace("The customer&#x27;s address.", f"Address number {n}.")
        (folder / "stripe" / page.name).write_text(edited, encoding="utf-8")
        variants.append(folder)
    runs = [generate(v, out, tmp_path / f"cache{n}") for n, v in enumerate(variants)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda r: (r.communicate(timeout=600), r.returncode), runs))
    assert [(code, err) for (_, err), code in results if code != 0] == []
    tree = read_tree(out)
    docs = [rel for rel in tree if rel.endswith(".md") and b"Address number" in tree[rel]]
    assert docs  # the tree is one of the runs' trees, whole: one address in every doc
    assert len({tree[rel].split(b"Address number ")[1][:1] for rel in docs}) == 1


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o755, 0o750, 0o775])
def test_the_output_folder_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    out = tmp_path / "out"
    write_tree(out, {"a.txt": b"1"})
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask  # a new folder: as mkdir makes it
    out.chmod(mode)
    write_tree(out, {"a.txt": b"2", "b/c.txt": b"3"})
    assert out.stat().st_mode & 0o777 == mode
    assert read_tree(out)["a.txt"] == b"2"
