"""Lab checks pass on the solutions, and fail on the blank exercises and on wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.checks import CheckFailed
from course_utils.checks import lab01 as checks
from course_utils.i18n import catalog, set_language

from .helpers import LANGS, ROOT, function_cells

LAB01 = "lab01_rnn_forward.ipynb"
TASKS = ["build_vocab", "text_to_indices", "one_hot", "rnn_step_forward", "rnn_forward"]


def run_check(task: str, fn) -> None:
    getattr(checks, f"check_{task}")(fn)


@pytest.mark.parametrize("lang", LANGS)
def test_solutions_pass_every_check(lang, capsys):
    solved = function_cells(ROOT / "solutions" / lang / LAB01)
    for task in TASKS:
        run_check(task, solved[task])
    assert capsys.readouterr().out.count("✓") == len(TASKS)


@pytest.mark.parametrize("lang", LANGS)
def test_blank_exercises_fail_every_check(lang):
    blank = function_cells(ROOT / "exercises" / lang / LAB01)
    for task in TASKS:
        with pytest.raises(CheckFailed, match=r"todo\(\)"):
            run_check(task, blank[task])


def test_exercise_holds_no_solution():
    text = (ROOT / "exercises" / "en" / LAB01).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text
    assert "np.tanh(W_xh @ x_t" not in text
    assert text.count("todo()") >= len(TASKS)


def test_check_messages_follow_the_language():
    blank = function_cells(ROOT / "exercises" / "ru" / LAB01)
    set_language("ru")
    with pytest.raises(CheckFailed) as failure:
        run_check("one_hot", blank["one_hot"])
    translated = catalog("ru")["not written yet: replace the todo() line with your code."]
    assert translated in str(failure.value)


# Plausible mistakes, each of which must fail its check.
def vocab_not_lowercased(text):
    words = sorted(set(text.split()))
    return {"<unk>": 0, **{w: i for i, w in enumerate(words, 1)}}


def vocab_without_unk(text):
    return {w: i for i, w in enumerate(sorted(set(text.lower().split())))}


def vocab_first_seen_order(text):
    words = list(dict.fromkeys(text.lower().split()))
    return {"<unk>": 0, **{w: i for i, w in enumerate(words, 1)}}


def vocab_split_on_spaces_only(text):
    words = sorted(set(text.lower().split(" ")))
    return {"<unk>": 0, **{w: i for i, w in enumerate(words, 1)}}


def indices_unknown_raises(text, vocab):
    return np.array([vocab[w] for w in text.lower().split()])


def indices_unknown_dropped(text, vocab):
    return np.array([vocab[w] for w in text.lower().split() if w in vocab])


def indices_as_list(text, vocab):
    return [vocab.get(w, 0) for w in text.lower().split()]


def one_hot_transposed(indices, size):
    return np.eye(size)[indices].T


def one_hot_off_by_one(indices, size):
    return np.eye(size)[(np.asarray(indices) + 1) % size]


def one_hot_int(indices, size):
    return np.eye(size, dtype=int)[indices]


def step_without_tanh(x, h, W_xh, W_hh, b):
    return W_xh @ x + W_hh @ h + b


def step_with_sigmoid(x, h, W_xh, W_hh, b):
    return 1 / (1 + np.exp(-(W_xh @ x + W_hh @ h + b)))


def step_transposed(x, h, W_xh, W_hh, b):
    return np.tanh(x @ W_xh + h @ W_hh + b)


def step_without_bias(x, h, W_xh, W_hh, b):
    return np.tanh(W_xh @ x + W_hh @ h)


def step_in_place(x, h, W_xh, W_hh, b):
    h[:] = np.tanh(W_xh @ x + W_hh @ h + b)
    return h


def forward_always_h0(xs, h0, W_xh, W_hh, b):
    return np.array([np.tanh(W_xh @ x + W_hh @ h0 + b) for x in xs])


def forward_last_only(xs, h0, W_xh, W_hh, b):
    h = h0
    for x in xs:
        h = np.tanh(W_xh @ x + W_hh @ h + b)
    return h


def forward_with_h0(xs, h0, W_xh, W_hh, b):
    states = [h0]
    for x in xs:
        states.append(np.tanh(W_xh @ x + W_hh @ states[-1] + b))
    return np.array(states)


def forward_nan(xs, h0, W_xh, W_hh, b):
    return np.full((len(xs), len(h0)), np.nan)


WRONG = [
    ("build_vocab", vocab_not_lowercased, "lower-cased"),
    ("build_vocab", vocab_without_unk, "<unk>"),
    ("build_vocab", vocab_first_seen_order, "alphabetical"),
    ("build_vocab", vocab_split_on_spaces_only, "whitespace"),
    ("text_to_indices", indices_unknown_raises, "KeyError"),
    ("text_to_indices", indices_unknown_dropped, "shape"),
    ("text_to_indices", indices_as_list, "NumPy array"),
    ("one_hot", one_hot_transposed, "shape"),
    ("one_hot", one_hot_off_by_one, "differ"),
    ("one_hot", one_hot_int, "dtype"),
    ("rnn_step_forward", step_without_tanh, "tanh"),
    ("rnn_step_forward", step_with_sigmoid, "differ"),
    ("rnn_step_forward", step_transposed, "raised"),
    ("rnn_step_forward", step_without_bias, "differ"),
    ("rnn_step_forward", step_in_place, "changed one of its inputs"),
    ("rnn_forward", forward_always_h0, "step before"),
    ("rnn_forward", forward_last_only, "shape"),
    ("rnn_forward", forward_with_h0, "shape"),
    ("rnn_forward", forward_nan, "NaN"),
]


@pytest.mark.parametrize(("task", "wrong", "hint"), WRONG, ids=[w.__name__ for _, w, _ in WRONG])
def test_wrong_answers_fail_with_a_useful_message(task, wrong, hint):
    with pytest.raises(CheckFailed, match=None) as failure:
        run_check(task, wrong)
    assert hint in str(failure.value)
    assert str(failure.value).startswith(f"✗ {task}:")
