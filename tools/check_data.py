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
        # Solved cells, and cells that only define helpers the solutions call.
        if cell["cell_type"] == "code" and (has_solution(code) or code.startswith("def ")):
            exec(compile(code, str(path), "exec"), namespace)
    return namespace


def _round(a: np.ndarray) -> list:
    return np.asarray(a, dtype=float).round(12).tolist()


def lab01(fns: dict[str, Any]) -> dict[str, Any]:
    """Inputs and expected outputs for lab 01: several cases per task, degenerate ones too."""
    rng = np.random.default_rng(2024)
    # Case, punctuation, apostrophes, digits, an accent, and whitespace of every kind.
    text = ("  The cat sat on the mat.\nThe dog didn't sit;\tit sat on THE log,  near 2 "
            "mats\r\nand the cat's mat at the Café  ")
    query = "The dog sat on a mat.\tTHE cat's hat, near the café\n"
    blank = " \t\n"
    vocab = fns["build_vocab"](text)

    def step_case(N: int, D: int, H: int) -> dict[str, Any]:
        step = {"x_t": rng.normal(size=(N, D)), "h_prev": rng.uniform(-1, 1, size=(N, H)),
                "W_xh": rng.normal(size=(H, D)), "W_hh": rng.normal(size=(H, H)),
                "b_h": rng.normal(size=H)}
        return {**{k: _round(v) for k, v in step.items()},
                "h_t": _round(fns["rnn_step_forward"](*step.values()))}

    def forward_case(N: int, T: int, D: int, H: int) -> dict[str, Any]:
        seq = {"xs": rng.normal(size=(N, T, D)), "h0": rng.uniform(-1, 1, size=(N, H)),
               "W_xh": rng.normal(size=(H, D)), "W_hh": rng.normal(size=(H, H)),
               "b_h": rng.normal(size=H)}
        return {**{k: _round(v) for k, v in seq.items()},
                "hs": _round(fns["rnn_forward"](*seq.values()))}

    def one_hot_case(indices: list[int], size: int) -> dict[str, Any]:
        ids = np.array(indices, dtype=np.int64)
        return {"indices": indices, "vocab_size": size,
                "one_hot": _round(fns["one_hot"](ids, size))}

    return {
        "build_vocab": {"cases": [{"text": t, "vocab": fns["build_vocab"](t)}
                                  for t in (text, blank)]},
        "text_to_indices": {"cases": [
            {"text": t, "vocab": vocab, "indices": fns["text_to_indices"](t, vocab).tolist()}
            for t in (query, blank)]},
        "one_hot": {"cases": [one_hot_case([3, 0, 4, 4, 1], 6), one_hot_case([], 4)]},
        "rnn_step_forward": {"cases": [step_case(N=2, D=5, H=3)]},
        "rnn_forward": {"cases": [forward_case(N=2, T=6, D=5, H=3),
                                  forward_case(N=1, T=1, D=4, H=2)]},
    }


LAB02_WORDS = ("abe", "bdfh", "cha", "dab", "egc", "fheb")
LAB02_THRESHOLD = 0.6  # held-out nats per character after training; solution: see below


def _lab02_text(length: int, rng: np.random.Generator) -> str:
    """Words of LAB02_WORDS drawn uniformly at random, separated by spaces."""
    text = ""
    while len(text) < length:
        text += LAB02_WORDS[rng.integers(len(LAB02_WORDS))] + " "
    return text[:length]


def _lab02_char_params(V: int, H: int, rng: np.random.Generator, scale: float) -> dict:
    return {"W_xh": rng.normal(0.0, scale, size=(H, V)),
            "W_hh": rng.normal(0.0, scale / np.sqrt(H), size=(H, H)),
            "b_h": np.zeros(H), "W_hy": rng.normal(0.0, scale, size=(V, H)),
            "b_y": np.zeros(V)}


def _lab02_training(fns: dict[str, Any]) -> dict[str, Any]:
    """The training task: corpus, start, windows; the threshold checked on 3 seeds."""
    train = _lab02_text(3000, np.random.default_rng(1))
    held_out = _lab02_text(1000, np.random.default_rng(2))
    alphabet = sorted(set(train + held_out))
    ids = {c: i for i, c in enumerate(alphabet)}
    train_ids = np.array([ids[c] for c in train])
    held_ids = np.array([ids[c] for c in held_out])
    H, T, steps, lr, max_norm = 16, 20, 300, 0.5, 1.0
    runs = []
    for seed in range(3):
        rng = np.random.default_rng(seed)
        params = _lab02_char_params(len(alphabet), H, rng, 0.3)
        start_params = {k: v.copy() for k, v in params.items()}
        starts = rng.integers(0, len(train) - T - 1, size=steps)
        for s in starts:
            params, _ = fns["sgd_step"](params, train_ids[s:s + T],
                                          train_ids[s + 1:s + T + 1], lr, max_norm)
        logits = fns["char_forward"](params, held_ids[:-1])[2]
        runs.append(fns["softmax_cross_entropy"](logits, held_ids[1:])[0])
        if seed == 0:
            stored = (start_params, starts)
    # The solution must clear the threshold with a margin on every seed.
    assert max(runs) < LAB02_THRESHOLD - 0.1, runs
    return {"corpus": {"words": list(LAB02_WORDS), "train": train, "held_out": held_out},
            "window": T, "lr": lr, "max_norm": max_norm, "threshold": LAB02_THRESHOLD,
            "start": {k: _round(v) for k, v in stored[0].items()},
            "starts": stored[1].tolist()}


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
    zero = {name: np.zeros_like(g) for name, g in large.items()}
    V, T_s = 5, 6
    logits, targets = 2 * rng.normal(size=(T_s, V)), rng.integers(0, V, size=T_s)
    loss, dlogits = fns["softmax_cross_entropy"](logits, targets)
    params = _lab02_char_params(V, 4, rng, 1.5)
    params["b_h"], params["b_y"] = 0.5 * rng.normal(size=4), 0.5 * rng.normal(size=V)
    inputs, outputs = rng.integers(0, V, size=T_s), rng.integers(0, V, size=T_s)
    new, step_loss = fns["sgd_step"](params, inputs, outputs, 0.5, 0.5)
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
                           "small": {k: _round(v) for k, v in small.items()},
                           "zero": {k: _round(v) for k, v in zero.items()}},
        "sample": {"logits": [1.5, 0.2, -0.5, 0.9, -2.0], "temperatures": [0.5, 1.0, 3.0],
                   "draws": 6000, "tolerance": 0.035, "shift": 1000.0},
        "softmax_cross_entropy": {"logits": _round(logits), "targets": targets.tolist(),
                                  "shift": 1000.0, "loss": round(float(loss), 12),
                                  "dlogits": _round(dlogits)},
        "sgd_step": {
            "one_step": {**{k: _round(v) for k, v in params.items()},
                         "inputs": inputs.tolist(), "targets": outputs.tolist(),
                         "lr": 0.5, "max_norm": 0.5, "loss": round(float(step_loss), 12),
                         **{"new_" + k: _round(v) for k, v in new.items()}},
            **_lab02_training(fns)},
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
