"""Lab 02's checks pass many right answers and catch many plausible mistakes.

The wrong answers here are a second set, beyond those in ``test_exercises.py``:
dtype slips, returned inputs, in-place changes, state kept between calls,
overflowing softmaxes, a forgotten mean, clip or minus sign, and more.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from course_utils.checks import CheckFailed, lab02
from course_utils.checks.core import EXPECTED_DIR


# Right answers, written the way the solution is (the sgd_step variants call them).
def step_back(dh, x_t, h_prev, h_t, W_xh, W_hh):
    da = (1 - h_t**2) * dh
    return W_xh.T @ da, W_hh.T @ da, np.outer(da, x_t), np.outer(da, h_prev), da


def rnn_backward(dhs, xs, hs, W_xh, W_hh):
    dxs = np.zeros_like(xs)
    dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros(len(W_hh))
    dh_next = np.zeros(len(W_hh))
    for t in reversed(range(len(xs))):
        dxs[t], dh_next, dWx, dWh, db = step_back(dhs[t] + dh_next, xs[t], hs[t], hs[t + 1],
                                                  W_xh, W_hh)
        dW_xh, dW_hh, db_h = dW_xh + dWx, dW_hh + dWh, db_h + db
    return dxs, dh_next, dW_xh, dW_hh, db_h


def clip_gradients(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    return {name: g * scale for name, g in grads.items()}


def softmax_probs(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits, targets):
    T = len(targets)
    probs = softmax_probs(logits)
    loss = -np.log(probs[np.arange(T), targets]).mean()
    d = probs.copy()
    d[np.arange(T), targets] -= 1
    return float(loss), d / T


def char_forward(params, inputs):
    V, H = params["W_hy"].shape
    xs = np.eye(V)[inputs]
    hs = np.zeros((len(inputs) + 1, H))
    for t, x_t in enumerate(xs):
        hs[t + 1] = np.tanh(params["W_xh"] @ x_t + params["W_hh"] @ hs[t] + params["b_h"])
    return xs, hs, hs[1:] @ params["W_hy"].T + params["b_y"]


def gradients(params, inputs, targets, loss_fn=softmax_cross_entropy):
    xs, hs, logits = char_forward(params, inputs)
    loss, dz = loss_fn(logits, targets)
    grads = {"W_hy": dz.T @ hs[1:], "b_y": dz.sum(axis=0)}
    _, _, grads["W_xh"], grads["W_hh"], grads["b_h"] = rnn_backward(
        dz @ params["W_hy"], xs, hs, params["W_xh"], params["W_hh"])
    return grads, loss


def sgd_step(params, inputs, targets, lr, max_norm):
    grads, loss = gradients(params, inputs, targets)
    grads = clip_gradients(grads, max_norm)
    return {name: params[name] - lr * grads[name] for name in params}, loss


def logsumexp(z, axis=None, keepdims=False):
    top = np.max(z, axis=axis, keepdims=True)
    out = top + np.log(np.exp(z - top).sum(axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


# Correct variants: other idioms that must pass.
def step_back_from_arctanh(dh, x_t, h_prev, h_t, W_xh, W_hh):
    da = dh / np.cosh(np.arctanh(h_t)) ** 2
    return W_xh.T @ da, W_hh.T @ da, da[:, None] * x_t, da[:, None] * h_prev, da.copy()


def backward_matrix_products(dhs, xs, hs, W_xh, W_hh):
    das = np.zeros_like(dhs)
    dh = np.zeros(W_hh.shape[0])
    for t in range(len(xs) - 1, -1, -1):
        das[t] = (1 - hs[t + 1] ** 2) * (dhs[t] + dh)
        dh = W_hh.T @ das[t]
    return das @ W_xh, dh, das.T @ xs, das.T @ hs[:-1], das.sum(axis=0)


def clip_concatenated(grads, max_norm):
    total = np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()]))
    return {k: g * (max_norm / max(total, max_norm)) for k, g in grads.items()}


def clip_math_sqrt(grads, max_norm):
    total = math.sqrt(sum(float(np.linalg.norm(g)) ** 2 for g in grads.values()))
    if total > max_norm:
        return {k: g * (max_norm / total) for k, g in grads.items()}
    return {k: g.copy() for k, g in grads.items()}


def clip_torch_style(grads, max_norm):
    total = np.sqrt(sum((g * g).sum() for g in grads.values()))
    coef = max_norm / (total + 1e-6)
    out = {k: g.copy() for k, g in grads.items()}
    if coef < 1:
        for g in out.values():
            g *= coef
    return out


def clip_new_dict_same_arrays(grads, max_norm):
    total = np.sqrt(sum(np.vdot(g, g) for g in grads.values()))
    if total <= max_norm:
        return dict(grads)
    return {k: g * max_norm / total for k, g in grads.items()}


def sample_power(logits, temperature, rng):
    p = np.exp(logits - logits.max())
    p = (p / p.sum()) ** (1 / temperature)
    return int(rng.choice(p.size, p=p / p.sum()))


def sample_searchsorted(logits, temperature, rng):
    z = logits / temperature
    p = np.exp(z - np.max(z))
    return np.searchsorted(np.cumsum(p / p.sum()), rng.random())


def sample_logsumexp(logits, temperature, rng):
    z = logits / temperature
    return int(rng.choice(len(z), p=np.exp(z - logsumexp(z))))


def softmax_logsumexp(logits, targets):
    T = len(targets)
    log_probs = logits - logsumexp(logits, axis=1, keepdims=True)
    dlogits = np.exp(log_probs)
    dlogits[np.arange(T), targets] -= 1
    return -log_probs[np.arange(T), targets].mean(), dlogits / T


def softmax_add_at(logits, targets):
    T = len(targets)
    probs = softmax_probs(logits)
    loss = -np.sum(np.log(probs[np.arange(T), targets])) / T
    np.add.at(probs, (np.arange(T), targets), -1)
    return loss, probs / T


def softmax_loop_one_hot(logits, targets):
    T, V = logits.shape
    loss, dlogits = 0.0, np.zeros_like(logits)
    for t in range(T):
        z = logits[t] - logits.max()  # one maximum for all rows is fine too
        p = np.exp(z) / np.exp(z).sum()
        loss -= np.log(p[targets[t]])
        dlogits[t] = (p - np.eye(V)[targets[t]]) / T
    return loss / T, dlogits


def sgd_step_loop(params, inputs, targets, lr, max_norm):
    grads, loss = gradients(params, inputs, targets, softmax_add_at)
    grads = clip_torch_style(grads, max_norm)
    new = {}
    for name, value in params.items():
        new[name] = value - lr * grads[name]
    return new, np.float64(loss)


RIGHT = [
    ("rnn_step_backward", step_back),
    ("rnn_step_backward", step_back_from_arctanh),
    ("rnn_backward", rnn_backward),
    ("rnn_backward", backward_matrix_products),
    ("clip_gradients", clip_gradients),
    ("clip_gradients", clip_concatenated),
    ("clip_gradients", clip_math_sqrt),
    ("clip_gradients", clip_torch_style),
    ("clip_gradients", clip_new_dict_same_arrays),
    ("sample", sample_power),
    ("sample", sample_searchsorted),
    ("sample", sample_logsumexp),
    ("softmax_cross_entropy", softmax_cross_entropy),
    ("softmax_cross_entropy", softmax_logsumexp),
    ("softmax_cross_entropy", softmax_add_at),
    ("softmax_cross_entropy", softmax_loop_one_hot),
    ("sgd_step", sgd_step),
    ("sgd_step", sgd_step_loop),
]


def run_check(task, fn):
    getattr(lab02, f"check_{task}")(fn)


@pytest.mark.parametrize(("task", "right"), RIGHT,
                         ids=[f"{t}-{f.__name__}" for t, f in RIGHT])
def test_right_answers_pass(task, right, capsys):
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        run_check(task, right)
    assert "✓" in capsys.readouterr().out


# Plausible wrong answers.
def step_back_float32(dh, x_t, h_prev, h_t, W_xh, W_hh):
    return tuple(a.astype(np.float32) for a in step_back(dh, x_t, h_prev, h_t, W_xh, W_hh))


def step_back_list(*args):
    return list(step_back(*args))


def step_back_no_transpose(dh, x_t, h_prev, h_t, W_xh, W_hh):
    da = (1 - h_t**2) * dh
    return W_xh.T @ da, W_hh @ da, np.outer(da, x_t), np.outer(da, h_prev), da


def step_back_no_square(dh, x_t, h_prev, h_t, W_xh, W_hh):
    da = (1 - h_t) * dh
    return W_xh.T @ da, W_hh.T @ da, np.outer(da, x_t), np.outer(da, h_prev), da


def step_back_zero_weights(dh, x_t, h_prev, h_t, W_xh, W_hh):
    dx, dh_prev, _, dW_hh, db = step_back(dh, x_t, h_prev, h_t, W_xh, W_hh)
    return dx, dh_prev, np.zeros_like(W_xh), dW_hh, db


_kept = {"dh_next": None}


def backward_dh_next_kept(dhs, xs, hs, W_xh, W_hh):
    """dh_next lives outside the function and is never reset."""
    if _kept["dh_next"] is None:
        _kept["dh_next"] = np.zeros(len(W_hh))
    dxs = np.zeros_like(xs)
    dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros(len(W_hh))
    for t in reversed(range(len(xs))):
        dxs[t], _kept["dh_next"], dWx, dWh, db = step_back(
            dhs[t] + _kept["dh_next"], xs[t], hs[t], hs[t + 1], W_xh, W_hh)
        dW_xh, dW_hh, db_h = dW_xh + dWx, dW_hh + dWh, db_h + db
    return dxs, _kept["dh_next"], dW_xh, dW_hh, db_h


def backward_states_shifted(dhs, xs, hs, W_xh, W_hh):
    return rnn_backward(dhs, xs, np.concatenate([hs[1:], hs[-1:]]), W_xh, W_hh)


def backward_carry_without_w_hh(dhs, xs, hs, W_xh, W_hh):
    """Its own loop, passing da back instead of W_hh.T @ da."""
    dxs, das = np.zeros_like(xs), np.zeros_like(dhs)
    dh_next = np.zeros(len(W_hh))
    for t in reversed(range(len(xs))):
        das[t] = (1 - hs[t + 1] ** 2) * (dhs[t] + dh_next)
        dxs[t] = W_xh.T @ das[t]
        dh_next = das[t]
    return dxs, dh_next, das.T @ xs, das.T @ hs[:-1], das.sum(axis=0)


def backward_float32(dhs, xs, hs, W_xh, W_hh):
    return tuple(a.astype(np.float32) for a in rnn_backward(dhs, xs, hs, W_xh, W_hh))


def backward_in_place(dhs, xs, hs, W_xh, W_hh):
    dxs = np.zeros_like(xs)
    dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros(len(W_hh))
    dh_next = np.zeros(len(W_hh))
    for t in reversed(range(len(xs))):
        dhs[t] += dh_next
        dxs[t], dh_next, dWx, dWh, db = step_back(dhs[t], xs[t], hs[t], hs[t + 1], W_xh, W_hh)
        dW_xh, dW_hh, db_h = dW_xh + dWx, dW_hh + dWh, db_h + db
    return dxs, dh_next, dW_xh, dW_hh, db_h


def backward_weights_only(dhs, xs, hs, W_xh, W_hh):
    return rnn_backward(dhs, xs, hs, W_xh, W_hh)[2:]


def backward_no_dxs(dhs, xs, hs, W_xh, W_hh):
    _, dh0, dW_xh, dW_hh, db_h = rnn_backward(dhs, xs, hs, W_xh, W_hh)
    return np.zeros_like(xs), dh0, dW_xh, dW_hh, db_h


def backward_first_dh_is_last(dhs, xs, hs, W_xh, W_hh):
    dhs = dhs.copy()
    dhs[-1] *= 2  # dh_next initialised to dhs[-1] instead of zeros
    return rnn_backward(dhs, xs, hs, W_xh, W_hh)


def clip_return_input_when_small(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    if total <= max_norm:
        return grads
    return {k: g * max_norm / total for k, g in grads.items()}


def clip_nan_on_zero(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    return {k: g / total * min(total, max_norm) for k, g in grads.items()}


def clip_l1(grads, max_norm):
    total = sum(np.abs(g).sum() for g in grads.values())
    return {k: g * min(1.0, max_norm / total) for k, g in grads.items()}


def clip_max_abs(grads, max_norm):
    total = max(np.abs(g).max() for g in grads.values())
    return {k: g * min(1.0, max_norm / total) for k, g in grads.items()}


def clip_sum_of_norms(grads, max_norm):
    total = sum(np.linalg.norm(g) for g in grads.values())
    return {k: g * min(1.0, max_norm / total) for k, g in grads.items()}


def clip_squared_norm(grads, max_norm):
    total = sum(np.sum(g**2) for g in grads.values())
    return {k: g * min(1.0, max_norm / total) for k, g in grads.items()}


def clip_inverted(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    return {k: g * min(1.0, total / max_norm) for k, g in grads.items()}


def clip_float32(grads, max_norm):
    return {k: g.astype(np.float32) for k, g in clip_gradients(grads, max_norm).items()}


def sample_overflow(logits, temperature, rng):
    p = np.exp(logits / temperature)
    return int(rng.choice(len(p), p=p / p.sum()))


def sample_float(logits, temperature, rng):
    z = logits / temperature
    p = np.exp(z - z.max())
    return float(rng.choice(len(p), p=p / p.sum()))


def sample_size_one(logits, temperature, rng):
    z = logits / temperature
    p = np.exp(z - z.max())
    return rng.choice(len(p), size=1, p=p / p.sum())


def sample_temperature_outside(logits, temperature, rng):
    p = np.exp(logits - logits.max()) / temperature
    return int(rng.choice(len(p), p=p / p.sum()))


def softmax_sum(logits, targets):
    loss, d = softmax_cross_entropy(logits, targets)
    return loss * len(targets), d * len(targets)


def softmax_grad_not_divided(logits, targets):
    loss, d = softmax_cross_entropy(logits, targets)
    return loss, d * len(targets)


def softmax_sign(logits, targets):
    loss, d = softmax_cross_entropy(logits, targets)
    return loss, -d


def softmax_no_minus_one(logits, targets):
    loss, _ = softmax_cross_entropy(logits, targets)
    return loss, softmax_probs(logits) / len(targets)


def softmax_overflow(logits, targets):
    T = len(targets)
    e = np.exp(logits)
    probs = e / e.sum(axis=1, keepdims=True)
    d = probs.copy()
    d[np.arange(T), targets] -= 1
    return -np.log(probs[np.arange(T), targets]).mean(), d / T


def softmax_in_place(logits, targets):
    logits -= logits.max(axis=1, keepdims=True)
    return softmax_cross_entropy(logits, targets)


def softmax_per_step_loss(logits, targets):
    T = len(targets)
    probs = softmax_probs(logits)
    d = probs.copy()
    d[np.arange(T), targets] -= 1
    return -np.log(probs[np.arange(T), targets]), d / T


def softmax_mean_over_all_entries(logits, targets):
    T, V = logits.shape
    probs = softmax_probs(logits)
    loss = -np.mean(np.log(probs) * np.eye(V)[targets])
    d = probs - np.eye(V)[targets]
    return loss, d / (T * V)


def softmax_swapped(logits, targets):
    loss, d = softmax_cross_entropy(logits, targets)
    return d, loss


def softmax_over_columns(logits, targets):
    return softmax_cross_entropy(logits.T, targets)[0], softmax_cross_entropy(logits, targets)[1]


def softmax_float32(logits, targets):
    loss, d = softmax_cross_entropy(logits, targets)
    return loss, d.astype(np.float32)


def softmax_nan(logits, targets):
    _, d = softmax_cross_entropy(logits, targets)
    return float("nan"), d


def train_no_clip(params, inputs, targets, lr, max_norm):
    grads, loss = gradients(params, inputs, targets)
    return {k: params[k] - lr * grads[k] for k in params}, loss


def train_clip_result_unused(params, inputs, targets, lr, max_norm):
    grads, loss = gradients(params, inputs, targets)
    clip_gradients(grads, max_norm)
    return {k: params[k] - lr * grads[k] for k in params}, loss


def train_ascent(params, inputs, targets, lr, max_norm):
    grads, loss = gradients(params, inputs, targets)
    grads = clip_gradients(grads, max_norm)
    return {k: params[k] + lr * grads[k] for k in params}, loss


def train_in_place(params, inputs, targets, lr, max_norm):
    grads, loss = gradients(params, inputs, targets)
    grads = clip_gradients(grads, max_norm)
    for k in params:
        params[k] -= lr * grads[k]
    return params, loss


def train_loss_after_update(params, inputs, targets, lr, max_norm):
    new, _ = sgd_step(params, inputs, targets, lr, max_norm)
    _, _, logits = char_forward(new, inputs)
    return new, softmax_cross_entropy(logits, targets)[0]


def train_clip_each(params, inputs, targets, lr, max_norm):
    grads, loss = gradients(params, inputs, targets)
    grads = {k: clip_gradients({k: g}, max_norm)[k] for k, g in grads.items()}
    return {k: params[k] - lr * grads[k] for k in params}, loss


def train_no_output_path(params, inputs, targets, lr, max_norm):
    _, hs, logits = char_forward(params, inputs)
    loss, dz = softmax_cross_entropy(logits, targets)
    grads = {"W_hy": dz.T @ hs[1:], "b_y": dz.sum(axis=0), "W_xh": np.zeros_like(params["W_xh"]),
             "W_hh": np.zeros_like(params["W_hh"]), "b_h": np.zeros_like(params["b_h"])}
    grads = clip_gradients(grads, max_norm)
    return {k: params[k] - lr * grads[k] for k in params}, loss


def train_sum_loss(params, inputs, targets, lr, max_norm):
    grads, loss = gradients(params, inputs, targets, softmax_sum)
    grads = clip_gradients(grads, max_norm)
    return {k: params[k] - lr * grads[k] for k in params}, loss


def train_float32(params, inputs, targets, lr, max_norm):
    new, loss = sgd_step(params, inputs, targets, lr, max_norm)
    return {k: v.astype(np.float32) for k, v in new.items()}, loss


def train_unchanged(params, inputs, targets, lr, max_norm):
    _, loss = gradients(params, inputs, targets)
    return {k: v.copy() for k, v in params.items()}, loss


def train_params_only(params, inputs, targets, lr, max_norm):
    return sgd_step(params, inputs, targets, lr, max_norm)[0]


def train_cut_recurrence(params, inputs, targets, lr, max_norm):
    """The gradient from later steps never reaches earlier ones (dh_next dropped)."""
    xs, hs, logits = char_forward(params, inputs)
    loss, dz = softmax_cross_entropy(logits, targets)
    grads = {"W_hy": dz.T @ hs[1:], "b_y": dz.sum(axis=0),
             "W_xh": 0 * params["W_xh"], "W_hh": 0 * params["W_hh"], "b_h": 0 * params["b_h"]}
    for t, dh in enumerate(dz @ params["W_hy"]):
        _, _, dWx, dWh, db = step_back(dh, xs[t], hs[t], hs[t + 1], params["W_xh"],
                                       params["W_hh"])
        grads["W_xh"], grads["W_hh"], grads["b_h"] = (
            grads["W_xh"] + dWx, grads["W_hh"] + dWh, grads["b_h"] + db)
    grads = clip_gradients(grads, max_norm)
    return {k: params[k] - lr * grads[k] for k in params}, loss


WRONG = [
    ("rnn_step_backward", step_back_float32, "float64"),
    ("rnn_step_backward", step_back_list, "tuple"),
    ("rnn_step_backward", step_back_no_transpose, "differ"),
    ("rnn_step_backward", step_back_no_square, "differ"),
    ("rnn_step_backward", step_back_zero_weights, "all zeros"),
    ("rnn_backward", backward_dh_next_kept, "reset to zeros"),
    ("rnn_backward", backward_states_shifted, "differ"),
    ("rnn_backward", backward_carry_without_w_hh, "differ"),
    ("rnn_backward", backward_float32, "float64"),
    ("rnn_backward", backward_in_place, "changed one of its inputs"),
    ("rnn_backward", backward_weights_only, "tuple"),
    ("rnn_backward", backward_no_dxs, "all zeros"),
    ("rnn_backward", backward_first_dh_is_last, "differ"),
    ("clip_gradients", clip_return_input_when_small, "new dict"),
    ("clip_gradients", clip_nan_on_zero, "NaN"),
    ("clip_gradients", clip_l1, "after clipping"),
    ("clip_gradients", clip_max_abs, "after clipping"),
    ("clip_gradients", clip_sum_of_norms, "after clipping"),
    ("clip_gradients", clip_squared_norm, "after clipping"),
    ("clip_gradients", clip_inverted, "after clipping"),
    ("clip_gradients", clip_float32, "float64"),
    ("sample", sample_overflow, "subtract the largest logit"),
    ("sample", sample_float, "an int"),
    ("sample", sample_size_one, "an int"),
    ("sample", sample_temperature_outside, "temperature 0.5"),
    ("softmax_cross_entropy", softmax_sum, "the mean"),
    ("softmax_cross_entropy", softmax_grad_not_divided, "divide by T"),
    ("softmax_cross_entropy", softmax_sign, "wrong sign"),
    ("softmax_cross_entropy", softmax_no_minus_one, "one-hot"),
    ("softmax_cross_entropy", softmax_overflow, "largest logit"),
    ("softmax_cross_entropy", softmax_in_place, "changed one of its inputs"),
    ("softmax_cross_entropy", softmax_per_step_loss, "single number"),
    ("softmax_cross_entropy", softmax_mean_over_all_entries, "not the mean cross-entropy"),
    ("softmax_cross_entropy", softmax_swapped, "single number"),
    ("softmax_cross_entropy", softmax_over_columns, "raised"),
    ("softmax_cross_entropy", softmax_float32, "float64"),
    ("softmax_cross_entropy", softmax_nan, "NaN"),
    ("sgd_step", train_no_clip, "wrong length"),
    ("sgd_step", train_clip_result_unused, "wrong length"),
    ("sgd_step", train_ascent, "up the gradient"),
    ("sgd_step", train_in_place, "changed one of its inputs"),
    ("sgd_step", train_loss_after_update, "before the update"),
    ("sgd_step", train_clip_each, "differ"),
    ("sgd_step", train_no_output_path, "differ"),
    ("sgd_step", train_sum_loss, "not the mean cross-entropy"),
    ("sgd_step", train_float32, "float64"),
    ("sgd_step", train_unchanged, "did not change"),
    ("sgd_step", train_params_only, "tuple"),
    ("sgd_step", train_cut_recurrence, "differ"),
]


@pytest.mark.parametrize(("task", "wrong", "hint"), WRONG,
                         ids=[f"{t}-{f.__name__}" for t, f, _ in WRONG])
def test_wrong_answers_fail(task, wrong, hint):
    _kept["dh_next"] = None
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"), \
            pytest.raises(CheckFailed) as failure:
        run_check(task, wrong)
    message = str(failure.value)
    assert message.startswith(f"✗ {task}:")
    assert hint in message, message


def _stored_numbers(value) -> list[float]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _stored_numbers(v)]
    if isinstance(value, list):
        return [x for v in value for x in _stored_numbers(v)]
    return [value] if isinstance(value, float) else []


@pytest.mark.parametrize(("task", "wrong", "hint"), WRONG,
                         ids=[f"{t}-{f.__name__}" for t, f, _ in WRONG])
def test_messages_reveal_no_expected_value(task, wrong, hint):
    _kept["dh_next"] = None
    data = json.loads((EXPECTED_DIR / "lab02.json").read_text(encoding="utf-8"))[task]
    secret = {key: value for key, value in data.items()
              if key not in ("corpus", "threshold", "max_norm", "lr", "shift", "window")}
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"), \
            pytest.raises(CheckFailed) as failure:
        run_check(task, wrong)
    message = str(failure.value)
    for number in _stored_numbers(secret):
        if abs(number) >= 1e-3 and number not in (0.5, 1.0, 5.0):
            for digits in (3, 4, 6):
                assert f"{number:.{digits}f}" not in message, (number, message)


def test_wrong_answers_cover_every_task():
    tasks = {task for task, _, _ in WRONG}
    assert tasks == {"rnn_step_backward", "rnn_backward", "clip_gradients", "sample",
                     "softmax_cross_entropy", "sgd_step"}
    assert len(WRONG) >= 25


def test_corpus_is_a_copy():
    text = lab02.corpus()
    text["train"] = ""
    assert lab02.corpus()["train"]
