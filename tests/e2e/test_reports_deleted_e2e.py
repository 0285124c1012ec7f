"""Only messages that stayed count: through vkemu with the real bot, a message the moderation
deletes (an insult, and a message written while muted) is taken back from the raw counters and
from every aggregate in the deciding transaction; the moderation appears by policy and measure."""

from __future__ import annotations

from bot.services import report_views as views
from tests.e2e.test_moderation_e2e import RUDE, _deleted, _say, _world, clock, harness  # noqa: F401

MONTH = "2026-09"


async def test_deleted_messages_do_not_count(emu, harness, clock) -> None:  # noqa: F811
    emu.wall_clock = clock.now  # message dates in the injected September
    emu.restrictions_supported = False  # the soft mute: the bot deletes a muted person's messages
    school, chat = await _world(emu, harness)
    kid, kid2, peer, db = school.vk["kid"], school.vk["kid2"], chat.peer_id, harness.db
    for _ in range(3):  # warning, mute 1 h, mute 1 day: three deleted insults
        assert _deleted(emu, peer, await _say(emu, harness, peer, kid, RUDE))
        clock.advance(2 * 3600)
    assert _deleted(emu, peer, await _say(emu, harness, peer, kid, "а можно вопрос по домашке?"))  # muted
    assert not _deleted(emu, peer, await _say(emu, harness, peer, kid2, "а можно вопрос по домашке?"))

    # raw rows: the kid's four messages counted and taken back; kid2's one stays
    rows = dict(await db.fetchall("SELECT vk_id, SUM(messages) FROM activity WHERE chat_id = ? GROUP BY vk_id",
                                  (chat.id,)))
    assert rows.get(kid, 0) == 0 and rows[kid2] == 1
    o = await views.school_overview(db, school.org.id, MONTH, now=clock.now())
    assert o.messages_in_chats == 1 and o.own_messages == 1 and o.credited_messages == 1
    assert [c.messages for c in o.chats if c.chat_id == chat.id] == [1]
    assert sum(by_type.get("students_class", 0) for by_type in o.daily.values()) == 1
    # kid wrote only deleted messages: in the chat, not active (silent); kid2 active
    students = o.people["student"]
    assert (students.roster, students.linked, students.in_chats, students.active, students.silent) == (2, 2, 2, 1, 1)
    # hand count: 3 insults -> 3 violations; measures: 4 deletions (3 + the muted one), 1 warning, 2 mutes
    assert o.moderation.by_policy == {"obscene": 3}, o.moderation.by_policy  # «дебил» is in the obscene list
    assert o.moderation.by_measure["delete"] == 4
    assert o.moderation.by_measure["warn"] == 1 and o.moderation.by_measure["mute"] == 2
    assert ("предупреждение", 1) in o.moderation.measures_ru()


async def test_a_deletion_vk_refused_leaves_the_message_counted(emu, harness, clock) -> None:  # noqa: F811
    emu.wall_clock = clock.now
    school, chat = await _world(emu, harness)
    kid, peer, db = school.vk["kid"], chat.peer_id, harness.db
    emu.fail_next("messages.delete", 925)  # VK: not an admin any more; the insult stays in the chat
    cmid = await _say(emu, harness, peer, kid, RUDE)
    assert not _deleted(emu, peer, cmid)
    assert await db.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'delete_failed'") == 1
    assert await db.fetchval("SELECT SUM(messages) FROM activity WHERE chat_id = ? AND vk_id = ?",
                             (chat.id, kid)) == 1
    o = await views.school_overview(db, school.org.id, MONTH, now=clock.now())
    assert o.messages_in_chats == 1 and o.people["student"].active == 1
    assert o.moderation.by_measure.get("delete_failed") == 1
