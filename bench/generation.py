"""Generation speed: doc2client on the 446 Stripe pages against openapi-python-client.

Side by side in one run: a cold generation (no cache, black formatting, and again with
``--formatter ruff``); openapi-python-client on ``stripe-openapi/spec3.json`` (installed
on first use into ``.bench-venv/``, run with ``literal_enums: true``); a no-op
regeneration, ``--check`` on an unchanged tree and a regeneration after one page changed,
on a temporary copy of the corpus with a warm cache. Wall time and peak memory (the
largest resident set of the process tree, from ``getrusage``) of each, and the ratios.
CPU time (user + system, whole process tree) is printed too: on a loaded machine it is
the steadier figure, so the best of repeated warm runs and their goals are judged on it.
The cold goal is printed twice, in wall time (issue 18's "faster") and in CPU time.

Measured processes run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed)
after one warm-up, as an installed tool runs. The corpus comes from ``DOC2CLIENT_CORPUS``
(default ``../shared/corpus``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_VENV = ROOT / ".bench-venv"
OPC_CONFIG = "literal_enums: true\n"
EDIT_PAGE = "PostCustomersCustomer.html"
EDIT_FROM = "The customer&#x27;s address."
REPEAT = 3
COLD_GOAL = 10  # times openapi-python-client's wall and CPU time (issue 18)
ERROR_LINES = 5  # of a failed run's stderr, printed under its row

# Runs a command (its stderr into the file argv[1]) and prints its exit status, wall time,
# the peak RSS (KiB) and the CPU time of its process tree.
_TIMER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "with open(sys.argv[1], 'wb') as err:\n"
    "    rc = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=err)\n"
    "wall = time.perf_counter() - t\n"
    "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(rc, wall, use.ru_maxrss, use.ru_utime + use.ru_stime)\n"
)


@dataclass(frozen=True, slots=True)
class Figure:
    wall: float  # seconds
    peak_mb: float
    status: int
    cpu: float = 0.0  # seconds of CPU (user + system) of the whole process tree
    error: str = ""  # the last lines a failed run wrote to stderr


def corpus() -> Path:
    return Path(os.environ.get("DOC2CLIENT_CORPUS", ROOT.parent / "shared" / "corpus")).resolve()


def bench_env(bin_dir: Path | None = None) -> dict[str, str]:
    """The environment of measured runs (``bin_dir`` first on PATH, for post-hooks)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    if bin_dir is not None:
        env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


def measure(cmd: list[str], cwd: Path, bin_dir: Path | None = None) -> Figure:
    """One run of ``cmd``: wall time, peak memory, exit status (and stderr's end if not 0)."""
    with tempfile.NamedTemporaryFile(prefix="doc2client-bench-", suffix=".err") as err:
        out = subprocess.run(
            [sys.executable, "-c", _TIMER, err.name, *cmd],
            cwd=cwd, env=bench_env(bin_dir), capture_output=True, text=True, check=True,
        )  # fmt: skip
        rc, wall, kib, cpu = out.stdout.split()
        tail = Path(err.name).read_text("utf-8", "replace").strip().splitlines()[-ERROR_LINES:]
    error = "\n".join(f"      {line[:160]}" for line in tail) if int(rc) else ""
    return Figure(float(wall), int(kib) / 1024, int(rc), float(cpu), error)


def best(cmd: list[str], cwd: Path, repeat: int = REPEAT) -> Figure:
    """The run of ``cmd`` with the least CPU time of ``repeat`` (the steadier figure on a
    shared machine)."""
    return min((measure(cmd, cwd) for _ in range(repeat)), key=lambda f: f.cpu)


def doc2client(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", "generate", *args, "-q"]


def python_lines(root: Path) -> int:
    """Lines in every ``.py`` file below ``root``."""
    total = 0
    for path in root.rglob("*.py"):
        with path.open("rb") as handle:
            total += sum(1 for _ in handle)
    return total


def opc_binary() -> Path | None:
    """openapi-python-client in ``.bench-venv`` (installed with pip on first use)."""
    binary = BENCH_VENV / "bin" / "openapi-python-client"
    if binary.exists():
        return binary
    print("installing openapi-python-client into .bench-venv/ ...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        pip = [str(BENCH_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "openapi-python-client"], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"  could not install openapi-python-client: {exc}")
        return None
    return binary if binary.exists() else None


def run_opc(spec: Path, work: Path) -> tuple[Figure, int] | None:
    """openapi-python-client on ``spec``: its figure and the lines of Python it wrote."""
    binary = opc_binary()
    if binary is None:
        return None
    (work / "opc.yaml").write_text(OPC_CONFIG)
    out = work / "opc-out"
    cmd = [str(binary), "generate", "--path", str(spec), "--config", str(work / "opc.yaml"),
           "--output-path", str(out), "--overwrite"]  # fmt: skip
    figure = measure(cmd, work, binary.parent)
    return figure, python_lines(out) if out.exists() else 0


def cold_runs(pages: Path, work: Path) -> dict[str, tuple[Figure, int]]:
    """Cold doc2client runs (no cache): black, then ruff."""
    measure(doc2client(str(pages), "-o", str(work / "warmup"), "--no-cache"), work)
    results: dict[str, tuple[Figure, int]] = {}
    for formatter in ("black", "ruff"):
        out = work / f"cold-{formatter}"
        cmd = doc2client(str(pages), "-o", str(out), "--no-cache", "--formatter", formatter)
        results[formatter] = (measure(cmd, work), python_lines(out))
    return results


def warm_runs(pages: Path, work: Path) -> dict[str, Figure]:
    """No-op, ``--check`` and one-page-changed runs on a copy of the pages, cache warm."""
    specs = work / "specs" / "stripe"
    shutil.copytree(pages, specs)
    out, cache = work / "warm-out", work / "cache"
    base = [str(specs), "-o", str(out), "--cache-dir", str(cache)]
    measure(doc2client(*base), work)
    figures = {"no-op": best(doc2client(*base), work)}
    figures["--check"] = best(doc2client(*base, "--check"), work)
    page = specs / EDIT_PAGE
    original = page.read_text(encoding="utf-8")
    edits = []
    for i in range(REPEAT):
        page.write_text(original.replace(EDIT_FROM, f"Edit {i}: where mail goes."), "utf-8")
        edits.append(measure(doc2client(*base), work))
    figures["one page changed"] = min(edits, key=lambda f: f.cpu)
    return figures


def row(name: str, figure: Figure, extra: str = "") -> str:
    status = "" if figure.status == 0 else f"  (exit {figure.status})\n{figure.error}"
    return (
        f"  {name:<32} {figure.wall:7.2f} s wall {figure.cpu:7.2f} s CPU"
        f" {figure.peak_mb:7.1f} MB  {extra}{status}"
    )


def main() -> None:
    base = corpus()
    pages, spec = base / "pages" / "stripe", base / "stripe-openapi" / "spec3.json"
    print("Generation: the Stripe API (446 pages; spec3.json for openapi-python-client)")
    if not pages.is_dir():
        print(f"  corpus not found at {base} (set DOC2CLIENT_CORPUS)")
        return
    with tempfile.TemporaryDirectory(prefix="doc2client-bench-") as tmp:
        work = Path(tmp)
        cold = cold_runs(pages, work)
        opc = run_opc(spec, work) if spec.exists() else None
        warm = warm_runs(pages, work)
    report(cold, opc, warm)


def report(
    cold: dict[str, tuple[Figure, int]], opc: tuple[Figure, int] | None, warm: dict[str, Figure]
) -> None:
    for formatter, (figure, lines) in cold.items():
        print(row(f"doc2client cold, {formatter}", figure, f"{lines:,} lines of Python"))
    if opc is not None:
        print(row("openapi-python-client", opc[0], f"{opc[1]:,} lines of Python"))
    for name, figure in warm.items():
        print(row(f"doc2client {name}", figure))
    if opc is not None:
        for formatter, (figure, _) in cold.items():
            print(
                f"  ratio openapi-python-client / doc2client ({formatter}): "
                f"{opc[0].wall / figure.wall:.1f}x faster, "
                f"{opc[0].cpu / figure.cpu:.1f}x less CPU, "
                f"{opc[0].peak_mb / figure.peak_mb:.1f}x less memory (goal: {COLD_GOAL}x, 5x)"
            )
    if opc is not None and "black" in cold:
        figure = cold["black"][0]
        speed, cpu = opc[0].wall / figure.wall, opc[0].cpu / figure.cpu
        for measure_, ratio in (("wall time (issue 18: faster)", speed), ("CPU time", cpu)):
            verdict = "met" if ratio >= COLD_GOAL else "NOT met"
            print(f"  goal cold (black) {COLD_GOAL}x openapi-python-client in {measure_}: "
                  f"{verdict} ({ratio:.1f}x)")
    goals = {"no-op": 0.3, "--check": 0.3, "one page changed": 1.0}
    for name, limit in goals.items():  # CPU time: wall time on a shared machine is its load
        f = warm[name]
        verdict = "met" if f.cpu < limit else "NOT met"
        print(f"  goal {name} < {limit} s CPU: {verdict} ({f.cpu:.2f} s CPU, {f.wall:.2f} s wall)")


if __name__ == "__main__":
    main()
