"""Lab 07's checks pass every correct idiom and catch the plausible mistakes.

Four tasks: the streams, the truncated-BPTT loop, the nucleus (top-p) filter and
sampling from it. The loop is checked on a recording model; the sampler by its draws,
with lab 06's binomial ranges, so two more tests bound the chances as lab 06's do.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn.functional import cross_entropy

from course_utils.checks import CheckFailed
from course_utils.checks.lab06 import ALPHA, DRAWS, binomial_pmf, count_ranges
from course_utils.checks.lab07 import (
    FILTER_CASES,
    PATTERN_CASE,
    SAMPLE_CASES,
    TBPTT_CASES,
    _top_p_suspects,
    check_make_streams,
    check_sample_top_p,
    check_top_p_filter,
    check_train_tbptt,
    nucleus,
    reference_run,
)

from .helpers import failure_message

CHECKS = {"make_streams": check_make_streams, "train_tbptt": check_train_tbptt,
          "top_p_filter": check_top_p_filter, "sample_top_p": check_sample_top_p}


# Task 1: make_streams. Correct idioms.
def streams_view(ids, batch_size):
    L = (len(ids) - 1) // batch_size
    return (ids[: batch_size * L].view(batch_size, L),
            ids[1 : batch_size * L + 1].view(batch_size, L))


def streams_stack(ids, batch_size):
    L = (len(ids) - 1) // batch_size
    rows = range(batch_size)
    return (torch.stack([ids[b * L : (b + 1) * L] for b in rows]),
            torch.stack([ids[b * L + 1 : (b + 1) * L + 1] for b in rows]))


def streams_narrow(ids, batch_size):
    L = (ids.numel() - 1) // batch_size
    x = ids.narrow(0, 0, batch_size * L).reshape(batch_size, -1).clone()
    y = ids.narrow(0, 1, batch_size * L).reshape(batch_size, -1).clone()
    return [x, y]


# Task 2: train_tbptt. Correct idioms.
def detach(state):
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def repackage_hidden(h):
    """PyTorch's word-language-model example."""
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


def make_train(*, detach_state=detach, loss_fn=None, order="zbcs", reset="none",
               stride=None, lag=False, per_chunk=None, to_float=lambda loss: loss.item(),
               retain=False, detach_first=False, epochs_used=None):
    """A TBPTT loop; each keyword changes one thing (``order``: z = zero_grad,
    b = backward, c = clip, s = step, in the order given)."""
    loss_fn = loss_fn or (lambda logits, y: cross_entropy(
        logits.reshape(-1, logits.shape[-1]), y.reshape(-1)))

    def train_tbptt(model, inputs, targets, k, epochs, optimizer, clip):
        losses, state = [], None
        L = inputs.shape[1]
        for _epoch in range(epochs if epochs_used is None else epochs_used(epochs)):
            if reset == "none":
                state = None
            elif reset == "zeros" and state is not None:
                state = (tuple(torch.zeros_like(s) for s in state) if isinstance(state, tuple)
                         else torch.zeros_like(state))
            previous = None
            for s in (stride(L, k) if stride else range(0, L, k)):
                if detach_first and state is not None:
                    state = detach_state(state)
                logits, new_state = model(inputs[:, s:s + k], state)
                loss = loss_fn(logits, targets[:, s:s + k])
                for op in order:
                    if op == "z":
                        optimizer.zero_grad()
                    elif op == "b":
                        loss.backward(retain_graph=retain)
                    elif op == "c":
                        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
                    elif op == "v":
                        torch.nn.utils.clip_grad_value_(model.parameters(), clip)
                    elif op == "e":
                        for p in model.parameters():
                            torch.nn.utils.clip_grad_norm_(p, clip)
                    elif op == "s":
                        optimizer.step()
                    elif op == "m":
                        model.zero_grad()
                if lag:           # the state of the chunk before the previous one
                    state = detach_state(new_state) if previous is None else previous
                    previous = detach_state(new_state)
                elif detach_first or retain:
                    state = new_state
                elif per_chunk == "reset":
                    state = None
                else:
                    state = detach_state(new_state)
                losses.append(to_float(loss))
        return losses
    return train_tbptt


def clip_by_hand(params, clip):
    grads = [p.grad for p in params if p.grad is not None]
    total = torch.sqrt(sum((g**2).sum() for g in grads))
    if total > clip:
        for g in grads:
            g.mul_(clip / total)


def train_hand_clipping(model, inputs, targets, k, epochs, optimizer, clip):
    losses = []
    for _ in range(epochs):
        hidden = None
        for start in range(0, inputs.size(1) - k + 1, k):
            x, y = inputs[:, start:start + k], targets[:, start:start + k]
            optimizer.zero_grad()
            logits, hidden = model(x, hidden)
            loss = torch.nn.CrossEntropyLoss()(logits.permute(0, 2, 1), y)
            loss.backward()
            clip_by_hand(list(model.parameters()), clip)
            optimizer.step()
            hidden = [h.detach() for h in hidden] if isinstance(hidden, tuple) else \
                hidden.detach()
            losses.append(float(loss.detach()))
    return losses


def train_while_loop(model, inputs, targets, k, epochs, optimizer, clip):
    losses = []
    for _ in range(epochs):
        state, s = None, 0
        while s < inputs.shape[1]:
            logits, state = model(inputs[:, s:s + k], state)
            steps = [cross_entropy(logits[:, t], targets[:, s + t]) for t in range(k)]
            loss = sum(steps) / k
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=clip)
            optimizer.step()
            optimizer.zero_grad(set_to_none=False)
            state = repackage_hidden(state)
            losses.append(loss.detach().item())
            s += k
    return losses


def per_step_mean(logits, y):
    return torch.stack([cross_entropy(logits[:, t], y[:, t]) for t in range(y.shape[1])]
                       ).mean()


# Task 3: top_p_filter. Correct idioms.
def filter_searchsorted(probs, p):
    order = np.argsort(probs)[::-1]
    cum = np.cumsum(probs[order])
    m = len(probs) if p >= 1 else min(int(np.searchsorted(cum, p)) + 1, len(probs))
    out = np.zeros_like(probs)
    out[order[:m]] = probs[order[:m]]
    return out / out.sum()


def filter_ascending(probs, p):
    order = np.argsort(probs)                      # ascending, read from the end
    out, total = np.zeros_like(probs), 0.0
    for i in order[::-1]:
        out[i] = probs[i]
        total += probs[i]
        if total >= p and p < 1:
            break
    return out / out.sum()


def filter_mass_before(probs, p):
    order = np.argsort(-probs, kind="stable")
    sorted_p = probs[order]
    before = np.cumsum(sorted_p) - sorted_p          # the mass of the more likely tokens
    keep = np.zeros(len(probs), dtype=bool)
    keep[order] = (before < p) | (p == 1)
    out = np.where(keep, probs, 0.0)
    return out / out.sum()


def filter_torch(probs, p):
    t = torch.as_tensor(probs, dtype=torch.float64)
    sorted_p, order = torch.sort(t, descending=True)
    cum = torch.cumsum(sorted_p, 0)
    m = int((cum < p).sum()) + 1 if p < 1 else len(probs)
    out = torch.zeros_like(t)
    out[order[:m]] = sorted_p[:m]
    return (out / out.sum()).numpy()


def filter_keeps_zeros(probs, p):
    if p == 1:
        return probs / probs.sum()
    return filter_searchsorted(probs, p)


def filter_normalise_first(probs, p):
    q = probs / probs.sum()
    idx = sorted(range(len(q)), key=lambda i: -q[i])
    chosen, mass = [], 0.0
    for i in idx:
        if mass >= p and p < 1:
            break
        chosen.append(i)
        mass += q[i]
    out = np.zeros(len(q))
    out[chosen] = q[chosen] / q[chosen].sum()
    return out


# Task 4: sample_top_p. Correct idioms.
def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def sample_reference(logits, p, temperature, rng):
    q = filter_searchsorted(softmax(np.asarray(logits, dtype=np.float64) / temperature), p)
    return int(rng.choice(len(q), p=q))


def sample_torch(logits, p, temperature, rng):
    q = torch.softmax(torch.as_tensor(logits, dtype=torch.float64) / temperature, 0)
    return rng.choice(len(logits), p=filter_torch(q.numpy(), p))


def sample_cumsum(logits, p, temperature, rng):
    q = filter_ascending(softmax(logits / temperature), p)
    cdf = np.cumsum(q)
    return min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")), len(q) - 1)


def sample_gumbel(logits, p, temperature, rng):
    q = filter_mass_before(softmax(logits / temperature), p)
    with np.errstate(divide="ignore"):
        return int(np.argmax(np.log(q) + rng.gumbel(size=len(q))))


RIGHT = [
    ("make_streams", f) for f in (streams_view, streams_stack, streams_narrow)
] + [
    ("train_tbptt", f) for f in (
        make_train(), make_train(detach_state=repackage_hidden),
        make_train(detach_state=lambda s: [t.detach() for t in s] if isinstance(s, tuple)
                   else s.detach()),
        make_train(detach_first=True), make_train(order="bcszm"), make_train(order="mbcs"),
        make_train(reset="zeros"), make_train(loss_fn=per_step_mean),
        make_train(to_float=lambda loss: loss.detach().item()),
        train_hand_clipping, train_while_loop)
] + [
    ("top_p_filter", f) for f in (
        filter_searchsorted, filter_ascending, filter_mass_before, filter_torch,
        filter_keeps_zeros, filter_normalise_first)
] + [
    ("sample_top_p", f) for f in (sample_reference, sample_torch, sample_cumsum,
                                  sample_gumbel)
]


@pytest.mark.parametrize(("task", "right"), RIGHT,
                         ids=[f"{t}-{i}" for i, (t, _f) in enumerate(RIGHT)])
def test_correct_idioms_pass(task, right, capsys):
    CHECKS[task](right)
    assert capsys.readouterr().out.startswith(f"✓ {task}")


# Plausible mistakes: make_streams.
def streams_with(inputs_of, targets_of):
    def make_streams(ids, batch_size):
        L = (len(ids) - 1) // batch_size
        return inputs_of(ids, batch_size, L), targets_of(ids, batch_size, L)
    return make_streams


def right_inputs(ids, B, L):
    return ids[: B * L].view(B, L)


def right_targets(ids, B, L):
    return ids[1 : B * L + 1].view(B, L)


def streams_without_minus_one(ids, batch_size):
    L = len(ids) // batch_size
    return ids[: batch_size * L].view(batch_size, L), ids[1 : batch_size * L + 1].view(
        batch_size, -1)


def streams_rolled(ids, batch_size):
    x = right_inputs(ids, batch_size, (len(ids) - 1) // batch_size)
    return x, torch.roll(x, -1, dims=1)


WRONG_STREAMS = [
    (streams_with(lambda ids, B, L: ids[: B * L].view(L, B).T,
                  lambda ids, B, L: ids[1 : B * L + 1].view(L, B).T), "interleave"),
    (streams_with(right_inputs, right_inputs), "targets equal inputs"),
    (streams_with(right_inputs, lambda ids, B, L: torch.cat([ids[-1:], ids[: B * L - 1]])
                  .view(B, L)), "wrong way"),
    (streams_with(lambda ids, B, L: ids[len(ids) - B * L - 1 : -1].view(B, L),
                  lambda ids, B, L: ids[len(ids) - B * L :].view(B, L)), "at the start"),
    (streams_with(lambda ids, B, L: right_inputs(ids, B, L).float(),
                  lambda ids, B, L: right_targets(ids, B, L).float()), "dtype"),
    (streams_without_minus_one, "(len(ids) - 1) // B, not len(ids) // B"),
    (streams_with(lambda ids, B, L: right_inputs(ids, B, L).numpy(),
                  lambda ids, B, L: right_targets(ids, B, L).numpy()), "torch tensor"),
    (streams_with(lambda ids, B, L: right_inputs(ids, B, L).T,
                  lambda ids, B, L: right_targets(ids, B, L).T), "shape"),
    (streams_rolled, "last target"),
    (streams_with(lambda ids, B, L: ids[: B * L].view(B, L).to(torch.int32),
                  lambda ids, B, L: ids[1 : B * L + 1].view(B, L).to(torch.int32)), "dtype"),
]


# Plausible mistakes: train_tbptt.
def train_state_detach_only(model, inputs, targets, k, epochs, optimizer, clip):
    """Works for a GRU, not for an LSTM's tuple."""
    return make_train(detach_state=lambda s: s.detach())(model, inputs, targets, k, epochs,
                                                         optimizer, clip)


def unpack_pair(state):
    h, c = state
    return h.detach(), c.detach()


def train_returns_epoch_means(model, inputs, targets, k, epochs, optimizer, clip):
    losses = make_train()(model, inputs, targets, k, epochs, optimizer, clip)
    n = inputs.shape[1] // k
    return [float(np.mean(losses[i:i + n])) for i in range(0, len(losses), n)]


def train_twice_per_chunk(model, inputs, targets, k, epochs, optimizer, clip):
    losses = []
    for _ in range(epochs):
        state = None
        for s in range(0, inputs.shape[1], k):
            logits, _new = model(inputs[:, s:s + k], state)
            loss = cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                   targets[:, s:s + k].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            with torch.no_grad():
                _logits, state = model(inputs[:, s:s + k], state)
            losses.append(loss.item())
    return losses


def train_rows(model, inputs, targets, k, epochs, optimizer, clip):
    losses = []
    for _ in range(epochs):
        state = None
        for s in range(0, inputs.shape[1], k):
            logits, state = model(inputs[s:s + k], state)
            loss = cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                   targets[s:s + k].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            state = detach(state)
            losses.append(loss.item())
    return losses


def train_whole_epoch_graph(model, inputs, targets, k, epochs, optimizer, clip):
    """Full BPTT over an epoch: the losses added up, one backward per epoch."""
    losses = []
    for _ in range(epochs):
        state, total = None, 0
        optimizer.zero_grad()
        for s in range(0, inputs.shape[1], k):
            logits, state = model(inputs[:, s:s + k], state)
            loss = cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                   targets[:, s:s + k].reshape(-1))
            total = total + loss
            losses.append(loss.item())
        total.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
    return losses


def sum_loss(logits, y):
    return cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                           reduction="sum")


def time_sum_loss(logits, y):
    return sum(cross_entropy(logits[:, t], y[:, t]) for t in range(y.shape[1]))


def transposed_targets_loss(logits, y):
    return cross_entropy(logits.reshape(-1, logits.shape[-1]), y.T.reshape(-1))


def train_targets_are_inputs(model, inputs, targets, k, epochs, optimizer, clip):
    return make_train()(model, inputs, inputs, k, epochs, optimizer, clip)


WRONG_TBPTT = [
    (make_train(detach_state=lambda s: s), "backward through the graph a second time"),
    (make_train(detach_state=lambda s: (s[0].detach(), s[1])), "Part of the LSTM's state"),
    (train_state_detach_only, "tuple (h, c)"),
    (make_train(detach_state=unpack_pair), "nn.GRU"),
    (make_train(detach_state=lambda s: s, retain=True), "still requires grad"),
    (make_train(per_chunk="reset"), "started from None or zeros"),
    (make_train(reset="keep"), "reset it to None at the start of every epoch"),
    (make_train(stride=lambda L, k: range(0, L - k + 1)), "overlap"),
    (make_train(stride=lambda L, k: range(0, L - k + 1, k - 1)), "overlap"),
    (make_train(stride=lambda L, k: reversed(range(0, L, k))), "backwards"),
    (make_train(order="bcs"), "pile up"),
    (make_train(order="bzcs"), "did not change"),
    (make_train(order="zcbs"), "not clipped"),
    (make_train(order="zbs"), "not clipped"),
    (make_train(order="zbvs"), "global norm"),
    (make_train(order="zbes"), "each parameter"),
    (make_train(order="zsbc"), "did not change"),
    (make_train(loss_fn=sum_loss), "summed"),
    (make_train(loss_fn=time_sum_loss), "summed"),
    (make_train(loss_fn=transposed_targets_loss), "mean cross-entropy"),
    (train_targets_are_inputs, "with the inputs"),
    (make_train(to_float=lambda loss: loss), "tensors"),
    (make_train(to_float=lambda loss: loss.detach()), "tensors"),
    (make_train(lag=True), "did not receive the state"),
    (train_twice_per_chunk, "twice"),
    (make_train(epochs_used=lambda epochs: 1), "chunks"),
    (make_train(epochs_used=lambda epochs: epochs + 1), "exactly as many epochs as the argument"),
    (make_train(stride=lambda L, k: range(0, L - k, k)), "never read"),
    (train_returns_epoch_means, "one per chunk"),
    (train_rows, "shape"),
    (train_whole_epoch_graph, "still requires grad"),
    (make_train(stride=lambda L, k: range(k, L, k)), "never read"),
]


# Plausible mistakes: top_p_filter.
def make_filter(*, side="left", descending=True, renormalise=True, extra=0, strict_mass=False,
                clamp=True):
    def top_p_filter(probs, p):
        order = np.argsort(probs)
        if descending:
            order = order[::-1]
        cum = np.cumsum(probs[order])
        if strict_mass:
            m = max(int((cum < p).sum()), 1)
        else:
            m = int(np.searchsorted(cum, p, side=side)) + 1 + extra
        if clamp:
            m = min(m, len(probs))
        out = np.zeros_like(probs)
        out[order[:m]] = probs[order[:m]]
        return out / out.sum() if renormalise else out
    return top_p_filter


def filter_softmax(probs, p):
    return make_filter()(softmax(probs), p)


def filter_in_place(probs, p):
    keep = make_filter()(probs, p) > 0
    probs[~keep] = 0.0
    probs /= probs.sum()
    return probs.copy()


def filter_index_error(probs, p):
    order = np.argsort(probs)[::-1]
    cum = np.cumsum(probs[order])
    m = int(np.searchsorted(cum, p))
    out = np.zeros_like(probs)
    out[order[: m + 1]] = probs[order[: m + 1]] / cum[m]
    return out


def filter_returns_input(probs, p):
    if p >= 1:
        return probs
    return make_filter()(probs, p)


def filter_threshold(probs, p):
    sorted_p = np.sort(probs)[::-1]
    m = min(int(np.searchsorted(np.cumsum(sorted_p), p)), len(probs) - 1)
    out = np.where(probs >= sorted_p[m], probs, 0.0)
    return out / out.sum()


def filter_mask(probs, p):
    return make_filter()(probs, p) > 0


def filter_unsorted(probs, p):
    cum = np.cumsum(probs)
    m = min(int(np.searchsorted(cum, p)) + 1, len(probs))
    out = np.zeros_like(probs)
    out[:m] = probs[:m]
    return out / out.sum()


def filter_hugging_face(probs, p):
    """Remove a token when the mass up to and including it is > p, shifted right."""
    order = np.argsort(-probs)
    remove = np.cumsum(probs[order]) > p
    remove[1:] = remove[:-1].copy()
    remove[0] = False
    out = probs.copy()
    out[order[remove]] = 0.0
    return out / out.sum()


def filter_torch_tensor(probs, p):
    return torch.as_tensor(make_filter()(probs, p))


def filter_each_above(probs, p):
    """A threshold on each probability, not on the running sum."""
    out = np.where(probs >= p, probs, 0.0)
    return out / max(out.sum(), 1e-300)


def filter_no_case_apart(probs, p):
    """Right but for p = 1, where the running sum reaches 1.0 before the tiny tokens."""
    order = np.argsort(probs)[::-1]
    m = min(int(np.searchsorted(np.cumsum(probs[order]), p)) + 1, len(probs))
    out = np.zeros_like(probs)
    out[order[:m]] = probs[order[:m]]
    return out / out.sum()


WRONG_FILTER = [
    (filter_no_case_apart, "keep every token when p = 1"),
    (make_filter(side="right"), "one token too many"),
    (make_filter(descending=False), "less likely one was kept"),
    (make_filter(renormalise=False), "renormalise"),
    (make_filter(extra=1), "fewer of the most likely tokens"),
    (make_filter(strict_mass=True), "mass is below p"),
    (filter_softmax, "softmax"),
    (filter_in_place, "changed one of its inputs"),
    (filter_index_error, "with p = 1"),
    (filter_returns_input, "input array itself"),
    (filter_threshold, "tied"),
    (filter_mask, "dtype"),
    (filter_unsorted, "less likely one was kept"),
    (lambda probs, p: make_filter()(probs, p).tolist(), "NumPy array"),
    (filter_hugging_face, "one token too many"),
    (filter_torch_tensor, "NumPy array"),
    (filter_each_above, "every token got 0"),
]


# Plausible mistakes: sample_top_p.
def make_sample(transform=lambda z, t: z / t, *, filter_fn=filter_searchsorted,
                draw=lambda q, rng: int(rng.choice(len(q), p=q))):
    def sample_top_p(logits, p, temperature, rng):
        q = filter_fn(softmax(transform(np.asarray(logits, dtype=np.float64), temperature)),
                      p)
        return draw(q, rng)
    return sample_top_p


def sample_filter_first(logits, p, temperature, rng):
    kept = filter_searchsorted(softmax(logits), p) > 0
    return int(rng.choice(len(logits), p=softmax(np.where(kept, logits / temperature,
                                                          -np.inf))))


def sample_unstable(logits, p, temperature, rng):
    e = np.exp(np.asarray(logits, dtype=np.float64) / temperature)
    return int(rng.choice(len(e), p=filter_searchsorted(e / e.sum(), p)))


def sample_rank(logits, p, temperature, rng):
    q = filter_searchsorted(softmax(logits / temperature), p)
    return int(rng.choice(len(q), p=np.sort(q)[::-1]))


WRONG_SAMPLE = [
    (make_sample(lambda z, t: z), "whatever the temperature"),
    (make_sample(lambda z, t: z * t), "divide the logits"),
    (make_sample(draw=lambda q, rng: int(np.argmax(q))), "argmax"),
    (make_sample(draw=lambda q, rng: int(np.random.choice(len(q), p=q))), "np.random"),
    (make_sample(filter_fn=lambda q, p: q), "outside the nucleus"),
    (sample_filter_first, "before the temperature"),
    (sample_unstable, "subtract the largest logit"),
    (sample_rank, "ranks"),
    (make_sample(draw=lambda q, rng: int(rng.choice(np.flatnonzero(q)))), "equally often"),
    (make_sample(draw=lambda q, rng: rng.choice(len(q), size=1, p=q)), "shape (1,)"),
    (make_sample(filter_fn=make_filter(strict_mass=True)), "with p = 0.9"),
]

WRONG = ([("make_streams", f, hint) for f, hint in WRONG_STREAMS]
         + [("train_tbptt", f, hint) for f, hint in WRONG_TBPTT]
         + [("top_p_filter", f, hint) for f, hint in WRONG_FILTER]
         + [("sample_top_p", f, hint) for f, hint in WRONG_SAMPLE])


@pytest.mark.parametrize(("task", "wrong", "hint"), WRONG,
                         ids=[f"{t}-{i}" for i, (t, _f, _h) in enumerate(WRONG)])
def test_plausible_mistakes_fail_with_a_useful_message(task, wrong, hint):
    failure_message(CHECKS[task], task, wrong, hint, ignore="0.9999999999999999")


def test_enough_mistakes():
    assert len(WRONG) >= 30
    assert all(sum(t == task for t, _f, _h in WRONG) >= 10 for task in CHECKS)


def test_nan_and_wrong_types_are_named():
    with pytest.raises(CheckFailed, match="NaN"):
        check_top_p_filter(lambda probs, p: np.full(len(probs), np.nan))
    with pytest.raises(CheckFailed, match="finite"):
        check_train_tbptt(make_train(to_float=lambda loss: float("nan")))
    with pytest.raises(CheckFailed, match="list of the chunk losses"):
        check_train_tbptt(lambda *args: make_train()(*args) and None)
    with pytest.raises(CheckFailed, match="never called"):
        check_train_tbptt(lambda *args: [0.0])
    with pytest.raises(CheckFailed, match="pair"):
        check_make_streams(lambda ids, batch_size: ids)


# The cases themselves: each one tests what it claims to test.
def test_clipping_matters_and_the_pattern_is_learnt():
    case = TBPTT_CASES[0]
    _model, _losses, norms = reference_run(case)
    assert min(norms) > 2 * case.clip                 # clipping changes every step
    _model, losses, _norms = reference_run(PATTERN_CASE)
    n = PATTERN_CASE.chunks
    assert np.mean(losses[-n:]) < np.mean(losses[:n]) / 4    # far from the check's bound


def test_chunks_of_random_cases_are_unique():
    for case in TBPTT_CASES:
        inputs, _targets = case.data()
        windows = {tuple(inputs[:, s:s + case.k].flatten().tolist())
                   for s in range(case.L - case.k + 1)}
        assert len(windows) == case.L - case.k + 1
        assert case.L % case.k == 0


def test_filter_cases_are_exact_or_far_from_the_boundary():
    for probs, p in FILTER_CASES:
        running = np.cumsum(np.sort(probs.astype(np.float64))[::-1])
        gap = np.min(np.abs(running - p))
        assert p == 1 or gap > 1e-3 or (gap == 0 and probs.dtype == np.float64), (probs, p)
    assert np.cumsum(np.full(10, 0.1))[-1] < 1                # p = 1 is out of reach


def test_sample_cases_are_far_from_the_boundary():
    for z, p, temperature in SAMPLE_CASES:
        q = np.sort(nucleus(z.astype(np.float64), 1.0, temperature))[::-1]
        assert p == 1 or np.min(np.abs(np.cumsum(q) - p)) > 1e-3


# The chances: a correct sampler fails rarely, a wrong one cannot pass by luck.
def _outside(p, q, n):
    lo, hi = count_ranges(p, n)
    inside = [binomial_pmf(n, q_i)[lo_i: hi_i + 1].sum() for q_i, lo_i, hi_i in zip(
        q, lo, hi, strict=True)]
    return float(np.sum(1 - np.array(inside))), float(np.min(inside))


@pytest.mark.parametrize(("z", "p", "temperature"), SAMPLE_CASES)
def test_a_correct_sampler_fails_with_probability_below_alpha(z, p, temperature):
    q = nucleus(z.astype(np.float64), p, temperature)
    assert _outside(q, q, DRAWS)[0] < ALPHA


@pytest.mark.parametrize("mistake", ["times", "ignored", "unfiltered", "filter first",
                                     "uniform", "rank"])
def test_wrong_distributions_cannot_pass_every_case_by_luck(mistake):
    chances = []
    for z, p, temperature in SAMPLE_CASES:
        z = z.astype(np.float64)
        q = _top_p_suspects(z, p, temperature)[mistake][0]
        chances.append(_outside(nucleus(z, p, temperature), q, DRAWS)[1])
    assert min(chances) < ALPHA
