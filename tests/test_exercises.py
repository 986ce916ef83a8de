"""Lab checks pass on the solutions, and fail on the blank exercises and on wrong answers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_utils.checks import (
    CheckFailed,
    lab01,
    lab02,
    lab03,
    lab04,
    lab05,
    lab06,
    lab07,
    lab08,
)
from course_utils.i18n import catalog, set_language

from .helpers import LANGS, ROOT, function_cells

LAB01 = "lab01_rnn_forward.ipynb"
LABS = {
    LAB01: (lab01, ["build_vocab", "text_to_indices", "one_hot", "rnn_step_forward",
                    "rnn_forward"]),
    "lab02_bptt.ipynb": (lab02, ["rnn_step_backward", "rnn_backward", "clip_gradients",
                                 "sample", "softmax_cross_entropy", "sgd_step"]),
    "lab03_gated_cells.ipynb": (lab03, ["lstm_cell", "lstm_forward", "gru_cell",
                                        "gru_forward"]),
    "lab04_sentiment.ipynb": (lab04, ["collate_batch", "train_step", "evaluate_accuracy"]),
    "lab05_keras.ipynb": (lab05, ["GRUCell", "lstm_weights_to_keras", "standardize_zh"]),
    "lab06_sampling.ipynb": (lab06, ["sample_with_temperature", "sample_top_k", "generate"]),
    "lab07_tbptt.ipynb": (lab07, ["make_streams", "train_tbptt", "top_p_filter",
                                  "sample_top_p"]),
    "lab08_scans.ipynb": (lab08, ["scan_loop", "scan_parallel", "ssd_quadratic"]),
}
CHECK_NAMES = {"GRUCell": "gru_cell"}          # a class's check has a function's name
CHECKS = {task: getattr(module, f"check_{CHECK_NAMES.get(task, task)}")
          for module, tasks in LABS.values() for task in tasks}
SOLUTION_LINES = {LAB01: "np.tanh(x_t @ W_xh.T", "lab02_bptt.ipynb": "(1 - h_t**2) * dh",
                  "lab03_gated_cells.ipynb": "(1 - z) * n + z * h",
                  "lab04_sentiment.ipynb": "padded[row, : len(ids)]",
                  "lab05_keras.ipynb": "[W_ih.T, W_hh.T, b_ih + b_hh]",
                  "lab06_sampling.ipynb": "new_ids.append(token)",
                  "lab07_tbptt.ipynb": "state = tuple(h.detach() for h in state)",
                  "lab08_scans.ipynb": "a[:, d:] * b[:, :-d] + b[:, d:]"}


def run_check(task: str, fn) -> None:
    CHECKS[task](fn)


@pytest.mark.parametrize("lab", LABS)
def test_solutions_pass_every_check(lab, capsys):
    # The solutions of the other languages carry the same code (the build derives them and
    # test_build fails when they are stale), and nbval runs each of them with its checks.
    solved = function_cells(ROOT / "solutions" / "en" / lab)
    tasks = LABS[lab][1]
    for task in tasks:
        run_check(task, solved[task])
    assert capsys.readouterr().out.count("✓") == len(tasks)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("lab", LABS)
def test_blank_exercises_fail_every_check(lab, lang):
    blank = function_cells(ROOT / "exercises" / lang / lab)
    for task in LABS[lab][1]:
        with pytest.raises(CheckFailed, match=r"todo\(\)"):
            run_check(task, blank[task])


@pytest.mark.parametrize("lab", LABS)
def test_exercise_holds_no_solution(lab):
    text = (ROOT / "exercises" / "en" / lab).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text
    assert SOLUTION_LINES[lab] not in (ROOT / "exercises" / "en" / lab).read_text()
    assert SOLUTION_LINES[lab] in (ROOT / "solutions" / "en" / lab).read_text()
    assert text.count("todo()") >= len(LABS[lab][1])


def test_check_messages_follow_the_language():
    blank = function_cells(ROOT / "exercises" / "ru" / LAB01)
    set_language("ru")
    with pytest.raises(CheckFailed) as failure:
        run_check("one_hot", blank["one_hot"])
    translated = catalog("ru")["not written yet: replace the todo() line with your code."]
    assert translated in str(failure.value)


# Plausible mistakes, each of which must fail its check (lab 01's: test_lab01_checks.py).
def step_back_no_tanh_derivative(dh, x, h_prev, h, W_xh, W_hh):
    return W_xh.T @ dh, W_hh.T @ dh, np.outer(dh, x), np.outer(dh, h_prev), dh


def step_back_derivative_at_h_prev(dh, x, h_prev, h, W_xh, W_hh):
    da = (1 - h_prev**2) * dh
    return W_xh.T @ da, W_hh.T @ da, np.outer(da, x), np.outer(da, h_prev), da


def step_back_outer_swapped(dh, x, h_prev, h, W_xh, W_hh):
    da = (1 - h**2) * dh
    return W_xh.T @ da, W_hh.T @ da, np.outer(x, da), np.outer(h_prev, da), da


def step_back_right(dh, x, h_prev, h, W_xh, W_hh):
    da = (1 - h**2) * dh
    return W_xh.T @ da, W_hh.T @ da, np.outer(da, x), np.outer(da, h_prev), da


def make_backward(carry=True, backwards=True, accumulate=True):
    def rnn_backward(dhs, xs, hs, W_xh, W_hh):
        dxs = np.zeros_like(xs)
        dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros(len(W_hh))
        dh_next = np.zeros(len(W_hh))
        order = reversed(range(len(xs))) if backwards else range(len(xs))
        for t in order:
            dh = dhs[t] + dh_next if carry else dhs[t]
            dxs[t], dh_next, dWx, dWh, db = step_back_right(dh, xs[t], hs[t], hs[t + 1],
                                                            W_xh, W_hh)
            if accumulate:
                dW_xh, dW_hh, db_h = dW_xh + dWx, dW_hh + dWh, db_h + db
            else:
                dW_xh, dW_hh, db_h = dWx, dWh, db
        return dxs, dh_next, dW_xh, dW_hh, db_h
    return rnn_backward


def clip_each_entry(grads, max_norm):
    return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}


def clip_each_array(grads, max_norm):
    return {k: g * min(1.0, max_norm / np.linalg.norm(g)) for k, g in grads.items()}


def clip_always(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    return {k: g * max_norm / total for k, g in grads.items()}


def clip_in_place(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    for g in grads.values():
        g *= min(1.0, max_norm / total)
    return grads


def softmax_draw(z, rng):
    p = np.exp(z - z.max())
    return int(rng.choice(len(z), p=p / p.sum()))


def sample_ignores_temperature(logits, temperature, rng):
    return softmax_draw(logits, rng)


def sample_times_temperature(logits, temperature, rng):
    return softmax_draw(logits * temperature, rng)


def sample_argmax(logits, temperature, rng):
    return int(np.argmax(logits))


def sample_global_random(logits, temperature, rng):
    z = logits / temperature
    p = np.exp(z - z.max())
    return int(np.random.choice(len(z), p=p / p.sum()))


def sample_uniform(logits, temperature, rng):
    return int(rng.integers(len(logits)))


# Lab 03: gated cells in PyTorch's stacked layout.
def lstm_cell_order(order="ifgo", squash=torch.sigmoid, cell=lambda f, c, i, g: f * c + i * g,
                    skip_hh_bias=False):
    def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
        pre = x @ W_ih.T + b_ih + h @ W_hh.T + (0 if skip_hh_bias else b_hh)
        gates = dict(zip(order, pre.chunk(4, dim=1), strict=True))
        i, f, o = squash(gates["i"]), squash(gates["f"]), squash(gates["o"])
        c_new = cell(f, c, i, torch.tanh(gates["g"]))
        return o * torch.tanh(c_new), c_new
    return lstm_cell


def lstm_cell_transposed(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return lstm_cell_order()(x, h, c, W_ih.T, W_hh.T, b_ih, b_hh)


def lstm_cell_outputs_swapped(x, h, c, W_ih, W_hh, b_ih, b_hh):
    h_new, c_new = lstm_cell_order()(x, h, c, W_ih, W_hh, b_ih, b_hh)
    return c_new, h_new


def lstm_cell_in_place(x, h, c, W_ih, W_hh, b_ih, b_hh):
    h_new, c_new = lstm_cell_order()(x, h, c, W_ih, W_hh, b_ih, b_hh)
    c.mul_(0)
    return h_new, c_new


def make_lstm_forward(carry_c=True, carry_h=True, time_major=False):
    right = lstm_cell_order()

    def lstm_forward(xs, h0, c0, W_ih, W_hh, b_ih, b_hh):
        h, c, outputs = h0, c0, []
        for t in range(xs.shape[1]):
            h_new, c_new = right(xs[:, t], h if carry_h else h0, c if carry_c else c0,
                                 W_ih, W_hh, b_ih, b_hh)
            h, c = h_new, c_new
            outputs.append(h)
        return torch.stack(outputs, dim=0 if time_major else 1), (h, c)
    return lstm_forward


def lstm_forward_from_zero(xs, h0, c0, W_ih, W_hh, b_ih, b_hh):
    return make_lstm_forward()(xs, torch.zeros_like(h0), torch.zeros_like(c0),
                               W_ih, W_hh, b_ih, b_hh)


def lstm_forward_without_c(xs, h0, c0, W_ih, W_hh, b_ih, b_hh):
    outputs, (h, _c) = make_lstm_forward()(xs, h0, c0, W_ih, W_hh, b_ih, b_hh)
    return outputs, h


def gru_cell_variant(order="rzn", squash=torch.sigmoid, z_on_old=True, bias_outside=False,
                     fused=False):
    def gru_cell(x, h, W_ih, W_hh, b_ih, b_hh):
        parts = dict(zip(order, (x @ W_ih.T + b_ih).chunk(3, dim=1), strict=True))
        hparts = dict(zip(order, (h @ W_hh.T + b_hh).chunk(3, dim=1), strict=True))
        r = squash(parts["r"] + hparts["r"])
        z = squash(parts["z"] + hparts["z"])
        if fused:
            n = torch.tanh(parts["n"] + hparts["n"])
        elif bias_outside:
            W_hn = dict(zip(order, W_hh.chunk(3), strict=True))["n"]
            b_hn = dict(zip(order, b_hh.chunk(3), strict=True))["n"]
            n = torch.tanh(parts["n"] + r * (h @ W_hn.T) + b_hn)
        else:
            n = torch.tanh(parts["n"] + r * hparts["n"])
        return (1 - z) * n + z * h if z_on_old else z * n + (1 - z) * h
    return gru_cell


def make_gru_forward(carry=True, last_only=False):
    right = gru_cell_variant()

    def gru_forward(xs, h0, W_ih, W_hh, b_ih, b_hh):
        h, outputs = h0, []
        for t in range(xs.shape[1]):
            h = right(xs[:, t], h if carry else h0, W_ih, W_hh, b_ih, b_hh)
            outputs.append(h)
        return (h, h) if last_only else (torch.stack(outputs, dim=1), h)
    return gru_forward


def gru_forward_numpy(xs, h0, W_ih, W_hh, b_ih, b_hh):
    outputs, h = make_gru_forward()(xs, h0, W_ih, W_hh, b_ih, b_hh)
    return outputs.numpy(), h.numpy()


WRONG_LAB03 = [
    ("lstm_cell", lstm_cell_order(order="igfo"), "order i, g, f, o"),
    ("lstm_cell", lstm_cell_order(order="figo"), "order f, i, g, o"),
    ("lstm_cell", lstm_cell_order(cell=lambda f, c, i, g: i * g), "ignores the old cell"),
    ("lstm_cell", lstm_cell_order(cell=lambda f, c, i, g: c + i * g), "without the forget gate"),
    ("lstm_cell", lstm_cell_order(squash=torch.tanh), "sigmoid"),
    ("lstm_cell", lstm_cell_order(skip_hh_bias=True), "differ"),
    ("lstm_cell", lstm_cell_transposed, "raised"),
    ("lstm_cell", lstm_cell_outputs_swapped, "differ"),
    ("lstm_cell", lstm_cell_in_place, "changed one of its inputs"),
    ("lstm_forward", make_lstm_forward(carry_c=False), "c is not carried"),
    ("lstm_forward", make_lstm_forward(carry_h=False), "h is not carried"),
    ("lstm_forward", make_lstm_forward(time_major=True), "shape"),
    ("lstm_forward", lstm_forward_from_zero, "initial state"),
    ("lstm_forward", lstm_forward_without_c, "pair (h_T, c_T)"),
    ("gru_cell", gru_cell_variant(order="zrn"), "order z, r, n"),
    ("gru_cell", gru_cell_variant(z_on_old=False), "wrong sides"),
    ("gru_cell", gru_cell_variant(squash=torch.tanh), "sigmoid"),
    ("gru_cell", gru_cell_variant(bias_outside=True), "bias included"),
    ("gru_cell", gru_cell_variant(fused=True), "differ"),
    ("gru_forward", make_gru_forward(carry=False), "pass the new state"),
    ("gru_forward", make_gru_forward(last_only=True), "shape"),
    ("gru_forward", gru_forward_numpy, "torch tensor"),
]


WRONG = [*WRONG_LAB03,
    ("rnn_step_backward", step_back_no_tanh_derivative, "derivative of tanh"),
    ("rnn_step_backward", step_back_derivative_at_h_prev, "not h_prev"),
    ("rnn_step_backward", step_back_outer_swapped, "shape"),
    ("rnn_backward", make_backward(carry=False), "coming back from step t + 1"),
    ("rnn_backward", make_backward(backwards=False), "differ"),
    ("rnn_backward", make_backward(accumulate=False), "added up"),
    ("clip_gradients", clip_each_entry, "another direction"),
    ("clip_gradients", clip_each_array, "another direction"),
    ("clip_gradients", clip_always, "after clipping"),
    ("clip_gradients", clip_in_place, "changed one of its inputs"),
    ("sample", sample_ignores_temperature, "temperature 0.5"),
    ("sample", sample_times_temperature, "temperature 0.5"),
    ("sample", sample_argmax, "temperature"),
    ("sample", sample_global_random, "rng"),
    ("sample", sample_uniform, "temperature"),
]


@pytest.mark.parametrize(("task", "wrong", "hint"), WRONG,
                         ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(WRONG)])
def test_wrong_answers_fail_with_a_useful_message(task, wrong, hint):
    with pytest.raises(CheckFailed, match=None) as failure:
        run_check(task, wrong)
    assert hint in str(failure.value)
    assert str(failure.value).startswith(f"✗ {task}:")
