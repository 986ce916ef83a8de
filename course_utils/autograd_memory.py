"""How many bytes autograd keeps for the backward pass: the activations of a graph.

Lesson 07 measures what a truncation length costs in memory, on any device, by counting
the tensors that autograd saves while the graph is built and releases when it is freed
(after ``backward`` or when nothing refers to the graph any more). The parameters of the
model are left out: they are there whatever the graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class _Saved:
    """One tensor saved for backward; gives its bytes back to the meter when released."""

    __slots__ = ("meter", "nbytes", "tensor")

    def __init__(self, tensor: Any, meter: SavedTensorMeter) -> None:
        self.tensor = tensor
        self.meter = meter
        self.nbytes = tensor.numel() * tensor.element_size()
        meter.live += self.nbytes
        meter.peak = max(meter.peak, meter.live)

    def __del__(self) -> None:
        self.meter.live -= self.nbytes


class SavedTensorMeter:
    """A context manager counting the bytes saved for backward: ``live`` now, ``peak`` at most.

    >>> with SavedTensorMeter(model.parameters()) as meter:
    ...     loss = model(x).sum(); loss.backward()
    >>> meter.peak        # bytes of activations the graph held at its largest
    """

    def __init__(self, parameters: Iterable[Any] = ()) -> None:
        import torch

        self._excluded = {p.data_ptr() for p in parameters}
        self._hooks = torch.autograd.graph.saved_tensors_hooks(self._pack, self._unpack)
        self.live = 0
        self.peak = 0

    def reset_peak(self) -> None:
        """Start a new peak from the bytes held now."""
        self.peak = self.live

    def _pack(self, tensor: Any) -> Any:
        if tensor.data_ptr() in self._excluded:
            return tensor
        return _Saved(tensor, self)

    @staticmethod
    def _unpack(saved: Any) -> Any:
        return saved.tensor if isinstance(saved, _Saved) else saved

    def __enter__(self) -> SavedTensorMeter:
        self._hooks.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._hooks.__exit__(*exc)
