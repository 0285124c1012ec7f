"""Links: invitations to other chats, foreign messengers, advertising, unlisted sites.

Links are found with or without a scheme («example.com/page»); a bare domain needs a known top
level domain so that «т.е.», «стр.45» and «задание.docx» are not taken for sites.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.texts import policies as texts
from .base import Action, Decision
from .context import Context
from .settings import LinkSettings

POLICY = "links"

# Institutional sites: state services, education, the school's diary and platforms.
INSTITUTIONAL = frozenset({
    "gosuslugi.ru", "госуслуги.рф", "gov.ru", "edu.ru", "mos.ru", "uchi.ru", "dnevnik.ru",
    "sferum.ru", "prosv.ru", "fipi.ru", "obrnadzor.gov.ru", "минпросвещения.рф",
})
PLATFORM = frozenset({"vk.com", "vk.ru", "m.vk.com", "vk.me"})
SHORTENERS = frozenset({
    "bit.ly", "clck.ru", "vk.cc", "goo.gl", "tinyurl.com", "cutt.ly", "t.co", "is.gd", "ow.ly",
    "u.to", "tiny.cc", "shorturl.at", "rebrand.ly", "qps.ru", "to.click", "s.click",
})
MESSENGERS = frozenset({
    "t.me", "telegram.me", "telegram.org", "telegram.dog", "wa.me", "whatsapp.com",
    "discord.gg", "discord.com", "discordapp.com", "viber.com", "viber.click",
})
# (domain, path prefix) of invitations to other chats; "" matches any path.
INVITES = (
    ("vk.me", "/join"), ("vk.com", "/join"), ("vk.ru", "/join"), ("t.me", "/+"),
    ("t.me", "/joinchat"), ("telegram.me", "/joinchat"), ("telegram.me", "/+"),
    ("chat.whatsapp.com", ""), ("discord.gg", ""), ("discord.com", "/invite"),
    ("discordapp.com", "/invite"), ("invite.viber.com", ""),
)
# Stems of advertising cue words, matched against normalised words.
AD_CUES = (
    "заработ", "зарабат", "доход", "скидк", "промокод", "казино", "ставк", "букмекер", "кредит",
    "займ",
    "микрозайм", "крипт", "инвест", "выигр", "розыгрыш", "распродаж", "бонус", "кэшбэк",
    "кешбек", "подписывайт",
)
_TLDS = (
    "ru|рф|su|com|net|org|info|biz|me|gg|ly|io|co|cc|to|tv|xyz|top|online|site|club|pro|app|"
    "link|click|shop|store|live|fun|ws|us|uk|de|ua|by|kz|uz|kg|am|ge|az|moscow|gl|pw|tk|ml|"
    "ga|cf|gq|icu|vip|win|bet|casino|games|space|website|eu|pl|fr|it|es|nl|jp|cn|ai"
)
_URL = re.compile(
    r"(?:(?:https?://|www\.|tg://)[^\s<>«»\"']+)"
    rf"|(?<![\w@.\-])(?:[a-zа-я0-9](?:[a-zа-я0-9\-]{{0,61}}[a-zа-я0-9])?\.)+(?:{_TLDS})"
    r"(?![\w\-])(?:/[^\s<>«»\"']*)?",
    re.IGNORECASE,
)
_SEVERITY = {"invite": 3, "messenger": 2, "ad": 2, "unknown": 1}


@dataclass(frozen=True)
class Link:
    url: str
    host: str
    path: str


def _parse(url: str) -> Link:
    rest = url.split("://", 1)[-1]
    host, slash, path = rest.partition("/")
    host = host.lower().split(":", 1)[0].rstrip(".,;!?)")
    host = host.removeprefix("www.")
    return Link(url.rstrip(".,;!?)"), host, (slash + path).rstrip(".,;!?)"))


def find_links(text: str) -> list[Link]:
    if "." not in text and "//" not in text:
        return []  # every link _URL finds has a dot or a scheme («tg://»)
    return [_parse(m.group()) for m in _URL.finditer(text)]


def _under(host: str, domains: frozenset[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def classify(link: Link, trusted: frozenset[str], has_ad_cue: bool) -> str | None:
    """One of "invite", "messenger", "ad", "unknown", or None for an acceptable link."""
    if link.url.lower().startswith("tg://"):
        return "invite" if link.host.startswith("join") else "messenger"
    for domain, prefix in INVITES:
        if _under(link.host, frozenset({domain})) and link.path.lower().startswith(prefix):
            return "invite"
    if _under(link.host, MESSENGERS):
        return "messenger"
    if _under(link.host, SHORTENERS):
        return "ad"
    if _under(link.host, trusted):
        return None
    if has_ad_cue:
        return "ad"
    if _under(link.host, PLATFORM):
        return None
    return "unknown"


def _has_ad_cue(words: list[str]) -> bool:
    return any(word.startswith(AD_CUES) for word in words)


def worst_link(text: str, words: list[str], trusted: frozenset[str],
               block_unknown: bool) -> tuple[str, Link] | None:
    """The worst (kind, link) in a cleaned text, or None when every link is acceptable."""
    links = find_links(text)
    if not links:
        return None
    return _worst(links, words, trusted, block_unknown)


def _worst(links: list[Link], words: list[str], trusted: frozenset[str],
           block_unknown: bool) -> tuple[str, Link] | None:
    ad_cue = _has_ad_cue(words)
    worst: tuple[str, Link] | None = None
    for link in links:
        kind = classify(link, trusted, ad_cue)
        if kind is None or (kind == "unknown" and not block_unknown):
            continue
        if worst is None or _SEVERITY[kind] > _SEVERITY[worst[0]]:
            worst = (kind, link)
    return worst


def check(ctx: Context, settings: LinkSettings) -> list[Decision]:
    links = find_links(ctx.text)
    if not links:
        return []  # most messages
    trusted = INSTITUTIONAL | ctx.school_domains | settings.allow_domains
    found = _worst(links, ctx.words, trusted, settings.block_unknown)
    if found is None:
        return []
    kind, link = found
    reason = texts.LINK_REASONS[kind]
    return [Decision(
        action=Action.DELETE,
        policy=POLICY,
        reason=reason,
        severity=_SEVERITY[kind],
        fragment=link.url,
        masked=link.host,
        strike=kind != "unknown",
        notify_private=texts.LINK_PRIVATE.format(reason_lower=texts.lower_first(reason)),
    )]
