"""Lab 03's checks pass every correct idiom and catch the plausible mistakes.

The mistakes here come in addition to those in ``test_exercises.py``: dtype slips, a
graph cut while the values stay right, off-by-one loops, the reset-before GRU, inputs
handed back, gradient tracking left off.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn import functional

from course_utils.checks import CheckFailed
from course_utils.checks.lab03 import (
    check_gru_cell,
    check_gru_forward,
    check_lstm_cell,
    check_lstm_forward,
)

CHECKS = {"lstm_cell": check_lstm_cell, "lstm_forward": check_lstm_forward,
          "gru_cell": check_gru_cell, "gru_forward": check_gru_forward}


# Right answers, written in the different ways a learner may write them.
def lstm_chunk(x, h, c, W_ih, W_hh, b_ih, b_hh):
    i, f, g, o = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new


def lstm_split_linear(x, h, c, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]
    pre = functional.linear(x, W_ih, b_ih) + functional.linear(h, W_hh, b_hh)
    i, f, g, o = torch.split(pre, H, dim=1)
    c_new = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return [o.sigmoid() * c_new.tanh(), c_new]                   # a list is fine too


def lstm_slices_addmm(x, h, c, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]
    pre = torch.addmm(b_ih, x, W_ih.t())
    pre += torch.addmm(b_hh, h, W_hh.t())                        # in place on our own tensor
    i = 1 / (1 + torch.exp(-pre[:, :H]))
    f = 1 / (1 + torch.exp(-pre[:, H:2 * H]))
    g = torch.tanh(pre[:, 2 * H:3 * H])
    o = 1 / (1 + torch.exp(-pre[:, 3 * H:]))
    c_new = f * c + i * g
    return o * torch.tanh(c_new), c_new


def lstm_per_block(x, h, c, W_ih, W_hh, b_ih, b_hh):
    blocks = [x @ Wx.T + bx + h @ Wh.T + bh for Wx, Wh, bx, bh in
              zip(W_ih.chunk(4), W_hh.chunk(4), b_ih.chunk(4), b_hh.chunk(4), strict=True)]
    i, f, o = (torch.sigmoid(blocks[k]) for k in (0, 1, 3))
    c_new = torch.addcmul(f * c, i, torch.tanh(blocks[2]))
    return o * torch.tanh(c_new), c_new


def lstm_einsum(x, h, c, W_ih, W_hh, b_ih, b_hh):
    pre = torch.einsum("nd,gd->ng", x, W_ih) + torch.einsum("nh,gh->ng", h, W_hh) + b_ih + b_hh
    i, f, g, o = pre.chunk(4, dim=-1)
    c_new = functional.sigmoid(f) * c + functional.sigmoid(i) * torch.tanh(g)
    return functional.sigmoid(o) * torch.tanh(c_new), c_new


def lstm_forward_stack(xs, h0, c0, *w):
    h, c, outputs = h0, c0, []
    for x in xs.unbind(1):
        h, c = lstm_chunk(x, h, c, *w)
        outputs.append(h)
    return torch.stack(outputs, dim=1), (h, c)


def lstm_forward_buffer(xs, h0, c0, *w):
    outputs = xs.new_zeros(xs.shape[0], xs.shape[1], h0.shape[1])
    h, c = h0, c0
    for t in range(xs.shape[1]):
        h, c = lstm_split_linear(xs[:, t], h, c, *w)
        outputs[:, t] = h
    return outputs, [h, c]


def lstm_forward_time_major(xs, h0, c0, *w):
    h, c, outputs = h0, c0, []
    for x in xs.transpose(0, 1):
        h, c = lstm_slices_addmm(x, h, c, *w)
        outputs.append(h)
    return torch.stack(outputs).transpose(0, 1), (h, c)


def lstm_forward_cat(xs, h0, c0, *w):
    h, c = h0, c0
    outputs = torch.empty(xs.shape[0], 0, h0.shape[1], dtype=xs.dtype)
    for t in range(xs.shape[1]):
        h, c = lstm_per_block(xs[:, t], h, c, *w)
        outputs = torch.cat([outputs, h.unsqueeze(1)], dim=1)
    return outputs, (h, c)


def gru_chunk(x, h, W_ih, W_hh, b_ih, b_hh):
    x_r, x_z, x_n = (x @ W_ih.T + b_ih).chunk(3, dim=1)
    h_r, h_z, h_n = (h @ W_hh.T + b_hh).chunk(3, dim=1)
    r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h


def gru_lerp(x, h, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]
    gx, gh = functional.linear(x, W_ih, b_ih), functional.linear(h, W_hh, b_hh)
    rz = torch.sigmoid(gx[:, :2 * H] + gh[:, :2 * H])
    r, z = rz[:, :H], rz[:, H:]
    n = torch.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
    return torch.lerp(n, h, z)


def gru_split_blocks(x, h, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]
    Wx, Wh = torch.split(W_ih, H), torch.split(W_hh, H)
    bx, bh = torch.split(b_ih, H), torch.split(b_hh, H)
    r = torch.sigmoid(x @ Wx[0].T + bx[0] + h @ Wh[0].T + bh[0])
    z = torch.sigmoid(x @ Wx[1].T + bx[1] + h @ Wh[1].T + bh[1])
    n = torch.tanh(x @ Wx[2].T + bx[2] + r * (h @ Wh[2].T + bh[2]))
    return n + z * (h - n)


def gru_forward_stack(xs, h0, *w):
    h, outputs = h0, []
    for t in range(xs.shape[1]):
        h = gru_chunk(xs[:, t], h, *w)
        outputs.append(h)
    return torch.stack(outputs, dim=1), h


def gru_forward_buffer(xs, h0, *w):
    outputs = torch.zeros(xs.shape[0], xs.shape[1], h0.shape[1], dtype=xs.dtype)
    h = h0
    for t in range(xs.shape[1]):
        h = gru_lerp(xs[:, t], h, *w)
        outputs[:, t, :] = h
    return outputs, h


def gru_forward_empty_like(xs, h0, *w):
    outputs = torch.empty_like(xs[:, :, :1]).expand(-1, -1, h0.shape[1]).clone()
    h = h0
    for t, x in enumerate(xs.unbind(dim=1)):
        h = gru_split_blocks(x, h, *w)
        outputs[:, t] = h
    return [outputs, h]


RIGHT = [
    ("lstm_cell", lstm_chunk), ("lstm_cell", lstm_split_linear),
    ("lstm_cell", lstm_slices_addmm), ("lstm_cell", lstm_per_block),
    ("lstm_cell", lstm_einsum),
    ("lstm_forward", lstm_forward_stack), ("lstm_forward", lstm_forward_buffer),
    ("lstm_forward", lstm_forward_time_major), ("lstm_forward", lstm_forward_cat),
    ("gru_cell", gru_chunk), ("gru_cell", gru_lerp), ("gru_cell", gru_split_blocks),
    ("gru_forward", gru_forward_stack), ("gru_forward", gru_forward_buffer),
    ("gru_forward", gru_forward_empty_like),
]


@pytest.mark.parametrize(("task", "right"), RIGHT,
                         ids=[f"{t}-{f.__name__}" for t, f in RIGHT])
def test_correct_idioms_pass(task, right, capsys):
    CHECKS[task](right)
    assert capsys.readouterr().out.startswith(f"✓ {task}")


# Plausible mistakes.
def lstm_float32(x, h, c, *w):
    return tuple(t.float() for t in lstm_chunk(x.float(), h.float(), c.float(),
                                                *(p.float() for p in w)))


def lstm_numpy(x, h, c, *w):
    return tuple(t.numpy() for t in lstm_chunk(x, h, c, *w))


def lstm_no_grad(x, h, c, *w):
    with torch.no_grad():
        return lstm_chunk(x, h, c, *w)


def lstm_detached_h(x, h, c, *w):
    return lstm_chunk(x, h.detach(), c, *w)


def lstm_numpy_tanh(x, h, c, W_ih, W_hh, b_ih, b_hh):
    i, f, g, o = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.from_numpy(np.tanh(c_new.detach().numpy())), c_new


def lstm_weight_data(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return lstm_chunk(x, h, c, W_ih, W_hh.data, b_ih, b_hh)


def lstm_in_place_sigmoid(x, h, c, W_ih, W_hh, b_ih, b_hh):
    i, f, g, o = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=1)
    i, f, o = i.sigmoid_(), f.sigmoid_(), o.sigmoid_()
    c_new = f * c + i * torch.tanh(g)
    return o * torch.tanh(c_new), c_new


def lstm_returns_inputs(x, h, c, *w):
    return h, c


def lstm_no_tanh_on_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    i, f, g, o = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * c_new, c_new


def lstm_bias_twice(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return lstm_chunk(x, h, c, W_ih, W_hh, b_ih, b_ih)


def lstm_nan(x, h, c, *w):
    h_new, c_new = lstm_chunk(x, h, c, *w)
    return h_new / 0 * 0, c_new


def lstm_grad_off(x, h, c, *w):
    torch.set_grad_enabled(False)
    return lstm_chunk(x, h, c, *w)


def lstm_g_sigmoid(x, h, c, W_ih, W_hh, b_ih, b_hh):
    i, f, g, o = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.sigmoid(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new


def lstm_forward_detached(xs, h0, c0, *w):
    h, c, outputs = h0, c0, []
    for t in range(xs.shape[1]):
        h, c = lstm_chunk(xs[:, t], h.detach(), c.detach(), *w)
        outputs.append(h)
    return torch.stack(outputs, dim=1), (h, c)


def lstm_forward_no_grad(xs, h0, c0, *w):
    with torch.no_grad():
        return lstm_forward_stack(xs, h0, c0, *w)


def lstm_forward_late(xs, h0, c0, *w):
    h, c, outputs = h0, c0, []
    for t in range(xs.shape[1]):
        outputs.append(h)
        h, c = lstm_chunk(xs[:, t], h, c, *w)
    return torch.stack(outputs, dim=1), (h, c)


def lstm_forward_float32_buffer(xs, h0, c0, *w):
    outputs = torch.zeros(xs.shape[0], xs.shape[1], h0.shape[1])
    h, c = h0, c0
    for t in range(xs.shape[1]):
        h, c = lstm_chunk(xs[:, t], h, c, *w)
        outputs[:, t] = h
    return outputs, (h, c)


def lstm_forward_via_numpy(xs, h0, c0, *w):
    outputs, (h, c) = lstm_forward_stack(xs, h0, c0, *w)
    return torch.tensor(outputs.detach().numpy()), (h, c)


def lstm_forward_final_swapped(xs, h0, c0, *w):
    outputs, (h, c) = lstm_forward_stack(xs, h0, c0, *w)
    return outputs, (c, h)


def lstm_forward_first_input(xs, h0, c0, *w):
    h, c, outputs = h0, c0, []
    for _t in range(xs.shape[1]):
        h, c = lstm_chunk(xs[:, 0], h, c, *w)
        outputs.append(h)
    return torch.stack(outputs, dim=1), (h, c)


def lstm_forward_c_from_zero(xs, h0, c0, *w):
    return lstm_forward_stack(xs, h0, torch.zeros_like(c0), *w)


def lstm_forward_item_round_trip(xs, h0, c0, *w):
    h, c, outputs = h0, c0, []
    for t in range(xs.shape[1]):
        h, c = lstm_chunk(xs[:, t], h, c, *w)
        outputs.append(h)
        h = torch.tensor(h.tolist(), dtype=xs.dtype)
    return torch.stack(outputs, dim=1), (h, c)


def lstm_forward_final_from_h0(xs, h0, c0, *w):
    outputs, (_h, c) = lstm_forward_stack(xs, h0, c0, *w)
    return outputs, (h0, c)


def lstm_forward_initial_state_detached(xs, h0, c0, *w):
    return lstm_forward_stack(xs, h0.detach(), c0.detach(), *w)


def gru_reset_before(x, h, W_ih, W_hh, b_ih, b_hh):
    x_r, x_z, x_n = (x @ W_ih.T + b_ih).chunk(3, dim=1)
    W_hr, W_hz, W_hn = W_hh.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r = torch.sigmoid(x_r + h @ W_hr.T + b_hr)
    z = torch.sigmoid(x_z + h @ W_hz.T + b_hz)
    n = torch.tanh(x_n + (r * h) @ W_hn.T + b_hn)
    return (1 - z) * n + z * h


def gru_float32(x, h, *w):
    return gru_chunk(x, h, *w).float()


def gru_detached_h(x, h, *w):
    return gru_chunk(x, h.detach(), *w)


def gru_returns_h(x, h, *w):
    return h


def gru_numpy_round_trip(x, h, *w):
    return torch.from_numpy(gru_chunk(x, h, *w).detach().numpy().copy())


def gru_in_place(x, h, *w):
    h_new = gru_chunk(x, h, *w)
    h.copy_(h_new)
    return h


def gru_update_from_x_only(x, h, W_ih, W_hh, b_ih, b_hh):
    x_r, x_z, x_n = (x @ W_ih.T + b_ih).chunk(3, dim=1)
    h_r, _h_z, h_n = (h @ W_hh.T + b_hh).chunk(3, dim=1)
    r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z)
    return (1 - z) * torch.tanh(x_n + r * h_n) + z * h


def gru_forward_detached(xs, h0, *w):
    h, outputs = h0, []
    for t in range(xs.shape[1]):
        h = gru_chunk(xs[:, t], h.detach(), *w)
        outputs.append(h)
    return torch.stack(outputs, dim=1), h


def gru_forward_no_grad(xs, h0, *w):
    with torch.no_grad():
        return gru_forward_stack(xs, h0, *w)


def gru_forward_late(xs, h0, *w):
    h, outputs = h0, []
    for t in range(xs.shape[1]):
        outputs.append(h)
        h = gru_chunk(xs[:, t], h, *w)
    return torch.stack(outputs, dim=1), h


def gru_forward_from_zero(xs, h0, *w):
    return gru_forward_stack(xs, torch.zeros_like(h0), *w)


def gru_forward_float32_buffer(xs, h0, *w):
    outputs = torch.zeros(xs.shape[0], xs.shape[1], h0.shape[1])
    h = h0
    for t in range(xs.shape[1]):
        h = gru_chunk(xs[:, t], h, *w)
        outputs[:, t] = h
    return outputs, h


def gru_forward_returns_h0(xs, h0, *w):
    return gru_forward_stack(xs, h0, *w)[0], h0


def gru_forward_first_input(xs, h0, *w):
    h, outputs = h0, []
    for _t in range(xs.shape[1]):
        h = gru_chunk(xs[:, 0], h, *w)
        outputs.append(h)
    return torch.stack(outputs, dim=1), h


def gru_forward_list(xs, h0, *w):
    h, outputs = h0, []
    for t in range(xs.shape[1]):
        h = gru_chunk(xs[:, t], h, *w)
        outputs.append(h)
    return outputs, h


def gru_forward_grad_off(xs, h0, *w):
    torch.set_grad_enabled(False)
    return gru_forward_stack(xs, h0, *w)


def gru_forward_reset_before(xs, h0, *w):
    h, outputs = h0, []
    for t in range(xs.shape[1]):
        h = gru_reset_before(xs[:, t], h, *w)
        outputs.append(h)
    return torch.stack(outputs, dim=1), h


CUT = "cuts the graph"
WRONG = [
    ("lstm_cell", lstm_float32, "dtype"),
    ("lstm_cell", lstm_numpy, "torch tensor"),
    ("lstm_cell", lstm_no_grad, CUT),
    ("lstm_cell", lstm_detached_h, "no gradient reaches h"),
    ("lstm_cell", lstm_numpy_tanh, "gradient"),
    ("lstm_cell", lstm_weight_data, "no gradient reaches W_hh"),
    ("lstm_cell", lstm_in_place_sigmoid, "in-place"),
    ("lstm_cell", lstm_returns_inputs, "equals the input h"),
    ("lstm_cell", lstm_no_tanh_on_cell, "h_new"),
    ("lstm_cell", lstm_bias_twice, "differ"),
    ("lstm_cell", lstm_nan, "NaN"),
    ("lstm_cell", lstm_grad_off, "set_grad_enabled"),
    ("lstm_cell", lstm_g_sigmoid, "differ"),
    ("lstm_forward", lstm_forward_detached, "only at the last step"),
    ("lstm_forward", lstm_forward_no_grad, CUT),
    ("lstm_forward", lstm_forward_late, "one step late"),
    ("lstm_forward", lstm_forward_float32_buffer, "float32"),
    ("lstm_forward", lstm_forward_via_numpy, CUT),
    ("lstm_forward", lstm_forward_final_swapped, "h_T"),
    ("lstm_forward", lstm_forward_first_input, "xs[:, 0]"),
    ("lstm_forward", lstm_forward_c_from_zero, "c from zeros"),
    ("lstm_forward", lstm_forward_item_round_trip, CUT),
    ("lstm_forward", lstm_forward_final_from_h0, "equals the input h0"),
    ("lstm_forward", lstm_forward_initial_state_detached, "no gradient reaches h0"),
    ("gru_cell", gru_reset_before, "Cho et al."),
    ("gru_cell", gru_float32, "dtype"),
    ("gru_cell", gru_detached_h, "no gradient reaches h"),
    ("gru_cell", gru_returns_h, "equals the input h"),
    ("gru_cell", gru_numpy_round_trip, CUT),
    ("gru_cell", gru_in_place, "changed one of its inputs"),
    ("gru_cell", gru_update_from_x_only, "differ"),
    ("gru_forward", gru_forward_detached, "only at the last step"),
    ("gru_forward", gru_forward_no_grad, CUT),
    ("gru_forward", gru_forward_late, "one step late"),
    ("gru_forward", gru_forward_from_zero, "starts from zeros"),
    ("gru_forward", gru_forward_float32_buffer, "float32"),
    ("gru_forward", gru_forward_returns_h0, "equals the input h0"),
    ("gru_forward", gru_forward_first_input, "xs[:, 0]"),
    ("gru_forward", gru_forward_list, "torch tensor"),
    ("gru_forward", gru_forward_grad_off, "set_grad_enabled"),
    ("gru_forward", gru_forward_reset_before, "Cho et al."),
]


@pytest.mark.parametrize(("task", "wrong", "hint"), WRONG,
                         ids=[f"{t}-{f.__name__}" for t, f, _ in WRONG])
def test_plausible_mistakes_fail_with_a_useful_message(task, wrong, hint):
    try:
        with pytest.raises(CheckFailed) as failure:
            CHECKS[task](wrong)
    finally:
        torch.set_grad_enabled(True)
    message = str(failure.value)
    assert message.startswith(f"✗ {task}:") and hint in message, message
    assert torch.is_grad_enabled()


def test_an_off_by_one_loop_is_not_blamed_on_the_initial_state():
    with pytest.raises(CheckFailed) as failure:
        check_lstm_forward(lstm_forward_late)
    assert "initial state" not in str(failure.value) and "zeros" not in str(failure.value)


@pytest.mark.parametrize("task", CHECKS)
def test_messages_never_show_expected_values(task, monkeypatch):
    """No failing message holds a number with many digits (an expected value would)."""
    import re

    for t, wrong, _hint in WRONG:
        if t != task:
            continue
        try:
            with pytest.raises(CheckFailed) as failure:
                CHECKS[task](wrong)
        finally:
            torch.set_grad_enabled(True)
        assert not re.search(r"\d\.\d{3,}(?!e)", str(failure.value)), str(failure.value)
