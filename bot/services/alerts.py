"""Alerts to a school's moderators: posted with buttons, handled once, updated with who acted."""

from __future__ import annotations

import logging
from typing import Any

from bot import texts
from bot.domain.clock import Clock
from bot.db import Database
from bot.repo import alerts as alert_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.repo.alerts import Alert
from bot.pipeline.effects import CHAT_PEER_BASE
from bot.services.notify import Notifier
from bot.vk.keyboards import Button, inline

log = logging.getLogger(__name__)

MODERATOR_ROLES = ("moderator", "school_admin", "chat_responsible")


class Alerts:
    def __init__(self, db: Database, notifier: Notifier, clock: Clock) -> None:
        self.db = db
        self.notifier = notifier
        self.clock = clock

    async def recipients(self, org_id: int, extra_person_ids: tuple[int, ...] = ()) -> list[int]:
        grants = await role_repo.active_in_org(self.db, org_id, MODERATOR_ROLES)
        person_ids = [g.person_id for g in grants] + list(extra_person_ids)
        vk_ids: list[int] = []
        for person_id in dict.fromkeys(person_ids):
            vk_id = await people_repo.vk_id_of(self.db, person_id)
            if vk_id:
                vk_ids.append(vk_id)
        return list(dict.fromkeys(vk_ids))

    async def raise_alert(
        self, *, kind: str, org_id: int, chat_id: int | None, target_vk: int | None, text: str,
        actions: list[tuple[str, str, str]], details: dict[str, Any] | None = None,
        violation_id: int | None = None, extra_person_ids: tuple[int, ...] = (), room_text: str | None = None,
        exclude: tuple[int, ...] = (),
    ) -> int:
        """Create the alert and post it privately to each moderator. ``actions``: (do, label, color).
        ``room_text``: the copy for the moderators' chat, if it must say less than private ones
        (the offending message is shown in private messages only); ``exclude``: people who must
        not get it (the person a complaint is about, should they be staff)."""
        alert_id = await alert_repo.create(
            self.db, kind=kind, now=int(self.clock.now()), org_id=org_id, chat_id=chat_id, target_vk=target_vk,
            violation_id=violation_id, details=details,
        )
        keyboard = buttons(alert_id, actions)
        targets = [vk for vk in await self.recipients(org_id, extra_person_ids) if vk not in exclude]
        for peer_id in targets:
            # each copy is remembered once sent, so that it can be edited when someone acts
            await self.notifier.send(peer_id, text, keyboard=keyboard, alert_id=alert_id)
        room = await self.moderators_chat(org_id)
        if room is not None:
            await self.notifier.send(room, room_text if room_text is not None else text, keyboard=keyboard,
                                     alert_id=alert_id)
        return alert_id

    async def moderators_chat(self, org_id: int) -> int | None:
        """The school's moderators' chat (peer id), if one was chosen with /уведомления сюда."""
        from bot.repo import inbox

        value = await inbox.get_kv(self.db, f"alerts_peer:{org_id}")
        return int(value) if value else None

    async def set_moderators_chat(self, org_id: int, peer_id: int | None) -> None:
        from bot.repo import inbox

        if peer_id is None:
            await inbox.delete_kv(self.db, f"alerts_peer:{org_id}")
        else:
            await inbox.set_kv(self.db, f"alerts_peer:{org_id}", str(peer_id))

    async def settle(self, alert: Alert, *, by_vk: int, action: str, who: str,
                     suffix: str | None = None, keyboard: str | None = None) -> bool:
        """Claim the alert for one moderator; update every copy of it (with ``keyboard``: the
        buttons that still make sense). False if already handled."""
        if not await alert_repo.claim(self.db, alert.id, by_vk=by_vk, action=action, now=int(self.clock.now())):
            return False
        await self.redraw(alert, suffix if suffix is not None else texts.ALERT_HANDLED.format(action=action, who=who),
                          keyboard)
        return True

    async def redraw(self, alert: Alert, suffix: str, keyboard: str | None) -> None:
        """Edit every copy of the alert in place: its card, ``suffix`` (who decided what) and the
        buttons of its new state (None: no buttons)."""
        for peer_id, cmid in await alert_repo.messages(self.db, alert.id):
            if cmid is None:
                continue
            original = alert.details.get("room_text" if peer_id > CHAT_PEER_BASE else "text",
                                         alert.details.get("text", ""))
            await self.notifier.effects.edit(peer_id, cmid, original + suffix, keyboard=keyboard)


def buttons(alert_id: int, actions: list[tuple[str, str, str]]) -> str | None:
    """The alert's inline keyboard, two buttons a row; None without actions."""
    if not actions:
        return None
    return inline([[Button(label, {"a": "al", "id": alert_id, "do": do}, color)
                    for do, label, color in actions[i:i + 2]] for i in range(0, len(actions), 2)])
