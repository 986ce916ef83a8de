"""Checks for lab 04: the collate function, one training step and the evaluation loop.

The learner's functions run on small fixed batches and models; each check compares
with what PyTorch computes and names the usual mistakes: padding on the wrong side,
a batch that is not sorted, labels separated from their reviews, gradients that
pile up because ``zero_grad`` is missing, and evaluation with dropout still on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..batching import collate
from ..i18n import _
from ..training import evaluate
from .core import call, expect_tensor, fail, passed

BATCH = [([5, 3, 8], 1), ([7, 2, 9, 4, 6], 0), ([1, 1], 1), ([3, 4, 5, 6], 0)]


def _torch() -> Any:
    import torch

    return torch


def _tiny_model(seed: int, dropout: float = 0.0) -> Any:
    from ..sentiment import SentimentRNN

    _torch().manual_seed(seed)
    return SentimentRNN(12, 6, 8, cell="lstm", dropout=dropout)


def _expect_tensor(task: str, value: Any, name: str, shape: tuple[int, ...],
                   dtype: Any) -> Any:
    value = expect_tensor(task, value, name, shape=shape)
    if value.dtype != dtype:
        fail(task, _("{name} has dtype {got}, expected {want}.", name=name, got=value.dtype,
                     want=dtype))
    return value


def check_collate_batch(collate_batch: Callable[[list], tuple]) -> None:
    """Check ``collate_batch(batch) -> (ids (N, T), lengths (N,), labels (N,))``."""
    torch = _torch()
    task = "collate_batch"
    result = call(task, collate_batch, BATCH)
    if not isinstance(result, tuple) or len(result) != 3:
        fail(task, _("it should return a tuple (ids, lengths, labels)."))
    n, longest = len(BATCH), max(len(ids) for ids, _label in BATCH)
    ids = _expect_tensor(task, result[0], "ids", (n, longest), torch.long)
    lengths = _expect_tensor(task, result[1], "lengths", (n,), torch.long)
    labels = _expect_tensor(task, result[2], "labels", (n,), torch.float32)
    if sorted(lengths.tolist()) != sorted(len(x) for x, _label in BATCH):
        fail(task, _("lengths should hold the number of real tokens of each review."))
    if lengths.tolist() != sorted(lengths.tolist(), reverse=True):
        fail(task, _("sort the batch from the longest review to the shortest: "
                     "pack_padded_sequence(..., enforce_sorted=True) expects that order."))
    rows = []
    for row, length in zip(ids.tolist(), lengths.tolist(), strict=True):
        if any(row[length:]) and not any(row[: longest - length]):
            fail(task, _("the padding is on the left: put the zeros after the tokens, so "
                         "that step t of every row is the t-th token of its review."))
        if any(row[length:]):
            fail(task, _("after the last real token a row must hold only the padding "
                         "index 0."))
        rows.append(tuple(row[:length]))
    pairs = {tuple(x): float(label) for x, label in BATCH}
    if set(rows) != set(pairs):
        fail(task, _("the rows of ids are not the reviews of the batch (each row should "
                     "start with its review's tokens)."))
    if [pairs[r] for r in rows] != labels.tolist():
        fail(task, _("the labels do not follow their reviews: sort the (ids, label) pairs "
                     "together."))
    _check_packing(task, ids, lengths)
    passed(task)


def _check_packing(task: str, ids: Any, lengths: Any) -> None:
    """Packing the learner's batch must give each review's own final LSTM state."""
    torch = _torch()
    from torch.nn.utils.rnn import pack_padded_sequence

    torch.manual_seed(0)
    embed, lstm = torch.nn.Embedding(12, 4), torch.nn.LSTM(4, 5, batch_first=True)
    with torch.no_grad():
        packed = pack_padded_sequence(embed(ids), lengths, batch_first=True)
        h_packed = lstm(packed)[1][0][0]
        for row, length in enumerate(lengths.tolist()):
            alone = lstm(embed(ids[row : row + 1, :length]))[1][0][0, 0]
            if not torch.allclose(h_packed[row], alone, atol=1e-6):
                fail(task, _("packing your batch does not give each review's own final "
                             "state (row {row}).", row=row))


def _reference_gradients(model: Any, ids: Any, lengths: Any, labels: Any) -> list:
    import copy

    torch = _torch()
    twin = copy.deepcopy(model)
    twin.zero_grad()
    torch.nn.BCEWithLogitsLoss()(twin(ids, lengths), labels).backward()
    return [p.grad.clone() for p in twin.parameters()]


def check_train_step(train_step: Callable[..., float]) -> None:
    """Check ``train_step(model, ids, lengths, labels, optimizer) -> loss`` (a float)."""
    torch = _torch()
    task = "train_step"
    ids, lengths, labels = collate(BATCH)
    model = _tiny_model(1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    losses = []
    for step in range(40):
        want = _reference_gradients(model, ids, lengths, labels)
        before = [p.detach().clone() for p in model.parameters()]
        loss = call(task, train_step, model, ids, lengths, labels, optimizer,
                    copy_args=False)
        if isinstance(loss, torch.Tensor) and loss.numel() == 1:
            fail(task, _("return the loss as a Python float: loss.item()."))
        if not isinstance(loss, float):
            fail(task, _("it should return the loss as a float, not {type}.",
                         type=type(loss).__name__))
        grads = [p.grad for p in model.parameters()]
        if any(g is None for g in grads):
            fail(task, _("some parameters have no gradient: call loss.backward()."))
        if all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True)):
            fail(task, _("the weights did not change: call optimizer.step() after "
                         "loss.backward()."))
        if step > 0 and not all(torch.allclose(g, w, atol=1e-6)
                                for g, w in zip(grads, want, strict=True)):
            fail(task, _("the gradients are not those of this batch alone: they pile up "
                         "from step to step. Call optimizer.zero_grad() before "
                         "loss.backward()."))
        losses.append(loss)
    if not losses[-1] < 0.5 * losses[0]:
        fail(task, _("the loss did not fall on a batch the model can learn by heart "
                     "({first:.3f} -> {last:.3f}).", first=losses[0], last=losses[-1]))
    passed(task)


def check_evaluate_accuracy(evaluate_accuracy: Callable[[Any, Any], float]) -> None:
    """Check ``evaluate_accuracy(model, loader) -> accuracy`` on a model with dropout."""
    torch = _torch()
    task = "evaluate_accuracy"
    generator = torch.Generator().manual_seed(3)
    data = [(torch.randint(2, 12, (int(n),), generator=generator).tolist(), int(n) % 2)
            for n in torch.randint(3, 15, (96,), generator=generator)]
    loader = torch.utils.data.DataLoader(data, batch_size=32, collate_fn=collate)
    model = _tiny_model(2, dropout=0.5)
    model.train()
    grad_seen, train_mode_seen = [], []

    def watch(module: Any, *_args: Any) -> None:
        grad_seen.append(torch.is_grad_enabled())
        train_mode_seen.append(module.training)

    hook = model.register_forward_hook(watch)
    try:
        got = call(task, evaluate_accuracy, model, loader, copy_args=False)
    finally:
        hook.remove()
    want = evaluate(model, loader, device="cpu")[1]
    if not isinstance(got, float | int) or isinstance(got, bool):
        fail(task, _("it should return the accuracy as a float between 0 and 1."))
    if abs(got - want) > 1e-9:
        if 1 < got <= 100 and abs(got / 100 - want) < 1e-9:
            fail(task, _("return a fraction between 0 and 1, not a percentage."))
        fail(task, _("the accuracy is {got:.4f}, expected {want:.4f}. Is the model in "
                     "evaluation mode (model.eval()), so that dropout is off?",
                     got=float(got), want=want))
    if any(train_mode_seen):
        fail(task, _("the model was in training mode, so dropout was still on: call "
                     "model.eval() before the loop."))
    if any(grad_seen):
        fail(task, _("evaluation ran with gradients enabled: wrap the loop in "
                     "torch.no_grad()."))
    passed(task)
