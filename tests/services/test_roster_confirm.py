"""Issue 11 part 2 on a real database: what cannot be undone is asked first, naming the people and
the chats it touches; an import that would expel people outside the file's classes offers to apply
only those classes; templates parse as the importer reads them."""

from __future__ import annotations

import json
from pathlib import Path

from bot.domain.classes import parse_class
from bot.domain.roster_file import parse_roster
from bot.domain.roster_template import template_csv, template_xlsx
from bot.repo import chats as chat_repo
from bot.repo import pending as pending_repo
from bot.repo import people as people_repo
from bot.services.roster_results import (
    ChangedSince, ExpelAsked, Expelled, Gone, ImportApplied, ImportAsked, TransferAsked, Transferred,
)
from bot.texts import confirm as ct
from bot.texts import roster as roster_texts
from handlers.roster_views import render
from tests.services import roster_calls as rc
from tests.services.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]


def buttons(result) -> list[dict]:
    """The buttons the answer to ``result`` carries."""
    return [b for row in json.loads(render(result).keyboard)["buttons"] for b in row]


async def action_of(world, result) -> pending_repo.Pending:
    payload = json.loads(buttons(result)[0]["action"]["payload"])
    assert payload["id"] == result.action_id
    return await rc.pending(world, result)


async def class_chat(world, peer: int, cls: str, type_: str, title: str) -> int:
    chat, _ = await chat_repo.ensure(world.db, peer, added_by=None, now=NOW)
    class_id = await people_repo.ensure_class(world.db, world.school_a.id, parse_class(cls), NOW)
    await chat_repo.bind(world.db, chat.id, org_id=world.school_a.id, type_=type_, class_id=class_id,
                         subject=None, title=title, leader_id=None)
    return chat.id


async def family(world, admin) -> tuple[int, int]:
    """Мария (5А) with her linked mother Елена; chats of 5А and 5Б for parents and students."""
    await rc.enrol(world, admin, "Иванова Мария Петровна 5А")
    await rc.enrol(world, admin, "Сидоров Олег Ильич 5Б")
    [maria] = await people_repo.find_prefix(world.db, world.school_a.id, "иванова мария", kind="student")
    await people_repo.link_vk(world.db, maria.id, 501, NOW)
    mom = await people_repo.create(world.db, org_id=world.school_a.id, kind="parent",
                                   full_name="Иванова Елена Викторовна", name_key="иванова елена викторовна",
                                   vk_id=502, now=NOW)
    await people_repo.link_child(world.db, mom, maria.id)
    dad = await people_repo.create(world.db, org_id=world.school_a.id, kind="parent",
                                   full_name="Иванов Пётр Ильич", name_key="иванов петр ильич", vk_id=None, now=NOW)
    await people_repo.link_child(world.db, dad, maria.id)
    await class_chat(world, 2_000_000_001, "5А", "parents_class", "5А — родители")
    await class_chat(world, 2_000_000_002, "5Б", "parents_class", "5Б — родители")
    await class_chat(world, 2_000_000_003, "5А", "students_class", "5А — ученики")
    await class_chat(world, 2_000_000_004, "5Б", "students_class", "5Б — ученики")
    return maria.id, mom


async def test_transfer_asks_naming_the_child_the_parents_and_their_chats(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    maria, _ = await family(world, admin)
    reply = await rc.transfer(world, admin, "Иванова Мария 5Б")
    assert isinstance(reply, TransferAsked) and not reply.new_class
    assert [(a.person.full_name, [c.title for c in a.leaves], [c.title for c in a.joins]) for a in reply.affected] == [
        ("Иванова Мария Петровна", ["5А — ученики"], ["5Б — ученики"]),
        ("Иванова Елена Викторовна", ["5А — родители"], ["5Б — родители"]),
        ("Иванов Пётр Ильич", ["5А — родители"], ["5Б — родители"])]
    lines = render(reply).text.split("\n")
    assert "• Иванова Мария Петровна (ученица): удалю из «5А — ученики»; пришлю ссылку в «5Б — ученики»" in lines
    assert "• Иванова Елена Викторовна (родитель): удалю из «5А — родители»; пришлю ссылку в «5Б — родители»" in lines
    assert f"• Иванов Пётр Ильич (родитель, {ct.NOT_LINKED})" in lines
    assert [b["action"]["label"] for b in buttons(reply)] == ["Перевести в 5Б", "Отменить"]
    # nothing changed yet, not even in the tried-and-undone state
    assert (await people_repo.get(world.db, maria)).class_name == "5А"
    assert [e["kind"] for e in await people_repo.events(world.db, world.school_a.id)] == ["enrol", "enrol"]
    action = await action_of(world, reply)
    assert action.kind == "transfer" and action.payload["what"] == "перевод ученицы Иванова Мария Петровна (5А → 5Б)"
    result = await world.roster.transfer_apply(admin, action, NOW)
    assert result == Transferred("Иванова Мария Петровна", "5А", "5Б")
    assert render(result).text.startswith("Готово: Иванова Мария Петровна переведена, 5А → 5Б")
    assert (await people_repo.get(world.db, maria)).class_name == "5Б"
    # a second press does nothing
    assert await world.roster.transfer_apply(admin, action, NOW) == Gone()
    assert render(Gone()).text == "Это действие уже выполнено или устарело."


async def test_transfer_to_a_missing_class_says_so_and_creates_it_only_when_confirmed(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    await family(world, admin)
    reply = await rc.transfer(world, admin, "Иванова Мария 7Г")
    assert isinstance(reply, TransferAsked) and reply.new_class and reply.existing == ("5А", "5Б")
    assert render(reply).text.startswith("В «Школа А» нет класса 7Г (есть: 5А, 5Б)")
    assert [b["action"]["label"] for b in buttons(reply)] == ["Создать 7Г и перевести", "Отменить"]
    assert buttons(reply)[0]["color"] == "negative"
    assert await people_repo.class_id(world.db, world.school_a.id, parse_class("7Г")) is None
    await world.roster.transfer_apply(admin, await action_of(world, reply), NOW)
    assert await people_repo.class_id(world.db, world.school_a.id, parse_class("7Г")) is not None


async def test_expel_asks_naming_the_chats_and_refuses_if_the_student_changed_meanwhile(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    maria, _ = await family(world, admin)
    reply = await rc.expel(world, admin, "Иванова Мария Петровна")
    assert isinstance(reply, ExpelAsked) and reply.class_name == "5А"
    assert "• Иванова Елена Викторовна (родитель): удалю из «5А — родители»" in render(reply).text.split("\n")
    assert "удалю из «5А — ученики»" in render(reply).text
    assert [(b["action"]["label"], b["color"]) for b in buttons(reply)] == [("Отчислить", "negative"),
                                                                            ("Отменить", "secondary")]
    action = await action_of(world, reply)
    assert action.payload["what"] == "отчисление ученицы Иванова Мария Петровна (5А)"
    assert (await people_repo.get(world.db, maria)).status == "active"
    # moved to 5Б before the press: the question no longer describes what would happen
    transfer = await rc.transfer(world, admin, "Иванова Мария 5Б")
    await world.roster.transfer_apply(admin, await action_of(world, transfer), NOW)
    changed = await world.roster.expel_apply(admin, action, NOW)
    assert changed == ChangedSince() and render(changed).text == ct.CHANGED_SINCE
    assert (await people_repo.get(world.db, maria)).status == "active"
    again = await rc.expel(world, admin, "Иванова Мария Петровна")
    result = await world.roster.expel_apply(admin, await action_of(world, again), NOW)
    assert result == Expelled("Иванова Мария Петровна", "5Б")
    assert render(result).text.startswith("Готово: отчисление Иванова Мария Петровна (5Б)")
    assert (await people_repo.get(world.db, maria)).status == "expelled"


def one_class_file() -> bytes:
    return "ФИО;Класс\nИванов Пётр Сергеевич;5А\nНовенькая Дарья Олеговна;5А\n".encode()


async def test_one_class_file_lists_who_would_be_expelled_and_offers_its_classes_only(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    for name in ("Иванов Пётр Сергеевич 5А", "Старый Иван Ильич 5А", "Сидоров Олег Ильич 6Б",
                 "Петрова Анна Олеговна 7В", "Кузнецов Илья Павлович 8А", "Смирнова Ольга Ивановна 9А",
                 "Попов Глеб Андреевич 10А"):
        await rc.enrol(world, admin, name)
    reply = await world.roster.import_preview(admin, world.school_a, "5a.csv", one_class_file(), NOW)
    assert isinstance(reply, ImportAsked) and reply.expelled == 6 and reply.expelled_csv is None
    assert reply.scoped is not None and reply.scoped.classes == ("5А",) and reply.scoped.outside == 5
    text = render(reply).text
    assert "Старый Иван Ильич (5А)" in text and "Попов Глеб Андреевич (10А)" in text, text
    assert "Будут отчислены (6)" in text
    # «no errors» never follows a warning as if all were fine (the file's classes alone are fine)
    scoped, full = text.split(ct.FULL_TITLE)
    assert "Будут отчислены (1): Старый Иван Ильич (5А)." in scoped.split(ct.SCOPED_TITLE)[1]
    assert roster_texts.PREVIEW_OK not in full and roster_texts.PREVIEW_OK_WITH_WARNINGS in full
    labels = [(b["action"]["label"], b["color"]) for b in buttons(reply)]
    assert labels == [(ct.BUTTON_SCOPED, "positive"), ("Применить всё, отчислить 6", "negative"),
                      ("Отменить", "secondary")]
    action = await action_of(world, reply)
    assert action.payload["what"] == "импорт файла «5a.csv»"
    result = await world.roster.import_apply(admin, action, NOW, scoped=True)
    assert isinstance(result, ImportApplied) and result.classes == ("5А",)
    assert render(result).text.startswith("Готово, применены только классы из файла (5А)")
    active = {p.display_name for p in (await people_repo.snapshot(world.db, world.school_a.id)).of_kind("student")}
    assert active == {"Иванов Пётр Сергеевич", "Новенькая Дарья Олеговна", "Сидоров Олег Ильич",
                      "Петрова Анна Олеговна", "Кузнецов Илья Павлович", "Смирнова Ольга Ивановна",
                      "Попов Глеб Андреевич"}


async def test_full_apply_of_a_one_class_file_still_possible_and_long_lists_come_as_a_file(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    for n in range(25):
        await rc.enrol(world, admin, f"Ученик{chr(1072 + n)} Тест Ильич 6Б")
    reply = await world.roster.import_preview(admin, world.school_a, "5a.csv", one_class_file(), NOW)
    assert isinstance(reply, ImportAsked) and reply.expelled == 25
    assert "и ещё 5" in render(reply).text and ct.EXPELLED_FILE_NOTE in render(reply).text
    [(name, content)] = render(reply).files
    assert name == ct.EXPELLED_FILE_NAME and len(content.decode("utf-8-sig").strip().split("\n")) == 26
    action = await action_of(world, reply)
    result = await world.roster.import_apply(admin, action, NOW)
    assert isinstance(result, ImportApplied) and "отчислено 25" in render(result).text
    assert (await people_repo.counts(world.db, world.school_a.id))["student"] == 2


async def test_a_file_of_all_classes_that_expels_has_a_red_button_saying_so(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    await rc.enrol(world, admin, "Иванов Пётр Сергеевич 5А")
    await rc.enrol(world, admin, "Ушедший Иван Ильич 5А")
    reply = await world.roster.import_preview(admin, world.school_a, "all.csv", one_class_file(), NOW)
    assert isinstance(reply, ImportAsked) and reply.scoped is None and reply.expelled == 1
    assert "Будут отчислены (1): Ушедший Иван Ильич (5А)." in render(reply).text
    assert [(b["action"]["label"], b["color"]) for b in buttons(reply)] == [
        ("Применить всё, отчислить 1", "negative"), ("Отменить", "secondary")]


def test_templates_are_read_by_the_importer_and_the_committed_copies_match_the_code() -> None:
    for name, data in (("t.csv", template_csv()), ("t.xlsx", template_xlsx())):
        parsed = parse_roster(data, name)
        # the example rows are refused (sent back unchanged they enrol nobody), each by its line
        assert [p.line for p in parsed.problems] == [2, 3, 4, 5], parsed.problems
        assert all("пример" in p.message_ru for p in parsed.problems)
        filled = parse_roster(data.replace("пример: ".encode(), b""), name) if name.endswith(".csv") else None
        if filled is not None:
            assert not filled.problems and len(filled.students) == 2 and len(filled.parents) == 1
            assert len(filled.staff) == 1
    assert (ROOT / "templates" / "roster_template.csv").read_bytes() == template_csv()
    committed = parse_roster((ROOT / "templates" / "roster_template.xlsx").read_bytes(), "t.xlsx")
    assert committed == parse_roster(template_xlsx(), "t.xlsx")
