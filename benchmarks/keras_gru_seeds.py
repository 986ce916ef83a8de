"""Lesson 05's Keras GRU on IMDb over seeds: validation and test accuracy, seconds per epoch.

    python benchmarks/keras_gru_seeds.py                   # full profile, seeds 0 1 2
    python benchmarks/keras_gru_seeds.py --seeds 0 --cells gru bigru
    COURSE_PROFILE=ci python benchmarks/keras_gru_seeds.py --seeds 0

The data, vocabulary, bucketed tf.data pipeline, model and optimiser are the lesson's
(sections 2 to 7): lesson 04's split, tokens and vocabulary, reviews cut at 400 tokens,
Embedding(64, mask_zero=True) -> dropout 0.3 -> GRU(64) -> dropout 0.3 -> Dense(1),
AdamW (5e-3, weight decay 1e-2, global norm clipped at 1), batch 64, at most 4 epochs,
early stopping on validation accuracy. Only the seed changes: the order of the batches,
the initial weights and dropout. The lesson runs seed 0 and quotes this script's range.
"""

from __future__ import annotations

import argparse
import time

from course_utils.keras_env import use_keras

keras = use_keras()

import numpy as np
import tensorflow as tf

from course_utils import pick
from course_utils.imdb import load_imdb, split_reviews
from course_utils.keras_progress import EpochLine
from course_utils.keras_text import standardize

CELLS = {"gru": lambda h: keras.layers.GRU(h), "lstm": lambda h: keras.layers.LSTM(h),
         "bigru": lambda h: keras.layers.Bidirectional(keras.layers.GRU(h))}


def lesson04_vocabulary(texts: list[str], min_freq: int = 5, max_size: int = 30_000) -> list[str]:
    """Lesson 04's rule in TensorFlow: seen ``min_freq`` times, most frequent first, ties
    in alphabetical order, at most ``max_size`` entries with ``<pad>`` and ``<unk>``."""
    tokens = tf.strings.split(standardize(tf.constant(texts)))
    words, _, counts = tf.unique_with_counts(tokens.flat_values)
    words, counts = words.numpy(), counts.numpy()
    keep = counts >= min_freq
    order = np.lexsort((words[keep], -counts[keep]))
    return [w.decode() for w in words[keep][order]][: max_size - 2]


def datasets(max_len: int, seed: int) -> tuple[tf.data.Dataset, ...]:
    """Bucketed, right-padded train / validation / test datasets of token ids."""
    split = split_reviews(load_imdb())
    texts = {name: [r.text for r in items] for name, items in split.items()}
    labels = {name: np.array([r.label for r in items], dtype="float32")
              for name, items in split.items()}
    vectorize = keras.layers.TextVectorization(standardize=standardize, ragged=True,
                                               vocabulary=lesson04_vocabulary(texts["train"]))
    bounds = list(range(25, max_len, 25))

    def make(name: str, batch: int, shuffle: bool) -> tf.data.Dataset:
        ids = vectorize(tf.constant(texts[name]))[:, :max_len]
        # The rows of a ragged tensor come out as ragged values; map makes them plain tensors.
        ds = tf.data.Dataset.from_tensor_slices((ids, labels[name])).map(lambda x, y: (x, y))
        if shuffle:
            ds = ds.shuffle(len(labels[name]), seed=seed)
        ds = ds.bucket_by_sequence_length(lambda x, y: tf.shape(x)[0], bounds,
                                          [batch] * (len(bounds) + 1))
        return ds.prefetch(tf.data.AUTOTUNE)

    return (make("train", 64, True), make("val", 256, False), make("test", 256, False),
            vectorize.vocabulary_size())


def run(cell: str, seed: int, epochs: int, max_len: int) -> dict[str, float]:
    """Train one model with ``seed``; its accuracies and median seconds per epoch."""
    train, val, test, vocab_size = datasets(max_len, seed)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(vocab_size, 64, mask_zero=True),
        keras.layers.Dropout(0.3), CELLS[cell](64), keras.layers.Dropout(0.3),
        keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.AdamW(5e-3, weight_decay=1e-2,
                                                   global_clipnorm=1.0),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")])
    line = EpochLine(bar=False)
    history = model.fit(train, validation_data=val, epochs=epochs, verbose=0, shuffle=False,
                        callbacks=[keras.callbacks.EarlyStopping(
                            monitor="val_accuracy", mode="max", patience=1,
                            restore_best_weights=True), line])
    return {"acc_val": max(history.history["val_accuracy"]),
            "acc_test": model.evaluate(test, verbose=0, return_dict=True)["accuracy"],
            "t_epoch": float(np.median(line.seconds))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cells", nargs="+", default=["gru"], choices=CELLS)
    parser.add_argument("--epochs", type=int, default=pick(ci=1, full=4))
    args = parser.parse_args()
    max_len = pick(ci=200, full=400)
    rows = []
    for cell in args.cells:
        for seed in args.seeds:
            start = time.perf_counter()
            rows.append((cell, seed, run(cell, seed, args.epochs, max_len),
                         time.perf_counter() - start))
    print(f"\n{'cell':<7}{'seed':>5}{'acc_val':>9}{'acc_test':>10}{'t_epoch':>9}{'t':>7}")
    for cell, seed, r, total in rows:
        print(f"{cell:<7}{seed:>5}{r['acc_val']:>9.3f}{r['acc_test']:>10.3f}"
              f"{r['t_epoch']:>9.1f}{total:>7.0f}")


if __name__ == "__main__":
    main()
