"""Checks for lab 03: LSTM and GRU cells, and the loops around them, against PyTorch.

The reference is PyTorch itself: the learner's function gets the stacked weights of an
``nn.LSTM`` / ``nn.GRU`` (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``,
``bias_hh_l0``) and must reproduce what the layer computes. When the answer is wrong,
the check recomputes the common mistakes and names the one it matches.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import permutations
from typing import Any

import numpy as np

from ..i18n import _
from .core import call, expect_close, expect_tensor, fail, passed

N, D, H, T = 3, 4, 5, 6
LSTM_GATES = "ifgo"
GRU_GATES = "rzn"


def _torch() -> Any:
    import torch

    return torch


def _weights(layer: Any) -> tuple[Any, ...]:
    """The four stacked parameters of a one-layer recurrent module, detached."""
    return tuple(getattr(layer, name).detach().clone() for name in
                 ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"))


def _layer(kind: str) -> Any:
    """A float64 nn.LSTM or nn.GRU with fixed random weights, biases not small."""
    torch = _torch()
    torch.manual_seed({"lstm": 303, "gru": 304}[kind])
    layer = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](
        D, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for p in layer.parameters():
            p.normal_(0.0, 0.6)
    return layer


def _inputs(seed: int, *shape: int) -> Any:
    torch = _torch()
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed),
                       dtype=torch.float64)


def _expect_tensor(task: str, value: Any, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """Check that ``value`` is a finite floating tensor of ``shape``; return it as NumPy."""
    value = expect_tensor(task, value, name, shape=shape)
    if not value.is_floating_point():
        fail(task, _("{name} has dtype {got}, expected a float dtype.",
                     name=name, got=value.dtype))
    array = value.detach().cpu().double().numpy()
    if not np.all(np.isfinite(array)):
        count = int(array.size - np.count_nonzero(np.isfinite(array)))
        fail(task, _("{name} contains {count} NaN or infinite values.", name=name, count=count))
    return array


def _matches(got: np.ndarray, want: Any) -> bool:
    return bool(np.allclose(got, want.detach().numpy(), rtol=1e-7, atol=1e-9))


def _unpack(task: str, result: Any, shape: str) -> tuple:
    if not isinstance(result, tuple) or len(result) != 2:
        fail(task, _("it should return a tuple {shape}.", shape=shape))
    return result


# The reference cells, and the mistakes they are compared with.
def _lstm_step(x: Any, h: Any, c: Any, w: tuple, order: str = LSTM_GATES,
               mistake: str = "") -> tuple[Any, Any]:
    torch = _torch()
    W_ih, W_hh, b_ih, b_hh = w
    blocks = dict(zip(order, (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=1),
                      strict=True))
    squash = torch.tanh if mistake == "tanh" else torch.sigmoid
    i, f, o = squash(blocks["i"]), squash(blocks["f"]), squash(blocks["o"])
    g = torch.tanh(blocks["g"])
    c_new = {"no_forget": i * g, "forget_ignored": c + i * g}.get(mistake, f * c + i * g)
    return o * torch.tanh(c_new), c_new


def _gru_step(x: Any, h: Any, w: tuple, order: str = GRU_GATES, mistake: str = "") -> Any:
    torch = _torch()
    W_ih, W_hh, b_ih, b_hh = w
    xs = dict(zip(order, (x @ W_ih.T + b_ih).chunk(3, dim=1), strict=True))
    hs = dict(zip(order, (h @ W_hh.T + b_hh).chunk(3, dim=1), strict=True))
    squash = torch.tanh if mistake == "tanh" else torch.sigmoid
    r, z = squash(xs["r"] + hs["r"]), squash(xs["z"] + hs["z"])
    n = torch.tanh(xs["n"] + r * hs["n"])
    if mistake == "reset_after_bias":
        n = torch.tanh(xs["n"] + r * (h @ W_hh.T).chunk(3, dim=1)[2] + b_hh.chunk(3)[2])
    if mistake == "z_swapped":
        return z * n + (1 - z) * h
    return (1 - z) * n + z * h


def _wrong_order(step: Callable[..., Any], got: np.ndarray, gates: str,
                 args: tuple) -> str | None:
    """The gate order (other than PyTorch's) whose result ``got`` matches, if any."""
    for order in permutations(gates):
        order = "".join(order)
        if order != gates:
            result = step(*args, order=order)
            if _matches(got, result[0] if isinstance(result, tuple) else result):
                return order
    return None


# Each mistake the checks recognise, with what to tell the learner (translated when shown).
LSTM_HINTS: dict[str, Callable[[], str]] = {
    "no_forget": lambda: _("c_t ignores the old cell state: c_t = f * c_prev + i * g."),
    "forget_ignored": lambda: _("the old cell state is added without the forget gate: "
                                "c_t = f * c_prev + i * g."),
    "tanh": lambda: _("the gates i, f and o use tanh; they need the sigmoid, so that they "
                      "lie between 0 and 1 (only g uses tanh)."),
}
GRU_HINTS: dict[str, Callable[[], str]] = {
    "z_swapped": lambda: _("z and 1 - z are on the wrong sides: in PyTorch, z weighs the "
                           "old state, h_t = (1 - z) * n + z * h_prev."),
    "tanh": lambda: _("the gates r and z use tanh; they need the sigmoid, so that they lie "
                      "between 0 and 1."),
    "reset_after_bias": lambda: _("the reset gate must multiply W_hn h + b_hn, bias "
                                  "included."),
}


def _explain_lstm(task: str, got_h: np.ndarray, got_c: np.ndarray, args: tuple) -> None:
    order = _wrong_order(_lstm_step, got_h, LSTM_GATES, args)
    if order:
        fail(task, _("your gates are in the order {order}; PyTorch stacks them i, f, g, o "
                     "(rows 0:H, H:2H, 2H:3H, 3H:4H).", order=", ".join(order)))
    for mistake, hint in LSTM_HINTS.items():
        h_bad, c_bad = _lstm_step(*args, mistake=mistake)
        if _matches(got_h, h_bad) and _matches(got_c, c_bad):
            fail(task, hint())


def check_lstm_cell(lstm_cell: Callable[..., tuple]) -> None:
    """Check ``lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh) -> (h_new, c_new)`` against nn.LSTM."""
    task = "lstm_cell"
    w = _weights(_layer("lstm"))
    x, h, c = _inputs(1, N, D), _inputs(2, N, H), _inputs(3, N, H)
    h_ref, c_ref = _lstm_step(x, h, c, w)
    result = _unpack(task, call(task, lstm_cell, x, h, c, *w), "(h_new, c_new)")
    got_h = _expect_tensor(task, result[0], "h_new", (N, H))
    got_c = _expect_tensor(task, result[1], "c_new", (N, H))
    if not (_matches(got_h, h_ref) and _matches(got_c, c_ref)):
        _explain_lstm(task, got_h, got_c, (x, h, c, w))
    expect_close(task, got_c, c_ref.numpy(), "c_new", rtol=1e-7, atol=1e-9)
    expect_close(task, got_h, h_ref.numpy(), "h_new", rtol=1e-7, atol=1e-9)
    passed(task)


def check_gru_cell(gru_cell: Callable[..., Any]) -> None:
    """Check ``gru_cell(x, h, W_ih, W_hh, b_ih, b_hh) -> h_new`` against nn.GRU."""
    task = "gru_cell"
    w = _weights(_layer("gru"))
    x, h = _inputs(4, N, D), _inputs(5, N, H)
    want = _gru_step(x, h, w)
    got = _expect_tensor(task, call(task, gru_cell, x, h, *w), "h_new", (N, H))
    if not _matches(got, want):
        order = _wrong_order(_gru_step, got, GRU_GATES, (x, h, w))
        if order:
            fail(task, _("your gates are in the order {order}; PyTorch stacks them r, z, n "
                         "(rows 0:H, H:2H, 2H:3H).", order=", ".join(order)))
        for mistake, hint in GRU_HINTS.items():
            if _matches(got, _gru_step(x, h, w, mistake=mistake)):
                fail(task, hint())
    expect_close(task, got, want.numpy(), "h_new", rtol=1e-7, atol=1e-9)
    passed(task)


def _check_sequence(task: str, got: np.ndarray, want: np.ndarray) -> None:
    """Compare all outputs, saying from which step on they go wrong."""
    good = np.isclose(got, want, rtol=1e-7, atol=1e-9).all(axis=(0, 2))
    if good.all():
        return
    first = int(np.argmin(good))
    if first > 0:
        fail(task, _("the outputs are right up to step {right} and wrong from step {wrong} "
                     "on: pass the state (h, and c for the LSTM) of each step on to the next.",
                     right=first - 1, wrong=first))
    layer = task.split("_")[0].upper()
    fail(task, _("the outputs differ from nn.{layer} already at step 0: does the loop start "
                 "from the given initial state and call your cell?", layer=layer))


def check_lstm_forward(lstm_forward: Callable[..., tuple]) -> None:
    """Check ``lstm_forward(xs, h0, c0, W_ih, W_hh, b_ih, b_hh) -> (outputs, (h_T, c_T))``."""
    torch = _torch()
    task = "lstm_forward"
    layer = _layer("lstm")
    xs, h0, c0 = _inputs(6, N, T, D), _inputs(7, N, H), _inputs(8, N, H)
    with torch.no_grad():
        want, (h_want, c_want) = layer(xs, (h0[None], c0[None]))
    result = _unpack(task, call(task, lstm_forward, xs, h0, c0, *_weights(layer)),
                     "(outputs, (h_T, c_T))")
    outputs = _expect_tensor(task, result[0], "outputs", (N, T, H))
    _check_sequence(task, outputs, want.numpy())
    final = result[1]
    if not isinstance(final, tuple) or len(final) != 2:
        fail(task, _("the second item should be the pair (h_T, c_T)."))
    expect_close(task, _expect_tensor(task, final[0], "h_T", (N, H)), h_want[0].numpy(), "h_T")
    expect_close(task, _expect_tensor(task, final[1], "c_T", (N, H)), c_want[0].numpy(), "c_T")
    passed(task)


def check_gru_forward(gru_forward: Callable[..., tuple]) -> None:
    """Check ``gru_forward(xs, h0, W_ih, W_hh, b_ih, b_hh) -> (outputs, h_T)``."""
    torch = _torch()
    task = "gru_forward"
    layer = _layer("gru")
    xs, h0 = _inputs(9, N, T, D), _inputs(10, N, H)
    with torch.no_grad():
        want, h_want = layer(xs, h0[None])
    result = _unpack(task, call(task, gru_forward, xs, h0, *_weights(layer)), "(outputs, h_T)")
    outputs = _expect_tensor(task, result[0], "outputs", (N, T, H))
    _check_sequence(task, outputs, want.numpy())
    expect_close(task, _expect_tensor(task, result[1], "h_T", (N, H)), h_want[0].numpy(), "h_T")
    passed(task)
