"""The start menu and guided dialogs: a persistent keyboard in private messages that follows the
person's roles, sections that open with callback buttons, and commands typed without their
argument asking for it with buttons built from real data (chat type → class from the roster →
confirm).

A menu only chooses arguments: at the end it calls the same service the typed command calls
(``Chats.create`` for «Создать»), or runs the typed command itself (``run_typed``: «Коды» → the
/коды flow with its own questions), so nothing is decided twice. Every press is checked again
(``Menus.allowed`` and the service's own checks): a button forged or left over from a revoked
role does nothing. The dialog's state travels in the button payloads («a»: "m", «s»: screen).
"""

from __future__ import annotations

import json
import time
import uuid
from contextvars import ContextVar
from typing import Any

from vkbottle.bot import BotLabeler, Message, MessageEvent
from vkbottle.dispatch.rules import ABCRule

from bot import texts
from bot.domain.capabilities import Capability
from bot.domain.chat_command import ChatCommand
from bot.domain.chat_types import PRESETS, ChatRequest
from bot.domain.classes import ClassNameError, parse_class
from bot.domain.commands import Command
from bot.domain.errors import NotAllowed, UserError
from bot.repo.orgs import Org
from bot.runtime.app import App
from bot.services.access import Caller, allowed_somewhere
from bot.services.menus import MENU_TYPES, SECTION_CAPABILITY, Menus, needs_class
from bot.texts import chats as chat_texts
from bot.texts import menus as t
from bot.vk.keyboards import Button, grid, inline, persistent, supports_callback
from handlers import chats_views as views
from handlers.admin import card_text
from handlers.replies import guarded
from handlers.rules import chat_of, parse_message

SECTION_LABELS = {
    "lists": t.BUTTON_LISTS, "chats": t.BUTTON_CHATS, "codes": t.BUTTON_CODES, "reports": t.BUTTON_REPORTS,
    "staff": t.BUTTON_STAFF, "alerts": t.BUTTON_ALERTS, "schools": t.BUTTON_SCHOOLS,
    "mychats": t.BUTTON_MY_CHATS, "code": t.BUTTON_ENTER_CODE, "rules": t.BUTTON_RULES,
    "complaint": t.BUTTON_COMPLAINT, "help": t.BUTTON_HELP, "hotline": t.BUTTON_HOTLINE, "work": t.BUTTON_WORK,
}
# «Опросы и собрания»: button key -> (label, the typed command it runs, the right it needs)
WORK_ITEMS: dict[str, tuple[str, str, Capability]] = {
    "poll": (t.BUTTON_WORK_POLL, "/опрос", Capability.CHAT_BIND),
    "quiz": (t.BUTTON_WORK_QUIZ, "/викторина", Capability.CHAT_BIND),
    "meeting": (t.BUTTON_WORK_MEETING, "/собрание", Capability.CHAT_BIND),
    "material": (t.BUTTON_WORK_MATERIAL, "/материал", Capability.CHAT_BIND),
    "post": (t.BUTTON_WORK_POST, "/пост", Capability.CHAT_BIND),
    "posts": (t.BUTTON_WORK_POSTS, "/посты", Capability.CHAT_BIND),
    "questions": (t.BUTTON_WORK_QUESTIONS, "/вопросы", Capability.SCHOOL_VIEW),  # the hot line's waiting questions
}
CLASSES_PER_PAGE = 8  # + «Ещё» + «Назад»: VK takes at most 10 buttons inline
MAX_SCHOOL_BUTTONS = 9


# the person's client shows no callback buttons (their last message said so): screens answer
# with text buttons, whose presses arrive as messages with the payload
_TEXT_BUTTONS: ContextVar[bool] = ContextVar("zavuch_text_buttons", default=False)


def m(screen: str, **params: Any) -> dict[str, Any]:
    return {"a": "m", "s": screen, **params}


def menus(app: App) -> Menus:
    return Menus(app.db, app.access)


async def start_keyboard(app: App, vk_id: int, *, callback: bool = True) -> str:
    """The persistent start keyboard of this person (only the sections they may use);
    ``callback=False`` for a client without callback buttons (text buttons, same payloads)."""
    sections = await menus(app).sections(vk_id)
    staff = [Button(SECTION_LABELS[s], m(s), "primary") for s in sections
             if SECTION_CAPABILITY[s] not in (None, Capability.EVERYONE)]
    family = [Button(SECTION_LABELS[s], m(s)) for s in sections if SECTION_CAPABILITY[s] is None]
    rows = grid(staff, 3) + grid(family, 2) + [[Button(t.BUTTON_HELP, m("help"))]]
    return persistent(rows, callback=callback and not _TEXT_BUTTONS.get())


# -- the typed command path, run from a button ------------------------------------------------

async def run_typed(app: App, vk_id: int, text: str) -> None:
    """Handle ``text`` as if the person had typed it privately: the very handlers of the typed
    command run (their questions, confirmations and checks included)."""
    typed = app.hooks.typed
    if typed is None:  # no bot is running this app (service tests)
        raise RuntimeError("no router to run a typed command")
    await typed(vk_id, text)


def typed_event(group_id: int, vk_id: int, text: str, now: int) -> dict[str, Any]:
    """A ``message_new`` event of a private message, shaped like VK's (API 5.199)."""
    return {
        "type": "message_new", "event_id": f"menu:{uuid.uuid4().hex}", "v": "5.199", "group_id": group_id,
        "object": {
            "message": {"date": now, "from_id": vk_id, "id": 0, "out": 0, "version": 0, "attachments": [],
                        "conversation_message_id": 0, "fwd_messages": [], "important": False,
                        "is_hidden": False, "peer_id": vk_id, "random_id": 0, "text": text},
            "client_info": {"button_actions": ["text", "callback", "open_link"], "keyboard": True,
                            "inline_keyboard": True, "carousel": True, "lang_id": 0},
        },
    }


def attach_typed(app: App, router: Any) -> None:
    async def typed(vk_id: int, text: str) -> None:
        await router.route(typed_event(app.group_id, vk_id, text, app.now() or int(time.time())), app.api)

    app.hooks.typed = typed


# -- presses ----------------------------------------------------------------------------------

async def menu_press(app: App, event: MessageEvent, payload: dict[str, Any]) -> None:
    """A press of a menu button (payload «a»: "m")."""
    obj = event.object
    binding = payload.get("b") == 1
    # menus live in private messages; only the /привязать dialog lives in the chat it binds
    if (obj.peer_id != obj.user_id) != binding:
        await app.effects.answer_button(obj.event_id, obj.user_id, obj.peer_id, t.SNACK_GONE)
        return
    screen = payload.get("s")
    org_id = payload.get("o")
    if not isinstance(screen, str) or (org_id is not None and not isinstance(org_id, int)):
        await app.effects.answer_button(obj.event_id, obj.user_id, obj.peer_id, t.SNACK_GONE)
        return
    caller = await app.access.caller(obj.user_id)
    await show(app, caller, obj.peer_id, screen, payload)
    await app.effects.answer_button(obj.event_id, obj.user_id, obj.peer_id, "")


async def show(app: App, caller: Caller, peer_id: int, screen: str, payload: dict[str, Any]) -> None:
    """Open a screen of the menu (a press, or a command typed without its argument)."""
    section = SCREEN_SECTION.get(screen)
    if section is None:
        raise UserError(t.SNACK_GONE)
    if payload.get("b") == 1:
        if screen not in ("ct", "cc", "cy", "cd"):
            raise UserError(t.SNACK_GONE)
        section = "bind"
    org = await _org(app, payload.get("o"))
    if not await menus(app).allowed(caller, section, org.id if org else None):
        raise NotAllowed(t.NOT_ALLOWED)
    handler = SCREENS[screen]
    await handler(app, caller, peer_id, org, payload)


async def _org(app: App, org_id: Any) -> Org | None:
    if org_id is None:
        return None
    org = await menus(app).org(int(org_id))
    if org is None:
        raise UserError(t.SNACK_GONE)
    return org


async def _send(app: App, peer_id: int, text: str, rows: list[list[Button]] | None = None) -> None:
    keyboard = inline(rows, callback=not _TEXT_BUTTONS.get()) if rows else None
    await app.notifier.send(peer_id, text, keyboard=keyboard)


async def _school(app: App, caller: Caller, peer_id: int, org: Org | None, screen: str,
                  capability: Capability, *, schools_only: bool = True, extra: dict[str, Any] | None = None) -> Org | None:
    """The school a screen is about: given, the caller's only one, or asked with buttons."""
    if org is not None:
        return org
    orgs = await menus(app).orgs(caller, capability, schools_only=schools_only)
    if len(orgs) == 1:
        return orgs[0]
    if not orgs:
        raise NotAllowed(t.NOT_ALLOWED)
    buttons = [Button(o.name, m(screen, o=o.id, **(extra or {}))) for o in orgs[:MAX_SCHOOL_BUTTONS]]
    await _send(app, peer_id, _pick_text(t.PICK_SCHOOL, len(orgs), screen), grid(buttons, 1 if len(buttons) <= 5 else 2))
    return None


SCREEN_FORMS = {"lists": "/школа <код>", "chats": "/чаты <код>", "ct": "/создать <тип> школа <код>",
                "codes": "/коды <класс> школа <код>", "reports": "/отчёт <код>", "staff": "/школа <код>",
                "schools": "/школа <код>", "cs": "/чаты <код>"}


def _pick_text(text: str, total: int, screen: str) -> str:
    if total <= MAX_SCHOOL_BUTTONS:
        return text
    return text + "\n" + t.PICK_SCHOOL_MORE.format(shown=MAX_SCHOOL_BUTTONS, total=total,
                                                  form=SCREEN_FORMS.get(screen, "/школа <код>"))


# -- staff sections ---------------------------------------------------------------------------

async def lists(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    org = await _school(app, caller, peer_id, org, "lists", Capability.ROSTER_MANAGE)
    if org is None:
        return
    counts = await menus(app).roster_counts(org)
    await _send(app, peer_id, t.LISTS.format(school=org.name, students=counts["student"], parents=counts["parent"],
                                             staff=counts["staff"]),
                [[Button(t.BUTTON_IMPORT, m("imp", o=org.id))], [Button(t.BUTTON_NEW_YEAR, m("ny", o=org.id))]])


async def import_help(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    await run_typed(app, caller.vk_id, "/импорт" + (f" школа {org.code}" if org else ""))


async def new_year(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    await run_typed(app, caller.vk_id, "/новый год" + (f" школа {org.code}" if org else ""))


async def chats(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    org = await _school(app, caller, peer_id, org, "chats", Capability.CHAT_CREATE)
    if org is None:
        return
    overview = views.overview_text(await app.services.chats.overview(caller, org.code)) \
        if await app.access.allowed(caller, Capability.SCHOOL_VIEW, org.id) else ""
    rows = [[Button(t.BUTTON_CREATE, m("ct", o=org.id), "primary")],
            [Button(t.BUTTON_CHAT_SETTINGS, m("cs", o=org.id))]]
    await _send(app, peer_id, overview or t.PICK_TYPE.format(school=org.name), rows)


def _mode(payload: dict[str, Any]) -> dict[str, Any]:
    """Carried through the dialog: «b»: 1 binds the chat the dialog is in instead of creating one."""
    return {"b": 1} if payload.get("b") == 1 else {}


async def create_type(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    bind = _mode(payload)
    org = await _school(app, caller, peer_id, org, "ct", Capability.CHAT_BIND if bind else Capability.CHAT_CREATE, extra=bind)
    if org is None:
        return
    types = await menus(app).chat_types(caller, org)
    if not types:
        raise NotAllowed(t.NO_TYPES.format(school=org.name))
    buttons = [Button(t.CHAT_TYPE_LABELS[kind], m("cc", o=org.id, t=MENU_TYPES.index(kind), **bind), "primary")
               for kind in types]
    rows = grid(buttons, 2)
    if bind:
        text = t.BIND_PICK_TYPE.format(school=org.name) + "\n" + t.BIND_PICK_TYPE_TYPED
    else:
        rows.append([Button(t.BUTTON_BACK, m("chats", o=org.id))])
        text = t.PICK_TYPE.format(school=org.name) + "\n" + t.PICK_TYPE_TYPED
    await _send(app, peer_id, text, rows)


def _chat_type(payload: dict[str, Any]) -> str:
    index = payload.get("t")
    if not isinstance(index, int) or not 0 <= index < len(MENU_TYPES):
        raise UserError(t.SNACK_GONE)
    return MENU_TYPES[index]


async def create_class(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    if org is None:
        raise UserError(t.SNACK_GONE)
    kind = _chat_type(payload)
    if kind not in await menus(app).chat_types(caller, org):
        raise NotAllowed(t.NO_TYPES.format(school=org.name))
    if not needs_class(kind):
        await create_confirm(app, caller, peer_id, org, {**payload, "c": ""})
        return
    classes = await menus(app).classes_to_create(caller, org, kind)
    if not classes:
        raise UserError(t.NO_CLASSES.format(school=org.name))
    page = payload.get("p", 0) if isinstance(payload.get("p"), int) else 0
    per_page = CLASSES_PER_PAGE - (kind == "homeschool")  # homeschool also offers «Вся школа»
    first = page * per_page
    shown = classes[first:first + per_page]
    if not shown:
        raise UserError(t.SNACK_GONE)
    index = MENU_TYPES.index(kind)
    bind = _mode(payload)
    buttons = [Button(c, m("cy", o=org.id, t=index, c=c, **bind), "primary") for c in shown]
    if kind == "homeschool":
        buttons.append(Button(t.HOMESCHOOL_WHOLE, m("cy", o=org.id, t=index, c="", **bind)))
    nav = []
    if first + per_page < len(classes):
        nav.append(Button(t.BUTTON_MORE, m("cc", o=org.id, t=index, p=page + 1, **bind)))
    nav.append(Button(t.BUTTON_BACK, m("ct", o=org.id, **bind)))
    text = t.PICK_CLASS.format(type=PRESETS[kind].name_ru, school=org.name)
    if len(classes) > per_page:
        text += "\n" + t.PICK_CLASS_MORE.format(first=first + 1, last=first + len(shown), total=len(classes))
    await _send(app, peer_id, text, grid(buttons, 4) + [nav])


def _create_command(kind: str, cls: str, org: Org) -> ChatCommand:
    """What /создать «<type> <class> школа <code>» would mean, chosen with buttons."""
    if cls and not needs_class(kind):
        raise UserError(t.SNACK_GONE)  # a forged press: this type takes no class
    try:
        name = parse_class(cls) if cls else None
    except ClassNameError:
        raise UserError(t.SNACK_GONE) from None
    return ChatCommand(ChatRequest(PRESETS[kind], name), org.code)


async def create_confirm(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    if org is None:
        raise UserError(t.SNACK_GONE)
    kind = _chat_type(payload)
    if kind not in await menus(app).chat_types(caller, org):
        raise NotAllowed(t.NO_TYPES.format(school=org.name))
    cls = payload.get("c") or ""
    if not isinstance(cls, str) or (cls and cls not in await menus(app).classes(org)):
        raise UserError(t.SNACK_GONE)
    try:
        name = parse_class(cls) if cls else None
    except ClassNameError:
        raise UserError(t.SNACK_GONE) from None
    title = PRESETS[kind].title_for(cls=name, school=org.name)
    bind = _mode(payload)
    if bind:
        question, do = t.CONFIRM_BIND.format(title=title, school=org.name), t.BUTTON_DO_BIND
    else:
        question = (t.CONFIRM_CREATE_SCHOOL if kind == "parents_school" else t.CONFIRM_CREATE).format(
            title=title, school=org.name)
        do = t.BUTTON_DO_CREATE
    index = MENU_TYPES.index(kind)
    back = m("cc", o=org.id, t=index, **bind) if needs_class(kind) else m("ct", o=org.id, **bind)
    await _send(app, peer_id, question, [[Button(do, m("cd", o=org.id, t=index, c=cls, **bind), "positive"),
                                          Button(t.BUTTON_BACK, back)]])


async def create_do(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    """«Создать» pressed: the same service as the typed /создать, with the arguments chosen."""
    if org is None:
        raise UserError(t.SNACK_GONE)
    kind = _chat_type(payload)
    cls = payload.get("c") or ""
    if not isinstance(cls, str) or (needs_class(kind) and kind != "homeschool" and not cls):
        raise UserError(t.SNACK_GONE)
    command = _create_command(kind, cls, org)
    if payload.get("b") == 1:  # the same service as the typed /привязать, in the chat pressed in
        await app.notifier.send(peer_id, chat_texts.bound(await app.services.chats.bind(caller, peer_id, command)))
        return
    answer = await views.created_text(app, await app.services.chats.create(caller, command))
    await app.notifier.send(peer_id, answer)


async def chat_settings_pick(app: App, caller: Caller, peer_id: int, org: Org | None,
                             payload: dict[str, Any]) -> None:
    from handlers.settings import send_settings

    if org is None:
        found_orgs = {o.id: o for cap in (Capability.CHAT_MODERATE, Capability.CHAT_CREATE) for o in await menus(app).orgs(caller, cap)}
        if len(found_orgs) != 1:
            if not found_orgs:
                raise NotAllowed(t.NOT_ALLOWED)
            buttons = [Button(o.name, m("cs", o=o.id)) for o in list(found_orgs.values())[:MAX_SCHOOL_BUTTONS]]
            await _send(app, peer_id, _pick_text(t.PICK_SCHOOL, len(found_orgs), "cs"),
                        grid(buttons, 1 if len(buttons) <= 5 else 2))
            return
        org = next(iter(found_orgs.values()))

    async def is_staff(chat: Any) -> bool:
        return await app.services.chats.is_chat_staff(caller, chat)

    found = await menus(app).configurable_chats(org, is_staff)
    if not found:
        raise UserError(t.NO_CHATS_TO_SET.format(school=org.name))
    if len(found) == 1:
        await send_settings(app, caller, found[0], peer_id)
        return
    buttons = [Button(c.title, {"a": "s", "ch": c.id, "do": "m"}) for c in found[:MAX_SCHOOL_BUTTONS]]
    await _send(app, peer_id, t.PICK_SETTINGS_CHAT, grid(buttons, 1 if len(buttons) <= 5 else 2))


async def codes(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    org = await _school(app, caller, peer_id, org, "codes", Capability.ROSTER_MANAGE)
    if org is None:
        return
    classes = await menus(app).classes(org)
    buttons = [Button(c, m("kc", o=org.id, c=c), "primary") for c in classes[:CLASSES_PER_PAGE]]
    rows = grid(buttons, 4) + [[Button(t.BUTTON_STAFF_CODES, m("kc", o=org.id, c=""))]]
    text = t.PICK_CODES.format(school=org.name)
    if len(classes) > CLASSES_PER_PAGE:
        text += "\n" + t.ASK_HINT.format(example="/коды 11Б")
    await _send(app, peer_id, text, rows)


async def codes_for(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    """A class (or the staff) chosen: the typed /коды flow runs, re-issue question included."""
    if org is None:
        raise UserError(t.SNACK_GONE)
    cls = payload.get("c") or ""
    if not isinstance(cls, str) or (cls and cls not in await menus(app).classes(org)):
        raise UserError(t.SNACK_GONE)
    await run_typed(app, caller.vk_id, f"/коды {cls or 'сотрудники'} школа {org.code}")


async def reports(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    org = await _school(app, caller, peer_id, org, "reports", Capability.REPORT_VIEW, schools_only=False)
    if org is None:
        return
    await run_typed(app, caller.vk_id, f"/отчёт {org.code}")


async def staff(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    org = await _school(app, caller, peer_id, org, "staff", Capability.ROLE_MANAGE)
    if org is None:
        return
    card = card_text(await app.services.orgs.card(org))
    rows = [[Button(t.BUTTON_STAFF_CODES_LONG, m("kc", o=org.id, c=""))]] \
        if await app.access.allowed(caller, Capability.ROSTER_MANAGE, org.id) else None
    await _send(app, peer_id, t.STAFF.format(card=card), rows)


async def alerts(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    await run_typed(app, caller.vk_id, "/нарушения")


async def work(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    buttons = [Button(label, m("wk", c=key)) for key, (label, _, right) in WORK_ITEMS.items()
               if allowed_somewhere(caller, right)]
    await _send(app, peer_id, t.WORK, grid(buttons, 2))


async def work_item(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    """One of «Опросы и собрания»: the typed command runs (its own checks, questions and dialog)."""
    item = WORK_ITEMS.get(str(payload.get("c")))
    if item is None:
        raise UserError(t.SNACK_GONE)
    _, command, right = item
    if not allowed_somewhere(caller, right):
        raise NotAllowed(t.NOT_ALLOWED)
    await run_typed(app, caller.vk_id, command)


async def schools(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    if org is None:
        found = await menus(app).orgs(caller, Capability.SCHOOL_VIEW)
        if len(found) != 1:
            if not found:
                raise NotAllowed(t.NOT_ALLOWED)
            buttons = [Button(o.name, m("schools", o=o.id)) for o in found[:MAX_SCHOOL_BUTTONS]]
            await _send(app, peer_id, _pick_text(t.PICK_SCHOOL_CARD, len(found), "schools"),
                        grid(buttons, 1 if len(buttons) <= 5 else 2))
            return
        org = found[0]
    if not await app.access.allowed(caller, Capability.SCHOOL_VIEW, org.id):
        raise NotAllowed(t.NOT_ALLOWED)
    rows = [[Button(t.BUTTON_REPORT, m("reports", o=org.id))]] \
        if await app.access.allowed(caller, Capability.REPORT_VIEW, org.id) else None
    await _send(app, peer_id, card_text(await app.services.orgs.card(org)), rows)


# -- parents and students ---------------------------------------------------------------------

async def my_chats(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    await run_typed(app, caller.vk_id, "/ссылки")


async def hotline(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    await run_typed(app, caller.vk_id, "/вопрос")


async def enter_code(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    await _send(app, peer_id, t.ENTER_CODE)


async def rules(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    types = await menus(app).member_chat_types(caller.vk_id)
    if not types:
        await _send(app, peer_id, t.RULES_NONE)
        return
    await _send(app, peer_id, "\n\n".join(PRESETS[kind].rules_text() for kind in types[:2]))


async def complaint(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    await _send(app, peer_id, t.COMPLAINT)


async def help_screen(app: App, caller: Caller, peer_id: int, org: Org | None, payload: dict[str, Any]) -> None:
    from handlers.common import help_text

    await app.notifier.send(peer_id, await help_text(app, caller.vk_id, peer_id),
                            keyboard=await start_keyboard(app, caller.vk_id))


SCREENS = {
    "lists": lists, "imp": import_help, "ny": new_year,
    "chats": chats, "ct": create_type, "cc": create_class, "cy": create_confirm, "cd": create_do,
    "cs": chat_settings_pick,
    "codes": codes, "kc": codes_for, "reports": reports, "staff": staff, "alerts": alerts, "schools": schools,
    "mychats": my_chats, "code": enter_code, "rules": rules, "complaint": complaint, "help": help_screen,
    "hotline": hotline, "work": work, "wk": work_item,
}
# the start-menu section whose right a screen needs (checked at every press)
SCREEN_SECTION = {
    "lists": "lists", "imp": "lists", "ny": "lists",
    "chats": "chats", "ct": "chats", "cc": "chats", "cy": "chats", "cd": "chats", "cs": "settings",
    "codes": "codes", "kc": "codes", "reports": "reports", "staff": "staff", "alerts": "alerts",
    "schools": "schools", "mychats": "mychats", "code": "code", "rules": "rules", "complaint": "complaint",
    "help": "help", "hotline": "hotline", "work": "work", "wk": "work",
}


# -- commands typed without their argument ----------------------------------------------------

# command key -> the screen that asks for its argument (always, or only when there is a choice)
ASK_ALWAYS = {"create": "ct", "codes": "codes"}
ASK_IF_SEVERAL = {"report": ("reports", Capability.REPORT_VIEW, False), "school": ("schools", Capability.SCHOOL_VIEW, True),
                  "chats": ("chats", Capability.CHAT_CREATE, True)}


class BareCommandRule(ABCRule[Message]):
    """A private command typed without its argument that a menu can ask for with buttons."""

    scope = ("known_command",)

    def __init__(self, app: App) -> None:
        self.app = app

    async def check(self, event: Message) -> dict[str, Any] | bool:
        cmd = parse_message(event, self.app.group_id, self.app.screen_name)
        if cmd is None or cmd.key is None or cmd.args.strip():
            return False
        if event.from_id != event.peer_id:
            if cmd.key == "bind":  # asked in the chat to bind: type → class → confirm
                chat = await chat_of(event, self.app)
                if chat is None or not chat.bound:
                    return {"cmd": cmd, "screen": "ct", "bind": True}
            return False
        if cmd.key in ASK_ALWAYS:
            return {"cmd": cmd, "screen": ASK_ALWAYS[cmd.key]}
        if cmd.key in ASK_IF_SEVERAL:
            screen, capability, schools_only = ASK_IF_SEVERAL[cmd.key]
            caller = await self.app.access.caller(event.from_id)
            if len(await menus(self.app).orgs(caller, capability, schools_only=schools_only)) > 1:
                return {"cmd": cmd, "screen": screen}
        return False


class MenuPayloadRule(ABCRule[Message]):
    """A text button of the menu pressed (a client without callback buttons): the label arrives
    as a private message carrying the button's payload."""

    scope = ("payload",)

    async def check(self, event: Message) -> dict[str, Any] | bool:
        if event.from_id != event.peer_id or not event.payload:
            return False
        try:
            payload = json.loads(event.payload)
        except ValueError:
            return False
        if isinstance(payload, dict) and payload.get("a") == "m" and isinstance(payload.get("s"), str) \
                and payload.get("b") is None:
            return {"payload": payload}
        return False


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()

    @bl.private_message(MenuPayloadRule())
    @guarded
    async def text_button(message: Message, app: App, payload: dict[str, Any]) -> None:
        org_id = payload.get("o")
        if org_id is not None and not isinstance(org_id, int):
            raise UserError(t.SNACK_GONE)
        caller = await app.access.caller(message.from_id)
        token = _TEXT_BUTTONS.set(not supports_callback(message.client_info))
        try:
            await show(app, caller, message.peer_id, str(payload["s"]), payload)
        finally:
            _TEXT_BUTTONS.reset(token)

    @bl.message(BareCommandRule(app))
    @guarded
    async def ask(message: Message, app: App, cmd: Command, screen: str, bind: bool = False) -> None:
        caller = await app.access.caller(message.from_id)
        if bind:
            if not await menus(app).allowed(caller, "bind"):
                raise NotAllowed(texts.NOT_ALLOWED.format(what=t.WHAT_BIND, hint=texts.NOT_ALLOWED_HINT))
            await show(app, caller, message.peer_id, screen, {"b": 1})
            return
        section = SCREEN_SECTION[screen]
        if section not in await menus(app).sections(caller.vk_id):
            # the typed command's own refusal names what is missing
            from bot.domain.commands import BY_KEY

            spec = BY_KEY[cmd.key or ""]
            raise NotAllowed(texts.NOT_ALLOWED.format(what=spec.summary, hint=texts.NOT_ALLOWED_HINT))
        await show(app, caller, message.peer_id, screen, {})

    return bl


__all__ = ["labeler", "menu_press", "start_keyboard", "run_typed", "attach_typed", "MessageEvent"]
