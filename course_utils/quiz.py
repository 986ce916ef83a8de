"""Self-check quizzes: the questions are in the lesson, the feedback comes from here."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from .i18n import _

# Letters that look like the answer letters a-d but come from other scripts or
# keyboards: a learner who types Cyrillic "а" or "с" on a Russian keyboard, or Greek
# "α", means "a" or "c". Full-width letters (Chinese input methods) are folded by NFKC.
LOOK_ALIKES: dict[str, str] = {
    "а": "a", "α": "a", "ɑ": "a",
    "в": "b", "ь": "b", "β": "b", "ƅ": "b",
    "с": "c", "ϲ": "c", "ς": "c",
    "ԁ": "d", "ɗ": "d",
}

# Lesson -> question number -> the letter of the right option.
ANSWERS: dict[str, dict[int, str]] = {
    "00": {1: "b", 2: "c", 3: "a"},
    "01": {1: "c", 2: "b", 3: "d", 4: "a", 5: "b"},
    "02": {1: "b", 2: "c", 3: "a", 4: "b", 5: "c"},
    "03": {1: "b", 2: "c", 3: "a", 4: "c", 5: "d"},
    "04": {1: "b", 2: "c", 3: "b", 4: "c", 5: "a"},
    "05": {1: "b", 2: "d", 3: "a", 4: "c", 5: "a"},
    "06": {1: "b", 2: "c", 3: "a", 4: "c", 5: "d"},
    "07": {1: "c", 2: "b", 3: "a", 4: "d", 5: "a"},
    "08": {1: "b", 2: "c", 3: "a", 4: "d", 5: "b"},
}


def check_quiz(lesson: str, answers: Mapping[int, str | None]) -> int:
    """Print feedback on ``answers`` (question -> letter or ``None``); return the score."""
    key = ANSWERS.get(lesson)
    if key is None:
        raise ValueError(_("There is no quiz for lesson {lesson!r}.", lesson=lesson))
    unknown = sorted(set(answers) - set(key))
    if unknown:
        raise ValueError(_("Lesson {lesson} has questions {questions}; there is no "
                           "question {unknown}.", lesson=lesson,
                           questions=", ".join(map(str, key)), unknown=unknown[0]))
    score = 0
    for number, right in key.items():
        given = answers.get(number)
        if given is None or str(given).strip() == "":
            print(_("· {number}: no answer yet", number=number))
        elif answer_letter(given) == right:
            score += 1
            print(_("✓ {number}: right", number=number))
        else:
            print(_("✗ {number}: not this one; reread the section and try again",
                    number=number))
    print(_("Score: {score} of {total}", score=score, total=len(key)))
    return score


def answer_letter(given: object) -> str:
    """The answer letter a learner meant: lower-case, full-width and look-alikes folded."""
    text = unicodedata.normalize("NFKC", str(given)).strip().strip("().").lower()
    return "".join(LOOK_ALIKES.get(ch, ch) for ch in text)
