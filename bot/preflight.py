"""``zavuch check``: ask VK whether the community is set up for the bot, in Russian."""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.config import API_VERSION, Settings
from bot.vk.errors import VkError
from bot.vk.gateway import VkGateway

REQUIRED_EVENTS = ("message_new", "message_event")


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    line: str


async def run_checks(settings: Settings, gateway: VkGateway) -> list[CheckResult]:
    results: list[CheckResult] = []

    def ok(what: str) -> None:
        results.append(CheckResult(True, texts.CHECK_OK.format(what=what)))

    def fail(what: str, why: str) -> None:
        results.append(CheckResult(False, texts.CHECK_FAIL.format(what=what, why=why)))

    try:
        await gateway.call("groups.getTokenPermissions")
        ok(texts.CHECK_TOKEN)
    except VkError as exc:
        fail(texts.CHECK_TOKEN, texts.CHECK_TOKEN_FIX.format(error=f"{exc.code}: {exc.vk_message}"))
        return results

    try:
        response = await gateway.call("groups.getById", group_id=settings.vk.group_id)
        groups = response.get("groups", []) if isinstance(response, dict) else response
        found = int(groups[0]["id"])
        if settings.vk.group_id and found != settings.vk.group_id:
            fail(texts.CHECK_GROUP, texts.CHECK_GROUP_FIX.format(group_id=settings.vk.group_id, found=found))
            return results
        ok(f"{texts.CHECK_GROUP}: {groups[0].get('name', '')} (id {found})")
    except (VkError, IndexError, KeyError) as exc:
        fail(texts.CHECK_GROUP, str(exc))
        return results

    try:
        group_settings = await gateway.call("groups.getSettings", group_id=found)
        bots_on = bool(group_settings.get("bots_capabilities")) and bool(group_settings.get("bots_add_to_chat", 1))
        if bots_on:
            ok(texts.CHECK_BOTS)
        else:
            fail(texts.CHECK_BOTS, texts.CHECK_BOTS_FIX)
    except VkError as exc:
        fail(texts.CHECK_BOTS, f"{exc.code}: {exc.vk_message}. {texts.CHECK_BOTS_FIX}")

    try:
        lp = await gateway.call("groups.getLongPollSettings", group_id=found)
    except VkError as exc:
        fail(texts.CHECK_LP.format(version=API_VERSION), f"{exc.code}: {exc.vk_message}")
        return results
    what = texts.CHECK_LP.format(version=API_VERSION)
    if not lp.get("is_enabled"):
        fail(what, texts.CHECK_LP_OFF)
    elif str(lp.get("api_version")) != API_VERSION:
        fail(what, texts.CHECK_LP_VERSION.format(found=lp.get("api_version"), version=API_VERSION))
    else:
        events = lp.get("events", {})
        missing = [name for name in REQUIRED_EVENTS if not events.get(name)]
        if missing:
            fail(what, texts.CHECK_LP_EVENTS.format(events=", ".join(missing)))
        else:
            ok(what)
    return results
