"""Issue 9, item 6 — membership truth, with the real bot against vkemu: people the bot never saw
join (there before the chat was bound, joined while the bot had no rights, or expelled after
binding) are judged by admission like newcomers."""

from __future__ import annotations

from bot import texts
from bot.repo import chats as chat_repo
from tests.e2e.presses import pending_of
from bot.repo import members as member_repo
from bot.repo import people as people_repo
from tests.e2e.seed import NOW, add_student
from tests.e2e.test_chats_e2e import _world


async def _bind(emu, harness, peer: int, by: int, command: str):
    emu.add_bot_to_chat(peer, by)
    await emu.wait_sent(peer, contains="администратором")
    emu.set_bot_admin(peer, True)
    mark = len(emu.sent(peer))
    emu.user_message(peer, by, command)
    await emu.wait_sent(peer, contains="Беседа привязана", since=mark)
    await harness.settled()
    return await chat_repo.by_peer(harness.db, peer)


async def _state(harness, chat_id: int, vk_id: int) -> str | None:
    member = await member_repo.get(harness.db, chat_id, vk_id)
    return member.state if member else None


async def test_binding_a_students_chat_removes_strangers_and_the_expelled(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    expelled = await add_student(harness.db, emu, a, "gone", "Коля", "Выбывший", "5А")
    await people_repo.set_status(harness.db, a.person["gone"], "expelled", NOW)
    stranger = emu.add_user("Чужой", "Взрослый")
    teacher, kid, moderator, other = a.vk["teacher5a"], a.vk["kid"], a.vk["moderator"], a.vk["teacher5b"]
    peer = emu.create_chat("наш класс", teacher, [kid, stranger, expelled, moderator, other])
    chat_mark, teacher_mark = len(emu.sent(peer)), len(emu.sent(teacher))

    chat = await _bind(emu, harness, peer, teacher, "/привязать ученики 5А")

    members = emu.chat(peer).members
    assert stranger not in members and expelled not in members
    assert {teacher, kid, moderator, other} <= set(members)  # the class teacher leads; staff always stay
    assert await _state(harness, chat.id, stranger) == "removed"
    assert await _state(harness, chat.id, expelled) == "removed"
    assert await _state(harness, chat.id, kid) == "member"
    assert (await member_repo.get(harness.db, chat.id, kid)).person_id == a.person["kid"]
    assert await _state(harness, chat.id, teacher) == "member"
    assert await _state(harness, chat.id, moderator) == "member"
    assert await _state(harness, chat.id, other) is None  # kept (school staff), though not admitted here
    reasons = await harness.db.fetchall(
        "SELECT target_vk, reason FROM audit_log WHERE chat_id = ? AND action = 'remove' ORDER BY target_vk",
        (chat.id,))
    assert {tuple(r) for r in reasons} == {(stranger, "not_on_roster"), (expelled, "not_on_roster")}
    # no public notice per stranger: one summary to the chat's staff
    assert not any(texts.CHAT_REMOVED_UNKNOWN in m.text for m in emu.sent(peer)[chat_mark:])
    summary = await emu.wait_sent(teacher, contains="Бот проверил состав", since=teacher_mark)
    assert "Удалено из беседы (нет в списках школы для неё): 2" in summary.text
    assert f"vk.com/id{stranger}" in summary.text and f"vk.com/id{expelled}" in summary.text
    await emu.wait_sent(a.vk["admin"], contains="Бот проверил состав")


async def test_binding_a_parents_chat_quarantines_a_stranger_with_an_alert(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin, mom, moderator = a.vk["admin"], a.vk["mom"], a.vk["moderator"]
    stranger = emu.add_user("Незнакомый", "Человек")
    peer = emu.create_chat("родители", admin, [mom, stranger])
    mod_mark, chat_mark = len(emu.sent(moderator)), len(emu.sent(peer))

    chat = await _bind(emu, harness, peer, admin, "/привязать родители 5А")

    alert = await emu.wait_sent(moderator, contains="уже был в беседе", since=mod_mark)
    assert f"vk.com/id{stranger}" in alert.text
    labels = {b["action"]["label"] for row in alert.keyboard["buttons"] for b in row}
    assert labels == {texts.BUTTON_ADMIT, texts.BUTTON_EXCLUDE, "Допустить всех ожидающих"}
    assert stranger in emu.chat(peer).members  # quarantined, not removed
    assert await _state(harness, chat.id, stranger) == "quarantine"
    assert await _state(harness, chat.id, mom) == "member"
    assert await harness.db.fetchval(
        "SELECT COUNT(*) FROM alert WHERE kind = 'quarantine' AND target_vk = ? AND status = 'open'", (stranger,)) == 1
    # nothing about the stranger is said in the chat itself
    assert not any("не нашёл вас в списках" in m.text for m in emu.sent(peer)[chat_mark:])


async def test_regaining_rights_applies_admission_to_joins_missed_meanwhile(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    teacher, kid = a.vk["teacher5a"], a.vk["kid"]
    peer = emu.create_chat("наш класс", teacher, [kid])
    chat = await _bind(emu, harness, peer, teacher, "/привязать ученики 5А")
    # the bot loses its rights; a stranger and an eligible classmate join unseen
    emu.set_bot_admin(peer, False)
    await chat_repo.set_admin(harness.db, chat.id, False, now=NOW)
    stranger = emu.add_user("Чужой", "Взрослый")
    emu.join_by_link(peer, stranger)
    emu.join_by_link(peer, a.vk["kid2"])
    assert await _state(harness, chat.id, stranger) is None
    teacher_mark = len(emu.sent(teacher))

    emu.set_bot_admin(peer, True)
    emu.user_message(peer, kid, "всем привет")  # the bot sees ordinary messages again: rights are back
    await emu.wait_sent(peer, contains=texts.BOT_ADMIN_RESTORED)
    await emu.wait_for(lambda: stranger not in emu.chat(peer).members)
    await harness.settled()

    assert await _state(harness, chat.id, stranger) == "removed"
    assert await _state(harness, chat.id, a.vk["kid2"]) == "member"
    assert a.vk["kid2"] in emu.chat(peer).members
    summary = await emu.wait_sent(teacher, contains="права администратора вернулись", since=teacher_mark)
    assert f"vk.com/id{stranger}" in summary.text


async def test_rights_recheck_job_applies_the_same(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin, mom = a.vk["admin"], a.vk["mom"]
    peer = emu.create_chat("родители", admin, [mom])
    chat = await _bind(emu, harness, peer, admin, "/привязать родители 5А")
    emu.set_bot_admin(peer, False)
    await chat_repo.set_admin(harness.db, chat.id, False, now=NOW)
    stranger = emu.add_user("Незнакомый", "Человек")
    emu.join_by_link(peer, stranger)
    mod_mark = len(emu.sent(a.vk["moderator"]))

    emu.set_bot_admin(peer, True)
    assert await harness.app.chat_life.recheck_all() == 1
    await emu.wait_sent(a.vk["moderator"], contains="уже был в беседе", since=mod_mark)
    assert await _state(harness, chat.id, stranger) == "quarantine"


async def test_expel_after_binding_removes_a_student_whose_join_was_never_seen(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    teacher, kid2 = a.vk["teacher5a"], a.vk["kid2"]
    peer = emu.create_chat("наш класс", teacher, [a.vk["kid"], kid2])
    chat = await _bind(emu, harness, peer, teacher, "/привязать ученики 5А")
    # as if the bot had never seen this student join (it had no rights then)
    await harness.db.execute("DELETE FROM chat_member WHERE chat_id = ? AND vk_id = ?", (chat.id, kid2))
    await harness.db.execute("UPDATE roster_event SET consumed_at = 1")

    caller = await harness.app.access.caller(a.vk["admin"])
    roster = harness.app.services.roster
    question = await roster.expel(caller, await roster.org_for(caller, None), "Сидоров Вася", None, 0)
    await harness.app.services.roster.expel_apply(caller, await pending_of(harness, question), 0)
    assert await harness.app.services.membership.consume_events() == 1

    await emu.wait_for(lambda: kid2 not in emu.chat(peer).members)
    assert a.vk["kid"] in emu.chat(peer).members
    assert await _state(harness, chat.id, kid2) == "removed"
    assert await harness.db.fetchval("SELECT COUNT(*) FROM roster_event WHERE consumed_at IS NULL") == 0


async def test_weekly_reconciliation_still_only_reports(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin, mom = a.vk["admin"], a.vk["mom"]
    peer = emu.create_chat("родители", admin, [mom])
    chat = await _bind(emu, harness, peer, admin, "/привязать родители 5А")
    emu.set_bot_admin(peer, False)
    stranger = emu.add_user("Тайный", "Гость")
    emu.join_by_link(peer, stranger)  # unseen
    emu.set_bot_admin(peer, True)
    extra, missing = await harness.app.services.membership.reconcile(chat)
    assert extra == {stranger} and a.vk["dad"] in missing
    assert stranger in emu.chat(peer).members
    assert await _state(harness, chat.id, stranger) is None
