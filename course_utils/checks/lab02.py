"""Checks for lab 02: the backward pass through time, clipping and sampling."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..i18n import _
from .core import call, expect_array, expect_close, fail, load_expected, passed

GRADIENTS = ("dW_xh", "dW_hh", "db_h")


def _data(task: str) -> dict:
    data = load_expected("lab02")[task]
    return {key: np.array(value) if isinstance(value, list) else value
            for key, value in data.items()}


def _unpack(task: str, result: object, names: tuple[str, ...]) -> tuple:
    if not isinstance(result, tuple) or len(result) != len(names):
        fail(task, _("it should return a tuple of {count} arrays: {names}.",
                     count=len(names), names=", ".join(names)))
    return result


def check_rnn_step_backward(rnn_step_backward: Callable[..., tuple]) -> None:
    """Check ``rnn_step_backward(dh, x_t, h_prev, h_t, W_xh, W_hh)``."""
    task = "rnn_step_backward"
    d = _data(task)
    names = ("dx_t", "dh_prev", *GRADIENTS)
    result = call(task, rnn_step_backward, d["dh"], d["x_t"], d["h_prev"], d["h_t"],
                  d["W_xh"], d["W_hh"])
    result = _unpack(task, result, names)
    got = {name: expect_array(task, value, name, shape=d[name].shape, kind="f")
           for name, value in zip(names, result, strict=True)}
    if np.allclose(got["db_h"], d["dh"]):
        fail(task, _("db_h equals dh: the gradient must pass through the derivative "
                     "of tanh, 1 - h_t**2, first."))
    if np.allclose(got["db_h"], (1 - d["h_prev"] ** 2) * d["dh"]):
        fail(task, _("the derivative of tanh must use h_t, the output of this step, "
                     "not h_prev."))
    for name in names:
        expect_close(task, got[name], d[name], name)
    passed(task)


def check_rnn_backward(rnn_backward: Callable[..., tuple]) -> None:
    """Check ``rnn_backward(dhs, xs, hs, W_xh, W_hh)`` on a fixed sequence."""
    task = "rnn_backward"
    d = _data(task)
    names = ("dxs", "dh0", *GRADIENTS)
    result = call(task, rnn_backward, d["dhs"], d["xs"], d["hs"], d["W_xh"], d["W_hh"])
    result = _unpack(task, result, names)
    hint = " " + _("Remember: the gradient entering step t is dhs[t] plus the one coming "
                   "back from step t + 1, so the loop runs from the last step to the "
                   "first, and the parameter gradients of all steps are added up.")
    for name, got in zip(names, result, strict=True):
        got = expect_array(task, got, name, shape=d[name].shape, kind="f")
        try:
            expect_close(task, got, d[name], name)
        except AssertionError as problem:
            raise type(problem)(str(problem) + hint) from None
    passed(task)


def check_clip_gradients(clip_gradients: Callable[[dict, float], dict]) -> None:
    """Check ``clip_gradients(grads, max_norm)`` on large and on small gradients."""
    task = "clip_gradients"
    d = load_expected("lab02")[task]
    for case in ("large", "small"):
        grads = {name: np.array(value) for name, value in d[case].items()}
        clipped = call(task, clip_gradients, grads, d["max_norm"])
        if not isinstance(clipped, dict) or set(clipped) != set(grads):
            fail(task, _("it should return a dict with the same keys as grads."))
        for name in grads:
            expect_array(task, clipped[name], name, shape=grads[name].shape, kind="f")
        before = np.concatenate([grads[n].ravel() for n in grads])
        after = np.concatenate([clipped[n].ravel() for n in grads])
        norm = float(np.linalg.norm(after))
        cosine = float(before @ after / (np.linalg.norm(before) * norm))
        if cosine < 1 - 1e-9:
            fail(task, _("the clipped gradients point in another direction: scale all of "
                         "them by one common factor instead of cutting entries."))
        limit = min(d["max_norm"], float(np.linalg.norm(before)))
        if not np.isclose(norm, limit, rtol=1e-6):
            fail(task, _("the norm of all gradients together is {got:.4g} after clipping, "
                         "expected {want:.4g}.", got=norm, want=limit))
    passed(task)


def check_sample(sample: Callable[..., int]) -> None:
    """Check ``sample(logits, temperature, rng)``: draws follow softmax(logits / temperature)."""
    task = "sample"
    d = load_expected("lab02")[task]
    logits = np.array(d["logits"])
    for temperature in d["temperatures"]:
        rng = np.random.default_rng(0)
        draws = [call(task, sample, logits, temperature, rng) for _ in range(d["draws"])]
        if not all(isinstance(x, int | np.integer) for x in draws):
            fail(task, _("it should return one index, an int."))
        draws = np.array(draws)
        if draws.min() < 0 or draws.max() >= logits.size:
            fail(task, _("it returned an index outside 0 ... {last}.", last=logits.size - 1))
        again = np.random.default_rng(0)
        if [call(task, sample, logits, temperature, again) for _ in range(20)] != list(draws[:20]):
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
    passed(task)
