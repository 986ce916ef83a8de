"""Lesson 04's comparison: Simple RNN, LSTM, GRU and BiLSTM on IMDb sentiment.

    python benchmarks/sentiment_cells.py              # full profile: 25,000 test reviews
    COURSE_PROFILE=ci python benchmarks/sentiment_cells.py

Each model is trained as in the lesson: the course's loop with AdamW (learning rate
5e-3), clipping, at most 4 epochs and early stopping on a validation set held out
from the training reviews; the test set is used once, at the end. Prints parameters,
seconds per epoch, epochs run and accuracies.
"""

from __future__ import annotations

import time

import torch

from course_utils import pick
from course_utils.batching import make_loader
from course_utils.device import device_name, get_device
from course_utils.imdb import encode_imdb, load_imdb
from course_utils.sentiment import SentimentRNN
from course_utils.training import evaluate, fit

MODELS = {"Simple RNN": ("rnn", False), "LSTM": ("lstm", False), "GRU": ("gru", False),
          "BiLSTM": ("lstm", True)}


def main() -> None:
    start = time.perf_counter()
    data = encode_imdb(load_imdb(), max_len=pick(ci=200, full=400))
    train, val = make_loader(data.train), make_loader(data.val, 256, shuffle=False)
    test = make_loader(data.test, 256, shuffle=False)
    epochs = pick(ci=1, full=4)
    print(f"torch {torch.__version__} on {device_name()}, {torch.get_num_threads()} threads; "
          f"{len(data.train)} train / {len(data.val)} validation / {len(data.test)} test "
          f"reviews, vocabulary {len(data.vocab)}, data ready in "
          f"{time.perf_counter() - start:.0f} s")
    print(f"{'model':<11}{'parameters':>11}{'s/epoch':>9}{'epochs':>8}{'val acc':>9}"
          f"{'test acc':>10}")
    for name, (cell, bidirectional) in MODELS.items():
        torch.manual_seed(0)
        model = SentimentRNN(len(data.vocab), 64, 64, cell=cell, bidirectional=bidirectional)
        history = fit(model, train, val, epochs=epochs, lr=5e-3, patience=1, progress=False,
                      log=None)
        _, accuracy = evaluate(model, test, device=get_device())
        parameters = sum(p.numel() for p in model.parameters())
        seconds = sum(history.seconds) / len(history.seconds)
        print(f"{name:<11}{parameters:>11,}{seconds:>9.1f}{len(history.seconds):>8}"
              f"{history.best_accuracy:>9.3f}{accuracy:>10.3f}")


if __name__ == "__main__":
    main()
