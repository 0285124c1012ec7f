"""A month is the school's own: moderation measures, violations and messages just before or after
midnight fall into the month of the school's time zone (Moscow for A, Vladivostok for B), in the
summary figures, the cabinet's moderation log and the trend alike."""

from __future__ import annotations

from bot.services import report_views as views
from bot.services.activity import ActivityCounter
from bot.web import views as web_views
from tests.services.test_reports import MONTH, OCT_5, Scenario, utc


async def test_moderation_and_messages_fall_into_the_schools_own_month(world) -> None:
    s = Scenario(world)
    await s.build()
    db, a, b = world.db, world.school_a, world.school_b
    entries = [
        (a.id, "warn", utc(2026, 8, 31, 21, 30)),  # 00:30 Sep 1 in Moscow: September
        (a.id, "mute", utc(2026, 9, 30, 21, 30)),  # 00:30 Oct 1 in Moscow: October
        (b.id, "remove", utc(2026, 8, 31, 15)),  # 01:00 Sep 1 in Vladivostok: September
        (b.id, "quarantine", utc(2026, 9, 30, 14, 30)),  # 00:30 Oct 1 in Vladivostok: October
        (b.id, "admit", utc(2026, 9, 30, 13, 30)),  # 23:30 Sep 30 in Vladivostok: September
    ]
    for org_id, action, at in entries:
        await db.execute("INSERT INTO audit_log (org_id, action, created_at) VALUES (?, ?, ?)", (org_id, action, int(at)))
    for org_id, policy, at in [(a.id, "obscene", utc(2026, 9, 30, 21, 30)), (b.id, "links", utc(2026, 8, 31, 15))]:
        chat = s.c["c1"] if org_id == a.id else s.c["d1"]
        await db.execute(
            "INSERT INTO violation (org_id, chat_id, vk_id, policy, action, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (org_id, chat.id, 521, policy, "delete", int(at)))
    counter = ActivityCounter(db)
    counter.record(s.c["d1"], 611, "message", utc(2026, 9, 30, 13, 59))  # 23:59 Sep 30 local: September
    counter.record(s.c["d1"], 611, "message", utc(2026, 9, 30, 14, 1))  # 00:01 Oct 1 local: October
    await counter.flush()

    va = await views.school_overview(db, a.id, MONTH, now=OCT_5)
    vb = await views.school_overview(db, b.id, MONTH, now=OCT_5)
    assert va.moderation.by_measure == {"warn": 1} and va.moderation.by_policy == {}
    assert vb.moderation.by_measure == {"remove": 1, "admit": 1} and vb.moderation.by_policy == {"links": 1}
    assert (vb.messages_in_chats, vb.credited_messages) == (1, 1)
    october = await views.school_overview(db, b.id, "2026-10", now=OCT_5)
    assert october.moderation.by_measure == {"quarantine": 1} and october.messages_in_chats == 1
    # the cabinet's moderation log of September lists the same entries
    log = await web_views._moderation_log(db, b, MONTH)
    assert [row[1] for row in log.rows] == ["допуск в беседу", "исключение из беседы"]
    assert [row[0] for row in log.rows] == ["30.09.2026 23:30", "01.09.2026 01:00"]
