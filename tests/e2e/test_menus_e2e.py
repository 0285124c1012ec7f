"""Issue 11 (menus and guided dialogs) through vkemu with the real bot: the start keyboard
follows the person's roles; an admin creates the parents' chat of 5А with buttons only; a forged
admin payload pressed by a parent is refused; commands typed without their argument ask with
buttons; the chat settings menu toggles a policy and quiet hours, and the next message is
moderated by the change."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.clock import FixedClock
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.texts import menus as t
from tests.e2e.conftest import BotHarness
from tests.e2e.presses import labels, press, say
from tests.e2e.seed import NOW, School, add_staff, add_student, make_school
from vkemu import Emulator

MSK = ZoneInfo("Europe/Moscow")
EVENING = datetime(2026, 9, 21, 21, 30, tzinfo=MSK).timestamp()  # a Monday, 21:30: quiet from 22:00 only
RUDE = "ну ты и дебил"
ADMIN_MENU = {t.BUTTON_LISTS, t.BUTTON_CHATS, t.BUTTON_CODES, t.BUTTON_REPORTS, t.BUTTON_STAFF}
FAMILY_MENU = {t.BUTTON_MY_CHATS, t.BUTTON_ENTER_CODE, t.BUTTON_RULES, t.BUTTON_COMPLAINT}


@pytest.fixture
async def harness(emu: Emulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    h = BotHarness(emu, tmp_path / "bot.db", clock=FixedClock(EVENING))
    await h.start()
    try:
        yield h
    finally:
        await h.stop()


async def _world(emu: Emulator, harness: BotHarness) -> tuple[School, School]:
    db = harness.db
    region = await org_repo.create(db, kind="region", code="reg", name="Регион", parent_id=None,
                                   timezone="Europe/Moscow", created_by=None, now=NOW)
    muni = await org_repo.create(db, kind="municipality", code="mun", name="Город", parent_id=region.id,
                                 timezone="Europe/Moscow", created_by=None, now=NOW)
    a = await make_school(db, emu, "sch-a", "Школа № 1", muni.id)
    b = await make_school(db, emu, "sch-b", "Школа № 2", muni.id)
    await add_staff(db, emu, a, "admin", "Анна", "Завучева", [("school_admin", None)])
    await add_staff(db, emu, a, "teacher5a", "Мария", "Классная", [("class_teacher", "5А")])
    await add_staff(db, emu, a, "moderator", "Игорь", "Модеров", [("moderator", None)])
    await add_student(db, emu, a, "kid", "Петя", "Иванов", "5А", parent=("mom", "Елена", "Иванова"))
    await add_student(db, emu, a, "kid5b", "Вася", "Сидоров", "5Б")
    await add_student(db, emu, a, "newkid", "Лиза", "Новикова", "5А", linked=False)  # needs a code
    await add_student(db, emu, b, "kid_b", "Коля", "Петров", "7В")
    territory = School(muni)
    await add_staff(db, emu, territory, "coordinator", "Вера", "Петрова", [("municipal_coordinator", None)])
    return a, territory


async def _answer_to(emu: Emulator, event_id: str) -> Any:
    """The bot's answer to one press (answers are batched: not necessarily in press order)."""
    return await emu.wait_for(lambda: next((s for s in emu.snackbars if s.event_id == event_id), None))


def _payload(message: Any, label: str) -> dict[str, Any]:
    for row in (message.keyboard or {}).get("buttons", []):
        for b in row:
            if b["action"]["label"] == label:
                return json.loads(b["action"]["payload"])
    raise AssertionError(f"no button «{label}»: {labels(message)}")


async def test_admin_creates_the_parents_chat_of_5a_with_buttons_only(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    start = await say(emu, admin, "Начать")
    assert start.keyboard is not None and start.keyboard.get("inline") is False  # stays under the input field
    menu = await press(emu, admin, start, t.BUTTON_CHATS)
    kinds = await press(emu, admin, menu, t.BUTTON_CREATE)
    assert t.CHAT_TYPE_LABELS["parents_class"] in labels(kinds)
    classes = await press(emu, admin, kinds, t.CHAT_TYPE_LABELS["parents_class"])
    assert set(labels(classes)) >= {"5А", "5Б"} and "7В" not in labels(classes)  # the school's roster only
    question = await press(emu, admin, classes, "5А")
    assert "«5А — родители»" in question.text and "Школа № 1" in question.text
    assert not await chat_repo.in_org(harness.db, a.org.id)  # nothing yet: asked first
    mark = len(emu.calls)
    done = await press(emu, admin, question, t.BUTTON_DO_CREATE, contains="vk.me/join")
    assert "5А — родители" in done.text
    created = [c for c in emu.calls[mark:] if c.method == "messages.createChat"]
    assert len(created) == 1
    chats = await chat_repo.in_org(harness.db, a.org.id)
    assert [(c.type, c.title) for c in chats] == [("parents_class", "5А — родители")]
    chat = chats[0]
    assert chat.class_id is not None and chat.invite_link and chat.invite_link in done.text
    assert a.vk["teacher5a"] in emu.chat(chat.peer_id).members  # the class teacher leads it
    assert any(m.pinned and "Правила беседы" in m.text for m in emu.history(chat.peer_id))
    # every press was acknowledged (the client stops waiting), none with an error
    assert all(not s.event_data or "устарела" not in s.event_data.get("text", "") for s in emu.snackbars)

    # the same chat again from the menu: the service says it exists, nothing is created twice
    again = await press(emu, admin, question, t.BUTTON_DO_CREATE)
    assert chat.invite_link in again.text
    assert len(await chat_repo.in_org(harness.db, a.org.id)) == 1


async def test_each_role_sees_only_its_sections(emu, harness) -> None:
    a, territory = await _world(emu, harness)
    admin = labels(await say(emu, a.vk["admin"], "/помощь"))
    assert ADMIN_MENU <= set(admin) and not FAMILY_MENU & set(admin) and t.BUTTON_SCHOOLS not in admin
    mod = labels(await say(emu, a.vk["moderator"], "Начать"))
    assert t.BUTTON_ALERTS in mod and not ADMIN_MENU & set(mod) and not FAMILY_MENU & set(mod)
    coord = labels(await say(emu, territory.vk["coordinator"], "начать"))
    assert {t.BUTTON_SCHOOLS, t.BUTTON_REPORTS} <= set(coord)
    assert not {t.BUTTON_LISTS, t.BUTTON_CODES, t.BUTTON_ALERTS} & set(coord)
    for family in ("mom", "kid"):
        seen = labels(await say(emu, a.vk[family], "Начать"))
        assert FAMILY_MENU <= set(seen), seen
        assert not (ADMIN_MENU | {t.BUTTON_ALERTS, t.BUTTON_SCHOOLS}) & set(seen), seen
    stranger = emu.add_user("Новый", "Человек", allows_messages=True)
    seen = labels(await say(emu, stranger, "Начать"))
    assert seen == [t.BUTTON_ENTER_CODE, t.BUTTON_HELP]

    # «Мои беседы» runs /ссылки; «Ввести код» explains what to type
    mom = a.vk["mom"]
    start = await say(emu, mom, "Начать")
    links = await press(emu, mom, start, t.BUTTON_MY_CHATS)
    direct = await say(emu, mom, "/ссылки")
    assert links.text == direct.text
    assert "K7QM-4RTD" in (await press(emu, mom, start, t.BUTTON_ENTER_CODE)).text


async def test_a_forged_admin_payload_is_refused(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin, mom = a.vk["admin"], a.vk["mom"]
    # the admin's real «Создать» payload, sent by the parent's modified client
    start = await say(emu, admin, "Начать")
    kinds = await press(emu, admin, await press(emu, admin, start, t.BUTTON_CHATS), t.BUTTON_CREATE)
    classes = await press(emu, admin, kinds, t.CHAT_TYPE_LABELS["parents_class"])
    forged = _payload(await press(emu, admin, classes, "5А"), t.BUTTON_DO_CREATE)
    own = await say(emu, mom, "Начать")
    for payload in (forged, {"a": "m", "s": "codes"}, {"a": "m", "s": "kc", "o": a.org.id, "c": "5А"},
                    {"a": "s", "ch": 1, "do": "tp", "k": 0}):
        event_id = emu.press_button(mom, mom, own.cmid, payload, forged=True)
        snack = await _answer_to(emu, event_id)
        text = snack.event_data["text"]
        assert "недоступен" in text or "нет прав" in text or "устарела" in text, text
    await harness.settled()
    assert not await chat_repo.in_org(harness.db, a.org.id)
    assert not [c for c in emu.calls if c.method in ("messages.createChat", "docs.save")]


async def test_commands_without_their_argument_ask_with_buttons(emu, harness) -> None:
    a, territory = await _world(emu, harness)
    admin = a.vk["admin"]
    create = await say(emu, admin, "/создать")
    assert {t.CHAT_TYPE_LABELS["parents_class"], t.CHAT_TYPE_LABELS["students_class"]} <= set(labels(create))
    codes = await say(emu, admin, "/коды")
    assert {"5А", "5Б", t.BUTTON_STAFF_CODES} <= set(labels(codes))
    sheet = await press(emu, admin, codes, "5А")  # the typed /коды 5А runs: slips attached
    assert "5А" in sheet.text and sheet.attachment.startswith("doc"), sheet.text
    coordinator = territory.vk["coordinator"]
    school = await say(emu, coordinator, "/школа")
    assert {"Школа № 1", "Школа № 2"} <= set(labels(school))
    card = await press(emu, coordinator, school, "Школа № 2")
    assert "Школа № 2" in card.text
    report = await say(emu, coordinator, "/отчёт")
    assert {"Город", "Школа № 1", "Школа № 2"} <= set(labels(report))
    # a typed command with its argument keeps working as before
    typed = await say(emu, coordinator, "/школа sch-a")
    assert "Школа № 1" in typed.text and not typed.keyboard
    # a parent typing /создать is refused, not asked
    refused = await say(emu, a.vk["mom"], "/создать")
    assert "нет прав" in refused.text and not refused.keyboard


async def _students_chat(emu: Emulator, harness: BotHarness, a: School):
    teacher = a.vk["teacher5a"]
    answer = await say(emu, teacher, "/создать ученики 5А")
    assert "создана" in answer.text, answer.text
    chat = next(c for c in await chat_repo.in_org(harness.db, a.org.id) if c.type == "students_class")
    emu.join_by_link(chat.peer_id, a.vk["kid"])
    await harness.wait_until(lambda: member_repo.get(harness.db, chat.id, a.vk["kid"]))
    await harness.settled()
    return chat


async def _posted(emu: Emulator, harness: BotHarness, peer: int, vk_id: int, text: str) -> Any:
    assert harness.runner is not None
    before = harness.runner.bot.handled
    cmid = emu.user_message(peer, vk_id, text)

    async def handled() -> bool:
        return harness.runner is not None and harness.runner.bot.handled > before

    await harness.wait_until(handled)
    await harness.settled()
    return emu.chat(peer).get(cmid)


async def _toggle(emu: Emulator, harness: BotHarness, user: int, message: Any, label: str) -> Any:
    """Press a button of the settings menu: the menu message is edited in place."""
    version = message.version
    emu.press_button(user, user, message.cmid, _payload(message, label))
    await emu.wait_for(lambda: message.version > version or None)
    await harness.settled()
    return message


async def test_chat_settings_menu_toggles_and_takes_effect(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    chat = await _students_chat(emu, harness, a)
    peer, kid, mod = chat.peer_id, a.vk["kid"], a.vk["teacher5a"]  # the chat's leader

    # a student may not open the settings
    mark = len(emu.sent(peer))
    refused = emu.user_message(peer, kid, "/настройки")
    assert "нет прав" in (await emu.wait_sent(peer, since=mark)).text
    await harness.settled()
    assert any(d.peer_id == peer and d.cmid == refused for d in emu.deleted)  # a children's chat: cleaned up

    # the leader gets the menu privately; the chat is only told so
    mod_mark = len(emu.sent(mod))
    mark = len(emu.sent(peer))
    emu.user_message(peer, mod, "/настройки")
    menu = await emu.wait_sent(mod, contains="Настройки беседы «5А — ученики»", since=mod_mark)
    assert t.SETTINGS_SENT_PRIVATELY in (await emu.wait_sent(peer, since=mark)).text
    assert labels(menu) == [t.BUTTON_POLICIES, t.BUTTON_QUIET]  # alerts are routed to staff chats only

    # before: an insult is deleted
    assert (await _posted(emu, harness, peer, kid, RUDE)).deleted_for_all

    await _toggle(emu, harness, mod, menu, t.BUTTON_POLICIES)  # screens open in the same message
    assert "Мат: вкл" in labels(menu)
    await _toggle(emu, harness, mod, menu, "Мат: вкл")
    assert "Мат: тихо" in labels(menu)  # edited in place
    saved = await chat_repo.get(harness.db, chat.id)
    assert saved is not None and saved.overrides.get("obscene") == "тихо"
    audited = await harness.db.fetchall(
        "SELECT actor_vk, policy, reason FROM audit_log WHERE action = 'override' AND chat_id = ?", (chat.id,))
    assert [tuple(r) for r in audited] == [(mod, "obscene", "тихо")]
    # after: the same insult stays (moderators are only told)
    assert not (await _posted(emu, harness, peer, kid, RUDE)).deleted_for_all

    # quiet hours from a preset: from 21:00 now (it is 21:30), so a student's message is deleted
    assert not (await _posted(emu, harness, peer, kid, "всем привет")).deleted_for_all
    await _toggle(emu, harness, mod, menu, t.BUTTON_BACK)
    quiet = await _toggle(emu, harness, mod, menu, t.BUTTON_QUIET)
    await _toggle(emu, harness, mod, quiet, t.quiet_label("21:00", "07:00"))
    assert "21:00–07:00" in quiet.text
    saved = await chat_repo.get(harness.db, chat.id)
    assert saved is not None and saved.overrides.get("quiet_hours") == "21:00-07:00"
    assert (await _posted(emu, harness, peer, kid, "всем привет ещё раз")).deleted_for_all

    # switched off with a button: messages stay again
    await _toggle(emu, harness, mod, quiet, t.BUTTON_QUIET_OFF)
    assert not (await _posted(emu, harness, peer, kid, "и снова привет")).deleted_for_all

    # a parent pressing the moderator's toggle (forged) changes nothing
    snack = await _answer_to(emu, emu.press_button(a.vk["mom"], a.vk["mom"], (await say(emu, a.vk["mom"], "Начать")).cmid,
                                                   {"a": "s", "ch": chat.id, "do": "tp", "k": 0}, forged=True))
    assert "нет прав" in snack.event_data["text"]
    assert (await chat_repo.get(harness.db, chat.id)).overrides.get("obscene") == "тихо"  # type: ignore[union-attr]


async def test_every_section_leads_into_its_flow(emu, harness) -> None:
    a, territory = await _world(emu, harness)
    admin = a.vk["admin"]
    start = await say(emu, admin, "Начать")
    lists = await press(emu, admin, start, t.BUTTON_LISTS)
    assert "Школа № 1" in lists.text and "учеников 3" in lists.text, lists.text
    how = await press(emu, admin, lists, t.BUTTON_IMPORT)
    assert how.text == (await say(emu, admin, "/импорт")).text  # the typed command's own answer
    staff = await press(emu, admin, start, t.BUTTON_STAFF)
    assert "/роль" in staff.text and t.BUTTON_STAFF_CODES_LONG in labels(staff)
    report = await press(emu, admin, start, t.BUTTON_REPORTS)
    assert report.text == (await say(emu, admin, "/отчёт")).text  # the same as typed
    moderator = a.vk["moderator"]
    alerts = await press(emu, moderator, await say(emu, moderator, "Начать"), t.BUTTON_ALERTS)
    assert alerts.text == (await say(emu, moderator, "/нарушения")).text
    coordinator = territory.vk["coordinator"]
    schools = await press(emu, coordinator, await say(emu, coordinator, "Начать"), t.BUTTON_SCHOOLS)
    assert {"Школа № 1", "Школа № 2"} <= set(labels(schools))
    card = await press(emu, coordinator, schools, "Школа № 1")
    assert card.text == (await say(emu, coordinator, "/школа sch-a")).text
    school_report = await press(emu, coordinator, card, t.BUTTON_REPORT)
    assert "Школа № 1" in school_report.text or school_report.attachment, school_report.text


async def test_a_class_teacher_is_offered_only_their_class(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    teacher = a.vk["teacher5a"]
    kinds = await say(emu, teacher, "/создать")
    assert set(labels(kinds)) >= {t.CHAT_TYPE_LABELS["parents_class"], t.CHAT_TYPE_LABELS["students_class"]}
    assert t.CHAT_TYPE_LABELS["admin_closed"] not in labels(kinds)  # not a leader of that type
    classes = await press(emu, teacher, kinds, t.CHAT_TYPE_LABELS["students_class"])
    assert [x for x in labels(classes) if x[0].isdigit()] == ["5А"]


async def _press_in_chat(emu: Emulator, peer: int, user: int, message: Any, label: str, **kw: Any) -> Any:
    mark = len(emu.sent(peer))
    emu.press_button(peer, user, message.cmid, _payload(message, label))
    return await emu.wait_sent(peer, since=mark, **kw)


async def test_bind_without_arguments_asks_in_the_chat_with_buttons(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    teacher, kid, mom = a.vk["teacher5a"], a.vk["kid"], a.vk["mom"]
    peer = emu.create_chat("наш класс", teacher, [kid, mom])
    emu.add_bot_to_chat(peer, teacher)
    await emu.wait_sent(peer, contains="администратором")
    emu.set_bot_admin(peer, True)
    mark = len(emu.sent(peer))
    emu.user_message(peer, teacher, "/привязать")
    kinds = await emu.wait_sent(peer, contains="Чем будет эта беседа", since=mark)
    assert t.CHAT_TYPE_LABELS["students_class"] in labels(kinds), kinds.text
    # a parent pressing the teacher's buttons is refused at the press
    snack = await _answer_to(emu, emu.press_button(peer, mom, kinds.cmid,
                                                   _payload(kinds, t.CHAT_TYPE_LABELS["students_class"])))
    assert "нет прав" in snack.event_data["text"] or "недоступен" in snack.event_data["text"]
    classes = await _press_in_chat(emu, peer, teacher, kinds, t.CHAT_TYPE_LABELS["students_class"])
    question = await _press_in_chat(emu, peer, teacher, classes, "5А")
    assert "«5А — ученики»" in question.text and await chat_repo.by_peer(harness.db, peer) is not None
    assert not (await chat_repo.by_peer(harness.db, peer)).bound  # type: ignore[union-attr]
    await _press_in_chat(emu, peer, teacher, question, t.BUTTON_DO_BIND, contains="Беседа привязана")
    chat = await chat_repo.by_peer(harness.db, peer)
    assert chat is not None and chat.type == "students_class" and chat.title == "5А — ученики"
    assert emu.chat(peer).title == "5А — ученики"


async def test_alerts_of_the_school_routed_to_a_staff_chat_from_its_settings(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    assert "создана" in (await say(emu, admin, "/создать администрация")).text
    chat = next(c for c in await chat_repo.in_org(harness.db, a.org.id) if c.type == "admin_closed")
    mark = len(emu.sent(admin))
    emu.user_message(chat.peer_id, admin, "/настройки")
    menu = await emu.wait_sent(admin, contains="Настройки беседы", since=mark)
    assert t.SETTINGS_ALERTS.format(value=t.SETTINGS_ALERTS_PRIVATE) in menu.text
    await _toggle(emu, harness, admin, menu, t.BUTTON_ALERTS_HERE)
    assert harness.app is not None
    assert await harness.app.services.alerts.moderators_chat(a.org.id) == chat.peer_id
    assert t.SETTINGS_ALERTS.format(value=t.SETTINGS_ALERTS_HERE) in menu.text
    await _toggle(emu, harness, admin, menu, t.BUTTON_ALERTS_PRIVATE)
    assert await harness.app.services.alerts.moderators_chat(a.org.id) is None
    audited = await harness.db.fetchall(
        "SELECT actor_vk, reason FROM audit_log WHERE action = 'alerts_route' ORDER BY id")
    assert [tuple(r) for r in audited] == [(admin, "here"), (admin, "private")]


async def test_an_admin_of_two_schools_picks_the_school_first(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    b = School((await org_repo.by_code(harness.db, "sch-b")))  # type: ignore[arg-type]
    await add_staff(harness.db, emu, b, "admin", "Анна", "Завучева", [("school_admin", None)])
    admin = b.vk["admin"]
    # the same person administers school № 1 too
    person = await people_repo.create(harness.db, org_id=a.org.id, kind="staff", full_name="Завучева Анна",
                                      name_key="завучева анна", vk_id=admin, now=NOW)
    await role_repo.grant(harness.db, person_id=person, org_id=a.org.id, role="school_admin", granted_by=None, now=NOW)
    pick = await say(emu, admin, "/коды")
    assert pick.text.startswith(t.PICK_SCHOOL) and set(labels(pick)) == {"Школа № 1", "Школа № 2"}
    classes = await press(emu, admin, pick, "Школа № 2")
    assert "7В" in labels(classes) and "5А" not in labels(classes)


async def _text_press(emu: Emulator, user: int, message: Any, label: str, **kw: Any) -> Any:
    mark = len(emu.sent(user))
    emu.press_text_button(user, message.cmid, label)
    return await emu.wait_sent(user, since=mark, **kw)


async def test_a_client_without_callback_buttons_gets_text_buttons(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    emu.users[admin].button_actions = ("text", "open_link")  # an old client
    start = await say(emu, admin, "Начать")
    kinds_of_buttons = {b["action"]["type"] for row in start.keyboard["buttons"] for b in row}
    assert kinds_of_buttons == {"text"}
    menu = await _text_press(emu, admin, start, t.BUTTON_CHATS)
    kinds = await _text_press(emu, admin, menu, t.BUTTON_CREATE)
    assert {b["action"]["type"] for row in kinds.keyboard["buttons"] for b in row} == {"text"}
    classes = await _text_press(emu, admin, kinds, t.CHAT_TYPE_LABELS["parents_class"])
    question = await _text_press(emu, admin, classes, "5А")
    await _text_press(emu, admin, question, t.BUTTON_DO_CREATE, contains="vk.me/join")
    assert [c.title for c in await chat_repo.in_org(harness.db, a.org.id)] == ["5А — родители"]
    # a text «5А» typed without the button's payload is not a menu press
    assert "5А — родители" not in (await say(emu, admin, "5А")).text
