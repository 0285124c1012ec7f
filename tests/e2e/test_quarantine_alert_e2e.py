"""The quarantine alert's «Допустить всех ожидающих» through vkemu with the real bot: the press is
decided by Admission.decision and rendered by handlers/console.py (the snackbar, and the question
naming everyone waiting sent to the moderator's private messages with its buttons); the question's
confirmation admits them all once."""

from __future__ import annotations

from bot import texts
from bot.repo import members as member_repo
from bot.texts import admission as t
from tests.e2e.test_admission_loop_e2e import _button, _chat, _quarantined, _say, _world


async def _snack(emu, event_id: str) -> str:
    found = await emu.wait_for(lambda: next((s for s in emu.snackbars if s.event_id == event_id), None))
    return found.event_data["text"]


async def test_admit_all_from_the_alert_asks_privately_then_admits_everyone_once(emu, harness) -> None:
    a = await _world(emu, harness)
    admin, mod = a.vk["admin"], a.vk["moderator"]
    await _say(emu, admin, "/создать родители 5А")
    chat5 = await _chat(harness, a, "5А — родители")
    emu.invite_user(chat5.peer_id, admin, mod)
    mod_mark = len(emu.sent(mod))
    guests = [emu.add_user("Гость", f"Второй{i}") for i in range(2)]
    for guest in guests:
        emu.join_by_link(chat5.peer_id, guest)
    for guest in guests:
        await harness.wait_until(lambda: _quarantined(harness, chat5.id, guest))
    alert = await emu.wait_sent(mod, contains="не из списков", since=mod_mark)
    await harness.settled()

    mark = len(emu.sent(mod))
    pressed = emu.press_button(mod, mod, alert.cmid, _button(alert, t.BUTTON_ADMIT_ALL))
    assert await _snack(emu, pressed) == t.ADMIT_ALL_ASKED
    ask = await emu.wait_sent(mod, contains="Допустить всех, кто ждёт", since=mark)
    assert "Гость Второй0" in ask.text and "Гость Второй1" in ask.text and "(2)" in ask.text
    labels = [b["action"]["label"] for row in ask.keyboard["buttons"] for b in row]
    assert labels == [t.BUTTON_ADMIT_ALL_N.format(count=2), texts.BUTTON_CANCEL]  # nobody is on the lists
    await harness.settled()
    # asked, nothing decided yet: both still wait, their alerts open
    assert {(await member_repo.get(harness.db, chat5.id, g)).state for g in guests} == {"quarantine"}
    assert await harness.db.fetchval("SELECT COUNT(*) FROM alert WHERE kind = 'quarantine' AND status = 'open'") == 2

    confirm = _button(ask, t.BUTTON_ADMIT_ALL_N.format(count=2))
    emu.press_button(mod, mod, ask.cmid, confirm)
    done = await emu.wait_sent(mod, contains="Допущены", since=mark)
    assert "(2)" in done.text
    await harness.settled()
    assert {(await member_repo.get(harness.db, chat5.id, g)).state for g in guests} == {"member"}
    assert await harness.db.fetchval("SELECT COUNT(*) FROM alert WHERE kind = 'quarantine' AND status = 'open'") == 0
    # the confirmation is used up: a second press decides nothing more
    again = emu.press_button(mod, mod, ask.cmid, confirm)
    assert await _snack(emu, again) == texts.PENDING_GONE
    await harness.settled()
    assert await harness.db.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'admit' AND reason = 'moderator_all' AND actor_vk = ?",
        (mod,)) == 2
