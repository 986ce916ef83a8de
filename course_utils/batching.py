"""Batches of token sequences of different lengths: bucketing, padding and packing.

A batch is padded to its longest sequence, so mixing a 20-token review with a 900-token
one wastes 880 steps of work on the short one. :class:`BucketSampler` groups sequences
of similar length; :func:`collate` pads them and sorts the batch from longest to
shortest, the order that ``pack_padded_sequence(..., enforce_sorted=True)`` expects.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .i18n import _


def collate(batch: Sequence[tuple[Sequence[int], float]], pad_index: int = 0
            ) -> tuple[Any, Any, Any]:
    """``(ids, label)`` pairs -> ``(padded ids (N, T), lengths (N,), labels (N,))``.

    Sorted by length, longest first; padding goes on the right.
    """
    import torch

    if not batch:
        raise ValueError(_("collate got an empty batch."))
    if any(len(ids) == 0 for ids, _label in batch):
        raise ValueError(_("A sequence in the batch is empty: drop empty reviews before "
                           "batching (pack_padded_sequence needs length >= 1)."))
    batch = sorted(batch, key=lambda pair: len(pair[0]), reverse=True)
    lengths = torch.tensor([len(ids) for ids, _label in batch])
    padded = torch.full((len(batch), int(lengths[0])), pad_index, dtype=torch.long)
    for row, (ids, _label) in enumerate(batch):
        padded[row, : len(ids)] = torch.as_tensor(ids, dtype=torch.long)
    labels = torch.tensor([float(label) for _ids, label in batch])
    return padded, lengths, labels


class BucketSampler:
    """Batches of indices whose sequences have similar lengths, in a shuffled order.

    Indices are shuffled, cut into pools of ``pool`` batches, sorted by length inside
    each pool and cut into batches; then the batches are shuffled. Every index appears
    exactly once per epoch. Use it as ``DataLoader(..., batch_sampler=sampler)``.

    The order of epoch ``e`` depends on ``seed`` and ``e`` only: :func:`~.training.fit`
    calls :meth:`set_epoch` before each epoch, so a model trained on a loader that an
    earlier model (or a look at one batch) has already used still sees the same batches.
    """

    def __init__(self, lengths: Sequence[int], batch_size: int, *, pool: int = 50,
                 shuffle: bool = True, seed: int = 0) -> None:
        if batch_size < 1 or pool < 1:
            raise ValueError(_("batch_size and pool must be at least 1."))
        self.lengths = list(lengths)
        self.batch_size, self.pool, self.shuffle = batch_size, pool, shuffle
        self.seed, self.epoch = seed, 0

    def set_epoch(self, epoch: int) -> None:
        """Make the next pass produce the batches of ``epoch`` (0 for the first)."""
        self.epoch = epoch

    def __len__(self) -> int:
        return -(-len(self.lengths) // self.batch_size)

    def __iter__(self) -> Iterator[list[int]]:
        import torch

        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        self.epoch += 1
        n = len(self.lengths)
        order = torch.randperm(n, generator=generator).tolist() if self.shuffle else list(range(n))
        size = self.batch_size * self.pool
        batches = []
        for start in range(0, n, size):
            pool = sorted(order[start:start + size], key=self.lengths.__getitem__)
            batches += [pool[i:i + self.batch_size] for i in range(0, len(pool), self.batch_size)]
        if self.shuffle:
            batches = [batches[i] for i in torch.randperm(len(batches), generator=generator)]
        yield from batches


def make_loader(pairs: Sequence[tuple[Sequence[int], float]], batch_size: int = 64, *,
                shuffle: bool = True, seed: int = 0) -> Any:
    """A DataLoader over ``(ids, label)`` pairs: bucketed by length, padded by :func:`collate`."""
    import torch

    sampler = BucketSampler([len(ids) for ids, _label in pairs], batch_size,
                            shuffle=shuffle, seed=seed)
    return torch.utils.data.DataLoader(pairs, batch_sampler=sampler, collate_fn=collate)
