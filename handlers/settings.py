"""Chat settings as a menu with toggles (/настройки): each moderation policy on / quiet / off,
quiet hours from preset buttons, the school's moderator alerts here or privately.

Every toggle calls the service the typed command calls (/политика → ``ManualModeration.set_policy``,
/тишина → ``set_quiet``, /уведомления → ``Alerts.set_moderators_chat``): the change is checked,
persisted as the chat's override and audited there, and the next message is moderated by it.
Only the chat's staff may open or change the settings; every press is checked again. The menu is
sent privately (a children's chat does not see its moderation settings); the message is edited in
place as the toggles change. Payload: {"a": "s", "ch": chat id, "do": screen or toggle, ...}.
"""

from __future__ import annotations

from typing import Any

from vkbottle.bot import BotLabeler, Message, MessageEvent

from bot import texts
from bot.domain.commands import Command
from bot.domain.errors import UserError
from bot.repo.chats import Chat
from bot.runtime.app import App
from bot.services.access import Caller
from bot.domain.moderation_args import parse_quiet
from bot.texts import menus as t
from bot.texts import moderation as mt
from bot.texts.policies import POLICY_TITLES
from bot.vk.gateway import is_chat_peer
from bot.vk.keyboards import Button, grid, inline
from handlers.moderation import answer as answer_command
from handlers.moderation import cleaned
from handlers.replies import guarded
from handlers.rules import CommandRule
from policies import Mode
from policies.settings import QuietHoursSettings

TOGGLED = tuple(p for p in POLICY_TITLES if p != "quiet_hours")  # index = «k» in a payload
NEXT_MODE = {Mode.ON: Mode.SHADOW, Mode.SHADOW: Mode.OFF, Mode.OFF: Mode.ON}


def s(chat_id: int, do: str, **params: Any) -> dict[str, Any]:
    return {"a": "s", "ch": chat_id, "do": do, **params}


async def screen(app: App, caller: Caller, chat: Chat, do: str) -> tuple[str, str]:
    """(text, keyboard) of a settings screen: «m» main, «p» policies, «q» quiet hours."""
    settings = await app.moderation.settings_for(chat)
    quiet = settings.policies.get("quiet_hours")
    if isinstance(quiet, QuietHoursSettings) and quiet.mode is not Mode.OFF:
        quiet_value = t.quiet_label(quiet.start.strftime("%H:%M"), quiet.end.strftime("%H:%M"))
    else:
        quiet_value = t.SETTINGS_QUIET_OFF
    title = t.SETTINGS_TITLE.format(title=chat.title)
    if do == "p":
        buttons = [Button(t.policy_label(POLICY_TITLES[p], str(settings.mode(p))), s(chat.id, "tp", k=i),
                          "positive" if settings.mode(p) is Mode.ON else "secondary")
                   for i, p in enumerate(TOGGLED)]
        rows = grid(buttons, 3) + [[Button(t.BUTTON_BACK, s(chat.id, "m"))]]
        return "\n".join([title, t.SETTINGS_POLICIES, t.SETTINGS_MODE_HINT]), inline(rows)
    if do == "q":
        presets = [Button(t.quiet_label(*v.split("-")), s(chat.id, "qs", v=i),
                          "positive" if t.quiet_label(*v.split("-")) == quiet_value else "secondary")
                   for i, v in enumerate(t.QUIET_PRESETS)]
        rows = grid(presets, 2) + [[Button(t.BUTTON_QUIET_OFF, s(chat.id, "qs", v=-1), "negative")],
                                   [Button(t.BUTTON_BACK, s(chat.id, "m"))]]
        return t.QUIET_PICK.format(title=chat.title, value=quiet_value), inline(rows)
    lines = [title, ", ".join(f"{POLICY_TITLES[p]} — {t.SETTINGS_MODES[str(settings.mode(p))]}" for p in TOGGLED),
             t.SETTINGS_QUIET.format(value=quiet_value)]
    rows = [[Button(t.BUTTON_POLICIES, s(chat.id, "p"), "primary")], [Button(t.BUTTON_QUIET, s(chat.id, "q"))]]
    if await app.services.chats.may_route_alerts(caller, chat):
        here = await app.services.chats.alerts_here(chat)
        lines.append(t.SETTINGS_ALERTS.format(value=t.SETTINGS_ALERTS_HERE if here else t.SETTINGS_ALERTS_PRIVATE))
        rows.append([Button(t.BUTTON_ALERTS_PRIVATE if here else t.BUTTON_ALERTS_HERE, s(chat.id, "ah", v=0 if here else 1))])
    return "\n".join(lines), inline(rows)


async def send_settings(app: App, caller: Caller, chat: Chat, peer_id: int) -> None:
    """The settings menu of ``chat`` as a new message to ``peer_id``."""
    text, keyboard = await screen(app, caller, chat, "m")
    await app.notifier.send(peer_id, text, keyboard=keyboard)


async def settings_press(app: App, event: MessageEvent, payload: dict[str, Any]) -> None:
    obj = event.object
    caller = await app.access.caller(obj.user_id)
    chat = await app.services.chats.staff_chat(caller, payload.get("ch"), gone=t.SNACK_GONE)
    do = payload.get("do")
    snack = ""
    if do == "tp":
        snack = await toggle_policy(app, caller, chat, payload.get("k"))
        do = "p"
    elif do == "qs":
        snack = await set_quiet(app, caller, chat, payload.get("v"))
        do = "q"
    elif do == "ah":
        snack = await route_alerts(app, caller, chat, payload.get("v") == 1)
        do = "m"
    elif do not in ("m", "p", "q"):
        raise UserError(t.SNACK_GONE)
    chat = await app.services.chats.get(chat.id) or chat  # as saved
    text, keyboard = await screen(app, caller, chat, str(do))
    if obj.conversation_message_id:
        await app.effects.edit(obj.peer_id, obj.conversation_message_id, text, keyboard=keyboard)
    else:
        await app.notifier.send(obj.peer_id, text, keyboard=keyboard)
    await app.effects.answer_button(obj.event_id, obj.user_id, obj.peer_id, snack)


async def toggle_policy(app: App, caller: Caller, chat: Chat, index: Any) -> str:
    """The next mode of a policy (вкл → тихо → выкл → вкл), through /политика's service."""
    if not isinstance(index, int) or not 0 <= index < len(TOGGLED):
        raise UserError(t.SNACK_GONE)
    policy = TOGGLED[index]
    current = (await app.moderation.settings_for(chat)).mode(policy)
    return mt.policy_set(await app.manual.set_policy(caller, chat.peer_id, policy, NEXT_MODE[current]))


async def set_quiet(app: App, caller: Caller, chat: Chat, index: Any) -> str:
    if index == -1:
        return mt.quiet_set(await app.manual.set_quiet(caller, chat.peer_id, None))
    if not isinstance(index, int) or not 0 <= index < len(t.QUIET_PRESETS):
        raise UserError(t.SNACK_GONE)
    return mt.quiet_set(await app.manual.set_quiet(caller, chat.peer_id, parse_quiet(t.QUIET_PRESETS[index])))


async def route_alerts(app: App, caller: Caller, chat: Chat, here: bool) -> str:
    """/уведомления сюда | лично and the menu's toggle: the same service, the same answer."""
    routed = await app.services.chats.route_alerts(caller, chat, here)
    return (texts.ALERTS_HERE_ON if routed.here else texts.ALERTS_HERE_OFF).format(school=routed.school)


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()

    @bl.message(CommandRule("settings", app.group_id, app.screen_name))
    @guarded
    @cleaned  # a refusal in a children's chat does not stay on show either
    async def settings_command(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        if not is_chat_peer(message.peer_id):
            from handlers.menus import show

            await show(app, caller, message.peer_id, "cs", {})
            return
        chat = await app.services.chats.require_moderator(caller, message.peer_id)
        # privately: a children's chat does not see (or press) its moderation settings
        await send_settings(app, caller, chat, message.from_id)
        await answer_command(app, message, t.SETTINGS_SENT_PRIVATELY)

    return bl
