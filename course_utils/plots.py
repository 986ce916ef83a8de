"""Plots shared by the lessons: symbols and numbers only, so fonts never break."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def lines(x: np.ndarray, ys: Mapping[str, np.ndarray], *, xlabel: str, ylabel: str,
          title: str, logy: bool = False, styles: Mapping[str, str] | None = None,
          ax: Axes | None = None) -> Axes:
    """One line per entry of ``ys`` (label -> values over ``x``), with a legend."""
    if ax is None:
        _, ax = plt.subplots()
    for label, y in ys.items():
        ax.plot(x, y, (styles or {}).get(label, "-"), label=label)
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend()
    return ax


def heatmap(values: np.ndarray, *, xlabel: str, ylabel: str, title: str,
            xticklabels: Sequence[str] | None = None, vmax: float | None = None,
            x_start: int = 0, ax: Axes | None = None) -> Axes:
    """A diverging colour map of a 2-D array (rows on the y axis), with a colour bar.

    Columns are numbered from ``x_start`` (1 for time steps t = 1..T).
    """
    if ax is None:
        _, ax = plt.subplots()
    limit = vmax if vmax is not None else float(np.max(np.abs(values))) or 1.0
    rows, cols = values.shape
    extent = (x_start - 0.5, x_start + cols - 0.5, rows - 0.5, -0.5)
    image = ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto",
                      extent=extent)
    ax.figure.colorbar(image, ax=ax)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(False)
    if xticklabels is not None:
        ax.set_xticks(range(x_start, x_start + len(xticklabels)), xticklabels)
    return ax


SEQUENCE_TASKS: dict[str, tuple[int, list[int], list[int]]] = {
    # title: (steps, steps that read an input, steps that give an output)
    "1 → 1": (1, [1], [1]),
    "1 → N": (4, [1], [1, 2, 3, 4]),
    "N → 1": (4, [1, 2, 3, 4], [4]),
    "N → N": (4, [1, 2, 3, 4], [1, 2, 3, 4]),
    "N → M": (5, [1, 2, 3], [4, 5]),
}


def sequence_tasks() -> Figure:
    """Five unrolled diagrams: one-to-one, one-to-many, many-to-one, many-to-many, N → M.

    In N → M (encoder–decoder) the outputs start after the last input, so their
    number need not match the number of inputs.
    """
    steps = [s for s, _, _ in SEQUENCE_TASKS.values()]
    fig, axes = plt.subplots(1, len(steps), figsize=(14, 3),
                             gridspec_kw={"width_ratios": [s + 0.6 for s in steps]})
    for ax, (title, (n, inputs, outputs)) in zip(axes, SEQUENCE_TASKS.items(), strict=True):
        _draw_task(ax, n, inputs, outputs)
        ax.set_title(title)
    fig.tight_layout()
    return fig


def _draw_task(ax: Axes, steps: int, inputs: Sequence[int], outputs: Sequence[int]) -> None:
    """Boxes x, h and ŷ for an unrolled RNN that reads ``inputs`` and answers at ``outputs``."""
    box = {"boxstyle": "round,pad=0.3", "fc": "white"}
    arrow = {"arrowstyle": "->"}
    for t in range(1, steps + 1):
        ax.text(t, 1, f"$h_{t}$", ha="center", va="center", bbox={**box, "ec": "#dd8452"})
        if t > 1:
            ax.annotate("", (t - 0.25, 1), (t - 0.75, 1), arrowprops=arrow)
    for k, t in enumerate(inputs, start=1):
        label = "$x$" if len(inputs) == 1 else f"$x_{k}$"
        ax.text(t, 0, label, ha="center", va="center", bbox={**box, "ec": "#4c72b0"})
        ax.annotate("", (t, 0.8), (t, 0.2), arrowprops=arrow)
    for k, t in enumerate(outputs, start=1):
        label = r"$\hat y$" if len(outputs) == 1 else rf"$\hat y_{k}$"
        ax.text(t, 2, label, ha="center", va="center", bbox={**box, "ec": "#55a868"})
        ax.annotate("", (t, 1.8), (t, 1.2), arrowprops=arrow)
    if len(inputs) > 1 and max(inputs) < min(outputs):  # encoder | decoder
        ax.axvline(max(inputs) + 0.5, ymin=0.1, ymax=0.9, color="grey", ls=":")
    ax.set_xlim(0.4, steps + 0.6)
    ax.set_ylim(-0.5, 2.5)
    ax.axis("off")


def unrolled_loss(steps: int = 4) -> Figure:
    """The unrolled RNN with a loss at every step; red arrows show the gradient's path back."""
    fig, ax = plt.subplots(figsize=(8, 3.4))
    _draw_unrolled(ax, steps, list(range(1, steps + 1)), losses=True)
    back = {"arrowstyle": "->", "color": "#c44e52", "lw": 1.4, "ls": "--"}
    for t in range(steps, 1, -1):
        ax.annotate("", (t - 0.7, 0.8), (t - 0.3, 0.8), arrowprops=back)
    for t in range(1, steps + 1):
        ax.annotate("", (t + 0.12, 1.2), (t + 0.12, 2.8), arrowprops=back)
    ax.text(0.5, 1, "$h_0$", ha="center", va="center")
    ax.annotate("", (0.75, 1), (0.6, 1), arrowprops={"arrowstyle": "->"})
    ax.set_xlim(0.3, steps + 0.6)
    ax.set_ylim(-0.5, 3.5)
    ax.set_title(r"$L = L_1 + \cdots + L_T$;   - - > $\partial L / \partial h_t$")
    fig.tight_layout()
    return fig


def _draw_unrolled(ax: Axes, steps: int, outputs: Sequence[int], losses: bool = False) -> None:
    """Boxes x_t, h_t and y_t for t = 1..steps, with arrows between them."""
    box = {"boxstyle": "round,pad=0.3", "fc": "white"}
    colours = {"x": "#4c72b0", "h": "#dd8452", "y": "#55a868"}
    for t in range(1, steps + 1):
        ax.text(t, 0, f"$x_{t}$", ha="center", va="center", bbox={**box, "ec": colours["x"]})
        ax.text(t, 1, f"$h_{t}$", ha="center", va="center", bbox={**box, "ec": colours["h"]})
        ax.annotate("", (t, 0.8), (t, 0.2), arrowprops={"arrowstyle": "->"})
        if t > 1:
            ax.annotate("", (t - 0.25, 1), (t - 0.75, 1), arrowprops={"arrowstyle": "->"})
        if t in outputs:
            label = r"$\hat y$" if len(outputs) == 1 else rf"$\hat y_{t}$"
            ax.text(t, 2, label, ha="center", va="center", bbox={**box, "ec": colours["y"]})
            ax.annotate("", (t, 1.8), (t, 1.2), arrowprops={"arrowstyle": "->"})
        if losses:
            ax.text(t, 3, f"$L_{t}$", ha="center", va="center", bbox={**box, "ec": "#c44e52"})
            ax.annotate("", (t, 2.8), (t, 2.2), arrowprops={"arrowstyle": "->"})
    ax.set_xlim(0.4, 4.6)
    ax.set_ylim(-0.5, 2.5)
    ax.axis("off")
