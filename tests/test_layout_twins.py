"""An assignment of an awaited call is laid out as its sync twin with ``await`` put back
(``emit/layout.py``), and that is what black writes, also where the twin does not apply."""

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


@pytest.mark.parametrize("line", CASES)
def test_awaited_calls_are_split_as_black_splits_them(line: str) -> None:
    text = f"class A:\n    async def f(self):\n        {line}\n"
    assert layout_module(text) == format_files({"m.py": text}, workers=1)["m.py"]
