"""A demonstration check for lesson 00: the mean of the squares of an array."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .core import call, expect_array, expect_close, passed


def check_mean_square(mean_square: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check ``mean_square(x) -> array (N,)``: the mean of ``x**2`` over each row of x (N, D)."""
    task = "mean_square"
    x = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, -0.5]])
    want = np.array([14.0 / 3.0, 0.5 / 3.0])
    got = call(task, mean_square, x)
    got = expect_array(task, got, "mean_square(x)", shape=want.shape, kind="f")
    expect_close(task, got, want, "mean_square(x)")
    passed(task)
