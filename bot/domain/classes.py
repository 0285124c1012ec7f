"""School class names («5А»): parsing what people type, validation and yearly promotion."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.texts import roster as texts
from bot.domain.errors import UserError

MIN_GRADE = 1
MAX_GRADE = 11

# Russian capital letters a class can be named with. Ь, Ъ, Ы and Й never start a word, so no
# school uses them; Ё is left out as well so that «5Ё» cannot become a twin of «5Е».
CLASS_LETTERS = frozenset("АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ")

# Latin capitals that look like Cyrillic ones: «5A» typed on an English layout means «5А».
_LATIN_LOOKALIKES = str.maketrans("ABEKMHOPCTXY", "АВЕКМНОРСТХУ")

# Grade, an optional separator (space, hyphen, dash), one letter.
_SHAPE = re.compile(r"^(\d{1,2})\s*[-‐‑–—]?\s*([^\W\d_])$")
_TRAILING_WORD = re.compile(r"\s*(класс|кл\.?)$", re.IGNORECASE)
_QUOTES = "«»\"'“”„ "


class ClassNameError(UserError, ValueError):
    """Text that is not a class name; ``message`` says what was wrong and shows the right form."""


@dataclass(frozen=True, order=True)
class ClassName:
    grade: int
    letter: str

    def __post_init__(self) -> None:
        if not isinstance(self.grade, int) or self.grade < MIN_GRADE:
            raise ValueError(f"bad grade {self.grade!r}")
        if self.letter not in CLASS_LETTERS:
            raise ValueError(f"bad class letter {self.letter!r}")

    def __str__(self) -> str:
        return f"{self.grade}{self.letter}"


def parse_class(text: str | None, *, max_grade: int = MAX_GRADE) -> ClassName:
    """Read «5А», «5а», «5 А», «5-А», «5A» (Latin look-alike), «10Б», «11 в», «5А класс»."""
    raw = (text or "").strip()
    if not raw:
        raise ClassNameError(texts.CLASS_EMPTY)
    shaped = _TRAILING_WORD.sub("", raw.strip(_QUOTES)).strip(_QUOTES).upper()
    match = _SHAPE.match(shaped)
    if match is None:
        raise ClassNameError(texts.class_not_understood(raw))
    grade = int(match[1])
    letter = match[2].translate(_LATIN_LOOKALIKES)
    if not MIN_GRADE <= grade <= max_grade:
        raise ClassNameError(texts.class_bad_grade(raw, max_grade))
    if letter not in CLASS_LETTERS:
        raise ClassNameError(texts.class_bad_letter(raw, letter))
    return ClassName(grade, letter)


def looks_like_class(token: str | None) -> bool:
    """Whether a command argument has the shape of a class («5А», «12Ы», «5 a»), valid or not.

    Handlers use this to decide that the user meant a class; ``parse_class`` then either accepts it
    or explains what is wrong, instead of the token being taken for some other argument.
    """
    shaped = (token or "").strip().strip(_QUOTES).upper()
    return bool(_SHAPE.match(shaped))


def promote(c: ClassName, last_grade: int = MAX_GRADE) -> ClassName | None:
    """The class a year later; None when the class graduates."""
    if c.grade >= last_grade:
        return None
    return ClassName(c.grade + 1, c.letter)
