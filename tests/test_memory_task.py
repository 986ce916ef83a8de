"""The memory task of lesson 03: data, models, initialisation and training."""

from __future__ import annotations

import pytest
import torch

from course_utils.i18n import set_language
from course_utils.memory_task import first_token_batch, gate_bias, make_recaller, train_recaller
from tools import nbfiles

from .helpers import ROOT


def test_batch_marks_the_first_step_and_asks_for_its_symbol():
    x, y = first_token_batch(16, 9, 5, torch.Generator().manual_seed(0))
    assert x.shape == (16, 10, 6) and y.shape == (16,)
    assert torch.equal(x[:, :, :5].sum(-1), torch.ones(16, 10))       # one symbol per step
    assert torch.equal(x[:, :, 5], torch.tensor([1.0] + [0.0] * 9).expand(16, 10))
    assert torch.equal(x[:, 0, :5].argmax(-1), y)
    assert len(set(y.tolist())) > 1                                     # not a constant answer


def test_batches_repeat_with_the_same_generator():
    a = first_token_batch(4, 3, 8, torch.Generator().manual_seed(1))
    b = first_token_batch(4, 3, 8, torch.Generator().manual_seed(1))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


@pytest.mark.parametrize("args", [(0, 5, 8), (4, 0, 8), (4, 5, 1)])
def test_bad_sizes_are_explained(args):
    with pytest.raises(ValueError, match="distance >= 1"):
        first_token_batch(*args, torch.Generator())


def test_unknown_cell_is_explained_in_the_learners_language():
    set_language("ru")
    with pytest.raises(ValueError, match="RNN, LSTM, GRU") as error:
        make_recaller("transformer", 8, 4)
    assert "transformer" in str(error.value) and "Unknown" not in str(error.value)


@pytest.mark.parametrize(("layer", "blocks"), [(torch.nn.LSTM(3, 4), 4), (torch.nn.GRU(3, 4), 3)])
def test_gate_bias_sets_only_the_second_block(layer, blocks):
    before = layer.bias_ih_l0.detach().clone()
    gate_bias(layer, 3.0)
    ih, hh = layer.bias_ih_l0.detach().chunk(blocks), layer.bias_hh_l0.detach().chunk(blocks)
    assert torch.all(ih[1] == 3.0) and torch.all(hh[1] == 0.0)
    for k in set(range(blocks)) - {1}:
        assert torch.equal(ih[k], before.chunk(blocks)[k])


def test_gate_bias_refuses_a_plain_rnn():
    with pytest.raises(ValueError, match=r"nn\.LSTM or nn\.GRU"):
        gate_bias(torch.nn.RNN(3, 4), 1.0)


def test_training_learns_a_short_distance_and_is_repeatable():
    model, accuracy = train_recaller("GRU", 2, steps=150, seed=0, symbols=4, device="cpu")
    _, early = train_recaller("GRU", 2, steps=10, seed=0, symbols=4, device="cpu")
    assert accuracy > 0.9 > early                                      # chance is 0.25
    _, again = train_recaller("GRU", 2, steps=150, seed=0, symbols=4, device="cpu")
    assert again == accuracy
    assert isinstance(model.rnn, torch.nn.GRU)


def lesson_train_recaller():
    """The lesson's Recaller and train_recaller, run on the CPU."""
    from torch import nn

    cells = nbfiles.read(ROOT / "notebooks" / "en" / "03_pytorch_rnn_lstm_gru.ipynb")["cells"]
    code = [nbfiles.source(c) for c in cells if c["cell_type"] == "code"]
    (cell,) = [c for c in code if "def train_recaller(" in c]
    namespace = {"torch": torch, "nn": nn, "first_token_batch": first_token_batch,
                 "device": "cpu"}
    exec(compile(cell, "lesson 03", "exec"), namespace)
    return namespace["train_recaller"]


@pytest.mark.parametrize(("kind", "init"), [("LSTM", lambda m: gate_bias(m.rnn, 3.0)),
                                            ("RNN", None)])
def test_package_copy_matches_the_lesson(kind, init):
    lesson = lesson_train_recaller()
    model, accuracy = lesson(kind, 3, steps=20, seed=5, init=init, symbols=4)
    copy, copy_accuracy = train_recaller(kind, 3, steps=20, seed=5, init=init, symbols=4,
                                         device="cpu")
    assert copy_accuracy == accuracy
    theirs = copy.state_dict()
    assert all(torch.equal(w, theirs[name]) for name, w in model.state_dict().items())


def test_benchmark_prints_one_row_per_cell(capsys, monkeypatch):
    import runpy

    monkeypatch.setattr("sys.argv", ["remember_first_token.py"])
    runpy.run_path("benchmarks/remember_first_token.py", run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:3] == ["cell", "d=5", "d=10"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert set(rows) == {"RNN", "LSTM", "GRU"}
    for row in rows.values():
        mean, low, high = float(row[0]), float(row[1].strip("[,")), float(row[2].strip("]"))
        assert 0.0 <= low <= mean <= high <= 1.0
