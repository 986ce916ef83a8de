"""Which words moved the prediction? Occlusion scores, shown as coloured text.

A token's occlusion score is how much the model's logit drops when that one token is
replaced by ``<unk>``: positive for words that pushed towards "positive", negative
for words that pushed towards "negative". It needs one forward pass per token, done
in batches, and no gradients.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from .device import get_device

POSITIVE, NEGATIVE = "33, 102, 172", "230, 120, 20"      # blue, orange (RGB)


def occlusion(model: Any, ids: Sequence[int], *, unk_index: int = 1, batch: int = 256,
              device: Any = None) -> list[float]:
    """Logit(review) minus logit(review with token i replaced by ``<unk>``), for every i."""
    import torch

    device = device or get_device()
    model.eval()
    base = torch.as_tensor(list(ids), dtype=torch.long, device=device)
    n = len(base)
    scores: list[float] = []
    with torch.no_grad():
        full = model(base[None], torch.tensor([n])).item()
        for start in range(0, n, batch):
            rows = torch.arange(start, min(start + batch, n), device=device)
            copies = base.repeat(len(rows), 1)
            copies[torch.arange(len(rows), device=device), rows] = unk_index
            lengths = torch.full((len(rows),), n)
            scores += (full - model(copies, lengths)).tolist()
    return scores


def coloured_html(tokens: Sequence[str], scores: Sequence[float], *,
                  scale: float | None = None) -> str:
    """HTML with each token on a background: blue for positive scores, orange for negative.

    Blue and orange stay apart for readers with red-green colour blindness.
    """
    scale = scale or max((abs(s) for s in scores), default=1.0) or 1.0
    spans = []
    for token, score in zip(tokens, scores, strict=True):
        alpha = min(1.0, abs(score) / scale)
        colour = POSITIVE if score > 0 else NEGATIVE
        spans.append(f'<span title="{score:+.2f}" style="background: rgba({colour}, '
                     f'{alpha:.2f}); padding: 1px 2px; border-radius: 3px">'
                     f"{html.escape(token)}</span>")
    return '<div style="line-height: 1.9">' + " ".join(spans) + "</div>"
