"""Issues 6 and 13 through vkemu with the real bot: /отчёт answers with the summary and the XLSX,
CSV and PNG attachments; a month in words («за сентябрь», «прошлый месяц») is understood and the
period always stated; «/отчёт помощь» explains the figures; a bad month gets the right form;
people without the role are refused."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from bot.repo import chats as chat_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.services.activity import ActivityCounter
from vkemu import Emulator


async def say(emu: Emulator, user: int, text: str, timeout: float = 15.0):
    mark = len(emu.sent(user))
    emu.user_message(user, user, text)
    return await emu.wait_sent(user, since=mark, timeout=timeout)


async def seed(harness, admin_vk: int, coordinator_vk: int) -> None:
    db, now = harness.db, 1_790_000_000
    region = await org_repo.create(db, kind="region", code="r16", name="Регион", parent_id=None,
                                   timezone="Europe/Moscow", created_by=None, now=now)
    muni = await org_repo.create(db, kind="municipality", code="mo-kazan", name="Казань", parent_id=region.id,
                                 timezone="Europe/Moscow", created_by=None, now=now)
    school = await org_repo.create(db, kind="school", code="sch12", name="Школа № 12", parent_id=muni.id,
                                   timezone="Europe/Moscow", created_by=None, now=now)
    for org, vk, role in ((school, admin_vk, "school_admin"), (muni, coordinator_vk, "municipal_coordinator")):
        pid = await people_repo.create(db, org_id=org.id, kind="staff", full_name=f"Сотрудник {vk}",
                                       name_key=f"сотрудник {vk}", vk_id=vk, now=now)
        await role_repo.grant(db, person_id=pid, org_id=org.id, role=role, granted_by=None, now=now)
    chat, _ = await chat_repo.ensure(db, 2_000_000_500, added_by=None, now=now)
    await chat_repo.bind(db, chat.id, org_id=school.id, type_="admin_open", class_id=None, subject=None,
                         title="Коллектив", leader_id=None)
    chat = await chat_repo.get(db, chat.id)
    counter = ActivityCounter(db)
    for hour in range(3):
        counter.record(chat, admin_vk, "message", datetime(2026, 9, 7, 9 + hour, tzinfo=UTC).timestamp())
    counter.record(chat, 999_999, "message", datetime(2026, 9, 8, 9, tzinfo=UTC).timestamp())
    await counter.flush()


async def test_report_command_returns_summary_and_files(emu, harness) -> None:
    admin = emu.add_user("Ирина", "Админова", allows_messages=True)
    coordinator = emu.add_user("Олег", "Координаторов", allows_messages=True)
    await seed(harness, admin, coordinator)

    answer = await say(emu, admin, "/отчёт за сентябрь 2026")
    assert answer.text.startswith("Отчёт об активности за сентябрь 2026 — Школа № 12 (sch12)"), answer.text
    assert "Период: сентябрь 2026 (с 1 по 30 сентября 2026 года, время Europe/Moscow)." in answer.text
    assert ("Сообщений в беседах школы (осталось после модерации): 4 (своих 3, гостей 0, неизвестных 1)"
            in answer.text)
    assert "• сотрудники: 1 / 0 / 1 / 0 / 1 / 0" in answer.text  # the admin wrote but is in no chat now
    docs = answer.attachment.split(",")
    assert len(docs) == 3
    titles = [emu.find_doc(d).title for d in docs]
    assert titles == ["otchet-sch12-2026-09.xlsx", "otchet-sch12-2026-09.csv", "otchet-sch12-2026-09.png"]
    book = load_workbook(io.BytesIO(emu.doc_bytes(docs[0])))
    summary = {row[0]: row[1] for row in book["Сводка"].iter_rows(min_row=2, values_only=True)}
    assert summary["Сообщений в беседах"] == 4 and summary["Засчитано сообщений"] == 3
    assert "Пояснения" in book.sheetnames
    assert "Коллектив;коллектив;4;0;1;нет" in emu.doc_bytes(docs[1]).decode("utf-8")
    assert emu.doc_bytes(docs[2]).startswith(b"\x89PNG")

    # the coordinator gets the municipality's report, by code
    answer = await say(emu, coordinator, "/отчет 2026-09 mo-kazan")
    assert "Казань (mo-kazan), муниципалитет" in answer.text and len(answer.attachment.split(",")) == 3


async def test_report_command_errors_answer_in_russian(emu, harness) -> None:
    admin = emu.add_user("Ирина", "Админова", allows_messages=True)
    coordinator = emu.add_user("Олег", "Координаторов", allows_messages=True)
    await seed(harness, admin, coordinator)
    answer = await say(emu, admin, "/отчёт 2026-13")
    assert "Не понял месяц «2026-13»" in answer.text and "/отчёт 2026-10" in answer.text
    stranger = emu.add_user("Пётр", "Родителев", allows_messages=True)
    answer = await say(emu, stranger, "/отчёт 2026-09")
    assert "нет прав" in answer.text and not answer.attachment
    answer = await say(emu, admin, "/отчёт")  # the previous calendar month by default, and it says so
    assert answer.text.startswith("Месяц не назван — отчёт за прошлый месяц") and len(answer.attachment.split(",")) == 3
    assert "Период: " in answer.text
    answer = await say(emu, admin, "/отчёт за сентябрь кот")
    assert "Не понял «кот»" in answer.text and "/отчёт за октябрь" in answer.text
    answer = await say(emu, admin, "/отчёт помощь")
    assert "Нет на платформе — " in answer.text and "Молчат — " in answer.text and not answer.attachment
