"""One home for each concept (issue 17): the rules the review found in two places stay in one,
and the emit stage is plain functions of its inputs (the memo wraps them from outside)."""

from __future__ import annotations

import ast
from collections import defaultdict

import pytest

from tests.conftest import ROOT

GENERATOR = ROOT / "generator"
# Each name rule and helper the review found defined twice, with different rules.
ONE_HOME = {
    "python_identifier": "generator/model/naming.py",
    "class_name": "generator/model/naming.py",
    "file_stem": "generator/model/naming.py",
    "api_name": "generator/model/naming.py",
    "digest": "generator/cache.py",
}
STATE = {"cache", "memo"}  # parameters an emit function may not take


def _modules() -> dict[str, ast.Module]:
    return {
        p.relative_to(ROOT).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
        for p in sorted(GENERATOR.rglob("*.py"))
    }


def _definitions() -> dict[str, list[str]]:
    """Module-level function and class names under generator/ → the files defining them."""
    found: dict[str, list[str]] = defaultdict(list)
    for path, module in _modules().items():
        for node in module.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found[node.name].append(path)
    return found


@pytest.mark.parametrize("name", sorted(ONE_HOME))
def test_each_rule_is_defined_once(name: str) -> None:
    assert _definitions()[name] == [ONE_HOME[name]]


def test_no_emit_function_takes_a_cache_or_memo() -> None:
    taking = []
    for path, module in _modules().items():
        if not path.startswith("generator/emit/"):
            continue
        for node in ast.walk(module):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
                taking += [f"{path}:{node.lineno} {node.name}" for _ in names & STATE]
    assert taking == []


def test_the_walk_finds_the_generator_package() -> None:
    """The checks above read something: the package and its emit stage are there."""
    modules = _modules()
    assert "generator/model/naming.py" in modules
    assert sum(p.startswith("generator/emit/") for p in modules) >= 10
    assert (GENERATOR / "emit" / "checks.py").is_file()
