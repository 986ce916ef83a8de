"""Lesson 05's side-by-side run: lesson 04's GRU and LSTM on IMDb, in PyTorch and in Keras 3,
with the same data, batches and settings.

    python benchmarks/sentiment_keras_vs_torch.py                    # full profile, GRU and LSTM
    python benchmarks/sentiment_keras_vs_torch.py --limit 2000 --epochs 1
    python benchmarks/sentiment_keras_vs_torch.py --cells gru --json out.json

Both frameworks get the token ids of lesson 04's ``encode_imdb`` (the same vocabulary and
the same train / validation / test split, at most 400 tokens, 200 in ``ci``) and the same
batches: lesson 04's ``BucketSampler`` (batch 64, pools of similar lengths, a new order each
epoch from the seed), padded on the right. Model: embedding 64 -> GRU or LSTM 64, read at
each review's last real token (PyTorch gathers it; Keras masks the padding with
``mask_zero=True``) -> dropout 0.3 -> one logit. Training: AdamW (lr 5e-3, weight decay
1e-2), gradients clipped to global norm 1, at most ``--epochs`` epochs, early stopping
after one epoch without a better validation accuracy, best weights restored. Each framework
initialises its weights its own way. Seconds per epoch include the validation pass, as in
lesson 04, and are the median over the epochs run (Keras's first epoch also traces its
graph).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from course_utils.keras_env import use_keras

keras = use_keras()                        # sets the TensorFlow backend, then imports Keras

import numpy as np
import torch

from course_utils import pick
from course_utils.batching import BucketSampler, make_loader
from course_utils.device import device_name
from course_utils.imdb import encode_imdb, load_imdb
from course_utils.keras_env import keras_device
from course_utils.sentiment import SentimentRNN
from course_utils.training import evaluate, fit

CELLS = ("gru", "lstm")
EMBED, HIDDEN, DROPOUT, LR, WEIGHT_DECAY, BATCH, CLIP = 64, 64, 0.3, 5e-3, 1e-2, 64, 1.0


def subset(items: list, limit: int | None, seed: int = 0) -> list:
    """``limit`` items chosen at random (all of them if ``limit`` is None), in their order."""
    if limit is None or limit >= len(items):
        return items
    chosen = torch.randperm(len(items), generator=torch.Generator().manual_seed(seed))
    return [items[i] for i in sorted(chosen[:limit].tolist())]


class Batches(keras.utils.PyDataset):
    """The batches of lesson 04's ``BucketSampler``, padded on the right, for Keras."""

    def __init__(self, pairs: list, batch_size: int, *, shuffle: bool, seed: int = 0) -> None:
        super().__init__()
        self.pairs = pairs
        self.sampler = BucketSampler([len(ids) for ids, _ in pairs], batch_size,
                                     shuffle=shuffle, seed=seed)
        self.epoch = 0
        self._make()

    def _make(self) -> None:
        self.sampler.set_epoch(self.epoch)         # the batches PyTorch gets in this epoch
        self.batches = list(self.sampler)

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        rows = [self.pairs[i] for i in self.batches[index]]
        ids = np.zeros((len(rows), max(len(r) for r, _ in rows)), dtype="int32")
        for n, (row, _) in enumerate(rows):
            ids[n, :len(row)] = row                 # right padding, 0 = <pad>
        return ids, np.array([label for _, label in rows], dtype="float32")

    def on_epoch_end(self) -> None:
        if self.sampler.shuffle:
            self.epoch += 1
            self._make()


class EpochTimer(keras.callbacks.Callback):
    """Seconds of each epoch, validation included."""

    def on_train_begin(self, logs=None) -> None:
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None) -> None:
        self.seconds.append(time.perf_counter() - self.start)


def keras_model(cell: str, vocab_size: int) -> keras.Model:
    layer = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM}[cell]
    ids = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, EMBED, mask_zero=True)(ids)
    x = keras.layers.Dropout(DROPOUT)(x)
    x = layer(HIDDEN)(x)
    x = keras.layers.Dropout(DROPOUT)(x)
    model = keras.Model(ids, keras.layers.Dense(1)(x))
    model.compile(optimizer=keras.optimizers.AdamW(LR, weight_decay=WEIGHT_DECAY,
                                                   global_clipnorm=CLIP),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
    return model


def run_keras(cell: str, data, epochs: int, seed: int) -> dict:
    keras.utils.set_random_seed(seed)
    model = keras_model(cell, len(data.vocab))
    timer = EpochTimer()
    stop = keras.callbacks.EarlyStopping(monitor="val_binary_accuracy", mode="max",
                                         patience=1, restore_best_weights=True)
    model.fit(Batches(data.train, BATCH, shuffle=True, seed=seed),
              validation_data=Batches(data.val, 256, shuffle=False), epochs=epochs,
              callbacks=[timer, stop], verbose=0)
    _, accuracy = model.evaluate(Batches(data.test, 256, shuffle=False), verbose=0)
    return {"seconds": timer.seconds, "test": accuracy, "params": model.count_params()}


def run_torch(cell: str, data, epochs: int, seed: int) -> dict:
    torch.manual_seed(seed)
    model = SentimentRNN(len(data.vocab), EMBED, HIDDEN, cell=cell, dropout=DROPOUT)
    history = fit(model, make_loader(data.train, BATCH, seed=seed),
                  make_loader(data.val, 256, shuffle=False), epochs=epochs, lr=LR,
                  weight_decay=WEIGHT_DECAY, clip=CLIP, patience=1, progress=False, log=None)
    _, accuracy = evaluate(model, make_loader(data.test, 256, shuffle=False))
    return {"seconds": history.seconds, "test": accuracy,
            "params": sum(p.numel() for p in model.parameters())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=pick(ci=1, full=4))
    parser.add_argument("--limit", type=int, help="keep this many training and test reviews")
    parser.add_argument("--cells", nargs="+", default=list(CELLS), choices=CELLS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args()

    start = time.perf_counter()
    reviews = load_imdb()
    reviews = {split: subset(items, args.limit) for split, items in reviews.items()}
    data = encode_imdb(reviews, max_len=pick(ci=200, full=400))
    print(f"torch {torch.__version__} on {device_name()} ({torch.get_num_threads()} threads); "
          f"Keras {keras.__version__}, backend {keras.backend.backend()} on {keras_device()} "
          f"(TF_NUM_INTRAOP_THREADS={os.environ.get('TF_NUM_INTRAOP_THREADS', 'default')})")
    print(f"{len(data.train)} train / {len(data.val)} validation / {len(data.test)} test "
          f"reviews, vocabulary {len(data.vocab)}, data ready in "
          f"{time.perf_counter() - start:.0f} s; at most {args.epochs} epochs, seed {args.seed}")
    rows = []
    for cell in args.cells:
        for framework, run in (("PyTorch", run_torch), ("Keras", run_keras)):
            result = run(cell, data, args.epochs, args.seed)
            rows.append({"cell": cell.upper(), "framework": framework, "epochs":
                         len(result["seconds"]), "s_per_epoch":
                         statistics.median(result["seconds"]), **result})
            print(f"  {cell.upper()} {framework}: done", flush=True)
    print(f"\n{'cell':<6}{'framework':<10}{'epochs':>7}{'s/epoch':>9}{'test acc':>10}"
          f"{'parameters':>12}{'Keras/PyTorch':>15}")
    for row in rows:
        torch_row = next(r for r in rows if r["cell"] == row["cell"]
                         and r["framework"] == "PyTorch")
        ratio = (f"{row['s_per_epoch'] / torch_row['s_per_epoch']:.2f}"
                 if row["framework"] == "Keras" else "")
        print(f"{row['cell']:<6}{row['framework']:<10}{row['epochs']:>7}"
              f"{row['s_per_epoch']:>9.1f}{row['test']:>10.3f}{row['params']:>12,}{ratio:>15}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"device": device_name(), "keras_device": keras_device(),
                       "torch_threads": torch.get_num_threads(), "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
