"""The moderator console: decisions on moderation alerts by button (payload "a" = "al")."""

from __future__ import annotations

from typing import Any

from vkbottle.bot import MessageEvent

from bot.domain.capabilities import Capability
from bot import texts
from bot.runtime.app import App
from bot.repo.pending import Pending
from bot.services.access import Caller
from bot.services.admission_results import AdmitAllAsked
from bot.services.moderation_manual import PICK_KIND
from bot.services.moderation_results import PickGone
from handlers import linking_views
from handlers.buttons import answer_press
from handlers.confirm import confirmer, gone
from handlers.moderation_views import press_view, run_on_target
from handlers.replies import Reply


async def alert_press(app: App, event: MessageEvent, payload: dict[str, Any]) -> None:
    obj = event.object
    caller = await app.access.caller(obj.user_id)
    alert_id = payload.get("id")
    # NotFound / NotAllowed: answered as the snackbar (``guarded``)
    alert = await app.manual.alert_to_decide(caller, alert_id if isinstance(alert_id, int) else 0)
    if alert.kind in ("violation", "complaint"):
        press = press_view(await app.manual.press(alert, obj.user_id, str(payload.get("do", "")),
                                                  scope=str(payload.get("s", "")), confirmed=bool(payload.get("y"))))
        await answer_press(app, event, press.snackbar[:90])
        dialog = "s" in payload or "y" in payload or str(payload.get("do", "")).endswith("x")
        if dialog and obj.conversation_message_id:
            # a step of the «Ложное срабатывание» / «Исключить» dialog: its buttons are used up
            await app.effects.edit(obj.peer_id, obj.conversation_message_id, press.closes)
        if press.text is not None:  # the next step of a dialog, to where the button was pressed
            await app.notifier.send(obj.peer_id, press.text, keyboard=press.keyboard)
        return
    if alert.kind == "quarantine":
        decided = await app.services.admission.decision(alert, obj.user_id, str(payload.get("do", "")))
        if isinstance(decided, AdmitAllAsked):
            # «Допустить всех ожидающих»: the question goes to the moderator's private messages,
            # the same as /допустить всех
            question = linking_views.admit_all_question(decided)
            await app.notifier.send(obj.user_id, question.text, keyboard=question.keyboard)
        await answer_press(app, event, linking_views.decision_snack(decided))
        return
    await answer_press(app, event, texts.PENDING_GONE)


@confirmer(PICK_KIND, capability=Capability.CHAT_MODERATE)
async def apply_pick(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
    """«/размут Петров» fitted several people: the one picked gets the command (the caller's
    rights are checked in that person's chat)."""
    picked = await app.manual.picked(action, int(payload.get("i", -1)))
    if isinstance(picked, PickGone):
        return gone()
    return Reply(await run_on_target(app.manual, caller, picked.command, picked.target, picked.rest, private=True))
