"""Per-chat moderation settings: presets by chat type and overrides typed by staff."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import time
from typing import Any, Mapping

from . import overrides as parse
from bot.texts import policies as texts
from .base import Mode
from .escalation import DEFAULT_LADDER, Step

CHAT_TYPES = (
    "parents_school", "parents_class", "students_class", "subject", "admin_closed",
    "admin_open", "homeschool", "methodical", "advisor",
)
STRICT_TYPES = frozenset({"students_class", "subject", "homeschool"})  # children
PARENT_TYPES = frozenset({"parents_school", "parents_class"})
STAFF_TYPES = frozenset({"admin_closed", "admin_open", "methodical"})
CLOSED_TYPES = STRICT_TYPES | STAFF_TYPES  # nobody unadmitted may speak there

# Public Russian name → policy id, for `/политика <имя> вкл|выкл|тихо`.
POLICY_NAMES: Mapping[str, str] = {name: pid for pid, name in texts.POLICY_TITLES.items()} | {
    # longer spellings people type
    "персональные данные": "personal_data", "персональные": "personal_data", "ссылка": "links",
    "стикер": "stickers", "тишины": "quiet_hours", "часы тишины": "quiet_hours", "посторонние": "outsiders",
    "буллинг": "wellbeing", "самоповреждение": "wellbeing",
}


def _param(default: Any, parser) -> Any:
    return field(default=default, metadata={"parse": parser})


def _int(low: int, high: int):
    return lambda name, value: parse.parse_int(name, value, low, high)


@dataclass(frozen=True)
class PolicySettings:
    mode: Mode = Mode.ON


@dataclass(frozen=True)
class ObsceneSettings(PolicySettings):
    max_tier: int = _param(2, _int(1, 3))  # act on tiers 1..max_tier


@dataclass(frozen=True)
class PersonalDataSettings(PolicySettings):
    pass


@dataclass(frozen=True)
class LinkSettings(PolicySettings):
    allow_domains: frozenset[str] = _param(frozenset(), lambda _, v: parse.parse_domains(v))
    block_unknown: bool = _param(False, parse.parse_bool)  # delete links to unlisted sites


@dataclass(frozen=True)
class FloodSettings(PolicySettings):
    max_messages: int = _param(5, _int(2, 100))  # more than this within the window fires
    window_s: int = _param(10, _int(1, 600))


@dataclass(frozen=True)
class RepeatSettings(PolicySettings):
    max_repeats: int = _param(2, _int(1, 50))  # the same text more often than this fires
    window_s: int = _param(120, _int(1, 3600))
    min_length: int = _param(3, _int(0, 100))  # shorter texts («да», «+») may repeat


@dataclass(frozen=True)
class CapsSettings(PolicySettings):
    min_letters: int = _param(15, _int(1, 1000))
    ratio: float = _param(0.7, lambda n, v: parse.parse_float(n, v, 0.5, 1.0))


@dataclass(frozen=True)
class StickerSettings(PolicySettings):
    max_stickers: int = _param(3, _int(1, 100))  # more than this within the window fires
    window_s: int = _param(30, _int(1, 600))


@dataclass(frozen=True)
class QuietHoursSettings(PolicySettings):
    start: time = _param(time(22, 0), lambda _, v: parse.parse_time(v))
    end: time = _param(time(7, 0), lambda _, v: parse.parse_time(v))
    weekends: bool = _param(False, parse.parse_bool)  # Saturday and Sunday are quiet all day
    action: str = _param("notice", lambda _, v: parse.parse_quiet_action(v))  # notice | delete
    timezone: str = _param("Europe/Moscow", lambda _, v: parse.parse_timezone(v))


@dataclass(frozen=True)
class OutsiderSettings(PolicySettings):
    pass


@dataclass(frozen=True)
class WellbeingSettings(PolicySettings):
    pass


@dataclass(frozen=True)
class ModerationSettings:
    policies: Mapping[str, PolicySettings]
    ladder: tuple[Step, ...] = DEFAULT_LADDER
    strike_ttl_days: int = 30

    def mode(self, policy_id: str) -> Mode:
        policy = self.policies.get(policy_id)
        return policy.mode if policy else Mode.OFF


def _mode(on: bool) -> Mode:
    return Mode.ON if on else Mode.OFF


def default_settings(chat_type: str) -> ModerationSettings:
    """The preset of a chat type: strict for children's chats, civil and spam-free for parents',
    light for staff chats. The advisor's audience is mixed (children and parents): civil, with
    wellbeing signals on."""
    if chat_type not in CHAT_TYPES:
        raise ValueError(texts.ERR_CHAT_TYPE.format(value=chat_type, types=", ".join(CHAT_TYPES)))
    strict = chat_type in STRICT_TYPES
    parents = chat_type in PARENT_TYPES
    staff = chat_type in STAFF_TYPES
    if strict:
        quiet = QuietHoursSettings(
            start=time(22, 0), end=time(7, 0),
            action="notice" if chat_type == "homeschool" else "delete",
        )
    elif parents:
        quiet = QuietHoursSettings(start=time(19, 0), end=time(8, 0), weekends=True)
    else:
        quiet = QuietHoursSettings(mode=Mode.OFF)
    policies: dict[str, PolicySettings] = {
        "obscene": ObsceneSettings(max_tier=3 if strict else 1 if staff else 2),
        "personal_data": PersonalDataSettings(mode=_mode(not staff)),
        "links": LinkSettings(block_unknown=strict),
        "flood": FloodSettings(mode=_mode(not staff)),
        "repeats": RepeatSettings(mode=_mode(not staff)),
        "caps": CapsSettings(mode=_mode(strict or parents)),
        "stickers": StickerSettings(mode=_mode(not staff)),
        "quiet_hours": quiet,
        "outsiders": OutsiderSettings(mode=_mode(chat_type in CLOSED_TYPES)),
        "wellbeing": WellbeingSettings(mode=_mode(strict or chat_type == "advisor")),
    }
    return ModerationSettings(policies=policies)


def _policy_id(name: str) -> str:
    key = name.strip().lower()
    if key in texts.POLICY_TITLES:
        return key
    if key in POLICY_NAMES:
        return POLICY_NAMES[key]
    names = ", ".join(texts.POLICY_TITLES.values())
    raise ValueError(texts.ERR_UNKNOWN_POLICY.format(name=name, names=names))


def _set_param(policy_id: str, current: PolicySettings, param: str, value: str) -> PolicySettings:
    if param == "mode":
        return replace(current, mode=parse.parse_mode(value))
    known = {f.name: f for f in fields(current) if "parse" in f.metadata}
    if param not in known:
        raise ValueError(texts.ERR_UNKNOWN_PARAM.format(
            policy=texts.POLICY_TITLES[policy_id], param=param,
            params=", ".join(["mode", *known])))
    return replace(current, **{param: known[param].metadata["parse"](param, value)})


def apply_overrides(settings: ModerationSettings,
                    overrides: Mapping[str, str]) -> ModerationSettings:
    """Apply a chat's overrides, e.g. {"мат": "тихо", "quiet_hours": "22:00-07:00",
    "quiet_hours.action": "удаление", "strike_ttl_days": "14"}.

    A bare policy key takes a mode (вкл/выкл/тихо); for quiet hours it also takes a window,
    which switches them on. `<policy>.<param>` sets a parameter. Raises ValueError with a
    Russian message on anything invalid.
    """
    policies = dict(settings.policies)
    ttl = settings.strike_ttl_days
    for key, value in overrides.items():
        if key == "strike_ttl_days":
            ttl = parse.parse_int(key, value, 1, 365)
            continue
        name, _, param = key.partition(".")
        policy_id = _policy_id(name)
        current = policies[policy_id]
        if param:
            policies[policy_id] = _set_param(policy_id, current, param, value)
        elif (policy_id == "quiet_hours" and isinstance(current, QuietHoursSettings)
              and any(ch.isdigit() for ch in value)):
            start, end = parse.parse_window(value)
            policies[policy_id] = replace(current, start=start, end=end, mode=Mode.ON)
        else:
            policies[policy_id] = replace(current, mode=parse.parse_mode(value))
    return replace(settings, policies=policies, strike_ttl_days=ttl)


__all__ = [
    "CHAT_TYPES", "POLICY_NAMES", "PolicySettings", "ObsceneSettings", "PersonalDataSettings",
    "LinkSettings", "FloodSettings", "RepeatSettings", "CapsSettings", "StickerSettings",
    "QuietHoursSettings", "OutsiderSettings", "WellbeingSettings", "ModerationSettings",
    "default_settings", "apply_overrides", "Step",
]
