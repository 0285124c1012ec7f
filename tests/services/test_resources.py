"""Resources of a chat (issue 12 part 6): what a typed entry means, the pinned text, and the
chat's own link policy deciding which links may be listed (strict in children's chats)."""

from __future__ import annotations

import pytest

from bot.domain.clock import FixedClock
from bot.domain.errors import UserError
from bot.pipeline.effects import Effects
from bot.repo import chats as chat_repo
from bot.repo.resources import Resource
from bot.domain.resources import NewEntry, parse_entry, read_entry
from bot.services.resources import Resources, pin_text
from policies.settings import apply_overrides, default_settings
from tests.services.conftest import NOW, World


def test_an_entry_is_a_title_and_one_link_or_a_titled_document() -> None:
    assert parse_entry("Расписание уроков — https://uchi.ru/r", False) == ("Расписание уроков", "https://uchi.ru/r")
    assert parse_entry("https://uchi.ru/r — Расписание", False) == ("Расписание", "https://uchi.ru/r")
    assert parse_entry("Памятка  для родителей", True) == ("Памятка для родителей", None)
    with pytest.raises(UserError, match="название"):
        parse_entry("https://uchi.ru/r", False)
    with pytest.raises(UserError, match="Не понял"):
        parse_entry("Расписание без ссылки", False)
    with pytest.raises(UserError, match="Не понял"):
        parse_entry("Два сайта — https://uchi.ru https://fipi.ru", False)


def test_a_typed_message_is_one_link_or_one_titled_document() -> None:
    text = "Расписание — https://uchi.ru/r"
    assert read_entry(text, None, []) == NewEntry("Расписание", "https://uchi.ru/r", None, text)
    assert read_entry("Памятка", "doc5_7_abc", []) == NewEntry("Памятка", None, "doc5_7_abc", "Памятка")
    with pytest.raises(UserError, match="один документ"):
        read_entry("Памятки", "doc5_7_a,doc5_8_b", [])
    with pytest.raises(UserError, match="фотографии и другие вложения — нельзя"):
        read_entry("Фото", "photo5_7_a", [])
    with pytest.raises(UserError, match="стикер — нельзя"):
        read_entry("Стикер", None, ["стикер"])
    with pytest.raises(UserError, match="слишком длинное"):
        read_entry("Д" * 101 + " — https://uchi.ru/r", None, [])


def test_pin_text_lists_links_and_attaches_the_documents() -> None:
    text, docs = pin_text([Resource(1, 1, "Расписание", "https://uchi.ru/r", None),
                           Resource(2, 1, "Памятка", None, "doc5_7_abc")])
    assert "1. Расписание — https://uchi.ru/r" in text and "2. Памятка (документ во вложении)" in text
    assert docs == "doc5_7_abc"
    assert "Пока пусто." in pin_text([])[0] and pin_text([])[1] == ""


async def _chat(world: World, type_: str, overrides: dict[str, str] | None = None):
    chat, _ = await chat_repo.ensure(world.db, 2_000_000_500 + len(type_), added_by=None, now=NOW)
    await chat_repo.bind(world.db, chat.id, org_id=world.school_a.id, type_=type_, class_id=None, subject=None,
                         title=type_, leader_id=None)
    if overrides:
        await chat_repo.set_overrides(world.db, chat.id, overrides)
    return await chat_repo.get(world.db, chat.id)


async def test_links_obey_the_chats_link_policy(world: World) -> None:
    async def settings_for(chat):
        return apply_overrides(default_settings(chat.type or ""), dict(chat.overrides))

    service = Resources(world.db, Effects(world.db, FixedClock(NOW)), FixedClock(NOW),
                        gateway=None, settings_for=settings_for, chats=None)  # type: ignore[arg-type]
    parents = await _chat(world, "parents_class")
    students = await _chat(world, "students_class")
    await service._check_link(parents, "https://example.org/page", "Кружок — https://example.org/page")
    with pytest.raises(UserError, match="не из списка разрешённых"):
        await service._check_link(students, "https://example.org/page", "Кружок — https://example.org/page")
    await service._check_link(students, "https://uchi.ru/r", "Учи.ру — https://uchi.ru/r")  # institutional
    with pytest.raises(UserError, match="приглашение в другой чат"):
        await service._check_link(parents, "https://vk.me/join/AbC", "Ещё чат — https://vk.me/join/AbC")
    with pytest.raises(UserError, match="мессенджер"):
        await service._check_link(parents, "https://t.me/school", "Канал — https://t.me/school")


async def _recorded(world: World) -> list:
    from bot.repo import outbox

    return [(a.kind, a.params.get("cmid"), bool(a.params.get("pin"))) for a in await outbox.pending(world.db)]


async def test_the_pin_is_posted_once_edited_in_place_and_reposted_when_too_old(world: World) -> None:
    from bot.pipeline.unit import unit

    clock = FixedClock(NOW)
    service = Resources(world.db, Effects(world.db, clock), clock, gateway=None,  # type: ignore[arg-type]
                        settings_for=None, chats=None)  # type: ignore[arg-type]
    chat = await _chat(world, "parents_class")

    async def change(pinned: int | None) -> None:
        with unit():
            async with world.db.transaction():
                await service.refresh(chat, pinned)

    await change(None)
    await change(None)  # a second change while the first post is in flight: no second post
    assert await _recorded(world) == [("send", None, True)]
    await service.sent(f"res:{chat.id}:1", 42)  # the runner sent version 1 as cmid 42
    assert (await _recorded(world))[-1] == ("edit_message", 42, False)  # catching up with version 2
    await change(42)  # VK shows 42 pinned: edited in place
    assert (await _recorded(world))[-1] == ("edit_message", 42, False)
    assert [k for k, _, pin in await _recorded(world) if pin] == ["send"]
    await change(None)  # someone unpinned it: posted and pinned anew
    assert (await _recorded(world))[-1] == ("send", None, True)
    await service.sent(f"res:{chat.id}:4", 50)
    clock.advance(24 * 3600)  # VK no longer edits a day-old message: posted and pinned anew
    await change(50)
    assert (await _recorded(world))[-1] == ("send", None, True)
