"""Linking VK accounts to roster entries with one-time codes handed out on paper."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot import texts
from bot.db import Database
from bot.domain import codes
from bot.domain.classes import ClassName
from bot.domain.tables import CodeEntry, codes_sheet, to_csv, to_xlsx
from bot.domain.errors import UserError
from bot.repo import codes as code_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo.orgs import Org

log = logging.getLogger(__name__)

MAX_WRONG_PER_HOUR = 5
HOUR = 3600


class Linking:
    def __init__(self, db: Database, pepper: bytes, code_ttl_days: int) -> None:
        self.db = db
        self.pepper = pepper
        self.ttl = code_ttl_days * 24 * 3600

    async def issue_for_class(self, org: Org, cls: ClassName, *, actor_vk: int, now: int) -> tuple[list[CodeEntry], bytes, bytes]:
        """New codes for every unlinked student of the class and their unlinked parents.

        Earlier unused codes keep working until ``confirm_delivered`` (only the newest printout
        is valid once it reached the staff member); ``discard`` drops a printout that never did.
        Returns the entries, an XLSX and a CSV.
        """
        class_id = await people_repo.class_id(self.db, org.id, cls)
        if class_id is None:
            raise UserError(texts.CODES_CLASS_NOT_FOUND.format(org=org.name, cls=cls))
        until = datetime.fromtimestamp(now + self.ttl, UTC).date()
        entries: list[CodeEntry] = []
        issued: set[int] = set()
        async with self.db.transaction():
            for student in await people_repo.students_of_class(self.db, class_id):
                targets: list[tuple[people_repo.Person, str, str | None]] = [(student, "student", None)]
                targets += [(parent, "parent", student.full_name)
                            for parent in await people_repo.parents(self.db, student.id)]
                for person, kind, child in targets:
                    if person.vk_id is not None or person.id in issued:
                        continue
                    issued.add(person.id)
                    code = codes.new_code()
                    await code_repo.add(self.db, person_id=person.id, code_hash=codes.hash_code(code, self.pepper),
                                        expires_at=now + self.ttl, created_by=actor_vk, now=now, class_id=class_id)
                    entries.append(CodeEntry(person.full_name, cls, kind, code, until, child, person.id))
        headers, rows = codes_sheet(entries)
        return entries, to_xlsx({texts.CODES_SHEET_TITLE.format(cls=cls): (headers, rows)}), to_csv(headers, rows)

    async def confirm_delivered(self, entries: list[CodeEntry]) -> None:
        """The printout reached the staff member: these people's older unused codes *of the same
        class's sheets* stop working (a sheet of another class, e.g. a sibling's, stays valid)."""
        await code_repo.drop_older(self.db, [(e.person_id, codes.hash_code(e.code, self.pepper)) for e in entries])

    async def discard(self, entries: list[CodeEntry]) -> None:
        """Delivery failed: drop the new codes; the previous printout stays valid."""
        await code_repo.drop_unused(self.db, [codes.hash_code(e.code, self.pepper) for e in entries])

    async def redeem(self, vk_id: int, text: str, now: int) -> tuple[str, int | None]:
        """Link ``vk_id`` by a code; returns (answer, linked person id or None)."""
        canonical = codes.normalize_code(text)
        if canonical is None:
            if await self._attempts(vk_id, now) >= MAX_WRONG_PER_HOUR:
                return texts.CODE_THROTTLED, None
            raise UserError(texts.CODE_BAD_FORMAT)  # a typo is not a guess
        slot = await self._claim_attempt(vk_id, now)
        if slot is None:
            return texts.CODE_THROTTLED, None
        attempt_id, earlier = slot
        answer = await self._check(vk_id, canonical, now)
        if answer is None:  # a wrong guess keeps its slot
            left = MAX_WRONG_PER_HOUR - earlier - 1
            return (texts.CODE_WRONG.format(left=left) if left > 0 else texts.CODE_THROTTLED), None
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

    async def _check(self, vk_id: int, canonical: str, now: int) -> tuple[str, int | None] | None:
        """The code itself, once a guess slot is held: (answer, linked person id or None), or
        None for a wrong guess (no such code, or one another account used)."""
        digest = codes.hash_code(canonical, self.pepper)
        row = await code_repo.by_hash(self.db, digest)
        if row is None or (row.used_at is not None and row.used_by_vk != vk_id):
            return None
        if row.used_at is not None:
            # This account already redeemed the code: answer again, but record nothing new
            # (a second «link» event would make chat membership act twice).
            person = await people_repo.get(self.db, row.person_id)
            if person is not None and person.status == "active" and person.vk_id == vk_id:
                return await self._linked_answer(person), person.id
        if row.expires_at <= now:
            return texts.CODE_EXPIRED, None
        person = await people_repo.get(self.db, row.person_id)
        if person is None or person.status != "active":
            return texts.CODE_EXPIRED, None
        if person.vk_id is not None and person.vk_id != vk_id:
            return texts.CODE_ALREADY_OTHER, None
        clash = await people_repo.other_with_vk(self.db, person.home_org_id, person.kind, vk_id, person.id)
        if clash:
            return texts.CODE_CONFLICT, None
        async with self.db.transaction():
            claimed = await code_repo.use(self.db, row.id, vk_id=vk_id, now=now)
            if not claimed and row.used_by_vk != vk_id:
                return None  # another account took the code a moment ago
            await people_repo.link_vk(self.db, person.id, vk_id, now)
            await people_repo.record_event(self.db, org_id=person.home_org_id, kind="link", person_id=person.id,
                                           now=now, details={"by": "code"})
        return await self._linked_answer(person), person.id

    async def _linked_answer(self, person: people_repo.Person) -> str:
        org = await org_repo.get(self.db, person.home_org_id)
        return texts.CODE_LINKED.format(who=await self._who(person), org=org.name if org else "")

    async def _who(self, person: people_repo.Person) -> str:
        if person.kind == "parent":
            kids = await people_repo.children(self.db, person.id)
            return texts.CODE_LINKED_PARENT.format(
                children=", ".join(f"{k.full_name}, {k.class_name or '—'}" for k in kids) or "—")
        if person.kind == "student":
            return texts.CODE_LINKED_STUDENT.format(cls=person.class_name or "—")
        return texts.CODE_LINKED_STAFF
