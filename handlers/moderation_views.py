"""Moderation by people, the presentation side: the staff's commands on a member run from what
was typed (the term of /мут parsed here), and the buttons of picks and of alert dialogs built from
the typed results of ``ManualModeration``."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.replies import cancel_button
from bot.domain.errors import UserError
from bot.domain.moderation_args import BadTerm, parse_term
from bot.services.access import Caller
from bot.services.moderation_manual import ManualModeration
from bot.services.moderation_results import (
    CommandResult, FpConfirmAsked, FpScopeAsked, KickAsked, PickAsked, PressResult, StaffCommand, Target)
from bot.texts import moderation as t
from bot.vk.keyboards import Button, inline


async def run_command(manual: ManualModeration, caller: Caller, command: StaffCommand, peer_id: int,
                      target_vk: int | None, args: str, *, cmid: int | None = None,
                      text: str | None = None) -> CommandResult:
    """One staff command on a member of the chat ``peer_id`` (``cmid``, ``text``: the message a
    warning is for): ``args`` are the reason of /пред or the term of /мут. A term that is none
    raises ``BadTerm``, but only after the rights (the caller's, the member's protection)."""
    if command is StaffCommand.WARN:
        return await manual.warn(caller, peer_id, target_vk, cmid, text, args[:200])  # a reason, not an essay
    if command is StaffCommand.MUTE:
        try:
            seconds = parse_term(args)
        except BadTerm:
            await manual.target_chat(caller, peer_id, target_vk)  # no right to mute them: that comes first
            raise
        return await manual.mute(caller, peer_id, target_vk, seconds)
    if command is StaffCommand.UNWARN:
        return await manual.unwarn(caller, peer_id, target_vk)
    if command is StaffCommand.UNMUTE:
        return await manual.unmute(caller, peer_id, target_vk)
    return await manual.kick(caller, peer_id, target_vk)


async def run_on_target(manual: ManualModeration, caller: Caller, command: StaffCommand, target: Target,
                        rest: str, *, private: bool) -> str:
    """A command by name on a resolved target (its chat's rights are checked again); privately
    the answer says whom and where."""
    try:
        result = await run_command(manual, caller, command, target.chat.peer_id, target.vk_id, rest)
    except BadTerm as exc:
        raise UserError(t.mute_by_name_bad_term(exc.value)) from None
    answer = t.command_answer(result)
    return t.on_target(target.name, target.chat.title, answer) if private else answer


def pick_keyboard(r: PickAsked) -> str:
    rows = [[Button(t.pick_label(x.name, x.chat.title), {"a": "pa", "id": r.action_id, "do": "pick", "i": i},
                    "primary")] for i, x in enumerate(r.targets)]
    rows.append([cancel_button(r.action_id, t.BUTTON_CANCEL)])
    return inline(rows)


@dataclass(frozen=True)
class PressView:
    """A press on an alert rendered: the snackbar, the dialog message with its buttons (if any),
    and what the pressed dialog message now says."""

    snackbar: str
    text: str | None
    keyboard: str | None
    closes: str


def press_view(r: PressResult) -> PressView:
    return PressView(t.press_snackbar(r), t.press_message(r), _press_keyboard(r), t.press_closes(r))


def _press_keyboard(r: PressResult) -> str | None:
    if isinstance(r, KickAsked):
        return inline([[Button(t.BUTTON_KICK_CONFIRM, {"a": "al", "id": r.alert_id, "do": "kick", "y": 1}, "negative"),
                        Button(t.BUTTON_CANCEL, {"a": "al", "id": r.alert_id, "do": "kickx"}, "secondary")]])
    if isinstance(r, FpScopeAsked):
        rows = [[Button(t.BUTTON_SCOPE[s], {"a": "al", "id": r.alert_id, "do": "fp", "s": s},
                        "positive" if s == "m" else "primary")] for s in r.scopes]
        rows.append([Button(t.BUTTON_CANCEL, {"a": "al", "id": r.alert_id, "do": "fpx", "s": "m"}, "secondary")])
        return inline(rows)
    if isinstance(r, FpConfirmAsked):
        return inline([[Button(t.BUTTON_ALLOW if r.scope != "m" else t.BUTTON_RESTORE,
                               {"a": "al", "id": r.alert_id, "do": "fp", "s": r.scope, "y": 1}, "positive"),
                        Button(t.BUTTON_CANCEL, {"a": "al", "id": r.alert_id, "do": "fpx", "s": r.scope},
                               "secondary")]])
    return None
