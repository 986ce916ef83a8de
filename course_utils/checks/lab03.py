"""Checks for lab 03: LSTM and GRU cells, and the loops around them, against PyTorch.

The reference is PyTorch itself: the learner's function gets the stacked weights of an
``nn.LSTM`` / ``nn.GRU`` (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``,
``bias_hh_l0``) and must reproduce what the layer computes, values first, then the
gradients of a fixed loss with respect to every input, weights and initial state
included, so that a loop that cuts autograd's graph fails even when its values are
right. When the answer is wrong, the check recomputes the common mistakes and names
the one it matches; when none matches it says where the answer goes wrong, not why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import permutations
from typing import Any

import numpy as np

from ..i18n import _
from .core import call, expect_close, expect_tensor, fail, passed

N, D, H, T = 3, 4, 5, 6
LSTM_GATES = "ifgo"
GRU_GATES = "rzn"
WEIGHT_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh")


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
    """Check that ``value`` is a finite float64 tensor of ``shape``; return it as NumPy."""
    torch = _torch()
    value = expect_tensor(task, value, name, shape=shape)
    if value.dtype != torch.float64:
        fail(task, _("{name} has dtype {got}, expected {want}, the dtype of the inputs "
                     "(a buffer made with torch.zeros(...) without dtype= is float32).",
                     name=name, got=value.dtype, want=torch.float64))
    array = value.detach().cpu().numpy()
    if not np.all(np.isfinite(array)):
        count = int(array.size - np.count_nonzero(np.isfinite(array)))
        fail(task, _("{name} contains {count} NaN or infinite values.", name=name, count=count))
    return array


def _matches(got: np.ndarray, want: Any) -> bool:
    if hasattr(want, "detach"):
        want = want.detach().numpy()
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=1e-7, atol=1e-9))


def _pair(task: str, result: Any, shape: str) -> Sequence:
    """The two items of a returned tuple (a list is fine too)."""
    if not isinstance(result, tuple | list) or len(result) != 2:
        fail(task, _("it should return a tuple {shape}.", shape=shape))
    return result


def _not_an_input(task: str, got: np.ndarray, name: str, inputs: dict[str, Any]) -> None:
    """Fail if ``got`` is just one of the inputs handed back."""
    for given, value in inputs.items():
        if _matches(got, value):
            fail(task, _("{name} equals the input {given}: the function hands back what it "
                         "received instead of computing a new value.", name=name, given=given))


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
    W_hn, b_hn = W_hh.chunk(3)[2], b_hh.chunk(3)[2]
    if mistake == "reset_after_bias":
        n = torch.tanh(xs["n"] + r * (h @ W_hn.T) + b_hn)
    if mistake == "reset_before":                       # Cho et al. 2014, d2l
        n = torch.tanh(xs["n"] + (r * h) @ W_hn.T + b_hn)
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
    "reset_before": lambda: _("you apply the reset gate before the matrix product, "
                              "W_hn (r * h) + b_hn, as Cho et al. (2014) and d2l do; this "
                              "task asks for PyTorch's reset-after form, r * (W_hn h + b_hn)."),
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


# Gradients: the same fixed loss through the learner's function and through PyTorch's.
def _flat(result: Any) -> list:
    """The tensors of a (possibly nested) result, in order."""
    if isinstance(result, tuple | list):
        return [t for item in result for t in _flat(item)]
    return [result]


def _reference_gradients(forward: Callable[..., Any], args: tuple, weights: Sequence,
                         probes: list) -> list:
    """Gradients of sum(probe * output) w.r.t. the inputs ``args`` and the ``weights``."""
    torch = _torch()
    leaves = [a.detach().clone().requires_grad_() for a in args]
    outputs = _flat(forward(*leaves))
    loss = sum((p * o).sum() for p, o in zip(probes, outputs, strict=True))
    return list(torch.autograd.grad(loss, [*leaves, *weights]))


def _in_place_message() -> str:
    return _("the values are right, but autograd cannot compute gradients through an in-place "
             "operation (such as sigmoid_, mul_ or +=) on a tensor it needs; use the "
             "out-of-place version.")


def _expect_gradients(task: str, fn: Callable[..., Any], args: tuple, names: Sequence[str],
                      want: list, probes: list) -> None:
    """Run ``fn`` on leaves that require grad and compare the gradients with ``want``.

    ``args`` are the inputs in the order of ``fn``'s signature, named ``names``; the
    loss is the sum of ``probe * output`` over all the tensors ``fn`` returns.
    """
    torch = _torch()
    leaves = [a.detach().clone().requires_grad_() for a in args]
    try:
        outputs = _flat(fn(*leaves))
    except Exception as error:
        if "inplace" in str(error):
            fail(task, _in_place_message())
        fail(task, _("the values are right, but on inputs that require gradients the "
                     "function raised {error}: {message}",
                     error=type(error).__name__, message=error))
    loss = sum((p * o).sum() for p, o in zip(probes, outputs, strict=False))
    if not loss.requires_grad:
        fail(task, _("the values are right, but autograd cannot compute gradients through "
                     "your function: something cuts the graph (torch.no_grad(), .detach(), "
                     ".data, .item() or a round trip through NumPy)."))
    try:
        got = torch.autograd.grad(loss, leaves, allow_unused=True)
    except RuntimeError as error:
        if "inplace" in str(error):
            fail(task, _in_place_message())
        fail(task, _("the values are right, but computing gradients through your function "
                     "raised {error}: {message}", error=type(error).__name__, message=error))
    for name, mine, theirs in zip(names, got, want, strict=True):
        mine = torch.zeros_like(theirs) if mine is None else mine
        good = np.isclose(mine.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-9)
        if good.all():
            continue
        if not mine.any():
            fail(task, _("the values are right, but no gradient reaches {name}: something "
                         "cuts the graph between {name} and the outputs (torch.no_grad(), "
                         ".detach(), .data, .item() or a round trip through NumPy).",
                         name=name))
        if good.ndim == 3 and good[:, -1].all():           # (N, T, D): right at the end only
            fail(task, _("the values are right, but the gradient with respect to {name} is "
                         "right only at the last step: it does not flow back through time. "
                         "Something cuts the graph between steps (.detach(), .data, "
                         "torch.no_grad(), .item() or a round trip through NumPy).",
                         name=name))
        fail(task, _("the values are right, but the gradient with respect to {name} differs "
                     "from PyTorch's in {count} of {total} entries: something cuts the graph "
                     "(.detach(), .data, torch.no_grad(), .item() or a round trip through "
                     "NumPy).", name=name, count=int((~good).sum()), total=good.size))


def _grad_mode_kept(task: str, fn: Callable[..., Any], args: tuple) -> Any:
    """``call(task, fn, *args)``, failing if ``fn`` leaves gradient tracking switched off."""
    torch = _torch()
    result = call(task, fn, *args)
    if not torch.is_grad_enabled():
        torch.set_grad_enabled(True)
        fail(task, _("the function switched gradient tracking off for everything that runs "
                     "after it (torch.set_grad_enabled(False)); the check switched it back on. "
                     "Remove that line."))
    return result


def check_lstm_cell(lstm_cell: Callable[..., tuple]) -> None:
    """Check ``lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh) -> (h_new, c_new)`` against nn.LSTM."""
    task = "lstm_cell"
    w = _weights(_layer("lstm"))
    x, h, c = _inputs(1, N, D), _inputs(2, N, H), _inputs(3, N, H)
    h_ref, c_ref = _lstm_step(x, h, c, w)
    result = _pair(task, _grad_mode_kept(task, lstm_cell, (x, h, c, *w)), "(h_new, c_new)")
    got_h = _expect_tensor(task, result[0], "h_new", (N, H))
    got_c = _expect_tensor(task, result[1], "c_new", (N, H))
    if not (_matches(got_h, h_ref) and _matches(got_c, c_ref)):
        _not_an_input(task, got_h, "h_new", {"h": h, "c": c})
        _not_an_input(task, got_c, "c_new", {"c": c, "h": h})
        _explain_lstm(task, got_h, got_c, (x, h, c, w))
    expect_close(task, got_c, c_ref.numpy(), "c_new", rtol=1e-7, atol=1e-9)
    expect_close(task, got_h, h_ref.numpy(), "h_new", rtol=1e-7, atol=1e-9)
    args, probes = (x, h, c, *w), [_inputs(11, N, H), _inputs(12, N, H)]
    want = _reference_gradients(lambda *a: _lstm_step(a[0], a[1], a[2], a[3:]), args, [],
                                probes)
    _expect_gradients(task, lstm_cell, args, ("x", "h", "c", *WEIGHT_NAMES), want, probes)
    passed(task)


def check_gru_cell(gru_cell: Callable[..., Any]) -> None:
    """Check ``gru_cell(x, h, W_ih, W_hh, b_ih, b_hh) -> h_new`` against nn.GRU."""
    task = "gru_cell"
    w = _weights(_layer("gru"))
    x, h = _inputs(4, N, D), _inputs(5, N, H)
    want = _gru_step(x, h, w)
    got = _expect_tensor(task, _grad_mode_kept(task, gru_cell, (x, h, *w)), "h_new", (N, H))
    if not _matches(got, want):
        _not_an_input(task, got, "h_new", {"h": h})
        order = _wrong_order(_gru_step, got, GRU_GATES, (x, h, w))
        if order:
            fail(task, _("your gates are in the order {order}; PyTorch stacks them r, z, n "
                         "(rows 0:H, H:2H, 2H:3H).", order=", ".join(order)))
        for mistake, hint in GRU_HINTS.items():
            if _matches(got, _gru_step(x, h, w, mistake=mistake)):
                fail(task, hint())
    expect_close(task, got, want.numpy(), "h_new", rtol=1e-7, atol=1e-9)
    args, probes = (x, h, *w), [_inputs(13, N, H)]
    grads = _reference_gradients(lambda *a: _gru_step(a[0], a[1], a[2:]), args, [], probes)
    _expect_gradients(task, gru_cell, args, ("x", "h", *WEIGHT_NAMES), grads, probes)
    passed(task)


# The loops: reference runs of the usual slips, to name the one a wrong answer matches.
def _loop(step: Callable[..., Any], xs: Any, state: tuple, *, carry: Sequence[bool],
          late: bool = False, first_input: bool = False) -> Any:
    """Outputs (N, T, H) of ``step`` run over ``xs``; ``state`` is (h0,) or (h0, c0)."""
    torch = _torch()
    current, outputs = state, []
    for t in range(xs.shape[1]):
        given = tuple(s if keep else s0 for s, s0, keep in zip(current, state, carry,
                                                                strict=True))
        new = step(xs[:, 0 if first_input else t], *given)
        new = new if isinstance(new, tuple) else (new,)
        outputs.append(current[0] if late else new[0])
        current = new
    return torch.stack(outputs, dim=1)


def _loop_hints(step: Callable[..., Any], xs: Any, state: tuple) -> list:
    """(outputs of a slip, its explanation) for the slips a loop commonly makes."""
    torch = _torch()
    both = (True,) * len(state)
    zeros = tuple(torch.zeros_like(s) for s in state)
    hints = [
        (_loop(step, xs, state, carry=both, late=True),
         lambda: _("the outputs are one step late: outputs[:, t] must hold the state after "
                   "reading xs[:, t], so store the state after calling the cell, not "
                   "before.")),
        (_loop(step, xs, state, carry=both, first_input=True),
         lambda: _("every step reads xs[:, 0]: step t must read xs[:, t].")),
        (_loop(step, xs, zeros, carry=both),
         lambda: _("the loop starts from zeros instead of the initial state it was given.")),
        (_loop(step, xs, state, carry=(False,) * len(state)),
         lambda: _("each step starts again from the initial state: pass the new state of "
                   "each step on to the next.")),
    ]
    if len(state) == 2:
        hints += [
            (_loop(step, xs, (state[0], zeros[1]), carry=both),
             lambda: _("the loop starts c from zeros instead of the c0 it was given.")),
            (_loop(step, xs, state, carry=(False, True)),
             lambda: _("h is not carried: each step starts again from h0. Pass the new h "
                       "of each step on to the next.")),
            (_loop(step, xs, state, carry=(True, False)),
             lambda: _("c is not carried: each step starts again from c0. Pass the new c "
                       "of each step on to the next.")),
        ]
    return hints


def _check_sequence(task: str, got: np.ndarray, want: np.ndarray,
                    hints: list) -> None:
    """Compare all outputs; name a slip only when the outputs match it."""
    good = np.isclose(got, want, rtol=1e-7, atol=1e-9).all(axis=(0, 2))
    if good.all():
        return
    for outputs, hint in hints:
        if _matches(got, outputs):
            fail(task, hint())
    first = int(np.argmin(good))
    if first > 0:
        fail(task, _("the outputs are right up to step {right} and wrong from step {wrong} "
                     "on.", right=first - 1, wrong=first))
    layer = task.split("_")[0].upper()
    fail(task, _("the outputs differ from nn.{layer}'s from step 0 on.", layer=layer))


def check_lstm_forward(lstm_forward: Callable[..., tuple]) -> None:
    """Check ``lstm_forward(xs, h0, c0, W_ih, W_hh, b_ih, b_hh) -> (outputs, (h_T, c_T))``."""
    torch = _torch()
    task = "lstm_forward"
    layer = _layer("lstm")
    w = _weights(layer)
    xs, h0, c0 = _inputs(6, N, T, D), _inputs(7, N, H), _inputs(8, N, H)
    with torch.no_grad():
        want, (h_want, c_want) = layer(xs, (h0[None], c0[None]))
    result = _pair(task, _grad_mode_kept(task, lstm_forward, (xs, h0, c0, *w)),
                   "(outputs, (h_T, c_T))")
    outputs = _expect_tensor(task, result[0], "outputs", (N, T, H))
    hints = _loop_hints(lambda x, h, c: _lstm_step(x, h, c, w), xs, (h0, c0))
    _check_sequence(task, outputs, want.numpy(), hints)
    final = result[1]
    if not isinstance(final, tuple | list) or len(final) != 2:
        fail(task, _("the second item should be the pair (h_T, c_T)."))
    h_T = _expect_tensor(task, final[0], "h_T", (N, H))
    c_T = _expect_tensor(task, final[1], "c_T", (N, H))
    if not (_matches(h_T, h_want[0]) and _matches(c_T, c_want[0])):
        _not_an_input(task, h_T, "h_T", {"h0": h0, "c0": c0})
        _not_an_input(task, c_T, "c_T", {"c0": c0, "h0": h0})
    expect_close(task, h_T, h_want[0].numpy(), "h_T")
    expect_close(task, c_T, c_want[0].numpy(), "c_T")
    args = (xs, h0, c0, *w)
    probes = [_inputs(14, N, T, H), _inputs(15, N, H), _inputs(16, N, H)]

    def reference(xs: Any, h0: Any, c0: Any) -> Any:
        return layer(xs, (h0[None], c0[None]))

    grads = _reference_gradients(reference, args[:3], list(layer.parameters()), probes)
    _expect_gradients(task, lstm_forward, args, ("xs", "h0", "c0", *WEIGHT_NAMES), grads,
                      probes)
    passed(task)


def check_gru_forward(gru_forward: Callable[..., tuple]) -> None:
    """Check ``gru_forward(xs, h0, W_ih, W_hh, b_ih, b_hh) -> (outputs, h_T)``."""
    torch = _torch()
    task = "gru_forward"
    layer = _layer("gru")
    w = _weights(layer)
    xs, h0 = _inputs(9, N, T, D), _inputs(10, N, H)
    with torch.no_grad():
        want, h_want = layer(xs, h0[None])
    result = _pair(task, _grad_mode_kept(task, gru_forward, (xs, h0, *w)), "(outputs, h_T)")
    outputs = _expect_tensor(task, result[0], "outputs", (N, T, H))
    hints = _loop_hints(lambda x, h: _gru_step(x, h, w), xs, (h0,))
    hints.append((_loop(lambda x, h: _gru_step(x, h, w, mistake="reset_before"), xs, (h0,),
                        carry=(True,)), GRU_HINTS["reset_before"]))
    _check_sequence(task, outputs, want.numpy(), hints)
    h_T = _expect_tensor(task, result[1], "h_T", (N, H))
    if not _matches(h_T, h_want[0]):
        _not_an_input(task, h_T, "h_T", {"h0": h0})
    expect_close(task, h_T, h_want[0].numpy(), "h_T")
    args = (xs, h0, *w)
    probes = [_inputs(17, N, T, H), _inputs(18, N, H)]

    def reference(xs: Any, h0: Any) -> Any:
        return layer(xs, h0[None])

    grads = _reference_gradients(reference, args[:2], list(layer.parameters()), probes)
    _expect_gradients(task, gru_forward, args, ("xs", "h0", *WEIGHT_NAMES), grads, probes)
    passed(task)
