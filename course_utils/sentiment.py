"""Lesson 04's sentiment classifiers; the lesson writes these classes and a test keeps them equal.

:class:`BagOfNgrams` is the baseline: logistic regression on the words and word pairs
of a review, order otherwise ignored. :class:`SentimentRNN` is the recurrent model.

Batches are padded on the right and bucketed by length (see ``batching``). The model
reads the state at each review's last real token instead of packing the batch: on a
CPU, packing made an LSTM about ten times slower in our measurements (lesson 04). A
bidirectional model runs a second layer over each review reversed in place, so that
direction also starts at a real token and never reads padding.
"""

from __future__ import annotations

import torch
from torch import nn


def reverse_padded(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse the first ``lengths[n]`` steps of each row of ``x`` (N, T, ...)."""
    steps = torch.arange(x.shape[1], device=x.device)
    index = (lengths.to(x.device)[:, None] - 1 - steps).clamp(min=0)   # padding: any index
    return x.gather(1, index.view(*index.shape, *[1] * (x.dim() - 2)).expand_as(x))


class SentimentRNN(nn.Module):
    """Embedding -> recurrent layer(s), read at each review's last token -> one logit."""

    def __init__(self, vocab_size: int, embed_dim: int = 64, hidden: int = 64,
                 cell: str = "lstm", layers: int = 1, bidirectional: bool = False,
                 dropout: float = 0.3, pad_index: int = 0) -> None:
        super().__init__()
        recurrent = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_index)
        self.rnn = recurrent(embed_dim, hidden, num_layers=layers, batch_first=True,
                             dropout=dropout if layers > 1 else 0.0)
        self.rnn_back = recurrent(embed_dim, hidden, num_layers=layers, batch_first=True,
                                  dropout=dropout if layers > 1 else 0.0) if bidirectional else None
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(hidden * (2 if bidirectional else 1), 1)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x = self.dropout(self.embed(ids))                       # (N, T, E)
        last = lengths.to(ids.device) - 1
        rows = torch.arange(len(ids), device=ids.device)
        states = [self.rnn(x)[0][rows, last]]                  # the state after the last token
        if self.rnn_back is not None:
            states.append(self.rnn_back(reverse_padded(x, lengths))[0][rows, last])
        return self.out(self.dropout(torch.cat(states, dim=1))).squeeze(1)


class BagOfNgrams(nn.Module):
    """Logistic regression on unigram and hashed bigram counts, averaged over the review.

    Takes the same padded batches as :class:`SentimentRNN`: ``(ids (N, T), lengths (N,))``.
    """

    def __init__(self, vocab_size: int, buckets: int = 2**20) -> None:
        super().__init__()
        self.vocab_size, self.buckets = vocab_size, buckets
        self.weight = nn.Embedding(vocab_size + buckets, 1)     # one weight per feature
        nn.init.zeros_(self.weight.weight)
        self.bias = nn.Parameter(torch.zeros(1))

    def features(self, ids: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Feature indices (N, 2T - 1) and a mask of the real ones."""
        pairs = (ids[:, :-1] * self.vocab_size + ids[:, 1:]) % self.buckets  # hashed bigrams
        steps = torch.arange(ids.shape[1], device=ids.device)
        real = steps < lengths.to(ids.device)[:, None]                       # (N, T)
        return (torch.cat([ids, self.vocab_size + pairs], dim=1),
                torch.cat([real, real[:, 1:]], dim=1))

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        features, real = self.features(ids, lengths)
        weights = self.weight(features).squeeze(2) * real                    # (N, 2T - 1)
        return weights.sum(1) / real.sum(1) + self.bias
