"""Late review of b7d6563 (a moderator's «Удалить» that VK refuses again re-opens the alert).

The moderator is told «Оповещение снова открыто: выберите другое решение» — so every copy of
the alert must show it open again, with the decision buttons, not «сообщение удалено» and no
buttons (what ``_decided`` drew for the press)."""

from __future__ import annotations

from typing import Any

from bot.repo import alerts as alert_repo
from bot.texts import moderation as moderation_t
from tests.pipeline.test_refusals import decide_too_late, failed_alert, press
from tests.services.test_moderation import world as moderation_world  # noqa: F401


async def test_a_reopened_alert_offers_its_decisions_again(moderation_world: Any) -> None:
    world = moderation_world
    moderator = world.school.vk["moderator"]
    cmid, _ = await decide_too_late(world)  # past VK's 24-hour window
    alert = await failed_alert(world)
    await press(world, alert, moderator, "del")
    assert not world.deleted(cmid)
    fresh = await alert_repo.get(world.app.db, alert.id)
    assert fresh is not None and fresh.status == "open"
    copies = [m for m in world.emu.sent(moderator) if moderation_t.DONE["refused"] in m.text]
    assert copies, "the moderator's copy of the «failed» alert"
    shown = copies[-1]
    labels = [b["action"]["label"] for row in (shown.keyboard or {}).get("buttons", []) for b in row]
    # open again: the decisions are offered again (at least «Удалить» once more)
    assert moderation_t.BUTTON_DELETE in labels, (shown.text, labels)
    # another decision now: the copy shows it — and not the deletion VK refused as a decision taken
    reopened = await alert_repo.get(world.app.db, alert.id)
    assert reopened is not None
    await press(world, reopened, moderator, "ok")
    shown = [m for m in world.emu.sent(moderator) if moderation_t.DONE["refused"] in m.text][-1]
    assert moderation_t.ACTED["ok"] in shown.text, shown.text
    assert "Решение: " + moderation_t.ACTED["del"] not in shown.text, shown.text


async def test_a_deletion_refused_for_age_does_not_say_the_bot_lacks_rights(moderation_world: Any) -> None:
    """VK kept an insult older than 24 hours (924): the bot is an admin with every right, so
    the moderators' «failed» alert must not send them to fix rights («у бота нет прав»)."""
    world = moderation_world
    cmid, _ = await decide_too_late(world)
    assert not world.deleted(cmid)
    alert = [m for m in world.emu.sent(world.school.vk["moderator"]) if "Сделано:" in m.text][-1]
    assert "нет прав" not in alert.text, alert.text


async def test_a_refused_decisions_own_alert_is_not_left_open(moderation_world: Any) -> None:
    """VK kept an insult (older than 24 hours): the «не удалось» alert replaces the decision's own
    alert, which must not stay open in /нарушения saying a warning was given."""
    world = moderation_world
    cmid, _ = await decide_too_late(world)
    assert not world.deleted(cmid)
    rows = await world.app.db.fetchall(
        "SELECT id FROM alert WHERE violation_id IS NOT NULL AND status = 'open' ORDER BY id")
    assert len(rows) == 1, rows
    alert = await alert_repo.get(world.app.db, int(rows[0][0]))
    assert alert is not None and alert.details.get("done") == "failed"
