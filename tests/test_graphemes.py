"""Grapheme clusters for lesson 06: Devanagari and Bengali conjuncts, stray vowel signs."""

from __future__ import annotations

import os
import random
import unicodedata
from pathlib import Path

import pytest

from course_utils.corpora import corpus, read_corpus
from course_utils.data import get_entry
from course_utils.graphemes import (
    cluster_vocabulary,
    clusters,
    ill_formed_share,
    is_ill_formed,
)

VIRAMA_DEVA, VIRAMA_BENG = "\u094d", "\u09cd"
ZWJ, ZWNJ = "\u200d", "\u200c"
MARKS = ("Mn", "Mc", "Me")


def _devanagari(ch: str) -> bool:
    return "\u0900" <= ch <= "\u097f"


@pytest.mark.parametrize("text, expected", [
    # Hindi: conjuncts, matras, anusvara, candrabindu, nukta, visarga, final virama
    ("क्षत्रिय", ["क्ष", "त्रि", "य"]),                  # KA+VIRAMA+SSA, TA+VIRAMA+RA+I, YA
    ("हिंदी", ["हिं", "दी"]),                            # HA+I+ANUSVARA, DA+II
    ("धर्म", ["ध", "र्म"]),                              # reph: RA+VIRAMA+MA
    ("श्री राम", ["श्री", " ", "रा", "म"]),
    ("कृपाँ", ["कृ", "पाँ"]),                             # vocalic R sign; AA + candrabindu
    ("दुःख", ["दुः", "ख"]),                               # U + visarga
    ("क़िला", ["क़ि", "ला"]),                              # KA+NUKTA+I
    ("हल्", ["ह", "ल्"]),                                # final virama stays with LA
    ("अंग", ["अं", "ग"]),                                # independent vowel + anusvara
    ("उद्घाटन।", ["उ", "द्घा", "ट", "न", "।"]),
    ("क" + VIRAMA_DEVA + ZWJ + "ष", ["क" + VIRAMA_DEVA + ZWJ + "ष"]),  # half form
    ("क" + VIRAMA_DEVA + ZWNJ + "ष", ["क" + VIRAMA_DEVA + ZWNJ, "ष"]),  # explicit virama
    # Bengali
    ("রবীন্দ্রনাথ", ["র", "বী", "ন্দ্র", "না", "থ"]),      # NA+VIRAMA+DA+VIRAMA+RA
    ("স্ত্রী", ["স্ত্রী"]),                                  # SA+VIRAMA+TA+VIRAMA+RA+II
    ("অন্তর", ["অ", "ন্ত", "র"]),
    ("ক্ষমা", ["ক্ষ", "মা"]),
    ("কাঁদিয়া", ["কাঁ", "দি", "য়া"]),                      # candrabindu; YA+NUKTA+AA (NFC)
    ("বাংলা", ["বাং", "লা"]),                              # anusvara is Mc in Bengali
    ("দুঃখ", ["দুঃ", "খ"]),
    ("ব্যথা", ["ব্য", "থা"]),                                # ya-phala
    ("অ্যাপ", ["অ্যা", "প"]),                                # ya-phala on an independent vowel
    ("হল্\u200cখানা", ["হ", "ল্\u200c", "খা", "না"]),       # ZWNJ: no conjunct
    ("র" + ZWJ + VIRAMA_BENG + "য", ["র" + ZWJ + VIRAMA_BENG + "য"]),  # ra + ZWJ + ya-phala
    ("সৎ", ["স", "ৎ"]),                                  # khanda ta is a letter
])
def test_indic_clusters(text, expected):
    assert unicodedata.is_normalized("NFC", text)
    assert clusters(text) == expected
    assert not any(map(is_ill_formed, expected))
    assert ill_formed_share(text) == 0.0


@pytest.mark.parametrize("text, expected", [
    ("cafe\u0301", ["c", "a", "f", "e\u0301"]),           # decomposed Latin accent
    ("naïve", ["n", "a", "ï", "v", "e"]),
    ("и\u0306од", ["и\u0306", "о", "д"]),                  # decomposed Cyrillic й
    ("замо\u0301к", ["з", "а", "м", "о\u0301", "к"]),       # a stress mark
    ("床前明月光，", ["床", "前", "明", "月", "光", "，"]),
    ("a\r\nb\n", ["a", "\r\n", "b", "\n"]),
    ("", []),
])
def test_other_scripts(text, expected):
    assert clusters(text) == expected
    assert ill_formed_share(text) == 0.0


@pytest.mark.parametrize("text, stray", [
    (" ि", "ि"),                              # a vowel sign after a space
    ("ि", "ि"),                               # at the start of the text
    ("राम\nे", "े"),                          # at the start of a line
    ("राम। ा", "ा"),
    ("राम।ा", "ा"),                          # after a danda
    ("१ि", "ि"),                              # after a digit
    ("aि", "ि"),                              # after a letter of another script
    ("कা", "া"),                              # Bengali sign on a Devanagari letter
    (" िं", "िं"),                            # marks after a stray one stay with it
    (" " + VIRAMA_DEVA, VIRAMA_DEVA),
    ("কি ে", "ে"),
    ("আমি\u09cd", None),                      # virama after a vowel sign: not flagged
])
def test_stray_marks_are_ill_formed(text, stray):
    parts = clusters(text)
    bad = [c for c in parts if is_ill_formed(c)]
    assert bad == ([stray] if stray else [])
    assert ill_formed_share(text) == pytest.approx(len(bad) / len(parts))


def test_no_conjunct_after_a_stray_virama():
    assert clusters(" " + VIRAMA_DEVA + "क") == [" ", VIRAMA_DEVA, "क"]
    assert ill_formed_share(" " + VIRAMA_DEVA + "क") == pytest.approx(1 / 3)


def test_is_ill_formed_and_vocabulary():
    assert is_ill_formed("ि") and is_ill_formed("ाँ") and is_ill_formed(ZWJ)
    assert not any(map(is_ill_formed, ["कि", "क्ष", " ", "", "a", "中"]))
    assert cluster_vocabulary("कि कि का") == sorted({"कि", " ", "का"})
    assert cluster_vocabulary("") == []


@pytest.mark.parametrize("function", [clusters, is_ill_formed, ill_formed_share,
                                      cluster_vocabulary])
@pytest.mark.parametrize("bad", [None, b"\xe0\xa4\x95", ["क"], 3])
def test_non_text_is_rejected(function, bad):
    expected = f"{function.__name__} takes one text.*{type(bad).__name__}"
    with pytest.raises(TypeError, match=expected):
        function(bad)


def test_join_gives_the_text_back_for_random_code_points():
    rng = random.Random(0)
    alphabet = ([chr(c) for c in range(0x0900, 0x0A00)]
                + list(" \n\r.aé\u0301" + ZWJ + ZWNJ + "中й"))
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(30)))
        parts = clusters(text)
        assert "".join(parts) == text
        assert all(parts)
        starts = {sum(map(len, parts[:i])) for i in range(len(parts))}
        # A Devanagari sign right after a Devanagari letter never starts a cluster.
        for i in range(1, len(text)):
            if (_devanagari(text[i - 1]) and unicodedata.category(text[i - 1]) == "Lo"
                    and _devanagari(text[i]) and unicodedata.category(text[i]) in MARKS):
                assert i not in starts
        # A mark at the start of the text, or right after a space, is always flagged.
        for i, ch in enumerate(text):
            if unicodedata.category(ch) in MARKS and (i == 0 or text[i - 1] == " "):
                assert i in starts and is_ill_formed(parts[sorted(starts).index(i)])


def _corpus_present(lang: str) -> bool:
    folder = os.environ.get("COURSE_DATA_DIR")
    return bool(folder) and (Path(folder) / get_entry(corpus(lang).name).path).is_file()


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_real_corpus_round_trip(lang):
    if not _corpus_present(lang):
        pytest.skip(f"no {lang} corpus in COURSE_DATA_DIR")
    text = read_corpus(lang)
    parts = clusters(text)
    assert "".join(parts) == text
    assert len(set(text)) < len(set(parts))           # more cluster types than code points
    assert len(parts) < len(text) / 1.2               # and fewer tokens
    assert ill_formed_share(text) < 1e-4              # the poems themselves are well formed
