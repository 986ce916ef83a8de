"""Lesson 06's token vocabularies, bits per grapheme, and the realness of a sample."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_utils.char_tokens import (
    UNK,
    CharTokens,
    bits_per_grapheme,
    kind_name,
    split,
    tokens_per_line,
)
from course_utils.sampling import realness

HINDI = "कि क्ष कि क्ष राम\nराम कि\n"


def test_split_kinds():
    assert split("किराम", "code points") == ["क", "ि", "र", "ा", "म"]
    assert split("किराम", "clusters") == ["कि", "रा", "म"]
    with pytest.raises(ValueError, match="token kind"):
        split("abc", "words")
    with pytest.raises(TypeError):
        split(b"abc", "clusters")


@pytest.mark.parametrize("kind", ["code points", "clusters"])
def test_vocabulary_keeps_tokens_seen_twice(kind):
    tokens = CharTokens(HINDI, kind, min_count=2)
    assert tokens.tokens[0] == UNK and len(set(tokens.tokens)) == len(tokens)
    pieces = split(HINDI, kind)
    for piece in set(pieces):
        assert (piece in tokens.index) == (pieces.count(piece) >= 2)
    ids = tokens.encode(HINDI)
    assert ids.dtype == np.int32 and len(ids) == len(pieces)
    # Known tokens come back as they were; unknown ones as U+FFFD.
    assert tokens.decode(ids) == "".join(p if p in tokens.index else UNK for p in pieces)


def test_clusters_unknown_when_rare():
    tokens = CharTokens(HINDI, "clusters")
    assert "क्ष" in tokens.index and "रा" in tokens.index
    assert tokens.encode("ज्ञ")[0] == 0                 # never seen: <unk>
    assert tokens.unknown_code_points("ज्ञ कि") == 3


def test_bits_per_grapheme_is_the_rate_formula():
    text = "कि राम\n"
    for kind in ("code points", "clusters"):
        tokens = CharTokens(text * 3, kind)
        n_tokens, n_graphemes = len(split(text, kind)), len(split(text, "clusters"))
        expected = 1.2 * n_tokens / n_graphemes / math.log(2)
        assert bits_per_grapheme(1.2, tokens, text) == pytest.approx(expected)


def test_bits_per_grapheme_charges_unknown_tokens():
    tokens = CharTokens("कि कि राम राम\n", "clusters")
    known, unknown = bits_per_grapheme(1.0, tokens, "कि"), bits_per_grapheme(1.0, tokens, "ज्ञ")
    spelling = 3 * math.log(tokens.code_points) / math.log(2)
    assert unknown == pytest.approx(known + spelling)


@pytest.mark.parametrize("loss", [float("nan"), float("inf"), -0.1])
def test_bits_per_grapheme_rejects_bad_losses(loss):
    tokens = CharTokens("abcabc", "code points")
    with pytest.raises(ValueError, match="finite"):
        bits_per_grapheme(loss, tokens, "abc")
    with pytest.raises(ValueError, match="empty"):
        bits_per_grapheme(1.0, tokens, "")


def test_tokens_per_line():
    assert tokens_per_line("कि रा\n\nम\n", "code points") == pytest.approx((5 + 1) / 2)
    assert tokens_per_line("कि रा\n\nम\n", "clusters") == pytest.approx((3 + 1) / 2)
    assert tokens_per_line("\n\n", "clusters") == 0.0


def test_realness_of_words():
    corpus = "To be, or not to be: that is the question.\n"
    assert realness("to be or not", corpus, "en") == 1.0
    assert realness("to bee or nott", corpus, "en") == 0.5
    assert realness("!?,", corpus, "en") == 0.0
    assert realness("कि राम", "राम", "hi") == 0.5        # vowel signs stay in the word


def test_realness_of_verse_lines():
    good5, good7 = "秦川雄帝宅，函谷壮皇居。", "一二三四五六七，一二三四五六七。"
    assert realness(f"{good5}\n{good7}\n", "", "zh") == 1.0
    assert realness(f"{good5}\n秦川雄帝，函谷壮皇居。\n{good5}", "", "zh") == 0.5  # last: open
    assert realness(f"{good5}{good5}\n", "", "zh") == 0.0           # two lines run together
    assert realness("一二三四五，一二三四五六七。\n", "", "zh") == 0.0  # 5 then 7
    assert realness("no line break", "", "zh") == 0.0
    with pytest.raises(TypeError):
        realness(None, "", "zh")


def test_kind_names_are_translated():
    from course_utils.i18n import get_language, set_language

    previous = get_language()
    try:
        set_language("en")
        assert kind_name("clusters") == "clusters"
        set_language("ru")
        assert kind_name("code points") != "code points"     # the catalog has it
    finally:
        set_language(previous)
    with pytest.raises(ValueError, match="token kind"):
        kind_name("words")
