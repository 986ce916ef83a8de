"""Forward + backward through time: lesson 02's NumPy RNN against torch.nn.RNN on the CPU.

    python benchmarks/bptt_numpy_vs_torch.py            # full profile: 20 runs per size
    COURSE_PROFILE=ci python benchmarks/bptt_numpy_vs_torch.py

Prints median milliseconds per forward + backward pass and the ratio to PyTorch.
Milliseconds depend on the machine and on its load; the ratio moves from run to run
too (in either direction). What lesson 02 claims, and asserts in its full profile, is
only that the two are of the same order of magnitude at batch 64, hidden 128, T = 100.
"""

from __future__ import annotations

import numpy as np
import torch

from course_utils import pick
from course_utils.benchmark import bptt_race

SIZES = [(64, 100, 128, 128), (32, 50, 64, 64), (64, 100, 256, 256), (128, 200, 128, 128)]
GOAL = (64, 100, 128, 128)


def main() -> None:
    repeats = pick(ci=3, full=20)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"numpy {np.__version__}, {repeats} runs per size")
    print(f"{'N':>4} {'T':>4} {'D':>4} {'H':>4} {'numpy ms':>9} {'torch ms':>9} {'ratio':>6}")
    for size in SIZES:
        numpy_ms, torch_ms = bptt_race(*size, repeats)
        mark = "  <- lesson 02: 0.1 < ratio < 10" if size == GOAL else ""
        print(f"{size[0]:>4} {size[1]:>4} {size[2]:>4} {size[3]:>4} "
              f"{numpy_ms:9.1f} {torch_ms:9.1f} {numpy_ms / torch_ms:6.2f}{mark}")


if __name__ == "__main__":
    main()
