"""Checks for lab 04: the collate function, one training step and the evaluation loop.

The learner's functions run on small fixed batches and models; each check compares
with what PyTorch computes and names a cause only where it recognises the mistake:
padding on the wrong side, a batch that is not sorted, labels separated from their
reviews, gradients that pile up because ``zero_grad`` is missing, evaluation with
dropout on or gradients recorded, averaged per-batch accuracies, a batch not moved to
the model's device. ``train_step`` is judged by what it did to the weights (compared
with a reference step), ``evaluate_accuracy`` on two models, one of them drawn anew at
every call, so that no constant passes; no expected value is ever printed.
"""

from __future__ import annotations

import copy
import math
import numbers
import random
from collections.abc import Callable, Iterator
from typing import Any

from ..batching import collate
from ..i18n import _
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


def _loss_value(task: str, loss: Any, name: str = "loss") -> float:
    """The learner's returned loss as a finite float, or a failed check."""
    torch = _torch()
    if isinstance(loss, torch.Tensor):
        fail(task, _("return the loss as a Python float: loss.item()."))
    if isinstance(loss, bool) or not isinstance(loss, numbers.Real):
        fail(task, _("it should return the loss as a float, not {type}.",
                     type=type(loss).__name__))
    if not math.isfinite(float(loss)):
        fail(task, _("the returned loss is {value}, not a finite number.", value=loss))
    return float(loss)


def _reference_step(model: Any, optimizer: Any, ids: Any, lengths: Any, labels: Any, *,
                    seed: int, zero_grad: bool = True, clip: float | None = None) -> float:
    """One step as the lab asks (``zero_grad=False``: gradients left to pile up)."""
    torch = _torch()
    model.train()
    torch.manual_seed(seed)                          # the learner's dropout masks
    loss = torch.nn.functional.binary_cross_entropy_with_logits(model(ids, lengths), labels)
    if zero_grad:
        optimizer.zero_grad()
    loss.backward()
    if clip is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return loss.item()


def _same_weights(a: Any, b: Any) -> bool:
    torch = _torch()
    return all(torch.allclose(x, y, rtol=1e-5, atol=1e-6)
               for x, y in zip(a.parameters(), b.parameters(), strict=True))


def check_train_step(train_step: Callable[..., float]) -> None:
    """Check ``train_step(model, ids, lengths, labels, optimizer) -> loss`` (a float).

    Each step must move the weights as one Adam step on the batch's
    ``binary_cross_entropy_with_logits`` does, in training mode (with the lesson's
    clipping at norm 1 too); the order of ``zero_grad`` is free.
    """
    torch = _torch()
    task = "train_step"
    with torch.random.fork_rng():                   # the learner's random state is left alone
        _check_train_step(task, train_step)
    passed(task)


def _check_train_step(task: str, train_step: Callable[..., float]) -> None:
    torch = _torch()
    ids, lengths, labels = collate(BATCH)
    model = _tiny_model(1, dropout=0.3)
    model.eval()                                     # the step must switch training on
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    twins = {}
    for key in ("right", "clipped", "piled"):
        twin = copy.deepcopy(model)
        twins[key] = (twin, torch.optim.Adam(twin.parameters(), lr=0.05))
    modes: list[bool] = []
    hook = model.register_forward_hook(lambda module, *_args: modes.append(module.training))
    try:
        for step in range(4):
            seed = 1000 + step
            want = {key: _reference_step(*twin, ids, lengths, labels, seed=seed,
                                         zero_grad=key != "piled",
                                         clip=1.0 if key == "clipped" else None)
                    for key, twin in twins.items()}
            before = [p.detach().clone() for p in model.parameters()]
            torch.manual_seed(seed)
            loss = call(task, train_step, model, ids, lengths, labels, optimizer,
                        copy_args=False)
            got = _loss_value(task, loss)
            if modes and not all(modes):
                fail(task, _("the model ran in evaluation mode: call model.train() at the "
                             "start of the step, so that dropout is on."))
            if all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True)):
                fail(task, _("the weights did not change: the step needs loss.backward() "
                             "and then optimizer.step(), with the gradients still there "
                             "when step() runs."))
            if not (_same_weights(model, twins["right"][0])
                    or _same_weights(model, twins["clipped"][0])):
                if step > 0 and _same_weights(model, twins["piled"][0]):
                    fail(task, _("the gradients pile up from step to step: call "
                                 "optimizer.zero_grad() once per step, before "
                                 "loss.backward() or after optimizer.step()."))
                fail(task, _("after step {step} the weights differ from those of one "
                             "optimizer step on binary_cross_entropy_with_logits(model(ids, "
                             "lengths), labels): check the loss and that step() runs "
                             "once.", step=step + 1))
            if not math.isclose(got, want["right"], rel_tol=1e-4, abs_tol=1e-6):
                fail(task, _("the returned loss is not the mean loss of this batch before "
                             "the update."))
            for twin, _optimizer in twins.values():       # follow the learner's weights
                twin.load_state_dict(model.state_dict())
    finally:
        hook.remove()


def _host_tensor_type() -> type:
    """A tensor type that marks a batch not yet moved with ``.to(device)``."""
    torch = _torch()

    class OnHost(torch.Tensor):
        def to(self, *args: Any, **kwargs: Any) -> Any:
            return torch.Tensor.to(self.as_subclass(torch.Tensor), *args, **kwargs)

        def cuda(self, *args: Any, **kwargs: Any) -> Any:
            return torch.Tensor.cuda(self.as_subclass(torch.Tensor), *args, **kwargs)

    return OnHost


class _Batches:
    """An iterable of ``(ids, lengths, labels)`` batches, like a DataLoader (``dataset``,
    ``len``); ids and labels come as tensors that must be moved with ``.to(device)``."""

    def __init__(self, pairs: list, batch_size: int) -> None:
        self.dataset, self.batch_size = pairs, batch_size
        self.batches = [collate(pairs[i:i + batch_size]) for i in range(0, len(pairs),
                                                                         batch_size)]
        self.host = _host_tensor_type()

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self) -> Iterator[tuple]:
        for ids, lengths, labels in self.batches:
            yield ids.as_subclass(self.host), lengths, labels.as_subclass(self.host)


def _dataset(seed: int, n: int) -> list:
    torch = _torch()
    generator = torch.Generator().manual_seed(seed)
    return [(torch.randint(2, 12, (int(k),), generator=generator).tolist(),
             int(torch.randint(0, 2, (1,), generator=generator)))
            for k in torch.randint(3, 15, (n,), generator=generator)]


def _accuracies(model: Any, loader: _Batches) -> dict[str, float]:
    """The right accuracy and those of recognised mistakes, computed in evaluation mode."""
    torch = _torch()
    model.eval()
    correct = per_batch = half = positive = 0.0
    with torch.no_grad():
        for ids, lengths, labels in loader.batches:
            logits = model(ids, lengths)
            right = ((logits > 0).float() == labels).sum().item()
            correct += right
            per_batch += right / len(labels)
            half += ((logits > 0.5).float() == labels).sum().item()
            positive += labels.sum().item()
    n = len(loader.dataset)
    return {"right": correct / n, "per_batch": per_batch / len(loader),
            "half": half / n, "flipped": 1 - correct / n, "all_positive": positive / n,
            "all_negative": 1 - positive / n,
            "batch_size": correct / (len(loader) * loader.batch_size)}


def _spread_logits(model: Any, loader: _Batches) -> None:
    """Rescale the output layer so that the logits have median 0.25 and spread 0.5: then
    some reviews lie below 0, many between 0 and 0.5 and some above, and thresholding at
    0.5 instead of 0 (or a forgotten or doubled sigmoid) changes the answer."""
    torch = _torch()
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(ids, lengths) for ids, lengths, _labels in loader.batches])
        scale = 0.5 / logits.std().clamp_min(1e-6)
        model.out.weight *= scale
        model.out.bias *= scale
        model.out.bias += 0.25 - (logits * scale).median()


def _relabel(model: Any, loader: _Batches, seed: int) -> None:
    """Give each review the model's own prediction as label, except for about a quarter
    of them chosen at random: the right accuracy is then near 0.75, far from what a
    constant prediction or a flipped comparison would score."""
    torch = _torch()
    generator = torch.Generator().manual_seed(seed)
    model.eval()
    with torch.no_grad():
        for k, (ids, lengths, _labels) in enumerate(loader.batches):
            predicted = (model(ids, lengths) > 0).float()
            flip = torch.rand(predicted.shape, generator=generator) < 0.25
            loader.batches[k] = (ids, lengths, torch.where(flip, 1 - predicted, predicted))


def _distinct(accuracies: dict[str, float]) -> bool:
    """Whether the recognised mistakes all score differently from the right answer."""
    right = accuracies["right"]
    return all(abs(value - right) > 1e-6 for key, value in accuracies.items()
               if key != "right")


def _evaluation_case(seed: int, n: int, batch_size: int) -> tuple[Any, _Batches]:
    """A model with dropout and batches on which every recognised mistake scores
    differently from the right accuracy (the seed moves on until that holds)."""
    while True:
        model, loader = _tiny_model(seed, dropout=0.5), _Batches(_dataset(seed + 1, n),
                                                                   batch_size)
        _spread_logits(model, loader)
        _relabel(model, loader, seed + 2)
        if _distinct(_accuracies(model, loader)):
            return model, loader
        seed += 1000


def _evaluate_once(task: str, evaluate_accuracy: Callable, model: Any, loader: _Batches,
                   ) -> tuple[float, dict[str, float]]:
    """Run the learner's function once, watching modes, gradients and devices."""
    torch = _torch()
    model.train()
    state = copy.deepcopy(model.state_dict())
    seen: dict[str, bool] = {"train": False, "grad": False, "host": False}

    def watch(module: Any, args: tuple, *_rest: Any) -> None:
        seen["train"] |= any(m.training for m in module.modules())
        seen["grad"] |= torch.is_grad_enabled()
        seen["host"] |= isinstance(args[0], loader.host)

    hook = model.register_forward_hook(watch)
    torch.set_grad_enabled(True)
    try:
        got = call(task, evaluate_accuracy, model, loader, copy_args=False)
    finally:
        hook.remove()
        left_disabled = not torch.is_grad_enabled()
        torch.set_grad_enabled(True)
    if left_disabled:
        fail(task, _("gradients stay switched off after your function returns: use "
                     "'with torch.no_grad():' around the loop rather than "
                     "torch.set_grad_enabled(False), so that training can go on."))
    if any(not torch.equal(v, model.state_dict()[k]) for k, v in state.items()):
        fail(task, _("the weights changed during evaluation: an evaluation must not train."))
    if isinstance(got, torch.Tensor):
        fail(task, _("return the accuracy as a Python float (use .item()), not a tensor."))
    if isinstance(got, bool) or not isinstance(got, numbers.Real):
        fail(task, _("it should return the accuracy as a float between 0 and 1, not {type}.",
                     type=type(got).__name__))
    got = float(got)
    if not math.isfinite(got):
        fail(task, _("the accuracy is {value}, not a number between 0 and 1.", value=got))
    if seen["host"]:
        fail(task, _("the model received a batch that was never moved to its device: move "
                     "ids (and labels) with .to(device), where device = "
                     "next(model.parameters()).device."))
    if seen["train"]:
        fail(task, _("a part of the model was in training mode, so dropout was still on: "
                     "call model.eval() before the loop."))
    if seen["grad"]:
        fail(task, _("evaluation ran with gradients enabled: wrap the loop in "
                     "torch.no_grad()."))
    return got, _accuracies(model, loader)


def check_evaluate_accuracy(evaluate_accuracy: Callable[[Any, Any], float]) -> None:
    """Check ``evaluate_accuracy(model, loader) -> accuracy`` on two models with dropout:
    a fixed one, and one drawn anew at every call (so that no constant can pass)."""
    task = "evaluate_accuracy"
    with _torch().random.fork_rng():
        _check_evaluate_accuracy(task, evaluate_accuracy)
    passed(task)


def _check_evaluate_accuracy(task: str, evaluate_accuracy: Callable[[Any, Any], float]
                             ) -> None:
    hidden = random.SystemRandom().randrange(10**6)
    for model, loader in (_evaluation_case(2, 90, 32), _evaluation_case(hidden, 75, 20)):
        got, want = _evaluate_once(task, evaluate_accuracy, model, loader)
        if abs(got - want["right"]) <= 1e-6:
            continue
        if 1 < got <= 100 and abs(got / 100 - want["right"]) <= 1e-6:
            fail(task, _("return a fraction between 0 and 1, not a percentage."))
        if not 0 <= got <= 1:
            fail(task, _("an accuracy lies between 0 and 1."))
        if abs(got - want["per_batch"]) <= 1e-6:
            fail(task, _("you averaged the accuracies of the batches, but the last batch "
                         "is shorter: add up the correct predictions and divide by the "
                         "number of reviews."))
        if abs(got - want["half"]) <= 1e-6:
            fail(task, _("a review is predicted positive when its logit is above 0 (its "
                         "probability above 0.5), not when the logit is above 0.5."))
        fail(task, _("the accuracy differs from the fraction of reviews whose prediction "
                     "(logit > 0) equals the label, on the check's own batches."))
