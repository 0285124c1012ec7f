"""Moderation by people: chat commands of the chat's staff (/пред, /мут, /кик, /размут,
/снять пред, /политика, /тишина), /жалоба by anyone, and moderators' alert buttons.

Use cases take typed arguments (parsed by the handlers, bot/domain/moderation_args.py) and return
the typed results of bot/services/moderation_results.py; refusals raise ``UserError``. What goes
to other people as a side effect (public notices, the alerts and their redrawn copies) is composed
here."""

from __future__ import annotations

from datetime import time
from typing import Any

from bot import texts
from bot.texts import moderation as t
from bot.domain.capabilities import Capability
from bot.domain.errors import NotAllowed, NotFound, UserError
from bot.domain.moderation_args import ById, ByName, TargetQuery
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
from bot.services.moderation_results import (
    Acted, AlertGone, AlreadyDecided, AlreadyDeleted, AlreadyMuted, AlreadyWarned, ComplaintSent, FpActed,
    FpCancelled, FpConfirmAsked, FpSchoolNotAllowed, FpScopeAsked, KickAsked, KickCancelled, Kicked, KickFailed,
    Lifted, Muted, NothingToUndo, NotMuted, NoWarnings, OpenAlerts, Picked, PickAsked, PickGone, PolicySet,
    PressResult, QuietOff, QuietSet, Resolved, StaffCommand, StaffProtected, Target, Undone, Unmuted, Unwarned,
    Warned)
from policies import Mode, apply_overrides, default_settings, find_obscene

# how a mode is written in a chat's overrides (as staff type it)
_MODE_WORDS = {Mode.ON: "вкл", Mode.OFF: "выкл", Mode.SHADOW: "тихо"}
_QUIET_OFF = "выкл"


class ManualModeration:
    def __init__(self, moderation: Moderation) -> None:
        self.m = moderation
        self.db = moderation.db
        self.executor = moderation.executor

    def now(self) -> int:
        return self.m.now()

    async def target_chat(self, caller: Caller, peer_id: int, target_vk: int | None) -> Chat:
        """The chat where the caller may moderate ``target_vk`` (a member, not staff); UserError otherwise."""
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

    # -- chat commands (replies to a member's message, or on a resolved target) -------------

    async def warn(self, caller: Caller, peer_id: int, target_vk: int | None, cmid: int | None,
                   text: str | None, reason: str) -> Warned | AlreadyWarned:
        chat = await self.target_chat(caller, peer_id, target_vk)
        assert target_vk is not None
        if cmid and await repo.strikes_for_message(self.db, chat.id, cmid, None):
            return AlreadyWarned()  # one message, one warning
        count, _ = await self._warn(chat, target_vk, actor=caller.vk_id, reason=reason.strip() or None,
                                    reply_to=cmid, evidence=text, violation_id=None)
        return Warned(count)

    async def unwarn(self, caller: Caller, peer_id: int, target_vk: int | None) -> Unwarned | NoWarnings:
        chat = await self.target_chat(caller, peer_id, target_vk)
        assert target_vk is not None
        if not await repo.revoke_last_strike(self.db, chat.id, target_vk, self.now()):
            return NoWarnings()
        await audit.write(self.db, action="unwarn", now=self.now(), org_id=chat.org_id, chat_id=chat.id,
                          actor_vk=caller.vk_id, target_vk=target_vk)
        return Unwarned(await repo.active_strikes(self.db, chat.id, target_vk, self.now()))

    async def mute(self, caller: Caller, peer_id: int, target_vk: int | None, seconds: int) -> Muted:
        chat = await self.target_chat(caller, peer_id, target_vk)
        assert target_vk is not None
        await self._mute(chat, target_vk, seconds, actor=caller.vk_id)
        return Muted(seconds)

    async def unmute(self, caller: Caller, peer_id: int, target_vk: int | None) -> Unmuted | NotMuted:
        chat = await self.target_chat(caller, peer_id, target_vk)
        assert target_vk is not None
        name = await self.m.mention(target_vk)
        lifted = await self.executor.unmute(chat, target_vk, actor=caller.vk_id,
                                            public=t.UNMUTE_PUBLIC.format(name=name))
        return Unmuted() if lifted else NotMuted()

    async def kick(self, caller: Caller, peer_id: int, target_vk: int | None) -> Kicked | KickFailed:
        chat = await self.target_chat(caller, peer_id, target_vk)
        assert target_vk is not None
        return Kicked() if await self._kick(chat, target_vk, actor=caller.vk_id, policy=None) else KickFailed()

    async def complain(self, by_vk: int, peer_id: int, cmid: int, target_vk: int | None,
                       target_cmid: int | None, text: str | None, *, comment: str | None = None) -> ComplaintSent:
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
        return ComplaintSent(violation_id)

    # -- actions by name or @mention ---------------------------------------------------------

    async def resolve(self, caller: Caller, query: TargetQuery, *, peer_id: int | None,
                      prefer_muted: bool = False) -> Resolved:
        """Whom «Петров», «Петров Петя», «@id123» or «[id123|Петя]» means: people present (or
        muted) in this chat (``peer_id``), or — privately — in every chat where the caller may
        moderate; the caller's rights are checked in each target's chat. With ``prefer_muted``
        (/размут) only those muted count when some are. UserError when nobody fits."""
        chat_id = None
        if peer_id is not None:
            chat_id = (await self.m.chats.require_moderator(caller, peer_id)).id
        now = self.now()
        rows: list[tuple[int, int, str | None]] = []
        if isinstance(query, ByName):
            words = list(query.words)
            rest, who = words, words[0]
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
            rest_text = " ".join(rest)
        else:
            vk_id = query.vk_id if isinstance(query, ById) else await self._vk_id_of(query.screen_name)
            rows = await repo.candidates(self.db, chat_id=chat_id, vk_id=vk_id, name_word=None, now=now)
            rest_text, who = query.rest, query.who
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
        return Resolved(tuple(targets), rest_text, who)

    async def _vk_id_of(self, screen_name: str) -> int:
        """«@petrov», «vk.com/petrov»: the account's id, read from VK (0 when there is none)."""
        try:
            user = await self.executor.gateway.get_user(screen_name)
        except VkBadRequest:  # 113: no such user or screen name
            return 0
        return user.id if user is not None else 0

    async def pick(self, caller: Caller, command: StaffCommand, targets: tuple[Target, ...], rest: str,
                   who: str) -> PickAsked:
        """Several people fit the name (or a kick by name, always confirmed): a pending pick, one
        option per (person, chat), at most 8."""
        what = t.PICK_WHAT[command]
        shown = targets[:8]
        action_id = await pending_repo.create(
            self.db, kind=PICK_KIND, vk_id=caller.vk_id, org_id=None, now=self.now(), ttl=3600,
            payload={"what": t.PICK_PENDING_WHAT.format(what=what, who=who), "cmd": str(command), "rest": rest,
                     "options": [[x.chat.id, x.vk_id, x.name] for x in shown]})
        return PickAsked(action_id, command, shown, who)

    async def picked(self, action: Pending, index: int) -> Picked | PickGone:
        """The button of ``pick`` pressed: that person in that chat gets the command (the handler
        runs it with the caller's rights checked in that chat)."""
        options = action.payload.get("options") or []
        if not 0 <= index < len(options) or not await pending_repo.claim(self.db, action.id, "applied"):
            return PickGone()
        chat_id, vk_id, name = options[index]
        chat = await chat_repo.get(self.db, int(chat_id))
        try:
            command = StaffCommand(str(action.payload.get("cmd")))
        except ValueError:
            return PickGone()
        if chat is None:
            return PickGone()
        return Picked(command, Target(chat, int(vk_id), str(name)), str(action.payload.get("rest") or ""))

    # -- the console: what still waits for a decision ---------------------------------------

    async def open_alerts(self, caller: Caller, peer_id: int) -> OpenAlerts:
        """«/нарушения»: the undecided violations and complaints of the caller's schools, the
        newest first, each sent again with the buttons of its state (the new copy is edited with
        the others when someone decides). NotAllowed for someone who receives no alerts."""
        org_ids = await self.m.chats.access.home_orgs(caller, Capability.ALERTS_RECEIVE)
        if not org_ids:
            raise NotAllowed(texts.NOT_ALLOWED.format(what=t.WHAT_OPEN_ALERTS, hint=texts.NOT_ALLOWED_HINT))
        alerts, total = await alert_repo.open_in_orgs(self.db, org_ids, ("violation", "complaint"),
                                                      limit=OPEN_ALERTS_SHOWN)
        if not total:
            return OpenAlerts(0, 0)
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
        return OpenAlerts(total, len(alerts))

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

    async def set_policy(self, caller: Caller, peer_id: int, policy: str, mode: Mode) -> PolicySet:
        """/политика: ``policy`` (its key; an unknown one is refused with the list of names) in ``mode``."""
        chat = await self.m.chats.require_moderator(caller, peer_id)
        if policy == "wellbeing" and default_settings(chat.type or "").mode("wellbeing") is not Mode.OFF \
                and mode is not Mode.ON:
            raise UserError(t.WELLBEING_ALWAYS_ON)  # a child's safety signal is never switched off
        await self._save_override(chat, policy, _MODE_WORDS[mode], caller.vk_id)
        return PolicySet(policy, mode)

    async def set_quiet(self, caller: Caller, peer_id: int, window: tuple[time, time] | None) -> QuietSet | QuietOff:
        """/тишина: quiet hours from ``window``'s start to its end, or off (None)."""
        chat = await self.m.chats.require_moderator(caller, peer_id)
        if window is None:
            await self._save_override(chat, "quiet_hours", _QUIET_OFF, caller.vk_id)
            return QuietOff()
        start, end = window
        await self._save_override(chat, "quiet_hours", f"{start:%H:%M}-{end:%H:%M}", caller.vk_id)
        return QuietSet(start, end)

    # -- moderators' buttons on violation alerts and complaints ---------------------------

    async def alert_to_decide(self, caller: Caller, alert_id: int) -> Alert:
        """The alert (of any kind) whose button ``caller`` pressed, when they may decide on it: the
        school's alert receivers, or the staff of the alert's chat. NotFound / NotAllowed otherwise."""
        alert = await alert_repo.get(self.db, alert_id)
        if alert is None:
            raise NotFound(texts.PENDING_GONE)
        access = self.m.chats.access
        if alert.org_id is None or not await access.allowed(caller, Capability.ALERTS_RECEIVE, alert.org_id):
            chat = await chat_repo.get(self.db, alert.chat_id or 0)
            if chat is None or not await self.m.chats.is_chat_staff(caller, chat):
                raise NotAllowed(texts.NOT_ALLOWED.format(what=t.WHAT_ALERT_DECISIONS, hint="")[:90])
        return alert

    async def press(self, alert: Alert, moderator_vk: int, do: str, *, scope: str = "",
                    confirmed: bool = False) -> PressResult:
        """A moderator pressed button ``do`` of an alert (or of its «Ложное срабатывание» dialog:
        ``scope``, and ``confirmed`` for the dialog's last step; a kick is confirmed too).
        Decisions are taken once per alert, sanctions once per message and measure; after a
        decision every copy of the alert is edited in place to say who decided what, with only
        the buttons that still make sense (undo, «Снять мут»)."""
        alert = await alert_repo.get(self.db, alert.id) or alert  # its state now, not when it was read
        chat = await chat_repo.get(self.db, alert.chat_id or 0)
        target = alert.target_vk
        if chat is None or target is None:
            return AlertGone()
        if do == "undo":
            return await self._undo(chat, alert, target, moderator_vk)
        if do == "unmute" and alert.status != "open":
            return await self._lift(chat, alert, target, moderator_vk)
        if do not in t.ACTED and do not in ("fpx", "unmute", "kickx"):
            return AlertGone()
        if alert.status != "open":
            return AlreadyDecided(alert.handled_action or "")
        if do in ("warn", "mute", "kick") and await self.m.authors.is_staff(chat, target):
            return StaffProtected()
        if do == "kickx":
            return KickCancelled()
        if do == "kick" and not confirmed:
            # removing a child cannot be undone by a button: asked first (a phone is easy to mis-tap)
            return KickAsked(alert.id, await self.m.chats.vk_name(target), chat.title)
        if do in ("fp", "fpx"):
            return await self._false_positive(chat, alert, moderator_vk, do, scope, confirmed)
        settings = await self.m.settings_for(chat)
        seconds = mute_step_seconds(settings.ladder)
        cmid = alert.details.get("cmid")
        # one sanction per message and measure, whatever the buttons an old copy still shows
        if do == "warn" and await repo.strikes_for_message(self.db, chat.id, cmid, alert.violation_id):
            return AlreadyWarned()
        if do == "mute" and await repo.muted_until(self.db, chat.id, target, self.now()) is not None:
            return AlreadyMuted()
        if do == "del" and alert.details.get("done") not in (None, "alert", "shadow", "failed"):
            return AlreadyDeleted()
        label = t.acted(do, seconds)
        if not await alert_repo.claim(self.db, alert.id, by_vk=moderator_vk, action=label, now=self.now()):
            fresh = await alert_repo.get(self.db, alert.id)
            return AlreadyDecided((fresh.handled_action or "") if fresh else "")
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
        return Acted(do, seconds, ok)

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

    async def _lift(self, chat: Chat, alert: Alert, target: int, moderator_vk: int) -> Lifted | NotMuted:
        """«Снять мут» after a decision: the mute ends, the decision stands."""
        lifted = await self.executor.unmute(chat, target, actor=moderator_vk,
                                            public=t.UNMUTE_PUBLIC.format(name=await self.m.mention(target)))
        if not lifted:
            return NotMuted()
        await self._decided(chat, alert, alert.details.get("decision"),
                            t.UNMUTED_NOTE.format(who=await self._who(moderator_vk)))
        return Lifted()

    async def _undo(self, chat: Chat, alert: Alert, target: int, moderator_vk: int) -> Undone | NothingToUndo:
        """Reverse the decision: the strike taken back, the mute lifted, the allowed word checked
        again (and what it took back restored); audited; the alert is open again."""
        decision = alert.details.get("decision")
        if alert.status == "open" or not decision or decision.get("do") not in UNDOABLE:
            return NothingToUndo()
        if not await alert_repo.reopen(self.db, alert.id):
            return NothingToUndo()
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
        return Undone(label)

    async def _false_positive(self, chat: Chat, alert: Alert, moderator_vk: int, do: str, scope: str,
                              confirmed: bool) -> PressResult:
        """«Ложное срабатывание»: asks where the word is allowed (this message only, this chat, the
        whole school), then confirms; only the confirmation acts."""
        token = alert.details.get("token")
        word = str(token) if token else ""
        # the whole school only for the school's moderators (not a chat's leader deciding alone)
        caller = await self.m.chats.access.caller(moderator_vk)
        school_wide = chat.org_id is not None and await self.m.chats.access.allowed(caller, Capability.CHAT_MODERATE,
                                                                                    chat.org_id)
        if scope == "s" and not school_wide:
            return FpSchoolNotAllowed()
        if scope not in t.FP_ACTED or (scope != "m" and not word):
            scopes = (("m", "c", "s") if school_wide else ("m", "c")) if word else ("m",)
            return FpScopeAsked(alert.id, chat.title, word, scopes)
        if do == "fpx":
            return FpCancelled(scope, word)
        if not confirmed:
            return FpConfirmAsked(alert.id, scope, word, chat.title)
        label = t.FP_ACTED[scope]
        if not await alert_repo.claim(self.db, alert.id, by_vk=moderator_vk, action=label, now=self.now()):
            fresh = await alert_repo.get(self.db, alert.id)
            return AlreadyDecided((fresh.handled_action or "") if fresh else "")
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
        return FpActed(scope)


UNDOABLE = frozenset({"warn", "mute", "fp", "ok"})
PICK_KIND = "moderation_target"
OPEN_ALERTS_SHOWN = 5


def _named(full_name: str, keys: list[str]) -> bool:
    """Every typed word starts one of the person's name words («петр» fits «Петров Пётр»)."""
    words = normalize_name(full_name).split()
    return all(any(w.startswith(k) for w in words) for k in keys)
