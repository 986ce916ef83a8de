"""Forward + backward through time: lesson 02's NumPy RNN against torch.nn.RNN on the CPU.

    python benchmarks/bptt_numpy_vs_torch.py            # full profile: 20 runs per size
    COURSE_PROFILE=ci python benchmarks/bptt_numpy_vs_torch.py

Prints median milliseconds per forward + backward pass and the ratio to PyTorch.
The course's goal: NumPy within 1.5x of torch at batch 64, hidden 128, T = 100.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import torch

from course_utils import pick
from course_utils.numpy_rnn import rnn_backward_batch, rnn_forward_batch

SIZES = [(64, 100, 128, 128), (32, 50, 64, 64), (64, 100, 256, 256), (128, 200, 128, 128)]
GOAL = (64, 100, 128, 128)


def median_ms(step: Callable[[], None], repeats: int) -> float:
    """Median wall time of ``step`` in milliseconds, after one warm-up call."""
    step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def race(N: int, T: int, D: int, H: int, repeats: int) -> tuple[float, float]:
    """(numpy ms, torch ms) for one forward + backward pass in float32."""
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


def main() -> None:
    repeats = pick(ci=3, full=20)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"numpy {np.__version__}, {repeats} runs per size")
    print(f"{'N':>4} {'T':>4} {'D':>4} {'H':>4} {'numpy ms':>9} {'torch ms':>9} {'ratio':>6}")
    for size in SIZES:
        numpy_ms, torch_ms = race(*size, repeats)
        mark = "  <- goal: ratio <= 1.5" if size == GOAL else ""
        print(f"{size[0]:>4} {size[1]:>4} {size[2]:>4} {size[3]:>4} "
              f"{numpy_ms:9.1f} {torch_ms:9.1f} {numpy_ms / torch_ms:6.2f}{mark}")


if __name__ == "__main__":
    main()
