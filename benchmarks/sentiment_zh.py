"""Lesson 05's Chinese reviews over seeds: a character-bigram TF-IDF baseline against a
character GRU, test accuracy and macro-F1.

    python benchmarks/sentiment_zh.py                      # full profile, seeds 0 1 2
    python benchmarks/sentiment_zh.py --seeds 0 --json out.json
    COURSE_PROFILE=ci python benchmarks/sentiment_zh.py

The models, data pipeline and training settings are the lesson's (section "A language
without spaces"); only the seed changes, and with it the split, the shuffling, the
initial weights and dropout. The lesson runs seed 0 and quotes this script's range.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from course_utils.keras_env import use_keras

keras = use_keras()                        # sets the TensorFlow backend, then imports Keras

import numpy as np
import tensorflow as tf

from course_utils import pick
from course_utils.reviews_zh import load_reviews_zh, standardize_zh

BOUNDS = [20, 40, 60, 90, 130]            # bucket edges, in characters


def macro_f1(y: np.ndarray, p: np.ndarray) -> float:
    """Mean over both classes of 2 TP / (2 TP + FP + FN)."""
    scores = []
    for c in (0, 1):
        tp = np.sum((p == c) & (y == c))
        fp = np.sum((p == c) & (y != c))
        fn = np.sum((p != c) & (y == c))
        scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def scores(model: keras.Model, batches: tf.data.Dataset) -> tuple[float, float]:
    """Test accuracy and macro-F1 of a model that returns logits."""
    y, z = [], []
    for x, labels in batches:
        z.append(model(x, training=False).numpy()[:, 0])
        y.append(labels.numpy())
    y, p = np.concatenate(y), (np.concatenate(z) > 0).astype(int)
    return float(np.mean(p == y)), macro_f1(y, p)


def run(seed: int, epochs: int) -> dict:
    zh = load_reviews_zh(seed=seed)
    texts = {s: [standardize_zh(t) for t, _ in getattr(zh, s)] for s in ("train", "val", "test")}
    labels = {s: np.array([label for _, label in getattr(zh, s)], "float32") for s in texts}
    max_len = pick(ci=100, full=200)
    result = {"seed": seed}

    chars = keras.layers.TextVectorization(split="character", standardize=None)
    chars.adapt(texts["train"])

    def char_batches(split: str, shuffle: bool) -> tf.data.Dataset:
        ds = tf.data.Dataset.from_tensor_slices((texts[split], labels[split]))
        ds = ds.map(lambda text, label: (chars(text)[:max_len], label)).cache()
        if shuffle:
            ds = ds.shuffle(len(texts[split]), seed=seed)
        ds = ds.bucket_by_sequence_length(lambda ids, label: tf.shape(ids)[0], BOUNDS,
                                          [64] * (len(BOUNDS) + 1))
        n_batches = ds.reduce(np.int64(0), lambda n, batch: n + 1)
        return ds.apply(tf.data.experimental.assert_cardinality(n_batches))

    keras.utils.set_random_seed(seed)
    ids = keras.Input(shape=(None,), dtype="int64")
    x = keras.layers.Embedding(chars.vocabulary_size(), 64, mask_zero=True)(ids)
    x = keras.layers.Dropout(0.3)(x)
    x = keras.layers.GRU(64)(x)
    x = keras.layers.Dropout(0.3)(x)
    gru = keras.Model(ids, keras.layers.Dense(1)(x))
    gru.compile(optimizer=keras.optimizers.AdamW(5e-3, weight_decay=1e-2, clipnorm=1.0),
                loss=keras.losses.BinaryCrossentropy(from_logits=True),
                metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
    stop = keras.callbacks.EarlyStopping(monitor="val_binary_accuracy", mode="max",
                                         patience=1, restore_best_weights=True)
    start = time.perf_counter()
    history = gru.fit(char_batches("train", True), validation_data=char_batches("val", False),
                      epochs=epochs, shuffle=False, verbose=0, callbacks=[stop])
    result["gru_s"] = time.perf_counter() - start
    result["gru_epochs"] = len(history.history["loss"])
    result["gru_acc"], result["gru_f1"] = scores(gru, char_batches("test", False))

    start = time.perf_counter()
    pairs = keras.layers.TextVectorization(split="character", standardize=None, ngrams=2,
                                           output_mode="tf_idf", max_tokens=50_000)
    pairs.adapt(texts["train"])

    def tfidf_batches(split: str, shuffle: bool) -> tf.data.Dataset:
        ds = tf.data.Dataset.from_tensor_slices((texts[split], labels[split]))
        if shuffle:
            ds = ds.shuffle(len(texts[split]), seed=seed)
        return ds.batch(64).map(lambda text, label: (pairs(text), label))

    keras.utils.set_random_seed(seed)
    linear = keras.Sequential([keras.Input(shape=(pairs.vocabulary_size(),)),
                               keras.layers.Dense(1)])
    linear.compile(optimizer=keras.optimizers.Adam(1e-3),
                   loss=keras.losses.BinaryCrossentropy(from_logits=True),
                   metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
    history = linear.fit(tfidf_batches("train", True), validation_data=tfidf_batches("val", False),
                         epochs=epochs + 1, shuffle=False, verbose=0, callbacks=[stop])
    result["tfidf_s"] = time.perf_counter() - start
    result["tfidf_epochs"] = len(history.history["loss"])
    result["tfidf_acc"], result["tfidf_f1"] = scores(linear, tfidf_batches("test", False))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=pick(ci=1, full=4))
    parser.add_argument("--json", help="also write every run's numbers to this file")
    args = parser.parse_args()
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}; intra-op threads "
          f"{os.environ.get('TF_NUM_INTRAOP_THREADS', 'default')}")
    print(f"{'seed':>4}{'GRU acc':>9}{'GRU F1':>8}{'epochs':>7}{'TF-IDF acc':>11}"
          f"{'TF-IDF F1':>10}{'epochs':>7}{'GRU - TF-IDF':>14}")
    runs = []
    for seed in args.seeds:
        r = run(seed, args.epochs)
        runs.append(r)
        print(f"{seed:>4}{r['gru_acc']:>9.3f}{r['gru_f1']:>8.3f}{r['gru_epochs']:>7}"
              f"{r['tfidf_acc']:>11.3f}{r['tfidf_f1']:>10.3f}{r['tfidf_epochs']:>7}"
              f"{r['gru_acc'] - r['tfidf_acc']:>+14.3f}", flush=True)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(runs, f, indent=1)
    for key in ("gru_acc", "gru_f1", "tfidf_acc", "tfidf_f1"):
        values = [r[key] for r in runs]
        print(f"{key:<10} mean {np.mean(values):.3f}  range {min(values):.3f}-{max(values):.3f}")
    gaps = [r["gru_acc"] - r["tfidf_acc"] for r in runs]
    print(f"GRU - TF-IDF accuracy: {min(gaps):+.3f} to {max(gaps):+.3f}")


if __name__ == "__main__":
    main()
