"""Issue 11 through vkemu with the real bot: what a roster change tells people and does to those
waiting. A linked parent learns that the child moved class even when none of their chats change;
a parent waiting in quarantine in a chat the change makes theirs is admitted there (the
moderators' alert closed with the reason), never sent the link of the chat they are already in."""

from __future__ import annotations

from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from tests.e2e.presses import press
from tests.e2e.seed import NOW, School, add_staff, add_student, make_school


async def _world(emu, harness) -> School:
    db = harness.db
    region = await org_repo.create(db, kind="region", code="reg", name="Регион", parent_id=None,
                                   timezone="Europe/Moscow", created_by=None, now=NOW)
    a = await make_school(db, emu, "sch-a", "Школа № 1", region.id)
    await add_staff(db, emu, a, "admin", "Анна", "Завучева", [("school_admin", None)])
    await add_staff(db, emu, a, "moderator", "Игорь", "Модеров", [("moderator", None)])
    await add_student(db, emu, a, "kid", "Петя", "Иванов", "5А", parent=("mom", "Елена", "Иванова"))
    await add_student(db, emu, a, "kid2", "Вася", "Сидоров", "5Б")  # class 5Б exists
    return a


async def _say(emu, user: int, text: str, contains: str | None = None):
    mark = len(emu.sent(user))
    emu.user_message(user, user, text)
    return await emu.wait_sent(user, since=mark, timeout=10, contains=contains)


async def test_a_linked_parent_is_told_of_a_transfer_even_when_no_chat_changes(emu, harness) -> None:
    a = await _world(emu, harness)
    admin, mom, kid = a.vk["admin"], a.vk["mom"], a.vk["kid"]
    assert not await chat_repo.in_org(harness.db, a.org.id)  # the school has no chats in the bot
    mark, kid_mark = len(emu.sent(mom)), len(emu.sent(kid))
    question = await _say(emu, admin, "/перевести Иванов Петя 5Б")
    await press(emu, admin, question, "Перевести в 5Б", contains="Готово")
    notice = await emu.wait_sent(mom, contains="теперь учится", since=mark)
    assert notice.text == "Иванов Петя теперь учится в 5Б (раньше — 5А).", notice.text
    to_kid = await emu.wait_sent(kid, contains="перевели", since=kid_mark)
    assert to_kid.text == "Вас перевели в 5Б (из 5А).", to_kid.text
    await harness.settled()
    assert len([m for m in emu.sent(mom)[mark:] if "теперь учится" in m.text]) == 1  # told once


async def test_a_parent_waiting_in_the_new_class_chat_is_admitted_not_sent_its_link(emu, harness) -> None:
    a = await _world(emu, harness)
    admin, mom, mod = a.vk["admin"], a.vk["mom"], a.vk["moderator"]
    await _say(emu, admin, "/создать родители 5Б", contains="создана")
    chat5b = next(c for c in await chat_repo.in_org(harness.db, a.org.id) if c.title == "5Б — родители")
    # Петя is still in 5А: his mother joining 5Б's parents' chat waits for a moderator
    mod_mark = len(emu.sent(mod))
    emu.join_by_link(chat5b.peer_id, mom)
    alert = await emu.wait_sent(mod, contains="не из списков", since=mod_mark)

    async def state() -> str | None:
        member = await member_repo.get(harness.db, chat5b.id, mom)
        return member.state if member else None

    await harness.wait_until(lambda: _is(state, "quarantine"))
    mark = len(emu.sent(mom))
    question = await _say(emu, admin, "/перевести Иванов Петя 5Б")
    await press(emu, admin, question, "Перевести в 5Б", contains="Готово")
    notice = await emu.wait_sent(mom, contains="теперь учится", since=mark)
    await harness.wait_until(lambda: _is(state, "member"))
    assert "Ожидание в беседах снято, вы допущены: «5Б — родители»." in notice.text, notice.text
    assert chat5b.invite_link not in notice.text  # she is there already
    await emu.wait_for(lambda: "✔ Допущена — теперь есть в списках школы для этой беседы" in
                       next(m for m in emu.history(mod) if m.cmid == alert.cmid).text)
    edited = next(m for m in emu.history(mod) if m.cmid == alert.cmid)
    assert not edited.keyboard
    await harness.settled()
    assert not [m for m in emu.sent(mom) if chat5b.invite_link in m.text]
    assert mom in emu.chat(chat5b.peer_id).members
    assert await harness.db.fetchval("SELECT status FROM alert WHERE kind = 'quarantine' AND target_vk = ?",
                                     (mom,)) == "handled"


async def _is(get, expected: str) -> bool:
    return await get() == expected
