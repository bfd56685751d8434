"""Shared tools of the tests: paths, the corpus, loading generated code, static checks.

The corpus is test data read from DOC2CLIENT_CORPUS (never copied here), only by tests that
take the ``corpus`` fixture: marked ``corpus``, they are the corpus tier (``make check``;
``make test`` runs the rest). Every generated
project a test writes is handed to ``static_checks``; at the end of the test session one
``mypy --strict`` run and one ``ruff check`` run go over all of them, ruff with the rule set
each project's own ``pyproject.toml`` declares. Under xdist the workers hand their projects to
the controller (``workeroutput``), which runs the two checks once, after the last worker; a
problem fails the run (exit status 1) with mypy's or ruff's report.
"""

from __future__ import annotations

import importlib
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from generator.diagnostics import Diagnostic
    from generator.model.shapes import Api
    from generator.scrape.openapi import OpenApiInput
    from generator.scrape.records import RawPage

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"  # the committed input of generated/
SEED_PAGE = SPECS / "stripe" / "PostCustomersCustomer.html"  # the one page of specs/
SEED_OPERATION = SEED_PAGE.stem  # its operation id (the corpus has the same page)
GENERATED = ROOT / "generated"  # the golden record
BIN = Path(sys.executable).parent
LONG_FUZZ = os.environ.get("DOC2CLIENT_FUZZ") == "long"  # `make fuzz`: the long property runs


def examples(quick: int, long: int) -> int:
    """How many examples a property test draws: ``quick`` in the suite (each such test is
    marked ``fuzz`` and derandomized, so a run is repeatable), ``long`` under ``make fuzz``."""
    return long if LONG_FUZZ else quick


def corpus_path() -> Path:
    return Path(os.environ.get("DOC2CLIENT_CORPUS", ROOT.parent / "shared" / "corpus")).resolve()


_IN_CORPUS_TIER = [False]  # whether the test running now is marked ``corpus``


def require_corpus() -> Path:
    """The corpus folder; skip (fail under CI) when it is absent.

    Only a test of the corpus tier may read it (one that takes the ``corpus`` fixture, which
    marks it ``corpus``): the tiers stay apart, so ``make test`` never reads the corpus."""
    if not _IN_CORPUS_TIER[0]:
        pytest.fail("this test reads the corpus without the `corpus` fixture: take it (the test "
                    "or the fixture that reads the corpus), which puts the test in the corpus "
                    "tier (`make check`)")
    path = corpus_path()
    if not (path / "pages").is_dir():
        message = f"corpus not found at {path} (set DOC2CLIENT_CORPUS)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    return require_corpus()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: long-running fuzz/differential tests (make fuzz)")
    config.addinivalue_line(
        "markers", "slow: a long test (the whole corpus, or many generations): started first"
    )
    config.addinivalue_line("markers", "xdist_group(name): run by one xdist worker (loadgroup)")
    config.addinivalue_line(
        "markers", "corpus: reads the test corpus (given to every test that takes the `corpus` "
        "fixture): the corpus tier, which `make check` runs and `make test` leaves out"
    )


def pytest_itemcollected(item: pytest.Item) -> None:
    """A test that uses a module-scoped fixture of its module goes in that module's
    ``xdist_group``: under ``make test`` (``-n 2 --dist loadgroup``) one worker runs those
    tests, so the fixture (a generated client, a loaded corpus) is made once. Marked as each
    test is collected, before xdist's own ``pytest_collection_modifyitems`` reads the groups.

    A test that takes the ``corpus`` fixture, itself or through another fixture, is marked
    ``corpus``."""
    if "corpus" in getattr(item, "fixturenames", ()):
        item.add_marker(pytest.mark.corpus)
    if _uses_module_fixture(item):
        item.add_marker(pytest.mark.xdist_group(item.nodeid.partition("::")[0]))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``slow`` tests, and the groups that hold one, first: the long ones are spread over
    the workers while the short ones fill in, instead of one long test starting last
    (``--no-loadscope-reorder`` keeps this order; a group goes where its first test is).

    Under ``--dist loadgroup`` a grouped test's id ends in ``@group``, which is how xdist's
    scheduler sees the group. xdist 3.8 writes it into ``item._nodeid``, which pytest 9 no
    longer reads (a node id is ``item._id``); it is written here where it is missing.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        group = item.get_closest_marker("xdist_group")
        if group is not None and "@" not in item.nodeid and hasattr(item, "_id"):
            from _pytest.nodeid import NodeId  # pytest 9

            item._id = NodeId.parse(f"{item.nodeid}@{group.args[0]}")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _IN_CORPUS_TIER[0] = item.get_closest_marker("corpus") is not None


def _uses_module_fixture(item: pytest.Item) -> bool:
    """Whether ``item`` needs a fixture its own module defines with ``scope="module"``."""
    module = item.getparent(pytest.Module)
    info = getattr(item, "_fixtureinfo", None)
    if module is None or info is None:
        return False
    return any(d.scope == "module" and d.baseid == module.nodeid
               for defs in info.name2fixturedefs.values() for d in defs)  # fmt: skip


@cache
def shared_pages(folder: Path) -> tuple[tuple[RawPage, ...], tuple[Diagnostic, ...]]:
    """Every page of ``folder`` (by name) as ``scrape_page(path, reporter)`` gives it: the
    records of those that give one, and the diagnostics. Read once per test process: several
    modules read the 446 Stripe pages of the corpus. The records are shared: do not change
    them."""
    from generator.diagnostics import Reporter
    from generator.scrape import scrape_page

    reporter = Reporter()
    found = (scrape_page(path, reporter) for path in sorted(folder.glob("*.html")))
    return tuple(page for page in found if page is not None), tuple(reporter.items)


@cache
def shared_document(path: Path) -> tuple[OpenApiInput, tuple[Diagnostic, ...]]:
    """The OpenAPI document at ``path`` as ``read_openapi(path, reporter)`` reads it, and
    the diagnostics; it must be readable. Read once per test process (Stripe's spec3.json,
    the largest, takes seconds). Shared: do not change it."""
    from generator.diagnostics import Reporter
    from generator.scrape import read_openapi

    reporter = Reporter()
    document = read_openapi(path, reporter)
    assert document is not None, [str(d) for d in reporter.sorted()]
    return document, tuple(reporter.items)


def load_model(spec: Path, name: str | None = None, every: int = 1) -> Api:
    """The model of the one API at ``spec`` (a page folder or an OpenAPI document), as
    ``doc2client generate`` loads it (``name``: the API's name; ``every``: only every n-th
    page of a folder); it must load without errors."""
    from dataclasses import replace

    from generator.diagnostics import Reporter
    from generator.options import Options
    from generator.pipeline import find_sources, load_api

    reporter = Reporter()
    (source,) = find_sources(spec, reporter, name=name)
    source = replace(source, pages=source.pages[::every])
    api = load_api(source, reporter, Options())
    assert api is not None and not reporter.has_errors, reporter.sorted()
    return api


_VALIDATOR_PACKAGES = itertools.count()


def load_validators(api: Api, header: str = "# test") -> dict[str, Any]:
    """``_validators.py`` of ``api`` imported from a package of its own, beside the runtime
    modules (it imports ``_encoding``): the module's namespace. The package stays imported
    for the session, under a name of its own."""
    from dataclasses import replace

    from generator.emit.environment import make_environment
    from generator.emit.render import base_context, runtime_files
    from generator.emit.validators import render_validators

    # A counter, not len(sys.modules): a test that drops modules would let a name repeat,
    # and the import would hand back the earlier package's validators.
    api = replace(api, name=f"validators_{os.getpid()}_{next(_VALIDATOR_PACKAGES)}")
    env = make_environment()
    files = runtime_files(env, api, base_context(api, "test"))
    files[f"{api.package}/__init__.py"] = ""
    files[f"{api.package}/_validators.py"] = render_validators(api, header, env)
    root = write_files(Path(tempfile.mkdtemp(prefix="doc2client-validators-")), files)
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(f"{api.package}._validators").__dict__
    finally:
        sys.path.remove(str(root))


class StaticChecks:
    """Generated projects to check, each as (project folder, package name, ruff too).

    ``mypy_cache``: mypy's cache folder; the session keeps it in pytest's cache (a rerun
    checks again only the modules that changed: mypy compares each file's hash).
    """

    def __init__(self, root: Path, mypy_cache: Path | None = None) -> None:
        self.root = root
        self.mypy_cache = mypy_cache or root / ".mypy"
        self.projects: list[tuple[Path, str, bool]] = []

    def add(self, project: Path, package: str, *, ruff: bool = True) -> None:
        """Check ``project/package`` with mypy; and with ruff when it is formatted output
        (``ruff``: False for text straight from the templates)."""
        self.projects.append((project, package, ruff))

    def problems(self) -> str:
        """One mypy --strict over every package, one ruff check over every project: what they
        report, "" when both pass."""
        if not self.projects:
            return ""
        failures = [_mypy(self.root, self.projects, self.mypy_cache),
                    _ruff([p for p, _, r in self.projects if r])]  # fmt: skip
        return "\n".join(f for f in failures if f)


def _mypy(root: Path, projects: list[tuple[Path, str, bool]], cache: Path) -> str:
    """Each package copied to ``root/p<n>/`` so equal names do not clash; one run."""
    targets = []
    for n, (project, package, _) in enumerate(projects):
        target = root / f"p{n}" / package
        shutil.copytree(project / package, target, ignore=shutil.ignore_patterns("__pycache__"))
        targets.append(f"p{n}/{package}")
    result = subprocess.run(
        [BIN / "mypy", "--strict", "--explicit-package-bases", "--cache-dir", cache,
         *targets], cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return "" if result.returncode == 0 else "mypy --strict:\n" + result.stdout + result.stderr


def _ruff(projects: list[Path]) -> str:
    if not projects:
        return ""
    result = subprocess.run([BIN / "ruff", "check", "--no-cache", *map(str, projects)],
                            capture_output=True, text=True, check=False)  # fmt: skip
    return "" if result.returncode == 0 else "ruff check:\n" + result.stdout + result.stderr


STATIC_CHECKS = "doc2client_static_checks"  # the key of a worker's projects in workeroutput
_HANDED = pytest.StashKey[list[tuple[Path, str, bool]]]()  # the controller's, from every worker


@pytest.fixture(scope="session")
def static_checks(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StaticChecks]:
    """Hand generated projects to the session's one mypy and one ruff run (at its end).

    Without xdist the run is this fixture's teardown (it fails the last test that used it);
    an xdist worker hands its projects to the controller (``pytest_testnodedown``), which
    checks every worker's projects in one run (``pytest_sessionfinish``)."""
    checks = StaticChecks(tmp_path_factory.mktemp("static"), _mypy_cache(request.config))
    yield checks
    output = getattr(request.config, "workeroutput", None)
    if output is not None:
        output[STATIC_CHECKS] = [[str(p), package, ruff] for p, package, ruff in checks.projects]
        return
    problems = checks.problems()
    assert not problems, problems


def _mypy_cache(config: pytest.Config) -> Path | None:
    """mypy's cache folder in pytest's cache (``.pytest_cache``); None without one."""
    cache = getattr(config, "cache", None)
    return cache.mkdir("doc2client-mypy") if cache is not None else None


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist's controller: a worker is done; keep the projects it generated."""
    handed = getattr(node, "workeroutput", {}).get(STATIC_CHECKS, [])
    handed_over = node.config.stash.setdefault(_HANDED, [])
    handed_over += [(Path(p), package, ruff) for p, package, ruff in handed]


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """xdist's controller: one mypy and one ruff run over every worker's projects.

    First among the session-finish hooks: pytest's own (``_pytest.tmpdir``) releases the
    lock on this session's temporary folder, and from then on any other pytest run on the
    machine may delete it, with the projects still to be checked inside."""
    projects = session.config.stash.get(_HANDED, [])
    if not projects:
        return
    checks = StaticChecks(Path(tempfile.mkdtemp(prefix="doc2client-static-")),
                          _mypy_cache(session.config))  # fmt: skip
    checks.projects = projects
    started = time.perf_counter()
    try:
        problems = checks.problems()
    finally:
        shutil.rmtree(checks.root, ignore_errors=True)
    took = time.perf_counter() - started
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        verdict = "FAILED" if problems else "passed"
        reporter.line("")
        reporter.write_sep("=", f"static checks {verdict}: mypy --strict and ruff over "
                                f"{len(projects)} generated projects in {took:.0f} s",
                           red=bool(problems))
        if problems:
            reporter.write_line(problems)
    if problems:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def write_files(root: Path, files: dict[str, str]) -> Path:
    """``files`` (relative path → text) written under ``root``; ``root``."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@contextmanager
def imported(root: Path, package: str) -> Iterator[Any]:
    """``package`` imported from ``root`` (a generated project); afterwards forgotten, and any
    module of that name imported before (the committed generated one) put back."""
    stashed = {n: sys.modules.pop(n) for n in list(sys.modules) if n.split(".")[0] == package}
    sys.path.insert(0, str(root))
    try:
        module = importlib.import_module(package)
        assert module.__file__ and module.__file__.startswith(str(root)), module.__file__
        yield module
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.split(".")[0] == package]:
            del sys.modules[name]
        sys.modules.update(stashed)
