"""Moderation by people: chat commands of the chat's staff (/пред, /мут, /кик, /размут,
/снять пред, /политика, /тишина), /жалоба by anyone, and moderators' alert buttons."""

from __future__ import annotations

import re

from bot import texts
from bot.texts import moderation as t
from bot.domain.errors import UserError
from bot.repo import alerts as alert_repo
from bot.repo import audit
from bot.repo import chats as chat_repo
from bot.repo import moderation as repo
from bot.repo.alerts import Alert
from bot.repo.audit import BOT_ACTOR
from bot.repo.chats import Chat
from bot.services.access import Caller
from bot.services.moderation import VIOLATION_ACTIONS, Moderation, mute_step_seconds
from policies import POLICY_NAMES, apply_overrides, default_settings, find_obscene
from bot.texts import policies as policy_texts
from policies.overrides import parse_mode, parse_window

_TERM = re.compile(r"^\s*(\d{1,4})\s*(м|мин|минут[аы]?|ч|час|часа|часов|д|дн|день|дня|дней|m|h|d)\.?\s*$",
                   re.IGNORECASE)
_UNIT_SECONDS = {"м": 60, "m": 60, "ч": 3600, "h": 3600, "д": 86400, "d": 86400}
MAX_TERM = 30 * 86400
OFF_WORDS = frozenset({"выкл", "off", "нет"})


def parse_term(value: str) -> int:
    """«30м», «2ч», «1д» (and «2 часа», «1 день») → seconds; ValueError (Russian) otherwise."""
    m = _TERM.match(value or "")
    seconds = int(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()[0]] if m else 0
    if not 60 <= seconds <= MAX_TERM:
        raise ValueError(t.BAD_TERM.format(value=value.strip()) if value.strip() else t.NO_TERM)
    return seconds


class ManualModeration:
    def __init__(self, moderation: Moderation) -> None:
        self.m = moderation
        self.db = moderation.db
        self.executor = moderation.executor

    def now(self) -> int:
        return self.m.now()

    async def _target_chat(self, caller: Caller, peer_id: int, target_vk: int | None) -> Chat:
        chat = await self.m.chats.require_moderator(caller, peer_id)
        if not target_vk or target_vk <= 0:
            raise UserError(t.NOT_A_MEMBER)
        if await self.m.authors.is_staff(chat, target_vk):
            raise UserError(t.STAFF_PROTECTED)
        return chat

    async def _warn(self, chat: Chat, target_vk: int, *, actor: int, reason: str | None, reply_to: int | None,
                    evidence: str | None, violation_id: int | None) -> int:
        settings = await self.m.settings_for(chat)
        if violation_id is None:
            violation_id = await repo.add_violation(
                self.db, org_id=chat.org_id, chat_id=chat.id, vk_id=target_vk, policy="manual", action="warn",
                severity=1, cmid=reply_to, excerpt=evidence, now=self.now())
        count = 1 + await repo.add_strike(self.db, chat_id=chat.id, vk_id=target_vk, violation_id=violation_id,
                                          now=self.now(), ttl_seconds=settings.strike_ttl_days * 86400)
        name = await self.m.mention(target_vk)
        await self.executor.warn(
            chat, target_vk, actor=actor, policy="manual", reason=reason, reply_to=reply_to,
            public=t.WARN_PUBLIC_MANUAL.format(name=name, reason=f": {reason}" if reason else ""),
            private=self.m.warning_text(chat, reason or t.MANUAL_REASON, None, count, settings))
        return count

    async def _mute(self, chat: Chat, target_vk: int, seconds: int, *, actor: int) -> bool:
        name = await self.m.mention(target_vk)
        return await self.executor.mute(
            chat, target_vk, seconds, actor=actor, policy="manual", reason=t.MANUAL_REASON,
            public=t.MUTE_PUBLIC.format(name=name, duration=t.duration(seconds)),
            private=t.MUTE_PRIVATE.format(title=chat.title, duration=t.duration(seconds), reason=t.MANUAL_REASON))

    async def _kick(self, chat: Chat, target_vk: int, *, actor: int, policy: str | None) -> bool:
        name = await self.m.mention(target_vk)
        return await self.executor.kick(chat, target_vk, actor=actor, policy=policy or "manual",
                                        public=t.KICK_PUBLIC.format(name=name))

    # -- chat commands (replies to a member's message) ------------------------------------

    async def warn(self, caller: Caller, peer_id: int, target_vk: int | None, cmid: int | None,
                   text: str | None, reason: str) -> str:
        chat = await self._target_chat(caller, peer_id, target_vk)
        assert target_vk is not None
        count = await self._warn(chat, target_vk, actor=caller.vk_id, reason=reason.strip() or None,
                                 reply_to=cmid, evidence=text, violation_id=None)
        return t.WARNED.format(count=count)

    async def unwarn(self, caller: Caller, peer_id: int, target_vk: int | None) -> str:
        chat = await self._target_chat(caller, peer_id, target_vk)
        assert target_vk is not None
        if not await repo.revoke_last_strike(self.db, chat.id, target_vk, self.now()):
            return t.NO_WARNINGS
        await audit.write(self.db, action="unwarn", now=self.now(), org_id=chat.org_id, chat_id=chat.id,
                          actor_vk=caller.vk_id, target_vk=target_vk)
        return t.UNWARNED.format(count=await repo.active_strikes(self.db, chat.id, target_vk, self.now()))

    async def mute(self, caller: Caller, peer_id: int, target_vk: int | None, term: str) -> str:
        chat = await self._target_chat(caller, peer_id, target_vk)
        assert target_vk is not None
        seconds = parse_term(term)  # ValueError: the handler shows it with the usage
        await self._mute(chat, target_vk, seconds, actor=caller.vk_id)
        return t.MUTED.format(duration=t.duration(seconds))

    async def unmute(self, caller: Caller, peer_id: int, target_vk: int | None) -> str:
        chat = await self._target_chat(caller, peer_id, target_vk)
        assert target_vk is not None
        name = await self.m.mention(target_vk)
        lifted = await self.executor.unmute(chat, target_vk, actor=caller.vk_id,
                                            public=t.UNMUTE_PUBLIC.format(name=name))
        return t.UNMUTED if lifted else t.NOT_MUTED

    async def kick(self, caller: Caller, peer_id: int, target_vk: int | None) -> str:
        chat = await self._target_chat(caller, peer_id, target_vk)
        assert target_vk is not None
        return t.KICKED if await self._kick(chat, target_vk, actor=caller.vk_id, policy=None) else t.KICK_FAILED

    async def complain(self, by_vk: int, peer_id: int, cmid: int, target_vk: int | None,
                       target_cmid: int | None, text: str | None, *, comment: str | None = None) -> str:
        """A report to the school's moderators; the /жалоба message is removed so the one who
        complained stays anonymous in the chat."""
        chat = await chat_repo.by_peer(self.db, peer_id)
        if chat is None or not chat.bound or chat.org_id is None:
            raise UserError(t.NOT_BOUND)
        if not target_vk or target_vk <= 0:
            raise UserError(t.NOT_A_MEMBER)
        violation_id = await repo.add_violation(
            self.db, org_id=chat.org_id, chat_id=chat.id, vk_id=target_vk, policy="complaint", action="report",
            severity=1, cmid=target_cmid, excerpt=text, now=self.now())
        allowlist = await repo.allow_words(self.db, chat.org_id)
        match = find_obscene(text or "", allowlist)
        alert_text = t.ALERT_COMPLAINT.format(
            title=chat.title, by=await self.m.chats.vk_name(by_vk), name=await self.m.chats.vk_name(target_vk),
            vk_id=target_vk, excerpt=repo.excerpt_of(text) or "—")
        if comment:
            alert_text += t.COMPLAINT_COMMENT.format(comment=comment)
        await self.m.alerts.raise_alert(
            kind="complaint", org_id=chat.org_id, chat_id=chat.id, target_vk=target_vk, text=alert_text,
            actions=VIOLATION_ACTIONS, violation_id=violation_id,
            details={"text": alert_text, "cmid": target_cmid, "token": match.token if match else None,
                     "policy": "complaint"},
            extra_person_ids=(chat.leader_id,) if chat.leader_id else ())
        await audit.write(self.db, action="complaint", now=self.now(), org_id=chat.org_id, chat_id=chat.id,
                          actor_vk=by_vk, target_vk=target_vk, details={"violation": violation_id})
        await self.executor.delete(chat, by_vk, [cmid], actor=BOT_ACTOR, policy="complaint", reason="anonymity")
        return t.COMPLAINT_SENT

    # -- chat overrides --------------------------------------------------------------------

    async def _save_override(self, chat: Chat, key: str, value: str, actor: int) -> None:
        overrides = {str(k): str(v) for k, v in chat.overrides.items()}
        overrides[key] = value
        try:
            apply_overrides(default_settings(chat.type or ""), overrides)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        await chat_repo.set_overrides(self.db, chat.id, overrides)
        await audit.write(self.db, action="override", now=self.now(), org_id=chat.org_id, chat_id=chat.id,
                          actor_vk=actor, policy=key, reason=value)

    async def set_policy(self, caller: Caller, peer_id: int, name: str, mode: str) -> str:
        chat = await self.m.chats.require_moderator(caller, peer_id)
        key = name.strip().lower()
        key = POLICY_NAMES.get(key, key)
        await self._save_override(chat, key, mode.strip().lower(), caller.vk_id)
        return t.POLICY_SET.format(name=policy_texts.POLICY_TITLES.get(key, key),
                                   mode=t.POLICY_MODES[str(parse_mode(mode))])

    async def set_quiet(self, caller: Caller, peer_id: int, value: str) -> str:
        chat = await self.m.chats.require_moderator(caller, peer_id)
        value = value.strip()
        if value.lower() in OFF_WORDS:
            await self._save_override(chat, "quiet_hours", "выкл", caller.vk_id)
            return t.QUIET_OFF
        try:
            start, end = parse_window(value)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        await self._save_override(chat, "quiet_hours", value, caller.vk_id)
        return t.QUIET_SET.format(start=start.strftime("%H:%M"), end=end.strftime("%H:%M"))

    # -- moderators' buttons on violation alerts and complaints ---------------------------

    async def on_alert(self, alert: Alert, moderator_vk: int, do: str) -> str:
        """A moderator pressed a button; returns the snackbar text."""
        chat = await chat_repo.get(self.db, alert.chat_id or 0)
        target = alert.target_vk
        if chat is None or target is None or do not in t.ACTED:
            return texts.PENDING_GONE
        settings = await self.m.settings_for(chat)
        seconds = mute_step_seconds(settings.ladder)
        if do in ("warn", "mute", "kick") and await self.m.authors.is_staff(chat, target):
            return t.STAFF_PROTECTED
        token = alert.details.get("token")
        label = t.FP_NOTHING if do == "fp" and not token else t.ACTED[do].format(duration=t.duration(seconds))
        who = await self.m.chats.vk_name(moderator_vk)
        if not await self.m.alerts.settle(alert, by_vk=moderator_vk, action=label, who=who):
            fresh = await alert_repo.get(self.db, alert.id)
            return texts.ALERT_ALREADY.format(action=fresh.handled_action if fresh else "")
        ok = True
        cmid = alert.details.get("cmid")
        policy = alert.details.get("policy")
        if do == "del":
            ok = not cmid or await self.executor.delete(chat, target, [int(cmid)], actor=moderator_vk,
                                                        policy=policy, reason="moderator",
                                                        violation_id=alert.violation_id)
        elif do == "warn":
            await self._warn(chat, target, actor=moderator_vk, reason=None, reply_to=None, evidence=None,
                             violation_id=alert.violation_id)
        elif do == "mute":
            ok = await self._mute(chat, target, seconds, actor=moderator_vk)
        elif do == "kick":
            ok = await self._kick(chat, target, actor=moderator_vk, policy=policy)
        elif do == "fp":
            await self._false_positive(chat, alert, moderator_vk, token)
        return label if ok else t.ACT_FAILED

    async def _false_positive(self, chat: Chat, alert: Alert, moderator_vk: int, token: str | None) -> None:
        """The matched word stops firing in the whole school; the strike it earned is lifted."""
        if token and chat.org_id is not None:
            await repo.add_allow_word(self.db, chat.org_id, token, by_vk=moderator_vk, now=self.now())
        if alert.violation_id is not None:
            await repo.revoke_for_violation(self.db, alert.violation_id, self.now())
        await audit.write(self.db, action="false_positive", now=self.now(), org_id=chat.org_id, chat_id=chat.id,
                          actor_vk=moderator_vk, target_vk=alert.target_vk, policy=alert.details.get("policy"),
                          details={"violation": alert.violation_id, "allow_word": bool(token)})
