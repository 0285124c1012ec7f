"""Reading /роль: «выдать|снять|связать <роль> <ссылка на VK> [класс|предмет|ФИО] [приказ № N от ДД.ММ.ГГГГ]
[школа <код>]» into its parts (pure: no database, no VK). What the role words mean is read by the
handler (``handlers.admin.role_spec``); the service gets typed arguments only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot import texts
from bot.domain.classes import ClassName, looks_like_class, parse_class
from bot.domain.errors import UserError

VK_REF = re.compile(
    r"^(?:(?:https?://)?(?:m\.)?vk\.(?:com|ru)/([\w.]+)|\[id(\d+)\|[^\]]*\]|id(\d+)|@([\w.]+)|(\d{1,12}))$",
    re.IGNORECASE,
)
ORDER = re.compile(r"приказ\s*(?:№\s*)?(\S+)\s+от\s+(\d{1,2}\.\d{1,2}\.\d{4})", re.IGNORECASE)
ORG_KEY = re.compile(r"(?:школа|орг|организация)\s+([a-z0-9-]+)\s*$", re.IGNORECASE)
ACTIONS = {"выдать": "grant", "снять": "revoke", "связать": "link", "привязать": "link"}


class RoleAction(StrEnum):
    GRANT = "grant"
    REVOKE = "revoke"
    LINK = "link"


class RoleUsageError(UserError):
    """The command's form is wrong (no action word, no target, a malformed order): the answer
    adds the command's usage."""


@dataclass(frozen=True)
class Order:
    """The order (приказ) a role is granted or revoked by."""

    no: str
    date: str  # ДД.ММ.ГГГГ


@dataclass(frozen=True)
class VkTarget:
    key: str  # what VK is asked for: a numeric id or a screen name
    typed: str  # as the admin wrote it (named when VK does not know it)


@dataclass(frozen=True)
class RoleCommand:
    action: RoleAction
    role_words: str  # before the target: «модератор», «классный руководитель»
    target: VkTarget
    rest: str  # after the target: a class, «предмет …», or the roster name to link
    order: Order | None
    org_code: str | None


def vk_target(ref: str) -> VkTarget | None:
    """A link to a VK page, «[id1|Имя]», «id1», «@name» or a bare id; None if it is none of these."""
    match = VK_REF.match(ref)
    if match is None:
        return None
    key = next(group for group in match.groups() if group)
    if key.lower().startswith("id") and key[2:].isdigit():
        key = key[2:]
    return VkTarget(key, ref)


def parse_role_command(args: str) -> RoleCommand:
    text = " ".join(args.split())
    if not text:
        raise RoleUsageError(texts.ROLE_BAD_ACTION)
    action_word, _, text = text.partition(" ")
    action = ACTIONS.get(action_word.casefold())
    if action is None:
        raise RoleUsageError(texts.ROLE_BAD_ACTION)
    order = None
    match = ORDER.search(text)
    if match:
        try:
            date = datetime.strptime(match.group(2), "%d.%m.%Y").strftime("%d.%m.%Y")
        except ValueError:
            raise UserError(texts.ROLE_BAD_ORDER_DATE.format(date=match.group(2))) from None
        order = Order(match.group(1), date)
        text = (text[: match.start()] + text[match.end():]).strip()
    elif re.search(r"\bприказ\b", text, re.IGNORECASE):
        raise RoleUsageError(texts.ROLE_BAD_ORDER)
    org_code = None
    match = ORG_KEY.search(text)
    if match:
        org_code = match.group(1)
        text = text[: match.start()].strip()
    words = text.split()
    for index, word in enumerate(words):
        target = vk_target(word)
        if target is not None:
            return RoleCommand(RoleAction(action), " ".join(words[:index]), target, " ".join(words[index + 1:]),
                               order, org_code)
    raise RoleUsageError(texts.ROLE_NEED_TARGET)


def parse_link_name(rest: str) -> tuple[str, ClassName | None]:
    """«Иванова Мария 5А» after the target of /роль связать: the roster name and the class, if given."""
    words = rest.split()
    cls = None
    if words and looks_like_class(words[-1]):
        cls = parse_class(words.pop())
    name = " ".join(words)
    if not name:
        raise UserError(texts.ROLE_LINK_NEED_NAME)
    return name, cls
