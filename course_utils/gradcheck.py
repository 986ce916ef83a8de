"""Gradient checks: centred finite differences and a readable comparison."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .i18n import _


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Centred-difference gradient of the scalar ``f()`` with respect to ``x``.

    ``x`` (float64) is perturbed in place, one entry at a time, and restored;
    ``f`` must read it. Each entry costs two calls of ``f``; error is O(eps²).
    """
    if x.dtype != np.float64:
        raise TypeError(_("Gradient checks need float64 arrays, not {dtype}: "
                          "use x.astype(np.float64).", dtype=x.dtype))
    grad = np.zeros_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        plus = f()
        flat[i] = old - eps
        minus = f()
        flat[i] = old
        out[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖), and 0 when both are zero: scale-free, one number."""
    if np.shape(a) != np.shape(b):
        raise ValueError(_("Cannot compare shapes {a} and {b}.", a=np.shape(a), b=np.shape(b)))
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


def compare(name: str, mine: np.ndarray, reference: np.ndarray) -> float:
    """Print one line comparing two gradients (equal? / max difference / relative error)."""
    exact = bool(np.array_equal(mine, reference))
    error = relative_error(mine, reference)
    diff = float(np.max(np.abs(np.asarray(mine) - np.asarray(reference))))
    # Symbols only, so the line reads the same in every language: a = mine, b = reference.
    print(f"{name:<6} {np.shape(mine)!s:<10} a == b: {exact!s:<5}  "
          f"max|a - b| = {diff:.1e}  ‖a - b‖ / (‖a‖ + ‖b‖) = {error:.1e}")
    return error
