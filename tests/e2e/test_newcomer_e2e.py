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
