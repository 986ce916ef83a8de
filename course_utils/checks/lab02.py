"""Checks for lab 02: the backward pass through time, clipping, sampling, the loss and training."""

from __future__ import annotations

import copy
from collections.abc import Callable
from itertools import pairwise
from numbers import Real
from typing import Any

import numpy as np

from ..i18n import _
from .core import _same, call, expect_array, expect_close, fail, load_expected, passed

GRADIENTS = ("dW_xh", "dW_hh", "db_h")
PARAMETERS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def _data(task: str) -> dict:
    data = load_expected("lab02")[task]
    return {key: np.array(value) if isinstance(value, list) else value
            for key, value in data.items()}


def _unpack(task: str, result: object, names: tuple[str, ...]) -> tuple:
    if not isinstance(result, tuple) or len(result) != len(names):
        fail(task, _("it should return a tuple of {count} arrays: {names}.",
                     count=len(names), names=", ".join(names)))
    return result


def _call_keep(task: str, fn: Callable[..., Any], *args: Any) -> tuple[Any, tuple]:
    """``fn`` on copies of ``args``: (result, copies), failing if it changed its inputs."""
    copies = tuple(copy.deepcopy(a) for a in args)
    result = call(task, fn, *copies, copy_args=False)
    for before, after in zip(args, copies, strict=True):
        if not _same(before, after):
            fail(task, _("the function changed one of its inputs; work on a copy instead."))
    return result, copies


def _float64(task: str, value: Any, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A finite float64 array of ``shape``: the inputs are float64, so the results must be."""
    expect_array(task, value, name, shape=shape, kind="f")
    if value.dtype != np.float64:
        fail(task, _("{name} has dtype {got}, expected float64 like the inputs.",
                     name=name, got=value.dtype))
    return value


def _compare(task: str, got: np.ndarray, want: np.ndarray, name: str) -> None:
    """``expect_close``, after catching an all-zero result where a gradient was expected."""
    if not np.any(got) and np.any(want):
        fail(task, _("{name} is all zeros.", name=name))
    expect_close(task, got, want, name)


def _number(task: str, value: Any, name: str) -> float:
    """A finite real number (a Python or NumPy float, or a 0-d array)."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, Real | np.floating):
        fail(task, _("{name} should be a single number, but it is {type}.",
                     name=name, type=type(value).__name__))
    if not np.isfinite(value):
        fail(task, _("{name} is NaN or infinite.", name=name))
    return float(value)


def check_rnn_step_backward(rnn_step_backward: Callable[..., tuple]) -> None:
    """Check ``rnn_step_backward(dh, x_t, h_prev, h_t, W_xh, W_hh)``."""
    task = "rnn_step_backward"
    d = _data(task)
    names = ("dx_t", "dh_prev", *GRADIENTS)
    result = call(task, rnn_step_backward, d["dh"], d["x_t"], d["h_prev"], d["h_t"],
                  d["W_xh"], d["W_hh"])
    result = _unpack(task, result, names)
    got = {name: _float64(task, value, name, d[name].shape)
           for name, value in zip(names, result, strict=True)}
    if np.allclose(got["db_h"], d["dh"]):
        fail(task, _("db_h equals dh: the gradient must pass through the derivative "
                     "of tanh, 1 - h_t**2, first."))
    if np.allclose(got["db_h"], (1 - d["h_prev"] ** 2) * d["dh"]):
        fail(task, _("the derivative of tanh must use h_t, the output of this step, "
                     "not h_prev."))
    for name in names:
        _compare(task, got[name], d[name], name)
    passed(task)


def check_rnn_backward(rnn_backward: Callable[..., tuple]) -> None:
    """Check ``rnn_backward(dhs, xs, hs, W_xh, W_hh)`` on a fixed sequence, twice."""
    task = "rnn_backward"
    d = _data(task)
    names = ("dxs", "dh0", *GRADIENTS)
    args = (d["dhs"], d["xs"], d["hs"], d["W_xh"], d["W_hh"])
    result = _unpack(task, call(task, rnn_backward, *args), names)
    hint = " " + _("Remember: the gradient entering step t is dhs[t] plus the one coming "
                   "back from step t + 1, so the loop runs from the last step to the "
                   "first, and the parameter gradients of all steps are added up.")
    got = {name: _float64(task, value, name, d[name].shape)
           for name, value in zip(names, result, strict=True)}
    for name in names:
        try:
            _compare(task, got[name], d[name], name)
        except AssertionError as problem:
            raise type(problem)(str(problem) + hint) from None
    again = _unpack(task, call(task, rnn_backward, *args), names)
    if not all(isinstance(a, np.ndarray) and np.array_equal(a, got[name])
               for name, a in zip(names, again, strict=True)):
        fail(task, _("a second call on the same inputs gave other results: the function "
                     "keeps something between calls (is dh_next reset to zeros inside it?)."))
    passed(task)


def check_clip_gradients(clip_gradients: Callable[[dict, float], dict]) -> None:
    """Check ``clip_gradients(grads, max_norm)`` on large, small and all-zero gradients."""
    task = "clip_gradients"
    d = load_expected("lab02")[task]
    for case in ("large", "small", "zero"):
        grads = {name: np.array(value) for name, value in d[case].items()}
        clipped, copies = _call_keep(task, clip_gradients, grads, d["max_norm"])
        _expect_new_dict(task, clipped, grads, copies[0],
                         _("it should return a dict with the same keys as grads."))
        before = np.concatenate([grads[n].ravel() for n in grads])
        after = np.concatenate([clipped[n].ravel() for n in grads])
        if case == "zero":
            if np.any(after):
                fail(task, _("all-zero gradients must come back as zeros."))
            continue
        norm = float(np.linalg.norm(after))
        cosine = float(before @ after / (np.linalg.norm(before) * norm)) if norm else 0.0
        if cosine < 1 - 1e-9:
            fail(task, _("the clipped gradients point in another direction: scale all of "
                         "them by one common factor instead of cutting entries."))
        limit = min(d["max_norm"], float(np.linalg.norm(before)))
        if not np.isclose(norm, limit, rtol=1e-6):
            fail(task, _("the norm of all gradients together is {got:.4g} after clipping: it "
                         "should be max_norm when the norm before clipping is larger, and "
                         "unchanged otherwise.", got=norm))
    passed(task)


def _draws(task: str, sample: Callable[..., int], logits: np.ndarray, temperature: float,
           count: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    draws = [call(task, sample, logits, temperature, rng) for _ in range(count)]
    if not all(isinstance(x, int | np.integer) and not isinstance(x, bool) for x in draws):
        fail(task, _("it should return one index, an int."))
    return np.array(draws)


def check_sample(sample: Callable[..., int]) -> None:
    """Check ``sample(logits, temperature, rng)``: draws follow softmax(logits / temperature)."""
    task = "sample"
    d = load_expected("lab02")[task]
    logits = np.array(d["logits"])
    for temperature in d["temperatures"]:
        draws = _draws(task, sample, logits, temperature, d["draws"])
        if draws.min() < 0 or draws.max() >= logits.size:
            fail(task, _("it returned an index outside 0 ... {last}.", last=logits.size - 1))
        if list(_draws(task, sample, logits, temperature, 20)) != list(draws[:20]):
            fail(task, _("two runs with the same rng gave different draws: draw with the rng "
                         "argument, not with np.random."))
        frequencies = np.bincount(draws, minlength=logits.size) / draws.size
        weights = np.exp((logits - logits.max()) / temperature)
        expected = weights / weights.sum()
        gap = float(np.max(np.abs(frequencies - expected)))
        if gap > d["tolerance"]:
            fail(task, _("at temperature {temperature}, the frequencies of the draws differ "
                         "from the expected probabilities by up to {gap:.3f}.",
                         temperature=temperature, gap=gap))
    shift, temperature = d["shift"], d["temperatures"][0]
    with np.errstate(all="ignore"):
        try:
            shifted = list(_draws(task, sample, logits + shift, temperature, 50))
        except AssertionError:
            shifted = None
    if shifted != list(_draws(task, sample, logits, temperature, 50)):
        fail(task, _("with logits near {shift}, the draws change or fail, although adding a "
                     "constant to every logit changes no probability: subtract the largest "
                     "logit before np.exp, which otherwise overflows.", shift=shift))
    passed(task)


def _softmax_loss_result(task: str, result: object, shape: tuple[int, int]
                         ) -> tuple[float, np.ndarray]:
    if not isinstance(result, tuple) or len(result) != 2:
        fail(task, _("it should return a tuple (loss, dlogits)."))
    loss, dlogits = result
    if isinstance(loss, np.ndarray) and loss.ndim > 0:
        fail(task, _("loss should be a single number (the mean over the steps), but it has "
                     "shape {shape}.", shape=loss.shape))
    return _number(task, loss, "loss"), _float64(task, dlogits, "dlogits", shape)


def check_softmax_cross_entropy(softmax_cross_entropy: Callable[..., tuple]) -> None:
    """Check ``softmax_cross_entropy(logits, targets)``: mean loss over T steps and dL/dz."""
    task = "softmax_cross_entropy"
    d = _data(task)
    logits, targets, want = d["logits"], d["targets"], d["dlogits"]
    T = len(targets)
    loss, dlogits = _softmax_loss_result(
        task, call(task, softmax_cross_entropy, logits, targets), want.shape)
    if np.isclose(loss, T * d["loss"], rtol=1e-6):
        fail(task, _("the loss is the sum over the steps; the task asks for the mean."))
    if not np.isclose(loss, d["loss"], rtol=1e-6, atol=1e-9):
        fail(task, _("the loss is {got:.6f}, which is not the mean cross-entropy of these "
                     "logits and targets.", got=loss))
    if np.allclose(dlogits, T * want):
        fail(task, _("dlogits is T times too large: the loss is a mean, so divide by T."))
    if np.allclose(dlogits, -want):
        fail(task, _("dlogits has the wrong sign: it is (ŷ - e_y) / T, not (e_y - ŷ) / T."))
    rows = np.arange(T)
    if np.allclose(dlogits[rows, targets], want[rows, targets] + 1 / T):
        fail(task, _("at the targets dlogits is 1/T too large: subtract the one-hot "
                     "target e_y from ŷ."))
    _compare(task, dlogits, want, "dlogits")
    with np.errstate(all="ignore"):
        try:
            big = call(task, softmax_cross_entropy, logits + d["shift"], targets)
            big_loss, big_dlogits = big
            stable = (np.isfinite(big_loss) and isinstance(big_dlogits, np.ndarray)
                      and np.all(np.isfinite(big_dlogits)))
        except (AssertionError, TypeError, ValueError):
            stable = False
    if not stable:
        fail(task, _("with logits near {shift} the result is NaN, infinite or an error: "
                     "subtract each row's largest logit before np.exp, which otherwise "
                     "overflows.", shift=d["shift"]))
    big_loss, big_dlogits = _softmax_loss_result(task, big, want.shape)
    if not np.isclose(big_loss, d["loss"], rtol=1e-6) or not np.allclose(big_dlogits, want):
        fail(task, _("adding {shift} to every logit changed the result, although it changes "
                     "no probability.", shift=d["shift"]))
    passed(task)


def corpus() -> dict[str, Any]:
    """The small fixed corpus of the training task: its words, training and held-out text."""
    return copy.deepcopy(load_expected("lab02")["sgd_step"]["corpus"])


def _forward_loss(params: dict[str, np.ndarray], tokens: np.ndarray) -> float:
    """Mean cross-entropy, in nats, of predicting tokens[1:] from tokens[:-1], from h = 0."""
    h, total = np.zeros(params["W_hh"].shape[0]), 0.0
    for x, y in pairwise(tokens):
        h = np.tanh(params["W_xh"][:, x] + params["W_hh"] @ h + params["b_h"])
        z = params["W_hy"] @ h + params["b_y"]
        z = z - z.max()
        total += np.log(np.exp(z).sum()) - z[y]
    return float(total / (len(tokens) - 1))


def _new_params(task: str, result: object, params: dict[str, np.ndarray], copies: tuple
                ) -> tuple[dict[str, np.ndarray], float]:
    if not isinstance(result, tuple) or len(result) != 2:
        fail(task, _("it should return a tuple (new_params, loss)."))
    new, loss = result
    _expect_new_dict(task, new, params, copies[0],
                     _("new_params should be a dict with the same keys as params."))
    return new, _number(task, loss, "loss")


def _expect_new_dict(task: str, new: object, given: dict[str, np.ndarray], passed_in: object,
                     wrong_keys: str) -> None:
    """``new`` is a new dict with ``given``'s keys, holding float64 arrays of their shapes."""
    if new is passed_in:
        fail(task, _("it returned the dict it was given; return a new dict."))
    if not isinstance(new, dict) or set(new) != set(given):
        fail(task, wrong_keys)
    for name in given:
        _float64(task, new[name], name, given[name].shape)


def check_sgd_step(sgd_step: Callable[..., tuple]) -> None:
    """Check ``sgd_step(params, inputs, targets, lr, max_norm)``: one step, then training.

    First one step on fixed inputs against stored values; then a fixed number of
    steps on the lab's corpus, after which the loss on held-out text must be low.
    """
    task = "sgd_step"
    d = load_expected("lab02")[task]
    one = {key: np.array(value) if isinstance(value, list) else value
           for key, value in d["one_step"].items()}
    params = {name: one[name] for name in PARAMETERS}
    args = (params, one["inputs"], one["targets"], one["lr"], one["max_norm"])
    result, copies = _call_keep(task, sgd_step, *args)
    new, loss = _new_params(task, result, params, copies)
    if not np.isclose(loss, one["loss"], rtol=1e-6):
        fail(task, _("the loss is {got:.6f}, which is not the mean cross-entropy of the "
                     "model before the update.", got=loss))
    got = np.concatenate([(new[n] - params[n]).ravel() for n in PARAMETERS])
    want = np.concatenate([(one["new_" + n] - params[n]).ravel() for n in PARAMETERS])
    if not np.any(got):
        fail(task, _("the parameters did not change."))
    if np.allclose(got, -want):
        fail(task, _("the parameters moved up the gradient: subtract lr times the "
                     "gradient."))
    cosine = float(got @ want / (np.linalg.norm(got) * np.linalg.norm(want)))
    if cosine > 1 - 1e-9 and not np.isclose(np.linalg.norm(got), np.linalg.norm(want),
                                            rtol=1e-6):
        fail(task, _("the update points the right way but has the wrong length: clip all "
                     "gradients together to max_norm, then multiply by lr."))
    for name in PARAMETERS:
        _compare(task, new[name], one["new_" + name], name)
    _train(task, sgd_step, d)
    passed(task)


def _train(task: str, sgd_step: Callable[..., tuple], d: dict[str, Any]) -> None:
    """Train from the stored start for the stored windows; the held-out loss must drop."""
    text, T = d["corpus"], d["window"]
    alphabet = sorted(set(text["train"] + text["held_out"]))
    index = {c: i for i, c in enumerate(alphabet)}
    train = np.array([index[c] for c in text["train"]])
    held_out = np.array([index[c] for c in text["held_out"]])
    params = {name: np.array(value) for name, value in d["start"].items()}
    with np.errstate(all="ignore"):
        for start in d["starts"]:
            result = call(task, sgd_step, params, train[start:start + T],
                          train[start + 1:start + T + 1], d["lr"], d["max_norm"])
            if not isinstance(result, tuple) or len(result) != 2:
                fail(task, _("it should return a tuple (new_params, loss)."))
            params = result[0]
        held = _forward_loss(params, held_out)
    if not np.isfinite(held) or held > d["threshold"]:
        fail(task, _("after {steps} steps the loss on held-out text is {got:.3f} nats per "
                     "character; a correct sgd_step gets below {limit}.",
                     steps=len(d["starts"]), got=held, limit=d["threshold"]))
