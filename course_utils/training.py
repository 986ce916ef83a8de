"""A readable training loop for lesson 04 and later: AdamW, clipping, early stopping.

The model takes ``(ids, lengths)`` and returns one logit per sequence; the loss is
``BCEWithLogitsLoss``. :func:`fit` keeps the weights of the epoch with the best
validation accuracy and puts them back at the end.

A run repeats exactly on the same machine and thread count when the model is built
after ``torch.manual_seed(seed)`` (which also seeds dropout) and the training loader's
sampler has a ``set_epoch`` method, as :class:`~.batching.BucketSampler` has: ``fit``
sets the epoch, so the batches do not depend on what used the loader before. Another
thread count adds floating-point sums in another order, and the runs drift apart.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .device import get_device
from .i18n import _


@dataclass
class History:
    """Per-epoch numbers of a :func:`fit` run, and the epoch whose weights were kept."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    best_epoch: int = 0

    @property
    def best_accuracy(self) -> float:
        return self.val_accuracy[self.best_epoch - 1]


def _progress(batches: Iterable, show: bool, desc: str) -> Iterable:
    if not show:
        return batches
    from tqdm.auto import tqdm

    return tqdm(batches, desc=desc, leave=False)


def _check_loss(loss: Any) -> None:
    if not math.isfinite(loss.item()):
        raise FloatingPointError(_("The loss became {loss}: lower the learning rate or "
                                   "clip the gradients.", loss=loss.item()))


def train_epoch(model: Any, loader: Iterable, optimizer: Any, *, clip: float | None = 1.0,
                device: Any = None, progress: bool = False) -> float:
    """One pass over ``loader`` in training mode; returns the mean training loss."""
    import torch

    device = device or get_device()
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    total, count = 0.0, 0
    for ids, lengths, labels in _progress(loader, progress, _("training")):
        ids, labels = ids.to(device), labels.to(device)
        loss = loss_fn(model(ids, lengths), labels)
        _check_loss(loss)
        optimizer.zero_grad()
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        total, count = total + loss.item() * len(labels), count + len(labels)
    return total / count


def evaluate(model: Any, loader: Iterable, *, device: Any = None) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` on ``loader``, in evaluation mode."""
    import torch

    device = device or get_device()
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum")
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for ids, lengths, labels in loader:
            ids, labels = ids.to(device), labels.to(device)
            logits = model(ids, lengths)
            total += loss_fn(logits, labels).item()
            correct += ((logits > 0).float() == labels).sum().item()
            count += len(labels)
    return total / count, correct / count


def fit(model: Any, train_loader: Iterable, val_loader: Iterable, *, epochs: int,
        lr: float = 2e-3, weight_decay: float = 1e-2, clip: float | None = 1.0,
        patience: int = 2, device: Any = None, progress: bool = True,
        log: Callable[[str], None] | None = print) -> History:
    """Train with AdamW; stop after ``patience`` epochs without a better validation
    accuracy; restore the best weights. Returns the :class:`History`."""
    import torch

    if epochs < 1 or patience < 1:
        raise ValueError(_("fit needs epochs >= 1 and patience >= 1."))
    device = device or get_device()
    model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    history, best_state, waited = History(), None, 0
    sampler = getattr(train_loader, "batch_sampler", None)
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        if hasattr(sampler, "set_epoch"):
            sampler.set_epoch(epoch - 1)          # the batches of this epoch, whatever came before
        train_loss = train_epoch(model, train_loader, optimizer, clip=clip, device=device,
                                 progress=progress)
        val_loss, val_accuracy = evaluate(model, val_loader, device=device)
        history.train_loss.append(train_loss)
        history.val_loss.append(val_loss)
        history.val_accuracy.append(val_accuracy)
        history.seconds.append(time.perf_counter() - start)
        if best_state is None or val_accuracy > history.best_accuracy:
            history.best_epoch, waited = epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
        if log:
            log(_("epoch {epoch}: train loss {train:.3f}, validation loss {val:.3f}, "
                  "accuracy {acc:.3f} ({seconds:.0f} s)", epoch=epoch, train=train_loss,
                  val=val_loss, acc=val_accuracy, seconds=history.seconds[-1]))
        if waited >= patience:
            if log:
                log(_("no better validation accuracy for {n} epochs: stopping early.",
                      n=patience))
            break
    model.load_state_dict(best_state)
    if log:
        log(_("kept the weights of epoch {epoch} (validation accuracy {acc:.3f}).",
              epoch=history.best_epoch, acc=history.best_accuracy))
    return history
