from datetime import datetime, time, timezone

import pytest

from policies.base import Action, AuthorHistory
from policies.context import Context
from policies.quiet_hours import check, is_quiet, period_start
from policies.settings import QuietHoursSettings

from tests.policies.builders import CHAT_STAFF, MSK, STAFF_MEMBER, VLADIVOSTOK, message

NIGHT = QuietHoursSettings(start=time(22), end=time(7), action="delete")
PARENTS = QuietHoursSettings(start=time(19), end=time(8), weekends=True, action="notice")
LUNCH = QuietHoursSettings(start=time(13), end=time(14))
VLAD_NIGHT = QuietHoursSettings(start=time(22), end=time(7), timezone="Asia/Vladivostok")

# Oct 2024: 16 Wed, 18 Fri, 19 Sat, 20 Sun, 21 Mon
CASES = [
    (NIGHT, datetime(2024, 10, 16, 21, 59, tzinfo=MSK), None),
    (NIGHT, datetime(2024, 10, 16, 22, 0, tzinfo=MSK), datetime(2024, 10, 16, 22, 0, tzinfo=MSK)),
    (NIGHT, datetime(2024, 10, 17, 3, 0, tzinfo=MSK), datetime(2024, 10, 16, 22, 0, tzinfo=MSK)),
    (NIGHT, datetime(2024, 10, 17, 6, 59, tzinfo=MSK), datetime(2024, 10, 16, 22, 0, tzinfo=MSK)),
    (NIGHT, datetime(2024, 10, 17, 7, 0, tzinfo=MSK), None),
    (NIGHT, datetime(2024, 10, 19, 12, 0, tzinfo=MSK), None),  # weekends not quiet by day
    (LUNCH, datetime(2024, 10, 16, 13, 30, tzinfo=MSK), datetime(2024, 10, 16, 13, 0, tzinfo=MSK)),
    (LUNCH, datetime(2024, 10, 16, 14, 0, tzinfo=MSK), None),
    # parents: weekdays 08-19 are open; Friday evening to Monday morning is one period
    (PARENTS, datetime(2024, 10, 16, 12, 0, tzinfo=MSK), None),
    (PARENTS, datetime(2024, 10, 16, 19, 30, tzinfo=MSK),
     datetime(2024, 10, 16, 19, 0, tzinfo=MSK)),
    (PARENTS, datetime(2024, 10, 17, 7, 59, tzinfo=MSK), datetime(2024, 10, 16, 19, 0, tzinfo=MSK)),
    (PARENTS, datetime(2024, 10, 19, 12, 0, tzinfo=MSK), datetime(2024, 10, 18, 19, 0, tzinfo=MSK)),
    (PARENTS, datetime(2024, 10, 20, 23, 0, tzinfo=MSK), datetime(2024, 10, 18, 19, 0, tzinfo=MSK)),
    (PARENTS, datetime(2024, 10, 21, 7, 0, tzinfo=MSK), datetime(2024, 10, 18, 19, 0, tzinfo=MSK)),
    (PARENTS, datetime(2024, 10, 21, 8, 0, tzinfo=MSK), None),
    # the clock is converted: 12:00 UTC is 22:00 in Vladivostok (UTC+10), 15:00 in Moscow
    (VLAD_NIGHT, datetime(2024, 10, 16, 12, 0, tzinfo=timezone.utc),
     datetime(2024, 10, 16, 22, 0, tzinfo=VLADIVOSTOK)),
    (NIGHT, datetime(2024, 10, 16, 12, 0, tzinfo=timezone.utc), None),
    (VLAD_NIGHT, datetime(2024, 10, 16, 22, 30, tzinfo=MSK),  # 05:30 next day there
     datetime(2024, 10, 16, 22, 0, tzinfo=VLADIVOSTOK)),
    (VLAD_NIGHT, datetime(2024, 10, 17, 0, 30, tzinfo=MSK), None),  # 07:30 there
]


@pytest.mark.parametrize("settings, now, start", CASES)
def test_period_start_and_is_quiet(settings, now, start):
    assert period_start(now, settings) == start
    assert is_quiet(now, settings) is (start is not None)


def run(settings, now, *, author=None, notice_given=False):
    kwargs = {"author": author} if author else {}
    ctx = Context(message("ау, кто тут?", now=now, **kwargs), AuthorHistory(),
                  quiet_notice_given=notice_given)
    return [d.action for d in check(ctx, settings)]


NIGHT_MSK = datetime(2024, 10, 16, 23, 0, tzinfo=MSK)


def test_delete_mode_deletes_and_gives_one_notice():
    assert run(NIGHT, NIGHT_MSK) == [Action.DELETE, Action.NOTICE]
    assert run(NIGHT, NIGHT_MSK, notice_given=True) == [Action.DELETE]


def test_notice_mode_only_notices_once():
    sunday = datetime(2024, 10, 20, 11, 0, tzinfo=MSK)
    assert run(PARENTS, sunday) == [Action.NOTICE]
    assert run(PARENTS, sunday, notice_given=True) == []


@pytest.mark.parametrize("author", [CHAT_STAFF, STAFF_MEMBER])
def test_staff_announcements_are_exempt(author):
    assert run(NIGHT, NIGHT_MSK, author=author) == []


def test_notice_texts_are_russian_and_name_the_hours():
    ctx = Context(message("?", now=NIGHT_MSK), AuthorHistory())
    [_, notice] = check(ctx, NIGHT)
    assert "22:00" in notice.reason and "07:00" in notice.reason
    sunday = datetime(2024, 10, 20, 11, 0, tzinfo=MSK)
    [notice] = check(Context(message("?", now=sunday), AuthorHistory()), PARENTS)
    assert "будние дни с 08:00 до 19:00" in notice.reason
