"""The tools lesson 07 measures with: nucleus filtering and the meter of saved activations."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from course_utils.autograd_memory import SavedTensorMeter
from course_utils.sampling import top_p_probabilities


@pytest.mark.parametrize(("p", "top_p", "kept"), [
    ([0.5, 0.3, 0.2], 0.5, [0]),                 # the first token alone reaches 0.5
    ([0.5, 0.3, 0.2], 0.51, [0, 1]),
    ([0.2, 0.5, 0.3], 0.8, [1, 2]),              # order by probability, not by index
    ([0.1, 0.6, 0.3], 1.0, [0, 1, 2]),
    ([0.25, 0.25, 0.25, 0.25], 0.3, [0, 1]),     # a tie: the smaller indices first
    ([0.7, 0.0, 0.3], 1.0, [0, 2]),
])
def test_top_p_keeps_the_fewest_tokens_that_reach_p(p, top_p, kept):
    out = top_p_probabilities(np.array(p), top_p)
    assert np.flatnonzero(out).tolist() == kept
    assert out.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(out[kept], np.array(p)[kept] / np.sum(np.array(p)[kept]))


def test_top_p_one_keeps_everything_when_the_sum_falls_short():
    p = np.full(10, 0.1) - 1e-12                 # sums to just below 1
    assert np.count_nonzero(top_p_probabilities(p, 1.0)) == 10


@pytest.mark.parametrize("top_p", [0.0, -0.1, 1.5])
def test_top_p_rejects_values_outside_the_interval(top_p):
    with pytest.raises(ValueError, match="top_p"):
        top_p_probabilities(np.array([0.5, 0.5]), top_p)



def test_meter_counts_what_backward_frees():
    torch.manual_seed(0)
    model = nn.LSTM(4, 8, batch_first=True)
    x = torch.randn(3, 5, 4)
    with SavedTensorMeter(model.parameters()) as meter:
        y, _ = model(x)
        held = meter.live
        y.sum().backward()
    assert held > 0 and meter.peak == held
    assert meter.live == 0                       # backward freed every saved activation


def test_meter_leaves_the_weights_out_and_grows_with_a_retained_graph():
    torch.manual_seed(0)
    layer = nn.Linear(16, 16)
    x = torch.randn(4, 16)
    with SavedTensorMeter(layer.parameters()) as meter:
        layer(x).sum().backward()
    assert meter.peak == x.numel() * x.element_size()      # the input, not the weight
    model = nn.GRU(4, 8, batch_first=True)
    x = torch.randn(2, 6, 4)
    with SavedTensorMeter(model.parameters()) as meter:
        state, sizes = None, []
        for _ in range(3):
            y, state = model(x, state)
            y.sum().backward(retain_graph=True)
            sizes.append(meter.live)
    steps = np.diff([0, *sizes])
    assert steps[0] > 0 and np.allclose(steps, steps[0])
