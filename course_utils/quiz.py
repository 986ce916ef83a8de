"""Self-check quizzes: the questions are in the lesson, the feedback comes from here."""

from __future__ import annotations

from collections.abc import Mapping

from .i18n import _

# Lesson -> question number -> the letter of the right option.
ANSWERS: dict[str, dict[int, str]] = {
    "00": {1: "b", 2: "c", 3: "a"},
    "01": {1: "c", 2: "b", 3: "d", 4: "a", 5: "b"},
    "02": {1: "b", 2: "c", 3: "a", 4: "b", 5: "c"},
    "03": {1: "b", 2: "c", 3: "a", 4: "c", 5: "d"},
    "04": {1: "b", 2: "c", 3: "b", 4: "c", 5: "a"},
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
        elif str(given).strip().lower() == right:
            score += 1
            print(_("✓ {number}: right", number=number))
        else:
            print(_("✗ {number}: not this one; reread the section and try again",
                    number=number))
    print(_("Score: {score} of {total}", score=score, total=len(key)))
    return score
