import pytest

from bot.domain.gender import female, pick


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Иванова Мария Петровна", True), ("Иванов Пётр Сергеевич", False), ("Кузьмина Анна Ильинична", True),
     ("Петров Глеб Ильич", False), ("Алиева Лейла Рашид кызы", True), ("Мамедов Эльчин Рашид оглы", False),
     ("Иванова Мария", True), ("Вера Петрова", True), ("Петров Никита", False), ("Саша Ким", None),
     ("Черных Саша", None), ("", None), (None, None)],
)
def test_gender_comes_from_the_patronymic_then_the_name(name, expected):
    assert female(name) is expected


def test_pick_never_guesses():
    assert pick(True, "допущен", "допущена", "допуск") == "допущена"
    assert pick(False, "допущен", "допущена", "допуск") == "допущен"
    assert pick(None, "допущен", "допущена", "допуск") == "допуск"
