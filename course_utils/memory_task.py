"""Lesson 03's "remember the first token" task: how far back can a cell carry a symbol?

A sequence of ``distance + 1`` random symbols is read one step at a time; after the
last one the model must name the first. Every symbol comes from the same alphabet,
and an extra input channel marks the first step, so the only way to answer is to
store that symbol and keep it, untouched, through ``distance`` distracting steps.
"""

from __future__ import annotations

from typing import Any

from .device import get_device
from .i18n import _

KINDS: tuple[str, ...] = ("RNN", "LSTM", "GRU")


def first_token_batch(batch: int, distance: int, symbols: int, generator: Any,
                      device: Any = "cpu") -> tuple[Any, Any]:
    """Inputs ``(batch, distance + 1, symbols + 1)`` and targets ``(batch,)``.

    The inputs are one-hot symbols plus a last channel that is 1 at the first step.
    """
    import torch

    if distance < 1 or symbols < 2 or batch < 1:
        raise ValueError(_("Use batch >= 1, distance >= 1 and symbols >= 2."))
    tokens = torch.randint(symbols, (batch, distance + 1), generator=generator)
    x = torch.nn.functional.one_hot(tokens, symbols + 1).float()
    x[:, 0, symbols] = 1.0
    return x.to(device), tokens[:, 0].to(device)


def gate_bias(layer: Any, value: float) -> Any:
    """Set the bias of an LSTM's forget gate or a GRU's update gate to ``value``; return the layer.

    That gate is the second block of the stacked biases (order i, f, g, o and r, z, n).
    The whole bias goes into ``bias_ih_l0``; its twin in ``bias_hh_l0`` is set to 0.
    """
    import torch

    blocks = {"LSTM": 4, "GRU": 3}.get(type(layer).__name__)
    if blocks is None:
        raise ValueError(_("gate_bias needs an nn.LSTM or nn.GRU, not {type}.",
                           type=type(layer).__name__))
    with torch.no_grad():
        layer.bias_ih_l0.chunk(blocks)[1].fill_(value)
        layer.bias_hh_l0.chunk(blocks)[1].zero_()
    return layer


def make_recaller(kind: str, symbols: int = 8, hidden: int = 32) -> Any:
    """A recurrent layer of ``kind`` (RNN, LSTM or GRU) and a linear read-out of its last state.

    The same model as lesson 03's ``Recaller``.
    """
    import torch
    from torch import nn

    layers = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}
    if kind not in layers:
        raise ValueError(_("Unknown cell {kind!r}: use one of {kinds}.", kind=kind,
                           kinds=", ".join(KINDS)))

    class Recaller(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = layers[kind](symbols + 1, hidden, batch_first=True)
            self.head = nn.Linear(hidden, symbols)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out, _state = self.rnn(x)
            return self.head(out[:, -1])

    return Recaller()


def train_recaller(kind: str, distance: int, *, steps: int, seed: int, init: Any = None,
                   symbols: int = 8, batch: int = 64, lr: float = 1e-2,
                   device: Any = None) -> tuple[Any, float]:
    """Train a fresh model on new random batches; return it and its test accuracy.

    A copy of the loop written out in lesson 03 (a test keeps the two equal), for
    ``benchmarks/remember_first_token.py``. ``init(model)`` may change the initial
    weights. Accuracy is measured on 1024 held-out sequences; chance is ``1 / symbols``.
    """
    import torch
    from torch import nn

    device = device or get_device()
    torch.manual_seed(seed)
    model = make_recaller(kind, symbols)
    if init is not None:
        init(model)
    model.to(device)
    batches = torch.Generator().manual_seed(seed)
    test_x, test_y = first_token_batch(1024, distance, symbols,
                                       torch.Generator().manual_seed(10_000 + seed), device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _step in range(steps):
        x, y = first_token_batch(batch, distance, symbols, batches, device)
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
    with torch.no_grad():
        accuracy = (model(test_x).argmax(dim=1) == test_y).float().mean().item()
    return model, accuracy
