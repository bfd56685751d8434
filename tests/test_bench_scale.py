"""``bench/scale.py``'s figures: the memory per operation added between sizes."""

from __future__ import annotations

import pytest

from bench.generation import Figure
from bench.scale import marginal, spread


def test_memory_per_operation_added_leaves_out_the_fixed_cost() -> None:
    fixed, per_op = 40.0, 0.05  # MB, MB per operation
    figures = {n: Figure(1.0, fixed + per_op * n, 0) for n in (500, 2000, 5000)}
    steps = marginal(figures)
    assert list(steps) == [(500, 2000), (2000, 5000)]
    assert steps[(500, 2000)] == pytest.approx(per_op * 1024)
    assert spread(list(steps.values())) == pytest.approx(0)
    figures[5000] = Figure(1.0, fixed + per_op * 5000 + 60, 0)  # memory growing faster
    assert spread(list(marginal(figures).values())) == pytest.approx(0.4)
