"""Flood, repeated texts and sticker floods: judged from the author's recent history.

The history holds earlier messages only (the caller records the current one after evaluation),
so every count here adds the current message.
"""
from __future__ import annotations

from bot.texts import policies as texts
from .base import Action, Decision, fingerprint
from .context import Context
from .settings import FloodSettings, RepeatSettings, StickerSettings


def _decision(policy: str, reason: str) -> Decision:
    return Decision(
        action=Action.DELETE,
        policy=policy,
        reason=reason,
        severity=1,
        notify_private=texts.ACTIVITY_PRIVATE.format(reason_lower=texts.lower_first(reason)),
    )


def check_flood(ctx: Context, settings: FloodSettings) -> list[Decision]:
    if len(ctx.history.recent) < settings.max_messages:
        return []  # the window holds no more than the whole history: too few to flood
    count = len(ctx.history.within(ctx.now_ts, settings.window_s)) + 1
    if count <= settings.max_messages:
        return []
    return [_decision("flood", texts.FLOOD_REASON)]


def check_repeats(ctx: Context, settings: RepeatSettings) -> list[Decision]:
    recent = ctx.history.recent
    if len(recent) < settings.max_repeats:
        return []  # the window holds no more than the whole history: too few to repeat
    now = ctx.now_ts
    cutoff = now - settings.window_s
    # the fingerprints of history.within(now, window_s), without a list of its entries first
    earlier = [e.fingerprint for e in recent if cutoff < e.at <= now]
    if len(earlier) + 1 <= settings.max_repeats:
        return []  # too few messages to repeat this one too often, whatever they said
    # Both tests below must pass to fire; the one that nearly always fails goes first (the
    # fingerprint is asked again when the message is recorded: its cache answers then).
    if earlier.count(fingerprint(ctx.text)) + 1 <= settings.max_repeats:
        return []
    if sum(map(str.isalnum, ctx.text)) < max(settings.min_length, 1):
        return []  # short texts («да», «+») may repeat
    return [_decision("repeats", texts.REPEATS_REASON)]


def check_stickers(ctx: Context, settings: StickerSettings) -> list[Decision]:
    if not ctx.msg.attachments:
        return []  # most messages: no sticker without an attachment
    current = ctx.msg.stickers
    if not current:
        return []
    earlier = sum(e.stickers for e in ctx.history.within(ctx.now_ts, settings.window_s))
    if earlier + current <= settings.max_stickers:
        return []
    return [_decision("stickers", texts.STICKERS_REASON)]
