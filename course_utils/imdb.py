"""The IMDb movie reviews (Maas et al., ACL 2011): 25,000 for training, 25,000 for testing.

Reviews are read straight from the tarball, without unpacking it. Which tarball:

- the ``ci`` profile uses the course's 3,000-review sample (``imdb_mini_3k``);
- the ``full`` profile uses the labelled 50,000 (``imdb_labeled``) when a local data
  folder (``COURSE_DATA_DIR``) holds it, and otherwise the official Stanford tarball
  (``imdb_official``, 84 MB, downloaded once, checked and cached).
"""

from __future__ import annotations

import os
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from .data import DATA_DIR_VARIABLE, DataError, fetch, get_entry
from .i18n import _
from .profile import get_profile
from .text import Vocab, tokenize

_MEMBER = re.compile(r"(?:^|/)(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")


@dataclass(frozen=True)
class Review:
    """One review: its text, label (1 positive, 0 negative) and star rating (1-10)."""

    text: str
    label: int
    rating: int


def archive_name(profile: str | None = None) -> str:
    """The registry name of the tarball that ``profile`` reads (see the module's docstring)."""
    if (profile or get_profile()) == "ci":
        return "imdb_mini_3k"
    local = os.environ.get(DATA_DIR_VARIABLE)
    if local and (Path(local).expanduser() / get_entry("imdb_labeled").path).is_file():
        return "imdb_labeled"
    return "imdb_official"


def read_reviews(path: str | Path) -> dict[str, list[Review]]:
    """``{"train": [...], "test": [...]}`` from an aclImdb tarball, in a fixed order."""
    splits: dict[str, list[tuple[str, int, Review]]] = {"train": [], "test": []}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                found = _MEMBER.search(member.name)
                if not (member.isfile() and found):
                    continue
                split, sentiment, number, rating = found.groups()
                handle = tar.extractfile(member)
                assert handle is not None
                text = handle.read().decode("utf-8")
                review = Review(text, int(sentiment == "pos"), int(rating))
                splits[split].append((sentiment, int(number), review))
    except (tarfile.TarError, OSError, EOFError, UnicodeDecodeError) as error:
        raise DataError(_("Could not read the IMDb reviews from {path}: {error}. Delete "
                          "the file so that it is downloaded again.",
                          path=path, error=error)) from error
    if not splits["train"] or not splits["test"]:
        raise DataError(_("{path} holds no IMDb reviews in aclImdb/train and aclImdb/test.",
                          path=path))
    return {split: [review for *_key, review in sorted(items, key=lambda x: x[:2])]
            for split, items in splits.items()}


def load_imdb(profile: str | None = None) -> dict[str, list[Review]]:
    """The train and test reviews for ``profile`` (default: the active profile)."""
    return read_reviews(fetch(archive_name(profile)))


@dataclass
class EncodedImdb:
    """Token ids of every review, split into train / validation / test, with the vocabulary.

    Each split is a list of ``(ids, label)`` pairs; ``val`` is held out from the
    training reviews (the test reviews are only for the final numbers).
    """

    vocab: Vocab
    train: list[tuple[list[int], int]]
    val: list[tuple[list[int], int]]
    test: list[tuple[list[int], int]]
    reviews: dict[str, list[Review]]


def split_reviews(reviews: dict[str, list[Review]], *, val_fraction: float = 0.1,
                  seed: int = 0) -> dict[str, list[Review]]:
    """``{"train", "val", "test"}``: ``val_fraction`` of the training reviews held out.

    The held-out reviews are the first of ``torch.randperm(n)`` drawn with ``seed``;
    lessons 04 and 05 both split this way (:func:`encode_imdb` calls this function),
    so they train, choose and test on the same reviews.
    """
    import torch

    order = torch.randperm(len(reviews["train"]),
                           generator=torch.Generator().manual_seed(seed)).tolist()
    n_val = round(val_fraction * len(order))
    return {"train": [reviews["train"][i] for i in order[n_val:]],
            "val": [reviews["train"][i] for i in order[:n_val]],
            "test": list(reviews["test"])}


def encode_imdb(reviews: dict[str, list[Review]], *, max_len: int = 400, min_freq: int = 5,
                max_size: int = 30_000, val_fraction: float = 0.1,
                seed: int = 0) -> EncodedImdb:
    """Tokenize, build the vocabulary on the training part only, keep the first ``max_len``
    tokens of each review, and hold out ``val_fraction`` of the training reviews
    (:func:`split_reviews`)."""
    split = split_reviews(reviews, val_fraction=val_fraction, seed=seed)
    tokens = {name: [tokenize(r.text) for r in items] for name, items in split.items()}
    vocab = Vocab.build(tokens["train"], min_freq=min_freq, max_size=max_size)

    def encode(name: str) -> list[tuple[list[int], int]]:
        return [(vocab.encode(words[:max_len]) or [vocab.unk_index], review.label)
                for words, review in zip(tokens[name], split[name], strict=True)]

    return EncodedImdb(vocab, encode("train"), encode("val"), encode("test"), reviews)
