"""bot.vk.keyboards refuses what VK would refuse (so a mistake fails in tests, not on a phone)."""

from __future__ import annotations

import json

import pytest

from bot.vk.keyboards import Button, grid, inline, persistent
from vkemu.keyboard import validate_keyboard


def _buttons(n: int, label: str = "Кнопка") -> list[Button]:
    return [Button(label, {"a": "m", "s": "x", "i": i}) for i in range(n)]


def test_inline_and_persistent_sizes() -> None:
    validate_keyboard(json.loads(inline(grid(_buttons(10), 5))))
    with pytest.raises(ValueError):
        inline(grid(_buttons(11), 4))
    with pytest.raises(ValueError):
        inline([_buttons(6)])
    kb = json.loads(persistent(grid(_buttons(40), 4)))
    assert kb["inline"] is False and kb["one_time"] is False
    validate_keyboard(kb)
    with pytest.raises(ValueError):
        persistent(grid(_buttons(41), 5))


def test_labels_are_cut_and_payloads_measured_in_bytes() -> None:
    kb = json.loads(inline([[Button("Очень длинное название школы номер сто двадцать три", {"a": "m"})]]))
    label = kb["buttons"][0][0]["action"]["label"]
    assert len(label) <= 40 and label.endswith("…") and label.startswith("Очень длинное")
    validate_keyboard(kb)
    with pytest.raises(ValueError):
        inline([[Button("", {"a": "m"})]])
    with pytest.raises(ValueError):  # 130 Cyrillic letters are 260 bytes
        inline([[Button("x", {"a": "m", "c": "я" * 130})]])
    empty_rows_dropped = json.loads(inline([[], _buttons(1)]))
    assert len(empty_rows_dropped["buttons"]) == 1
