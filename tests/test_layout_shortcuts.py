"""The layout's shortcuts give what black writes (``emit/layout.py``), also where they do not
apply: an assignment of an awaited call laid out as its sync twin with ``await`` put back,
a ``def`` line split plainly at its parameters, and an assignment of a call at its arguments."""

from __future__ import annotations

import pytest

from generator.emit.format import format_files
from generator.emit.layout import layout_module

ARGS = ", ".join(f"argument_{i}=value_{i}" for i in range(9))
CASES = [
    f"result: Any = await self._client.request({ARGS})",
    f"result: Page[Customer] = await self._client.request_page({ARGS})",
    f'result = await self._client.request("POST", format_path("/v1/{{id}}", id=id), {ARGS})',
    f'result = await self._client.request(")", {ARGS}, clear=("metadata", "shipping"))',
    f"result = await make(first)({ARGS})",  # the call's bracket closes before the end
    f"result = await self._client.request({ARGS}) + await other({ARGS})",
    # the head fits without await, not with it
    "result: " + "A" * 60 + " = await self._client.request_something(" + ARGS + ")",
    "result: " + "A" * 47 + " = await self._client.request_something(" + ARGS + ")",
]


CASES += [line.replace("await ", "") for line in CASES] + [
    f"result = self.client.request({ARGS}, clear=(" + ", ".join(f'"f{i}"' for i in range(30)) + "))",
    "body = strip_not_given({" + ", ".join(f'"key_{i}": key_{i}' for i in range(12)) + "})",
    f"first = second = self._client.request({ARGS})",
    f"self.value = compute({ARGS}) or fallback({ARGS})",
]


@pytest.mark.parametrize("line", CASES)
def test_assignments_of_calls_are_split_as_black_splits_them(line: str) -> None:
    text = f"class A:\n    async def f(self):\n        {line}\n"
    assert layout_module(text) == format_files({"m.py": text}, workers=1)["m.py"]


PARAMS = ", ".join(f"param_{i}: int | None = None" for i in range(5))
DEFS = [
    f"def method(self, /, *, {PARAMS}) -> Any:",  # the parameters on one line
    f"def method(self, customer: str, /, *, {PARAMS}, {PARAMS.replace('param', 'more')}) -> Any:",
    "def method(only_one_parameter_with_a_rather_long_name: Mapping[str, Sequence[int]]) -> "
    "dict[str, int]:",  # a lone parameter gets a comma
    f"def method(self, pair: tuple[int, int] = (1, 2), {PARAMS}, {PARAMS.replace('m_', 'n_')}) "
    "-> None:",
    # a parameter too long for its own line, a return annotation too long for the tail
    "def method(self, tax_exempt: Literal[" + ", ".join(f'"v{i}"' for i in range(20))
    + "] | NotGiven = NOT_GIVEN, other: int = 0) -> Any:",
    f"def method(self, {PARAMS}) -> " + " | ".join(f"Type{i}" for i in range(14)) + ":",
]


@pytest.mark.parametrize("line", DEFS)
def test_def_lines_are_split_as_black_splits_them(line: str) -> None:
    text = f"class A:\n    {line}\n        pass\n"
    assert layout_module(text) == format_files({"m.py": text}, workers=1)["m.py"]
