"""Moderation by people: chat commands of the chat's staff (/пред, /мут, /кик, /размут,
/снять пред, /политика, /тишина), /жалоба by anyone, and moderators' alert buttons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot import texts
from bot.texts import moderation as t
from bot.domain.errors import UserError
from bot.vk.errors import VkBadRequest
from bot.repo import alerts as alert_repo
from bot.repo import audit
from bot.repo import chats as chat_repo
from bot.repo import moderation as repo
from bot.repo import pending as pending_repo
from bot.repo.pending import Pending
from bot.domain.names import normalize_name
from bot.repo.alerts import Alert
from bot.repo.audit import BOT_ACTOR
from bot.repo.chats import Chat
from bot.services.access import Caller
from bot.services.alerts import buttons as alert_buttons
from bot.services.moderation import BUTTON_OF, VIOLATION_ACTIONS, Moderation, initial_actions, mute_step_seconds
from bot.vk.keyboards import Button, inline
from policies import POLICY_NAMES, Mode, apply_overrides, default_settings, find_obscene
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
                    evidence: str | None, violation_id: int | None, cmid: int | None = None) -> tuple[int, int]:
        """A strike for one message (``reply_to`` or ``cmid``); returns (strikes now, violation id)."""
        settings = await self.m.settings_for(chat)
        if violation_id is None:
            violation_id = await repo.add_violation(
                self.db, org_id=chat.org_id, chat_id=chat.id, vk_id=target_vk, policy="manual", action="warn",
                severity=1, cmid=reply_to or cmid, excerpt=evidence, now=self.now())
        count = 1 + await repo.add_strike(self.db, chat_id=chat.id, vk_id=target_vk, violation_id=violation_id,
                                          now=self.now(), ttl_seconds=settings.strike_ttl_days * 86400)
        name = await self.m.mention(target_vk)
        await self.executor.warn(
            chat, target_vk, actor=actor, policy="manual", reason=reason, reply_to=reply_to,
            public=t.WARN_PUBLIC_MANUAL.format(name=name, reason=f": {reason}" if reason else ""),
            private=self.m.warning_text(chat, reason or t.MANUAL_REASON, None, count, settings))
        return count, violation_id

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
        if cmid and await repo.strikes_for_message(self.db, chat.id, cmid, None):
            return t.ALREADY_WARNED  # one message, one warning
        count, _ = await self._warn(chat, target_vk, actor=caller.vk_id, reason=reason.strip() or None,
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
        allowlist = await repo.allow_words(self.db, chat.org_id, chat.id)
        match = find_obscene(text or "", allowlist)
        klass, history = await self.m.person_facts(chat, target_vk)
        alert_text = t.ALERT_COMPLAINT.format(
            title=chat.title, by=await self.m.chats.vk_name(by_vk), name=await self.m.chats.vk_name(target_vk),
            klass=klass, vk_id=target_vk, excerpt=repo.excerpt_of(text) or "—", history=history).rstrip("\n")
        if comment:
            alert_text += t.COMPLAINT_COMMENT.format(comment=comment)
        # the moderators' chat learns neither who complained nor the message (private copies only)
        room_text = t.ALERT_COMPLAINT_ROOM.format(title=chat.title, name=await self.m.chats.vk_name(target_vk),
                                                  vk_id=target_vk)
        await self.m.alerts.raise_alert(
            kind="complaint", org_id=chat.org_id, chat_id=chat.id, target_vk=target_vk, text=alert_text,
            room_text=room_text, actions=VIOLATION_ACTIONS, violation_id=violation_id,
            details={"text": alert_text, "room_text": room_text, "cmid": target_cmid,
                     "token": match.token if match else None, "policy": "complaint"},
            extra_person_ids=(chat.leader_id,) if chat.leader_id else (), exclude=(target_vk,))
        await audit.write(self.db, action="complaint", now=self.now(), org_id=chat.org_id, chat_id=chat.id,
                          actor_vk=by_vk, target_vk=target_vk, details={"violation": violation_id})
        if await self.executor.delete(chat, by_vk, [cmid], actor=BOT_ACTOR, policy="complaint", reason="anonymity"):
            if self.m.uncount is not None:  # the /жалоба message does not stay: not counted
                await self.m.uncount(chat, by_vk, self.now())
        return t.COMPLAINT_SENT

    # -- actions by name or @mention ---------------------------------------------------------

    async def resolve(self, caller: Caller, args: str, *, peer_id: int | None,
                      prefer_muted: bool = False) -> tuple[list[Target], str, str]:
        """Whom «Петров», «Петров Петя», «@id123» or «[id123|Петя]» (the first words of ``args``)
        means: people present (or muted) in this chat (``peer_id``), or — privately — in every
        chat where the caller may moderate; the caller's rights are checked in each target's
        chat. With ``prefer_muted`` (/размут) only those muted count when some are. Returns
        (targets, the rest of the arguments, the words naming the person)."""
        words = args.split()
        if not words:
            raise UserError(t.NEED_TARGET)
        chat_id = None
        if peer_id is not None:
            chat_id = (await self.m.chats.require_moderator(caller, peer_id)).id
        now = self.now()
        rows: list[tuple[int, int, str | None]] = []
        rest, who = words, words[0]
        mention = _MENTION.match(words[0])
        screen = None if mention else _SCREEN_NAME.match(words[0])
        if mention or screen:
            if mention:
                vk_id = int(next(g for g in mention.groups() if g))
            else:
                assert screen is not None
                vk_id = await self._vk_id_of(screen.group(1))
            rows = await repo.candidates(self.db, chat_id=chat_id, vk_id=vk_id, name_word=None, now=now)
            rest = words[1:]
        else:
            for n in range(min(3, len(words)), 0, -1):
                keys = normalize_name(" ".join(words[:n])).split()
                if not keys:
                    continue
                found = [r for r in await repo.candidates(self.db, chat_id=chat_id, vk_id=None,
                                                          name_word=keys[0], now=now)
                         if r[2] and _named(r[2], keys)]
                if found:
                    rows, rest, who = found, words[n:], " ".join(words[:n])
                    break
        targets: list[Target] = []
        allowed: dict[int, bool] = {}
        for row_chat, vk_id, name in rows:
            chat = await chat_repo.get(self.db, row_chat)
            if chat is None or not chat.bound:
                continue
            if row_chat not in allowed:
                allowed[row_chat] = await self.m.chats.is_chat_staff(caller, chat)
            if allowed[row_chat]:
                targets.append(Target(chat, vk_id, name or await self.m.chats.vk_name(vk_id)))
        if prefer_muted:
            muted = [x for x in targets if await repo.muted_until(self.db, x.chat.id, x.vk_id, now) is not None]
            targets = muted or targets
        if not targets:
            if rows:
                raise UserError(t.TARGET_NOT_YOURS.format(who=who))
            where = t.WHERE_THIS_CHAT if peer_id is not None else t.WHERE_MY_CHATS
            raise UserError(t.TARGET_NOT_FOUND.format(who=who, where=where))
        return targets, " ".join(rest), who

    async def _vk_id_of(self, screen_name: str) -> int:
        """«@petrov», «vk.com/petrov»: the account's id, read from VK (0 when there is none)."""
        try:
            user = await self.executor.gateway.get_user(screen_name)
        except VkBadRequest:  # 113: no such user or screen name
            return 0
        return user.id if user is not None else 0

    async def run(self, caller: Caller, command: str, target: Target, rest: str, *, private: bool) -> str:
        """One moderation command on a resolved target (its chat's rights are checked again)."""
        peer, vk_id = target.chat.peer_id, target.vk_id
        if command == "warn":
            answer = await self.warn(caller, peer, vk_id, None, None, rest[:200])
        elif command == "unwarn":
            answer = await self.unwarn(caller, peer, vk_id)
        elif command == "mute":
            try:
                answer = await self.mute(caller, peer, vk_id, rest)
            except ValueError as exc:
                raise UserError(f"{exc}\n{t.MUTE_BY_NAME_USAGE}") from None
        elif command == "unmute":
            answer = await self.unmute(caller, peer, vk_id)
        elif command == "kick":
            answer = await self.kick(caller, peer, vk_id)
        else:
            raise UserError(texts.PENDING_GONE)
        return t.ON_TARGET.format(name=target.name, title=target.chat.title, answer=answer) if private else answer

    async def pick(self, caller: Caller, command: str, targets: list[Target], rest: str, who: str) -> tuple[str, str]:
        """Several people fit the name: a question with one button per (person, chat)."""
        what = t.PICK_WHAT[command]
        action_id = await pending_repo.create(
            self.db, kind=PICK_KIND, vk_id=caller.vk_id, org_id=None, now=self.now(), ttl=3600,
            payload={"what": t.PICK_PENDING_WHAT.format(what=what, who=who), "cmd": command, "rest": rest,
                     "options": [[x.chat.id, x.vk_id, x.name] for x in targets[:8]]})
        rows = [[Button(f"{x.name} — {x.chat.title}", {"a": "pa", "id": action_id, "do": "pick", "i": i}, "primary")]
                for i, x in enumerate(targets[:8])]
        rows.append([Button(t.BUTTON_CANCEL, {"a": "pa", "id": action_id, "do": "cancel"}, "secondary")])
        if len(targets) == 1:  # a kick by name: one button that confirms
            return t.KICK_BY_NAME_CONFIRM.format(name=targets[0].name, title=targets[0].chat.title), inline(rows)
        return t.PICK_TARGET.format(who=who, what=what), inline(rows)

    async def picked(self, caller: Caller, action: Pending, index: int) -> str:
        """The button of ``pick`` pressed: the command runs on that person in that chat."""
        options = action.payload.get("options") or []
        if not 0 <= index < len(options) or not await pending_repo.claim(self.db, action.id, "applied"):
            return texts.PENDING_GONE
        chat_id, vk_id, name = options[index]
        chat = await chat_repo.get(self.db, int(chat_id))
        if chat is None:
            return texts.PENDING_GONE
        return await self.run(caller, str(action.payload.get("cmd")), Target(chat, int(vk_id), str(name)),
                              str(action.payload.get("rest") or ""), private=True)

    # -- the console: what still waits for a decision ---------------------------------------

    async def open_alerts(self, caller: Caller, peer_id: int) -> str:
        """«/нарушения»: the undecided violations and complaints of the caller's schools, the
        newest first, each sent again with the buttons of its state (the new copy is edited with
        the others when someone decides). Returns the summary line."""
        org_ids = await self.m.chats.access.home_orgs(caller, "alerts_receive")
        alerts, total = await alert_repo.open_in_orgs(self.db, org_ids, ("violation", "complaint"),
                                                      limit=OPEN_ALERTS_SHOWN)
        if not total:
            return t.NO_OPEN_ALERTS
        for alert in reversed(alerts):  # oldest of those shown first: the newest ends up at the bottom
            chat = await chat_repo.get(self.db, alert.chat_id or 0)
            text = alert.details.get("text")
            if chat is None or not text:
                continue
            card = text + "".join(alert.details.get("log", []))
            for peer, cmid in await alert_repo.messages(self.db, alert.id):
                if peer == peer_id and cmid is not None:  # the older copy here gives its buttons up
                    await self.m.notifier.effects.edit(peer, cmid, card + t.ALERT_REPEATED)
            keyboard = alert_buttons(alert.id, await self.state_actions(chat, alert))
            await self.m.notifier.send(peer_id, card, keyboard=keyboard, alert_id=alert.id)
        more = t.OPEN_ALERTS_MORE.format(count=total - len(alerts)) if total > len(alerts) else ""
        return t.OPEN_ALERTS.format(count=total) + more

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
        try:
            wanted = parse_mode(mode)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        if key == "wellbeing" and default_settings(chat.type or "").mode("wellbeing") is not Mode.OFF \
                and wanted is not Mode.ON:
            raise UserError(t.WELLBEING_ALWAYS_ON)  # a child's safety signal is never switched off
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
        """A moderator pressed a button; returns the snackbar text (see ``press``)."""
        return (await self.press(alert, moderator_vk, {"do": do})).snackbar

    async def press(self, alert: Alert, moderator_vk: int, payload: dict[str, Any]) -> Press:
        """A moderator pressed a button of an alert (or of its «Ложное срабатывание» dialog).
        Decisions are taken once per alert, sanctions once per message and measure; after a
        decision every copy of the alert is edited in place to say who decided what, with only
        the buttons that still make sense (undo, «Снять мут»)."""
        alert = await alert_repo.get(self.db, alert.id) or alert  # its state now, not when it was read
        chat = await chat_repo.get(self.db, alert.chat_id or 0)
        target = alert.target_vk
        do = str(payload.get("do", ""))
        if chat is None or target is None:
            return Press(texts.PENDING_GONE)
        if do == "undo":
            return await self._undo(chat, alert, target, moderator_vk)
        if do == "unmute" and alert.status != "open":
            return await self._lift(chat, alert, target, moderator_vk)
        if do not in t.ACTED and do not in ("fpx", "unmute", "kickx"):
            return Press(texts.PENDING_GONE)
        if alert.status != "open":
            return Press(texts.ALERT_ALREADY.format(action=alert.handled_action or ""))
        if do in ("warn", "mute", "kick") and await self.m.authors.is_staff(chat, target):
            return Press(t.STAFF_PROTECTED)
        if do == "kickx":
            return Press(t.KICK_CANCELLED, t.KICK_CANCELLED)
        if do == "kick" and not payload.get("y"):
            # removing a child cannot be undone by a button: asked first (a phone is easy to mis-tap)
            rows = [[Button(t.BUTTON_KICK_CONFIRM, {"a": "al", "id": alert.id, "do": "kick", "y": 1}, "negative"),
                     Button(t.BUTTON_CANCEL, {"a": "al", "id": alert.id, "do": "kickx"}, "secondary")]]
            text = t.KICK_CONFIRM.format(name=await self.m.chats.vk_name(target), title=chat.title)
            return Press(t.FP_CONFIRM_SNACK, text, inline(rows))
        if do in ("fp", "fpx"):
            return await self._false_positive(chat, alert, moderator_vk, payload)
        settings = await self.m.settings_for(chat)
        seconds = mute_step_seconds(settings.ladder)
        cmid = alert.details.get("cmid")
        # one sanction per message and measure, whatever the buttons an old copy still shows
        if do == "warn" and await repo.strikes_for_message(self.db, chat.id, cmid, alert.violation_id):
            return Press(t.ALREADY_WARNED)
        if do == "mute" and await repo.muted_until(self.db, chat.id, target, self.now()) is not None:
            return Press(t.ALREADY_MUTED)
        if do == "del" and alert.details.get("done") not in (None, "alert", "shadow", "failed"):
            return Press(t.ALREADY_DELETED)
        label = t.UNMUTE_SNACK if do == "unmute" else t.ACTED[do].format(duration=t.duration(seconds))
        if not await alert_repo.claim(self.db, alert.id, by_vk=moderator_vk, action=label, now=self.now()):
            fresh = await alert_repo.get(self.db, alert.id)
            return Press(texts.ALERT_ALREADY.format(action=fresh.handled_action if fresh else ""))
        ok = True
        decision: dict[str, Any] = {"do": do, "by": moderator_vk, "at": self.now(), "label": label,
                                    "violation": alert.violation_id}
        policy = alert.details.get("policy")
        if do == "del":
            ok = not cmid or await self.executor.delete(chat, target, [int(cmid)], actor=moderator_vk,
                                                        policy=policy, reason="moderator",
                                                        violation_id=alert.violation_id)
            if ok and cmid and self.m.uncount_alert is not None:
                # the message no longer stays: not participation (given back if VK refuses)
                await self.m.uncount_alert(alert.id)
        elif do == "warn":
            _, decision["violation"] = await self._warn(
                chat, target, actor=moderator_vk, reason=None, reply_to=None, evidence=None,
                violation_id=alert.violation_id, cmid=cmid)
        elif do == "mute":
            ok = await self._mute(chat, target, seconds, actor=moderator_vk)
        elif do == "kick":
            ok = await self._kick(chat, target, actor=moderator_vk, policy=policy)
        elif do == "unmute":
            await self.executor.unmute(chat, target, actor=moderator_vk,
                                       public=t.UNMUTE_PUBLIC.format(name=await self.m.mention(target)))
        await self._decided(chat, alert, decision, t.DECIDED.format(action=label, who=await self._who(moderator_vk)))
        return Press(label if ok else t.ACT_FAILED)

    async def _who(self, vk_id: int) -> str:
        return await self.m.chats.vk_name(vk_id)

    async def _decided(self, chat: Chat, alert: Alert, decision: dict[str, Any] | None, line: str) -> None:
        """Remember the decision (or its absence) and redraw every copy with the new state."""
        details = dict(alert.details)
        details["log"] = [*details.get("log", []), line]
        if decision is None:
            details.pop("decision", None)
        else:
            details["decision"] = decision
        await alert_repo.set_details(self.db, alert.id, details)
        fresh = await alert_repo.get(self.db, alert.id)
        assert fresh is not None
        keyboard = alert_buttons(fresh.id, await self.state_actions(chat, fresh))
        await self.m.alerts.redraw(fresh, "".join(details["log"]), keyboard)

    async def state_actions(self, chat: Chat, alert: Alert) -> list[tuple[str, str, str]]:
        """The buttons that make sense now: before a decision, what was not done yet; after it,
        undo (when the decision can be undone) and «Снять мут» while a mute lasts."""
        target = alert.target_vk or 0
        muted = await repo.muted_until(self.db, chat.id, target, self.now()) is not None
        if alert.status != "open":
            decision = alert.details.get("decision") or {}
            dos = ["undo"] if decision.get("do") in UNDOABLE else []
            if muted:
                dos.append("unmute")
            return [BUTTON_OF[do] for do in dos]
        warned = await repo.strikes_for_message(self.db, chat.id, alert.details.get("cmid"), alert.violation_id)
        actions = []
        for do, label, color in initial_actions(str(alert.details.get("done") or "alert")):
            if do == "warn" and warned:
                continue
            if do in ("mute", "unmute"):
                do, label, color = BUTTON_OF["unmute" if muted else "mute"]
            actions.append((do, label, color))
        return list(dict.fromkeys(actions))

    async def _lift(self, chat: Chat, alert: Alert, target: int, moderator_vk: int) -> Press:
        """«Снять мут» after a decision: the mute ends, the decision stands."""
        lifted = await self.executor.unmute(chat, target, actor=moderator_vk,
                                            public=t.UNMUTE_PUBLIC.format(name=await self.m.mention(target)))
        if not lifted:
            return Press(t.NOT_MUTED)
        await self._decided(chat, alert, alert.details.get("decision"),
                            t.UNMUTED_NOTE.format(who=await self._who(moderator_vk)))
        return Press(t.UNMUTE_SNACK)

    async def _undo(self, chat: Chat, alert: Alert, target: int, moderator_vk: int) -> Press:
        """Reverse the decision: the strike taken back, the mute lifted, the allowed word checked
        again (and what it took back restored); audited; the alert is open again."""
        decision = alert.details.get("decision")
        if alert.status == "open" or not decision or decision.get("do") not in UNDOABLE:
            return Press(t.NOTHING_TO_UNDO)
        if not await alert_repo.reopen(self.db, alert.id):
            return Press(t.NOTHING_TO_UNDO)
        do, now = decision["do"], self.now()
        if do == "warn" and decision.get("violation"):
            await repo.revoke_for_violation(self.db, int(decision["violation"]), now)
            # the measure reversed, as reports count it (the lifted mute is written by the executor)
            await audit.write(self.db, action="unwarn", now=now, org_id=chat.org_id, chat_id=chat.id,
                              actor_vk=moderator_vk, target_vk=target, details={"alert": alert.id})
        elif do == "mute":
            await self.executor.unmute(chat, target, actor=moderator_vk,
                                       public=t.UNMUTE_PUBLIC.format(name=await self.m.mention(target)))
        elif do == "fp":
            if decision.get("word") and chat.org_id is not None:
                await repo.remove_allow_word(self.db, chat.org_id, decision["word"],
                                             chat_id=chat.id if decision.get("scope") == "c" else None)
            if alert.violation_id is not None:
                await repo.restore_strikes(self.db, alert.violation_id, int(decision["at"]))
            until = decision.get("unmuted")
            if until and int(until) > now:
                await self.executor.mute(chat, target, int(until) - now, public=None, private=None,
                                         actor=moderator_vk, policy="manual", reason="undo")
        await audit.write(self.db, action="undo", now=now, org_id=chat.org_id, chat_id=chat.id, actor_vk=moderator_vk,
                          target_vk=target, policy=alert.details.get("policy"),
                          details={"alert": alert.id, "undone": do, "violation": decision.get("violation")})
        fresh = await alert_repo.get(self.db, alert.id)
        assert fresh is not None
        label = str(decision.get("label") or t.ACTED.get(do, do))
        await self._decided(chat, fresh, None, t.UNDONE.format(action=label, who=await self._who(moderator_vk)))
        return Press(t.UNDONE_SNACK.format(action=label))

    async def _false_positive(self, chat: Chat, alert: Alert, moderator_vk: int, payload: dict[str, Any]) -> Press:
        """«Ложное срабатывание»: asks where the word is allowed (this message only, this chat, the
        whole school), then confirms; only the confirmation acts."""
        token = alert.details.get("token")
        word = str(token) if token else ""
        scope = str(payload.get("s", ""))
        # the whole school only for the school's moderators (not a chat's leader deciding alone)
        caller = await self.m.chats.access.caller(moderator_vk)
        school_wide = chat.org_id is not None and await self.m.chats.access.allowed(caller, "chat_moderate",
                                                                                    chat.org_id)
        if scope == "s" and not school_wide:
            return Press(t.FP_SCHOOL_NOT_ALLOWED[:90], t.FP_SCHOOL_NOT_ALLOWED)
        if scope not in t.FP_ACTED or (scope != "m" and not word):
            scopes = (("m", "c", "s") if school_wide else ("m", "c")) if word else ("m",)
            rows = [[Button(t.BUTTON_SCOPE[s], {"a": "al", "id": alert.id, "do": "fp", "s": s},
                            "positive" if s == "m" else "primary")] for s in scopes]
            rows.append([Button(t.BUTTON_CANCEL, {"a": "al", "id": alert.id, "do": "fpx", "s": "m"}, "secondary")])
            text = (t.FP_SCOPE_ASK.format(title=chat.title, word=word) if word
                    else t.FP_SCOPE_ASK_NO_WORD.format(title=chat.title))
            return Press(t.FP_ASKED_SNACK, text, inline(rows))
        what = t.FP_WHAT[scope].format(word=word)
        if payload.get("do") == "fpx":
            return Press(t.FP_CANCELLED.format(what=what)[:90], t.FP_CANCELLED.format(what=what))
        if not payload.get("y"):
            rows = [[Button(t.BUTTON_ALLOW if scope != "m" else t.BUTTON_RESTORE,
                            {"a": "al", "id": alert.id, "do": "fp", "s": scope, "y": 1}, "positive"),
                     Button(t.BUTTON_CANCEL, {"a": "al", "id": alert.id, "do": "fpx", "s": scope}, "secondary")]]
            return Press(t.FP_CONFIRM_SNACK, t.FP_CONFIRM[scope].format(word=word, title=chat.title), inline(rows),
                         closes=t.FP_SCOPE_CHOSEN.format(scope=t.BUTTON_SCOPE[scope]))
        label = t.FP_ACTED[scope]
        if not await alert_repo.claim(self.db, alert.id, by_vk=moderator_vk, action=label, now=self.now()):
            fresh = await alert_repo.get(self.db, alert.id)
            return Press(texts.ALERT_ALREADY.format(action=fresh.handled_action if fresh else ""))
        now = self.now()
        decision: dict[str, Any] = {"do": "fp", "by": moderator_vk, "at": now, "label": label, "scope": scope,
                                    "violation": alert.violation_id}
        if scope != "m" and chat.org_id is not None:
            if await repo.add_allow_word(self.db, chat.org_id, word, by_vk=moderator_vk, now=now,
                                         chat_id=chat.id if scope == "c" else None):
                decision["word"] = word  # undo removes only what this decision added
        if alert.violation_id is not None:
            await repo.revoke_for_violation(self.db, alert.violation_id, now)
        target = alert.target_vk or 0
        until = await repo.muted_until(self.db, chat.id, target, now)
        if until is not None and alert.details.get("done") == "mute":  # the bot's mute for this message
            await self.executor.unmute(chat, target, actor=moderator_vk,
                                       public=t.UNMUTE_PUBLIC.format(name=await self.m.mention(target)))
            decision["unmuted"] = until
        await audit.write(self.db, action="false_positive", now=now, org_id=chat.org_id, chat_id=chat.id,
                          actor_vk=moderator_vk, target_vk=alert.target_vk, policy=alert.details.get("policy"),
                          details={"violation": alert.violation_id, "allow_word": scope != "m" and bool(word),
                                   "scope": {"m": "message", "c": "chat", "s": "school"}[scope]})
        await self._decided(chat, alert, decision, t.DECIDED.format(action=label, who=await self._who(moderator_vk)))
        return Press(label)


UNDOABLE = frozenset({"warn", "mute", "fp", "ok"})
PICK_KIND = "moderation_target"
OPEN_ALERTS_SHOWN = 5
_SCREEN_NAME = re.compile(r"^(?:@|(?:https?://)?(?:m\.)?vk\.com/)([a-z][a-z0-9_.]{1,31})/?$", re.IGNORECASE)
_MENTION = re.compile(r"^(?:\[id(\d+)\|[^\]]*\]|@?id(\d+)|(?:https?://)?(?:m\.)?vk\.com/id(\d+)/?)$", re.IGNORECASE)


def _named(full_name: str, keys: list[str]) -> bool:
    """Every typed word starts one of the person's name words («петр» fits «Петров Пётр»)."""
    words = normalize_name(full_name).split()
    return all(any(w.startswith(k) for w in words) for k in keys)


@dataclass(frozen=True)
class Target:
    chat: Chat
    vk_id: int
    name: str


@dataclass(frozen=True)
class Press:
    """What a press on an alert did: the snackbar, and a message with buttons for the one who
    pressed (the «Ложное срабатывание» dialog), if any."""

    snackbar: str
    text: str | None = None
    keyboard: str | None = None
    closes: str | None = None  # what the dialog message pressed now says instead (default: the snackbar)
