"""Plain-language checks: public text should suit a reading age of about 11 to 12."""

from __future__ import annotations

import textstat

# Flesch-Kincaid grade 8 is a reading age of about 13; grade 6–7 is 11–12. We hold every text to
# grade 8 at most, so a sentence of everyday words passes and a dense one does not.
MAX_GRADE = 8.0
# Below this many words a reading grade is noise (one long word alone can score 20), so a
# short label passes when none of its words has more than four syllables.
MIN_WORDS = 10
LONGEST_WORD_SYLLABLES = 4


def reading_grade(text: str) -> float:
    """Return the Flesch-Kincaid grade of a text (0 for empty text)."""
    if not text.strip():
        return 0.0
    return float(textstat.flesch_kincaid_grade(text))


def short_and_plain(text: str) -> bool:
    """Return whether a text is too short for a reading grade, with no long word in it."""
    words = text.split()
    return len(words) < MIN_WORDS and all(
        textstat.syllable_count(word) <= LONGEST_WORD_SYLLABLES for word in words
    )


def too_hard(texts: dict[str, str]) -> dict[str, float]:
    """Return the named texts whose grade is above the limit, with their grades."""
    grades = {name: reading_grade(text) for name, text in texts.items()}
    return {
        name: round(grade, 1)
        for name, grade in grades.items()
        if grade > MAX_GRADE and not short_and_plain(texts[name])
    }
