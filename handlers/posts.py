"""/пост and /материал (in a chat by its staff, or privately), /посты (list, edit, cancel), the
dialog's buttons, «Прочитано ✓» under material, and the confirmation of a cancellation."""

from __future__ import annotations

from typing import Any

from vkbottle.bot import BotLabeler, Message, MessageEvent

from bot import texts
from bot.domain.capabilities import Capability
from bot.domain.commands import Command
from bot.domain.errors import UserError
from bot.repo.pending import Pending
from bot.runtime.app import App
from bot.services.access import Caller
from bot.services import schedule_results as r
from bot.services.schedule import Schedule
from bot.texts import posts as t
from bot.vk.gateway import is_chat_peer
from handlers import posts_views as views
from handlers.confirm import confirmer, gone
from handlers.meetings import send_started
from handlers.replies import Reply, guarded, reply
from handlers.moderation import cleaned
from handlers.rules import CommandRule, chat_of

FORWARDABLE = ("photo", "video", "audio", "doc", "wall")


def attachments_of(message: Message) -> tuple[str | None, list[str]]:
    """The message's attachments as VK attachment strings (with their access keys), and the kinds
    that cannot be re-posted (stickers, voice messages...)."""
    found: list[str] = []
    unsupported: list[str] = []
    for item in message.attachments or ():
        kind = str(getattr(item.type, "value", item.type))
        obj = getattr(item, kind, None) if kind in FORWARDABLE else None
        if kind == "link":
            continue  # the address is in the text already
        if obj is None:
            unsupported.append(t_kind(kind))
            continue
        owner = getattr(obj, "owner_id", None) if kind != "wall" else getattr(obj, "from_id", None)
        ident = getattr(obj, "id", None)
        if owner is None or ident is None:
            unsupported.append(t_kind(kind))
            continue
        key = getattr(obj, "access_key", None)
        found.append(f"{kind}{owner}_{ident}" + (f"_{key}" if key else ""))
    return (",".join(found[:10]) or None), unsupported


def t_kind(kind: str) -> str:
    return t.ATTACHMENT_KINDS.get(kind, kind)


async def typed_content(app: App, caller: Caller, draft: int, message: Message) -> Reply:
    attachment, unsupported = attachments_of(message)
    return views.step(await Schedule.of(app).typed(caller, draft, message.text or "", attachment, unsupported))


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()
    g, s = app.group_id, app.screen_name
    app.commands.update({"material", "post", "posts"})

    async def start(message: Message, app: App, kind: str) -> None:
        caller = await app.access.caller(message.from_id)
        chat = await chat_of(message, app) if is_chat_peer(message.peer_id) else None
        if is_chat_peer(message.peer_id) and chat is None:
            raise UserError(t.NOT_BOUND)
        started = await Schedule.of(app).start(caller, chat, kind)
        await send_started(app, message, t.CONTINUE_PRIVATE if started.in_chat else None, views.step(started.step))

    @bl.chat_message(CommandRule("material", g, s))
    @guarded
    @cleaned
    async def material_in_chat(message: Message, app: App, cmd: Command) -> None:
        await start(message, app, "material")

    @bl.private_message(CommandRule("material", g, s))
    @guarded
    async def material_private(message: Message, app: App, cmd: Command) -> None:
        await start(message, app, "material")

    @bl.chat_message(CommandRule("post", g, s))
    @guarded
    @cleaned
    async def post_in_chat(message: Message, app: App, cmd: Command) -> None:
        await start(message, app, "post")

    @bl.private_message(CommandRule("post", g, s))
    @guarded
    async def post_private(message: Message, app: App, cmd: Command) -> None:
        await start(message, app, "post")

    @bl.private_message(CommandRule("posts", g, s))
    @guarded
    async def posts_list(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        listing = views.listing(await Schedule.of(app).listing(caller))
        await reply(app, message, listing.text, keyboard=listing.keyboard)

    return bl


@confirmer("post_cancel", capability=Capability.CHAT_BIND)
async def apply_cancel(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
    post_id = int(action.payload.get("post_id", 0))
    try:
        result = await Schedule.of(app).cancel_apply(caller, action.id, post_id)
    except UserError as exc:
        return Reply(exc.message, snack=exc.message[:90])
    if isinstance(result, r.AlreadyHandled):
        return gone()
    return Reply(t.POST_GONE if isinstance(result, r.PostGone) else t.DROPPED)


async def post_press(app: App, event: MessageEvent, payload: dict[str, Any]) -> None:
    """Payload ``{"a": "ps", ...}``: ``r`` «Прочитано»; ``d``+``s`` a dialog step; ``e`` edit menu;
    ``et``+``w`` edit text or time; ``x`` cancel (asks first)."""
    from handlers.buttons import answer_press

    obj = event.object
    schedule = Schedule.of(app)
    try:
        if "r" in payload:
            mark = await schedule.read(obj.user_id, obj.peer_id, obj.conversation_message_id, int(payload["r"]))
            await answer_press(app, event, t.read_snack(mark))
            return
        caller = await app.access.caller(obj.user_id)
        if "e" in payload:
            result = views.edit_menu(await schedule.edit_menu(caller, int(payload["e"])))
        elif "et" in payload:
            result = views.step(await schedule.edit_start(caller, int(payload["et"]), str(payload.get("w", "text"))))
        elif "x" in payload:
            result = views.cancel_asked(await schedule.cancel_ask(caller, int(payload["x"])))
        else:
            draft, step = int(payload.get("d", 0)), str(payload.get("s", ""))
            if step in ("go", "force"):
                result = views.scheduled(await schedule.schedule(caller, draft, force=step == "force"))
            else:
                result = views.step(await schedule.step(caller, draft, step, payload.get("v")))
        await answer_press(app, event, "✔", result)
    except UserError as exc:
        await answer_press(app, event, exc.message[:90], Reply(exc.message))
    except (ValueError, TypeError):
        await answer_press(app, event, texts.PENDING_GONE)
