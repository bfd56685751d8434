"""``bench/scale.py``'s figures: the CPU time and memory per operation added between sizes."""

from __future__ import annotations

import pytest

from bench.generation import Figure
from bench.scale import marginal, spread


def _figures(
    fixed_s: float, s_per_op: float, fixed_mb: float, mb_per_op: float
) -> dict[int, Figure]:
    return {n: Figure(9.0, fixed_mb + mb_per_op * n, 0, cpu=fixed_s + s_per_op * n)
            for n in (500, 2000, 5000)}  # fmt: skip


def test_cost_per_operation_added_leaves_out_the_fixed_cost() -> None:
    figures = _figures(fixed_s=3.0, s_per_op=0.015, fixed_mb=40.0, mb_per_op=0.05)
    steps = marginal(figures)
    assert list(steps) == [(500, 2000), (2000, 5000)]
    assert steps[(500, 2000)] == pytest.approx((15.0, 0.05 * 1024))
    assert steps[(2000, 5000)] == pytest.approx((15.0, 0.05 * 1024))
    for i in (0, 1):
        assert spread([step[i] for step in steps.values()]) == pytest.approx(0)


def test_cost_growing_faster_than_the_operations_shows_in_the_spread() -> None:
    figures = _figures(fixed_s=3.0, s_per_op=0.015, fixed_mb=40.0, mb_per_op=0.05)
    last = figures[5000]
    figures[5000] = Figure(9.0, last.peak_mb + 60, 0, cpu=last.cpu + 18)  # 6 ms, 20 KB more each
    steps = list(marginal(figures).values())
    assert spread([cpu for cpu, _ in steps]) == pytest.approx(0.4)
    assert spread([kb for _, kb in steps]) == pytest.approx(0.4)
