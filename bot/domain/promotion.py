"""New-year promotion: every class moves up a grade, the last grade graduates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from bot.texts import roster as texts
from bot.domain.classes import MAX_GRADE, ClassName, promote
from bot.domain.errors import UserError


class PromotionError(UserError, ValueError):
    """The promotion would put two classes under one name; ``message`` lists every clash."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


def plan_promotion(
    classes: Iterable[ClassName], last_grade: int = MAX_GRADE, *, staying: Iterable[ClassName] = (),
) -> list[tuple[ClassName, ClassName | None]]:
    """(old, new) for every class, top grade first, new None for a graduating class.

    Applying the pairs in the returned order never renames a class onto one that still exists:
    11А leaves before 10А becomes 11А. ``staying`` are classes that keep their name this year (a
    school with a class that is not promoted); a class moving onto one of them is a collision.
    Grades above ``last_grade`` graduate as well.
    """
    classes = list(classes)
    repeated = [c for c, n in Counter(classes).items() if n > 1]
    errors = [texts.promotion_duplicate(str(c)) for c in sorted(repeated)]
    occupied = set(classes) | set(staying)
    order = sorted(set(classes) - set(staying), key=lambda c: (-c.grade, c.letter))
    pairs: list[tuple[ClassName, ClassName | None]] = []
    for old in order:
        new = promote(old, last_grade)
        occupied.discard(old)
        if new is not None:
            if new in occupied:
                errors.append(texts.promotion_collision(str(old), str(new)))
            occupied.add(new)
        pairs.append((old, new))
    if errors:
        raise PromotionError(errors)
    return pairs
