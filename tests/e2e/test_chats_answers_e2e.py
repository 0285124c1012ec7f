"""The answers of /чаты, /создать and /привязать, whole, through vkemu: rendered by the handlers from
the chats service's typed results (bot/texts/chats.py), the same as the service's text was."""

from __future__ import annotations

from bot import texts
from bot.repo import chats as chat_repo
from tests.e2e.presses import say
from tests.e2e.test_chats_e2e import _world
from tests.e2e.test_membership_truth_e2e import _bind


async def test_school_overview_whole(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    answer = await say(emu, admin, "/чаты")
    assert answer.text == "\n".join(["Беседы «Школа № 1»:", texts.CHATS_NONE,
                                     "Нет беседы родителей: 5А, 5Б\nНет беседы учеников: 5А, 5Б"])
    # a moderator may look but not create: no «Создайте» hint
    answer = await say(emu, a.vk["moderator"], "/чаты")
    assert answer.text.split("\n")[1] == texts.CHATS_NONE_READONLY, answer.text
    created = await say(emu, admin, "/создать родители 5А")
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    assert created.text == texts.CHAT_CREATED.format(title="5А — родители", link=chat.invite_link,
                                                     share=texts.CHAT_LINK_SHARE)
    again = await say(emu, admin, "/создать родители 5А")
    assert again.text == texts.CHAT_EXISTS.format(title="5А — родители", link=chat.invite_link)
    answer = await say(emu, admin, "/чаты")
    # members: the admin and the class teacher; eligible: both parents and three staff
    assert answer.text == "\n".join(["Беседы «Школа № 1»:", "• 5А — родители — участников 2 из 5",
                                     "Нет беседы родителей: 5Б\nНет беседы учеников: 5А, 5Б"])


async def test_create_and_bind_mistakes(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    answer = await say(emu, admin, "/создать бегемоты")
    assert answer.text == texts.CHAT_TYPE_UNKNOWN.format(word="бегемоты")
    answer = await say(emu, admin, "/создать родители 9Я")
    assert answer.text == texts.CLASS_NOT_IN_SCHOOL.format(school="Школа № 1", cls="9Я")
    peer = emu.create_chat("родители", admin, [])
    await _bind(emu, harness, peer, admin, "/привязать родители 5А")
    # a bound chat is told so, whatever follows the command
    mark = len(emu.sent(peer))
    emu.user_message(peer, admin, "/привязать бегемоты")
    answer = await emu.wait_sent(peer, since=mark, timeout=10)
    assert answer.text == texts.CHAT_BIND_ALREADY.format(title="5А — родители", school="Школа № 1")
