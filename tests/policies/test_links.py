import pytest

from policies.base import AuthorHistory
from policies.context import Context
from bot.texts import policies as texts
from policies.links import check, find_links
from policies.settings import LinkSettings

from tests.policies.builders import message


def kind_of(text, *, school=frozenset(), block_unknown=True, extra=frozenset()):
    ctx = Context(message(text), AuthorHistory(), school_domains=school)
    decisions = check(ctx, LinkSettings(block_unknown=block_unknown, allow_domains=extra))
    return decisions[0].reason if decisions else None


@pytest.mark.parametrize("text, kind", [
    ("https://vk.me/join/AJQ1d8xYzZ", "invite"),
    ("vk.com/join/abc", "invite"),
    ("t.me/+AbCdEf", "invite"),
    ("https://t.me/joinchat/AAAA", "invite"),
    ("telegram.me/joinchat/BBB", "invite"),
    ("https://chat.whatsapp.com/Gx7T", "invite"),
    ("discord.gg/abc", "invite"),
    ("https://discord.com/invite/xyz", "invite"),
    ("invite.viber.com/?g2=AQB", "invite"),
    ("tg://join?invite=AbC", "invite"),
    ("HTTPS://T.ME/JOINCHAT/ABC", "invite"),
    ("t.me/masha_2011", "messenger"),
    ("wa.me/message/ABC", "messenger"),
    ("https://discord.com/channels/1", "messenger"),
    ("viber.click/masha", "messenger"),
    ("bit.ly/3xYz", "ad"),
    ("clck.ru/33abc", "ad"),
    ("vk.cc/abc", "ad"),
    ("Заработок без вложений: money.ru", "ad"),
    ("Скидка по промокоду: shop.ru", "ad"),
    ("Казино, бонус: vulkan.xyz", "ad"),
    ("Розыгрыш! vk.com/public1", "ad"),  # VK itself, but advertising
    ("Кредит онлайн credit.ru", "ad"),
    ("интересный сайт example.com", "unknown"),
])
def test_bad_links(text, kind):
    assert kind_of(text) == texts.LINK_REASONS[kind]


@pytest.mark.parametrize("text", [
    "Запись на gosuslugi.ru",
    "https://www.gosuslugi.ru/10070",
    "Урок: https://resh.edu.ru/subject/lesson/7812/",
    "vks.edu.ru", "edu.gov.ru", "school.mos.ru", "uchi.ru", "dnevnik.ru", "sferum.ru",
    "https://vk.com/school1234", "vk.com/im?sel=c12", "vk.me/club1",
])
def test_allowed_links_even_when_unknown_sites_are_blocked(text):
    assert kind_of(text) is None


def test_school_site_and_preset_extras_are_allowed():
    assert kind_of("сайт sch1234.ru/news", school=frozenset({"sch1234.ru"})) is None
    assert kind_of("olimpiada.ru/73", extra=frozenset({"olimpiada.ru"})) is None
    assert kind_of("olimpiada.ru/73") == texts.LINK_REASONS["unknown"]
    assert kind_of("olimpiada.ru/73", block_unknown=False) is None


def test_school_site_with_ad_words_is_still_allowed():
    assert kind_of("Скидка на форму: sch1234.ru", school=frozenset({"sch1234.ru"})) is None


@pytest.mark.parametrize("text", [
    "т.е. надо решить", "стр.45", "задание 5.2 и 5.3", "файл отчет.docx", "Иванова Н.П.",
    "почта ivan@mail.ru", "Привет.Как дела", "и т.д.",
])
def test_not_links(text):
    assert find_links(text) == []


def test_bare_domain_and_worst_link_wins():
    ctx = Context(message("смотри example.com и t.me/+abc"), AuthorHistory())
    [decision] = check(ctx, LinkSettings(block_unknown=True))
    assert decision.severity == 3
    assert decision.fragment == "t.me/+abc"
    assert decision.masked == "t.me"
