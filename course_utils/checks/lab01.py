"""Checks for lab 01: vocabulary, indices, one-hot, and the RNN forward pass."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..i18n import _
from .core import call, expect_array, expect_close, fail, load_expected, passed


def _data(task: str) -> dict:
    return load_expected("lab01")[task]


def check_build_vocab(build_vocab: Callable[[str], dict]) -> None:
    """Check ``build_vocab(text) -> dict[str, int]`` on a fixed text."""
    task = "build_vocab"
    data = _data(task)
    want: dict[str, int] = data["vocab"]
    vocab = call(task, build_vocab, data["text"])
    if not isinstance(vocab, dict):
        fail(task, _("it should return a dict from word to index, but it returned {type}.",
                     type=type(vocab).__name__))
    if vocab.get("<unk>") != 0:
        fail(task, _("'<unk>' must be in the vocabulary, with index 0."))
    extra = sorted(set(vocab) - set(want))
    if extra:
        fail(task, _("unexpected entries {words}: are the words lower-cased and split "
                     "on any whitespace?", words=extra))
    missing = sorted(set(want) - set(vocab))
    if missing:
        fail(task, _("{count} words of the text are missing from the vocabulary.",
                     count=len(missing)))
    if vocab != want:
        fail(task, _("some words have the wrong index: after '<unk>' = 0, the words "
                     "get 1, 2, ... in alphabetical order."))
    passed(task)


def check_text_to_indices(text_to_indices: Callable[[str, dict], np.ndarray]) -> None:
    """Check ``text_to_indices(text, vocab) -> int array (T,)``."""
    task = "text_to_indices"
    data = _data(task)
    want = np.array(data["indices"])
    got = call(task, text_to_indices, data["text"], data["vocab"])
    got = expect_array(task, got, "indices", shape=want.shape, kind="i")
    if not np.array_equal(got, want):
        wrong = int(np.sum(got != want))
        hint = ""
        if np.array_equal(got[want != 0], want[want != 0]):
            hint = " " + _("Words missing from the vocabulary must map to '<unk>'.")
        fail(task, _("{count} of {total} indices are wrong.", count=wrong,
                     total=want.size) + hint)
    passed(task)


def check_one_hot(one_hot: Callable[[np.ndarray, int], np.ndarray]) -> None:
    """Check ``one_hot(indices, vocab_size) -> float array (T, V)``."""
    task = "one_hot"
    data = _data(task)
    indices = np.array(data["indices"], dtype=np.int64)
    size = data["vocab_size"]
    got = call(task, one_hot, indices, size)
    got = expect_array(task, got, "one_hot", shape=(indices.size, size), kind="f")
    if not np.allclose(got.sum(axis=1), 1.0):
        fail(task, _("every row must contain exactly one 1 and zeros elsewhere."))
    expect_close(task, got, np.array(data["one_hot"]), "one_hot")
    passed(task)


def check_rnn_step_forward(rnn_step_forward: Callable[..., np.ndarray]) -> None:
    """Check ``rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h) -> h_t (H,)``."""
    task = "rnn_step_forward"
    data = _data(task)
    args = [np.array(data[k]) for k in ("x_t", "h_prev", "W_xh", "W_hh", "b_h")]
    want = np.array(data["h_t"])
    got = call(task, rnn_step_forward, *args)
    got = expect_array(task, got, "h_t", shape=want.shape, kind="f")
    if np.any(np.abs(got) > 1):
        fail(task, _("some values of h_t lie outside [-1, 1]: is tanh applied?"))
    expect_close(task, got, want, "h_t")
    passed(task)


def check_rnn_forward(rnn_forward: Callable[..., np.ndarray]) -> None:
    """Check ``rnn_forward(xs, h0, W_xh, W_hh, b_h) -> hs (T, H)``."""
    task = "rnn_forward"
    data = _data(task)
    args = [np.array(data[k]) for k in ("xs", "h0", "W_xh", "W_hh", "b_h")]
    want = np.array(data["hs"])
    got = call(task, rnn_forward, *args)
    got = expect_array(task, got, "hs", shape=want.shape, kind="f")
    if np.allclose(got[0], want[0]) and not np.allclose(got[1:], want[1:]):
        fail(task, _("the first step is right but later ones are not: does each step "
                     "receive the hidden state of the step before?"))
    expect_close(task, got, want, "hs")
    passed(task)
