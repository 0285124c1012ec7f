"""/роль and /школа through vkemu: a form mistake answers with the command's usage (a typed error,
no message text compared), the order and the class shown in the answer, the school card."""

from __future__ import annotations

from bot import texts
from bot.domain.commands import BY_KEY
from bot.repo import roles as role_repo
from tests.e2e.test_chats_e2e import _create as _ask
from tests.e2e.test_chats_e2e import _world

ROLE_USAGE = texts.USAGE.format(usage=BY_KEY["role"].usage, example=BY_KEY["role"].example)


async def test_role_form_mistakes_answer_with_the_usage(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    answer = await _ask(emu, harness, admin, f"/роль дать модератор id{a.vk['teacher5b']}")
    assert answer.text == f"{texts.ROLE_BAD_ACTION}\n{ROLE_USAGE}"
    answer = await _ask(emu, harness, admin, "/роль выдать модератор Бэшкина")
    assert answer.text == f"{texts.ROLE_NEED_TARGET}\n{ROLE_USAGE}"
    # an impossible date is explained on its own (no usage appended)
    answer = await _ask(emu, harness, admin, f"/роль выдать модератор id{a.vk['teacher5b']} приказ 1 от 31.02.2026")
    assert answer.text == texts.ROLE_BAD_ORDER_DATE.format(date="31.02.2026")
    # and a role word nobody knows names the roles
    answer = await _ask(emu, harness, admin, f"/роль выдать дворник id{a.vk['teacher5b']}")
    assert answer.text.startswith("Не знаю роли «дворник»")


async def test_role_granted_by_order_and_revoked(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin, teacher = a.vk["admin"], a.vk["teacher5b"]
    mark = len(emu.sent(teacher))
    answer = await _ask(emu, harness, admin, f"/роль выдать модератор vk.com/id{teacher} приказ № 7-к от 1.9.2026")
    assert answer.text == texts.ROLE_GRANTED.format(
        role="модератор", extra="", name="Бэшкина Ольга", vk_id=teacher, org="Школа № 1",
        order=" (приказ № 7-к от 01.09.2026)")
    notice = await emu.wait_sent(teacher, since=mark, contains="Вам выдана роль «модератор»")
    assert notice.keyboard is not None  # their start keyboard comes with it
    grants = [g for g in await role_repo.active_for_person(harness.db, a.person["teacher5b"]) if g.role == "moderator"]
    assert [(g.order_no, g.order_date) for g in grants] == [("7-к", "01.09.2026")]
    answer = await _ask(emu, harness, admin, f"/роль выдать классный руководитель id{teacher} 5Б")
    assert answer.text.startswith("У Бэшкина Ольга уже есть роль «классный руководитель» 5Б")
    answer = await _ask(emu, harness, admin, f"/роль снять модератор id{teacher}")
    assert answer.text == texts.ROLE_REVOKED.format(role="модератор", name="Бэшкина Ольга", org="Школа № 1", order="")
    answer = await _ask(emu, harness, admin, f"/роль снять модератор id{teacher}")
    assert answer.text == texts.ROLE_NOT_HELD.format(name="Бэшкина Ольга", role="модератор", org="Школа № 1")


async def test_school_card(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    answer = await _ask(emu, harness, a.vk["admin"], "/школа")
    assert answer.text.startswith("Школа № 1 (код sch-a, Europe/Moscow)\nОтветственные:\n"), answer.text
    assert "• администратор школы: Завучева Анна" in answer.text
    assert "• модератор: Модеров Игорь" in answer.text
    assert answer.text.endswith("Бот может писать всем сотрудникам с привязанным VK."), answer.text
