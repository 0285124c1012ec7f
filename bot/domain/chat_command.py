"""Reading /создать and /привязать: «<тип> [класс|предмет|название] [школа <код>]» (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.chat_types import ChatRequest, ChatRequestError, parse_chat_request
from bot.domain.errors import UserError

# /создать родители|ученики with no class: the class is asked with buttons (the chat type asked)
ASK_CLASS_WORDS = {"родители": "parents_class", "ученики": "students_class", "класс": "students_class"}


@dataclass(frozen=True)
class AskClass:
    """/создать родители|ученики without a class: which class is asked with buttons."""

    chat_type: str  # parents_class | students_class
    org_code: str | None


@dataclass(frozen=True)
class ChatCommand:
    request: ChatRequest
    org_code: str | None  # None: the caller's only school


def split_school(args: str) -> tuple[str, str | None]:
    """«родители 5А школа sch-a» → («родители 5А», "sch-a")."""
    words = args.split()
    if len(words) >= 2 and words[-2].casefold() in ("школа", "орг"):
        return " ".join(words[:-2]), words[-1]
    return args, None


def parse_chat_command(args: str) -> ChatCommand:
    body, code = split_school(args)
    try:
        return ChatCommand(parse_chat_request(body), code)
    except ChatRequestError as exc:
        raise UserError(exc.message) from None


def parse_create(args: str) -> AskClass | ChatCommand:
    """/создать: a chat to create, or a class to ask for."""
    body, code = split_school(args)
    words = body.split()
    word = words[0].casefold().replace("ё", "е") if len(words) == 1 else ""
    if word in ASK_CLASS_WORDS:
        return AskClass(ASK_CLASS_WORDS[word], code)
    return parse_chat_command(args)
