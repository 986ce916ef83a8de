"""The compute device: a CUDA GPU when PyTorch sees one, the CPU otherwise."""

from __future__ import annotations

from typing import Any


def torch_available() -> bool:
    """Whether PyTorch can be imported."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def get_device() -> Any:
    """The ``torch.device`` every lesson uses: ``cuda`` if available, else ``cpu``."""
    import torch

    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def device_name() -> str:
    """A short human name for the device, e.g. ``CPU`` or ``GPU (NVIDIA H100)``."""
    if not torch_available():
        return "CPU"
    import torch

    if torch.cuda.is_available():
        return f"GPU ({torch.cuda.get_device_name(0)})"
    return "CPU"
