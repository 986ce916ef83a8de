"""Lesson 03's memory experiment over several seeds: test accuracy against distance.

    python benchmarks/remember_first_token.py             # full profile: 3 seeds, 1000 steps
    COURSE_PROFILE=ci python benchmarks/remember_first_token.py
    python benchmarks/remember_first_token.py --default-init

Each cell is trained from scratch for each distance and seed with the loop of lesson
03 (``course_utils.memory_task.train_recaller``, a copy kept equal to the lesson's by a
test). An entry is the mean test accuracy over the seeds and, in brackets, the lowest
and the highest (chance is 1/8). Gated cells start with a gate bias of +3, as in the
lesson, unless --default-init is given.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from course_utils import pick
from course_utils.device import device_name
from course_utils.memory_task import KINDS, gate_bias, train_recaller


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--default-init", action="store_true",
                        help="keep PyTorch's default gate biases")
    args = parser.parse_args()
    seeds = pick(ci=[0], full=[0, 1, 2])
    distances = pick(ci=[5, 10], full=[10, 20, 40, 80])
    steps = pick(ci=30, full=1000)
    bias = None if args.default_init else 3.0
    print(f"torch {torch.__version__} on {device_name()}, {torch.get_num_threads()} threads, "
          f"{steps} steps, seeds {seeds}, gate bias {'default' if bias is None else bias}")
    print(f"{'cell':<5}" + "".join(f"{'d=' + str(d):>21}" for d in distances) + "   seconds")
    for kind in KINDS:
        def init(model, kind=kind):
            if kind != "RNN" and bias is not None:
                gate_bias(model.rnn, bias)

        start = time.perf_counter()
        row = []
        for distance in distances:
            scores = np.array([train_recaller(kind, distance, steps=steps, seed=seed,
                                              init=init)[1] for seed in seeds])
            row.append(f"{scores.mean():.2f} [{scores.min():.2f}, {scores.max():.2f}]")
        print(f"{kind:<5}" + "".join(f"{cell:>21}" for cell in row)
              + f"   {time.perf_counter() - start:7.0f}")


if __name__ == "__main__":
    main()
