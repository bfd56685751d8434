"""The generated form encoder against the ``stripe`` package's, on the same payloads.

The generated encoder is the committed ``generated/stripe_client/stripe_client/_encoding.py``
(rendered from ``templates/runtime/_encoding.py.jinja``); stripe's is ``_api_encode`` followed
by ``urlencode`` with ``[`` and ``]`` left unescaped, as its requestor sends it. The bytes are
checked to be identical before anything is timed.
"""

from __future__ import annotations

import importlib
import sys
import timeit
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

from stripe._encode import _api_encode

from bench.validation import CUSTOMER_VALID, PAYMENT_INTENT_VALID

ROOT = Path(__file__).resolve().parents[1]
ENCODING = ROOT / "generated" / "stripe_client" / "stripe_client" / "_encoding.py"


def _generated_encoder() -> ModuleType:
    """``stripe_client._encoding`` imported as a module of its package (it imports its
    siblings)."""
    sys.path.insert(0, str(ENCODING.parents[1]))
    try:
        return importlib.import_module("stripe_client._encoding")
    finally:
        sys.path.remove(str(ENCODING.parents[1]))


def without_empty_objects(value: Any) -> Any:
    """``value`` without empty objects at any depth: brackets cannot carry one, so the
    generated encoder refuses it (a ``ValidationError``) where stripe's leaves it out."""
    if isinstance(value, dict):
        kept = {k: without_empty_objects(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v != {}}
    if isinstance(value, list):
        return [without_empty_objects(v) for v in value]
    return value


def stripe_encode(value: dict[str, Any]) -> str:
    return urlencode(list(_api_encode(value))).replace("%5B", "[").replace("%5D", "]")


def _per_call_us(func: Callable[[], object]) -> float:
    timer = timeit.Timer(func)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=5, number=number)) / number * 1e6


def main() -> None:
    encode_form = _generated_encoder().encode_form
    print("Form encoding (microseconds per call, best of 5)")
    print(f"{'payload':<32}{'generated':>12}{'stripe':>12}{'speed-up':>10}  bytes")
    for label, given in (
        ("customer update", CUSTOMER_VALID),
        ("payment intent create", PAYMENT_INTENT_VALID),
    ):
        payload = without_empty_objects(given)
        ours, theirs = encode_form(payload), stripe_encode(payload)
        same = "identical" if ours == theirs else "DIFFERENT"
        t_ours = _per_call_us(partial(encode_form, payload))
        t_theirs = _per_call_us(partial(stripe_encode, payload))
        print(f"{label:<32}{t_ours:>12.1f}{t_theirs:>12.1f}{t_theirs / t_ours:>9.1f}x  {same}")
