"""Checks for lab 07: streams, the truncated-BPTT loop, nucleus filtering and sampling.

``make_streams`` runs on corpora of distinct ids, so every id it returns says where in
the text it came from, and the check names the layout it recognises (rows that
interleave the text, the tail dropped at the wrong end, targets not shifted).

``train_tbptt`` trains a recording model (an ``nn.LSTM``, then an ``nn.GRU``, in float64)
that keeps every chunk it reads, the state it receives and returns, and its logits. The
check compares them with the protocol (the chunks in order, the state reset at each
epoch, carried and detached between chunks), the returned losses with the recorded
logits, and the weights after the run with those of a reference loop run from the same
start; when they differ, it reruns the loop with the usual mistakes (no ``zero_grad``,
no clipping, clipping by value or per parameter) to name one. A loop that forgets
``detach`` fails inside PyTorch ("Trying to backward through the graph a second time"):
the check explains that error. The last case trains on a tiny repeated pattern and asks
the loss to fall.

``top_p_filter`` is judged by what every correct answer shares, whatever its
tie-breaking: the smallest count of kept tokens, the most likely ones, a kept mass that
reaches p, probabilities renormalised. ``sample_top_p`` is judged by its draws, with lab
06's exact binomial ranges.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

import numpy as np

from ..i18n import _
from ..sampling import probabilities, top_p_probabilities
from .core import call, fail, passed
from .lab06 import (
    DRAWS,
    _draws,
    _expect_distribution,
    _guarded,
    _Raised,
    _raised_message,
    _stable,
    _uses_rng,
)


def _torch() -> Any:
    import torch

    return torch


# Task 1: the streams.
STREAM_CASES = ((25, 3), (30, 4), (24, 4), (13, 4), (12, 3), (17, 1), (2, 1))


def _corpus(n: int, seed: int) -> Any:
    """``n`` distinct ids in a shuffled order (1-D LongTensor)."""
    torch = _torch()
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed)) + 3


def check_make_streams(make_streams: Callable[..., Any]) -> None:
    """Check ``make_streams(ids, batch_size) -> (inputs, targets)``, each (B, L)."""
    task = "make_streams"
    for seed, (n, batch_size) in enumerate(STREAM_CASES, 70):
        ids = _corpus(n, seed)
        result = call(task, _guarded(make_streams), ids, batch_size)
        if isinstance(result, _Raised):
            where = _("with len(ids) = {n} and batch_size = {B}", n=n, B=batch_size)
            if n % batch_size == 0:      # here len(ids) // B is one more than L
                fail(task, _("{where}, {problem}. Mind that L = (len(ids) - 1) // B, not "
                             "len(ids) // B: the targets, shifted by one, must fit too.",
                             where=where, problem=_raised_message(result)))
            fail(task, _("{where}, {problem}", where=where, problem=_raised_message(result)))
        _expect_streams(task, result, ids, batch_size)
    passed(task)


def _positions(task: str, value: Any, name: str, ids: Any, batch_size: int) -> np.ndarray:
    """Where in ``ids`` each entry of ``value`` comes from, after type, dtype and shape."""
    torch = _torch()
    n = len(ids)
    L = (n - 1) // batch_size
    where = _("with len(ids) = {n} and batch_size = {B}", n=n, B=batch_size)
    if not isinstance(value, torch.Tensor):
        fail(task, _("{name} should be a torch tensor, but it is {type}.", name=name,
                     type=type(value).__name__))
    if value.dtype != torch.long:
        fail(task, _("{name} has dtype {got}: keep the dtype of the ids, torch.long (int64); "
                     "nn.Embedding and cross_entropy take integer ids.", name=name,
                     got=value.dtype))
    if tuple(value.shape) != (batch_size, L):
        fail(task, _("{where}, {name} has shape {got}, expected (B, L) = {want}: one row per "
                     "stream, L = (len(ids) - 1) // B, since the last target needs one id "
                     "after the last input.", where=where, name=name,
                     got=tuple(value.shape), want=(batch_size, L)))
    index = {v: i for i, v in enumerate(ids.tolist())}
    positions = np.array([[index.get(v, -1) for v in row] for row in value.tolist()],
                         dtype=np.int64).reshape(batch_size, L)
    if (positions < 0).any():
        fail(task, _("{where}, {name} holds values that are not ids of the text.",
                     where=where, name=name))
    return positions


def _expect_streams(task: str, result: Any, ids: Any, batch_size: int) -> None:
    if not isinstance(result, tuple | list) or len(result) != 2:
        fail(task, _("it should return a pair (inputs, targets)."))
    n = len(ids)
    L = (n - 1) // batch_size
    where = _("with len(ids) = {n} and batch_size = {B}", n=n, B=batch_size)
    rows = np.arange(batch_size)[:, None]
    columns = np.arange(L)[None, :]
    right = rows * L + columns
    got = _positions(task, result[0], "inputs", ids, batch_size)
    if not np.array_equal(got, right):
        if batch_size > 1 and np.array_equal(got, columns * batch_size + rows):
            fail(task, _("{where}, the rows interleave the text (ids[0], ids[B], ids[2B], "
                         "... in row 0), as ids.view(L, B).T does: row b must hold one "
                         "consecutive piece of the text, ids[b*L:(b+1)*L], so that the "
                         "state carried along a row reads the text in order.", where=where))
        if np.array_equal(got - got[0, 0], right) and got[0, 0] > 0:
            fail(task, _("{where}, the ids that do not fit were dropped at the start of the "
                         "text: row 0 starts with ids[0], and the tail that does not fit is "
                         "dropped at the end.", where=where))
        fail(task, _("{where}, row b of inputs should be ids[b*L:(b+1)*L], consecutive "
                     "ids of the text, with L = (len(ids) - 1) // B.", where=where))
    shifted = _positions(task, result[1], "targets", ids, batch_size)
    if np.array_equal(shifted, right + 1):
        return
    if np.array_equal(shifted, right):
        fail(task, _("{where}, targets equal inputs: targets[b, j] is the id that follows "
                     "inputs[b, j] in the text, ids[b*L + j + 1].", where=where))
    if L > 1 and np.array_equal(shifted[:, 1:], right[:, 1:] - 1):
        fail(task, _("{where}, targets are shifted the wrong way: targets[b, j] is the id "
                     "that follows inputs[b, j], ids[b*L + j + 1], not the one before it.",
                     where=where))
    if np.array_equal(shifted[:, :-1], right[:, :-1] + 1):
        fail(task, _("{where}, the last target of row b should be ids[(b+1)*L], the id "
                     "after the row's last input, taken from the text, not from the row "
                     "itself.", where=where))
    fail(task, _("{where}, targets[b, j] should be ids[b*L + j + 1], the id that follows "
                 "inputs[b, j] in the text.", where=where))


# Task 2: the truncated-BPTT loop, run on a recording model.
@dataclass(frozen=True)
class Case:
    """One run of ``train_tbptt``: the model, the data, the optimiser and the loop."""

    cell: str
    V: int
    E: int
    H: int
    B: int
    L: int
    k: int
    epochs: int
    optimizer: str
    lr: float
    clip: float
    seed: int
    pattern: str = ""

    @property
    def chunks(self) -> int:
        """Chunks per epoch."""
        return self.L // self.k

    def data(self) -> tuple[Any, Any]:
        """(inputs, targets), each (B, L): random ids, or the pattern repeated."""
        torch = _torch()
        n = self.B * self.L + 1
        if self.pattern:
            chars = sorted(set(self.pattern))
            text = (self.pattern * (n // len(self.pattern) + 1))[:n]
            ids = torch.tensor([chars.index(c) for c in text])
        else:
            ids = torch.randint(self.V, (n,), generator=torch.Generator().manual_seed(
                self.seed))
        return ids[:-1].view(self.B, self.L), ids[1:].view(self.B, self.L)

    def model(self) -> Any:
        """A fresh recording model, the same weights every time."""
        torch = _torch()
        with torch.random.fork_rng():
            torch.manual_seed(self.seed)
            return _recorder()(self.cell, self.V, self.E, self.H).double()

    def make_optimizer(self, model: Any) -> Any:
        torch = _torch()
        kind = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[self.optimizer]
        return kind(model.parameters(), lr=self.lr)


# Clipping matters in the first case: every gradient norm is above 0.05 (tested).
TBPTT_CASES = (
    Case("lstm", V=7, E=5, H=6, B=3, L=16, k=4, epochs=2, optimizer="sgd", lr=0.5,
         clip=0.05, seed=71),
    Case("gru", V=6, E=4, H=5, B=2, L=15, k=5, epochs=3, optimizer="adam", lr=0.03,
         clip=0.5, seed=72),
)
# The loss must fall: 4 epochs of 6 chunks, 24 steps.
PATTERN_CASE = Case("lstm", V=6, E=8, H=16, B=2, L=48, k=8, epochs=4, optimizer="adam",
                    lr=0.05, clip=1.0, seed=73, pattern="abcabdabcaef")


def _tensors(state: Any) -> list[Any] | None:
    """The tensors of a state (None, a tensor, or a tuple or list of tensors)."""
    torch = _torch()
    if state is None:
        return None
    if isinstance(state, torch.Tensor):
        return [state]
    if isinstance(state, tuple | list):
        return [s for s in state if isinstance(s, torch.Tensor)]
    return []


def _snapshot(state: Any) -> list[Any] | None:
    tensors = _tensors(state)
    return None if tensors is None else [t.detach().clone() for t in tensors]


@cache
def _recorder() -> type:
    """The class of the recording model: Embedding -> LSTM or GRU -> Linear."""
    torch = _torch()
    nn = torch.nn

    class Recorder(nn.Module):
        """``model(x, state) -> (logits, new_state)``, keeping a record of every call."""

        def __init__(self, cell: str, V: int, E: int, H: int) -> None:
            super().__init__()
            self.embed = nn.Embedding(V, E)
            self.rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(E, H, batch_first=True)
            self.out = nn.Linear(H, V)
            self.calls: list[dict[str, Any]] = []

        def forward(self, x: Any, state: Any = None) -> tuple[Any, Any]:
            record = {"x": x.detach().clone() if isinstance(x, torch.Tensor) else x,
                      "state": _snapshot(state),
                      "grad": [t.requires_grad for t in _tensors(state) or []]}
            self.calls.append(record)
            output, new_state = self.rnn(self.embed(x), state)
            logits = self.out(output)
            record["logits"] = logits.detach().clone()
            record["returned"] = _snapshot(new_state)
            return logits, new_state

    return Recorder


def _detached(state: Any) -> Any:
    if isinstance(state, tuple | list):
        return tuple(s.detach() for s in state)
    return state.detach()


def reference_run(case: Case, variant: str = "right") -> tuple[Any, list[float], list[float]]:
    """The loop as the lab asks, or a known mistake: ``"piled"`` (no zero_grad),
    ``"unclipped"``, ``"value"`` (clip_grad_value_), ``"each"`` (per-parameter norms).

    Returns the trained model, the chunk losses and the gradient norms before clipping.
    """
    torch = _torch()
    clip_norm = torch.nn.utils.clip_grad_norm_
    model = case.model()
    optimizer = case.make_optimizer(model)
    inputs, targets = case.data()
    losses, norms = [], []
    for _epoch in range(case.epochs):
        state = None
        for s in range(0, case.L, case.k):
            logits, state = model(inputs[:, s:s + case.k], state)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, case.V),
                                                     targets[:, s:s + case.k].reshape(-1))
            if variant != "piled":
                optimizer.zero_grad()
            loss.backward()
            norms.append(float(torch.cat([p.grad.flatten() for p in model.parameters()])
                               .norm()))
            if variant in ("right", "piled"):
                clip_norm(model.parameters(), case.clip)
            elif variant == "value":
                torch.nn.utils.clip_grad_value_(model.parameters(), case.clip)
            elif variant == "each":
                for p in model.parameters():
                    clip_norm(p, case.clip)
            optimizer.step()
            state = _detached(state)
            losses.append(loss.item())
    return model, losses, norms


def check_train_tbptt(train_tbptt: Callable[..., Any]) -> None:
    """Check ``train_tbptt(model, inputs, targets, k, epochs, optimizer, clip) -> losses``.

    The check runs it with L divisible by k, on an LSTM (state (h, c)) and a GRU (one
    state tensor), then on a tiny repeated pattern whose loss must fall.
    """
    torch = _torch()
    task = "train_tbptt"
    with torch.random.fork_rng():
        for case in TBPTT_CASES:
            _check_case(task, train_tbptt, case)
        losses = _check_case(task, train_tbptt, PATTERN_CASE)
    n = PATTERN_CASE.chunks
    first, last = float(np.mean(losses[:n])), float(np.mean(losses[-n:]))
    if not last < first / 2:
        fail(task, _("on a tiny text (a short pattern repeated), the mean loss of the last "
                     "epoch should be below half that of the first after {steps} steps; "
                     "yours went from {first:.2f} to {last:.2f}.",
                     steps=n * PATTERN_CASE.epochs, first=first, last=last))
    passed(task)


def _check_case(task: str, train_tbptt: Callable[..., Any], case: Case) -> list[float]:
    torch = _torch()
    inputs, targets = case.data()
    given = (inputs.clone(), targets.clone())
    model = case.model()
    before = [p.detach().clone() for p in model.parameters()]
    result = call(task, _guarded(train_tbptt), model, *given, case.k, case.epochs,
                  case.make_optimizer(model), case.clip, copy_args=False)
    if not (torch.equal(given[0], inputs) and torch.equal(given[1], targets)):
        fail(task, _("the function changed one of its inputs; work on a copy instead."))
    raised = isinstance(result, _Raised)
    _expect_chunks(task, model.calls, inputs, targets, case, finished=not raised)
    if raised:
        _explain(task, result, model.calls, case)
    _expect_states(task, model.calls, case)
    losses = _losses(task, result, case)
    _expect_losses(task, losses, model.calls, inputs, targets, case)
    _expect_weights(task, model, before, losses, case)
    return losses


def _start(x: Any, inputs: Any, k: int, expected: int = 0) -> int | None:
    """The s for which x equals inputs[:, s:s + k] (``expected`` first, as a repeated
    pattern has several), or None."""
    torch = _torch()
    for s in (expected, *range(inputs.shape[1] - k + 1)):
        if x.dtype == inputs.dtype and torch.equal(x, inputs[:, s:s + k]):
            return s
    return None


def _expect_chunks(task: str, calls: list[dict], inputs: Any, targets: Any, case: Case,
                   finished: bool) -> None:
    """The chunks inputs[:, s:s + k], s = 0, k, 2k, ..., in order, once per epoch."""
    torch = _torch()
    k, L = case.k, case.L
    expected = [s for _epoch in range(case.epochs) for s in range(0, L, k)]
    starts: list[int] = []
    for i, record in enumerate(calls):
        x = record["x"]
        if not isinstance(x, torch.Tensor) or tuple(x.shape) != (case.B, k):
            _expect_order(task, starts, expected, case, complete=False)
            fail(task, _("call {i} of the model received x of shape {got}; each chunk is "
                         "inputs[:, s:s + k], of shape (B, k) = {want}.", i=i + 1,
                         got=tuple(x.shape) if hasattr(x, "shape") else type(x).__name__,
                         want=(case.B, k)))
        s = _start(x, inputs, k, expected[i] if i < len(expected) else 0)
        if s is None:
            if _start(x, targets, k) is not None:
                fail(task, _("the model read a chunk of targets: it reads inputs[:, s:s + k] "
                             "and its logits are compared with targets[:, s:s + k]."))
            fail(task, _("call {i} of the model received a chunk that is not a piece "
                         "inputs[:, s:s + k] of the inputs.", i=i + 1))
        starts.append(s)
    _expect_order(task, starts, expected, case, complete=finished)


def _expect_order(task: str, starts: list[int], expected: list[int], case: Case,
                  complete: bool) -> None:
    if starts == expected or (not complete and starts == expected[: len(starts)]):
        return
    k, L = case.k, case.L
    if not starts and complete:
        fail(task, _("the model was never called: feed it each chunk, "
                     "model(inputs[:, s:s + k], state)."))
    steps = [b - a for a, b in pairwise(starts)]
    if 0 in steps:
        fail(task, _("the model read the same chunk twice in a row: call it once per chunk, "
                     "and keep both its logits and its new state from that one call."))
    if starts and starts[0] == L - k and steps and steps[0] < 0:
        fail(task, _("the chunks were read from the end of the rows backwards: read them in "
                     "order, s = 0, k, 2k, ..., so that the carried state has read the text "
                     "that comes just before each chunk."))
    if steps and 0 < steps[0] < k:
        fail(task, _("consecutive chunks overlap (the second starts at s = {s}): step s by "
                     "k, s = 0, k, 2k, ..., so that each step of the text is read once per "
                     "epoch.", s=starts[1]))
    if steps and steps[0] > k:
        fail(task, _("chunks were skipped (the second starts at s = {s}): step s by k, "
                     "s = 0, k, 2k, ....", s=starts[1]))
    missing = sorted(set(range(0, L, k)) - set(starts))
    if complete and missing:
        fail(task, _("the chunk at s = {s} was never read: read every chunk, s = 0, k, ..., "
                     "L - k (range(0, L, k)), in every epoch.", s=missing[0]))
    if len(starts) < len(expected) and starts == expected[: len(starts)]:
        fail(task, _("the model read {got} chunks; with L = {L}, k = {k} and {epochs} "
                     "epochs it should read {want}: every chunk, s = 0, k, ..., L - k, in "
                     "every epoch.", got=len(starts), L=L, k=k, epochs=case.epochs,
                     want=len(expected)))
    if len(starts) > len(expected) and starts[: len(expected)] == expected:
        fail(task, _("the model read {got} chunks; with L = {L}, k = {k} and {epochs} "
                     "epochs it should read {want}: run exactly as many epochs as the argument "
                     "epochs says.",
                     got=len(starts), L=L, k=k, epochs=case.epochs, want=len(expected)))
    fail(task, _("the chunks should be inputs[:, s:s + k] for s = 0, k, 2k, ..., L - k in "
                 "this order, each once per epoch."))


def _explain(task: str, raised: _Raised, calls: list[dict], case: Case) -> None:
    """Say what the error of a learner's loop most likely means."""
    error, text = raised.error, str(raised.error)
    grads = calls[-1]["grad"] if calls else []
    if isinstance(error, RuntimeError) and any(grads):
        if not all(grads):
            fail(task, _("PyTorch says: {error}. Part of the LSTM's state (h, c) was "
                         "detached and part was not: detach both tensors, "
                         "tuple(s.detach() for s in state), so that no gradient goes back "
                         "into the previous chunk, whose graph backward() has already "
                         "freed.", error=_first_sentence(text)))
        if "backward through the graph a second time" in text:
            fail(task, _("PyTorch says: \"Trying to backward through the graph a second "
                         "time\". The state carried into this chunk still holds the graph of "
                         "the previous chunk, which backward() has already freed: detach the "
                         "state between chunks (state.detach(), or each tensor of an LSTM's "
                         "(h, c)). retain_graph=True is not the fix: the graph, its memory "
                         "and the time of each backward() would grow with every chunk."))
        fail(task, _("PyTorch says: {error}. The state passed to this chunk still requires "
                     "grad: it holds the graph of the previous chunks, so backward() went "
                     "back into them, and optimizer.step() has changed the weights they were "
                     "computed with. "
                     "Detach the state between chunks; retain_graph=True is not the fix: the "
                     "graph, its memory and the time of each backward() would grow with "
                     "every chunk.", error=_first_sentence(text)))
    if isinstance(error, AttributeError) and "tuple" in text and "detach" in text:
        fail(task, _("an LSTM's state is a tuple (h, c), which has no .detach(): detach each "
                     "tensor, tuple(s.detach() for s in state); a GRU's state is one tensor."))
    if case.cell == "gru":
        fail(task, _("with an nn.GRU, whose state is one tensor (an LSTM's is a pair "
                     "(h, c)), {problem}", problem=_raised_message(raised)))
    fail(task, _raised_message(raised))


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].split("\n")[0].rstrip(".")


def _same(a: list[Any] | None, b: list[Any] | None) -> bool:
    torch = _torch()
    if a is None or b is None:
        return a is b
    return len(a) == len(b) and all(x.shape == y.shape and torch.equal(x, y)
                                    for x, y in zip(a, b, strict=True))


def _zeros(state: list[Any] | None) -> bool:
    return state is None or all(not t.any() for t in state)


def _expect_states(task: str, calls: list[dict], case: Case) -> None:
    """Reset at each epoch's start, carried and detached between chunks."""
    for i, record in enumerate(calls):
        j = i % case.chunks
        if j == 0:
            if _zeros(record["state"]):
                continue
            if i > 0 and _same(record["state"], calls[i - 1]["returned"]):
                fail(task, _("epoch {epoch} started from the state where the previous epoch "
                             "ended: reset it to None at the start of every epoch, since the "
                             "end of row b is not followed by the start of row b in the "
                             "text.", epoch=i // case.chunks + 1))
            fail(task, _("the first chunk of each epoch should start from the state None "
                         "(or zeros)."))
        if any(record["grad"]):
            fail(task, _("the state passed to chunk {j} still requires grad: it holds the "
                         "graph of the previous chunk, so gradients would flow past the "
                         "truncation. Detach it between chunks (retain_graph=True is not "
                         "the fix: the graph, its memory and the time of each backward() "
                         "grow with every chunk).", j=j + 1))
        if _same(record["state"], calls[i - 1]["returned"]):
            continue
        if _zeros(record["state"]):
            fail(task, _("chunk {j} of an epoch started from None or zeros: the state must "
                         "be carried from chunk to chunk (detached), and reset only at the "
                         "start of an epoch.", j=j + 1))
        fail(task, _("chunk {j} of an epoch did not receive the state that the model "
                     "returned for the chunk before it: carry the new state (detached) from "
                     "each chunk to the next.", j=j + 1))


def _losses(task: str, result: Any, case: Case) -> list[float]:
    """The returned losses as floats, after type, length and NaN."""
    torch = _torch()
    if isinstance(result, torch.Tensor | np.ndarray):
        fail(task, _("return a list of Python floats, one loss per chunk (loss.item()), "
                     "not {type}.", type=type(result).__name__))
    if not isinstance(result, list | tuple):
        fail(task, _("it should return the list of the chunk losses, not {type}.",
                     type=type(result).__name__))
    want = case.epochs * case.chunks
    if len(result) != want:
        fail(task, _("it returned {got} losses; it should return one per chunk, epochs * "
                     "(L // k) = {want}.", got=len(result), want=want))
    for item in result:
        if isinstance(item, torch.Tensor):
            fail(task, _("the losses are tensors: return each as a Python float, "
                         "loss.item() (a tensor would also keep its chunk's graph alive)."))
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            fail(task, _("the losses should be Python floats, not {type}.",
                         type=type(item).__name__))
        if not math.isfinite(float(item)):
            fail(task, _("a returned loss is {value}, not a finite number.", value=item))
    return [float(item) for item in result]


def _expect_losses(task: str, losses: list[float], calls: list[dict], inputs: Any,
                   targets: Any, case: Case) -> None:
    """Loss i is the mean cross-entropy of call i's logits against its targets."""
    torch = _torch()
    cross_entropy = torch.nn.functional.cross_entropy
    k = case.k
    for i, (got, record) in enumerate(zip(losses, calls, strict=False)):
        s = (i % case.chunks) * k
        logits = record["logits"].reshape(-1, case.V)
        want = cross_entropy(logits, targets[:, s:s + k].reshape(-1)).item()
        if math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-10):
            continue
        for factor in (case.B * k, k, case.B):
            if math.isclose(got, want * factor, rel_tol=1e-7):
                fail(task, _("the loss is summed, not averaged: use the mean cross-entropy "
                             "over all B * k targets of the chunk (the default of "
                             "F.cross_entropy)."))
        on_inputs = cross_entropy(logits, inputs[:, s:s + k].reshape(-1)).item()
        if math.isclose(got, on_inputs, rel_tol=1e-7):
            fail(task, _("the loss compares the logits with the inputs: compare them with "
                         "targets[:, s:s + k], the ids that follow."))
        fail(task, _("loss {i} is not the mean cross-entropy of the chunk's logits "
                     "(reshaped to (B * k, V)) against targets[:, s:s + k], computed before "
                     "the update.", i=i + 1))


MISTAKES = ("piled", "unclipped", "value", "each")


def _same_weights(a: Any, b: Any) -> bool:
    torch = _torch()
    # Loose enough for clipping by hand (torch divides by the norm + 1e-6), far tighter
    # than any recognised mistake, which moves some weight by 5% or more.
    return all(torch.allclose(x, y, rtol=1e-4, atol=1e-6)
               for x, y in zip(a.parameters(), b.parameters(), strict=True))


def _expect_weights(task: str, model: Any, before: list[Any], losses: list[float],
                    case: Case) -> None:
    """The weights after the run are those of the reference loop."""
    torch = _torch()
    reference, want, _norms = reference_run(case)
    if _same_weights(model, reference):
        if not np.allclose(losses, want, rtol=1e-4, atol=1e-6):
            fail(task, _("the returned losses are not those of the chunks, in order."))
        return
    if all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True)):
        fail(task, _("the weights did not change: for each chunk, zero the gradients, call "
                     "loss.backward(), clip, then optimizer.step(), with the gradients still "
                     "there when step() runs."))
    messages = {
        "piled": lambda: _("the gradients pile up from chunk to chunk: call "
                           "optimizer.zero_grad() once per chunk, before loss.backward() "
                           "(or after optimizer.step())."),
        "unclipped": lambda: _("the gradients were not clipped, or were clipped before "
                               "loss.backward() (when there is nothing to clip yet): call "
                               "torch.nn.utils.clip_grad_norm_(model.parameters(), clip) "
                               "between loss.backward() and optimizer.step()."),
        "value": lambda: _("each gradient entry was clipped to [-clip, clip]: clip the "
                           "global norm instead, torch.nn.utils.clip_grad_norm_(model."
                           "parameters(), clip), which keeps the gradient's direction."),
        "each": lambda: _("the norm of each parameter was clipped on its own: clip the norm "
                          "of all the gradients together, "
                          "clip_grad_norm_(model.parameters(), clip)."),
    }
    for mistake in MISTAKES:
        if _same_weights(model, reference_run(case, mistake)[0]):
            fail(task, messages[mistake]())
    fail(task, _("after the run, the weights differ from those of the loop described: for "
                 "each chunk, zero_grad(), the loss, loss.backward(), "
                 "clip_grad_norm_(model.parameters(), clip), optimizer.step(), in this "
                 "order, once."))


# Task 3: the nucleus.
P_DYADIC = np.array([0.0625, 0.25, 0.03125, 0.5, 0.125, 0.03125])   # exact in binary
P_TIES = np.array([0.1, 0.3, 0.15, 0.15, 0.15, 0.15])
P_SOFT = probabilities(np.array([0.3, 2.1, -1.0, 1.4, 0.0, -0.5, 2.6, 0.9, -2.0, 1.1]))
# Ten tokens of 0.1 and one of 0: the running sum ends at 0.9999999999999999 < 1.
P_TENTHS = np.array([0.1] * 5 + [0.0] + [0.1] * 5)
# The running sum reaches 1.0 before the two tiny tokens, which do not change it.
P_TINY = np.array([0.25, 3e-18, 0.5, 0.0, 1e-20, 0.25])
FILTER_CASES = (
    (P_DYADIC, 0.3), (P_DYADIC, 0.75), (P_DYADIC, 0.8), (P_SOFT, 0.85), (P_SOFT, 0.55),
    (P_TIES, 0.5), (P_DYADIC, 0.96875), (P_TENTHS, 0.35),
    (P_SOFT.astype(np.float32), 0.85), (P_TINY, 0.6), (P_DYADIC, 1.0), (P_TENTHS, 1.0),
    (P_TINY, 1.0),
)


def _filtered(task: str, top_p_filter: Callable[..., Any], probs: np.ndarray,
              p: float) -> Any:
    """The learner's answer; the input must be left alone and not be returned."""
    given = probs.copy()
    result = call(task, _guarded(top_p_filter), given, p, copy_args=False)
    if not np.array_equal(given, probs):
        fail(task, _("the function changed one of its inputs; work on a copy instead."))
    if isinstance(result, _Raised):
        if p == 1 and isinstance(result.error, IndexError):
            fail(task, _("with p = 1, {problem}. In floats, ten probabilities of 0.1 add up "
                         "to 0.9999999999999999, so the running sum may never reach p and "
                         "np.searchsorted returns V, one past the last index: clip the count "
                         "to V, or keep every token when p = 1.",
                         problem=_raised_message(result)))
        fail(task, _("with p = {p}, {problem}", p=p, problem=_raised_message(result)))
    if result is given:
        fail(task, _("it returned the input array itself: return a new array "
                     "(np.zeros_like(probs), probs.copy(), ...)."))
    return result


def check_top_p_filter(top_p_filter: Callable[..., Any]) -> None:
    """Check ``top_p_filter(probs, p) -> filtered`` (V,), renormalised."""
    task = "top_p_filter"
    for probs, p in FILTER_CASES:
        _expect_nucleus(task, _filtered(task, top_p_filter, probs, p), probs, p)
    passed(task)


def _expect_nucleus(task: str, out: Any, probs: np.ndarray, p: float) -> None:
    where = _("with p = {p} and V = {V}", p=p, V=len(probs))
    if not isinstance(out, np.ndarray):
        fail(task, _("it should return a NumPy array, but it returned {type}.",
                     type=type(out).__name__))
    if out.shape != probs.shape:
        fail(task, _("the result has shape {got}, expected {want}: one probability per "
                     "token.", got=out.shape, want=probs.shape))
    if out.dtype.kind != "f":
        fail(task, _("the result has dtype {got}: return the filtered probabilities, floats, "
                     "not a mask or indices.", got=out.dtype))
    if not np.all(np.isfinite(out)):
        fail(task, _("{where}, the result holds NaN or infinite values.", where=where))
    if (out < 0).any():
        fail(task, _("{where}, the result holds negative values.", where=where))
    x = probs.astype(np.float64)
    y = out.astype(np.float64)
    tol = 1e-6 if np.float32 in (probs.dtype, out.dtype) else 1e-9
    kept = y > 0
    if not kept.any():
        fail(task, _("{where}, every token got 0: keep at least the most likely one.",
                     where=where))
    if not math.isclose(y.sum(), 1.0, abs_tol=tol):
        if np.allclose(y[kept], x[kept], rtol=tol, atol=0):
            fail(task, _("{where}, the kept probabilities add up to {total:.2f}, not 1: "
                         "divide them by their sum (renormalise).", where=where,
                         total=y.sum()))
        fail(task, _("{where}, the result adds up to {total:.2f}, not 1.", where=where,
                     total=y.sum()))
    if not np.allclose(y[kept], x[kept] / x[kept].sum(), rtol=tol * 10, atol=0):
        softmax = np.exp(x - x.max())
        if np.allclose(y[kept], softmax[kept] / softmax[kept].sum(), rtol=tol * 10, atol=0):
            fail(task, _("{where}, the result went through a softmax: probs are already "
                         "probabilities; keep them as they are, divided by the sum of the "
                         "kept ones.", where=where))
        fail(task, _("{where}, the kept tokens should keep their probabilities, divided by "
                     "the sum of the kept ones.", where=where))
    dropped = ~kept & (x > 0)
    if dropped.any() and x[dropped].max() > x[kept].min():
        fail(task, _("{where}, a token was dropped while a less likely one was kept: keep the "
                     "most likely tokens (sort the probabilities in descending order).",
                     where=where))
    if x[kept].sum() < p * x.sum() - tol:
        fail(task, _("{where}, the kept tokens' mass is below p: keep the token at which the "
                     "running sum reaches p too (the kept mass must be >= p).", where=where))
    _expect_smallest(task, kept, x, p, where)


def _expect_smallest(task: str, kept: np.ndarray, x: np.ndarray, p: float, where: str
                     ) -> None:
    need = int(np.count_nonzero(top_p_probabilities(x, p)))
    got = int(kept.sum())
    if got < need and p >= 1:
        fail(task, _("{where}, some tokens of non-zero probability were dropped: p = 1 keeps "
                     "every one of them. In floats, tokens too small to change the running "
                     "sum (0.5 + 0.5 + 1e-20 is 1.0) come after the point where it reaches "
                     "1: keep every token when p = 1.", where=where))
    if got <= need:
        return
    ordered = np.sort(x)[::-1]
    running = np.cumsum(ordered)
    if p < 1 and got == need + 1 and running[need - 1] == p:
        fail(task, _("{where}, it kept one token too many: the running sum reaches p exactly, "
                     "and a set whose mass equals p already reaches it. Compare with >= p "
                     "(np.searchsorted(..., side='left')), not > p.", where=where))
    if x[kept].min() == ordered[need - 1]:
        fail(task, _("{where}, tokens tied with the last one needed were all kept: keep only "
                     "as many as the smallest set reaching p needs (any of the tied ones).",
                     where=where))
    fail(task, _("{where}, it kept {got} tokens, but fewer of the most likely tokens already "
                 "reach p: keep the smallest such set, stopping at the first token where the "
                 "running sum reaches p.", where=where, got=got))


# Task 4: sampling from the nucleus.
LOGITS_P = np.array([0.8, -1.2, 2.0, 0.1, 1.5, -0.3, 0.5, -2.2])
SAMPLE_CASES = ((LOGITS_P, 0.9, 1.0), (LOGITS_P, 0.6, 0.5), (LOGITS_P, 0.75, 2.0),
                (LOGITS_P, 1.0, 1.0), (LOGITS_P.astype(np.float32), 0.9, 1.5))


def nucleus(z: np.ndarray, p: float, temperature: float) -> np.ndarray:
    """The distribution sample_top_p draws from: softmax(z / temperature), then top-p."""
    return top_p_probabilities(probabilities(z, temperature), p)


def _top_p_suspects(z: np.ndarray, p: float, temperature: float) -> dict:
    right = nucleus(z, p, temperature)
    kept_at_1 = top_p_probabilities(probabilities(z), p) > 0
    order = np.argsort(-right, kind="stable")
    return {
        "times": (nucleus(z * temperature, p, 1.0),
                  lambda: _("the draws follow softmax(z * temperature): divide the logits "
                            "by the temperature instead.")),
        "ignored": (nucleus(z, p, 1.0),
                    lambda: _("the draws follow softmax(z), whatever the temperature: "
                              "divide the logits by the temperature before the softmax.")),
        "unfiltered": (probabilities(z, temperature),
                       lambda: _("tokens outside the nucleus were drawn: draw from "
                                 "top_p_filter(probabilities, p), not from the "
                                 "probabilities themselves.")),
        "filter first": (probabilities(np.where(kept_at_1, z, -np.inf), temperature),
                         lambda: _("the nucleus was chosen before the temperature was "
                                   "applied: compute softmax(logits / temperature) first, "
                                   "then filter it.")),
        "uniform": ((right > 0) / np.count_nonzero(right),
                    lambda: _("every kept token is drawn about equally often: draw with the "
                              "filtered probabilities (rng.choice(V, p=filtered)).")),
        "rank": (right[order],
                 lambda: _("it returns ranks (positions in sorted order), not the tokens' "
                           "own indices in the vocabulary: map the position back.")),
    }


def check_sample_top_p(sample_top_p: Callable[..., Any]) -> None:
    """Check ``sample_top_p(logits, p, temperature, rng) -> int``."""
    task = "sample_top_p"
    _uses_rng(task, sample_top_p, (LOGITS_P, 0.9, 1.0))
    for seed, (z, p, temperature) in enumerate(SAMPLE_CASES, 40):
        draws = _draws(task, sample_top_p, (z, p, temperature), seed, DRAWS)
        z64 = z.astype(np.float64)
        _expect_distribution(task, draws, nucleus(z64, p, temperature),
                             _("with p = {p} and temperature {temperature}", p=p,
                               temperature=temperature),
                             _top_p_suspects(z64, p, temperature))
    if np.any(_draws(task, sample_top_p, (LOGITS_P, 0.05, 1.0), 3, 8) != np.argmax(LOGITS_P)):
        fail(task, _("with p = 0.05, below the probability of the most likely token, the "
                     "nucleus is that token alone: every draw should be it."))
    reference = _draws(task, sample_top_p, (LOGITS_P, 0.9, 1.0), 4, 100)
    for shift in (1000.0, -1000.0):
        _stable(task, sample_top_p, (LOGITS_P, 0.9, 1.0), reference, shift)
    passed(task)
