"""What the resources' use cases answer (rendered by handlers/resources.py with
bot/texts/resources.py): typed results, no Russian text, no keyboards."""

from __future__ import annotations

from dataclasses import dataclass

from bot.repo.resources import Resource


@dataclass(frozen=True)
class Screen:
    """A chat's list as its staff see it (with «Добавить» and «Убрать: …»)."""

    chat_id: int
    title: str
    entries: tuple[Resource, ...]


@dataclass(frozen=True)
class ChatRef:
    id: int
    title: str


@dataclass(frozen=True)
class PickChat:
    """Several chats the caller keeps a list for: which one."""

    chats: tuple[ChatRef, ...]


@dataclass(frozen=True)
class EntryAsked:
    """«Добавить»: the next private message is the entry."""

    chat_title: str


@dataclass(frozen=True)
class Added:
    title: str
    screen: Screen


@dataclass(frozen=True)
class Removed:
    title: str
    screen: Screen


Started = Screen | PickChat
