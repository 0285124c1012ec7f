import pytest

from bot.domain.names import clean_display_name, normalize_name, split_fio


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Иванов Пётр", "иванов петр"),
        ("  ИВАНОВ   ПЁТР  ", "иванов петр"),
        ("Петрова - Водкина Анна", "петрова-водкина анна"),
        ("Петрова—Водкина Анна", "петрова-водкина анна"),
        ("Иванов Пётр.", "иванов петр"),
        ("«Иванов Пётр»,", "иванов петр"),
        ("Иванов И.И.", "иванов и и"),
        ("Ивaнов Пётр", "иванов петр"),  # Latin «a» inside
        ("CMИPHOB", "смирнов"),  # Latin C, M, H, O, B
        ("John Smith", "john smith"),  # a Latin name is left Latin
        ("Иванов\u00a0Пётр\u200b", "иванов петр"),
        ("Д’Артаньян", "д'артаньян"),
        ("", ""),
        (None, ""),
        (" - ", ""),
    ],
)
def test_normalize_name(raw, key):
    assert normalize_name(raw) == key


def test_normalize_name_makes_variants_equal():
    variants = ["Ёлкина-Петрова Алёна", "елкина - петрова алена", "ЕЛКИНА-ПЕТРОВА  АЛЕНА.", "Eлкина-Пeтрова Алена"]
    assert len({normalize_name(v) for v in variants}) == 1


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("  иванов   пётр  сергеевич ", "Иванов Пётр Сергеевич"),
        ("ИВАНОВ ПЁТР", "Иванов Пётр"),
        ("петрова-водкина анна", "Петрова-Водкина Анна"),
        ("петрова - водкина анна", "Петрова-Водкина Анна"),
        ("мамедов али гасан оглы", "Мамедов Али Гасан оглы"),
        ("иванов и.и.", "Иванов И.И."),
        ("Ивaнов", "Иванов"),  # Latin a fixed
        ("«Иванов Пётр»,", "Иванов Пётр"),
        ("", ""),
    ],
)
def test_clean_display_name(raw, display):
    assert clean_display_name(raw) == display


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("Иванов Пётр Сергеевич", ("Иванов", "Пётр", "Сергеевич")),
        ("иванов пётр", ("Иванов", "Пётр", None)),
        ("Иванов", ("Иванов", "", None)),
        ("Мамедов Али Гасан оглы", ("Мамедов", "Али", "Гасан оглы")),
        ("Петрова-Водкина Анна Ивановна", ("Петрова-Водкина", "Анна", "Ивановна")),
        ("   ", ("", "", None)),
    ],
)
def test_split_fio(raw, parts):
    assert split_fio(raw) == parts
