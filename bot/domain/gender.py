"""A person's grammatical gender from a Russian full name, for texts that must agree with it
(«допущена», «привязался»). The patronymic decides; without one, first names and surname endings
(bot/domain/names.py ``gender_of``); when still unsure, texts use a neutral wording (never «(а)»)."""

from __future__ import annotations

from bot.domain.names import gender_of


def female(full_name: str | None) -> bool | None:
    """True / False («Иванова Мария Петровна», «Вера Петрова» → True); None when unknown."""
    found = gender_of(full_name)
    return None if found is None else found == "f"


def pick(is_female: bool | None, male: str, female_: str, neutral: str) -> str:
    """The form that agrees with the person; the neutral wording when the gender is unknown."""
    if is_female is None:
        return neutral
    return female_ if is_female else male
