"""Issue 11 parts 3 and 4 through vkemu with the real bot: the admission loop closes (a parent
with a paper code joins by link, waits in quarantine, sends just the code and is admitted with the
moderators' alert closed and only the links she lacks, once), /ссылки, codes for staff, reprints
that keep codes handed out, a code posted in a chat, approving everyone waiting, and staff the bot
cannot reach."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from bot.domain.classes import parse_class
from bot.domain.names import normalize_name
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import reach as reach_repo
from bot.repo import roles as role_repo
from bot import texts
from tests.e2e.seed import NOW, School, add_staff, add_student, make_school

MOTHER = "Петрова Анна Сергеевна"


async def _say(emu, user: int, text: str, timeout: float = 10.0, contains: str | None = None):
    mark = len(emu.sent(user))
    emu.user_message(user, user, text)
    return await emu.wait_sent(user, since=mark, timeout=timeout, contains=contains)


async def _state(harness, chat_id: int, vk_id: int) -> str | None:
    member = await member_repo.get(harness.db, chat_id, vk_id)
    return member.state if member else None


def _button(message, label: str) -> dict:
    for row in (message.keyboard or {}).get("buttons", []):
        for button in row:
            if button["action"]["label"] == label:
                return json.loads(button["action"]["payload"])
    raise AssertionError(f"no button «{label}» under: {message.text!r}")


async def _world(emu, harness) -> School:
    db = harness.db
    region = await org_repo.create(db, kind="region", code="reg", name="Регион", parent_id=None,
                                   timezone="Europe/Moscow", created_by=None, now=NOW)
    muni = await org_repo.create(db, kind="municipality", code="mun", name="Город", parent_id=region.id,
                                 timezone="Europe/Moscow", created_by=None, now=NOW)
    a = await make_school(db, emu, "sch-a", "Школа № 1", muni.id)
    await add_staff(db, emu, a, "admin", "Анна", "Завучева", [("school_admin", None)])
    await add_staff(db, emu, a, "teacher5a", "Мария", "Классная", [("class_teacher", "5А")])
    await add_staff(db, emu, a, "teacher6b", "Ольга", "Бэшкина", [("class_teacher", "6Б")])
    await add_staff(db, emu, a, "moderator", "Игорь", "Модеров", [("moderator", None)])
    await add_student(db, emu, a, "kid", "Петя", "Петров", "5А")
    await add_student(db, emu, a, "kid6", "Катя", "Петрова", "6Б", linked=False)
    # the mother of both, on the roster but not linked: she got a code on paper
    mother = await people_repo.create(db, org_id=a.org.id, kind="parent", full_name=MOTHER,
                                      name_key=normalize_name(MOTHER), now=NOW)
    for child in (a.person["kid"], a.person["kid6"]):
        await people_repo.link_child(db, mother, child)
    a.person["mother"] = mother
    return a


async def _quarantined(harness, chat_id: int, vk_id: int) -> bool:
    return await _state(harness, chat_id, vk_id) == "quarantine"


async def _left(harness, chat_id: int, vk_id: int) -> bool:
    return await _state(harness, chat_id, vk_id) == "left"


async def _reachable(harness, vk_id: int) -> bool:
    return not await reach_repo.is_unreachable(harness.db, vk_id)


async def _chat(harness, a: School, title: str):
    return next(c for c in await chat_repo.in_org(harness.db, a.org.id) if c.title == title)


async def _code_of(emu, admin: int, command: str, name: str) -> str:
    answer = await _say(emu, admin, command)
    assert answer.attachment, answer.text
    book = load_workbook(io.BytesIO(emu.doc_bytes(answer.attachment.split(",")[0])))
    return next(row[3] for row in book.worksheets[1].iter_rows(values_only=True) if row[0] == name)


async def test_parent_with_a_paper_code_joins_waits_sends_the_code_and_is_admitted(emu, harness) -> None:
    a = await _world(emu, harness)
    admin, mod = a.vk["admin"], a.vk["moderator"]
    await _say(emu, admin, "/создать родители 5А")
    await _say(emu, admin, "/создать родители 6Б")
    chat5, chat6 = await _chat(harness, a, "5А — родители"), await _chat(harness, a, "6Б — родители")
    code = await _code_of(emu, admin, "/коды 5А", MOTHER)

    # she joins by the link a friend shared, before writing to the bot: quarantine and an alert
    anna = emu.add_user("Анна", "Петрова")
    mod_mark = len(emu.sent(mod))
    emu.join_by_link(chat5.peer_id, anna)
    alert = await emu.wait_sent(mod, contains="не из списков", since=mod_mark)
    admin_alert = await emu.wait_sent(admin, contains="не из списков")
    assert (await member_repo.get(harness.db, chat5.id, anna)).state == "quarantine"
    # she leaves and comes back: a second wait, a second alert
    emu.leave(chat5.peer_id, anna)
    await harness.wait_until(lambda: _left(harness, chat5.id, anna))
    mod_mark = len(emu.sent(mod))
    emu.join_by_link(chat5.peer_id, anna)
    second = await emu.wait_sent(mod, contains="не из списков", since=mod_mark)

    # she writes only the code, the way it is printed but in lower case with a space
    answer = await _say(emu, anna, code.lower().replace("-", " "))
    assert answer.text.startswith("Готово! Вы привязаны: родитель"), answer.text
    # her roles changed: the start keyboard of a parent comes with the answer
    assert answer.keyboard and not answer.keyboard.get("inline"), answer.keyboard
    assert _button(answer, "Мои беседы")["s"] == "mychats" and _button(answer, "Правила")
    assert "«5А — родители»" in answer.text and "допущены" in answer.text
    assert chat6.invite_link in answer.text  # the chat she is not in yet
    assert chat5.invite_link not in answer.text  # never the link to the chat she is already in
    member = await member_repo.get(harness.db, chat5.id, anna)
    assert (member.state, member.person_id) == ("member", a.person["mother"])
    assert await harness.db.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'admit' AND reason = 'code' AND target_vk = ?", (anna,)) == 1
    assert await harness.db.fetchval("SELECT status FROM alert WHERE kind = 'quarantine' AND target_vk = ?",
                                     (anna,)) == "handled"
    # every copy of the moderators' alert says how it ended, with no buttons left
    # (the first wait ended when she left: its alert says so)
    for peer, copy, outcome in ((mod, alert, "покинула беседу"), (admin, admin_alert, "покинула беседу"),
                                (mod, second, "✔ Допущена — привязалась по коду")):
        await emu.wait_for(lambda: next(m for m in emu.history(peer) if m.cmid == copy.cmid).edits)
        edited = next(m for m in emu.history(peer) if m.cmid == copy.cmid)
        assert outcome in edited.text and not edited.keyboard, edited.text
    await emu.wait_sent(chat5.peer_id, contains="Добро пожаловать, Анна Петрова")

    # the membership job runs (as every minute): no second set of links, and the wait never expires
    await harness.app.hooks.after_roster_change()
    await harness.settled()
    assert [m.text for m in emu.sent(anna) if chat6.invite_link in m.text] == [answer.text]
    await harness.db.execute("UPDATE chat_member SET joined_at = joined_at - 10 * 86400 WHERE vk_id = ?", (anna,))
    assert await harness.app.services.admission.expire_quarantine() == 0
    assert anna in emu.chat(chat5.peer_id).members


async def test_a_code_inside_a_sentence_is_a_code_and_near_misses_get_the_format(emu, harness) -> None:
    a = await _world(emu, harness)
    code = await _code_of(emu, a.vk["admin"], "/коды 5А", MOTHER)
    anna = emu.add_user("Анна", "Петрова")
    answer = await _say(emu, anna, code[:-1])  # one symbol short (whatever the symbols)
    assert answer.text == texts.CODE_BAD_FORMAT
    answer = await _say(emu, anna, f"Здравствуйте, мне дали код {code.lower()}")
    assert answer.text.startswith("Готово!"), answer.text
    assert (await people_repo.get(harness.db, a.person["mother"])).vk_id == anna
    # a mistyped command carrying the code is the code too (sent again: answered again, nothing new)
    answer = await _say(emu, anna, f"/kod: {code}")
    assert answer.text.startswith("Готово!"), answer.text
    # ordinary words are still answered as before
    answer = await _say(emu, anna, "спасибо большое")
    assert answer.text == texts.NOT_A_COMMAND_PRIVATE


async def test_links_again_on_request(emu, harness) -> None:
    a = await _world(emu, harness)
    admin = a.vk["admin"]
    await _say(emu, admin, "/создать родители 5А")
    await _say(emu, admin, "/создать родители 6Б")
    chat5, chat6 = await _chat(harness, a, "5А — родители"), await _chat(harness, a, "6Б — родители")
    code = await _code_of(emu, admin, "/коды 5А", MOTHER)
    anna = emu.add_user("Анна", "Петрова")
    stranger = emu.add_user("Кто", "Тотневедомый")
    assert (await _say(emu, stranger, "/ссылки")).text.startswith("Вы ещё не привязаны")
    await _say(emu, anna, f"/код {code}")
    answer = await _say(emu, anna, "/ссылки")
    assert chat5.invite_link in answer.text and chat6.invite_link in answer.text
    mark = len(emu.sent(chat5.peer_id))
    emu.join_by_link(chat5.peer_id, anna)
    await emu.wait_sent(chat5.peer_id, contains="Добро пожаловать", since=mark)
    await harness.settled()
    answer = await _say(emu, anna, "/ссылки")
    assert chat6.invite_link in answer.text and chat5.invite_link not in answer.text
    assert "Вы уже в беседах: «5А — родители»" in answer.text


async def test_staff_link_with_codes_so_chat_creation_need_not_wait(emu, harness) -> None:
    a = await _world(emu, harness)
    admin = a.vk["admin"]
    db = harness.db
    # a class teacher from the imported roster: no VK yet
    teacher = await people_repo.create(db, org_id=a.org.id, kind="staff", full_name="Новикова Вера Павловна",
                                       name_key=normalize_name("Новикова Вера Павловна"), now=NOW)
    class_id = await people_repo.ensure_class(db, a.org.id, parse_class("7В"), NOW)
    await role_repo.grant(db, person_id=teacher, org_id=a.org.id, role="class_teacher", class_id=class_id,
                          granted_by=None, now=NOW)
    refused = await _say(emu, admin, "/создать родители 7В")
    assert "ещё не привязал" in refused.text, refused.text
    code = await _code_of(emu, admin, "/коды сотрудники", "Новикова Вера Павловна")
    vera = emu.add_user("Вера", "Новикова")
    answer = await _say(emu, vera, code)
    assert answer.text.startswith("Готово! Вы привязаны: сотрудник"), answer.text
    created = await _say(emu, admin, "/создать родители 7В")
    assert "создана" in created.text, created.text
    assert vera in emu.chat((await _chat(harness, a, "7В — родители")).peer_id).members


async def test_printing_codes_again_keeps_those_handed_out_and_reissue_asks(emu, harness) -> None:
    a = await _world(emu, harness)
    admin = a.vk["admin"]
    first = await _code_of(emu, admin, "/коды 6Б", MOTHER)
    again = await _say(emu, admin, "/коды 6Б")
    assert not again.attachment and "уже есть действующие коды" in again.text and MOTHER in again.text
    assert "/коды 6Б заново" in again.text
    ask = await _say(emu, admin, "/коды 6Б заново")
    assert MOTHER in ask.text and "Перестанут работать" in ask.text and not ask.attachment
    # cancelling says what was cancelled; the paper code still works
    mark = len(emu.sent(admin))
    emu.press_button(admin, admin, ask.cmid, _button(ask, texts.BUTTON_CANCEL))
    cancelled = await emu.wait_sent(admin, since=mark)
    assert "новые коды для 6Б" in cancelled.text, cancelled.text
    ask = await _say(emu, admin, "/коды 6Б заново")
    mark = len(emu.sent(admin))
    emu.press_button(admin, admin, ask.cmid, _button(ask, texts.BUTTON_APPLY))
    done = await emu.wait_sent(admin, contains="Коды для 6Б", since=mark)
    assert done.attachment
    new = next(row[3] for row in load_workbook(io.BytesIO(emu.doc_bytes(done.attachment.split(",")[0])))
               .worksheets[1].iter_rows(values_only=True) if row[0] == MOTHER)
    anna = emu.add_user("Анна", "Петрова")
    assert (await _say(emu, anna, first)).text.startswith("Такого кода нет")
    assert (await _say(emu, anna, new)).text.startswith("Готово!")


async def test_a_code_posted_in_a_chat_is_deleted_and_not_redeemed_there(emu, harness) -> None:
    a = await _world(emu, harness)
    admin = a.vk["admin"]
    await _say(emu, admin, "/создать родители 5А")
    chat5 = await _chat(harness, a, "5А — родители")
    code = await _code_of(emu, admin, "/коды 5А", MOTHER)
    anna = emu.add_user("Анна", "Петрова", allows_messages=True)
    emu.join_by_link(chat5.peer_id, anna)
    await harness.settled()
    cmid = emu.user_message(chat5.peer_id, anna, f"вот мой код {code}")
    await emu.wait_for(lambda: next(m for m in emu.history(chat5.peer_id) if m.cmid == cmid).deleted_for_all)
    notice = await emu.wait_sent(anna, contains="удалил то сообщение")
    assert code not in notice.text
    # in the chat a short note too (the private word may never arrive), without the code
    note = await emu.wait_sent(chat5.peer_id, contains="пишите боту в личные сообщения")
    assert code not in note.text and "Анна Петрова" in note.text
    await harness.settled()
    assert (await people_repo.get(harness.db, a.person["mother"])).vk_id is None  # not redeemed in public
    assert not [m for m in emu.sent(chat5.peer_id) if code in m.text]
    assert await harness.db.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'delete' AND reason = 'join_code_in_chat'") == 1
    # only messages that stayed count as participation (the notice was decided with the count taken back)
    assert not await harness.db.fetchval("SELECT SUM(messages) FROM activity WHERE chat_id = ? AND vk_id = ?",
                                         (chat5.id, anna))
    # the code stays valid: sent privately, it links her
    assert (await _say(emu, anna, code)).text.startswith("Готово!")
    # an ordinary message that merely looks like a code is left alone
    cmid = emu.user_message(chat5.peer_id, anna, "DKDX-W22N")

    async def counted() -> bool:  # the message was handled: counted
        return await harness.db.fetchval("SELECT SUM(messages) FROM activity WHERE chat_id = ? AND vk_id = ?",
                                         (chat5.id, anna)) == 1

    await harness.wait_until(counted)
    await harness.settled()
    assert not next(m for m in emu.history(chat5.peer_id) if m.cmid == cmid).deleted_for_all


async def test_moderator_admits_everyone_waiting_after_a_confirmation_naming_them(emu, harness) -> None:
    a = await _world(emu, harness)
    admin, mod = a.vk["admin"], a.vk["moderator"]
    await _say(emu, admin, "/создать родители 5А")
    chat5 = await _chat(harness, a, "5А — родители")
    emu.invite_user(chat5.peer_id, admin, mod)
    guests = [emu.add_user("Гость", f"Первый{i}") for i in range(2)]
    for guest in guests:
        emu.join_by_link(chat5.peer_id, guest)
    for guest in guests:
        await harness.wait_until(lambda: _quarantined(harness, chat5.id, guest))
    mark = len(emu.sent(chat5.peer_id))
    emu.user_message(chat5.peer_id, mod, "/допустить всех")
    ask = await emu.wait_sent(chat5.peer_id, contains="Допустить всех", since=mark)
    assert "Гость Первый0" in ask.text and "Гость Первый1" in ask.text and "(2)" in ask.text
    await harness.settled()
    emu.press_button(chat5.peer_id, mod, ask.cmid, _button(ask, "Допустить всех (2)"))
    done = await emu.wait_sent(chat5.peer_id, contains="Допущены", since=mark)
    assert "(2)" in done.text
    await harness.settled()
    assert {(await member_repo.get(harness.db, chat5.id, g)).state for g in guests} == {"member"}
    assert await harness.db.fetchval(
        "SELECT COUNT(*) FROM alert WHERE kind = 'quarantine' AND status = 'open'") == 0
    assert await harness.db.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'admit' AND reason = 'moderator_all' AND actor_vk = ?",
        (mod,)) == 2
    # nobody waits any more
    mark = len(emu.sent(chat5.peer_id))
    emu.user_message(chat5.peer_id, mod, "/допустить всех")
    assert "никто не ждёт" in (await emu.wait_sent(chat5.peer_id, since=mark)).text


async def test_admit_everyone_is_refused_to_a_parent(emu, harness) -> None:
    a = await _world(emu, harness)
    admin = a.vk["admin"]
    await _say(emu, admin, "/создать родители 5А")
    chat5 = await _chat(harness, a, "5А — родители")
    parent = emu.add_user("Родитель", "Обычный")
    emu.join_by_link(chat5.peer_id, parent)
    await harness.wait_until(lambda: _quarantined(harness, chat5.id, parent))
    mark = len(emu.sent(chat5.peer_id))
    emu.user_message(chat5.peer_id, parent, "/допустить всех")
    answer = await emu.wait_sent(chat5.peer_id, since=mark, contains="нет прав")
    assert not answer.keyboard
    assert await harness.db.fetchval("SELECT COUNT(*) FROM pending_action WHERE kind = 'admit_all'") == 0


async def test_staff_the_bot_cannot_reach_are_named_until_they_write(emu, harness) -> None:
    a = await _world(emu, harness)
    admin = a.vk["admin"]
    silent = emu.add_user("Тихон", "Молчанов")  # never allowed the community's messages
    answer = await _say(emu, admin, f"/роль выдать модератор vk.com/id{silent}")
    assert "выдана" in answer.text, answer.text
    assert "не получает сообщения от бота" in answer.text and "Разрешить сообщения" in answer.text
    assert "(а)" not in answer.text
    card = await _say(emu, admin, "/школа", contains="Списки:")
    assert "Не получают сообщения бота (1): Молчанов Тихон" in card.text, card.text
    # an alert to him is refused by VK (901): still recorded, never silently
    reachable = emu.add_user("Роза", "Доступная", allows_messages=True)
    await _say(emu, admin, f"/роль выдать модератор vk.com/id{reachable}")
    emu.allow_messages(reachable, False)
    await _say(emu, admin, "/создать родители 5А")
    chat5 = await _chat(harness, a, "5А — родители")
    emu.join_by_link(chat5.peer_id, emu.add_user("Чужой", "Человек"))
    await harness.wait_until(lambda: reach_repo.is_unreachable(harness.db, reachable))
    card = await _say(emu, admin, "/школа", contains="Списки:")
    assert "Не получают сообщения бота (2)" in card.text and "Доступная Роза" in card.text
    # writing to the bot clears it
    emu.user_message(silent, silent, "здравствуйте")
    await harness.wait_until(lambda: _reachable(harness, silent))
    card = await _say(emu, admin, "/школа", contains="Списки:")
    assert "Не получают сообщения бота (1): Доступная Роза" in card.text, card.text
    # she allows the community's messages with the button (VK sends message_allow)
    emu.allow_messages(reachable, True)
    await harness.wait_until(lambda: _reachable(harness, reachable))
    card = await _say(emu, admin, "/школа", contains="Списки:")
    assert "Не получают" not in card.text and "Бот может писать всем сотрудникам" in card.text, card.text


async def test_linking_by_staff_ends_the_wait_too(emu, harness) -> None:
    a = await _world(emu, harness)
    admin = a.vk["admin"]
    await _say(emu, admin, "/создать родители 5А")
    chat5 = await _chat(harness, a, "5А — родители")
    anna = emu.add_user("Анна", "Петрова")
    emu.join_by_link(chat5.peer_id, anna)
    await harness.wait_until(lambda: _quarantined(harness, chat5.id, anna))
    alert = await emu.wait_sent(admin, contains="не из списков")
    answer = await _say(emu, admin, f"/роль связать vk.com/id{anna} Петрова Анна", contains=MOTHER)
    assert "привязан" in answer.text
    await harness.wait_until(lambda: _member(harness, chat5.id, anna))
    # the moderators' alert says who ended the wait: the school's staff, not a code
    await emu.wait_for(lambda: "✔ Допущена — привязана сотрудником школы" in
                       next(m for m in emu.history(admin) if m.cmid == alert.cmid).text)
    assert await harness.db.fetchval("SELECT status FROM alert WHERE kind = 'quarantine' AND target_vk = ?",
                                     (anna,)) == "handled"


async def _member(harness, chat_id: int, vk_id: int) -> bool:
    return await _state(harness, chat_id, vk_id) == "member"


async def test_everyone_waiting_admitted_from_the_alert_button(emu, harness) -> None:
    a = await _world(emu, harness)
    admin, mod = a.vk["admin"], a.vk["moderator"]
    await _say(emu, admin, "/создать родители 5А")
    chat5 = await _chat(harness, a, "5А — родители")
    guests = [emu.add_user("Гостья", f"Вторая{i}") for i in range(3)]
    for guest in guests:
        emu.join_by_link(chat5.peer_id, guest)
    for guest in guests:
        await harness.wait_until(lambda: _quarantined(harness, chat5.id, guest))
    await harness.settled()
    alert = next(m for m in emu.sent(mod) if "Вторая0" in m.text and m.keyboard)
    mark = len(emu.sent(mod))
    emu.press_button(mod, mod, alert.cmid, _button(alert, "Допустить всех ожидающих"))
    ask = await emu.wait_sent(mod, contains="Допустить всех", since=mark)
    assert all(f"Гостья Вторая{i}" in ask.text for i in range(3)) and "(3)" in ask.text, ask.text
    assert {await _state(harness, chat5.id, g) for g in guests} == {"quarantine"}  # nothing before the answer
    emu.press_button(mod, mod, ask.cmid, _button(ask, "Допустить всех (3)"))
    await emu.wait_sent(mod, contains="Допущены", since=mark)
    assert {await _state(harness, chat5.id, g) for g in guests} == {"member"}
    await harness.settled()
    # every guest's alert now says who decided, without buttons
    await emu.wait_for(lambda: len([m for m in emu.history(mod) if "не из списков" in m.text and m.edits]) == 3)
    for message in [m for m in emu.history(mod) if "не из списков" in m.text]:
        assert "допуск всех ожидающих" in message.text and not message.keyboard, message.text
    assert await harness.db.fetchval("SELECT COUNT(*) FROM alert WHERE kind = 'quarantine' AND status = 'open'") == 0


async def test_linking_a_staff_member_who_cannot_be_reached_says_so(emu, harness) -> None:
    a = await _world(emu, harness)
    db = harness.db
    await people_repo.create(db, org_id=a.org.id, kind="staff", full_name="Новикова Вера Павловна",
                             name_key=normalize_name("Новикова Вера Павловна"), now=NOW)
    vera = emu.add_user("Вера", "Новикова")  # never wrote to the community
    answer = await _say(emu, a.vk["admin"], f"/роль связать vk.com/id{vera} Новикова Вера", contains="привязан")
    assert "не получает сообщения от бота" in answer.text and "Попросите её" in answer.text, answer.text
    assert await reach_repo.is_unreachable(db, vera)


async def test_only_those_on_the_school_lists_can_be_admitted_at_once(emu, harness) -> None:
    a = await _world(emu, harness)
    admin, mod = a.vk["admin"], a.vk["moderator"]
    await add_student(harness.db, emu, a, "kid6b", "Оля", "Смирнова", "6Б", parent=("mom6", "Ирина", "Смирнова"))
    await _say(emu, admin, "/создать родители 5А")
    chat5 = await _chat(harness, a, "5А — родители")
    emu.invite_user(chat5.peer_id, admin, mod)
    stranger = emu.add_user("Совсем", "Чужой")
    known = a.vk["mom6"]  # a parent of 6Б in the 5А chat: on the school's lists, not this chat's
    for vk_id in (stranger, known):
        emu.join_by_link(chat5.peer_id, vk_id)
        await harness.wait_until(lambda: _quarantined(harness, chat5.id, vk_id))
    mark = len(emu.sent(chat5.peer_id))
    emu.user_message(chat5.peer_id, mod, "/допустить всех")
    ask = await emu.wait_sent(chat5.peer_id, contains="Допустить всех", since=mark)
    assert "в списках школы: Смирнова Ирина" in ask.text, ask.text
    emu.press_button(chat5.peer_id, mod, ask.cmid, _button(ask, "Только из списков школы (1)"))
    await emu.wait_sent(chat5.peer_id, contains="Допущены", since=mark)
    assert await _state(harness, chat5.id, known) == "member"
    assert await _state(harness, chat5.id, stranger) == "quarantine"


async def test_a_code_without_digits_after_a_mistyped_command(emu, harness) -> None:
    from bot.domain import codes as code_domain

    a = await _world(emu, harness)
    await harness.db.execute(
        "INSERT INTO join_code (person_id, code_hash, expires_at, created_at) VALUES (?, ?, ?, ?)",
        (a.person["mother"], code_domain.hash_code("WHAT-SAPP", b"test-pepper"), 2**40, NOW))
    anna = emu.add_user("Анна", "Петрова")
    assert (await _say(emu, anna, "напишите мне в WhatsApp")).text == texts.NOT_A_COMMAND_PRIVATE  # no guess
    answer = await _say(emu, anna, "/kod: what-sapp")
    assert answer.text.startswith("Готово!"), answer.text


async def test_a_role_given_or_taken_sends_the_person_their_new_start_keyboard(emu, harness) -> None:
    a = await _world(emu, harness)
    admin = a.vk["admin"]
    igor = emu.add_user("Игорь", "Новиков", allows_messages=True)
    mark = len(emu.sent(igor))
    answer = await _say(emu, admin, f"/роль выдать модератор vk.com/id{igor}", contains="Новиков")
    assert "модератор" in answer.text
    notice = await emu.wait_sent(igor, contains="Вам выдана роль", since=mark)
    assert "модератор" in notice.text and "«Школа № 1»" in notice.text, notice.text
    assert notice.keyboard and not notice.keyboard.get("inline")  # the persistent start keyboard
    assert _button(notice, "Нарушения")["s"] == "alerts"
    # taken away: the keyboard without the moderator's section
    mark = len(emu.sent(igor))
    await _say(emu, admin, f"/роль снять модератор vk.com/id{igor}", contains="снят")
    notice = await emu.wait_sent(igor, contains="снята", since=mark)
    labels = [b["action"]["label"] for row in notice.keyboard["buttons"] for b in row]
    assert "Нарушения" not in labels, labels
    # an unchanged role (given again) tells the person nothing
    mark = len(emu.sent(igor))
    await _say(emu, admin, f"/роль выдать модератор vk.com/id{igor}", contains="Новиков")
    await emu.wait_sent(igor, contains="Вам выдана роль", since=mark)
    mark = len(emu.sent(igor))
    again = await _say(emu, admin, f"/роль выдать модератор vk.com/id{igor}", contains="Новиков")
    assert "уже есть роль" in again.text
    await harness.settled()
    assert not emu.sent(igor)[mark:]
