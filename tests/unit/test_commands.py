from __future__ import annotations

import pytest

from bot.domain import commands

GROUP = 1000


@pytest.mark.parametrize(
    ("text", "private", "key", "args"),
    [
        ("/помощь", True, "help", ""),
        ("помощь", True, "help", ""),
        ("!Помощь", False, "help", ""),
        ("/help", True, "help", ""),
        ("[club1000|@zavuch] помощь", False, "help", ""),
        ("@club1000 /помощь", False, "help", ""),
        ("/отчёт 2026-10", True, "report", "2026-10"),
        ("/отчет 2026-10", True, "report", "2026-10"),
        ("/новый год", True, "new_year", ""),
        ("/снять пред", False, "unwarn", ""),
        ("/пред спам", False, "warn", "спам"),
        ("/создать родители 5А", True, "create", "родители 5А"),
        ("/КОД k7qm-4rtd", True, "code", "k7qm-4rtd"),
    ],
)
def test_parse_known(text: str, private: bool, key: str, args: str) -> None:
    cmd = commands.parse(text, group_id=GROUP, private=private)
    assert cmd is not None and cmd.key == key and cmd.args == args


@pytest.mark.parametrize(
    "text",
    ["привет всем", "помощь нужна с домашкой?", "[club999|@other] помощь", "", "/"],
)
def test_chat_messages_not_addressed_to_bot_are_ignored(text: str) -> None:
    cmd = commands.parse(text, group_id=GROUP, private=False)
    assert cmd is None or cmd.key is None and not cmd.word


def test_unknown_explicit_command_with_suggestion() -> None:
    cmd = commands.parse("/помошь", group_id=GROUP, private=True)
    assert cmd is not None and cmd.spec is None and cmd.explicit
    assert commands.suggest(cmd.word) == "помощь"


def test_private_plain_text_is_not_explicit() -> None:
    cmd = commands.parse("здравствуйте", group_id=GROUP, private=True)
    assert cmd is not None and cmd.spec is None and not cmd.explicit


def test_catalog_keys_unique_and_examples_parse() -> None:
    keys = [spec.key for spec in commands.CATALOG]
    assert len(keys) == len(set(keys))
    for spec in commands.CATALOG:
        example = spec.example.split(" + ")[0]
        parsed = commands.parse(example, group_id=GROUP, private=spec.where != commands.Where.CHAT)
        assert parsed is not None and parsed.key == spec.key, spec.example
