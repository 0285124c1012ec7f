"""Linking VK accounts to roster entries with one-time codes handed out on paper.

The admission loop closes here: redeeming a code links the account, ends every quarantine the
person waits in (the moderators' alerts closed with the outcome), and answers with the links of
exactly the chats the person is not in yet — once (the «link» roster event is recorded already
consumed, so the membership job does not send the links a second time).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot import texts
from bot.db import Database
from bot.domain import codes
from bot.domain.classes import ClassName, parse_class
from bot.domain.code_slips import SlipContext, slips_xlsx
from bot.domain.errors import UserError
from bot.domain.tables import CodeEntry, codes_sheet, to_csv
from bot.repo import audit
from bot.repo import chats as chat_repo
from bot.repo import codes as code_repo
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from bot.repo import pending as pending_repo
from bot.repo import people as people_repo
from bot.repo.chats import Chat
from bot.repo.orgs import Org
from bot.repo.pending import Pending
from bot.services import eligibility
from bot.services.roster_results import Gone
from bot.texts import admission as t
from bot.vk.names import Names

if TYPE_CHECKING:
    from bot.services.admission import Admission
    from bot.services.notify import Notifier

log = logging.getLogger(__name__)

MAX_WRONG_PER_HOUR = 5
HOUR = 3600
PUBLIC_NOTE_SECONDS = 120  # the chat note about a deleted code stays this long

Target = tuple[people_repo.Person, str, str | None]  # who gets a code: (person, kind, child's name)


@dataclass(frozen=True)
class Printout:
    """A sheet of new codes (XLSX slips + CSV list), and who was left out because the code
    they already hold still works."""

    cls: ClassName | None  # the class of the sheet, None: the school's staff
    entries: list[CodeEntry]
    xlsx: bytes
    csv: bytes
    kept: list[str] = field(default_factory=list)  # names of people holding a valid code (not reprinted)
    org_name: str = ""


@dataclass(frozen=True)
class ReissueAsked:
    """Printing a sheet again would stop the codes these people hold: asked first."""

    action_id: int
    cls: ClassName | None
    holders: tuple[str, ...]


@dataclass(frozen=True)
class Links:
    to_join: list[Chat]
    already_in: list[Chat]


# -- what redeeming a code did ----------------------------------------------------------------

@dataclass(frozen=True)
class LinkedAs:
    """Whom the account was linked as: a student (name, class), a parent (their children with
    classes) or a staff member, in the school ``org_name``."""

    kind: str  # student | parent | staff
    name: str
    class_name: str | None
    children: tuple[tuple[str, str | None], ...]
    org_name: str


@dataclass(frozen=True)
class Linked:
    person_id: int
    who: LinkedAs
    admitted: tuple[str, ...]  # titles of the chats where this account's wait ended
    links: Links


@dataclass(frozen=True)
class Throttled:
    """Too many wrong codes in the hour."""


@dataclass(frozen=True)
class WrongCode:
    left: int  # guesses left in the hour (> 0)


@dataclass(frozen=True)
class CodeExpired:
    """A real code, but expired (or its person is no longer on the lists)."""


@dataclass(frozen=True)
class CodeTakenByOther:
    """The code's person is linked to another VK account."""


@dataclass(frozen=True)
class CodeConflict:
    """This account is linked to another entry of the same kind in the school."""


Redeemed = Linked | Throttled | WrongCode | CodeExpired | CodeTakenByOther | CodeConflict


@dataclass(frozen=True)
class NotLinked:
    """/ссылки from an account that is not on any school's lists."""


class Linking:
    def __init__(self, db: Database, pepper: bytes, code_ttl_days: int, *,
                 admission: Admission | None = None, notifier: Notifier | None = None) -> None:
        self.db = db
        self.pepper = pepper
        self.ttl = code_ttl_days * 24 * 3600
        # ends quarantines when a code is redeemed (absent in tests of codes alone)
        self.admission = admission
        self.notifier = notifier  # hides codes posted in chats

    # -- printing -------------------------------------------------------------------------

    async def class_targets(self, org: Org, cls: ClassName) -> tuple[int, list[Target]]:
        """(class id, [(person, kind, child's name)]): every unlinked student of the class and
        their unlinked parents, each once."""
        class_id = await people_repo.class_id(self.db, org.id, cls)
        if class_id is None:
            raise UserError(texts.CODES_CLASS_NOT_FOUND.format(org=org.name, cls=cls))
        targets: list[Target] = []
        seen: set[int] = set()
        for student in await people_repo.students_of_class(self.db, class_id):
            family: list[Target] = [(student, "student", None)]
            family += [(parent, "parent", student.full_name) for parent in await people_repo.parents(self.db, student.id)]
            for person, kind, child in family:
                if person.vk_id is None and person.id not in seen:
                    seen.add(person.id)
                    targets.append((person, kind, child))
        return class_id, targets

    async def staff_targets(self, org: Org) -> list[Target]:
        """Every active staff member of the school who has not linked VK yet."""
        found = []
        for person_id in sorted(await people_repo.active_staff_ids(self.db, org.id)):
            person = await people_repo.get(self.db, person_id)
            if person is not None and person.vk_id is None:
                found.append((person, "staff", None))
        return sorted(found, key=lambda item: item[0].full_name)

    async def holders(self, org: Org, cls: ClassName | None, now: int) -> list[str]:
        """Names of the people of a sheet (a class, or None: staff) whose printed code still
        works — a re-issue would stop it."""
        class_id, targets = await self._targets(org, cls)
        holding = await code_repo.holding_valid(self.db, [p.id for p, _, _ in targets], class_id, now)
        return [p.full_name for p, _, _ in targets if p.id in holding]

    async def _targets(self, org: Org, cls: ClassName | None) -> tuple[int | None, list[Target]]:
        if cls is None:
            return None, await self.staff_targets(org)
        return await self.class_targets(org, cls)

    async def issue(self, org: Org, cls: ClassName | None, *, actor_vk: int, now: int, community: str,
                    reissue: bool = False) -> Printout:
        """New codes for a class sheet (``cls``) or the staff sheet (None).

        Without ``reissue`` only people holding no working code of this sheet get one: codes
        already handed out on paper keep working. With ``reissue`` (after the admin confirmed,
        told whose codes stop working) everyone unlinked gets a new code; the older ones stop
        working once the new sheet reached the admin (``confirm_delivered``); ``discard`` drops a
        sheet that never did.
        """
        class_id, targets = await self._targets(org, cls)
        until = datetime.fromtimestamp(now + self.ttl, UTC).date()
        entries: list[CodeEntry] = []
        kept: list[str] = []
        async with self.db.transaction():
            holding = set() if reissue else await code_repo.holding_valid(
                self.db, [p.id for p, _, _ in targets], class_id, now)
            for person, kind, child in targets:
                if person.id in holding:
                    kept.append(person.full_name)
                    continue
                code = codes.new_code()
                await code_repo.add(self.db, person_id=person.id, code_hash=codes.hash_code(code, self.pepper),
                                    expires_at=now + self.ttl, created_by=actor_vk, now=now, class_id=class_id)
                entries.append(CodeEntry(person.full_name, cls if kind != "staff" else None, kind, code, until,
                                         child, person.id))
        # the printed sheet is a document, rendered here like the CSV beside it
        title = texts.CODES_SHEET_TITLE.format(cls=cls) if cls is not None else t.CODES_SHEET_STAFF
        headers, rows = codes_sheet(entries)
        xlsx = slips_xlsx(entries, SlipContext(org.name, community), title) if entries else b""
        return Printout(cls, entries, xlsx, to_csv(headers, rows), kept, org.name)

    async def ask_reissue(self, actor_vk: int, org: Org, cls: ClassName | None, now: int) -> ReissueAsked | None:
        """«/коды 5А заново»: when someone of the sheet holds a working code, the question naming
        them (a pending action); None when nobody does (print at once)."""
        holders = await self.holders(org, cls, now)
        if not holders:
            return None
        group = str(cls) if cls is not None else t.STAFF_GROUP
        action_id = await pending_repo.create(
            self.db, kind="codes_reissue", vk_id=actor_vk, org_id=org.id, now=now, ttl=3600,
            payload={"what": t.REISSUE_WHAT.format(group=group, names=t.names_list(holders)),
                     "cls": str(cls) if cls else None})
        return ReissueAsked(action_id, cls, tuple(holders))

    async def reissue_confirmed(self, actor_vk: int, action: Pending, *, now: int, community: str) -> Printout | Gone:
        """The question was confirmed: everyone unlinked of the sheet gets a new code."""
        org = await org_repo.get(self.db, action.org_id or 0)
        if org is None or not await pending_repo.claim(self.db, action.id, "applied"):
            return Gone()
        cls_text = action.payload.get("cls")
        return await self.issue(org, parse_class(cls_text) if cls_text else None, actor_vk=actor_vk, now=now,
                                community=community, reissue=True)

    async def issue_for_class(self, org: Org, cls: ClassName, *, actor_vk: int, now: int,
                              community: str = "школы") -> tuple[list[CodeEntry], bytes, bytes]:
        """The class sheet (``issue`` without re-issue): entries, XLSX, CSV."""
        printout = await self.issue(org, cls, actor_vk=actor_vk, now=now, community=community)
        return printout.entries, printout.xlsx, printout.csv

    async def confirm_delivered(self, entries: list[CodeEntry]) -> None:
        """The printout reached the staff member: these people's older unused codes *of the same
        sheet* stop working (a sheet of another class, e.g. a sibling's, stays valid)."""
        await code_repo.drop_older(self.db, [(e.person_id, codes.hash_code(e.code, self.pepper)) for e in entries])

    async def discard(self, entries: list[CodeEntry]) -> None:
        """Delivery failed: drop the new codes; the previous printout stays valid."""
        await code_repo.drop_unused(self.db, [codes.hash_code(e.code, self.pepper) for e in entries])

    # -- redeeming ------------------------------------------------------------------------

    async def redeem(self, vk_id: int, code: str | None, now: int) -> Redeemed:
        """Link ``vk_id`` by a code: ``code`` is the one found in what the person wrote
        (``codes.find_codes``), None when it carried none."""
        if code is None:
            if await self._attempts(vk_id, now) >= MAX_WRONG_PER_HOUR:
                return Throttled()
            raise UserError(texts.CODE_BAD_FORMAT)  # a typo is not a guess
        slot = await self._claim_attempt(vk_id, now)
        if slot is None:
            return Throttled()
        attempt_id, earlier = slot
        answer = await self._check(vk_id, code, now)
        if answer is None:  # a wrong guess keeps its slot
            left = MAX_WRONG_PER_HOUR - earlier - 1
            return WrongCode(left) if left > 0 else Throttled()
        # a real code (even an expired one) was no guess: the slot is given back
        await code_repo.drop_attempt(self.db, attempt_id)
        return answer

    async def _attempts(self, vk_id: int, now: int) -> int:
        return await code_repo.attempts_since(self.db, vk_id, now - HOUR)

    async def _claim_attempt(self, vk_id: int, now: int) -> tuple[int, int] | None:
        """Take one of the hour's guess slots before the code is looked at: counting and
        inserting in one write transaction, so a burst of guesses cannot all pass the count.
        Returns (attempt row id, earlier attempts in the hour), or None when none is left."""
        async with self.db.transaction():
            used = await self._attempts(vk_id, now)
            if used >= MAX_WRONG_PER_HOUR:
                return None
            return await code_repo.add_attempt(self.db, vk_id, now), used

    async def _check(self, vk_id: int, canonical: str, now: int) -> Redeemed | None:
        """The code itself, once a guess slot is held; None for a wrong guess (no such code, or
        one another account used)."""
        digest = codes.hash_code(canonical, self.pepper)
        row = await code_repo.by_hash(self.db, digest)
        if row is None or (row.used_at is not None and row.used_by_vk != vk_id):
            return None
        if row.used_at is not None:
            # This account already redeemed the code: answer again (the links it still lacks,
            # any wait still open ended), but record no second «link» event.
            person = await people_repo.get(self.db, row.person_id)
            if person is not None and person.status == "active" and person.vk_id == vk_id:
                async with self.db.transaction():
                    return await self._after_link(person, vk_id, now)
        if row.expires_at <= now:
            return CodeExpired()
        person = await people_repo.get(self.db, row.person_id)
        if person is None or person.status != "active":
            return CodeExpired()
        if person.vk_id is not None and person.vk_id != vk_id:
            return CodeTakenByOther()
        clash = await people_repo.other_with_vk(self.db, person.home_org_id, person.kind, vk_id, person.id)
        if clash:
            return CodeConflict()
        async with self.db.transaction():
            claimed = await code_repo.use(self.db, row.id, vk_id=vk_id, now=now)
            if not claimed and row.used_by_vk != vk_id:
                return None  # another account took the code a moment ago
            await people_repo.link_vk(self.db, person.id, vk_id, now)
            # the event is history (reports, audit): the links go out with this answer, so it is
            # recorded consumed — the membership job must not send them a second time
            event_id = await people_repo.record_event(self.db, org_id=person.home_org_id, kind="link",
                                                      person_id=person.id, now=now, details={"by": "code"})
            await people_repo.consume_events(self.db, [event_id], now)
            linked = await people_repo.get(self.db, person.id)
            assert linked is not None
            return await self._after_link(linked, vk_id, now)

    async def _after_link(self, person: people_repo.Person, vk_id: int, now: int) -> Linked:
        """Inside the linking transaction: every wait ended, and the links."""
        admitted = await self.admission.admit_linked(vk_id, now) if self.admission is not None else []
        return Linked(person.id, await self._linked_as(person), tuple(c.title for c in admitted),
                      await self.links_for(vk_id))

    async def _linked_as(self, person: people_repo.Person) -> LinkedAs:
        org = await org_repo.get(self.db, person.home_org_id)
        kids = await people_repo.children(self.db, person.id) if person.kind == "parent" else []
        kind = person.kind if person.kind in ("parent", "student") else "staff"
        return LinkedAs(kind, person.full_name, person.class_name, tuple((k.full_name, k.class_name) for k in kids),
                        org.name if org else "")

    # -- a code posted in a chat ------------------------------------------------------------

    async def hide_posted_code(self, chat: Chat, vk_id: int, cmid: int, text: str, now: int) -> bool:
        """A chat message carrying a join code that still works: the message is deleted (a
        recorded action), the code is *not* redeemed in public, and the author is told privately
        (and by a short chat note, removed after a while) to send it to the bot privately.
        Returns True when the message carried such a code.

        The code stays valid: it is gone from the chat within seconds, it was most likely its
        owner who posted it, and killing it would leave the family without a working paper slip.
        Should someone else have redeemed it meanwhile, the owner gets «уже привязан к другому
        аккаунту» and the school re-issues (/коды … заново)."""
        live = False
        for code in codes.find_codes(text, lenient=True):
            row = await code_repo.by_hash(self.db, codes.hash_code(code, self.pepper))
            live = live or (row is not None and row.used_at is None and row.expires_at > now)
        if not live or self.notifier is None:
            return False
        await self.notifier.effects.delete(chat.peer_id, [cmid], chat_id=chat.id)
        await audit.write(self.db, action="delete", now=now, org_id=chat.org_id, chat_id=chat.id,
                          target_vk=vk_id, reason="join_code_in_chat")
        await self.notifier.send(vk_id, t.CODE_POSTED_PRIVATE.format(title=chat.title))
        # the private word may never arrive (they never allowed the community's messages): a short
        # note in the chat too, without the code, cleaned up after a while
        await self.notifier.send(chat.peer_id, t.CODE_POSTED_PUBLIC.format(name=Names.placeholder(vk_id)),
                                 delete_after=PUBLIC_NOTE_SECONDS)
        return True

    # -- links ----------------------------------------------------------------------------

    async def links_for(self, vk_id: int) -> Links:
        """The chats this account belongs in (every school it is linked in) that have an invite
        link: those it is not in yet, and those it already is in."""
        member_of = set(await member_repo.chats_of_vk(self.db, vk_id))
        to_join: dict[int, Chat] = {}
        already: dict[int, Chat] = {}
        for person in await people_repo.by_vk(self.db, vk_id):
            if person.status != "active":
                continue
            chats = [c for c in await chat_repo.in_org(self.db, person.home_org_id) if c.bound]
            for chat in await eligibility.chats_for(self.db, person, chats):
                if chat.id in member_of:
                    already[chat.id] = chat
                elif chat.invite_link:
                    to_join[chat.id] = chat
        return Links([c for i, c in to_join.items() if i not in already], list(already.values()))

    async def my_links(self, vk_id: int) -> Links | NotLinked:
        """/ссылки: the links again, at any time."""
        if not [p for p in await people_repo.by_vk(self.db, vk_id) if p.status == "active"]:
            return NotLinked()
        return await self.links_for(vk_id)
