"""Fixtures for vkemu's own tests: a started emulator and a small HTTP client."""
from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from vkemu import Emulator
from vkemu.params import stringify

TOKEN = "emu-token"
GID = 1000


class Client:
    def __init__(self, session: aiohttp.ClientSession, emu: Emulator):
        self.session = session
        self.emu = emu

    async def raw(self, method: str, *, token: str | None = TOKEN, v: str | None = "5.199",
                  **params: Any) -> dict:
        data = {k: stringify(val) for k, val in params.items()}
        query = {}
        if token is not None:
            query["access_token"] = token
        if v is not None:
            query["v"] = v
        async with self.session.post(f"{self.emu.base_url}/method/{method}", params=query,
                                     data=data) as resp:
            assert resp.status == 200
            return await resp.json()

    async def ok(self, method: str, **params: Any) -> Any:
        body = await self.raw(method, **params)
        assert "error" not in body, body
        return body["response"]

    async def err(self, method: str, **params: Any) -> int:
        body = await self.raw(method, **params)
        assert "error" in body, body
        return body["error"]["error_code"]

    async def poll(self, server: dict, ts: str | None = None, wait: float = 0,
                   key: str | None = None) -> dict:
        params = {"act": "a_check", "key": key or server["key"], "ts": ts or server["ts"],
                  "wait": str(wait)}
        async with self.session.post(server["server"], params=params) as resp:
            return await resp.json()


@pytest.fixture
async def emu():
    emulator = Emulator(group_id=GID, token=TOKEN, rps_limit=20, group_name="Завуч")
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def vk(emu):
    async with aiohttp.ClientSession() as session:
        yield Client(session, emu)


@pytest.fixture
def world(emu):
    """Two users who allow messages, one who doesn't, and a chat with the bot as admin."""
    anna = emu.add_user("Анна", "Иванова", allows_messages=True)
    boris = emu.add_user("Борис", "Петров", allows_messages=True)
    vera = emu.add_user("Вера", "Сидорова")
    peer = emu.create_chat("5А родители", anna, [boris, vera], with_bot=True, bot_admin=True)
    return {"anna": anna, "boris": boris, "vera": vera, "peer": peer}
