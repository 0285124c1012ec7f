"""Linking VK accounts by one-time codes, on a real database: issuing a class's codes (XLSX and
CSV), redeeming, reuse, expiry, throttling of guesses, and codes kept only as hashes."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import texts
from bot.domain import codes
from bot.domain.classes import ClassName
from bot.domain.names import normalize_name
from bot.domain.errors import UserError
from bot.repo import people as people_repo
from bot.services.linking import HOUR, MAX_WRONG_PER_HOUR, CodeExpired, Linked, Throttled, WrongCode
from bot.texts import admission as t_admission
from handlers.linking_views import redeemed
from tests.services.conftest import NOW

CLASS_5A = ClassName(5, "А")
DAY = 24 * 3600
TTL = 30 * DAY  # the world fixture's Linking(..., code_ttl_days=30)
STAFF_VK = 10


@dataclass
class Class5A:
    petr: int  # unlinked student
    maria: int  # unlinked student, Petr's sister
    gleb: int  # student already linked to VK
    elena: int  # unlinked mother of Petr and Maria (both in 5А)
    andrey: int  # unlinked father of Gleb
    sergey: int  # Petr's father, already linked


async def _student(world, name: str, cls: ClassName, vk_id: int | None = None) -> int:
    class_id = await people_repo.ensure_class(world.db, world.school_a.id, cls, NOW)
    person_id = await people_repo.create_student(world.db, org_id=world.school_a.id, full_name=name,
                                                 name_key=normalize_name(name), class_id_=class_id,
                                                 mode="regular", now=NOW)
    if vk_id is not None:
        await people_repo.link_vk(world.db, person_id, vk_id, NOW)
    return person_id


async def _parent(world, name: str, children: list[int], vk_id: int | None = None) -> int:
    person_id = await people_repo.create(world.db, org_id=world.school_a.id, kind="parent", full_name=name,
                                         name_key=normalize_name(name), vk_id=vk_id, now=NOW)
    for child in children:
        await people_repo.link_child(world.db, person_id, child)
    return person_id


@pytest.fixture
async def class_5a(world) -> Class5A:
    petr = await _student(world, "Иванов Пётр Сергеевич", CLASS_5A)
    maria = await _student(world, "Иванова Мария Сергеевна", CLASS_5A)
    gleb = await _student(world, "Петров Глеб Андреевич", CLASS_5A, vk_id=900)
    await _student(world, "Сидорова Анна Олеговна", ClassName(6, "Б"))  # another class: no code
    elena = await _parent(world, "Иванова Елена Петровна", [petr, maria])
    andrey = await _parent(world, "Петров Андрей Ильич", [gleb])
    sergey = await _parent(world, "Иванов Сергей Ильич", [petr], vk_id=901)
    return Class5A(petr, maria, gleb, elena, andrey, sergey)


async def redeem(world, vk_id: int, text: str, now: int):
    """As the handler does: the code found in what the person wrote, then the use case."""
    found = codes.find_codes(text)
    return await world.linking.redeem(vk_id, found[0] if found else None, now)


def linked_id(result) -> int | None:
    return result.person_id if isinstance(result, Linked) else None


async def _issue(world, now: int = NOW, *, delivered: bool = True) -> tuple[dict[str, str], bytes, bytes]:
    entries, xlsx, csv_bytes = await world.linking.issue_for_class(world.school_a, CLASS_5A, actor_vk=STAFF_VK,
                                                                   now=now)
    if delivered:
        await world.linking.confirm_delivered(entries)
    return {e.name: e.code for e in entries}, xlsx, csv_bytes


async def test_issue_gives_one_code_per_unlinked_student_and_parent(world, class_5a) -> None:
    entries, xlsx, csv_bytes = await world.linking.issue_for_class(world.school_a, CLASS_5A, actor_vk=STAFF_VK,
                                                                   now=NOW)
    names = sorted(e.name for e in entries)
    # the linked student and the linked father get none; the mother of two gets exactly one
    assert names == sorted(["Иванов Пётр Сергеевич", "Иванова Мария Сергеевна", "Иванова Елена Петровна",
                            "Петров Андрей Ильич"])
    assert {e.kind for e in entries if e.name == "Иванова Елена Петровна"} == {"parent"}
    assert all(codes.normalize_code(e.code) == e.code for e in entries)
    assert len({e.code for e in entries}) == len(entries)

    book = load_workbook(io.BytesIO(xlsx))
    # the first sheet is what gets printed: one cut-out slip per person, with the two steps
    slips = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert book.worksheets[0].title == "Листки"
    for entry in entries:
        at = slips.index(f"Код: {entry.code}")
        assert entry.name in slips[at - 1]
        assert "напишите этот код сообществу" in slips[at + 1].casefold()
        assert "ссылки на ваши беседы" in slips[at + 2]
    assert slips.count(t_admission.SLIP_CUT) == len(entries) - 1
    sheet = book.worksheets[1]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == texts_headers()
    assert len(rows) == 1 + len(entries)
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == set(names)
    assert {name: row[3] for name, row in by_name.items()} == {e.name: e.code for e in entries}
    assert all(row[1] == "5А" for row in rows[1:])
    assert by_name["Иванова Елена Петровна"][2].startswith("родитель")
    assert by_name["Иванов Пётр Сергеевич"][2] == "ученик"

    table = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";"))
    assert tuple(table[0]) == texts_headers()
    assert sorted(row[3] for row in table[1:]) == sorted(e.code for e in entries)
    assert await world.db.fetchval("SELECT COUNT(*) FROM join_code") == len(entries)


def texts_headers() -> tuple[str, ...]:
    from bot.texts.roster import CODES_HEADERS

    return CODES_HEADERS


async def test_issue_for_unknown_class_is_refused(world, class_5a) -> None:
    with pytest.raises(UserError) as caught:
        await world.linking.issue_for_class(world.school_a, ClassName(9, "Д"), actor_vk=STAFF_VK, now=NOW)
    assert "9Д" in caught.value.message


async def test_redeem_links_the_person_and_records_a_roster_event(world, class_5a) -> None:
    issued, _, _ = await _issue(world)
    result = await redeem(world, 555, issued["Иванова Елена Петровна"], NOW + 60)
    assert isinstance(result, Linked) and result.person_id == class_5a.elena
    assert (result.who.kind, result.who.org_name) == ("parent", "Школа А") and result.admitted == ()
    assert sorted(result.who.children) == [("Иванов Пётр Сергеевич", "5А"), ("Иванова Мария Сергеевна", "5А")]
    assert result.links.to_join == [] and result.links.already_in == []
    answer = redeemed(result)
    assert answer.startswith("Готово!")
    assert "Иванов Пётр Сергеевич" in answer and "Иванова Мария Сергеевна" in answer  # both children named
    assert answer.endswith(t_admission.LINKS_LATER)  # no chats yet: told how to get the links later
    assert (await people_repo.get(world.db, class_5a.elena)).vk_id == 555
    events = [e for e in await people_repo.events(world.db, world.school_a.id) if e["kind"] == "link"]
    # recorded already consumed: the answer carries the links, the membership job must not send
    # them a second time (issue 11: «anyone who links … gets their links twice»)
    assert [(e["person_id"], e["consumed_at"]) for e in events] == [(class_5a.elena, NOW + 60)]
    row = await world.db.fetchone("SELECT used_at, used_by_vk FROM join_code WHERE person_id = ?",
                                  (class_5a.elena,))
    assert (row["used_at"], row["used_by_vk"]) == (NOW + 60, 555)


async def test_redeem_accepts_what_people_type(world, class_5a) -> None:
    issued, _, _ = await _issue(world)
    code = issued["Иванов Пётр Сергеевич"]
    typed = code.replace("-", " ").lower()  # «abcd efgh»
    assert linked_id(await redeem(world, 556, typed, NOW)) == class_5a.petr


async def test_code_used_by_one_account_is_refused_to_another(world, class_5a) -> None:
    issued, _, _ = await _issue(world)
    code = issued["Иванов Пётр Сергеевич"]
    await redeem(world, 555, code, NOW)
    result = await redeem(world, 777, code, NOW + 1)
    assert result == WrongCode(MAX_WRONG_PER_HOUR - 1)
    assert redeemed(result) == texts.CODE_WRONG.format(left=MAX_WRONG_PER_HOUR - 1)
    assert (await people_repo.get(world.db, class_5a.petr)).vk_id == 555
    assert await people_repo.by_vk(world.db, 777) == []


async def test_reuse_by_the_same_account_is_idempotent(world, class_5a) -> None:
    issued, _, _ = await _issue(world)
    code = issued["Иванов Пётр Сергеевич"]
    first = await redeem(world, 555, code, NOW)
    events_before = await people_repo.events(world.db, world.school_a.id)
    again = await redeem(world, 555, code, NOW + 600)
    assert isinstance(first, Linked) and again == first
    assert (await people_repo.get(world.db, first.person_id)).vk_id == 555
    # nothing new for chat membership to act on, and no wrong attempt counted
    assert await people_repo.events(world.db, world.school_a.id) == events_before
    assert await world.db.fetchval("SELECT COUNT(*) FROM code_attempt") == 0


async def test_code_expires(world, class_5a) -> None:
    issued, _, _ = await _issue(world)
    code = issued["Иванов Пётр Сергеевич"]
    result = await redeem(world, 555, code, NOW + TTL)
    assert result == CodeExpired() and redeemed(result) == texts.CODE_EXPIRED
    assert (await people_repo.get(world.db, class_5a.petr)).vk_id is None
    # the last second still works
    assert linked_id(await redeem(world, 555, code, NOW + TTL - 1)) == class_5a.petr


async def test_printing_again_does_not_kill_codes_handed_out(world, class_5a) -> None:
    """Issue 11: «/коды 5А again silently kills codes already handed out on paper»."""
    old, _, _ = await _issue(world)
    # a pupil enrolled since then: only she gets a code; the others' papers keep working
    newcomer = await _student(world, "Смирнова Ольга Игоревна", CLASS_5A)
    printout = await world.linking.issue(world.school_a, CLASS_5A, actor_vk=STAFF_VK, now=NOW + DAY, community="x")
    await world.linking.confirm_delivered(printout.entries)
    assert [e.person_id for e in printout.entries] == [newcomer]
    assert sorted(printout.kept) == sorted(old)
    assert linked_id(await redeem(world, 555, old["Иванов Пётр Сергеевич"], NOW + DAY)) == class_5a.petr
    # once everyone holds a working code, a reprint prints nobody and names who holds one
    again = await world.linking.issue(world.school_a, CLASS_5A, actor_vk=STAFF_VK, now=NOW + DAY, community="x")
    assert again.entries == [] and "Иванов Пётр Сергеевич" not in again.kept  # linked meanwhile
    assert "Смирнова Ольга Игоревна" in again.kept


async def test_reissue_replaces_unused_codes_and_names_their_holders(world, class_5a) -> None:
    old, _, _ = await _issue(world)
    assert sorted(await world.linking.holders(world.school_a, CLASS_5A, NOW + DAY)) == sorted(old)
    printout = await world.linking.issue(world.school_a, CLASS_5A, actor_vk=STAFF_VK, now=NOW + DAY, community="x",
                                         reissue=True)
    await world.linking.confirm_delivered(printout.entries)
    new = {e.name: e.code for e in printout.entries}
    assert sorted(new) == sorted(old)
    result = await redeem(world, 555, old["Иванов Пётр Сергеевич"], NOW + DAY)
    assert isinstance(result, WrongCode) and redeemed(result).startswith("Такого кода нет")
    assert linked_id(await redeem(world, 555, new["Иванов Пётр Сергеевич"], NOW + DAY)) == class_5a.petr


async def test_expired_codes_are_printed_again_without_asking(world, class_5a) -> None:
    old, _, _ = await _issue(world)
    assert await world.linking.holders(world.school_a, CLASS_5A, NOW + TTL) == []  # nobody to ask about
    printout = await world.linking.issue(world.school_a, CLASS_5A, actor_vk=STAFF_VK, now=NOW + TTL, community="x")
    assert sorted(e.name for e in printout.entries) == sorted(old) and printout.kept == []


async def test_staff_get_codes_too(world, class_5a) -> None:
    """Issue 11: chat creation waits for a class teacher to link, but staff had no codes."""
    from bot.repo import roles as role_repo

    teacher = await people_repo.create(world.db, org_id=world.school_a.id, kind="staff",
                                       full_name="Классная Мария Ивановна", name_key="классная мария ивановна",
                                       vk_id=None, now=NOW)
    class_id = await people_repo.class_id(world.db, world.school_a.id, CLASS_5A)
    await role_repo.grant(world.db, person_id=teacher, org_id=world.school_a.id, role="class_teacher",
                          class_id=class_id, granted_by=None, now=NOW)
    await world.staff(world.school_a, "school_admin", 4242, "Завуч Анна Петровна")  # linked: no code
    printout = await world.linking.issue(world.school_a, None, actor_vk=STAFF_VK, now=NOW, community="vk.me/zavuch")
    await world.linking.confirm_delivered(printout.entries)
    assert [(e.name, e.kind, e.class_name) for e in printout.entries] == [("Классная Мария Ивановна", "staff", None)]
    slips = [row[0] for row in load_workbook(io.BytesIO(printout.xlsx)).worksheets[0].iter_rows(values_only=True)]
    assert "vk.me/zavuch" in slips[3]
    result = await redeem(world, 700, printout.entries[0].code, NOW + 1)
    assert linked_id(result) == teacher and result.who.kind == "staff" and "сотрудник" in redeemed(result)
    # a class sheet and the staff sheet are separate: printing 5А does not touch her (now used) code
    assert (await world.linking.issue(world.school_a, None, actor_vk=STAFF_VK, now=NOW + 2, community="x")).entries == []


async def test_undelivered_printout_is_discarded_and_the_old_one_keeps_working(world, class_5a) -> None:
    old, _, _ = await _issue(world)
    entries = (await world.linking.issue(world.school_a, CLASS_5A, actor_vk=STAFF_VK, now=NOW + DAY, community="x",
                                         reissue=True)).entries
    await world.linking.discard(entries)  # the upload to VK failed
    lost = {e.name: e.code for e in entries}["Иванов Пётр Сергеевич"]
    assert isinstance(await redeem(world, 556, lost, NOW + DAY), WrongCode)
    assert linked_id(await redeem(world, 555, old["Иванов Пётр Сергеевич"], NOW + DAY)) == class_5a.petr


async def test_five_wrong_codes_in_an_hour_lock_the_account_for_an_hour(world, class_5a) -> None:
    issued, _, _ = await _issue(world)
    right = issued["Иванов Пётр Сергеевич"]
    wrong = [c for c in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD", "EEEE-EEEE")
             if c not in issued.values()]
    assert len(wrong) == MAX_WRONG_PER_HOUR
    answers = [await redeem(world, 555, code, NOW + i) for i, code in enumerate(wrong)]
    assert answers == [WrongCode(4), WrongCode(3), WrongCode(2), WrongCode(1), Throttled()]
    assert redeemed(answers[-1]) == texts.CODE_THROTTLED
    last_wrong = NOW + len(wrong) - 1

    # even the right code is refused while locked
    assert await redeem(world, 555, right, last_wrong + 60) == Throttled()
    assert await redeem(world, 555, right, NOW + HOUR - 1) == Throttled()
    assert (await people_repo.get(world.db, class_5a.petr)).vk_id is None
    # the lock is per VK account: someone else is not affected
    assert linked_id(await redeem(world, 556, issued["Иванова Мария Сергеевна"], last_wrong + 60)) == class_5a.maria

    # an hour after the last wrong code the right one works
    assert linked_id(await redeem(world, 555, right, last_wrong + HOUR + 1)) == class_5a.petr


@pytest.mark.parametrize("typed", ["", "123", "ABCD-EFG", "ABCD-EFG0", "ABCD-EFGH-J", "код пожалуйста"])
async def test_malformed_code_answers_with_the_format(world, class_5a, typed) -> None:
    with pytest.raises(UserError) as caught:
        await redeem(world, 555, typed, NOW)
    assert caught.value.message == texts.CODE_BAD_FORMAT
    assert "XXXX-XXXX" in caught.value.message
    assert await world.db.fetchval("SELECT COUNT(*) FROM code_attempt") == 0  # a typo is not a guess


async def test_codes_are_stored_only_as_hashes(world, class_5a, tmp_path: Path) -> None:
    issued, _, _ = await _issue(world)
    rows = [dict(r) for r in await world.db.fetchall("SELECT * FROM join_code")]
    assert len(rows) == len(issued)
    hashes = {r["code_hash"] for r in rows}
    assert hashes == {codes.hash_code(c, b"pepper") for c in issued.values()}
    for code in issued.values():
        for variant in (code, code.replace("-", "")):
            assert not any(variant in str(value) for row in rows for value in row.values())
    # nor anywhere else in the database files (main file and write-ahead log)
    files = [Path(world.db.path), Path(world.db.path + "-wal")]
    blob = b"".join(p.read_bytes() for p in files if p.exists())
    for code in issued.values():
        assert code.encode() not in blob and code.replace("-", "").encode() not in blob


async def test_sheet_for_another_class_keeps_a_siblings_code(world, class_5a) -> None:
    # the mother of Пётр (5А) also has a child in 6Б; the 6Б sheet must not kill her 5А code
    sibling = await _student(world, "Иванов Олег Сергеевич", ClassName(6, "Б"))
    await people_repo.link_child(world.db, class_5a.elena, sibling)
    first, _, _ = await _issue(world)
    entries, _, _ = await world.linking.issue_for_class(world.school_a, ClassName(6, "Б"), actor_vk=STAFF_VK,
                                                        now=NOW + DAY)
    await world.linking.confirm_delivered(entries)
    assert linked_id(await redeem(world, 557, first["Иванова Елена Петровна"], NOW + DAY)) == class_5a.elena
