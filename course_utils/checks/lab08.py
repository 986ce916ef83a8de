"""Checks for lab 08: linear recurrences, a parallel scan and Mamba-2's SSD quadratic form.

Each check runs the learner's function on fixed inputs and compares it with a private
float64 loop over t, the recurrence itself: the values within 1e-10 of the scale of the
result, then the gradients with respect to every input within 1e-8 (autograd through
the learner's function against autograd through the loop, for one fixed random weighting
of the outputs; for decays near 0, the gradient with respect to a is only asked to be
finite and to flow, see ``_expect_gradients``). The cases cover T = 1, 2, 3, 5, 7 (not
powers of two), 8, 64, 100 and 1,000, batch and width above 1, decays near 0 (about
1e-12, where a product of 27 of them is below the smallest float64) and near 1
(1 - 1e-12), and float32 inputs, whose result must stay float32. The decays a_t lie in
(0, 1], some exactly 1, so a form in log space is a correct answer too.

When the values differ, the check computes the usual slips (a and b swapped, the
decay applied to b_t too, time reversed, the wrong dimension, a running sum, a
Hillis-Steele scan with torch.roll, the operator in the wrong order, a level too few;
for the SSD: L with a_s, L transposed, B and C swapped, no decay, heads summed) and
names the one that matches; for the SSD it also changes the last step's input to see
whether the past depends on it.

``scan_parallel`` must not hide a loop over t: a ``TorchFunctionMode`` counts the torch
functions and tensor methods it calls at T = 4,096. A loop over t makes at least one
call per step, in practice three or four (16,388 for the usual one); Hillis-Steele makes
90 to 150 over its 12 levels, Blelloch about 230, a scan in log space 10, and a chunked
scan, which loops inside chunks of 64 steps and then over the 64 chunks, about 530. The
bound, ``MAX_CALLS`` = 1,024 (T / 4), lets those pass and stops any loop over more than
a quarter of the steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..i18n import _
from .core import call, expect_tensor, fail, passed
from .lab06 import _guarded, _Raised, _raised_message

VALUE_TOL = 1e-10           # float64 values, relative to the largest |h| (or |y|)
GRAD_TOL = 1e-8             # float64 gradients, relative to the largest entry of each
FLOAT32_TOL = 1e-4          # float32 values against the float64 loop
COUNT_T = 4096
MAX_CALLS = COUNT_T // 4


def _torch() -> Any:
    import torch

    return torch


@dataclass(frozen=True)
class Case:
    """One set of inputs: sizes, the kind of decay and the dtype.

    ``decay``: ``"mixed"`` (a in [0.3, 1], every 7th step exactly 1), ``"zero"`` (about
    1e-12), ``"small"`` (about 1e-3) or ``"one"`` (1 - about 1e-12).
    """

    batch: int
    T: int
    D: int                    # the width; for the SSD, the number of heads H
    seed: int
    decay: str = "mixed"
    dtype: str = "float64"
    P: int = 0                # SSD only: head size P and state size N
    N: int = 0

    def decays(self, shape: tuple[int, ...], gen: Any) -> Any:
        torch = _torch()
        u = torch.rand(shape, generator=gen, dtype=torch.float64)
        if self.decay == "zero":
            return 1e-12 * (0.5 + u)
        if self.decay == "small":
            return 1e-3 * (0.5 + u)
        if self.decay == "one":
            return 1 - 1e-12 * (0.5 + u)
        a = 0.3 + 0.7 * u
        a[:, ::7] = 1.0
        return a

    def scan_inputs(self) -> tuple[Any, Any]:
        """(a, b), each (batch, T, D)."""
        torch = _torch()
        gen = torch.Generator().manual_seed(self.seed)
        shape = (self.batch, self.T, self.D)
        a = self.decays(shape, gen)
        b = torch.randn(shape, generator=gen, dtype=torch.float64)
        return a.to(getattr(torch, self.dtype)), b.to(getattr(torch, self.dtype))

    def ssd_inputs(self) -> tuple[Any, Any, Any, Any]:
        """(x, a, B, C): (batch, T, H, P), (batch, T, H), (batch, T, H, N) twice."""
        torch = _torch()
        gen = torch.Generator().manual_seed(self.seed)
        H = self.D
        a = self.decays((self.batch, self.T, H), gen)
        x, B, C = (torch.randn(size, generator=gen, dtype=torch.float64) for size in (
            (self.batch, self.T, H, self.P), (self.batch, self.T, H, self.N),
            (self.batch, self.T, H, self.N)))
        dtype = getattr(torch, self.dtype)
        return x.to(dtype), a.to(dtype), B.to(dtype), C.to(dtype)

    def where(self) -> str:
        if self.N:
            sizes = _("with batch = {batch}, T = {T}, H = {H}, P = {P}, N = {N}",
                      batch=self.batch, T=self.T, H=self.D, P=self.P, N=self.N)
        else:
            sizes = _("with batch = {batch}, T = {T}, D = {D}", batch=self.batch,
                      T=self.T, D=self.D)
        extra = {"zero": lambda: _("a_t near 0 (about 1e-12)"),
                 "small": lambda: _("a_t near 0.001"),
                 "one": lambda: _("a_t near 1 (1 - 1e-12)"),
                 "mixed": lambda: "",
                 }[self.decay]()
        if self.dtype == "float32":
            extra = _("float32 inputs")
        return _("{sizes} and {extra}", sizes=sizes, extra=extra) if extra else sizes


SCAN_CASES = (
    Case(2, 8, 3, seed=80),
    Case(2, 1, 3, seed=81),
    Case(3, 2, 4, seed=82),
    Case(2, 3, 5, seed=83),
    Case(3, 5, 2, seed=84),
    Case(2, 7, 3, seed=85),
    Case(3, 64, 4, seed=86),
    Case(2, 100, 3, seed=87),
    Case(2, 1000, 3, seed=88),
    Case(2, 64, 3, seed=89, decay="zero"),
    Case(2, 1000, 2, seed=90, decay="one"),
    Case(3, 100, 4, seed=91, dtype="float32"),
)
SSD_CASES = (
    Case(2, 6, 3, seed=92, P=4, N=2),
    Case(2, 1, 2, seed=93, P=3, N=2),
    Case(3, 2, 2, seed=94, P=2, N=3),
    Case(2, 3, 3, seed=95, P=2, N=4),
    Case(2, 5, 2, seed=96, P=3, N=2),
    Case(2, 7, 2, seed=97, P=2, N=3),
    Case(2, 64, 3, seed=98, P=3, N=2),
    Case(2, 100, 2, seed=99, P=2, N=3),
    Case(2, 40, 2, seed=100, decay="zero", P=3, N=2),
    Case(2, 120, 2, seed=101, decay="small", P=2, N=3),
    Case(2, 100, 3, seed=102, decay="one", P=2, N=2),
    Case(2, 50, 2, seed=103, dtype="float32", P=3, N=4),
)


# The references: the recurrence itself, a loop over t.
def scan_reference(a: Any, b: Any) -> Any:
    """h_t = a_t * h_{t-1} + b_t from h_0 = 0, along dim 1 of (batch, T, D) tensors."""
    torch = _torch()
    h, out = torch.zeros_like(b[:, 0]), []
    for t in range(b.shape[1]):
        h = a[:, t] * h + b[:, t]
        out.append(h)
    return torch.stack(out, dim=1)


def ssd_reference(x: Any, a: Any, B: Any, C: Any) -> Any:
    """y_t = h_t^T C_t with h_t = a_t h_{t-1} + B_t x_t^T (N x P per head), h_0 = 0."""
    torch = _torch()
    batch, _T, H, P = x.shape
    h = x.new_zeros(batch, H, B.shape[-1], P)
    out = []
    for t in range(x.shape[1]):
        h = a[:, t, :, None, None] * h + B[:, t, :, :, None] * x[:, t, :, None, :]
        out.append(torch.einsum("bhnp,bhn->bhp", h, C[:, t]))
    return torch.stack(out, dim=1)


def _error(got: Any, want: Any) -> float:
    """Largest |got - want|, relative to the largest |want|."""
    scale = float(want.abs().max()) if want.numel() else 0.0
    return float((got.double() - want).abs().max()) / (scale or 1.0) if want.numel() else 0.0


def _matches(got: Any, want: Any) -> bool:
    return bool(want.isfinite().all()) and _error(got, want) < 1e-8


# Shared steps: run, type and shape, dtype, NaN.
def _run(task: str, fn: Callable[..., Any], case: Case, inputs: tuple, parallel: bool
         ) -> Any:
    result = call(task, _guarded(fn), *inputs)
    if isinstance(result, _Raised):
        problem = _raised_message(result)
        if parallel and case.T & (case.T - 1):
            fail(task, _("{where} (T is not a power of two), {problem}. A scan must work "
                         "for any T: run the levels while the offset d < T (the last one "
                         "may be more than T / 2), or pad to the next power of two with "
                         "a = 1, b = 0 and cut the result back to T.",
                         where=case.where(), problem=problem))
        fail(task, _("{where}, {problem}", where=case.where(), problem=problem))
    return result


def _expect_form(task: str, result: Any, case: Case, name: str, shape: tuple[int, ...],
                 ssd: bool) -> None:
    torch = _torch()
    expect_tensor(task, result, name, shape=shape)
    want = getattr(torch, case.dtype)
    if result.dtype != want:
        fail(task, _("{where}, {name} has dtype {got}: keep the dtype of the inputs, {want} "
                     "(torch.zeros(...) without dtype= makes float32: use "
                     "torch.zeros_like or x.new_zeros, and no .float() or .double()).",
                     where=case.where(), name=name, got=result.dtype, want=want))
    bad = int((~result.isfinite()).sum())
    if bad == 0:
        return
    if case.decay in ("zero", "small"):
        if ssd:
            fail(task, _("{where}, y holds {count} NaN or infinite values. Two usual causes: "
                         "L[t, s] as a ratio of cumulative products, cumprod(a)[t] / "
                         "cumprod(a)[s], which underflow to 0 / 0; or exp taken before the "
                         "mask, where the segment sums above the diagonal overflow to inf "
                         "and inf * 0 = NaN. Compute the segment sums of log a, set the "
                         "entries above the diagonal to -inf, then take exp.",
                         where=case.where(), count=bad))
        fail(task, _("{where}, h holds {count} NaN or infinite values. The likely cause: a "
                     "product of many a_t underflows to 0 (1e-12 to the 27th power is below "
                     "the smallest float64), and dividing by it gives inf, then NaN, as in "
                     "the closed form h_t = P_t * sum(b_s / P_s) with P = cumprod(a). "
                     "Combine neighbouring steps instead (the recurrence, or the scan's "
                     "operator), or stay in log space and never divide by a product.",
                     where=case.where(), count=bad))
    fail(task, _("{where}, {name} holds {count} NaN or infinite values.",
                 where=case.where(), name=name, count=bad))


def _differs(task: str, case: Case, name: str, got: Any, want: Any) -> None:
    fail(task, _("{where}, {name} differs from the recurrence: {count} of {total} values "
                 "are off, the largest by {err:.1e} of the scale of {name}.",
                 where=case.where(), name=name, err=_error(got, want),
                 count=int(((got.double() - want).abs() > 1e-8 * float(
                     want.abs().max())).sum()), total=want.numel()))


def _expect_gradients(task: str, fn: Callable[..., Any], case: Case, inputs: tuple,
                      names: tuple[str, ...], reference: Callable[..., Any], ssd: bool
                      ) -> None:
    """Autograd through ``fn`` against autograd through the loop, for one weighting.

    Near a_t = 1e-12, a form in log space gets the gradient with respect to a_t as
    (gradient with respect to log a_t) / a_t, where the first is about 1e-12 and comes
    from terms of size 1 that cancel (A_t - A_s, logcumsumexp): rounding leaves few
    correct digits, up to none (Heinsen's scan). Those forms are correct, so there the
    gradient with respect to a must only be finite and flow; the one with respect to b,
    and every gradient of the other cases, is checked to GRAD_TOL.
    """
    torch = _torch()
    leaves = [t.detach().clone().requires_grad_() for t in inputs]
    result = _guarded(fn)(*leaves)
    where = case.where()
    if isinstance(result, _Raised):
        fail(task, _("{where}, with inputs that require gradients, {problem}",
                     where=where, problem=_raised_message(result)))
    expect_tensor(task, result, "y" if ssd else "h", shape=tuple(inputs[0].shape))
    if not result.requires_grad:
        fail(task, _("{where}, no gradient flows to the inputs: the result was computed "
                     "outside autograd (torch.no_grad(), .detach(), .data, .item(), NumPy). "
                     "Use torch operations on the inputs all the way.", where=where))
    weights = torch.randn(result.shape, generator=torch.Generator().manual_seed(case.seed),
                          dtype=result.dtype)
    try:
        grads = torch.autograd.grad((result * weights).sum(), leaves, allow_unused=True)
    except RuntimeError as error:
        if "inplace" in str(error):
            fail(task, _("{where}, the backward pass failed: a tensor that autograd saved "
                         "was overwritten in place (as when each step writes h[:, t] = ... "
                         "into a preallocated tensor that the next step reads). Build a "
                         "list of the steps and torch.stack it, or use torch.cat, out of "
                         "place.", where=where))
        fail(task, _("{where}, the backward pass raised RuntimeError: {message}",
                     where=where, message=error))
    refs = [t.detach().clone().requires_grad_() for t in inputs]
    wants = torch.autograd.grad((reference(*refs) * weights).sum(), refs)
    for name, got, want in zip(names, grads, wants, strict=True):
        got = torch.zeros_like(want) if got is None else got
        if not got.isfinite().all():
            if ssd:
                fail(task, _("{where}, the values are right, but the gradient with respect "
                             "to {name} holds NaN. The likely cause: exp of the segment "
                             "sums before the mask. Above the diagonal, exp overflows to "
                             "inf; torch.tril or torch.where hides it in the values, but "
                             "the backward pass multiplies that inf by 0 and gets NaN. Set "
                             "those entries to -inf before exp.", where=where, name=name))
            fail(task, _("{where}, the values are right, but the gradient with respect to "
                         "{name} holds NaN or infinite values. Two usual causes: a division "
                         "by cumprod(a), whose square, in the backward pass, underflows "
                         "long before the product itself; or exp of large sums hidden "
                         "afterwards by a mask, where the backward pass computes "
                         "inf * 0 = NaN.", where=where, name=name))
        if want.abs().max() > 0 and not got.abs().max() > 0:
            fail(task, _("{where}, no gradient reaches {name}: the result does not depend "
                         "on {name} through autograd (a .detach(), .data, .item() or "
                         "torch.no_grad() cuts it).", where=where, name=name))
        if case.decay == "zero" and name == "a":
            continue
        if _error(got, want) > GRAD_TOL:
            fail(task, _("{where}, the values are right, but the gradient with respect to "
                         "{name} is not that of the recurrence (largest difference {err:.1e} "
                         "of its scale): part of the computation is cut from the graph (a "
                         ".detach(), .data or torch.no_grad() inside).",
                         where=where, name=name, err=_error(got, want)))


# Tasks 1 and 2: the scans.
def _hillis_steele(a: Any, b: Any, slip: str) -> Any:
    """A Hillis-Steele scan with one slip: ``"roll"``, ``"order"`` or ``"levels"``."""
    torch = _torch()
    T = a.shape[1]
    levels = max(0, int(math.log2(T))) if slip == "levels" else math.ceil(math.log2(T))
    for level in range(levels):
        d = 2**level
        if slip == "roll":
            a_prev, b_prev = a.roll(d, 1), b.roll(d, 1)
        else:
            a_prev = torch.cat([torch.ones_like(a[:, :d]), a[:, :-d]], 1)
            b_prev = torch.cat([torch.zeros_like(b[:, :d]), b[:, :-d]], 1)
        if slip == "order":
            a, b = a_prev * a, a_prev * b + b_prev
        else:
            a, b = a_prev * a, a * b_prev + b
    return b


def _scan_suspects(a: Any, b: Any) -> dict[str, tuple[Callable[[], Any], Callable[[], str]]]:
    torch = _torch()
    ref = scan_reference
    h = lambda: ref(a, b)                                                   # noqa: E731
    return {
        "swapped": (lambda: ref(b, a), lambda: _(
            "a and b are swapped: h_t = a_t * h_{t-1} + b_t, where a_t multiplies the "
            "state and b_t is added.")),
        "inside": (lambda: ref(a, a * b), lambda: _(
            "it computes h_t = a_t * (h_{t-1} + b_t): a_t multiplies the old state only, "
            "then b_t is added, h_t = a_t * h_{t-1} + b_t.")),
        "start": (lambda: h() + a.cumprod(1), lambda: _(
            "it starts from h_0 = 1: the recurrence starts from h_0 = 0, so h_1 = b_1.")),
        "late": (lambda: torch.cat([torch.zeros_like(b[:, :1]), h()[:, :-1]], 1), lambda: _(
            "h[:, t] holds the state before step t, not after it: store the state after "
            "the update, so that h[:, 0] = h_1 = b_1.")),
        "a before": (lambda: ref(a.roll(1, 1), b), lambda: _(
            "h_{t-1} is multiplied by a_{t-1}, the decay of the step before: use a_t, the "
            "decay of the same step as b_t.")),
        "reversed": (lambda: ref(a.flip(1), b.flip(1)).flip(1), lambda: _(
            "the scan runs backwards in time, from t = T: h_1 = b_1 comes first.")),
        "batch": (lambda: ref(a.transpose(0, 1), b.transpose(0, 1)).transpose(0, 1),
                  lambda: _("the scan runs along dimension 0, the batch: time is dimension "
                            "1 of (batch, T, D).")),
        "width": (lambda: ref(a.transpose(1, 2), b.transpose(1, 2)).transpose(1, 2),
                  lambda: _("the scan runs along dimension 2, the width D: time is "
                            "dimension 1 of (batch, T, D).")),
        "cumsum": (lambda: b.cumsum(1), lambda: _(
            "it ignores a: a running sum of b is the recurrence with every a_t = 1.")),
        "roll": (lambda: _hillis_steele(a, b, "roll"), lambda: _(
            "values from the end of the sequence wrap around to its start (torch.roll): "
            "shift with torch.cat or F.pad, and fill the new entries with the identity of "
            "the operator, a = 1 and b = 0.")),
        "order": (lambda: _hillis_steele(a, b, "order"), lambda: _(
            "the operator is applied in the wrong order: the earlier pair comes first, "
            "(a1, b1) o (a2, b2) = (a1 * a2, a2 * b1 + b2), so the new b_t is "
            "a_t * b_{t-d} + b_t, not a_{t-d} * b_t + b_{t-d}.")),
        "levels": (lambda: _hillis_steele(a, b, "levels"), lambda: _(
            "the scan stops one level early: it needs ceil(log2 T) levels, the offsets "
            "1, 2, 4, ... while they are below T, and T is not always a power of two.")),
    }


def _explain_scan(task: str, h: Any, case: Case, a: Any, b: Any, want: Any) -> None:
    """Name the slip that gives ``h``, or say where it differs."""
    if case.dtype == "float64" and case.decay == "mixed":
        for compute, hint in _scan_suspects(a, b).values():
            if _matches(h, compute()):
                fail(task, _("{where}, {hint}", where=case.where(), hint=hint()))
    if _error(h[:, :1], want[:, :1]) > 1e-8:
        fail(task, _("{where}, h[:, 0] should be h_1 = b_1: the recurrence starts from "
                     "h_0 = 0.", where=case.where()))
    _differs(task, case, "h", h, want)


def _check_scan(task: str, fn: Callable[..., Any], parallel: bool) -> None:
    for case in SCAN_CASES:
        a, b = case.scan_inputs()
        h = _run(task, fn, case, (a, b), parallel)
        _expect_form(task, h, case, "h", tuple(b.shape), ssd=False)
        want = scan_reference(a.double(), b.double())
        tol = VALUE_TOL if case.dtype == "float64" else FLOAT32_TOL
        if _error(h, want) > tol:
            _explain_scan(task, h, case, a, b, want)
        if case.dtype == "float64":
            _expect_gradients(task, fn, case, (a, b), ("a", "b"), scan_reference, ssd=False)


def check_scan_loop(scan_loop: Callable[..., Any]) -> None:
    """Check ``scan_loop(a, b) -> h``, each (batch, T, D), a in (0, 1]."""
    task = "scan_loop"
    _check_scan(task, scan_loop, parallel=False)
    passed(task)


class _TooMany(Exception):
    """Raised inside the counting mode once the bound is passed."""


@cache
def _counter() -> type:
    """A TorchFunctionMode that counts torch calls and stops after ``limit`` of them."""
    from torch.overrides import TorchFunctionMode

    class Counter(TorchFunctionMode):
        def __init__(self, limit: int | None) -> None:
            super().__init__()
            self.calls = 0
            self.limit = limit

        def __torch_function__(self, func: Any, types: Any, args: tuple = (),
                               kwargs: dict | None = None) -> Any:
            self.calls += 1
            if self.limit is not None and self.calls > self.limit:
                raise _TooMany
            return func(*args, **(kwargs or {}))

    return Counter


def count_calls(fn: Callable[..., Any], *args: Any, limit: int | None = MAX_CALLS) -> int:
    """How many torch functions and tensor methods ``fn(*args)`` calls.

    Counting stops at ``limit + 1`` (``None``: no limit), so a long loop is cut short.
    """
    counter = _counter()(limit)
    try:
        with counter:
            fn(*args)
    except _TooMany:
        pass
    return counter.calls


def _expect_few_calls(task: str, fn: Callable[..., Any]) -> None:
    torch = _torch()
    gen = torch.Generator().manual_seed(104)
    a = 0.3 + 0.7 * torch.rand(2, COUNT_T, 3, generator=gen, dtype=torch.float64)
    b = torch.randn(2, COUNT_T, 3, generator=gen, dtype=torch.float64)
    if count_calls(fn, a, b) > MAX_CALLS:
        fail(task, _("at T = {T}, it calls torch operations more than {limit} times: a "
                     "Python loop over t calls a few per step, thousands here, while a scan "
                     "over its ceil(log2 T) = {levels} levels needs a few hundred at most. "
                     "Loop over the levels, not over t.", T=COUNT_T, limit=MAX_CALLS,
                     levels=math.ceil(math.log2(COUNT_T))))


def check_scan_parallel(scan_parallel: Callable[..., Any]) -> None:
    """Check ``scan_parallel(a, b) -> h`` like ``scan_loop``, and that it loops over
    the levels of a scan, not over t."""
    task = "scan_parallel"
    _check_scan(task, scan_parallel, parallel=True)
    _expect_few_calls(task, scan_parallel)
    passed(task)


# Task 3: the SSD quadratic form.
def ssd_variant(x: Any, a: Any, B: Any, C: Any, slip: str) -> Any:
    """The quadratic form with one slip: ``"with a_s"``, ``"transposed"``, ``"BC"``,
    ``"no decay"``, ``"heads"``, ``"x_t"``."""
    torch = _torch()
    T = x.shape[1]
    log_a = a.log()
    A = log_a.cumsum(1)
    seg = A[:, :, None] - A[:, None, :]                     # (batch, t, s, H)
    if slip == "with a_s":
        seg = seg + log_a[:, None]
    causal = torch.ones(T, T, dtype=torch.bool).tril()[None, :, :, None]
    L = seg.masked_fill(~causal, -math.inf).exp()
    if slip == "no decay":
        L = causal.to(x.dtype).expand_as(L)
    if slip == "transposed":
        L = L.transpose(1, 2)
    scores = torch.einsum("bthn,bshn->btsh", *((B, C) if slip == "BC" else (C, B)))
    if slip == "heads":
        scores = scores.sum(-1, keepdim=True)
    M = L * scores
    if slip == "x_t":
        return torch.einsum("btsh,bthp->bthp", M, x)
    return torch.einsum("btsh,bshp->bthp", M, x)


SSD_SLIPS = {
    "with a_s": lambda: _("L[t, s] includes a_s: it is the product a_{s+1} ... a_t, the "
                          "decays applied after step s (an empty product, 1, on the "
                          "diagonal)."),
    "transposed": lambda: _("L is transposed: L[t, s] is non-zero for s <= t, the lower "
                            "triangle, so that y_t depends on the past only."),
    "BC": lambda: _("the scores are B_t . C_s: y_t reads the state with C_t, and x_s "
                    "enters it through B_s, so the score is C_t . B_s, C B^T per head."),
    "no decay": lambda: _("L ignores a: L[t, s] = a_{s+1} ... a_t below the diagonal, "
                          "not 1."),
    "heads": lambda: _("the scores are summed over the heads: each head h has its own "
                       "C B^T and its own L."),
    "x_t": lambda: _("y_t sums x_t, not x_s: y_t = sum over s <= t of "
                     "L[t, s] (C_t . B_s) x_s."),
}


def _explain_ssd(task: str, fn: Callable[..., Any], y: Any, case: Case, inputs: tuple,
                 want: Any) -> None:
    torch = _torch()
    if case.dtype == "float64" and case.decay == "mixed":
        for slip, hint in SSD_SLIPS.items():
            if _matches(y, ssd_variant(*inputs, slip)):
                fail(task, _("{where}, {hint}", where=case.where(), hint=hint()))
    if case.T > 1:
        x, a, B, C = (t.clone() for t in inputs)
        x[:, -1] += 1.0
        B[:, -1] += 1.0
        moved = _guarded(fn)(x, a, B, C)
        if isinstance(moved, torch.Tensor) and moved.shape == y.shape and _error(
                moved[:, :-1], y[:, :-1].double()) > 1e-8:
            fail(task, _("{where}, the future leaks: changing the inputs of the last step "
                         "changes y at earlier steps. Mask L: L[t, s] = 0 for s > t "
                         "(segment sums set to -inf there before exp).",
                         where=case.where()))
    _differs(task, case, "y", y, want)


def check_ssd_quadratic(ssd_quadratic: Callable[..., Any]) -> None:
    """Check ``ssd_quadratic(x, a, B, C) -> y`` (batch, T, H, P), 0 < a <= 1."""
    task = "ssd_quadratic"
    for case in SSD_CASES:
        inputs = case.ssd_inputs()
        y = _run(task, ssd_quadratic, case, inputs, parallel=False)
        _expect_form(task, y, case, "y", tuple(inputs[0].shape), ssd=True)
        want = ssd_reference(*(t.double() for t in inputs))
        tol = VALUE_TOL if case.dtype == "float64" else FLOAT32_TOL
        if _error(y, want) > tol:
            _explain_ssd(task, ssd_quadratic, y, case, inputs, want)
        if case.dtype == "float64":
            _expect_gradients(task, ssd_quadratic, case, inputs, ("x", "a", "B", "C"),
                              ssd_reference, ssd=True)
    passed(task)
