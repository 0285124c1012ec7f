"""``zavuch check``: ask VK whether the community is set up for the bot (long poll or the Callback
API, by ``vk.mode``) and say in Russian exactly what to change."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from bot import texts
from bot.config import API_VERSION, BotSettings, Settings
from bot.texts import setup as setup_texts
from bot.vk import community as vk_community
from bot.vk.community import CallbackServerInfo
from bot.vk.errors import VkError
from bot.vk.gateway import VkGateway

REQUIRED_EVENTS = ("message_new", "message_event")
REQUIRED_RIGHTS = ("messages", "manage", "docs")
MIN_PEPPER = 16


def pepper_is_default(settings: Settings) -> bool:
    default = BotSettings.model_fields["code_pepper"].default.get_secret_value()
    return settings.bot.code_pepper.get_secret_value() == default


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

    _check_secrets(settings, ok, fail)
    api = gateway.api
    try:
        rights = await vk_community.check_token(api)
        ok(texts.CHECK_TOKEN)
    except VkError as exc:
        fail(texts.CHECK_TOKEN, texts.CHECK_TOKEN_FIX.format(error=f"{exc.code}: {exc.vk_message}"))
        return results
    _check_rights(rights, ok, fail)

    try:
        group = await vk_community.community(api, settings.vk.group_id)
        found = group.id
        if settings.vk.group_id and found != settings.vk.group_id:
            fail(texts.CHECK_GROUP, texts.CHECK_GROUP_FIX.format(group_id=settings.vk.group_id, found=found))
            return results
        ok(f"{texts.CHECK_GROUP}: {group.name} (id {found})")
    except (VkError, IndexError, KeyError) as exc:
        fail(texts.CHECK_GROUP, str(exc))
        return results

    try:
        bots = await vk_community.bots_settings(api, found)
        if bots.capabilities and bots.add_to_chat:
            ok(texts.CHECK_BOTS)
        else:
            fail(texts.CHECK_BOTS, texts.CHECK_BOTS_FIX)
    except VkError as exc:
        fail(texts.CHECK_BOTS, f"{exc.code}: {exc.vk_message}. {texts.CHECK_BOTS_FIX}")

    if settings.vk.mode == "callback":
        await _check_callback(settings, gateway, found, ok, fail)
    else:
        await _check_long_poll(gateway, found, ok, fail)
    await _check_operators(settings, VkGateway(gateway.api, found), ok, fail)
    return results


Report = Callable[..., None]


def _check_secrets(settings: Settings, ok: Report, fail: Report) -> None:
    # the secret itself is never printed, only whether it is the default or too short
    what = setup_texts.CHECK_PEPPER
    if pepper_is_default(settings):
        fail(what, setup_texts.CHECK_PEPPER_FIX)
    elif len(settings.bot.code_pepper.get_secret_value().strip()) < MIN_PEPPER:
        fail(what, setup_texts.CHECK_PEPPER_SHORT.format(length=MIN_PEPPER))
    else:
        ok(what)


def _check_rights(rights: frozenset[str], ok: Report, fail: Report) -> None:
    names = setup_texts.RIGHT_NAMES
    missing = [names[r] for r in REQUIRED_RIGHTS if r not in rights]
    if missing:
        fail(texts.CHECK_TOKEN, setup_texts.CHECK_RIGHTS_FIX.format(
            missing=", ".join(missing), all=", ".join(names[r] for r in REQUIRED_RIGHTS)))
    else:
        ok(setup_texts.CHECK_RIGHTS.format(rights=", ".join(names[r] for r in REQUIRED_RIGHTS)))


async def _check_operators(settings: Settings, gateway: VkGateway, ok: Report, fail: Report) -> None:
    what = setup_texts.CHECK_OPERATORS_WHAT
    ids = list(dict.fromkeys(settings.bot.operators))
    if not ids:
        fail(what, setup_texts.CHECK_OPERATORS_NONE)
        return
    try:
        found = await vk_community.accounts(gateway.api, ids)
    except VkError as exc:
        fail(what, f"{exc.code}: {exc.vk_message}")
        return
    unknown = [str(i) for i in ids if i not in found]
    closed = [str(i) for i in ids if i in found and found[i].deactivated]
    if unknown:
        fail(what, setup_texts.CHECK_OPERATORS_UNKNOWN.format(ids=", ".join(unknown)))
    elif closed:
        fail(what, setup_texts.CHECK_OPERATORS_DEACTIVATED.format(ids=", ".join(closed)))
    else:
        names = {i: f"{found[i].name} (id{i})" for i in ids}
        try:  # operators are told of failures privately: the community must be allowed to write
            deaf = [names[i] for i in ids if not await gateway.messages_allowed(i)]
        except VkError as exc:
            fail(what, f"{exc.code}: {exc.vk_message}")
            return
        if deaf:
            fail(what, setup_texts.CHECK_OPERATORS_DEAF.format(names=", ".join(deaf)))
        else:
            ok(setup_texts.CHECK_OPERATORS.format(names=", ".join(names.values())))


async def _check_long_poll(gateway: VkGateway, found: int, ok: Report, fail: Report) -> None:
    what = texts.CHECK_LP.format(version=API_VERSION)
    try:
        lp = await vk_community.long_poll_settings(gateway.api, found)
    except VkError as exc:
        fail(what, f"{exc.code}: {exc.vk_message}")
        return
    if not lp.enabled:
        fail(what, texts.CHECK_LP_OFF)
    elif str(lp.api_version) != API_VERSION:
        fail(what, texts.CHECK_LP_VERSION.format(found=lp.api_version, version=API_VERSION))
    else:
        missing = lp.missing(REQUIRED_EVENTS)
        if missing:
            fail(what, texts.CHECK_LP_EVENTS.format(events=", ".join(missing)))
        else:
            ok(what)


async def _check_callback(settings: Settings, gateway: VkGateway, found: int, ok: Report, fail: Report) -> None:
    """The community's Callback API tab against our config: confirmation string, a server with
    our public URL and our secret, confirmed by VK, sending the needed events in our version."""
    cfg = settings.callback
    try:
        code = await vk_community.callback_confirmation_code(gateway.api, found)
        if code == cfg.confirmation:
            ok(texts.CHECK_CB_CONFIRMATION)
        else:
            fail(texts.CHECK_CB_CONFIRMATION, texts.CHECK_CB_CONFIRMATION_FIX.format(code=code))
    except VkError as exc:
        fail(texts.CHECK_CB_CONFIRMATION, f"{exc.code}: {exc.vk_message}")

    if not cfg.public_url:
        fail(texts.CHECK_CB_SERVER_UNKNOWN, texts.CHECK_CB_NO_URL.format(path=cfg.path))
        return
    what = texts.CHECK_CB_SERVER.format(url=cfg.public_url)
    try:
        servers = await vk_community.callback_servers(gateway.api, found)
    except VkError as exc:
        fail(what, f"{exc.code}: {exc.vk_message}")
        return
    server = next((s for s in servers if _same_url(s.url, cfg.public_url)), None)
    if server is None:
        known = ", ".join(s.url for s in servers)
        fail(what, texts.CHECK_CB_NOT_FOUND.format(
            url=cfg.public_url, known=texts.CHECK_CB_KNOWN.format(urls=known) if known else ""))
        return
    ok(what)
    title = server.title
    _check_server_secret(server, cfg.secret.get_secret_value() if cfg.secret else "", title, ok, fail)
    status = server.status
    if status == "ok":
        ok(texts.CHECK_CB_CONFIRMED)
    else:
        fail(texts.CHECK_CB_CONFIRMED, texts.CHECK_CB_STATUS.get(status, texts.CHECK_CB_STATUS["failed"])
             .format(status=status, title=title))

    what = texts.CHECK_CB.format(version=API_VERSION)
    try:
        cb = await vk_community.callback_settings(gateway.api, found, server.id)
    except VkError as exc:
        fail(what, f"{exc.code}: {exc.vk_message}")
        return
    missing = cb.missing(REQUIRED_EVENTS)
    if str(cb.api_version) != API_VERSION:
        fail(what, texts.CHECK_CB_VERSION.format(found=cb.api_version, version=API_VERSION, title=title))
    elif missing:
        fail(what, texts.CHECK_CB_EVENTS.format(events=", ".join(missing), title=title))
    else:
        ok(what)


def _check_server_secret(server: CallbackServerInfo, secret: str, title: str, ok: Report,
                         fail: Report) -> None:
    # neither key is ever printed: only whether they match
    theirs = server.secret_key.encode("utf-8", "surrogatepass")
    if theirs and hmac.compare_digest(theirs, secret.encode("utf-8")):
        ok(texts.CHECK_CB_SECRET)
    else:
        fail(texts.CHECK_CB_SECRET, texts.CHECK_CB_SECRET_FIX.format(title=title))


def _same_url(theirs: str, ours: str) -> bool:
    return theirs.strip().rstrip("/") == ours.strip().rstrip("/")
