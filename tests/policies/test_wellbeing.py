import pytest

from policies.base import Action, AuthorHistory
from policies.context import Context
from policies.settings import WellbeingSettings
from policies.wellbeing import check, find_signal
from policies.normalize import words

from tests.policies.builders import message

SELF_HARM = [
    "Я больше не хочу жить", "хочу умереть", "не хочется жить вообще", "жить не хочу",
    "покончить с собой", "покончу с собой", "порежу вены", "лучше бы меня не было",
    "я никому не нужна", "иногда думаю о суициде", "наглотаюсь таблеток", "спрыгну с крыши",
    "я устала жить", "меня травят в классе", "все смеются надо мной",
    "xочу yмeреть",  # look-alikes undone by the same normalisation
    "хочу  у м е р е т ь",
]
BULLYING = [
    "убей себя", "иди убейся", "все тебя ненавидят", "тебя все ненавидят", "ты никому не нужен",
    "ты жирная", "ты жирный", "жирдяй", "затравим его", "объявляем ей бойкот",
    "с тобой никто не будет дружить", "вали из класса", "тебе не место в нашем классе",
    "после уроков изобьём тебя", "сольём твои фотки", "сдохни", "ты пустое место",
]
NOT_SIGNALS = [
    "Не хочу жить в общежитии", "Я чуть не умерла от смеха", "Убей меня, я забыла домашку",
    "Жирный шрифт для заголовков", "Побьём рекорд школы", "Наша команда их побьёт",
    "Хочу умную колонку на день рождения", "Умереть со скуки можно на этом уроке? Нет.",
    "Ты не нужна завтра на репетиции",
]


@pytest.mark.parametrize("text", SELF_HARM)
def test_self_harm(text):
    assert find_signal(words(text))[0] == "self_harm"


@pytest.mark.parametrize("text", BULLYING)
def test_bullying(text):
    assert find_signal(words(text))[0] == "bullying"


@pytest.mark.parametrize("text", NOT_SIGNALS)
def test_ordinary_hyperbole_is_not_a_signal(text):
    assert find_signal(words(text)) is None


def test_signal_is_private_and_never_a_strike():
    ctx = Context(message("Хочу умереть"), AuthorHistory())
    [decision] = check(ctx, WellbeingSettings())
    assert decision.action is Action.PRIVATE_ALERT
    assert decision.strike is False
    assert decision.severity == 3
    assert decision.reason.startswith("Сигнал")
