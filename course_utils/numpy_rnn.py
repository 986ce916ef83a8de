"""The batched NumPy RNN of lesson 02, for its benchmark and later lessons.

The lesson (``notebooks/en/02_bptt.ipynb``) writes and explains this code; a
test checks that this copy computes exactly what the lesson's cell computes.
Shapes: xs (N, T, D), h0 (N, H), W_xh (H, D), W_hh (H, H), b_h (H,);
hs (N, T + 1, H) with hs[:, 0] = h0.
"""

from __future__ import annotations

import numpy as np

from .i18n import _


def _expect_shape(name: str, array: np.ndarray, shape: tuple[int | None, ...],
                  spec: str) -> None:
    """Raise a clear error unless ``array`` has ``shape`` (``None`` matches any size)."""
    got = np.shape(array)
    if len(got) != len(shape) or any(w is not None and g != w for g, w in zip(got, shape,
                                                                                strict=True)):
        raise ValueError(_("{name} should have shape {spec}, but it has shape {got}.",
                           name=name, spec=spec, got=got))
    if not np.all(np.isfinite(array)):
        raise ValueError(_("{name} contains NaN or infinite values: check the data, "
                           "and lower the learning rate if training diverged.", name=name))


def rnn_forward_batch(xs: np.ndarray, h0: np.ndarray, W_xh: np.ndarray, W_hh: np.ndarray,
                      b_h: np.ndarray) -> np.ndarray:
    """All hidden states (N, T + 1, H) of a tanh RNN over a batch xs (N, T, D)."""
    _expect_shape("xs", xs, (None, None, None), "(N, T, D)")
    N, T, D = xs.shape
    H = len(b_h)
    _expect_shape("h0", h0, (N, H), "(N, H)")
    _expect_shape("W_xh", W_xh, (H, D), "(H, D)")
    _expect_shape("W_hh", W_hh, (H, H), "(H, H)")
    hs = np.empty((N, T + 1, h0.shape[1]), dtype=xs.dtype)
    hs[:, 0] = h0
    a = xs @ W_xh.T + b_h
    for t in range(T):
        hs[:, t + 1] = np.tanh(a[:, t] + hs[:, t] @ W_hh.T)
    return hs


def rnn_backward_batch(dhs: np.ndarray, xs: np.ndarray, hs: np.ndarray,
                       W_hh: np.ndarray) -> tuple[np.ndarray, ...]:
    """dW_xh, dW_hh, db_h and dL/dh0 from dhs (N, T, H), the output gradients at each h_t."""
    _expect_shape("dhs", dhs, (None, None, None), "(N, T, H)")
    N, T, H = dhs.shape
    _expect_shape("hs", hs, (N, T + 1, H), "(N, T + 1, H)")
    _expect_shape("xs", xs, (N, T, None), "(N, T, D)")
    _expect_shape("W_hh", W_hh, (H, H), "(H, H)")
    da = np.empty_like(dhs)
    dh = np.zeros((N, H), dtype=dhs.dtype)
    for t in reversed(range(T)):
        da[:, t] = (dhs[:, t] + dh) * (1 - hs[:, t + 1] ** 2)
        dh = da[:, t] @ W_hh
    da_flat = da.reshape(N * T, H)
    dW_xh = da_flat.T @ xs.reshape(N * T, -1)
    dW_hh = da_flat.T @ hs[:, :-1].reshape(N * T, H)
    db_h = da_flat.sum(axis=0)
    return dW_xh, dW_hh, db_h, dh
