"""Lesson 04's comparison over seeds and learning rates: a bag-of-n-grams baseline,
Simple RNN, LSTM, GRU and BiLSTM on IMDb sentiment.

    python benchmarks/sentiment_cells.py                       # full profile, seed 0
    python benchmarks/sentiment_cells.py --seeds 0 1 2 --json out.json
    python benchmarks/sentiment_cells.py --phases              # where an epoch's time goes
    COURSE_PROFILE=ci python benchmarks/sentiment_cells.py

Each model is trained as in the lesson: the course's loop with AdamW, clipping, at most
4 epochs and early stopping on a validation set held out from the training reviews,
once per learning rate in ``LEARNING_RATES``; the rate is chosen on validation and the
test set is read once per model, at the end. Every run builds its own loader and model
after ``torch.manual_seed(seed)``, so a run repeats exactly on the same machine and
thread count. ``cheap`` is the lesson's quick way of choosing the rate (a subset of the
training reviews, 2 epochs); the script reports whether it picks the same rate.
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from course_utils import pick
from course_utils.batching import make_loader
from course_utils.device import device_name, get_device
from course_utils.imdb import encode_imdb, load_imdb
from course_utils.sentiment import BagOfNgrams, SentimentRNN
from course_utils.training import evaluate, fit

MODELS = {"BoW+bigrams": None, "Simple RNN": ("rnn", False), "LSTM": ("lstm", False),
          "GRU": ("gru", False), "BiLSTM": ("lstm", True)}
LEARNING_RATES = {"BoW+bigrams": (0.1, 0.3), "Simple RNN": (2e-3, 5e-3),
                  "LSTM": (2e-3, 5e-3), "GRU": (2e-3, 5e-3), "BiLSTM": (2e-3, 5e-3)}


def build(name: str, vocab_size: int) -> torch.nn.Module:
    if MODELS[name] is None:
        return BagOfNgrams(vocab_size)
    cell, bidirectional = MODELS[name]
    return SentimentRNN(vocab_size, 64, 64, cell=cell, bidirectional=bidirectional)


def train_once(name: str, lr: float, seed: int, train: list, val_loader, *, vocab_size: int,
               epochs: int) -> tuple[torch.nn.Module, object]:
    """One seeded run: its own loader, its own model, the same batches every time."""
    torch.manual_seed(seed)
    model = build(name, vocab_size)
    loader = make_loader(train, 64, seed=seed)
    history = fit(model, loader, val_loader, epochs=epochs, lr=lr,
                  weight_decay=0.0 if MODELS[name] is None else 1e-2, patience=1,
                  progress=False, log=None)
    return model, history


def clock(spent: dict, key: str, start: float, device: torch.device) -> float:
    """Add the seconds since ``start`` to ``spent[key]``; return the time now."""
    if device.type == "cuda":
        torch.cuda.synchronize()
    now = time.perf_counter()
    spent[key] += now - start
    return now


def phases(data, n_batches: int) -> None:
    """Seconds of forward, backward, clip + AdamW step, and evaluation, LSTM against GRU."""
    device = get_device()
    loader = make_loader(data.train, 64, seed=0)
    batches = [b for _, b in zip(range(n_batches), loader, strict=False)]
    val = [b for _, b in zip(range(n_batches // 4 or 1),
                             make_loader(data.val, 256, shuffle=False), strict=False)]
    print(f"phases over {len(batches)} training batches (mean length "
          f"{sum(b[0].shape[1] for b in batches) / len(batches):.0f}) and {len(val)} "
          f"evaluation batches, {torch.get_num_threads()} threads, {device_name()}")
    print(f"{'model':<7}{'forward':>9}{'backward':>10}{'step':>7}{'eval':>7}  (s)")
    for name in ("LSTM", "GRU"):
        torch.manual_seed(0)
        model = build(name, len(data.vocab)).to(device)
        optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        spent = dict.fromkeys(("forward", "backward", "step", "eval"), 0.0)

        for _repeat in range(2):                    # the first pass warms up, the second counts
            spent.update(dict.fromkeys(spent, 0.0))
            model.train()
            for ids, lengths, labels in batches:
                start = time.perf_counter()
                loss = loss_fn(model(ids.to(device), lengths), labels.to(device))
                start = clock(spent, "forward", start, device)
                optimizer.zero_grad()
                loss.backward()
                start = clock(spent, "backward", start, device)
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                clock(spent, "step", start, device)
            start = time.perf_counter()
            evaluate(model, val, device=device)
            clock(spent, "eval", start, device)
        print(f"{name:<7}{spent['forward']:>9.2f}{spent['backward']:>10.2f}"
              f"{spent['step']:>7.2f}{spent['eval']:>7.2f}")
    print("forward + backward of one 64 x T batch (s), median of 3:")
    for name in ("LSTM", "GRU"):
        torch.manual_seed(0)
        model = build(name, len(data.vocab)).to(device).train()
        cells = []
        for steps in (100, 150, 200, 300, 400):
            ids = torch.randint(2, len(data.vocab), (64, steps), device=device)
            lengths = torch.full((64,), steps)
            times = []
            for _ in range(4):
                start = time.perf_counter()
                model(ids, lengths).sum().backward()
                times.append(clock({"t": 0.0}, "t", start, device) - start)
            cells.append(f"T={steps}: {sorted(times[1:])[1]:.3f}")
        print(f"{name:<7}" + "  ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--json", help="also write every run's numbers to this file")
    parser.add_argument("--phases", action="store_true",
                        help="only time the phases of LSTM and GRU training steps")
    args = parser.parse_args()

    start = time.perf_counter()
    data = encode_imdb(load_imdb(), max_len=pick(ci=200, full=400))
    print(f"torch {torch.__version__} on {device_name()}, {torch.get_num_threads()} threads; "
          f"{len(data.train)} train / {len(data.val)} validation / {len(data.test)} test "
          f"reviews, vocabulary {len(data.vocab)}, data ready in "
          f"{time.perf_counter() - start:.0f} s")
    if args.phases:
        phases(data, pick(ci=10, full=60))
        return
    val = make_loader(data.val, 256, shuffle=False)
    test = make_loader(data.test, 256, shuffle=False)
    cheap_train = data.train[: pick(ci=400, full=4000)]
    epochs = pick(ci=1, full=4)
    runs = []
    print(f"{'seed':>4} {'model':<12}{'lr':>7}{'cheap val':>10}{'s/epoch':>9}{'epochs':>7}"
          f"{'val acc':>9}{'test acc':>10}")
    for seed in args.seeds:
        for name in args.models:
            for lr in LEARNING_RATES[name]:
                _, cheap = train_once(name, lr, seed, cheap_train, val, epochs=2,
                                      vocab_size=len(data.vocab))
                model, history = train_once(name, lr, seed, data.train, val,
                                            epochs=epochs, vocab_size=len(data.vocab))
                _, accuracy = evaluate(model, test, device=get_device())
                run = {"seed": seed, "model": name, "lr": lr,
                       "cheap_val": cheap.best_accuracy, "val": history.best_accuracy,
                       "test": accuracy, "epochs": len(history.seconds),
                       "s_per_epoch": sum(history.seconds) / len(history.seconds)}
                runs.append(run)
                print(f"{seed:>4} {name:<12}{lr:>7.0e}{run['cheap_val']:>10.3f}"
                      f"{run['s_per_epoch']:>9.1f}{run['epochs']:>7}{run['val']:>9.3f}"
                      f"{run['test']:>10.3f}", flush=True)
                if args.json:                      # after every run: a cut-off sweep keeps its runs
                    with open(args.json, "w", encoding="utf-8") as f:
                        json.dump({"device": device_name(), "threads": torch.get_num_threads(),
                                   "runs": runs}, f, indent=1)
    print(f"\n{'model':<12}{'lr (full)':>10}{'lr (cheap)':>11}  test accuracy per seed, "
          f"rate chosen on full-budget validation")
    for seed in args.seeds:
        for name in args.models:
            mine = [r for r in runs if r["seed"] == seed and r["model"] == name]
            full = max(mine, key=lambda r: r["val"])
            cheap = max(mine, key=lambda r: r["cheap_val"])
            print(f"{name:<12}{full['lr']:>10.0e}{cheap['lr']:>11.0e}  seed {seed}: "
                  f"{full['test']:.3f} (cheap choice: {cheap['test']:.3f})")


if __name__ == "__main__":
    main()
