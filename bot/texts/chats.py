"""Chats: the answers of /создать, /привязать, /сбросить ссылку and /чаты, rendered from the typed
results of ``bot.services.chats``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import texts
from bot.texts import confirm as ct

if TYPE_CHECKING:
    from bot.services.chats import (ChatBound, ChatCreated, ChatExists, ClassQuestion, LinkReset, SchoolChats,
                                    TerritoryChats)

# the word of the class question (its text and buttons) by chat type
ASK_WORDS = {"parents_class": "родители", "students_class": "ученики"}


def created(r: ChatCreated, leader_vk_name: str | None = None) -> str:
    """``leader_vk_name``: how the leader who could not be added is named (their VK name)."""
    answer = texts.CHAT_CREATED.format(
        title=r.title, link=r.link, share=texts.CHAT_LINK_SHARE if r.shareable else texts.CHAT_LINK_PRIVATE)
    if r.leader_not_added is not None:
        answer += "\n" + texts.leader_cannot_be_added(leader_vk_name or "", r.leader_not_added[1])
    return answer


def exists(r: ChatExists) -> str:
    return texts.CHAT_EXISTS.format(title=r.title, link=r.link)


def class_question(q: ClassQuestion) -> str:
    return ct.ask_class(ASK_WORDS[q.chat_type], q.school, more=q.more)


def class_button(q: ClassQuestion, cls: str) -> str:
    return ct.button_class_chat(ASK_WORDS[q.chat_type], cls)


def bound(r: ChatBound) -> str:
    answer = texts.CHAT_BOUND.format(title=r.title, school=r.school, link=r.link)
    answer += "\n" + ct.BOUND_RENAMED.format(title=r.title)  # VK shows the rename; say why
    if r.unknown:
        # the private list would not arrive: say so here rather than «отправил лично»
        answer += "\n" + (ct.bound_unknown_unreachable(r.unknown) if r.unknown_unreachable
                          else ct.bound_unknown(r.unknown))
    return answer


def link_reset(r: LinkReset) -> str:
    return texts.LINK_RESET.format(link=r.link)


def school_chats(r: SchoolChats) -> str:
    lines = [texts.CHATS_HEADER.format(school=r.school)]
    for chat in r.chats:
        flag = "" if chat.has_rights else texts.CHATS_NO_RIGHTS
        lines.append(texts.CHATS_LINE.format(title=chat.title, members=chat.members, eligible=chat.eligible,
                                             flag=flag))
    if not r.chats:
        lines.append(texts.CHATS_NONE if r.may_create else texts.CHATS_NONE_READONLY)
    if r.has_classes:
        lines.append(texts.CHATS_MISSING.format(parents=", ".join(r.no_parents) or "—",
                                                students=", ".join(r.no_students) or "—"))
    return "\n".join(lines)


def territory(r: TerritoryChats) -> str:
    if not r.schools:
        return ct.TERRITORY_NONE.format(name=r.name)
    lines = [ct.territory_header(r.name)]
    lines += [ct.territory_line(school.name, school.code, school.chats) for school in r.schools]
    lines.append(ct.TERRITORY_HINT)
    return "\n".join(lines)
