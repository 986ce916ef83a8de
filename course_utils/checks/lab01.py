"""Checks for lab 01: vocabulary, indices, one-hot, and the batched RNN forward pass.

Each check runs the learner's function on the fixed cases of ``expected/lab01.json``
(several per task, including degenerate ones: a text with no words, an empty
sequence, a batch of one) and says what is wrong without showing an expected value.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral
from typing import Any

import numpy as np

from ..i18n import _
from .core import call, expect_array, expect_close, fail, load_expected, passed


def _cases(task: str) -> list[dict[str, Any]]:
    return load_expected("lab01")[task]["cases"]


def _reminding(fn: Callable[..., Any], task: str, reminder: str) -> Callable[..., Any]:
    """``fn``, with ``reminder`` (the shapes of the inputs) added when it raises ValueError."""
    def wrapped(*args: Any) -> Any:
        try:
            return fn(*args)
        except ValueError as error:
            fail(task, _("the function raised {error}: {message}",
                         error=type(error).__name__, message=error) + " " + reminder)
    return wrapped


def _expect_float64(task: str, value: Any, name: str, shape: tuple[int, ...],
                    int_hint: str = "") -> np.ndarray:
    """A finite float64 array of ``shape``; ``int_hint`` explains an integer result."""
    if isinstance(value, np.ndarray) and value.shape == shape and value.dtype != np.float64:
        hint = int_hint if value.dtype.kind in "iub" and int_hint else _(
            "was an array created or converted with another dtype?")
        fail(task, _("{name} has dtype {got}, but float64 is asked: {hint}",
                     name=name, got=value.dtype, hint=hint))
    return expect_array(task, value, name, shape=shape, kind="f")


# Task 1: build_vocab --------------------------------------------------------------

def check_build_vocab(build_vocab: Callable[[str], dict]) -> None:
    """Check ``build_vocab(text) -> dict[str, int]`` on fixed texts, one with no words."""
    task = "build_vocab"
    for case in _cases(task):
        _check_vocab(task, call(task, build_vocab, case["text"]), case["vocab"])
    passed(task)


def _check_vocab(task: str, vocab: Any, want: dict[str, int]) -> None:
    if not isinstance(vocab, dict):
        fail(task, _("it should return a dict from word to index, but it returned {type}.",
                     type=type(vocab).__name__))
    odd_keys = [k for k in vocab if not isinstance(k, str)]
    if odd_keys and all(isinstance(v, str) for v in vocab.values()):
        fail(task, _("the dict maps indices to words; build_vocab maps each word to its "
                     "index."))
    if odd_keys:
        fail(task, _("every key should be a word (a str), but {count} keys are of type "
                     "{type}.", count=len(odd_keys), type=type(odd_keys[0]).__name__))
    odd_values = [v for v in vocab.values() if not isinstance(v, Integral)
                  or isinstance(v, bool)]
    if odd_values:
        fail(task, _("every index should be an int, but {count} are of type {type}.",
                     count=len(odd_values), type=type(odd_values[0]).__name__))
    _check_words(task, vocab, want)
    _check_indices(task, vocab, want)


def _check_words(task: str, vocab: dict[str, Any], want: dict[str, int]) -> None:
    """The keys: tokens as the rules define them, no more and no fewer."""
    if "" in vocab:
        fail(task, _("the empty string is a key: text that starts or ends with whitespace, "
                     "or has several spaces in a row, gives empty pieces unless it is split "
                     "with str.split() and no argument."))
    if any(any(c.isspace() for c in k) for k in vocab):
        fail(task, _("some keys contain whitespace: split on any whitespace (spaces, tabs, "
                     "line breaks), as str.split() with no argument does."))
    if any(k != k.lower() for k in vocab if k != "<unk>"):
        fail(task, _("some keys contain capital letters: lower-case the text first."))
    if "<unk>" not in vocab:
        fail(task, _("'<unk>' must be in the vocabulary, with index 0."))
    if vocab["<unk>"] != 0:
        hint = ""
        if sorted(vocab).index("<unk>") == vocab["<unk>"]:
            hint = " " + _("'<unk>' was sorted together with the words; it comes first "
                           "whatever the words are.")
        fail(task, _("'<unk>' must have index 0.") + hint)
    extra = sorted(set(vocab) - set(want))
    if extra:
        punctuated = [w for w in want if not w.isalnum()]
        hint = ""
        if all(any(k in w for w in punctuated) for k in extra):
            hint = " " + _("Punctuation and apostrophes are part of a word: split on "
                           "whitespace only.")
        fail(task, _("{count} keys are not words of the text as the rules define them, "
                     "for example {word!r}.", count=len(extra), word=extra[0]) + hint)
    missing = sorted(set(want) - set(vocab))
    if missing:
        hint = ""
        if all(not w.isalpha() for w in missing):
            hint = " " + _("A word is whatever lies between whitespace: words with "
                           "digits, punctuation or apostrophes count too.")
        fail(task, _("{count} words of the text are missing from the vocabulary.",
                     count=len(missing)) + hint)


def _check_indices(task: str, vocab: dict[str, Any], want: dict[str, int]) -> None:
    """The values: 0, 1, ..., V - 1, the words in sorted order."""
    if sorted(int(v) for v in vocab.values()) != list(range(len(vocab))):
        fail(task, _("the indices should be 0, 1, ..., V - 1, each used once "
                     "(V = {size}, the number of entries).", size=len(vocab)))
    if any(vocab[w] != i for w, i in want.items()):
        fail(task, _("some words have the wrong index: after '<unk>' = 0, the words get "
                     "1, 2, ... in the order that sorted() puts them in."))


# Task 2: text_to_indices ----------------------------------------------------------

def check_text_to_indices(text_to_indices: Callable[[str, dict], np.ndarray]) -> None:
    """Check ``text_to_indices(text, vocab) -> int array (T,)``, also for a text with no words."""
    task = "text_to_indices"
    for case in _cases(task):
        want = np.array(case["indices"], dtype=np.int64)
        got = call(task, text_to_indices, case["text"], case["vocab"])
        if (isinstance(got, np.ndarray) and got.shape == want.shape == (0,)
                and got.dtype.kind not in "iu"):
            fail(task, _("for a text with no words the result should be an empty integer "
                         "array, but its dtype is {dtype}: np.array([]) is a float array "
                         "unless a dtype is given.", dtype=got.dtype))
        got = expect_array(task, got, "indices", shape=want.shape, kind="i")
        if not np.array_equal(got, want):
            fail(task, _("{count} of {total} indices are wrong.", count=int(np.sum(got != want)),
                         total=want.size) + _indices_hint(case["text"], got, want))
    passed(task)


def _indices_hint(text: str, got: np.ndarray, want: np.ndarray) -> str:
    """The likely cause of wrong indices, when one cause explains every wrong one."""
    tokens = text.split()
    wrong = np.flatnonzero(got != want)
    if all(got[i] == 0 for i in wrong) and all(tokens[i] != tokens[i].lower() for i in wrong):
        return " " + _("Lower-case the text, as build_vocab does.")
    if np.array_equal(got[want != 0], want[want != 0]):
        return " " + _("Words missing from the vocabulary must map to '<unk>'.")
    if all(not tokens[i].isalnum() for i in wrong):
        return " " + _("Punctuation is part of a word: split on whitespace only, as "
                       "build_vocab does.")
    return ""


# Task 3: one_hot ------------------------------------------------------------------

def check_one_hot(one_hot: Callable[[np.ndarray, int], np.ndarray]) -> None:
    """Check ``one_hot(indices, V) -> float64 array (T, V)``, also for T = 0."""
    task = "one_hot"
    for case in _cases(task):
        indices = np.array(case["indices"], dtype=np.int64)
        size = case["vocab_size"]
        got = call(task, one_hot, indices, size)
        if isinstance(got, np.ndarray) and indices.size == 0 and got.shape == (0,):
            fail(task, _("for an empty sequence (T = 0) the result should have shape "
                         "(0, V); np.array of an empty list has shape (0,). Start from "
                         "np.zeros((T, V)) instead."))
        got = _expect_float64(task, got, "one_hot", (indices.size, size), _(
            "np.zeros and np.eye give float64 unless another dtype is passed."))
        if not np.all((got == 0) | (got == 1)) or not np.all(got.sum(axis=1) == 1):
            fail(task, _("every row must contain exactly one 1 and zeros elsewhere."))
        expect_close(task, got, np.array(case["one_hot"]).reshape(got.shape), "one_hot")
    passed(task)


# Task 4: rnn_step_forward ---------------------------------------------------------

def _tanh_step(x_t: np.ndarray, h_prev: np.ndarray, W_xh: np.ndarray, W_hh: np.ndarray,
               b_h: np.ndarray, squash: Callable[[np.ndarray], np.ndarray] = np.tanh,
               hh_transposed: bool = True, bias: bool = True) -> np.ndarray:
    """The step with one thing optionally changed, to recognise a likely slip."""
    W = W_hh.T if hh_transposed else W_hh
    return squash(x_t @ W_xh.T + h_prev @ W + (b_h if bias else 0))


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-a))


STEP_SHAPES = "x_t (N, D), h_prev (N, H), W_xh (H, D), W_hh (H, H), b_h (H,)"


def check_rnn_step_forward(rnn_step_forward: Callable[..., np.ndarray]) -> None:
    """Check ``rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h) -> h_t (N, H)``."""
    task = "rnn_step_forward"
    reminder = _("Remember the shapes: {shapes}, one row per sequence.", shapes=STEP_SHAPES)
    for case in _cases(task):
        args = [np.array(case[k]) for k in ("x_t", "h_prev", "W_xh", "W_hh", "b_h")]
        want = np.array(case["h_t"])
        got = call(task, _reminding(rnn_step_forward, task, reminder), *args)
        got = _expect_float64(task, got, "h_t", want.shape)
        if not np.allclose(got, want, rtol=1e-6, atol=1e-8):
            _explain_step(task, got, args)
        if np.any(np.abs(got) > 1):
            fail(task, _("some values of h_t lie outside [-1, 1]: is tanh applied?"))
        expect_close(task, got, want, "h_t")
    passed(task)


def _explain_step(task: str, got: np.ndarray, args: list[np.ndarray]) -> None:
    """Fail with the likely cause, if ``got`` is the step with one known slip."""
    slips = [
        ({"squash": _sigmoid}, _("h_t matches a sigmoid; the Elman cell uses tanh.")),
        ({"hh_transposed": False}, _("h_t matches h_prev @ W_hh without the transpose: "
                                     "with one row per sequence, the recurrent term is "
                                     "h_prev @ W_hh.T.")),
        ({"bias": False}, _("h_t matches the step without b_h: add the bias.")),
    ]
    for change, message in slips:
        if np.allclose(got, _tanh_step(*args, **change), rtol=1e-6, atol=1e-8):
            fail(task, message)
    if np.allclose(got, _tanh_step(*args, bias=False) + args[4], rtol=1e-6, atol=1e-8):
        fail(task, _("h_t matches b_h added after the tanh: the bias goes inside it."))


# Task 5: rnn_forward --------------------------------------------------------------

def _forward(xs: np.ndarray, h0: np.ndarray, W_xh: np.ndarray, W_hh: np.ndarray,
             b_h: np.ndarray) -> np.ndarray:
    """The batched forward pass, used only to recognise a likely slip."""
    h, states = h0, []
    for t in range(xs.shape[1]):
        h = _tanh_step(xs[:, t], h, W_xh, W_hh, b_h)
        states.append(h)
    return np.stack(states, axis=1)


def check_rnn_forward(rnn_forward: Callable[..., np.ndarray]) -> None:
    """Check ``rnn_forward(xs, h0, W_xh, W_hh, b_h) -> hs (N, T, H)`` on two batches."""
    task = "rnn_forward"
    reminder = _("Remember the shapes: xs (N, T, D) and h0 (N, H); xs[:, t] holds step "
                 "t + 1 of all N sequences.")
    for case in _cases(task):
        args = [np.array(case[k]) for k in ("xs", "h0", "W_xh", "W_hh", "b_h")]
        want = np.array(case["hs"])
        N, T, H = want.shape
        got = call(task, _reminding(rnn_forward, task, reminder), *args)
        if isinstance(got, np.ndarray) and got.shape != want.shape:
            _explain_shape(task, got.shape, N, T, H)
        got = _expect_float64(task, got, "hs", want.shape, _(
            "an output array made with an integer dtype truncates every state to an "
            "integer; make it with np.zeros((N, T, H)), which is float64."))
        if not np.allclose(got, want, rtol=1e-6, atol=1e-8):
            _explain_forward(task, got, want, args)
        expect_close(task, got, want, "hs")
    passed(task)


def _explain_shape(task: str, shape: tuple[int, ...], N: int, T: int, H: int) -> None:
    hints = {(T, N, H): _("the axes are in the order (T, N, H); the states after step "
                          "t + 1 belong in hs[:, t], e.g. np.stack(states, axis=1)."),
             (N, T + 1, H): _("hs holds h_1 ... h_T, without h0."),
             (N, H): _("return the states of every step, not only the last one.")}
    if shape in hints:
        fail(task, _("hs has shape {got}, expected {want}:", got=shape, want=(N, T, H))
             + " " + hints[shape])


def _explain_forward(task: str, got: np.ndarray, want: np.ndarray,
                     args: list[np.ndarray]) -> None:
    """Fail with the likely cause, if one explains the wrong states."""
    xs, h0, W_xh, W_hh, b_h = args
    close = {"rtol": 1e-6, "atol": 1e-8}
    if np.allclose(got, _forward(xs, np.zeros_like(h0), W_xh, W_hh, b_h), **close):
        fail(task, _("the states match a run that starts from zeros: start from the given "
                     "h0."))
    if np.allclose(got[:, 0], want[:, 0], **close):
        fail(task, _("the first step is right but later ones are not: does each step "
                     "receive the hidden state of the step before?"))

