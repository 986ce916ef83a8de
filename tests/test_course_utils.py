"""Localisation, profiles, set-up, quiz and the check machinery of course_utils."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import pick, setup, todo
from course_utils.checks import CheckFailed
from course_utils.checks.core import call, expect_array, expect_close
from course_utils.checks.demo import check_mean_square
from course_utils.i18n import (
    LANGUAGES,
    _,
    catalog,
    format_number,
    get_language,
    set_language,
)
from course_utils.profile import get_profile
from course_utils.quiz import ANSWERS, answer_letter, check_quiz


def test_messages_are_translated_and_filled():
    english = _("✓ {task}: passed. Well done!", task="one_hot")
    assert english == "✓ one_hot: passed. Well done!"
    for lang in LANGUAGES[1:]:
        set_language(lang)
        text = _("✓ {task}: passed. Well done!", task="one_hot")
        assert text.startswith("✓ one_hot") and text != english, lang


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="en, ru, zh, hi, bn"):
        set_language("fr")
    assert get_language() == "en"


def test_every_language_has_a_full_runtime_catalog():
    sizes = {lang: len(catalog(lang)) for lang in LANGUAGES[1:]}
    assert min(sizes.values()) == max(sizes.values()) > 30, sizes


def test_profile_and_pick(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "ci")
    assert (get_profile(), pick(ci=1, full=2)) == ("ci", 1)
    monkeypatch.setenv("COURSE_PROFILE", "FULL")
    assert (get_profile(), pick(ci=1, full=2)) == ("full", 2)
    monkeypatch.delenv("COURSE_PROFILE")
    assert get_profile() == "full"
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    with pytest.raises(ValueError, match="'ci' or 'full'"):
        get_profile()


def test_setup_prints_profile_device_and_language(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "ci")
    course = setup("zh")
    out = capsys.readouterr().out
    assert (course.lang, course.profile) == ("zh", "ci")
    assert "ci" in out and ("CPU" in out or "GPU" in out)
    assert "简体中文" in out and get_language() == "zh"


def test_todo_raises_not_implemented():
    with pytest.raises(NotImplementedError, match=r"todo\(\)"):
        todo()


def test_call_reports_exceptions_and_mutation():
    with pytest.raises(CheckFailed, match="ZeroDivisionError"):
        call("t", lambda: 1 / 0)

    def mutate(a):
        a += 1
        return a

    with pytest.raises(CheckFailed, match="changed one of its inputs"):
        call("t", mutate, np.zeros(3))


@pytest.mark.parametrize(("value", "message"), [
    ([1.0, 2.0], "NumPy array"),
    (np.zeros((3, 2)), "shape"),
    (np.zeros(2, dtype=int), "dtype"),
    (np.array([1.0, np.nan]), "1 NaN"),
])
def test_expect_array_explains_the_problem(value, message):
    with pytest.raises(CheckFailed, match=message):
        expect_array("t", value, "x", shape=(2,), kind="f")


def test_expect_close_says_how_far_without_the_answer():
    with pytest.raises(CheckFailed) as failure:
        expect_close("t", np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 3.0]), "y")
    message = str(failure.value)
    assert "1 of 3" in message and "5.00e-01" in message and "(1,)" in message
    assert "2.5" not in message
    expect_close("t", np.array([1.0]), np.array([1.0 + 1e-12]), "y")


def test_failed_check_shows_only_its_message_in_ipython():
    assert CheckFailed("✗ t: no")._render_traceback_() == ["✗ t: no"]


def test_demo_check(capsys):
    check_mean_square(lambda x: (x**2).mean(axis=1))
    assert "✓ mean_square" in capsys.readouterr().out
    with pytest.raises(CheckFailed):
        check_mean_square(lambda x: x.mean(axis=1) ** 2)


def test_quiz_scores_right_wrong_and_missing(capsys):
    key = ANSWERS["01"]
    answers = dict(key)
    answers[1] = "a" if key[1] != "a" else "b"
    answers[2] = None
    assert check_quiz("01", answers) == len(key) - 2
    out = capsys.readouterr().out
    assert "✗ 1" in out and "· 2" in out and "✓ 3" in out
    assert check_quiz("01", {n: f" {c.upper()} " for n, c in key.items()}) == len(key)


@pytest.mark.parametrize(("typed", "meant"), [
    ("а", "a"), ("А", "a"), ("в", "b"), ("В", "b"), ("с", "c"), ("С", "c"),  # Cyrillic
    ("ａ", "a"), ("Ｂ", "b"), ("ｃ", "c"), ("ｄ", "d"),  # full-width (Chinese input)
    ("α", "a"), ("β", "b"), (" (c) ", "c"), ("d.", "d"),
])
def test_quiz_accepts_look_alike_letters(typed, meant, capsys):
    assert answer_letter(typed) == meant
    key = ANSWERS["01"]
    right = [n for n, letter in key.items() if letter == meant]
    if right:
        assert check_quiz("01", {right[0]: typed}) == 1


def test_quiz_does_not_fold_other_letters():
    assert answer_letter("б") != "b" and answer_letter("е") not in "abcd"


@pytest.mark.parametrize(("lang", "value", "spec", "text"), [
    ("ru", 0.59, "", "0,59"), ("ru", 50000, "", "50\u00a0000"), ("ru", 0.4792, ".3f", "0,479"),
    ("ru", 1.5e-5, ".1e", "1,5e-05"), ("hi", 1865921, "", "18,65,921"),
    ("bn", 1865921, "", "18,65,921"), ("zh", 1865921, "", "1,865,921"), ("zh", 0.5, ".2f", "0.50"),
])
def test_numbers_in_messages_follow_the_language(lang, value, spec, text):
    assert format_number(value, spec, lang) == text


def test_messages_format_numbers_for_the_learner():
    set_language("ru")
    text = _("{name} has shape {got}, expected {want}.", name="x", got=(2, 3), want=(3, 2))
    assert "(2, 3)" in text  # tuples (shapes) keep Python's form
    assert _("{x:.3f}", x=0.5) == "0,500"


def test_quiz_rejects_unknown_lessons_and_questions():
    with pytest.raises(ValueError):
        check_quiz("99", {})
    with pytest.raises(ValueError, match="no question 9"):
        check_quiz("00", {9: "a"})
