"""Regression (issue 9, item 7): guesses of a code are throttled atomically. The count and the
record of an attempt were two steps, so a burst of 40 guesses all passed the count and all
were checked."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain import codes
from bot.domain.classes import ClassName
from bot.domain.names import normalize_name
from bot.repo import people as people_repo
from bot.services.linking import MAX_WRONG_PER_HOUR, Linked, Throttled, WrongCode
from tests.services.conftest import NOW

GUESSER = 555


@pytest.fixture
async def code(world) -> str:
    class_id = await people_repo.ensure_class(world.db, world.school_a.id, ClassName(5, "А"), NOW)
    name = "Иванов Пётр Сергеевич"
    await people_repo.create_student(world.db, org_id=world.school_a.id, full_name=name,
                                     name_key=normalize_name(name), class_id_=class_id, mode="regular", now=NOW)
    entries, _, _ = await world.linking.issue_for_class(world.school_a, ClassName(5, "А"), actor_vk=10, now=NOW)
    await world.linking.confirm_delivered(entries)
    return entries[0].code


def _wrong_codes(right: str, n: int) -> list[str]:
    found: set[str] = set()
    while len(found) < n:
        candidate = codes.new_code()
        if candidate != right:
            found.add(candidate)
    return sorted(found)


async def test_a_burst_of_40_guesses_checks_at_most_five(world, code, monkeypatch) -> None:
    looked_up: list[str] = []
    real_hash = codes.hash_code

    def counting_hash(value: str, pepper: bytes) -> str:
        looked_up.append(value)
        return real_hash(value, pepper)

    monkeypatch.setattr(codes, "hash_code", counting_hash)
    guesses = _wrong_codes(code, 40)
    answers = await asyncio.gather(*(world.linking.redeem(GUESSER, g, NOW) for g in guesses))

    assert len(looked_up) <= MAX_WRONG_PER_HOUR
    assert await world.db.fetchval("SELECT COUNT(*) FROM code_attempt WHERE vk_id = ?",
                                   (GUESSER,)) == MAX_WRONG_PER_HOUR
    wrong = [a for a in answers if a != Throttled()]
    assert sorted(a.left for a in wrong) == [1, 2, 3, 4] and all(isinstance(a, WrongCode) for a in wrong)
    # the right code is refused too while the account is locked
    assert await world.linking.redeem(GUESSER, code, NOW + 1) == Throttled()


async def test_a_right_code_does_not_use_up_a_guess(world, code) -> None:
    assert isinstance(await world.linking.redeem(GUESSER, code, NOW), Linked)
    assert await world.db.fetchval("SELECT COUNT(*) FROM code_attempt") == 0


async def test_concurrent_guesses_of_two_accounts_are_counted_apart(world, code) -> None:
    guesses = _wrong_codes(code, 20)
    await asyncio.gather(*(world.linking.redeem(600 + i % 2, g, NOW) for i, g in enumerate(guesses)))
    rows = await world.db.fetchall("SELECT vk_id, COUNT(*) FROM code_attempt GROUP BY vk_id ORDER BY vk_id")
    assert [tuple(r) for r in rows] == [(600, MAX_WRONG_PER_HOUR), (601, MAX_WRONG_PER_HOUR)]
