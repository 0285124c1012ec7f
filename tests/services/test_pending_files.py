"""The handler layer's small use cases on a real database and the VK emulator: pending actions read,
cancelled exactly once and found waiting for typed text (``Pendings``); documents downloaded with a
limit and VK's failures as typed outcomes, answers' files uploaded in order (``Files``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.domain.clock import FixedClock
from bot.repo import meetings as meeting_repo
from bot.repo import pending as pending_repo
from bot.repo import schedule as post_repo
from bot.runtime.app import App, create_app
from bot.services.files import TooLarge, Unreadable
from bot.services.pending import Draft
from vkemu import Emulator

NOW = 1_790_000_000
STEPS = {meeting_repo.DRAFT_KIND: ("day", "time", "topic"), post_repo.DRAFT_KIND: ("content",)}


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[Emulator, App]]:
    emu = Emulator(group_id=1000, token="emu-token")
    await emu.start()
    settings = load_settings(None, vk={"token": "emu-token", "group_id": 1000, "api_url": emu.api_url},
                             db={"path": str(tmp_path / "bot.db")}, bot={"code_pepper": "pepper"})
    app = await create_app(settings, clock=FixedClock(NOW))
    try:
        yield emu, app
    finally:
        await app.close()
        await emu.stop()


async def _pending(app: App, kind: str, vk_id: int, payload: dict[str, object], ttl: int = 3600) -> int:
    return await pending_repo.create(app.db, kind=kind, vk_id=vk_id, org_id=None, payload=payload,
                                     now=app.now(), ttl=ttl)


async def test_a_pending_action_is_cancelled_exactly_once(world: tuple[Emulator, App]) -> None:
    _, app = world
    pending = app.services.pending
    action_id = await _pending(app, "transfer", 7, {"what": "перевод"})
    action = await pending.get(action_id)
    assert action is not None and action.status == "open" and action.payload == {"what": "перевод"}
    # two presses at once: one cancels, the other is told the action is gone
    assert sorted(await asyncio.gather(pending.cancel(action_id), pending.cancel(action_id))) == [False, True]
    closed = await pending.get(action_id)
    assert closed is not None and closed.status == "cancelled" and closed.payload == {}
    assert await pending.cancel(action_id) is False
    assert await pending.get(action_id + 100) is None


async def test_the_draft_waiting_for_text_is_the_latest_open_one_at_a_text_step(world: tuple[Emulator, App]) -> None:
    _, app = world
    pending = app.services.pending
    assert await pending.awaiting_text(7, STEPS) is None
    meeting = await _pending(app, meeting_repo.DRAFT_KIND, 7, {"step": "topic"})
    assert await pending.awaiting_text(7, STEPS) == Draft(meeting, meeting_repo.DRAFT_KIND)
    assert await pending.awaiting_text(8, STEPS) is None  # someone else's draft
    # at a step taken by buttons: the text is not the draft's
    await meeting_repo.save_draft(app.db, meeting, meeting_repo.DRAFT_KIND, {"step": "confirm"})
    assert await pending.awaiting_text(7, STEPS) is None
    post = await _pending(app, post_repo.DRAFT_KIND, 7, {"step": "content"})
    assert await pending.awaiting_text(7, STEPS) == Draft(post, post_repo.DRAFT_KIND)
    # a dialog started later (not a draft of these kinds) takes the person's next text
    await _pending(app, "hotline_answer", 7, {"step": "content"})
    assert await pending.awaiting_text(7, STEPS) is None


async def test_an_expired_or_closed_draft_waits_for_nothing(world: tuple[Emulator, App]) -> None:
    _, app = world
    pending = app.services.pending
    expired = await _pending(app, meeting_repo.DRAFT_KIND, 7, {"step": "day"}, ttl=-1)
    assert await pending.get(expired) is not None
    assert await pending.awaiting_text(7, STEPS) is None
    closed = await _pending(app, meeting_repo.DRAFT_KIND, 9, {"step": "day"})
    assert await pending.awaiting_text(9, STEPS) == Draft(closed, meeting_repo.DRAFT_KIND)
    assert await pending.cancel(closed)
    assert await pending.awaiting_text(9, STEPS) is None


async def test_a_document_is_downloaded_whole_within_the_limit(world: tuple[Emulator, App]) -> None:
    emu, app = world
    files = app.services.files
    user = emu.add_user("Анна", "Петрова", allows_messages=True)
    content = b"name;class\n" + b"x" * 200_000
    doc = emu._user_attachment(user, {"type": "doc", "title": "a.csv", "content": content})["doc"]
    assert await files.download(doc["url"], limit=len(content)) == content
    assert await files.download(doc["url"], limit=len(content) - 1) == TooLarge(len(content) - 1)
    # no link (a document the bot may not read), a link VK does not serve: unreadable
    assert await files.download(None, limit=10) == Unreadable()
    assert await files.download(doc["url"].replace(f"/files/{doc['id']}/", "/files/999999/"), limit=10) == Unreadable()


async def test_the_files_of_an_answer_are_uploaded_in_order(world: tuple[Emulator, App]) -> None:
    emu, app = world
    user = emu.add_user("Анна", "Петрова", allows_messages=True)
    docs = await app.services.files.upload(user, [("a.xlsx", b"first"), ("a.csv", b"second")])
    assert [emu.doc_bytes(d) for d in docs] == [b"first", b"second"]
    assert await app.services.files.upload(user, []) == []
