"""The names cache remembers what VK says of a person's sex, so texts can agree with them
without asking VK again; without it, the name decides; unknown until the name was fetched."""

from __future__ import annotations

from typing import Any

from bot.vk.names import Names


class FakeGateway:
    def __init__(self, users: dict[int, dict[str, Any]]) -> None:
        self.users = users
        self.calls: list[dict[str, Any]] = []

    async def call(self, method: str, **params: Any) -> Any:
        self.calls.append({"method": method, **params})
        return [self.users[int(params["user_ids"])]]


async def test_sex_from_vk_then_the_name_then_unknown() -> None:
    gateway = FakeGateway({
        1: {"id": 1, "first_name": "Саша", "last_name": "Ким", "sex": 1},
        2: {"id": 2, "first_name": "Вера", "last_name": "Петрова", "sex": 0},
        3: {"id": 3, "first_name": "Саша", "last_name": "Ким"},
        4: {"id": 4, "first_name": "Jordan", "last_name": "Lee", "sex": 2},
    })
    names = Names(gateway)  # type: ignore[arg-type]
    assert names.female(1) is None  # not fetched yet: nothing is asked of VK here
    assert gateway.calls == []
    for vk_id in (1, 2, 3, 4):
        await names.name(vk_id)
    assert gateway.calls[0] == {"method": "users.get", "user_ids": 1, "fields": "sex"}
    assert names.female(1) is True  # VK says so, the name could not
    assert names.female(2) is True  # no sex given: the name decides
    assert names.female(3) is None
    assert names.female(4) is False


async def test_expired_names_are_unknown() -> None:
    clock = [0.0]
    names = Names(FakeGateway({1: {"id": 1, "first_name": "Вера", "last_name": "Петрова"}}),  # type: ignore[arg-type]
                  monotonic=lambda: clock[0])
    await names.name(1)
    assert names.female(1) is True
    clock[0] += 7 * 3600
    assert names.female(1) is None and names.cached(1) is None
