"""Only messages that stayed count, also when a moderator deletes one later with the alert's
«Удалить» button (the chat's policy only alerted): its count is taken back from the day it was
written, and given back once if VK refuses the deletion — never counted twice."""

from __future__ import annotations

from bot.pipeline.unit import unit
from bot.repo import alerts as alert_repo
from bot.repo import chats as chat_repo
from bot.services import report_views as views
from bot.services.moderation import Incoming
from tests.services.test_moderation import World, world  # noqa: F401  (fixture)

MONTH = "2026-09"


async def _say_counted(world: World, who: str, text: str) -> int:  # noqa: F811
    """A message as the pipeline takes it: counted and judged in one event's transaction."""
    vk_id = world.school.vk[who]
    cmid = world.emu.user_message(world.chat.peer_id, vk_id, text)
    with unit(f"test:{cmid}"):
        async with world.app.db.transaction():
            await world.app.activity.count(world.chat, vk_id, "message", world.app.now())
            await world.mod.on_message(Incoming(world.chat.peer_id, vk_id, cmid, text, ()))
    await world.settle()
    return cmid


async def _messages(world: World) -> tuple[int, int]:  # noqa: F811
    db = world.app.db
    raw = await db.fetchval("SELECT COALESCE(SUM(messages), 0) FROM activity WHERE chat_id = ?", (world.chat.id,))
    o = await views.school_overview(db, world.school.org.id, MONTH, now=world.app.now())
    return int(raw), o.messages_in_chats


async def _press_delete(world: World) -> None:  # noqa: F811
    alert_id = await world.app.db.fetchval("SELECT id FROM alert ORDER BY id DESC LIMIT 1")
    alert = await alert_repo.get(world.app.db, alert_id)
    assert alert is not None
    with unit(f"press:{alert_id}"):
        async with world.app.db.transaction():
            await world.manual.press(alert, world.school.vk["moderator"], "del")
    await world.settle()


async def test_a_message_a_moderator_deletes_later_no_longer_counts(world: World) -> None:  # noqa: F811
    await chat_repo.set_overrides(world.app.db, world.chat.id, {"мат": "тихо"})
    cmid = await _say_counted(world, "kid", "блять опять")
    await _say_counted(world, "kid2", "а можно вопрос?")
    assert not world.deleted(cmid) and await _messages(world) == (2, 2)  # alerted only: it stays, counted
    world.clock.advance(3600)  # type: ignore[attr-defined]
    await _press_delete(world)
    assert world.deleted(cmid)
    assert await _messages(world) == (1, 1)  # only kid2's message stayed


async def _failed_auto_delete(world: World) -> int:  # noqa: F811
    """An insult the bot decided to delete, VK refused (no rights): it stayed, counted; the
    moderators got an alert with «Удалить». Then the bot is an admin again."""
    world.emu.fail_next("messages.delete", 925)
    cmid = await _say_counted(world, "kid", "ну ты и дебил")
    assert not world.deleted(cmid) and await _messages(world) == (1, 1)
    await chat_repo.set_admin(world.app.db, world.chat.id, True, now=world.app.now())
    world.chat = await chat_repo.get(world.app.db, world.chat.id)  # type: ignore[assignment]
    return cmid


async def test_a_moderator_deletes_what_vk_refused_before(world: World) -> None:  # noqa: F811
    cmid = await _failed_auto_delete(world)
    await _press_delete(world)
    assert world.deleted(cmid) and await _messages(world) == (0, 0)


async def test_a_later_deletion_vk_refused_again_counts_once(world: World) -> None:  # noqa: F811
    cmid = await _failed_auto_delete(world)
    world.emu.fail_next("messages.delete", 925)
    await _press_delete(world)
    assert not world.deleted(cmid)
    assert await _messages(world) == (1, 1)  # taken back, given back: once, not twice


async def test_the_complaint_message_removed_for_anonymity_does_not_count(world: World) -> None:  # noqa: F811
    kid, kid2, peer = world.school.vk["kid"], world.school.vk["kid2"], world.chat.peer_id
    target = await _say_counted(world, "kid", "вы все неудачники")
    command = world.emu.user_message(peer, kid2, "/жалоба")
    with unit(f"test:{command}"):
        async with world.app.db.transaction():
            await world.app.activity.count(world.chat, kid2, "message", world.app.now())
            await world.manual.complain(kid2, peer, command, kid, target, "вы все неудачники")
    await world.settle()
    assert world.deleted(command)
    db = world.app.db
    assert await db.fetchval("SELECT COALESCE(SUM(messages), 0) FROM activity WHERE vk_id = ?", (kid2,)) == 0
    assert await _messages(world) == (1, 1)  # the target's message stays until a moderator decides


async def test_a_complained_message_of_the_day_before_is_taken_from_its_day(world: World) -> None:  # noqa: F811
    """The complaint comes after midnight about a message of the evening before: the moderator's
    «Удалить» takes the count from that evening, never leaves a negative count on the new day."""
    kid, kid2, peer, db = world.school.vk["kid"], world.school.vk["kid2"], world.chat.peer_id, world.app.db
    world.clock.advance(11 * 3600 + 50 * 60)  # type: ignore[attr-defined]  # 23:50 Sep 21, Moscow
    target = await _say_counted(world, "kid", "вы все неудачники")
    world.clock.advance(20 * 60)  # type: ignore[attr-defined]  # 00:10 Sep 22
    command = world.emu.user_message(peer, kid2, "/жалоба")
    with unit(f"test:{command}"):
        async with db.transaction():  # counted first (handlers/chat_events runs before the commands)
            await world.app.activity.count(world.chat, kid2, "message", world.app.now())
            await world.manual.complain(kid2, peer, command, kid, target, "вы все неудачники")
    await world.settle()
    await _press_delete(world)
    assert world.deleted(target)
    rows = [tuple(r) for r in await db.fetchall("SELECT day, messages FROM activity WHERE vk_id = ?", (kid,))]
    assert all(n >= 0 for _, n in rows) and sum(n for _, n in rows) == 0, rows
    assert await _messages(world) == (0, 0)
