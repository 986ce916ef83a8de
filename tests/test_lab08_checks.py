"""Lab 08's checks pass every correct idiom and catch the plausible mistakes.

Three tasks: the sequential scan, a parallel scan (no loop over t) and Mamba-2's SSD
quadratic form. Each is compared with a float64 loop, values and gradients, on cases
that include decays near 0 and near 1.
"""

from __future__ import annotations

import math

import pytest
import torch
from torch.nn.functional import pad

from course_utils.checks import CheckFailed
from course_utils.checks.lab08 import (
    COUNT_T,
    MAX_CALLS,
    SCAN_CASES,
    SSD_CASES,
    check_scan_loop,
    check_scan_parallel,
    check_ssd_quadratic,
    count_calls,
    scan_reference,
    ssd_reference,
)

from .helpers import failure_message

CHECKS = {"scan_loop": check_scan_loop, "scan_parallel": check_scan_parallel,
          "ssd_quadratic": check_ssd_quadratic}


# Tasks 1 and 2: correct idioms.
def loop_stack(a, b):
    h, hs = torch.zeros_like(b[:, 0]), []
    for t in range(b.shape[1]):
        h = a[:, t] * h + b[:, t]
        hs.append(h)
    return torch.stack(hs, dim=1)


def loop_cat(a, b):
    """Out of place: the result grows by one step at a time."""
    h = b[:, :1]
    for t in range(1, b.shape[1]):
        h = torch.cat([h, a[:, t : t + 1] * h[:, -1:] + b[:, t : t + 1]], dim=1)
    return h


def loop_written_into(a, b):
    """In place into a preallocated result, but each step reads h, not the result."""
    out = torch.empty_like(b)
    h = torch.zeros_like(b[:, 0])
    for t in range(b.shape[1]):
        h = a[:, t] * h + b[:, t]
        out[:, t] = h
    return out


def loop_unbind(a, b):
    h, hs = 0, []
    for a_t, b_t in zip(a.unbind(1), b.unbind(1), strict=True):
        h = a_t * h + b_t
        hs.append(h)
    return torch.stack(hs, 1)


def hillis_steele(a, b):
    T, d = b.shape[1], 1
    while d < T:
        b = torch.cat([b[:, :d], a[:, d:] * b[:, :-d] + b[:, d:]], dim=1)
        a = torch.cat([a[:, :d], a[:, d:] * a[:, :-d]], dim=1)
        d *= 2
    return b


def hillis_steele_pad(a, b, a_fill=1.0):
    """F.pad shifts by d; what fills a's new entries does not matter (see below)."""
    for level in range(math.ceil(math.log2(b.shape[1])) if b.shape[1] > 1 else 0):
        d = 2**level
        a_prev = pad(a[:, :-d], (0, 0, d, 0), value=a_fill)
        b_prev = pad(b[:, :-d], (0, 0, d, 0))
        a, b = a * a_prev, a * b_prev + b
    return b


def hillis_steele_pad_zeros(a, b):
    """Padding a with 0 is harmless here: a padded entry only ever multiplies a padded
    b (0), since the first d steps are already final at level d."""
    return hillis_steele_pad(a, b, a_fill=0.0)


def hillis_steele_power_of_two(a, b):
    """Pads T to the next power of two with the identity (1, 0), then cuts back."""
    T = b.shape[1]
    n = 1 << (T - 1).bit_length()
    a = torch.cat([a, torch.ones_like(a[:, :1]).expand(-1, n - T, -1)], 1)
    b = torch.cat([b, torch.zeros_like(b[:, :1]).expand(-1, n - T, -1)], 1)
    return hillis_steele(a, b)[:, :T]


def blelloch(a, b, slip=""):
    T = b.shape[1]
    n = T if slip == "no pad" else 1 << (T - 1).bit_length()
    a = pad(a, (0, 0, 0, n - T), value=1.0)
    b = pad(b, (0, 0, 0, n - T))
    levels_a, levels_b = [a], [b]
    while levels_a[-1].shape[1] > 1:                   # up-sweep: pairs, then pairs of pairs
        x, y = levels_a[-1], levels_b[-1]
        levels_a.append(x[:, 0::2] * x[:, 1::2])
        levels_b.append(x[:, 1::2] * y[:, 0::2] + y[:, 1::2])
    pa, pb = torch.ones_like(levels_a[-1]), torch.zeros_like(levels_b[-1])
    for x, y in zip(reversed(levels_a[:-1]), reversed(levels_b[:-1]), strict=True):
        left_a, left_b = x[:, 0::2], y[:, 0::2]        # down-sweep: exclusive prefixes
        right_a, right_b = pa * left_a, left_a * pb + left_b
        if slip == "children":
            pa, pb, right_a, right_b = right_a, right_b, pa, pb
        if slip == "order":
            right_b = pa * left_b + pb             # left o prefix, not prefix o left
        pa = torch.stack([pa, right_a], 2).flatten(1, 2)
        pb = torch.stack([pb, right_b], 2).flatten(1, 2)
    return (a * pb + b)[:, :T]


def chunked(a, b, c=64, detach_carry=False):
    """A loop inside chunks of c steps (all chunks at once), then one over the chunks."""
    batch, T, D = b.shape
    n = -(-T // c) * c
    a = pad(a, (0, 0, 0, n - T), value=1.0).reshape(batch, n // c, c, D)
    b = pad(b, (0, 0, 0, n - T)).reshape(batch, n // c, c, D)
    h, local = torch.zeros_like(b[:, :, 0]), []
    for i in range(c):
        h = a[:, :, i] * h + b[:, :, i]
        local.append(h)
    local = torch.stack(local, 2)
    decay = a.cumprod(2)
    carry, carries = torch.zeros_like(b[:, 0, 0]), []
    for k in range(n // c):
        carries.append(carry)
        carry = decay[:, k, -1] * carry + local[:, k, -1]
        if detach_carry:
            carry = carry.detach()
    h = local + decay * torch.stack(carries, 1)[:, :, None]
    return h.reshape(batch, n, D)[:, :T]


def log_space(a, b):
    """Heinsen's scan: log h_t = A_t + logcumsumexp(log b_s - A_s), complex for b < 0."""
    A = a.log().cumsum(1)
    log_b = b.to(torch.complex128 if b.dtype == torch.float64 else torch.complex64).log()
    return torch.exp(A + torch.logcumsumexp(log_b - A, dim=1)).real


PARALLEL = (hillis_steele, hillis_steele_pad, hillis_steele_pad_zeros,
            hillis_steele_power_of_two, blelloch, chunked, log_space)
RIGHT = ([("scan_loop", f) for f in (loop_stack, loop_cat, loop_written_into, loop_unbind,
                                      hillis_steele, blelloch)]
         + [("scan_parallel", f) for f in PARALLEL])


# Task 3: correct idioms.
def causal_mask(T):
    return torch.ones(T, T, dtype=torch.bool).tril()


def ssd_masked_fill(x, a, B, C):
    T = x.shape[1]
    A = torch.log(a).cumsum(dim=1)
    seg = A[:, :, None, :] - A[:, None, :, :]
    L = torch.exp(seg.masked_fill(~causal_mask(T)[None, :, :, None], -math.inf))
    return torch.einsum("btsh,bshp->bthp", L * torch.einsum("bthn,bshn->btsh", C, B), x)


def segsum_stable(log_a):
    """Mamba-2's segment sum, (..., T) -> (..., T, T): sums, never differences."""
    T = log_a.shape[-1]
    x = log_a[..., None].repeat(*([1] * log_a.dim()), T)      # x[..., k, s] = log a_k
    x = x.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(-1), 0)
    seg = x.cumsum(dim=-2)                                     # sum over s < k <= t
    return seg.masked_fill(~causal_mask(T), -math.inf)


def ssd_mamba2(x, a, B, C):
    L = torch.exp(segsum_stable(torch.log(a).permute(0, 2, 1)))    # (batch, H, t, s)
    scores = torch.einsum("bthn,bshn->bhts", C, B)
    return torch.einsum("bhts,bshp->bthp", L * scores, x)


def ssd_matmul(x, a, B, C):
    T = x.shape[1]
    A = torch.log(a).cumsum(1).transpose(1, 2)                 # (batch, H, T)
    seg = torch.where(causal_mask(T), A[..., :, None] - A[..., None, :], -math.inf)
    Cs, Bs, xs = (t.transpose(1, 2) for t in (C, B, x))        # (batch, H, T, .)
    y = (torch.exp(seg) * (Cs @ Bs.transpose(-1, -2))) @ xs
    return y.transpose(1, 2)


RIGHT += [("ssd_quadratic", f) for f in (ssd_masked_fill, ssd_mamba2, ssd_matmul)]


@pytest.mark.parametrize(("task", "right"), RIGHT,
                         ids=[f"{t}-{f.__name__}" for t, f in RIGHT])
def test_correct_idioms_pass(task, right, capsys):
    CHECKS[task](right)
    assert capsys.readouterr().out.startswith(f"✓ {task}")


# Plausible mistakes: the scans.
def make_loop(step=lambda a_t, h, b_t: a_t * h + b_t, h0=torch.zeros_like, dim=1,
              order=None, stack_dim=1, after=True):
    def scan(a, b):
        T = b.shape[dim]
        h, hs = h0(b.select(dim, 0)), []
        for t in order(T) if order else range(T):
            if not after:
                hs.append(h)
            h = step(a.select(dim, t), h, b.select(dim, t))
            if after:
                hs.append(h)
        if order:
            hs = hs[::-1]
        return torch.stack(hs, dim=stack_dim if dim == 1 else dim)
    return scan


def loop_in_place(a, b):
    h = torch.zeros_like(b)
    for t in range(b.shape[1]):
        h[:, t] = a[:, t] * h[:, t - 1] + b[:, t]
    return h


def loop_into_b(a, b):
    for t in range(1, b.shape[1]):
        b[:, t] += a[:, t] * b[:, t - 1]
    return b


def loop_list(a, b):
    return list(loop_stack(a, b).unbind(1))


def loop_float32(a, b):
    h = torch.zeros(b.shape[0], b.shape[2])
    hs = []
    for t in range(b.shape[1]):
        h = a[:, t] * h + b[:, t]
        hs.append(h)
    return torch.stack(hs, 1).float()


def loop_detached(a, b):
    h, hs = torch.zeros_like(b[:, 0]), []
    for t in range(b.shape[1]):
        h = (a[:, t] * h + b[:, t]).detach()
        hs.append(h)
    return torch.stack(hs, 1)


def loop_numpy(a, b):
    a, b = a.detach().numpy(), b.detach().numpy()
    h = b.copy()
    for t in range(1, b.shape[1]):
        h[:, t] = a[:, t] * h[:, t - 1] + b[:, t]
    return torch.from_numpy(h)


def loop_last_only(a, b):
    return loop_stack(a, b)[:, -1]


def closed_form(a, b):
    """h_t = P_t * sum_{s <= t} b_s / P_s: right in exact arithmetic, not in floats."""
    P = a.cumprod(1)
    return P * (b / P).cumsum(1)


def hs_variant(slip):
    def scan(a, b):
        T = b.shape[1]
        levels = {"floor": int(math.log2(T)) if T > 1 else 0}.get(
            slip, math.ceil(math.log2(T)) if T > 1 else 0)
        for level in range(levels):
            d = 2**level
            shift = d + 1 if slip == "offset" and level > 0 else d
            if slip == "roll":
                a_prev, b_prev = a.roll(d, 1), b.roll(d, 1)
            else:
                a_prev = pad(a[:, :-shift], (0, 0, shift, 0), value=1.0)
                b_prev = pad(b[:, :-shift], (0, 0, shift, 0))
            if slip == "order":
                a, b = a * a_prev, a_prev * b + b_prev
            elif slip == "new a":
                a = a * a_prev
                b = a * b_prev + b
            elif slip == "detach":
                a, b = (a * a_prev).detach(), a * b_prev + b
            else:
                a, b = a * a_prev, a * b_prev + b
        return b
    return scan


def hs_in_place(a, b):
    b, T, d = b.clone(), b.shape[1], 1
    a = a.clone()
    while d < T:
        b[:, d:] = a[:, d:] * b[:, :-d] + b[:, d:]
        a[:, d:] = a[:, d:] * a[:, :-d]
        d *= 2
    return b


def hs_power_of_two_only(a, b):
    """Silently truncates T to the largest power of two below it."""
    n = 1 << (b.shape[1].bit_length() - 1)
    return hillis_steele(a[:, :n], b[:, :n])


def log_space_real(a, b):
    """log of b, which is negative half of the time."""
    A = a.log().cumsum(1)
    return torch.exp(A + torch.logcumsumexp(b.log() - A, dim=1))


def parallel_float32(a, b):
    return hillis_steele(a.float(), b.float())


WRONG_LOOP = [
    (make_loop(h0=torch.ones_like), "h_0 = 1"),
    (make_loop(h0=lambda b_1: b_1), "h_1 = b_1"),
    (make_loop(step=lambda a_t, h, b_t: b_t * h + a_t), "swapped"),
    (make_loop(step=lambda a_t, h, b_t: a_t * (h + b_t)), "a_t * (h_{t-1} + b_t)"),
    (make_loop(after=False), "before step t"),
    (make_loop(order=lambda T: range(T - 1, -1, -1)), "backwards"),
    (make_loop(dim=0), "dimension 0"),
    (make_loop(dim=2), "dimension 2"),
    (make_loop(stack_dim=0), "shape"),
    (lambda a, b: b.cumsum(1), "ignores a"),
    (loop_in_place, "in place"),
    (loop_into_b, "changed one of its inputs"),
    (loop_list, "torch tensor"),
    (loop_float32, "dtype"),
    (loop_detached, "no gradient flows"),
    (loop_numpy, "no gradient flows"),
    (loop_last_only, "shape"),
    (closed_form, "cumprod"),
    (lambda a, b: scan_reference(a.roll(1, 1), b), "a_{t-1}"),
]
WRONG_PARALLEL = [
    (loop_stack, "more than"),
    (hs_variant("order"), "wrong order"),
    (hs_variant("offset"), "differs from the recurrence"),
    (hs_variant("roll"), "torch.roll"),
    (hs_variant("floor"), "one level early"),
    (hs_variant("new a"), "differs from the recurrence"),
    (hs_variant("detach"), "cut from the graph"),
    (lambda a, b: hillis_steele(a.mT, b.mT).mT, "dimension 2"),
    (hs_in_place, "in place"),
    (hs_power_of_two_only, "shape"),
    (lambda a, b: blelloch(a, b, slip="no pad"), "not a power of two"),
    (lambda a, b: blelloch(a, b, slip="children"), "h[:, 0] should be h_1 = b_1"),
    (lambda a, b: blelloch(a, b, slip="order"), "differs from the recurrence"),
    (lambda a, b: chunked(a, b, detach_carry=True), "cut from the graph"),
    (closed_form, "cumprod"),
    (log_space_real, "NaN"),
    (parallel_float32, "dtype"),
    (lambda a, b: b.cumsum(1), "ignores a"),
]


# Plausible mistakes: the SSD.
def make_ssd(*, mask="fill", with_a_s=False, transpose=False, scores="bthn,bshn->btsh",
             out="btsh,bshp->bthp", scale=None, decay=True):
    def ssd(x, a, B, C):
        T = x.shape[1]
        log_a = torch.log(a)
        A = log_a.cumsum(dim=1)
        seg = A[:, :, None, :] - A[:, None, :, :]
        if with_a_s:
            seg = seg + log_a[:, None]
        causal = causal_mask(T)[None, :, :, None]
        if mask == "fill":
            L = torch.exp(seg.masked_fill(~causal, -math.inf))
        elif mask == "tril":          # exp first, then keep the lower triangle
            L = torch.exp(seg).movedim(3, 1).tril().movedim(1, 3)
        elif mask == "times":
            L = torch.exp(seg) * causal
        elif mask == "zero":          # 0, not -inf, before exp: exp(0) = 1
            L = torch.exp(seg.masked_fill(~causal, 0.0))
        else:
            L = torch.exp(seg)
        if not decay:
            L = causal.to(x.dtype).expand_as(L)
        if transpose:
            L = L.transpose(1, 2)
        S = torch.einsum(scores, C, B)
        if S.dim() == 3:
            S = S[..., None]
        y = torch.einsum(out, L * S, x)
        return y if scale is None else scale(y)
    return ssd


def ssd_cumprod(x, a, B, C):
    T = x.shape[1]
    P = a.cumprod(1)
    L = (P[:, :, None] / P[:, None, :]) * causal_mask(T)[None, :, :, None]
    return torch.einsum("btsh,bshp->bthp", L * torch.einsum("bthn,bshn->btsh", C, B), x)


def ssd_log_in_place(x, a, B, C):
    a.log_()
    return make_ssd()(x, a.exp(), B, C)


def ssd_heads_first(x, a, B, C):
    return make_ssd()(x, a, B, C).transpose(1, 2)


WRONG_SSD = [
    (make_ssd(mask="none"), "future leaks"),
    (make_ssd(mask="zero"), "future leaks"),
    (make_ssd(with_a_s=True), "includes a_s"),
    (make_ssd(transpose=True), "transposed"),
    (make_ssd(out="bsth,bshp->bthp"), "future leaks"),
    (lambda x, a, B, C: make_ssd()(x, a, C, B), "B_t . C_s"),
    (make_ssd(decay=False), "ignores a"),
    (make_ssd(scores="bthn,bshn->bts"), "summed over the heads"),
    (make_ssd(out="btsh,bthp->bthp"), "sums x_t"),
    (ssd_cumprod, "cumulative products"),
    (make_ssd(mask="times"), "NaN"),
    (make_ssd(mask="tril"), "before the mask"),
    (make_ssd(scale=lambda y: y.float()), "dtype"),
    (make_ssd(scale=lambda y: y.detach()), "no gradient flows"),
    (ssd_log_in_place, "changed one of its inputs"),
    (ssd_heads_first, "shape"),
    (lambda x, a, B, C: ssd_reference(x, a, B, C).sum(2), "shape"),
]

WRONG = ([("scan_loop", f, hint) for f, hint in WRONG_LOOP]
         + [("scan_parallel", f, hint) for f, hint in WRONG_PARALLEL]
         + [("ssd_quadratic", f, hint) for f, hint in WRONG_SSD])


@pytest.mark.parametrize(("task", "wrong", "hint"), WRONG,
                         ids=[f"{t}-{i}" for i, (t, _f, _h) in enumerate(WRONG)])
def test_plausible_mistakes_fail_with_a_useful_message(task, wrong, hint):
    failure_message(CHECKS[task], task, wrong, hint)


def test_enough_mistakes():
    assert len(WRONG) >= 30
    assert all(sum(t == task for t, _f, _h in WRONG) >= 10 for task in CHECKS)


def test_nan_and_wrong_types_are_named():
    with pytest.raises(CheckFailed, match="NaN"):
        check_scan_loop(lambda a, b: torch.full_like(b, math.nan))
    with pytest.raises(CheckFailed, match="torch tensor"):
        check_scan_parallel(lambda a, b: loop_stack(a, b).numpy())
    with pytest.raises(CheckFailed, match="NaN"):
        check_ssd_quadratic(lambda x, a, B, C: torch.full_like(x, math.nan))
    with pytest.raises(CheckFailed, match="None"):
        check_ssd_quadratic(lambda x, a, B, C: None)


# The cases themselves: each one tests what it claims to test.
def test_cases_cover_the_lengths_and_the_edges():
    lengths = {case.T for case in SCAN_CASES}
    assert {1, 2, 3, 5, 7, 64, 100, 1000} <= lengths
    assert {case.decay for case in SCAN_CASES} >= {"zero", "one"}
    assert {case.decay for case in SSD_CASES} >= {"zero", "small", "one"}
    assert all(case.batch > 1 and case.D > 1 for case in SCAN_CASES + SSD_CASES)
    assert any(case.dtype == "float32" for case in SCAN_CASES)
    assert any(case.dtype == "float32" for case in SSD_CASES)


def test_the_products_underflow_in_the_stability_cases():
    for cases in (SCAN_CASES, SSD_CASES):
        for case in cases:
            if case.decay in ("zero", "small"):
                a = (case.ssd_inputs()[1] if case.N else case.scan_inputs()[0])
                assert (a.cumprod(1)[:, -1] == 0).all()      # the ratio form cannot work


def test_the_references_agree_with_each_other():
    """The SSD with N = 1, B = C = 1 is the scan of each head's x."""
    case = SSD_CASES[0]
    x, a, B, _C = case.ssd_inputs()
    ones = torch.ones_like(B[..., :1])
    y = ssd_reference(x, a, ones, ones)
    h = scan_reference(a[..., None].expand_as(x).flatten(2), x.flatten(2))
    assert torch.allclose(y.flatten(2), h, rtol=1e-12, atol=1e-12)


def test_the_call_bound_separates_loops_from_scans():
    a, b = torch.rand(2, COUNT_T, 3), torch.randn(2, COUNT_T, 3)
    for scan in PARALLEL:
        assert count_calls(scan, a, b) <= MAX_CALLS, scan.__name__
    assert count_calls(loop_stack, a, b) > MAX_CALLS
    assert count_calls(loop_stack, a[:, : COUNT_T // 2], b[:, : COUNT_T // 2]) > MAX_CALLS
