"""Lesson 05's Keras side: the standardisation equals lesson 04's tokenizer, the shared split,
and a progress display without English."""

from __future__ import annotations

import sys
import unicodedata

import numpy as np
import pytest

from course_utils.imdb import Review, encode_imdb, split_reviews
from course_utils.keras_env import use_keras
from course_utils.text import tokenize
from tools.english_output import english_words

keras = use_keras()
tf = pytest.importorskip("tensorflow")

from course_utils.keras_progress import EpochLine  # noqa: E402
from course_utils.keras_text import standardize  # noqa: E402


def keras_tokens(texts: list[str]) -> list[list[str]]:
    rows = tf.strings.split(standardize(tf.constant(texts))).to_list()
    return [[token.decode() for token in row] for row in rows]


TRICKY = [
    "I didn't LIKE it.<br /><br />Not at all!!",
    "Great film!<BR>I didn't like the end?? 10/10",
    "'quoted' words, rock'n'roll and o'clock",
    "snake_case and kebab-case, 3.5 stars, ½ and ²",
    "फ़िल्म अच्छी नहीं थी, लेकिन संगीत शानदार है।",            # Devanagari vowel signs, nukta
    "ছবিটা ভালো লাগেনি, কিন্তু গানগুলো দারুণ।",                 # Bengali vowel signs, virama
    "Фильм ХОРОШИЙ, но длинный!",
    "ΣΟΦΟΣ Straße İstanbul ÅNGSTRÖM",
    "这部电影很好看！我喜欢。",
    "tabs\tand\nnewlines   and\u00a0no-break spaces",
    "emoji 👍🏽 and symbols © ™ → dropped",
    "",
]


@pytest.mark.parametrize("text", TRICKY)
def test_standardize_gives_the_tokens_of_tokenize(text):
    assert keras_tokens([text]) == [tokenize(text)]


def test_standardize_agrees_on_every_character_below_u2c00():
    chars = [chr(c) for c in range(1, 0x2C00)
             if unicodedata.category(chr(c)) != "Cn"]          # assigned in Python's Unicode
    texts = [f"a{c}b {c.upper()}Q" for c in chars]
    got = keras_tokens(texts)
    wrong = [hex(ord(c)) for c, text, tokens in zip(chars, texts, got, strict=True)
             if tokens != tokenize(text)]
    assert wrong == []
    assert sys.maxunicode > 0x2C00


def test_the_wrong_pattern_would_cut_hindi_apart():
    text = "फ़िल्म अच्छी"
    ascii_only = tf.strings.regex_replace(text, r"[^\w']+", " ")
    assert tf.strings.split(ascii_only).numpy().tolist() != [t.encode() for t in tokenize(text)]


def reviews_of(n_train: int, n_test: int) -> dict[str, list[Review]]:
    words = ["good", "bad", "film", "not", "plot", "great"]
    make = lambda i: Review(" ".join(words[(i * k) % 6] for k in range(1, 8)), i % 2, 1 + i % 10)  # noqa: E731
    return {"train": [make(i) for i in range(n_train)],
            "test": [make(1000 + i) for i in range(n_test)]}


def test_split_reviews_is_the_split_of_encode_imdb():
    reviews = reviews_of(50, 7)
    split = split_reviews(reviews, val_fraction=0.2, seed=3)
    data = encode_imdb(reviews, max_len=4, min_freq=1, val_fraction=0.2, seed=3)
    assert (len(split["train"]), len(split["val"]), len(split["test"])) == (40, 10, 7)
    for name in ("train", "val", "test"):
        assert getattr(data, name) == [(data.vocab.encode(tokenize(r.text)[:4]), r.label)
                                       for r in split[name]]
    assert sorted(map(id, split["train"] + split["val"])) == sorted(map(id, reviews["train"]))
    assert split_reviews(reviews, val_fraction=0.2, seed=4)["val"] != split["val"]


def test_epoch_line_prints_symbols_and_numbers_only(capsys):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")])
    x, y = np.random.default_rng(0).normal(size=(32, 3)), np.arange(32) % 2
    line = EpochLine(bar=False)
    model.fit(x, y, validation_data=(x, y), epochs=2, verbose=0, callbacks=[line])
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 2 and len(line.seconds) == 2
    assert printed[0].startswith("e = 1/2 | L_train = ") and "acc_val = " in printed[1]
    assert all(english_words(text) == [] for text in printed)
