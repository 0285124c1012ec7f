"""The monthly roster reminder, called directly with an injected 'now' (no scheduler): due on
the first working day at the configured hour in each school's own time zone, once per month
per school, to the school's admins, listing what is out of date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import texts
from bot.domain.classes import ClassName
from bot.repo import chats as chat_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.services.upkeep import Discrepancies, discrepancies, monthly_upkeep
from tests.services.conftest import NOW

# world.school_a is in Europe/Moscow (UTC+3), world.school_b in Asia/Vladivostok (UTC+10).
# 1 October 2026 is a Thursday: the first working day. 1 November 2026 is a Sunday, so
# November's first working day is Monday the 2nd.


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


class RecordingNotifier:
    """The part of Notifier the job uses; records who got what."""

    def __init__(self, fail_for: set[int] = frozenset()) -> None:
        self.sent: list[tuple[tuple[int, ...], str]] = []
        self.fail_for = fail_for

    async def to_people(self, vk_ids: list[int], text: str, **kwargs) -> list[int]:
        if set(vk_ids) & self.fail_for:
            raise RuntimeError("VK is down")
        self.sent.append((tuple(vk_ids), text))
        return []

    def to(self, vk_id: int) -> list[str]:
        return [text for ids, text in self.sent if vk_id in ids]


ADMIN_A, RESPONSIBLE_A, TEACHER_A, CLASS_TEACHER_A, ADMIN_B = 10, 11, 12, 13, 20


@pytest.fixture
async def schools(world):
    db, a = world.db, world.school_a
    await world.staff(a, "school_admin", ADMIN_A, "Кузнецов Иван Павлович")
    await world.staff(a, "chat_responsible", RESPONSIBLE_A, "Орлова Нина Петровна")
    await world.staff(a, "teacher", TEACHER_A, "Смирнова Ольга Викторовна")
    await world.staff(world.school_b, "school_admin", ADMIN_B, "Ким Анна Олеговна")
    # 5А has a class teacher; 6Б and 7В do not
    c5a = await people_repo.ensure_class(db, a.id, ClassName(5, "А"), NOW)
    c6b = await people_repo.ensure_class(db, a.id, ClassName(6, "Б"), NOW)
    await people_repo.ensure_class(db, a.id, ClassName(7, "В"), NOW)
    teacher = await people_repo.create(db, org_id=a.id, kind="staff", full_name="Белова Вера Ильинична",
                                       name_key="белова вера ильинична", vk_id=CLASS_TEACHER_A, now=NOW)
    await role_repo.grant(db, person_id=teacher, org_id=a.id, role="class_teacher", class_id=c5a,
                          granted_by=None, now=NOW)
    # a class teacher whose grant was revoked does not count
    former = await people_repo.create(db, org_id=a.id, kind="staff", full_name="Лебедев Олег Ильич",
                                      name_key="лебедев олег ильич", now=NOW)
    await role_repo.grant(db, person_id=former, org_id=a.id, role="class_teacher", class_id=c6b,
                          granted_by=None, now=NOW)
    await role_repo.revoke(db, person_id=former, org_id=a.id, role="class_teacher", revoked_by=None,
                           basis=None, now=NOW)
    # students: three unlinked, one linked, one expelled (unlinked, not counted)
    students = []
    for name, cls in (("Иванов Пётр", c5a), ("Петров Глеб", c5a), ("Сидорова Анна", c6b),
                      ("Козлов Илья", c6b), ("Ушедший Ученик", c6b)):
        students.append(await people_repo.create_student(db, org_id=a.id, full_name=name,
                                                         name_key=name.casefold(), class_id_=cls,
                                                         mode="regular", now=NOW))
    await people_repo.link_vk(db, students[3], 500, NOW)
    await people_repo.set_status(db, students[4], "expelled", NOW)
    for name in ("Иванова Елена", "Петров Андрей"):
        parent = await people_repo.create(db, org_id=a.id, kind="parent", full_name=name,
                                          name_key=name.casefold(), now=NOW)
        await people_repo.link_child(db, parent, students[0])
    # the expelled student is still a member of the class chat
    chat, _ = await chat_repo.ensure(db, 2_000_000_001, added_by=ADMIN_A, now=NOW)
    await chat_repo.bind(db, chat.id, org_id=a.id, type_="students_class", class_id=c6b, subject=None,
                         title="6Б ученики", leader_id=None)
    await db.execute(
        "INSERT INTO chat_member (chat_id, vk_id, person_id, state, joined_at) VALUES (?, ?, ?, 'member', ?)",
        (chat.id, 501, students[4], NOW))
    return world


async def test_each_school_is_due_at_ten_in_its_own_time_zone(schools) -> None:
    db, notifier = schools.db, RecordingNotifier()
    # 09:00 in Vladivostok on 1 October (still 30 September in UTC): not yet
    assert await monthly_upkeep(db, notifier, utc(2026, 9, 30, 23), hour=10) == 0
    # 10:00 in Vladivostok, 03:00 in Moscow: only school B
    assert await monthly_upkeep(db, notifier, utc(2026, 10, 1, 0), hour=10) == 1
    assert notifier.to(ADMIN_B) and not notifier.to(ADMIN_A)
    # 09:59 in Moscow: not yet
    assert await monthly_upkeep(db, notifier, utc(2026, 10, 1, 6, 59), hour=10) == 0
    # 10:00 in Moscow (17:00 in Vladivostok): only school A
    assert await monthly_upkeep(db, notifier, utc(2026, 10, 1, 7), hour=10) == 1
    assert len(notifier.to(ADMIN_A)) == 1 and len(notifier.to(ADMIN_B)) == 1
    assert notifier.to(ADMIN_A)[0].startswith(texts.UPKEEP_HEADER.format(org=schools.school_a.name))


async def test_sent_once_per_month_per_school(schools) -> None:
    db, notifier = schools.db, RecordingNotifier()
    ten_moscow = utc(2026, 10, 1, 7)
    assert await monthly_upkeep(db, notifier, ten_moscow) == 1
    # the hourly job runs again within the hour, and again after a restart: nothing more
    assert await monthly_upkeep(db, notifier, ten_moscow + 60) == 0
    assert await monthly_upkeep(db, notifier, ten_moscow + 59 * 60) == 0
    assert len(notifier.to(ADMIN_A)) == 1
    # other days of the month are not due
    assert await monthly_upkeep(db, notifier, utc(2026, 10, 2, 7)) == 0
    assert await monthly_upkeep(db, notifier, utc(2026, 9, 30, 7)) == 0
    # November: the 1st is a Sunday, the reminder comes on Monday the 2nd
    assert await monthly_upkeep(db, notifier, utc(2026, 11, 1, 7)) == 0
    assert await monthly_upkeep(db, notifier, utc(2026, 11, 2, 7)) == 1
    assert await monthly_upkeep(db, notifier, utc(2026, 11, 2, 7, 30)) == 0
    assert len(notifier.to(ADMIN_A)) == 2


async def test_new_year_holidays_move_january_to_the_eleventh(schools) -> None:
    db, notifier = schools.db, RecordingNotifier()
    for day in (1, 8, 9):  # holidays, then a Saturday
        assert await monthly_upkeep(db, notifier, utc(2027, 1, day, 7)) == 0
    assert await monthly_upkeep(db, notifier, utc(2027, 1, 11, 7)) == 1


async def test_configured_hour_is_used(schools) -> None:
    db, notifier = schools.db, RecordingNotifier()
    assert await monthly_upkeep(db, notifier, utc(2026, 10, 1, 7), hour=9) == 0  # 10:00 Moscow
    assert await monthly_upkeep(db, notifier, utc(2026, 10, 1, 6), hour=9) == 1  # 09:00 Moscow


async def test_reminder_goes_to_admins_and_lists_discrepancies(schools) -> None:
    db, notifier = schools.db, RecordingNotifier()
    await monthly_upkeep(db, notifier, utc(2026, 10, 1, 7))
    [(recipients, text)] = notifier.sent
    assert set(recipients) == {ADMIN_A, RESPONSIBLE_A}  # not the teachers
    lines = text.split("\n")
    # unlinked: 3 active students (the linked and the expelled one are not counted), 2 parents,
    # 1 staff member (the former class teacher, never linked)
    assert texts.UPKEEP_UNLINKED.format(students=3, parents=2, staff=1) in lines
    assert texts.UPKEEP_NO_TEACHER.format(classes="6Б, 7В") in lines
    assert texts.UPKEEP_STALE_MEMBERS.format(count=1) in lines
    assert texts.UPKEEP_ALL_GOOD not in lines
    assert await discrepancies(db, schools.school_a.id) == Discrepancies(3, 2, 1, ("6Б", "7В"), 1, ())


async def test_school_with_nothing_to_fix_is_thanked(schools) -> None:
    db, notifier = schools.db, RecordingNotifier()
    await monthly_upkeep(db, notifier, utc(2026, 10, 1, 0))
    [(recipients, text)] = notifier.sent
    assert recipients == (ADMIN_B,)
    assert text.split("\n")[1:] == [texts.UPKEEP_ALL_GOOD]
    assert not await discrepancies(db, schools.school_b.id)


async def test_a_failure_for_one_school_neither_stops_others_nor_marks_it_done(schools, world) -> None:
    db = schools.db
    # move school B to Moscow time so that both are due at once
    await db.execute("UPDATE org SET timezone = 'Europe/Moscow' WHERE id = ?", (world.school_b.id,))
    failing = RecordingNotifier(fail_for={ADMIN_A})
    assert await monthly_upkeep(db, failing, utc(2026, 10, 1, 7)) == 1  # no exception escapes
    assert failing.to(ADMIN_B) and not failing.to(ADMIN_A)
    retry = RecordingNotifier()
    assert await monthly_upkeep(db, retry, utc(2026, 10, 1, 7, 30)) == 1  # A is tried again, B is not
    assert retry.to(ADMIN_A) and not retry.to(ADMIN_B)
