"""The project's promises: two commands, CI calls the test command, stored data fresh, lint."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
import torch

from course_utils.checks.core import load_expected
from course_utils.quiz import ANSWERS
from tools import check_data, nbfiles

from .helpers import LANGS, ROOT

COMMANDS = ["make lab", "make test"]


@pytest.mark.parametrize("lang", LANGS)
def test_readme_gives_exactly_the_two_commands(lang):
    name = "README.md" if lang == "en" else f"README.{lang}.md"
    text = (ROOT / name).read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, name
    commands = [line.split("#")[0].strip() for line in block[1].splitlines() if line.strip()]
    assert commands == COMMANDS, name


def test_ci_runs_the_readme_test_command():
    lines = [line for line in (ROOT / ".ci/run").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[-1].strip() == "make test"


def test_stored_check_data_is_made_from_the_solutions():
    for lab in check_data.LABS:
        stored = (check_data.EXPECTED / f"{lab}.json").read_text(encoding="utf-8")
        assert stored == check_data.render(lab), f"run: python -m tools.check_data ({lab})"


def test_lab01_expected_states_agree_with_pytorch():
    for data in load_expected("lab01")["rnn_forward"]["cases"]:
        xs, h0 = np.array(data["xs"]), np.array(data["h0"])
        rnn = torch.nn.RNN(xs.shape[2], h0.shape[1], batch_first=True, dtype=torch.float64)
        with torch.no_grad():
            rnn.weight_ih_l0.copy_(torch.tensor(data["W_xh"]))
            rnn.weight_hh_l0.copy_(torch.tensor(data["W_hh"]))
            rnn.bias_ih_l0.copy_(torch.tensor(data["b_h"]))
            rnn.bias_hh_l0.zero_()
            hs, _ = rnn(torch.from_numpy(xs), torch.from_numpy(h0)[None])
        assert np.allclose(hs.numpy(), data["hs"], atol=1e-10)


@pytest.mark.parametrize("lesson", sorted(ANSWERS))
def test_quiz_key_matches_the_questions_of_the_lesson(lesson):
    path = next((ROOT / "notebooks" / "en").glob(f"{lesson}_*.ipynb"))
    cells = [nbfiles.source(c) for c in nbfiles.read(path)["cells"]]
    quiz = next(c for c in cells if "## Self-check quiz" in c)
    quiz = quiz[quiz.index("## Self-check quiz"):]
    questions = re.findall(r"^(\d+)\. ", quiz, re.M)
    assert [int(q) for q in questions] == list(ANSWERS[lesson])
    for number, letter in ANSWERS[lesson].items():
        block = quiz.split(f"\n{number}. ")[1].split("\n" + str(number + 1) + ". ")[0]
        assert f"({letter})" in block


def test_code_is_ruff_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", str(ROOT)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lab02_expected_gradients_agree_with_numerical_gradients():
    from course_utils.gradcheck import numerical_gradient, relative_error

    d = {k: np.array(v) for k, v in load_expected("lab02")["rnn_backward"].items()}
    xs, hs, dhs, W_xh, W_hh = d["xs"], d["hs"], d["dhs"], d["W_xh"], d["W_hh"]
    h0, b_h = hs[0].copy(), np.zeros(len(W_hh))

    def loss():
        h, total = h0, 0.0
        for x_t, g_t in zip(xs, dhs, strict=True):
            h = np.tanh(W_xh @ x_t + W_hh @ h + b_h)
            total += float(g_t @ h)
        return total

    for name, param in [("dxs", xs), ("dh0", h0), ("dW_xh", W_xh), ("dW_hh", W_hh),
                        ("db_h", b_h)]:
        assert relative_error(d[name], numerical_gradient(loss, param)) < 1e-8, name


def test_lab02_expected_step_gradients_agree_with_autograd():
    raw = load_expected("lab02")["rnn_step_backward"]
    d = {k: torch.tensor(v, dtype=torch.float64) for k, v in raw.items()}
    inputs = {k: d[k].clone().requires_grad_(True) for k in ("x_t", "h_prev", "W_xh", "W_hh")}
    b_h = torch.zeros(len(d["W_hh"]), dtype=torch.float64, requires_grad=True)
    h_t = torch.tanh(inputs["W_xh"] @ inputs["x_t"] + inputs["W_hh"] @ inputs["h_prev"] + b_h)
    assert torch.allclose(h_t, d["h_t"])
    h_t.backward(d["dh"])
    pairs = [("dx_t", "x_t"), ("dh_prev", "h_prev"), ("dW_xh", "W_xh"), ("dW_hh", "W_hh")]
    for expected, name in pairs:
        assert torch.allclose(inputs[name].grad, d[expected], atol=1e-10), name
    assert torch.allclose(b_h.grad, d["db_h"], atol=1e-10)
