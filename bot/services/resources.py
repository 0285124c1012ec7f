"""Resources and documents of a chat (issue 12, part 6).

Each bound chat keeps one pinned message listing its useful links and documents. Staff of the
chat's school add an entry («название — ссылка», or a document attached with its title) and
remove one with a button; links must pass the chat's link policy (``policies.links.worst_link``
with the chat's own settings). After every change the pinned message is edited in place; only
when VK shows it is no longer pinned (someone unpinned or deleted it) or it is too old for VK to
edit (24 hours) is the list posted anew and pinned — once: a post in flight is not repeated, the
runner's ``on_sent`` hook records the new message and catches up with changes made meanwhile.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.db import Database
from bot.domain.clock import Clock
from bot.domain.errors import UserError
from bot.pipeline import unit as units
from bot.pipeline.effects import Effects, Lane
from bot.repo import announce as drafts
from bot.repo import chats as chat_repo
from bot.repo import orgs as org_repo
from bot.repo import pending as pending_repo
from bot.repo import resources as repo
from bot.repo.chats import Chat
from bot.repo.resources import Resource
from bot.domain.resources import NewEntry
from bot.services.access import Caller
from bot.services.meetings import may_run, my_chats
from bot.services.resources_results import Added, ChatRef, EntryAsked, PickChat, Removed, Screen, Started
from bot.texts import resources as t
from bot.texts.policies import LINK_REASONS
from bot.vk.gateway import VkGateway
from policies.base import Mode
from policies.links import INSTITUTIONAL, worst_link
from policies.settings import LinkSettings, ModerationSettings

log = logging.getLogger(__name__)

DRAFT = "resource_draft"
MAX_ENTRIES = 30
MAX_DOCS = 10  # attachments of one message
EDITABLE = 23 * 3600  # VK edits a message for 24 hours
POSTING_STALE = 300  # a post with pin not confirmed by then (refused): the next change posts again

SettingsFor = Callable[[Chat], Awaitable[ModerationSettings]]


def pin_text(entries: list[Resource]) -> tuple[str, str]:
    """The pinned message: its text and its attachments (the documents)."""
    lines = [t.PIN_HEADER, ""]
    if not entries:
        lines.append(t.PIN_EMPTY)
    for n, entry in enumerate(entries, 1):
        if entry.url:
            lines.append(t.PIN_LINE_URL.format(n=n, title=entry.title, url=entry.url))
        else:
            lines.append(t.PIN_LINE_DOC.format(n=n, title=entry.title))
    lines += ["", t.PIN_FOOTER]
    docs = [e.attachment for e in entries if e.attachment][:MAX_DOCS]
    return "\n".join(lines), ",".join(d for d in docs if d)


class Resources:
    def __init__(self, db: Database, effects: Effects, clock: Clock, gateway: VkGateway,
                 settings_for: SettingsFor, chats: Any) -> None:
        self.db = db
        self.chats = chats  # bot.services.chats.Chats: who is the chat's staff
        self.effects = effects
        self.clock = clock
        self.gateway = gateway
        self.settings_for = settings_for

    @classmethod
    def of(cls, app: Any) -> Resources:
        return cls(app.db, app.effects, app.clock, app.gateway, app.moderation.settings_for,
                   app.services.chats)

    def now(self) -> int:
        return int(self.clock.now())

    # -- who may, which chat ----------------------------------------------------------------

    async def _check(self, caller: Caller, chat: Chat | None) -> Chat:
        if chat is None or not chat.bound:
            raise UserError(t.NOT_BOUND)
        # the chat's own staff (as for polls and meetings), not any teacher of the school
        if not await may_run(self.db, self.chats, caller, chat):
            raise UserError(t.NOT_ALLOWED)
        return chat

    async def _chat(self, caller: Caller, chat_id: int) -> Chat:
        return await self._check(caller, await chat_repo.get(self.db, chat_id))

    async def chats_for(self, caller: Caller) -> list[Chat]:
        return await my_chats(self.db, self.chats, caller)

    # -- the menu ---------------------------------------------------------------------------

    async def start(self, caller: Caller, chat: Chat | None) -> Started:
        """``/ресурсы`` in a chat (``chat`` given) or privately (pick the chat)."""
        if chat is not None:
            return await self.screen(await self._check(caller, chat))
        chats = await self.chats_for(caller)
        if not chats:
            raise UserError(t.NO_CHATS)
        if len(chats) == 1:
            return await self.screen(chats[0])
        return PickChat(tuple(ChatRef(c.id, c.title) for c in chats))

    async def screen(self, chat: Chat) -> Screen:
        return Screen(chat.id, chat.title, tuple(await repo.of_chat(self.db, chat.id)))

    async def open_chat(self, caller: Caller, chat_id: int) -> Screen:
        """A chat picked with its button."""
        return await self.screen(await self._chat(caller, chat_id))

    async def begin_add(self, caller: Caller, chat_id: int) -> EntryAsked:
        """«Добавить»: the caller's next private message is the entry."""
        chat = await self._chat(caller, chat_id)
        await drafts.close_drafts(self.db, DRAFT, caller.vk_id)
        await pending_repo.create(self.db, kind=DRAFT, vk_id=caller.vk_id, org_id=chat.org_id,
                                  payload={"chat": chat.id, "wait": 1}, now=self.now(), ttl=3600)
        return EntryAsked(chat.title)

    async def remove(self, caller: Caller, chat_id: int, entry_id: int) -> Removed:
        """«Убрать: …»: the entry leaves the list and the pinned message."""
        chat = await self._chat(caller, chat_id)
        entries = {e.id: e for e in await repo.of_chat(self.db, chat.id)}
        entry = entries.get(entry_id)
        if entry is None:
            raise UserError(t.GONE)
        pinned = await self._pinned_now(chat)
        async with self.db.transaction():
            if not await repo.remove(self.db, chat.id, entry.id):
                raise UserError(t.GONE)
            await self.refresh(chat, pinned)
        return Removed(entry.title, await self.screen(chat))

    async def waiting_text(self, vk_id: int) -> int | None:
        return await drafts.draft_waiting(self.db, DRAFT, vk_id, self.now())

    async def _draft_chat(self, caller: Caller, draft_id: int) -> tuple[pending_repo.Pending, Chat]:
        draft = await pending_repo.get(self.db, draft_id)
        if draft is None or draft.kind != DRAFT or draft.vk_id != caller.vk_id or draft.status != "open":
            raise UserError(t.DIALOG_GONE)
        return draft, await self._chat(caller, int(draft.payload.get("chat", 0)))

    async def check_draft(self, caller: Caller, draft_id: int) -> None:
        """The «Добавить» dialog still open and its chat still the caller's (checked before the
        typed entry is read, so a closed dialog is what the caller hears)."""
        await self._draft_chat(caller, draft_id)

    async def add(self, caller: Caller, draft_id: int, entry: NewEntry) -> Added:
        """The typed entry (read by ``bot.domain.resources.read_entry``): checked against the
        chat's link policy and the list's limits, added, the pinned list brought up to date."""
        draft, chat = await self._draft_chat(caller, draft_id)
        if entry.url is not None:
            await self._check_link(chat, entry.url, entry.text)
        entries = await repo.of_chat(self.db, chat.id)
        if len(entries) >= MAX_ENTRIES:
            raise UserError(t.TOO_MANY.format(count=len(entries)))
        if entry.doc and sum(1 for e in entries if e.attachment) >= MAX_DOCS:
            raise UserError(t.TOO_MANY_DOCS.format(limit=MAX_DOCS))
        pinned = await self._pinned_now(chat)  # read from VK before the transaction
        async with self.db.transaction():
            if not await pending_repo.claim(self.db, draft.id, "applied"):
                raise UserError(t.DIALOG_GONE)
            await repo.add(self.db, chat_id=chat.id, title=entry.title, url=entry.url, attachment=entry.doc,
                           added_by=caller.vk_id, now=self.now())
            await self.refresh(chat, pinned)
        return Added(entry.title, await self.screen(chat))

    async def _check_link(self, chat: Chat, url: str, text: str) -> None:
        """The chat's own link policy decides (a link it would delete from a message is refused)."""
        settings = await self.settings_for(chat)
        links = settings.policies.get("links")
        if not isinstance(links, LinkSettings) or links.mode == Mode.OFF:
            return
        org = await org_repo.get(self.db, chat.org_id or 0)
        school = frozenset({org.site_domain}) if org is not None and org.site_domain else frozenset()
        words = [w.casefold() for w in re.findall(r"\w+", text)]
        found = worst_link(url, words, INSTITUTIONAL | school | links.allow_domains, links.block_unknown)
        if found is not None:
            raise UserError(t.LINK_REFUSED.format(reason=LINK_REASONS[found[0]].lower()))

    # -- the pinned message -----------------------------------------------------------------

    async def _pinned_now(self, chat: Chat) -> int | None:
        """What VK shows pinned in the chat now — asked only when the bot has a list there."""
        pin = await repo.pin(self.db, chat.id)
        if pin.cmid is None:
            return None
        return await self.gateway.pinned_cmid(chat.peer_id)

    async def refresh(self, chat: Chat, pinned: int | None) -> None:
        """Bring the pinned list up to date (in the change's transaction): edit in place while VK
        shows it pinned (``pinned``, read before the transaction), else post and pin once."""
        version = await repo.bump(self.db, chat.id)
        pin = await repo.pin(self.db, chat.id)
        now = self.now()
        if pin.posting and pin.posting_at is not None and now - pin.posting_at < POSTING_STALE:
            return  # the post in flight catches up when it is sent (``sent``)
        text, docs = pin_text(await repo.of_chat(self.db, chat.id))
        if pin.cmid is not None and pin.posted_at is not None and now - pin.posted_at < EDITABLE:
            if pinned == pin.cmid:
                await self.effects.edit(chat.peer_id, pin.cmid, text, attachment=docs)
                await repo.mark_shown(self.db, chat.id, version)
                return
        await repo.mark_posting(self.db, chat.id, now)
        await self.effects.send(chat.peer_id, text, attachment=docs or None, pin=True, lane=Lane.NORMAL,
                                track=f"res:{chat.id}:{version}")

    async def sent(self, track: str, cmid: int) -> None:
        """The runner sent a tracked message: a pinned list's new copy (``res:<chat>:<version>``)."""
        kind, _, rest = track.partition(":")
        if kind != "res":
            return
        chat_id, version = (int(x) for x in rest.split(":"))
        with units.unit(f"res-sent:{chat_id}:{cmid}"):
            async with self.db.transaction():
                await repo.mark_posted(self.db, chat_id, cmid, version, self.now())
                pin = await repo.pin(self.db, chat_id)
                chat = await chat_repo.get(self.db, chat_id)
                if chat is None or pin.version <= version:
                    return
                text, docs = pin_text(await repo.of_chat(self.db, chat_id))  # changed meanwhile
                await self.effects.edit(chat.peer_id, cmid, text, attachment=docs)
                await repo.mark_shown(self.db, chat_id, pin.version)
