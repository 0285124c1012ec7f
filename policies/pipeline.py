"""One message through every policy of the chat's settings → decisions, worst first."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

from . import activity, caps, links, obscene, outsiders, personal_data, quiet_hours, wellbeing
from .base import ACTION_WEIGHT, Action, AuthorHistory, Decision, MessageInput, Mode
from .context import Context
from .settings import ModerationSettings

# Each check takes its own policy's settings class (ObsceneSettings, FloodSettings, ...):
# the argument is Any because Callable is contravariant in it; CHECKS pairs each key with
# the settings class default_settings() stores under that key.
Check = Callable[[Context, Any], list[Decision]]

# Order matters only for cost: cheap checks first; the result is sorted anyway.
CHECKS: dict[str, Check] = {
    "outsiders": outsiders.check,
    "quiet_hours": quiet_hours.check,
    "flood": activity.check_flood,
    "stickers": activity.check_stickers,
    "repeats": activity.check_repeats,
    "caps": caps.check,
    "personal_data": personal_data.check,
    "links": links.check,
    "obscene": obscene.check,
    "wellbeing": wellbeing.check,
}
# Staff of a chat are never sanctioned; only these (private, non-punitive) checks run for them.
STAFF_CHECKS = frozenset({"wellbeing"})


def _order(decision: Decision) -> tuple[bool, int, int]:
    return (decision.shadow, -decision.severity, -ACTION_WEIGHT[decision.action])


# Checks that read every message's words (Context.tokens, .words): they are read at once.
WORD_CHECKS = frozenset({"obscene", "wellbeing"})
# Checks that never fire on a message of an author who is no outsider, or on a message without
# attachments (each tests that first): the plans of the other messages leave them out.
OUTSIDER_CHECKS = frozenset({"outsiders"})
ATTACHMENT_CHECKS = frozenset({"stickers"})

# The checks a chat's settings run on a kind of message, in CHECKS order: (check, its settings,
# shadow mode).
Plan = tuple[tuple[Check, Any, bool], ...]
# (id(settings), chat staff, an outsider, attachments): settings are immutable and the bot keeps
# one object per chat, so a plan is made once per chat and kind of message, not per message.
PlanKey = tuple[int, bool, bool, bool]
# The entry holds the settings (an id stays theirs) and whether a check of the plan reads the
# words.
_PLANS: dict[PlanKey, tuple[ModerationSettings, Plan, bool]] = {}
_MAX_PLANS = 4096


def _plan(settings: ModerationSettings, key: PlanKey) -> tuple[Plan, bool]:
    entry = _PLANS.get(key)
    if entry is not None and entry[0] is settings:
        return entry[1], entry[2]
    _, staff, outsider, attachments = key
    plan = []
    words = False
    for policy_id, check in CHECKS.items():
        policy = settings.policies.get(policy_id)
        if policy is None or policy.mode is Mode.OFF:
            continue
        if staff and policy_id not in STAFF_CHECKS:
            continue
        if (not outsider and policy_id in OUTSIDER_CHECKS
                or not attachments and policy_id in ATTACHMENT_CHECKS):
            continue
        plan.append((check, policy, policy.mode is Mode.SHADOW))
        words = words or policy_id in WORD_CHECKS
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[key] = (settings, tuple(plan), words)
    return tuple(plan), words


def evaluate(
    msg: MessageInput,
    settings: ModerationSettings,
    history: AuthorHistory,
    *,
    allowlist: frozenset[str] = frozenset(),
    school_domains: frozenset[str] = frozenset(),
    quiet_notice_given: bool = False,
) -> list[Decision]:
    """Decisions for one message, worst first; empty when nothing fires.

    `history` holds the author's earlier messages in this chat and is not changed: record the
    message into it after acting. Policies in SHADOW mode yield decisions marked `shadow=True`
    (alert moderators, act on nothing); OFF policies are skipped.
    """
    ctx = Context(msg, history, allowlist, school_domains, quiet_notice_given)
    author = msg.author
    staff = author.is_chat_staff
    key = (id(settings), staff, author.status == "outsider", bool(msg.attachments))
    entry = _PLANS.get(key)  # _plan's lookup, without a call per message
    if entry is not None and entry[0] is settings:
        plan, words = entry[1], entry[2]
    else:
        plan, words = _plan(settings, key)
    if words:
        ctx.read_words()
    decisions: list[Decision] = []
    for check, policy, shadow in plan:
        found = check(ctx, policy)
        if not found:
            continue  # nearly always
        if shadow:
            found = [replace(d, shadow=True) for d in found]
        decisions.extend(found)
    if staff:
        decisions = [d for d in decisions if d.action is Action.PRIVATE_ALERT]
    if len(decisions) > 1:  # nearly every message has none
        decisions.sort(key=_order)
    return decisions
