"""A person's grammatical gender from a Russian full name, for texts that must agree with it
(«допущена», «привязался»). Only the patronymic is trusted; without one the gender is unknown and
texts use a neutral wording (never «(а)»)."""

from __future__ import annotations

_FEMALE_ENDINGS = ("вна", "чна", "кызы", "гызы")
_MALE_ENDINGS = ("вич", "ьич", "ич", "оглы", "улы", "уулу")


def female(full_name: str | None) -> bool | None:
    """True / False by the patronymic («Иванова Мария Петровна» → True); None when unknown."""
    words = (full_name or "").replace("ё", "е").casefold().split()
    for word in reversed(words[2:] if len(words) >= 3 else []):
        if word.endswith(_FEMALE_ENDINGS):
            return True
        if word.endswith(_MALE_ENDINGS):
            return False
    return None


def pick(is_female: bool | None, male: str, female_: str, neutral: str) -> str:
    """The form that agrees with the person; the neutral wording when the gender is unknown."""
    if is_female is None:
        return neutral
    return female_ if is_female else male
