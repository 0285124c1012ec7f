"""Issue 11, part 2, chats through vkemu with the real bot: /создать родители without a class asks
(classes as buttons, or the school-wide chat explicitly); a second chat of the same kind and class
cannot be bound and a binding reports who in the chat the roster does not know; coordinators'
/чаты lists their schools."""

from __future__ import annotations

from bot.repo import chats as chat_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.texts import confirm as ct
from tests.e2e.presses import labels, press, say
from tests.e2e.seed import NOW
from tests.e2e.test_chats_e2e import _world
from tests.e2e.test_membership_truth_e2e import _bind


async def test_parents_chat_without_a_class_asks_which_class_or_the_whole_school(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    question = await say(emu, admin, "/создать родители")
    assert question.text.startswith("Для какого класса беседа родителей в «Школа № 1»?"), question.text
    assert labels(question) == ["Родители 5А", "Родители 5Б", ct.BUTTON_WHOLE_SCHOOL, "Отменить"]
    assert await chat_repo.in_org(harness.db, a.org.id) == []  # nothing created by asking

    created = await press(emu, admin, question, "Родители 5А", contains="создана")
    assert "«5А — родители»" in created.text, created.text
    [chat] = await chat_repo.in_org(harness.db, a.org.id)
    assert chat.type == "parents_class"

    # the class that has a chat now comes last; the school-wide chat only on its own button
    question = await say(emu, admin, "/создать родители")
    assert labels(question)[:2] == ["Родители 5Б", "Родители 5А"]
    cancelled = await press(emu, admin, question, "Отменить")
    assert cancelled.text == "Отменено: создание беседы. Ничего не изменилось."
    question = await say(emu, admin, "/создать родители")
    created = await press(emu, admin, question, ct.BUTTON_WHOLE_SCHOOL, contains="создана")
    assert "«Школа № 1 — родители»" in created.text, created.text
    types = sorted(c.type for c in await chat_repo.in_org(harness.db, a.org.id))
    assert types == ["parents_class", "parents_school"]


async def test_students_chat_without_a_class_asks_the_class(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    question = await say(emu, admin, "/создать ученики")
    assert question.text == "Для какого класса беседа учеников в «Школа № 1»?", question.text
    assert labels(question) == ["Ученики 5А", "Ученики 5Б", "Отменить"]  # no school-wide students' chat
    created = await press(emu, admin, question, "Ученики 5Б", contains="создана")
    assert "«5Б — ученики»" in created.text, created.text


async def test_a_second_chat_of_the_same_kind_and_class_cannot_be_bound(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    await say(emu, admin, "/создать родители 5А")
    peer = emu.create_chat("ещё родители", admin, [])
    emu.add_bot_to_chat(peer, admin)
    await emu.wait_sent(peer, contains="администратором")
    emu.set_bot_admin(peer, True)
    mark = len(emu.sent(peer))
    emu.user_message(peer, admin, "/привязать родители 5А")
    answer = await emu.wait_sent(peer, contains="привязать нельзя", since=mark)
    assert answer.text == ct.bind_duplicate("5А — родители"), answer.text
    assert not (await chat_repo.by_peer(harness.db, peer)).bound
    assert [c.title for c in await chat_repo.in_org(harness.db, a.org.id)] == ["5А — родители"]
    assert emu.chat(peer).title == "ещё родители"  # not renamed either


async def test_binding_reports_who_in_the_chat_the_roster_does_not_know(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin, mom = a.vk["admin"], a.vk["mom"]
    stranger = emu.add_user("Незнакомый", "Человек")
    peer = emu.create_chat("родители", admin, [mom, stranger])
    mark = len(emu.sent(admin))
    chat = await _bind(emu, harness, peer, admin, "/привязать родители 5А")
    bound = next(m for m in emu.sent(peer) if "Беседа привязана" in m.text)
    assert ct.bound_unknown(1) in bound.text and f"id{stranger}" not in bound.text
    assert ct.BOUND_RENAMED.format(title="5А — родители") in bound.text  # renamed, and said so
    report = await emu.wait_sent(admin, contains="не из списков школы", since=mark)
    assert f"• vk.com/id{stranger} — {ct.OUTCOME_QUARANTINE}" in report.text.split("\n"), report.text
    assert f"id{mom}" not in report.text
    assert chat.bound


async def test_coordinator_chats_lists_the_schools_of_the_territory(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    await say(emu, a.vk["admin"], "/создать родители 5А")
    muni = await org_repo.by_code(harness.db, "mun")
    coordinator = emu.add_user("Коорди", "Натор", allows_messages=True)
    person = await people_repo.create(harness.db, org_id=muni.id, kind="staff", full_name="Натор Коорди",
                                      name_key="натор коорди", vk_id=coordinator, now=NOW)
    await role_repo.grant(harness.db, person_id=person, org_id=muni.id, role="municipal_coordinator",
                          granted_by=None, now=NOW)
    answer = await say(emu, coordinator, "/чаты")
    lines = answer.text.split("\n")
    assert lines[0] == "Школы «Город» и их беседы:", answer.text
    assert "• Школа № 1 (sch-a) — 1 беседа" in lines and "• Школа № 2 (sch-b) — 0 бесед" in lines
    answer = await say(emu, coordinator, "/чаты sch-a")
    assert answer.text.startswith("Беседы «Школа № 1»:") and "5А — родители" in answer.text


async def test_binding_says_in_the_chat_when_the_private_list_cannot_reach_the_binder(emu, harness) -> None:
    from bot.repo import reach as reach_repo

    a, _ = await _world(emu, harness)
    admin, mom = a.vk["admin"], a.vk["mom"]
    stranger = emu.add_user("Незнакомый", "Человек")
    async with harness.db.transaction():
        await reach_repo.mark(harness.db, admin, now=NOW, source="send")
    peer = emu.create_chat("родители", admin, [mom, stranger])
    await _bind(emu, harness, peer, admin, "/привязать родители 5А")
    bound = next(m for m in emu.sent(peer) if "Беседа привязана" in m.text)
    assert ct.bound_unknown_unreachable(1) in bound.text, bound.text
    assert ct.bound_unknown(1) not in bound.text
