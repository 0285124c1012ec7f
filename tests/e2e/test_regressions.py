"""Regression tests for the review of the first landing (one per finding, named after it)."""

from __future__ import annotations

from bot.repo import chats as chat_repo
from tests.e2e.presses import pending_of
from bot.repo import roles as role_repo
from tests.e2e.seed import add_staff, make_school
from tests.e2e.test_chats_e2e import _create, _world


async def _ask(emu, vk_id: int, text: str):
    mark = len(emu.sent(vk_id))
    emu.user_message(vk_id, vk_id, text)
    return await emu.wait_sent(vk_id, since=mark, timeout=10)


async def test_responsible_cannot_repoint_a_linked_entry_to_another_account(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    resp = await add_staff(harness.db, emu, a, "resp", "Роман", "Ответов", [("chat_responsible", None)])
    alt = emu.add_user("Подставной", "Аккаунт")
    answer = await _ask(emu, resp, f"/роль связать id{alt} Завучева Анна")
    assert "уже привязана" in answer.text
    admin_vk = await harness.db.fetchval("SELECT vk_id FROM person WHERE id = ?", (a.person["admin"],))
    assert admin_vk == a.vk["admin"]


async def test_responsible_cannot_grant_school_admin_through_an_import(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    resp = await add_staff(harness.db, emu, a, "resp", "Роман", "Ответов", [("chat_responsible", None)])
    csv = "ФИО;Должность;Роли\nОтветов Роман;учитель;администратор\n".encode("utf-8")
    mark = len(emu.sent(resp))
    emu.user_message(resp, resp, "/импорт", attachments=[{"type": "doc", "title": "staff.csv", "content": csv}])
    answer = await emu.wait_sent(resp, since=mark, timeout=10)
    assert "не можете выдавать" in answer.text and not answer.keyboard
    roles = {g.role for g in await role_repo.active_for_person(harness.db, a.person["resp"])}
    assert roles == {"chat_responsible"}


async def test_revoked_class_teacher_loses_the_chats_they_led(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    teacher = a.vk["teacher5a"]
    answer = await _ask(emu, teacher, "/создать ученики 5А")
    assert "создана" in answer.text, answer.text
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    assert chat.leader_id == a.person["teacher5a"]
    answer = await _ask(emu, a.vk["admin"], f"/роль снять классный руководитель id{teacher} 5А")
    assert "снята" in answer.text, answer.text
    assert (await chat_repo.get(harness.db, chat.id)).leader_id is None
    caller = await harness.app.access.caller(teacher)
    assert not await harness.app.services.chats.is_chat_staff(caller, await chat_repo.get(harness.db, chat.id))


async def test_revoking_a_role_never_creates_a_person(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    stranger = emu.add_user("Посторонний", "Человек")
    before = await harness.db.fetchval("SELECT COUNT(*) FROM person")
    answer = await _ask(emu, a.vk["admin"], f"/роль снять модератор id{stranger}")
    assert "нет роли" in answer.text
    assert await harness.db.fetchval("SELECT COUNT(*) FROM person") == before


async def test_unknown_screen_name_is_reported_as_not_found(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    answer = await _ask(emu, a.vk["admin"], "/роль выдать модератор vk.com/no_such_person_here")
    assert "не нашёл" in answer.text, answer.text


async def test_other_school_admin_cannot_link_or_grant_here(emu, harness) -> None:
    a, b = await _world(emu, harness)
    admin_b = await add_staff(harness.db, emu, b, "admin_b", "Борис", "Бешкин", [("school_admin", None)])
    answer = await _ask(emu, admin_b, f"/роль выдать модератор id{admin_b} школа sch-a")
    assert "нет прав" in answer.text
    answer = await _ask(emu, admin_b, f"/роль связать id{admin_b} Иванов Петя школа sch-a")
    assert "нет прав" in answer.text


async def test_concurrent_consumers_act_on_each_roster_event_once(emu, harness) -> None:
    import asyncio

    from bot.repo import members as member_repo

    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    await _create(emu, harness, admin, "/создать родители 5А")
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    emu.join_by_link(chat.peer_id, a.vk["mom"])
    await harness.wait_until(lambda: member_repo.get(harness.db, chat.id, a.vk["mom"]))
    await harness.db.execute("UPDATE roster_event SET consumed_at = 1")
    caller = await harness.app.access.caller(admin)
    roster = harness.app.services.roster
    question = await roster.expel(caller, await roster.org_for(caller, None), "Иванов Петя", None, 0)
    await harness.app.services.roster.expel_apply(caller, await pending_of(harness, question), 0)
    membership = harness.app.services.membership
    mark = len(emu.sent(a.vk["mom"]))
    counts = await asyncio.gather(membership.consume_events(), membership.consume_events())
    assert sorted(counts) == [0, 1]
    await harness.settled()  # the recorded removal and notice performed
    removals = [c for c in emu.calls if c.method == "messages.removeChatUser"]
    assert len(removals) == 1  # one removal (packed into an execute with its notice)
    await emu.wait_for(lambda: len(emu.sent(a.vk["mom"])) > mark)
    assert len(emu.sent(a.vk["mom"])) == mark + 1  # one notice, not two


async def test_deleted_account_gets_no_role(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    gone = emu.add_user("Удалённый", "Аккаунт")
    emu.deactivate(gone)
    before = await harness.db.fetchval("SELECT COUNT(*) FROM person")
    answer = await _ask(emu, a.vk["admin"], f"/роль выдать модератор id{gone}")
    assert "не нашёл" in answer.text
    assert await harness.db.fetchval("SELECT COUNT(*) FROM person") == before


# -- exploratory testing as a new user (second review) ------------------------------------

async def test_repeated_commands_are_never_moderated_as_spam(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    await _create(emu, harness, a.vk["admin"], "/создать родители 5А")
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    mom = a.vk["mom"]
    emu.join_by_link(chat.peer_id, mom)
    await emu.wait_sent(chat.peer_id, contains="Добро пожаловать")
    for _ in range(4):
        mark = len(emu.sent(chat.peer_id))
        emu.user_message(chat.peer_id, mom, "/правила")
        answer = await emu.wait_sent(chat.peer_id, since=mark)
        assert answer.text.startswith("Правила беседы"), answer.text
    assert not any(m.deleted_for_all for m in emu.history(chat.peer_id) if m.from_id == mom)


async def test_bare_slash_is_answered(emu, harness) -> None:
    user = emu.add_user("Иван", "Петров")
    answer = await _ask(emu, user, "/")
    assert "/помощь" in answer.text


async def test_role_messages_say_what_is_missing(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    target = emu.add_user("Новый", "Учитель", allows_messages=True)
    answer = await _ask(emu, admin, f"/роль выдать классный руководитель vk.com/id{target}")
    assert "укажите класс" in answer.text
    answer = await _ask(emu, admin, f"/роль выдать учитель-предметник vk.com/id{target}")
    assert "укажите предмет" in answer.text
    answer = await _ask(emu, admin, f"/роль выдать координатор vk.com/id{target}")
    assert "нельзя выдать" in answer.text or "не можете" in answer.text
    answer = await _ask(emu, admin, f"/роль выдать модератор vk.com/id{target} приказ 12 от 31.02.2026")
    assert "не существует" in answer.text
    answer = await _ask(emu, admin, f"/роль снять администратор vk.com/id{admin}")
    assert "нельзя" in answer.text
    answer = await _ask(emu, admin, f"/роль выдать классный руководитель vk.com/id{target} 9Я")
    assert "нет класса 9Я" in answer.text


async def test_chat_help_lists_moderation_for_the_leader(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    teacher = a.vk["teacher5a"]
    await _ask(emu, teacher, "/создать ученики 5А")
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    mark = len(emu.sent(chat.peer_id))
    emu.user_message(chat.peer_id, teacher, "/помощь")
    answer = await emu.wait_sent(chat.peer_id, contains="Команды в этой беседе", since=mark)
    assert "/пред" in answer.text and "/мут" in answer.text and "/привязать" not in answer.text


async def test_report_for_a_future_month_is_refused(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    answer = await _ask(emu, a.vk["admin"], "/отчёт 2030-01")
    assert "ещё не наступил" in answer.text
    answer = await _ask(emu, a.vk["admin"], "/отчёт за ноябрь 2025")  # a month in words (issue 13)
    assert answer.text.startswith("Отчёт об активности за ноябрь 2025"), answer.text
