"""vkemu refuses keyboards the way VK does (error 911): sizes of inline and persistent
keyboards, labels, payloads."""

from __future__ import annotations

import json

import pytest

from vkemu.errors import VKError
from vkemu.keyboard import validate_keyboard


def _kb(rows: int, per_row: int, *, inline: bool, label: str = "Кнопка", payload: str | None = '{"a":"m"}',
        **extra: object) -> dict:
    action: dict = {"type": "callback", "label": label}
    if payload is not None:
        action["payload"] = payload
    return {"inline": inline, **extra, "buttons": [[{"action": dict(action)} for _ in range(per_row)]
                                                    for _ in range(rows)]}


def _refused(kb: dict) -> str:
    with pytest.raises(VKError) as info:
        validate_keyboard(kb)
    assert info.value.code == 911
    return str(info.value)


def test_inline_limits() -> None:
    validate_keyboard(_kb(2, 5, inline=True))  # 10 buttons
    _refused(_kb(3, 4, inline=True))  # 12 buttons
    _refused(_kb(7, 1, inline=True))  # 7 rows
    _refused(_kb(1, 6, inline=True))  # 6 in a row
    _refused(_kb(1, 1, inline=True, one_time=True))


def test_persistent_limits() -> None:
    validate_keyboard(_kb(8, 5, inline=False, one_time=False))  # 40 buttons
    _refused(_kb(9, 5, inline=False))  # 45 buttons
    _refused(_kb(11, 1, inline=False))  # 11 rows


def test_labels_and_payloads() -> None:
    validate_keyboard(_kb(1, 1, inline=True, label="я" * 40))
    _refused(_kb(1, 1, inline=True, label="я" * 41))
    _refused(_kb(1, 1, inline=True, label=""))
    _refused(_kb(1, 1, inline=True, payload=json.dumps({"x": "y" * 260})))
    _refused(_kb(1, 1, inline=True, payload="{not json"))
