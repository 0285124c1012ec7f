"""A long-poll answer nobody can read is skipped (bot/vk/polling.py): never silent — the
operators are told, once, through a recorded action."""

from __future__ import annotations

from bot import texts
from tests.e2e.conftest import OPERATOR_VK, BotHarness, emu, harness  # noqa: F401


async def test_the_operators_are_told_once_of_a_skipped_answer(harness: BotHarness) -> None:  # noqa: F811
    assert harness.runner is not None and harness.app is not None
    assert harness.runner.polling.on_unreadable == harness.runner.bot.report_unreadable
    for _ in range(2):  # the same answer reported again (a restart before the position was saved)
        await harness.runner.bot.report_unreadable("77", 4096)
    await harness.settled()
    told = [m.text for m in harness.emu.sent(OPERATOR_VK)]
    assert told == [texts.UNREADABLE_BATCH.format(size=4096)]
