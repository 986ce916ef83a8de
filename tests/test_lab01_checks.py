"""Lab 01's checks pass many correct idioms and catch the plausible mistakes."""

from __future__ import annotations

import re
import string
from collections import defaultdict

import numpy as np
import pytest
import torch

from course_utils.checks import CheckFailed, lab01
from course_utils.checks.core import load_expected

CHECKS = {task: getattr(lab01, f"check_{task}") for task in
          ("build_vocab", "text_to_indices", "one_hot", "rnn_step_forward", "rnn_forward")}


def vocab_from(words, start=1):
    return {"<unk>": 0, **{w: i for i, w in enumerate(words, start)}}


# Correct idioms: each must pass. ----------------------------------------------------

def vocab_comprehension(text):
    return vocab_from(sorted(set(text.lower().split())))


def vocab_zip(text):
    words = ["<unk>", *sorted(set(text.lower().split()))]
    return dict(zip(words, range(len(words)), strict=True))


def vocab_numpy_unique(text):
    words = np.unique(text.lower().split())
    return {"<unk>": 0, **dict(zip(words, np.arange(1, len(words) + 1), strict=True))}


def vocab_casefold_setdefault(text):
    vocab = {"<unk>": 0}
    for word in sorted({w.casefold() for w in text.split()}):
        vocab.setdefault(word, len(vocab))
    return vocab


def vocab_regex_split(text):
    return vocab_from(sorted({w for w in re.split(r"\s+", text.lower()) if w}))


def indices_fromiter(text, vocab):
    return np.fromiter((vocab.get(w, vocab["<unk>"]) for w in text.lower().split()),
                       dtype=np.int64)


def indices_loop_int32(text, vocab):
    ids = []
    for word in text.lower().split():
        ids.append(vocab[word] if word in vocab else 0)
    return np.asarray(ids, dtype=np.int32)


def indices_defaultdict(text, vocab):
    lookup = defaultdict(int, vocab)
    return np.array([lookup[w] for w in text.lower().split()], dtype=int)


def one_hot_eye(indices, size):
    return np.eye(size)[indices]


def one_hot_compare(indices, size):
    return (indices[:, None] == np.arange(size)).astype(float)


def one_hot_loop(indices, size):
    out = np.zeros((len(indices), size))
    for t, i in enumerate(indices):
        out[t, i] = 1
    return out


def one_hot_put_along_axis(indices, size):
    out = np.zeros((indices.size, size))
    np.put_along_axis(out, indices[:, None], 1.0, axis=1)
    return out


def step_columns(x, h, W_xh, W_hh, b):
    return np.tanh(W_xh @ x.T + W_hh @ h.T + b[:, None]).T


def step_einsum(x, h, W_xh, W_hh, b):
    return np.tanh(np.einsum("hd,nd->nh", W_xh, x) + np.einsum("hk,nk->nh", W_hh, h) + b)


def step_rows(x, h, W_xh, W_hh, b):
    return np.array([np.tanh(W_xh @ x_n + W_hh @ h_n + b) for x_n, h_n in zip(x, h,
                                                                                strict=True)])


def step_one_matrix(x, h, W_xh, W_hh, b):
    A = np.concatenate([W_hh, W_xh], axis=1)
    return np.tanh(np.concatenate([h, x], axis=1) @ A.T + b)


def make_forward(step=lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh.T + h @ W_hh.T + b),
                 stack=lambda states: np.stack(states, axis=1)):
    def rnn_forward(xs, h0, W_xh, W_hh, b):
        h, states = h0, []
        for t in range(xs.shape[1]):
            h = step(xs[:, t], h, W_xh, W_hh, b)
            states.append(h)
        return stack(states)
    return rnn_forward


def forward_buffer(xs, h0, W_xh, W_hh, b):
    hs = np.empty((*xs.shape[:2], len(b)))
    h = h0
    for t, x_t in enumerate(xs.transpose(1, 0, 2)):
        h = np.tanh(x_t @ W_xh.T + h @ W_hh.T + b)
        hs[:, t] = h
    return hs


def forward_projection_first(xs, h0, W_xh, W_hh, b):
    a = xs @ W_xh.T + b
    hs = np.zeros((xs.shape[0], xs.shape[1], h0.shape[1]))
    h = h0
    for t in range(xs.shape[1]):
        h = hs[:, t] = np.tanh(a[:, t] + h @ W_hh.T)
    return hs


def forward_one_sequence_at_a_time(xs, h0, W_xh, W_hh, b):
    out = []
    for x_seq, h in zip(xs, h0, strict=True):
        states = []
        for x in x_seq:
            h = np.tanh(W_xh @ x + W_hh @ h + b)
            states.append(h)
        out.append(states)
    return np.array(out)


RIGHT = [
    ("build_vocab", vocab_comprehension), ("build_vocab", vocab_zip),
    ("build_vocab", vocab_numpy_unique), ("build_vocab", vocab_casefold_setdefault),
    ("build_vocab", vocab_regex_split),
    ("text_to_indices", indices_fromiter), ("text_to_indices", indices_loop_int32),
    ("text_to_indices", indices_defaultdict),
    ("one_hot", one_hot_eye), ("one_hot", one_hot_compare), ("one_hot", one_hot_loop),
    ("one_hot", one_hot_put_along_axis),
    ("rnn_step_forward", step_columns), ("rnn_step_forward", step_einsum),
    ("rnn_step_forward", step_rows), ("rnn_step_forward", step_one_matrix),
    ("rnn_forward", make_forward()), ("rnn_forward", make_forward(step=step_one_matrix)),
    ("rnn_forward", make_forward(stack=lambda s: np.array(s).transpose(1, 0, 2))),
    ("rnn_forward", make_forward(stack=lambda s: np.swapaxes(np.array(s), 0, 1))),
    ("rnn_forward", forward_buffer), ("rnn_forward", forward_projection_first),
    ("rnn_forward", forward_one_sequence_at_a_time),
]


@pytest.mark.parametrize(("task", "right"), RIGHT,
                         ids=[f"{t}-{f.__name__}-{i}" for i, (t, f) in enumerate(RIGHT)])
def test_correct_idioms_pass(task, right, capsys):
    CHECKS[task](right)
    assert capsys.readouterr().out.startswith(f"✓ {task}:")


# Plausible mistakes: each must fail, with a message that helps. ---------------------

def vocab_not_lowercased(text):
    return vocab_from(sorted(set(text.split())))


def vocab_without_unk(text):
    return {w: i for i, w in enumerate(sorted(set(text.lower().split())))}


def vocab_first_seen_order(text):
    return vocab_from(dict.fromkeys(text.lower().split()))


def vocab_set_order(text):
    return vocab_from(set(text.lower().split()))


def vocab_split_on_spaces(text):
    return vocab_from(sorted(set(text.lower().split(" "))))


def vocab_regex_split_unstripped(text):
    return vocab_from(sorted(set(re.split(r"\s+", text.lower()))))


def vocab_split_on_space_and_newline(text):
    return vocab_from(sorted(set(re.split(r"[ \n]+", text.lower().strip())) - {""}))


def vocab_strip_punctuation(text):
    return vocab_from(sorted({w.strip(string.punctuation) for w in text.lower().split()}))


def vocab_word_regex(text):
    return vocab_from(sorted(set(re.findall(r"\w+", text.lower()))))


def vocab_ascii_letters(text):
    return vocab_from(sorted(set(re.findall(r"[a-z']+", text.lower()))))


def vocab_letters_only(text):
    return vocab_from(sorted({w for w in text.lower().split() if w.isalpha()}))


def vocab_unk_sorted_in(text):
    words = sorted(set(text.lower().split()) | {"<unk>"})
    return {w: i for i, w in enumerate(words)}


def vocab_unk_last(text):
    words = sorted(set(text.lower().split()))
    return {**{w: i for i, w in enumerate(words)}, "<unk>": len(words)}


def vocab_words_from_zero(text):
    return vocab_from(sorted(set(text.lower().split())), start=0)


def vocab_index_to_word(text):
    return dict(enumerate(["<unk>", *sorted(set(text.lower().split()))]))


def vocab_mixed_keys(text):
    vocab = {"<unk>": 0}
    vocab.update(enumerate(sorted(set(text.lower().split())), start=1))
    return vocab


GLOBAL_VOCAB = {"<unk>": 0}


def vocab_global(text):
    for word in sorted(set(text.lower().split())):
        GLOBAL_VOCAB.setdefault(word, len(GLOBAL_VOCAB))
    return dict(GLOBAL_VOCAB)


def vocab_list(text):
    return ["<unk>", *sorted(set(text.lower().split()))]


def vocab_float_indices(text):
    return {w: float(i) for w, i in vocab_comprehension(text).items()}


def vocab_lowered_after_sorting(text):
    words = sorted(set(text.split()))
    return {"<unk>": 0, **{w.lower(): i for i, w in enumerate(words, 1)}}


def vocab_characters(text):
    return vocab_from(sorted(set(text.lower())))


def indices_unknown_raises(text, vocab):
    return np.array([vocab[w] for w in text.lower().split()], dtype=int)


def indices_unknown_dropped(text, vocab):
    return np.array([vocab[w] for w in text.lower().split() if w in vocab], dtype=int)


def indices_as_list(text, vocab):
    return [vocab.get(w, 0) for w in text.lower().split()]


def indices_not_lowercased(text, vocab):
    return np.array([vocab.get(w, 0) for w in text.split()], dtype=int)


def indices_split_on_spaces(text, vocab):
    return np.array([vocab.get(w, 0) for w in text.lower().split(" ")], dtype=int)


def indices_strip_punctuation(text, vocab):
    words = (w.strip(string.punctuation) for w in text.lower().split())
    return np.array([vocab.get(w, 0) for w in words], dtype=int)


def indices_no_dtype(text, vocab):
    return np.array([vocab.get(w, 0) for w in text.lower().split()])


def indices_grow_vocab(text, vocab):
    return np.array([vocab.setdefault(w, len(vocab)) for w in text.lower().split()], dtype=int)


def indices_unknown_minus_one(text, vocab):
    return np.array([vocab.get(w, -1) for w in text.lower().split()], dtype=int)


def indices_float(text, vocab):
    return np.array([vocab.get(w, 0) for w in text.lower().split()], dtype=float)


def indices_tensor(text, vocab):
    return torch.tensor([vocab.get(w, 0) for w in text.lower().split()], dtype=torch.long)


def one_hot_transposed(indices, size):
    return np.eye(size)[indices].T


def one_hot_off_by_one(indices, size):
    return np.eye(size)[(np.asarray(indices) + 1) % size]


def one_hot_int(indices, size):
    return np.eye(size, dtype=int)[indices]


def one_hot_float32(indices, size):
    out = np.zeros((len(indices), size), dtype=np.float32)
    out[np.arange(len(indices)), indices] = 1
    return out


def one_hot_bool(indices, size):
    return indices[:, None] == np.arange(size)


def one_hot_list_of_rows(indices, size):
    return np.array([np.eye(size)[i] for i in indices])


def one_hot_size_from_data(indices, size):
    return np.eye(int(indices.max()) + 1)[indices]


def one_hot_torch(indices, size):
    return torch.nn.functional.one_hot(torch.from_numpy(indices), size).numpy()


def one_hot_nested_list(indices, size):
    return np.eye(size)[indices].tolist()


def one_hot_columns_everywhere(indices, size):
    out = np.zeros((len(indices), size))
    out[:, indices] = 1.0
    return out


def step_without_tanh(x, h, W_xh, W_hh, b):
    return x @ W_xh.T + h @ W_hh.T + b


def step_with_sigmoid(x, h, W_xh, W_hh, b):
    return 1 / (1 + np.exp(-(x @ W_xh.T + h @ W_hh.T + b)))


def step_column_vectors(x, h, W_xh, W_hh, b):
    return np.tanh(W_xh @ x + W_hh @ h + b)


def step_not_transposed(x, h, W_xh, W_hh, b):
    return np.tanh(x @ W_xh + h @ W_hh + b)


def step_hh_not_transposed(x, h, W_xh, W_hh, b):
    return np.tanh(x @ W_xh.T + h @ W_hh + b)


def step_without_bias(x, h, W_xh, W_hh, b):
    return np.tanh(x @ W_xh.T + h @ W_hh.T)


def step_bias_outside(x, h, W_xh, W_hh, b):
    return np.tanh(x @ W_xh.T + h @ W_hh.T) + b


def step_in_place(x, h, W_xh, W_hh, b):
    h[:] = np.tanh(x @ W_xh.T + h @ W_hh.T + b)
    return h


def step_returns_h_prev(x, h, W_xh, W_hh, b):
    return h


def step_columns_bias_unbroadcast(x, h, W_xh, W_hh, b):
    return np.tanh(W_xh @ x.T + W_hh @ h.T + b).T


def step_first_sequence_only(x, h, W_xh, W_hh, b):
    return np.tanh(W_xh @ x[0] + W_hh @ h[0] + b)


def step_float32(x, h, W_xh, W_hh, b):
    return np.tanh(x @ W_xh.T + h @ W_hh.T + b).astype(np.float32)


def step_nan(x, h, W_xh, W_hh, b):
    return np.full((len(x), len(b)), np.nan)


def forward_always_h0(xs, h0, W_xh, W_hh, b):
    return np.stack([np.tanh(xs[:, t] @ W_xh.T + h0 @ W_hh.T + b)
                     for t in range(xs.shape[1])], axis=1)


def forward_last_only(xs, h0, W_xh, W_hh, b):
    return make_forward()(xs, h0, W_xh, W_hh, b)[:, -1]


def forward_with_h0(xs, h0, W_xh, W_hh, b):
    return np.concatenate([h0[:, None], make_forward()(xs, h0, W_xh, W_hh, b)], axis=1)


def forward_time_major(xs, h0, W_xh, W_hh, b):
    return make_forward(stack=np.array)(xs, h0, W_xh, W_hh, b)


def forward_from_zeros(xs, h0, W_xh, W_hh, b):
    return make_forward()(xs, np.zeros_like(h0), W_xh, W_hh, b)


def forward_buffer_dtype(dtype):
    def rnn_forward(xs, h0, W_xh, W_hh, b):
        hs = np.zeros((xs.shape[0], xs.shape[1], len(b)), dtype=dtype)
        hs[:] = make_forward()(xs, h0, W_xh, W_hh, b)
        return hs
    return rnn_forward


def forward_loops_over_batch(xs, h0, W_xh, W_hh, b):
    h, states = h0, []
    for x_t in xs:
        h = np.tanh(x_t @ W_xh.T + h @ W_hh.T + b)
        states.append(h)
    return np.stack(states, axis=1)


def forward_overwrites_h0(xs, h0, W_xh, W_hh, b):
    h, states = h0, []
    for t in range(xs.shape[1]):
        h[:] = np.tanh(xs[:, t] @ W_xh.T + h @ W_hh.T + b)
        states.append(h.copy())
    return np.stack(states, axis=1)


def forward_one_step_short(xs, h0, W_xh, W_hh, b):
    return make_forward()(xs[:, :-1], h0, W_xh, W_hh, b)


def forward_squeezed(xs, h0, W_xh, W_hh, b):
    return make_forward()(xs, h0, W_xh, W_hh, b).squeeze()


def forward_backwards_in_time(xs, h0, W_xh, W_hh, b):
    return make_forward()(xs[:, ::-1], h0, W_xh, W_hh, b)[:, ::-1]


def forward_same_h0_for_all(xs, h0, W_xh, W_hh, b):
    return make_forward()(xs, np.broadcast_to(h0[0], h0.shape), W_xh, W_hh, b)


def forward_list(xs, h0, W_xh, W_hh, b):
    return list(make_forward()(xs, h0, W_xh, W_hh, b))


def forward_tensor(xs, h0, W_xh, W_hh, b):
    return torch.from_numpy(make_forward()(xs, h0, W_xh, W_hh, b))


def forward_nan(xs, h0, W_xh, W_hh, b):
    return np.full((xs.shape[0], xs.shape[1], len(b)), np.nan)


WRONG = [
    ("build_vocab", vocab_not_lowercased, "capital letters"),
    ("build_vocab", vocab_without_unk, "'<unk>' must be in the vocabulary"),
    ("build_vocab", vocab_first_seen_order, "sorted()"),
    ("build_vocab", vocab_set_order, "sorted()"),
    ("build_vocab", vocab_split_on_spaces, "empty string"),
    ("build_vocab", vocab_regex_split_unstripped, "empty string"),
    ("build_vocab", vocab_split_on_space_and_newline, "contain whitespace"),
    ("build_vocab", vocab_strip_punctuation, "Punctuation and apostrophes"),
    ("build_vocab", vocab_word_regex, "Punctuation and apostrophes"),
    ("build_vocab", vocab_ascii_letters, "not words of the text"),
    ("build_vocab", vocab_letters_only, "whatever lies between whitespace"),
    ("build_vocab", vocab_unk_sorted_in, "sorted together with the words"),
    ("build_vocab", vocab_unk_last, "'<unk>' must have index 0"),
    ("build_vocab", vocab_words_from_zero, "each used once"),
    ("build_vocab", vocab_index_to_word, "maps indices to words"),
    ("build_vocab", vocab_mixed_keys, "every key should be a word"),
    ("build_vocab", vocab_global, "not words of the text"),
    ("build_vocab", vocab_list, "should return a dict"),
    ("build_vocab", vocab_float_indices, "should be an int"),
    ("build_vocab", vocab_lowered_after_sorting, "each used once"),
    ("build_vocab", vocab_characters, "contain whitespace"),
    ("text_to_indices", indices_unknown_raises, "KeyError"),
    ("text_to_indices", indices_unknown_dropped, "shape"),
    ("text_to_indices", indices_as_list, "NumPy array"),
    ("text_to_indices", indices_not_lowercased, "Lower-case the text"),
    ("text_to_indices", indices_split_on_spaces, "shape"),
    ("text_to_indices", indices_strip_punctuation, "Punctuation is part of a word"),
    ("text_to_indices", indices_no_dtype, "np.array([])"),
    ("text_to_indices", indices_grow_vocab, "changed one of its inputs"),
    ("text_to_indices", indices_unknown_minus_one, "must map to '<unk>'"),
    ("text_to_indices", indices_float, "dtype"),
    ("text_to_indices", indices_tensor, "NumPy array"),
    ("one_hot", one_hot_transposed, "shape"),
    ("one_hot", one_hot_off_by_one, "differ"),
    ("one_hot", one_hot_int, "float64 is asked"),
    ("one_hot", one_hot_float32, "float64 is asked"),
    ("one_hot", one_hot_bool, "float64 is asked"),
    ("one_hot", one_hot_list_of_rows, "(0, V)"),
    ("one_hot", one_hot_size_from_data, "shape"),
    ("one_hot", one_hot_torch, "float64 is asked"),
    ("one_hot", one_hot_nested_list, "NumPy array"),
    ("one_hot", one_hot_columns_everywhere, "exactly one 1"),
    ("rnn_step_forward", step_without_tanh, "tanh"),
    ("rnn_step_forward", step_with_sigmoid, "sigmoid"),
    ("rnn_step_forward", step_column_vectors, "Remember the shapes"),
    ("rnn_step_forward", step_not_transposed, "Remember the shapes"),
    ("rnn_step_forward", step_hh_not_transposed, "without the transpose"),
    ("rnn_step_forward", step_without_bias, "without b_h"),
    ("rnn_step_forward", step_bias_outside, "after the tanh"),
    ("rnn_step_forward", step_in_place, "changed one of its inputs"),
    ("rnn_step_forward", step_returns_h_prev, "differ"),
    ("rnn_step_forward", step_columns_bias_unbroadcast, "Remember the shapes"),
    ("rnn_step_forward", step_first_sequence_only, "shape"),
    ("rnn_step_forward", step_float32, "float64 is asked"),
    ("rnn_step_forward", step_nan, "NaN"),
    ("rnn_forward", forward_always_h0, "step before"),
    ("rnn_forward", forward_last_only, "not only the last one"),
    ("rnn_forward", forward_with_h0, "without h0"),
    ("rnn_forward", forward_time_major, "(T, N, H)"),
    ("rnn_forward", forward_from_zeros, "starts from zeros"),
    ("rnn_forward", forward_buffer_dtype(int), "integer dtype"),
    ("rnn_forward", forward_buffer_dtype(np.float32), "float64 is asked"),
    ("rnn_forward", forward_loops_over_batch, "Remember the shapes"),
    ("rnn_forward", forward_overwrites_h0, "changed one of its inputs"),
    ("rnn_forward", forward_one_step_short, "shape"),
    ("rnn_forward", forward_squeezed, "shape"),
    ("rnn_forward", forward_backwards_in_time, "differ"),
    ("rnn_forward", forward_same_h0_for_all, "differ"),
    ("rnn_forward", forward_list, "NumPy array"),
    ("rnn_forward", forward_tensor, "NumPy array"),
    ("rnn_forward", forward_nan, "NaN"),
]


def expected_numbers(task):
    """The expected values of ``task`` written as a message could print them."""
    keys = {"one_hot": "one_hot", "rnn_step_forward": "h_t", "rnn_forward": "hs"}
    if task not in keys:
        return set()
    values = np.concatenate([np.ravel(case[keys[task]])
                             for case in load_expected("lab01")[task]["cases"]])
    return {f"{v:.3f}" for v in values if abs(v) > 0.01}


@pytest.mark.parametrize(("task", "wrong", "hint"), WRONG,
                         ids=[f"{t}-{f.__name__}-{i}" for i, (t, f, _) in enumerate(WRONG)])
def test_wrong_answers_fail_with_a_useful_message(task, wrong, hint):
    GLOBAL_VOCAB.clear()
    GLOBAL_VOCAB["<unk>"] = 0
    with pytest.raises(CheckFailed) as failure:
        CHECKS[task](wrong)
    message = str(failure.value)
    assert message.startswith(f"✗ {task}:")
    assert hint in message
    assert "Traceback" not in message and len(message) < 400
    assert not any(number in message for number in expected_numbers(task))


def test_wrong_answers_cover_every_task():
    counts = {task: sum(t == task for t, _, _ in WRONG) for task in CHECKS}
    assert min(counts.values()) >= 10, counts
    assert len(WRONG) >= 25


def test_vocab_messages_name_no_expected_word():
    """A vocabulary that misses words is told how many, never which."""
    want = load_expected("lab01")["build_vocab"]["cases"][0]["vocab"]
    with pytest.raises(CheckFailed) as failure:
        CHECKS["build_vocab"](vocab_letters_only)
    missing = set(want) - set(vocab_letters_only(
        load_expected("lab01")["build_vocab"]["cases"][0]["text"]))
    assert missing and not any(repr(w) in str(failure.value) for w in missing)
