"""The package copy of lesson 02's batched RNN computes what the lesson's cell computes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from course_utils import numpy_rnn
from course_utils.gradcheck import numerical_gradient, relative_error

from .helpers import ROOT, function_cells


def lesson_functions():
    namespace = function_cells(ROOT / "notebooks" / "en" / "02_bptt.ipynb")
    return namespace["rnn_forward_batch"], namespace["rnn_backward_batch"]


def test_package_copy_matches_the_lesson():
    forward, backward = lesson_functions()
    rng = np.random.default_rng(0)
    N, T, D, H = 3, 5, 4, 6
    xs, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    W_xh, W_hh, b = rng.normal(size=(H, D)), rng.normal(size=(H, H)), rng.normal(size=H)
    dhs = rng.normal(size=(N, T, H))
    hs = forward(xs, h0, W_xh, W_hh, b)
    assert np.array_equal(hs, numpy_rnn.rnn_forward_batch(xs, h0, W_xh, W_hh, b))
    for mine, theirs in zip(backward(dhs, xs, hs, W_hh),
                            numpy_rnn.rnn_backward_batch(dhs, xs, hs, W_hh), strict=True):
        assert np.array_equal(mine, theirs)


def test_batched_backward_against_numerical_gradients():
    rng = np.random.default_rng(1)
    N, T, D, H = 2, 4, 3, 5
    xs, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    W_xh, W_hh, b = rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H)
    g = rng.normal(size=(N, T, H))

    def loss():
        return float(np.sum(g * numpy_rnn.rnn_forward_batch(xs, h0, W_xh, W_hh, b)[:, 1:]))

    hs = numpy_rnn.rnn_forward_batch(xs, h0, W_xh, W_hh, b)
    dW_xh, dW_hh, db, dh0 = numpy_rnn.rnn_backward_batch(g, xs, hs, W_hh)
    for mine, param in [(dW_xh, W_xh), (dW_hh, W_hh), (db, b), (dh0, h0)]:
        assert relative_error(mine, numerical_gradient(loss, param)) < 1e-8


@pytest.mark.parametrize(("change", "message"), [
    ({"xs": np.zeros((5, 3))}, "xs should have shape (N, T, D)"),
    ({"h0": np.zeros((2, 7))}, "h0 should have shape (N, H)"),
    ({"W_xh": np.zeros((3, 4))}, "W_xh should have shape (H, D)"),
    ({"xs": np.full((2, 3, 4), np.nan)}, "xs contains NaN"),
])
def test_bad_input_gets_a_clear_message(change, message):
    args = {"xs": np.zeros((2, 3, 4)), "h0": np.zeros((2, 5)), "W_xh": np.zeros((5, 4)),
            "W_hh": np.zeros((5, 5)), "b_h": np.zeros(5)}
    with pytest.raises(ValueError, match=re.escape(message)):
        numpy_rnn.rnn_forward_batch(**{**args, **change})


def test_bad_gradient_shapes_get_a_clear_message():
    xs, hs = np.zeros((2, 3, 4)), np.zeros((2, 4, 5))
    with pytest.raises(ValueError, match=re.escape("hs should have shape (N, T + 1, H)")):
        numpy_rnn.rnn_backward_batch(np.zeros((2, 3, 5)), xs, hs[:, :3], np.zeros((5, 5)))


def test_bptt_race_times_both_implementations():
    from course_utils.benchmark import bptt_race, median_ms

    calls = []
    assert median_ms(lambda: calls.append(1), repeats=3) >= 0 and len(calls) == 4
    numpy_ms, torch_ms = bptt_race(2, 3, 4, 5, repeats=1)
    assert numpy_ms > 0 and torch_ms > 0
