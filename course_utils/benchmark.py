"""Timing the batched NumPy RNN of lesson 02 against torch.nn.RNN on the CPU.

Used by lesson 02 and by ``benchmarks/bptt_numpy_vs_torch.py``; speed targets
live in that script's table, not in tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .numpy_rnn import rnn_backward_batch, rnn_forward_batch


def median_ms(step: Callable[[], None], repeats: int) -> float:
    """Median wall time of ``step`` in milliseconds, after one warm-up call."""
    step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def bptt_race(N: int, T: int, D: int, H: int, repeats: int) -> tuple[float, float]:
    """(numpy ms, torch ms) for one forward + backward pass in float32, batch-first."""
    import torch

    rng = np.random.default_rng(0)
    xs = rng.normal(size=(N, T, D)).astype(np.float32)
    dhs = rng.normal(size=(N, T, H)).astype(np.float32)
    W_xh = (rng.normal(size=(H, D)) / np.sqrt(D)).astype(np.float32)
    W_hh = (rng.normal(size=(H, H)) / np.sqrt(H)).astype(np.float32)
    b_h, h0 = np.zeros(H, np.float32), np.zeros((N, H), np.float32)
    rnn = torch.nn.RNN(D, H, batch_first=True)
    x_t, g_t = torch.from_numpy(xs), torch.from_numpy(dhs)

    def numpy_step() -> None:
        rnn_backward_batch(dhs, xs, rnn_forward_batch(xs, h0, W_xh, W_hh, b_h), W_hh)

    def torch_step() -> None:
        out, _ = rnn(x_t)
        out.backward(g_t)
        rnn.zero_grad()

    return median_ms(numpy_step, repeats), median_ms(torch_step, repeats)
