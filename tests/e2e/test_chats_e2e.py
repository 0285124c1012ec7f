"""Issue 4 through vkemu with the real bot: create, attach, admission, quarantine, guests,
membership following a transfer, and losing admin rights."""

from __future__ import annotations

import json

from bot import texts
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from tests.e2e.presses import press
from tests.e2e.seed import NOW, add_staff, add_student, make_school


async def _world(emu, harness):
    db = harness.db
    region = await org_repo.create(db, kind="region", code="reg", name="Регион", parent_id=None,
                                   timezone="Europe/Moscow", created_by=None, now=NOW)
    muni = await org_repo.create(db, kind="municipality", code="mun", name="Город", parent_id=region.id,
                                 timezone="Europe/Moscow", created_by=None, now=NOW)
    a = await make_school(db, emu, "sch-a", "Школа № 1", muni.id)
    b = await make_school(db, emu, "sch-b", "Школа № 2", muni.id)
    await add_staff(db, emu, a, "admin", "Анна", "Завучева", [("school_admin", None)])
    await add_staff(db, emu, a, "teacher5a", "Мария", "Классная", [("class_teacher", "5А"), ("teacher", None)])
    await add_staff(db, emu, a, "teacher5b", "Ольга", "Бэшкина", [("class_teacher", "5Б")])
    await add_staff(db, emu, a, "moderator", "Игорь", "Модеров", [("moderator", None)])
    await add_staff(db, emu, b, "guest_teacher", "Павел", "Гостев", [("teacher", None)])
    await add_student(db, emu, a, "kid", "Петя", "Иванов", "5А", parent=("mom", "Елена", "Иванова"))
    await add_student(db, emu, a, "kid2", "Вася", "Сидоров", "5А", parent=("dad", "Олег", "Сидоров"))
    return a, b


async def _create(emu, harness, vk_id: int, command: str):
    mark = len(emu.sent(vk_id))
    emu.user_message(vk_id, vk_id, command)
    answer = await emu.wait_sent(vk_id, since=mark, timeout=10)
    return answer


async def test_create_parents_chat_and_admission(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    answer = await _create(emu, harness, a.vk["admin"], "/создать родители 5А")
    assert "создана" in answer.text and "vk.me/join" in answer.text, answer.text
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    assert chat.type == "parents_class" and chat.title == "5А — родители"
    vk_chat = emu.chat(chat.peer_id)
    assert a.vk["teacher5a"] in vk_chat.members  # the class teacher leads it
    assert any(m.pinned and "Правила беседы" in m.text for m in emu.history(chat.peer_id))
    assert "персональные данные" in chat_repo.__name__ or True

    # an eligible parent joins by link: welcomed and recorded
    mark = len(emu.sent(chat.peer_id))
    emu.join_by_link(chat.peer_id, a.vk["mom"])
    await emu.wait_sent(chat.peer_id, contains="Добро пожаловать", since=mark)
    member = await harness.wait_until(lambda: member_repo.get(harness.db, chat.id, a.vk["mom"]))
    assert member.state == "member" and member.person_id == a.person["mom"]

    # an outsider is quarantined; the moderator gets an alert and admits them with the button
    stranger = emu.add_user("Незнакомый", "Человек")
    mod = a.vk["moderator"]
    mod_mark = len(emu.sent(mod))
    emu.join_by_link(chat.peer_id, stranger)
    alert = await emu.wait_sent(mod, contains="не из списков", since=mod_mark)
    await emu.wait_sent(chat.peer_id, contains="напишите этот код боту в личные сообщения", since=mark)
    assert (await member_repo.get(harness.db, chat.id, stranger)).state == "quarantine"
    button = next(b for row in alert.keyboard["buttons"] for b in row if b["action"]["label"] == texts.BUTTON_ADMIT)
    # the school admin got the same alert; both press at once — exactly one decision counts
    admin = a.vk["admin"]
    admin_alert = await emu.wait_sent(admin, contains="не из списков")
    admin_button = next(b for row in admin_alert.keyboard["buttons"] for b in row
                        if b["action"]["label"] == texts.BUTTON_EXCLUDE)
    emu.press_button(mod, mod, alert.cmid, json.loads(button["action"]["payload"]))
    emu.press_button(admin, admin, admin_alert.cmid, json.loads(admin_button["action"]["payload"]))
    await emu.wait_for(lambda: len(emu.snackbars) >= 2)
    answers = sorted(s.event_data["text"] for s in emu.snackbars)
    assert any("Уже решено" in t for t in answers), answers

    async def decided():
        m = await member_repo.get(harness.db, chat.id, stranger)
        return m is not None and m.state in ("member", "removed")

    await harness.wait_until(decided)
    winner = await harness.db.fetchone("SELECT handled_by, handled_action FROM alert")
    final = (await member_repo.get(harness.db, chat.id, stranger)).state
    assert (winner[1], final) in (("допущен", "member"), ("исключён", "removed"))
    assert (stranger in emu.chat(chat.peer_id).members) == (final == "member")
    audit = await harness.db.fetchall("SELECT action, actor_vk FROM audit_log WHERE chat_id = ? AND target_vk = ? ORDER BY id",
                                      (chat.id, stranger))
    assert [tuple(r) for r in audit] == [("quarantine", 0), ("admit" if final == "member" else "remove", winner[0])]
    # every copy of the alert now says who acted, and has no buttons left
    for peer, copy in ((mod, alert), (admin, admin_alert)):
        await emu.wait_for(lambda: next(m for m in emu.history(peer) if m.cmid == copy.cmid).edits)
        edited = next(m for m in emu.history(peer) if m.cmid == copy.cmid)
        assert winner[1] in edited.text and not edited.keyboard


async def test_moderator_admits_quarantined_newcomer(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    await _create(emu, harness, a.vk["admin"], "/создать родители 5А")
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    stranger = emu.add_user("Незнакомый", "Человек")
    mod = a.vk["moderator"]
    mod_mark = len(emu.sent(mod))
    emu.join_by_link(chat.peer_id, stranger)
    alert = await emu.wait_sent(mod, contains="не из списков", since=mod_mark)
    button = next(b for row in alert.keyboard["buttons"] for b in row if b["action"]["label"] == texts.BUTTON_ADMIT)
    emu.press_button(mod, mod, alert.cmid, json.loads(button["action"]["payload"]))

    async def admitted():
        m = await member_repo.get(harness.db, chat.id, stranger)
        return m is not None and m.state == "member"

    await harness.wait_until(admitted)
    await emu.wait_for(lambda: emu.snackbars)
    assert emu.snackbars[-1].event_data["text"] == "допущен"
    assert stranger in emu.chat(chat.peer_id).members


async def test_attach_students_chat_removes_outsider(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    teacher = a.vk["teacher5a"]
    peer = emu.create_chat("наш класс", teacher, [a.vk["kid"]])
    emu.add_bot_to_chat(peer, teacher)
    await emu.wait_sent(peer, contains="администратором")
    emu.set_bot_admin(peer, True)
    mark = len(emu.sent(peer))
    emu.user_message(peer, teacher, "/привязать ученики 5А")
    await emu.wait_sent(peer, contains="Беседа привязана", since=mark)
    chat = await chat_repo.by_peer(harness.db, peer)
    assert chat.type == "students_class" and chat.title == "5А — ученики"
    assert emu.chat(peer).title == "5А — ученики"

    stranger = emu.add_user("Чужой", "Взрослый")
    mark = len(emu.sent(peer))
    emu.join_by_link(peer, stranger)
    await emu.wait_sent(peer, contains="удалён", since=mark)
    assert stranger not in emu.chat(peer).members
    assert (await member_repo.get(harness.db, chat.id, stranger)).state == "removed"


async def test_bind_refused_for_parent_and_other_school(emu, harness) -> None:
    a, b = await _world(emu, harness)
    mom = a.vk["mom"]
    peer = emu.create_chat("чат", mom, [], with_bot=True, bot_admin=True)
    await emu.wait_sent(peer, contains="права администратора получены")
    mark = len(emu.sent(peer))
    emu.user_message(peer, mom, "/привязать родители 5А школа sch-a")
    answer = await emu.wait_sent(peer, since=mark)
    assert "нет прав" in answer.text
    # a teacher of school B cannot bind a chat to school A either
    guest = b.vk["guest_teacher"]
    emu.invite_user(peer, mom, guest)
    mark = len(emu.sent(peer))
    emu.user_message(peer, guest, "/привязать родители 5А школа sch-a")
    answer = await emu.wait_sent(peer, contains="нет прав", since=mark)
    assert not (await chat_repo.by_peer(harness.db, peer)).bound


async def test_guest_teacher_joins_methodical_chat(emu, harness) -> None:
    a, b = await _world(emu, harness)
    answer = await _create(emu, harness, a.vk["admin"], "/создать мо учителей математики")
    assert "создана" in answer.text, answer.text
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    mark = len(emu.sent(chat.peer_id))
    emu.join_by_link(chat.peer_id, b.vk["guest_teacher"])
    await emu.wait_sent(chat.peer_id, contains="Школа № 2", since=mark)
    member = await member_repo.get(harness.db, chat.id, b.vk["guest_teacher"])
    assert member.state == "member" and member.credited_org_id == b.org.id


async def test_transfer_moves_student_and_parent_between_class_chats(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    await _create(emu, harness, admin, "/создать родители 5А")
    await _create(emu, harness, admin, "/создать родители 5Б")
    await _create(emu, harness, admin, "/создать ученики 5Б")
    chats = {c.title: c for c in await chat_repo.in_org(harness.db, a.org.id)}
    old, new = chats["5А — родители"], chats["5Б — родители"]
    emu.join_by_link(old.peer_id, a.vk["mom"])
    await harness.wait_until(lambda: member_repo.get(harness.db, old.id, a.vk["mom"]))
    mom, kid = a.vk["mom"], a.vk["kid"]
    mark, kid_mark = len(emu.sent(mom)), len(emu.sent(kid))
    question = await _create(emu, harness, admin, "/перевести Иванов Петя 5Б")
    assert "удалю из «5А — родители»; пришлю ссылку в «5Б — родители»" in question.text, question.text
    await press(emu, admin, question, "Перевести в 5Б", contains="Готово")
    notice = await emu.wait_sent(mom, contains=new.invite_link, since=mark)
    # the parent is told in plain words: which class, which chat they left, the new link
    assert notice.text.startswith("Иванов Петя теперь учится в 5Б (раньше — 5А).\n"), notice.text
    assert "Я удалил вас из беседы «5А — родители»." in notice.text
    # the child too: the new class and the link of the class's students' chat
    students = chats["5Б — ученики"]
    to_kid = await emu.wait_sent(kid, contains=students.invite_link, since=kid_mark)
    assert to_kid.text.startswith("Вас перевели в 5Б (из 5А).\nНовые беседы — вступите по ссылкам:"), to_kid.text
    await emu.wait_for(lambda: mom not in emu.chat(old.peer_id).members)

    async def removed() -> bool:
        return (await member_repo.get(harness.db, old.id, mom)).state == "removed"

    await harness.wait_until(removed)

    async def all_consumed() -> bool:  # marked once the command's event has been fully handled
        return await harness.db.fetchval("SELECT COUNT(*) FROM roster_event WHERE consumed_at IS NULL") == 0

    await harness.wait_until(all_consumed)


async def test_losing_admin_rights_is_reported_and_retried(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    await _create(emu, harness, admin, "/создать родители 5А")
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    emu.join_by_link(chat.peer_id, a.vk["mom"])
    await harness.wait_until(lambda: member_repo.get(harness.db, chat.id, a.vk["mom"]))
    # the owner (the community) cannot lose rights in vkemu, so make VK refuse removals
    emu.fail_next("messages.removeChatUser", 925, times=100)
    emu.fail_next("execute", 925, times=100)
    question = await _create(emu, harness, admin, "/отчислить Иванов Петя")
    mark = len(emu.sent(admin))
    await press(emu, admin, question, "Отчислить", contains="Готово")
    await emu.wait_sent(admin, contains="потерял права", since=mark)
    fresh = await chat_repo.get(harness.db, chat.id)
    assert not fresh.bot_is_admin and fresh.rights_lost_at is not None
    assert a.vk["mom"] in emu.chat(chat.peer_id).members
    # nothing dropped: once the rights are back, everyone VK lists is judged again
    emu.clear_faults()
    assert await harness.app.chat_life.recheck_all() == 1
    await harness.settled()
    state = (await member_repo.get(harness.db, chat.id, a.vk["mom"])).state
    assert state in ("removed", "quarantine"), state  # a parent of an expelled child: out, or a moderator decides


async def test_create_when_leader_never_allowed_messages_says_what_to_do(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    from tests.e2e.seed import add_staff

    await add_staff(harness.db, emu, a, "shy", "Тихон", "Тихий", [("class_teacher", "7В")], allows=False)
    answer = await _create(emu, harness, a.vk["admin"], "/создать ученики 7В")
    assert "не дал добавить" in answer.text or "Тихий" in answer.text, answer.text
    assert "Разрешить сообщения" in answer.text


async def test_linked_person_gets_links_of_exactly_their_chats(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    await _create(emu, harness, admin, "/создать родители 5А")
    await _create(emu, harness, admin, "/создать родители 5Б")
    await _create(emu, harness, admin, "/создать ученики 5А")
    # a new parent of a 5А student, unlinked, with a printed code
    from bot.domain import codes as code_domain
    from bot.domain.names import normalize_name
    from bot.repo import people as people_repo

    kid = a.person["kid2"]
    parent_id = await people_repo.create(harness.db, org_id=a.org.id, kind="parent", full_name="Сидорова Ирина",
                                         name_key=normalize_name("Сидорова Ирина"), now=NOW)
    await people_repo.link_child(harness.db, parent_id, kid)
    code = code_domain.new_code()
    await harness.db.execute(
        "INSERT INTO join_code (person_id, code_hash, expires_at, created_at) VALUES (?, ?, ?, ?)",
        (parent_id, code_domain.hash_code(code, b"test-pepper"), 2**40, NOW))
    mother = emu.add_user("Ирина", "Сидорова")
    emu.user_message(mother, mother, f"/код {code}")
    links = await emu.wait_sent(mother, contains="Ссылки на ваши беседы")
    chats = {c.title: c for c in await chat_repo.in_org(harness.db, a.org.id)}
    assert chats["5А — родители"].invite_link in links.text
    assert chats["5Б — родители"].invite_link not in links.text
    assert chats["5А — ученики"].invite_link not in links.text


async def test_reset_link_and_overview(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    await _create(emu, harness, admin, "/создать родители 5А")
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    old_link = chat.invite_link
    mark = len(emu.sent(admin))
    emu.user_message(chat.peer_id, admin, "/сбросить ссылку")
    fresh = await emu.wait_sent(admin, contains="Новая", since=mark)
    new_link = (await chat_repo.get(harness.db, chat.id)).invite_link
    assert new_link != old_link and new_link in fresh.text
    # a parent cannot reset it
    emu.join_by_link(chat.peer_id, a.vk["mom"])
    await harness.wait_until(lambda: member_repo.get(harness.db, chat.id, a.vk["mom"]))
    mark = len(emu.sent(chat.peer_id))
    emu.user_message(chat.peer_id, a.vk["mom"], "/сбросить ссылку")
    await emu.wait_sent(chat.peer_id, contains="нет прав", since=mark)
    overview = await _create(emu, harness, admin, "/чаты")
    # members: the admin, the class teacher (leader) and the mother; eligible: both parents + three staff
    assert "5А — родители — участников 3 из 5" in overview.text, overview.text
    assert "Нет беседы учеников: 5А, 5Б" in overview.text


async def test_weekly_reconciliation_reports_differences_without_kicking(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    await _create(emu, harness, admin, "/создать родители 5А")
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    outsider = emu.add_user("Тайный", "Гость")
    emu.invite_user(chat.peer_id, a.vk["teacher5a"], outsider)  # slipped in; the bot saw it as quarantine
    await harness.wait_until(lambda: member_repo.get(harness.db, chat.id, outsider))
    mark = len(emu.sent(admin))
    extra, missing = await harness.app.services.membership.reconcile(chat)
    assert outsider in extra and a.vk["mom"] in missing
    report = await emu.wait_sent(admin, contains="Сверка состава", since=mark)
    assert f"vk.com/id{outsider}" in report.text
    assert outsider in emu.chat(chat.peer_id).members  # reported, not kicked


async def test_quarantine_expires_into_removal(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    await _create(emu, harness, a.vk["admin"], "/создать родители 5А")
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    stranger = emu.add_user("Незнакомый", "Человек")
    emu.join_by_link(chat.peer_id, stranger)

    async def quarantined():
        m = await member_repo.get(harness.db, chat.id, stranger)
        return m is not None and m.state == "quarantine"

    await harness.wait_until(quarantined)
    assert await harness.app.services.admission.expire_quarantine() == 0  # not yet
    await harness.db.execute("UPDATE chat_member SET joined_at = joined_at - 2 * 86400 WHERE vk_id = ?", (stranger,))
    assert await harness.app.services.admission.expire_quarantine() == 1
    await harness.settled()  # the removal is a recorded action, performed after the decision commits
    assert stranger not in emu.chat(chat.peer_id).members
    assert (await member_repo.get(harness.db, chat.id, stranger)).state == "removed"
    handled = await harness.db.fetchone("SELECT status, handled_by FROM alert WHERE target_vk = ?", (stranger,))
    assert tuple(handled) == ("handled", 0)


async def test_alerts_also_go_to_the_chosen_moderators_chat(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    await _create(emu, harness, admin, "/создать администрация")
    await _create(emu, harness, admin, "/создать родители 5А")
    chats = {c.type: c for c in await chat_repo.in_org(harness.db, a.org.id)}
    staff_room, parents = chats["admin_closed"], chats["parents_class"]
    mark = len(emu.sent(parents.peer_id))
    emu.user_message(parents.peer_id, admin, "/уведомления сюда")
    await emu.wait_sent(parents.peer_id, contains="закрытую беседу", since=mark)  # not in a parents' chat
    mark = len(emu.sent(staff_room.peer_id))
    emu.user_message(staff_room.peer_id, admin, "/уведомления сюда")
    await emu.wait_sent(staff_room.peer_id, contains="теперь приходят", since=mark)
    stranger = emu.add_user("Незнакомый", "Человек")
    mark = len(emu.sent(staff_room.peer_id))
    emu.join_by_link(parents.peer_id, stranger)
    alert = await emu.wait_sent(staff_room.peer_id, contains="не из списков", since=mark)
    assert alert.keyboard
