"""End-to-end harness: vkemu on a free loopback port and the real vkbottle bot pointed at it,
with a fresh SQLite database per test. Nothing sleeps: tests await conditions with timeouts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.app import App, create_app
from bot.domain.clock import Clock, ShiftedClock
from bot.config import Settings, load_settings
from bot.runtime.runner import Runner
from vkemu import Emulator

DAYTIME = 1_794_992_400  # Wed 2026-11-18 12:00 Europe/Moscow
GROUP_ID = 1000
TOKEN = "emu-token"
OPERATOR_VK = 1  # an operator from the config (added as a VK user by the fixture)


class BotHarness:
    """Start, stop and restart the real bot against the emulator with one database."""

    def __init__(self, emu: Emulator, db_path: Path, *, clock: Clock | None = None, **overrides: Any) -> None:
        self.emu = emu
        self.db_path = db_path
        # inject time (e.g. FixedClock); by default real time shifted to a weekday noon in Moscow, so
        # that no test depends on the hour it runs at (quiet hours start at 22:00)
        self.clock = clock or ShiftedClock(DAYTIME)
        self.overrides = overrides
        self.app: App | None = None
        self.runner: Runner | None = None

    def settings(self) -> Settings:
        values: dict[str, Any] = {
            "vk": {"token": TOKEN, "group_id": GROUP_ID, "api_url": self.emu.api_url},
            "db": {"path": str(self.db_path)},
            "bot": {"operators": [OPERATOR_VK], "rights_check_seconds": 3600, "code_pepper": "test-pepper"},
        }
        for table, keys in self.overrides.items():
            values.setdefault(table, {}).update(keys)
        return load_settings(None, **values)

    async def start(self) -> App:
        polls = self.emu.longpoll.requests
        self.app = await create_app(self.settings(), clock=self.clock)
        self.runner = Runner(self.app, wait=1, grace=5)
        await self.runner.start()
        # VK only delivers events after the bot has fetched its long-poll position: wait for it
        await self.emu.wait_longpoll(since=polls)
        return self.app

    async def stop(self) -> None:
        """Every step bounded (Runner.stop, App.close): a teardown never hangs; the app is
        closed even when stopping the runner failed."""
        try:
            if self.runner is not None:
                await self.runner.stop()
        finally:
            self.runner = None
            app, self.app = self.app, None
            if app is not None:
                await app.close()

    async def restart(self) -> App:
        await self.stop()
        return await self.start()

    async def wait_until(self, predicate: Any, timeout: float = 5.0) -> Any:
        assert self.runner is not None
        return await self.runner.bot.wait_until(predicate, timeout)

    async def settled(self, timeout: float = 10.0) -> None:
        """Every event queued so far handled and every action it recorded performed."""
        assert self.runner is not None
        await self.runner.bot.settled(timeout)

    @property
    def db(self):
        assert self.app is not None
        return self.app.db


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(group_id=GROUP_ID, token=TOKEN)
    await emulator.start()
    emulator.add_user("Ольга", "Операторова", allows_messages=True, user_id=OPERATOR_VK)
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
async def harness(emu: Emulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    h = BotHarness(emu, tmp_path / "bot.db")
    await h.start()
    try:
        yield h
    finally:
        await h.stop()
