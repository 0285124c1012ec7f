"""Callback API mode: confirmation, secret check, retries deduplicated, events handled."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot import texts
from bot.runtime.app import create_app
from bot.runtime.runner import CallbackRunner
from tests.e2e.conftest import GROUP_ID, BotHarness

SECRET = "s3cret-s3cret-s3cret"  # callback mode refuses secrets shorter than 16 characters


async def test_callback_confirms_checks_secret_and_dedupes(emu, tmp_path: Path) -> None:
    harness = BotHarness(emu, tmp_path / "cb.db", vk={"mode": "callback"},
                         callback={"host": "127.0.0.1", "secret": SECRET, "confirmation": "abc123"})
    app = await create_app(harness.settings())
    runner = CallbackRunner(app, port=0, grace=5)
    await runner.start()
    url = f"http://127.0.0.1:{runner.port}{app.settings.callback.path}"
    user = emu.add_user("Иван", "Петров")
    emu.user_message(user, user, "/помощь")  # the emulator records the event; we deliver it by callback
    event = emu.events()[-1]
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json={"type": "confirmation", "group_id": GROUP_ID}) as resp:
                assert resp.status == 200 and await resp.text() == "abc123"
            async with http.post(url, json={**event, "secret": "wrong"}) as resp:
                assert resp.status == 403
            async with http.post(url, json={**event, "secret": SECRET}) as resp:
                assert resp.status == 200 and await resp.text() == "ok"
            async with http.post(url, json={**event, "secret": SECRET}, headers={"X-Retry-Counter": "1"}) as resp:
                assert await resp.text() == "ok"
            async with http.post(url, json={**event, "group_id": 1, "secret": SECRET}) as resp:
                assert resp.status == 403
        await emu.wait_sent(user, contains=texts.HELP_HEADER_PRIVATE)

        async def done() -> bool:
            return await app.db.fetchval("SELECT status FROM inbox WHERE event_id = ?", (event["event_id"],)) == "done"

        await runner.bot.wait_until(done)
        assert len(emu.sent(user)) == 1  # the retry was not handled again
    finally:
        await runner.stop()
        await app.close()
