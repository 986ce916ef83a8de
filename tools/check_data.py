"""Make the stored inputs and expected outputs of the lab checks.

    python -m tools.check_data           # write course_utils/checks/expected/*.json
    python -m tools.check_data --check   # fail if a stored file is stale

Expected values come from the solved lab itself (``solutions/en/``), so the
reference implementation is written once. Inputs are fixed here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from . import nbfiles
from .exercises import has_solution

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "course_utils" / "checks" / "expected"


def solution_functions(path: Path) -> dict[str, Any]:
    """The namespace left by the code cells of a solved lab that hold a solution."""
    namespace: dict[str, Any] = {"np": np}
    for cell in nbfiles.read(path)["cells"]:
        code = nbfiles.source(cell)
        if cell["cell_type"] == "code" and has_solution(code):
            exec(compile(code, str(path), "exec"), namespace)
    return namespace


def _round(a: np.ndarray) -> list:
    return np.asarray(a, dtype=float).round(12).tolist()


def lab01(fns: dict[str, Any]) -> dict[str, Any]:
    """Inputs and expected outputs for lab 01."""
    rng = np.random.default_rng(2024)
    text = "The cat sat on the mat\nand the  dog\tsat on THE log"
    vocab = fns["build_vocab"](text)
    query = "the dog sat on a mat near the cat"
    D, H, T = 5, 3, 6
    step = {"x_t": rng.normal(size=D), "h_prev": rng.uniform(-1, 1, size=H),
            "W_xh": rng.normal(size=(H, D)), "W_hh": rng.normal(size=(H, H)),
            "b_h": rng.normal(size=H)}
    seq = {"xs": rng.normal(size=(T, D)), "h0": rng.uniform(-1, 1, size=H),
           "W_xh": rng.normal(size=(H, D)), "W_hh": rng.normal(size=(H, H)),
           "b_h": rng.normal(size=H)}
    indices = np.array([3, 0, 4, 4, 1])
    return {
        "build_vocab": {"text": text, "vocab": vocab},
        "text_to_indices": {"text": query, "vocab": vocab,
                            "indices": fns["text_to_indices"](query, vocab).tolist()},
        "one_hot": {"indices": indices.tolist(), "vocab_size": 6,
                    "one_hot": _round(fns["one_hot"](indices, 6))},
        "rnn_step_forward": {**{k: _round(v) for k, v in step.items()},
                             "h_t": _round(fns["rnn_step_forward"](*step.values()))},
        "rnn_forward": {**{k: _round(v) for k, v in seq.items()},
                        "hs": _round(fns["rnn_forward"](*seq.values()))},
    }


def lab02(fns: dict[str, Any]) -> dict[str, Any]:
    """Inputs and expected outputs for lab 02."""
    rng = np.random.default_rng(2025)
    D, H, T = 4, 3, 5
    W_xh, W_hh = rng.normal(size=(H, D)), 0.8 * rng.normal(size=(H, H))
    x_t, h_prev = rng.normal(size=D), rng.uniform(-0.9, 0.9, size=H)
    h_t = np.tanh(W_xh @ x_t + W_hh @ h_prev)
    dh = rng.normal(size=H)
    step_names = ("dx_t", "dh_prev", "dW_xh", "dW_hh", "db_h")
    step = fns["rnn_step_backward"](dh, x_t, h_prev, h_t, W_xh, W_hh)
    xs = rng.normal(size=(T, D))
    hs = [rng.uniform(-0.9, 0.9, size=H)]
    for x in xs:
        hs.append(np.tanh(W_xh @ x + W_hh @ hs[-1]))
    hs = np.array(hs)
    dhs = rng.normal(size=(T, H))
    seq_names = ("dxs", "dh0", "dW_xh", "dW_hh", "db_h")
    seq = fns["rnn_backward"](dhs, xs, hs, W_xh, W_hh)
    large = {"W_xh": 3 * rng.normal(size=(H, D)), "W_hh": 3 * rng.normal(size=(H, H)),
             "b_h": 3 * rng.normal(size=H)}
    small = {name: 0.01 * g for name, g in large.items()}
    return {
        "rnn_step_backward": {
            **{k: _round(v) for k, v in
               {"dh": dh, "x_t": x_t, "h_prev": h_prev, "h_t": h_t, "W_xh": W_xh,
                "W_hh": W_hh}.items()},
            **{k: _round(v) for k, v in zip(step_names, step, strict=True)}},
        "rnn_backward": {
            **{k: _round(v) for k, v in
               {"dhs": dhs, "xs": xs, "hs": hs, "W_xh": W_xh, "W_hh": W_hh}.items()},
            **{k: _round(v) for k, v in zip(seq_names, seq, strict=True)}},
        "clip_gradients": {"max_norm": 5.0,
                           "large": {k: _round(v) for k, v in large.items()},
                           "small": {k: _round(v) for k, v in small.items()}},
        "sample": {"logits": [1.5, 0.2, -0.5, 0.9, -2.0], "temperatures": [0.5, 1.0, 3.0],
                   "draws": 6000, "tolerance": 0.035},
    }


LABS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "lab01": ("lab01_rnn_forward", lab01),
    "lab02": ("lab02_bptt", lab02),
}


def render(lab: str) -> str:
    """The JSON text of a lab's expected values."""
    stem, make = LABS[lab]
    data = make(solution_functions(ROOT / "solutions" / "en" / f"{stem}.ipynb"))
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for lab in LABS:
        path = EXPECTED / f"{lab}.json"
        text = render(lab)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        if args.check:
            stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    for path in stale:
        print(f"{path}: stale (run: python -m tools.check_data)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
