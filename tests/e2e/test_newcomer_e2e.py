"""The newcomer path through vkemu: time zones written as people write them, hints that name the
form the command really takes, wording that agrees with the person's gender."""

from __future__ import annotations

from bot.repo import orgs as org_repo
from tests.e2e.conftest import OPERATOR_VK
from tests.e2e.test_roster_e2e import say


async def test_city_names_and_offsets_are_time_zones(emu, harness) -> None:
    answer = await say(emu, OPERATOR_VK, "/организация регион r16 Казань Республика Татарстан")
    assert answer.text.startswith("Создано: регион «Республика Татарстан»"), answer.text
    assert "Часовой пояс: Москва (Europe/Moscow), UTC+3, МСК" in answer.text
    answer = await say(emu, OPERATOR_VK, "/организация регион r66 МСК+2 Свердловская область")
    assert "Екатеринбург (Asia/Yekaterinburg), UTC+5, МСК+2" in answer.text, answer.text
    answer = await say(emu, OPERATOR_VK, "/организация муниципалитет mo-kam Петропавловск-Камчатский r66 Город")
    assert "(Asia/Kamchatka), UTC+12, МСК+9" in answer.text, answer.text
    answer = await say(emu, OPERATOR_VK, "/организация школа sch-nn Нижний Новгород r16 Школа № 5")
    assert answer.text.startswith("Создано: школа «Школа № 5»"), answer.text
    assert "Europe/Moscow" in answer.text
    answer = await say(emu, OPERATOR_VK, "/организация школа sch-u UTC+7 r16 Школа № 6")
    assert "UTC+7" in answer.text and "Создано" in answer.text, answer.text
    for code, tz in (("r16", "Europe/Moscow"), ("r66", "Asia/Yekaterinburg"), ("mo-kam", "Asia/Kamchatka")):
        org = await org_repo.by_code(harness.db, code)
        assert org is not None and org.timezone == tz


async def test_a_wrong_time_zone_gets_examples(emu, harness) -> None:
    answer = await say(emu, OPERATOR_VK, "/организация регион r16 Марс Республика Татарстан")
    assert "Не знаю часового пояса «Марс»" in answer.text
    assert "Екатеринбург" in answer.text and "МСК+2" in answer.text and "UTC+5" in answer.text
    # the parent code written where the zone goes: the answer says where the zone goes
    await say(emu, OPERATOR_VK, "/организация регион r16 мск Республика Татарстан")
    answer = await say(emu, OPERATOR_VK, "/организация школа sch1 r16 Школа № 1")
    assert "«r16»" in answer.text and "третье слово" in answer.text, answer.text
    assert await org_repo.by_code(harness.db, "sch1") is None


async def test_an_operator_is_asked_for_the_code_in_the_form_the_command_takes(emu, harness) -> None:
    answer = await say(emu, OPERATOR_VK, "/школа")
    assert "Организаций пока нет" in answer.text and "/организация" in answer.text, answer.text
    await say(emu, OPERATOR_VK, "/организация регион r16 мск Республика Татарстан")
    await say(emu, OPERATOR_VK, "/организация школа sch12 мск r16 Школа № 12")
    answer = await say(emu, OPERATOR_VK, "/школа")
    assert "оператор платформы" in answer.text and "/школа <код>" in answer.text, answer.text
    assert "sch12 (Школа № 12)" in answer.text and "«школа <код>»" not in answer.text
    assert "нескольких организациях" not in answer.text
    answer = await say(emu, OPERATOR_VK, "/чаты")
    assert "/чаты <код>" in answer.text and "sch12" in answer.text, answer.text
    answer = await say(emu, OPERATOR_VK, "/отчёт")
    assert "/отчёт <код>" in answer.text, answer.text
    answer = await say(emu, OPERATOR_VK, "/школа sch12")
    assert answer.text.startswith("Школа № 12 (код sch12"), answer.text
    # /роль takes the code at the end, «школа <код>» or, for a coordinator, «орг <код>»
    coordinator = emu.add_user("Нина", "Координаторова")
    answer = await say(emu, OPERATOR_VK, f"/роль выдать муниципальный координатор vk.com/id{coordinator}")
    assert "«орг <код>»" in answer.text and "«школа <код>»" in answer.text, answer.text
    answer = await say(emu, OPERATOR_VK, f"/роль выдать муниципальный координатор vk.com/id{coordinator} школа sch12")
    assert "«орг <код>»" in answer.text, answer.text
    answer = await say(emu, OPERATOR_VK, f"/роль выдать региональный координатор vk.com/id{coordinator} орг r16")
    assert "выдана" in answer.text, answer.text


async def test_a_woman_let_in_is_admitted_in_the_feminine(emu, harness) -> None:
    """«допущен» for Вера: the alert's outcome and the moderator's snackbar agree with her."""
    import json

    from bot.repo import chats as chat_repo
    from bot.repo import members as member_repo
    from tests.e2e.test_chats_e2e import _create, _world

    a, _ = await _world(emu, harness)
    await _create(emu, harness, a.vk["admin"], "/создать родители 5А")
    chat = (await chat_repo.in_org(harness.db, a.org.id))[0]
    mod = a.vk["moderator"]
    # the name tells (Вера Незнакомова, Пётр Чужой), or only VK's «sex» does (Саша Ким)
    for first, last, sex, label, said in (("Вера", "Незнакомова", 0, "Допустить", "допущена"),
                                          ("Пётр", "Чужой", 0, "Исключить", "исключён"),
                                          ("Саша", "Ким", 1, "Допустить", "допущена")):
        stranger = emu.add_user(first, last, sex=sex)
        mark = len(emu.sent(mod))
        emu.join_by_link(chat.peer_id, stranger)
        alert = await emu.wait_sent(mod, contains=f"{first} {last}", since=mark)
        button = next(b for row in alert.keyboard["buttons"] for b in row if b["action"]["label"] == label)
        snacks = len(emu.snackbars)
        emu.press_button(mod, mod, alert.cmid, json.loads(button["action"]["payload"]))
        await emu.wait_for(lambda: emu.snackbars[snacks:])
        assert emu.snackbars[snacks].event_data["text"] == said
        await emu.wait_for(lambda: next(m for m in emu.history(mod) if m.cmid == alert.cmid).edits)
        edited = next(m for m in emu.history(mod) if m.cmid == alert.cmid)
        assert f"✔ {said}:" in edited.text, edited.text

        async def decided(vk_id=stranger):
            m = await member_repo.get(harness.db, chat.id, vk_id)
            return m is not None and m.state in ("member", "removed")

        await harness.wait_until(decided)
