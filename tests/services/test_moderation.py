"""The moderation engine on a real database and the VK emulator, with a fixed clock: executor,
escalation, strike expiry, soft mute, shadow mode, allow-list, wellbeing alerts, quiet hours,
manual commands and the evidence purge."""

from __future__ import annotations

import asyncio
import json

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.texts import moderation as t
from bot.runtime.app import App, create_app
from bot.pipeline.unit import unit
from bot.domain.clock import FixedClock
from bot.config import load_settings
from bot.domain.classes import parse_class
from bot.domain.errors import UserError
from bot.domain.moderation_args import parse_policy_mode, parse_quiet, policy_key
from bot.runtime.moderation import purge_evidence
from bot.repo import alerts as alert_repo
from bot.repo import chats as chat_repo
from bot.repo import moderation as repo
from bot.repo import pending as pending_repo
from bot.repo import people as people_repo
from bot.repo.chats import Chat
from bot.services.moderation import Incoming, Moderation
from bot.domain.moderation_args import BadTerm, ById, ByName, ByScreenName, parse_target, parse_term
from bot.services import moderation_results as mr
from bot.services.moderation_manual import ManualModeration
from handlers.moderation_views import pick_keyboard, press_view, run_command, run_on_target
from policies import Mode
from tests.e2e.seed import School, add_staff, add_student, make_school
from vkemu import Emulator

MSK = ZoneInfo("Europe/Moscow")
NOON = datetime(2026, 9, 21, 12, 0, tzinfo=MSK).timestamp()  # a Monday, not quiet
DAY = 86400
RUDE = "ну ты и дебил"


@dataclass
class World:
    emu: Emulator
    app: App
    clock: FixedClock
    school: School
    chat: Chat

    @property
    def mod(self) -> Moderation:
        return self.app.moderation

    @property
    def manual(self) -> ManualModeration:
        return self.app.manual

    async def say(self, who: str, text: str, attachments: tuple[str, ...] = ()) -> tuple[int, str]:
        vk_id = self.school.vk[who]
        cmid = self.emu.user_message(self.chat.peer_id, vk_id, text)
        with unit(f"test:{cmid}"):  # one event in one transaction, as the pipeline handles it
            async with self.app.db.transaction():
                outcome = await self.mod.on_message(Incoming(self.chat.peer_id, vk_id, cmid, text, attachments))
        await self.settle()
        return cmid, outcome

    async def settle(self) -> None:
        """Perform the actions the decisions recorded (the runtime's action runner does this)."""
        await asyncio.wait_for(self.app.runner.drained(), 10)

    def deleted(self, cmid: int) -> bool:
        return next(m for m in self.emu.history(self.chat.peer_id) if m.cmid == cmid).deleted_for_all

    async def strikes(self, who: str) -> int:
        return await repo.active_strikes(self.app.db, self.chat.id, self.school.vk[who], self.app.now())

    async def caller(self, who: str):
        return await self.app.access.caller(self.school.vk[who])

    async def refresh(self) -> Chat:
        self.chat = await chat_repo.get(self.app.db, self.chat.id)  # type: ignore[assignment]
        return self.chat


async def _seed(app: App, emu: Emulator, code: str) -> School:
    db = app.db
    school = await make_school(db, emu, code, f"Школа {code}", None)
    await add_staff(db, emu, school, "teacher", "Мария", "Классная", [("class_teacher", "5А")])
    await add_staff(db, emu, school, "moderator", "Игорь", "Модеров", [("moderator", None)])
    await add_staff(db, emu, school, "psy", "Нина", "Психолог", [("psychologist", None)])
    await add_staff(db, emu, school, "other_teacher", "Олег", "Другой", [("teacher", None)])
    await add_student(db, emu, school, "kid", "Петя", "Иванов", "5А")
    await add_student(db, emu, school, "kid2", "Вася", "Сидоров", "5А")
    return school


async def _chat(app: App, emu: Emulator, school: School, *, overrides: dict | None = None) -> Chat:
    members = [school.vk[k] for k in ("kid", "kid2", "moderator")]
    peer = emu.create_chat("5А — ученики", school.vk["teacher"], members, with_bot=True, bot_admin=True)
    db = app.db
    chat, _ = await chat_repo.ensure(db, peer, added_by=school.vk["teacher"], now=app.now())
    class_id = await people_repo.class_id(db, school.org.id, parse_class("5А"))
    await chat_repo.bind(db, chat.id, org_id=school.org.id, type_="students_class", class_id=class_id,
                         subject=None, title="5А — ученики", leader_id=school.person["teacher"])
    await chat_repo.set_admin(db, chat.id, True, now=app.now())
    if overrides:
        await chat_repo.set_overrides(db, chat.id, overrides)
    fresh = await chat_repo.get(db, chat.id)
    assert fresh is not None
    return fresh


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    emu = Emulator(group_id=1000, token="emu-token")
    await emu.start()
    settings = load_settings(None, vk={"token": "emu-token", "group_id": 1000, "api_url": emu.api_url},
                             db={"path": str(tmp_path / "bot.db")}, bot={"code_pepper": "pepper"})
    clock = FixedClock(NOON)
    app = await create_app(settings, clock=clock)
    await app.runner.start()
    try:
        school = await _seed(app, emu, "sch-a")
        yield World(emu, app, clock, school, await _chat(app, emu, school))
    finally:
        await app.runner.stop()
        await app.close()
        await emu.stop()


def _alerts_to(world: World, who: str) -> list:
    return [m for m in world.emu.sent(world.school.vk[who]) if m.keyboard]


async def test_obscene_message_is_deleted_warned_and_alerted(world: World) -> None:
    cmid, outcome = await world.say("kid", "это пиздец")
    assert outcome == "warn" and world.deleted(cmid)
    public = world.emu.sent(world.chat.peer_id)[-1].text
    assert "предупреждение" in public and "пиздец" not in public  # no quoting, no shaming
    private = world.emu.sent(world.school.vk["kid"])[-1].text
    assert "Активных предупреждений: 1" in private and "30 дней" in private
    alert = _alerts_to(world, "moderator")[-1]
    labels = [b["action"]["label"] for row in alert.keyboard["buttons"] for b in row]
    # the bot already deleted and warned: only what it has not done is offered
    assert labels == [t.BUTTON_MUTE, t.BUTTON_KICK, t.BUTTON_FALSE, t.BUTTON_OK]
    assert "п****ц" in alert.text
    # enough to decide: the message itself (privately), who with their class, their history
    assert "Сообщение: «это пиздец»" in alert.text and "Петя Иванов, 5А" in alert.text
    assert "За 30 дней: предупреждений — 1, мутов всего — 0" in alert.text
    assert _alerts_to(world, "teacher")  # the chat's leader hears too
    assert await world.strikes("kid") == 1
    row = await world.app.db.fetchone("SELECT policy, cmid, excerpt FROM violation")
    assert tuple(row) == ("obscene", cmid, "это пиздец")
    actions = [r[0] for r in await world.app.db.fetchall("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["delete", "warn"]


async def test_without_rights_nothing_is_sanctioned_and_people_decide(world: World) -> None:
    world.emu.fail_next("messages.delete", 925)
    before = len(world.emu.sent(world.chat.peer_id))
    cmid, outcome = await world.say("kid", RUDE)
    await world.settle()  # the follow-up of the refused delete (strike taken back, alert) is performed too
    assert outcome == "warn" and not world.deleted(cmid)  # decided, but VK refused the deletion:
    assert await world.strikes("kid") == 0  # the strike is taken back
    assert len(world.emu.sent(world.chat.peer_id)) == before  # no public «message deleted» warning
    assert t.DONE["failed"] in _alerts_to(world, "moderator")[-1].text
    assert not (await world.refresh()).bot_is_admin  # the rights-lost path took over


async def test_ladder_warn_mute_mute_kick(world: World) -> None:
    world.emu.restrictions_supported = False  # the fallback: deleting on arrival
    outcomes = []
    for _ in range(4):
        _, outcome = await world.say("kid", RUDE)
        outcomes.append(outcome)
        world.clock.advance(DAY + 60)  # past any mute, well within the strike TTL
    assert outcomes == ["warn", "mute", "mute", "kick"]
    mutes = [r[0] for r in await world.app.db.fetchall(
        "SELECT details FROM audit_log WHERE action = 'mute' ORDER BY id")]
    assert '"seconds": 3600' in mutes[0] and '"seconds": 86400' in mutes[1]
    assert world.school.vk["kid"] not in world.emu.chat(world.chat.peer_id).members
    removal = await world.app.db.fetchone("SELECT actor_vk, reason FROM audit_log WHERE action = 'remove'")
    assert tuple(removal) == (0, "moderation:obscene")


async def test_strikes_expire(world: World) -> None:
    world.emu.restrictions_supported = False
    assert (await world.say("kid", RUDE))[1] == "warn"
    world.clock.advance(2 * 3600)
    assert (await world.say("kid", RUDE))[1] == "mute"
    world.clock.advance(31 * DAY)  # both strikes have expired
    assert await world.strikes("kid") == 0
    assert (await world.say("kid", RUDE))[1] == "warn"


async def test_soft_mute_deletes_until_it_ends(world: World) -> None:
    world.emu.restrictions_supported = False
    teacher = await world.caller("teacher")
    kid = world.school.vk["kid"]
    assert await world.manual.mute(teacher, world.chat.peer_id, kid, 1800) == mr.Muted(1800)
    cmid, outcome = await world.say("kid", "можно спросить?")
    assert outcome == "muted" and world.deleted(cmid)
    world.clock.advance(31 * 60)
    cmid, outcome = await world.say("kid", "можно спросить?")
    assert outcome == "allowed" and not world.deleted(cmid)


async def test_mute_uses_vk_restriction_where_it_works(world: World) -> None:
    teacher = await world.caller("teacher")
    kid = world.school.vk["kid"]
    await world.manual.mute(teacher, world.chat.peer_id, kid, 7200)
    await world.settle()
    assert kid in world.emu.chat(world.chat.peer_id).restrictions
    assert await world.manual.unmute(teacher, world.chat.peer_id, kid) == mr.Unmuted()
    await world.settle()
    assert kid not in world.emu.chat(world.chat.peer_id).restrictions
    assert await repo.muted_until(world.app.db, world.chat.id, kid, world.app.now()) is None


async def test_shadow_mode_decides_and_alerts_but_acts_on_nothing(world: World) -> None:
    await chat_repo.set_overrides(world.app.db, world.chat.id, {"мат": "тихо"})
    cmid, outcome = await world.say("kid", "блять опять")
    assert outcome == "shadow" and not world.deleted(cmid)
    assert await world.strikes("kid") == 0
    assert "тихом режиме" in _alerts_to(world, "moderator")[-1].text
    assert not world.emu.sent(world.chat.peer_id)


async def test_staff_are_never_sanctioned(world: World) -> None:
    for who in ("teacher", "moderator"):
        cmid, outcome = await world.say(who, "это пиздец")
        assert outcome == "allowed" and not world.deleted(cmid)
    assert await world.app.db.fetchval("SELECT COUNT(*) FROM strike") == 0
    # the executor refuses automatic sanctions of staff even if asked directly
    executor = world.mod.executor
    assert not await executor.mute(world.chat, world.school.vk["teacher"], 60, public=None, private=None)
    with pytest.raises(UserError, match="Сотрудников"):
        await world.manual.warn(await world.caller("moderator"), world.chat.peer_id,
                                world.school.vk["teacher"], None, None, "")


async def test_outsider_in_closed_chat_is_deleted_and_alerted(world: World) -> None:
    stranger = world.emu.add_user("Чужой", "Человек")
    world.emu.invite_user(world.chat.peer_id, world.school.vk["teacher"], stranger)
    world.school.vk["stranger"] = stranger
    cmid, outcome = await world.say("stranger", "всем привет")
    assert outcome == "delete" and world.deleted(cmid)
    assert "чужие" in _alerts_to(world, "moderator")[-1].text


async def test_false_positive_allows_the_word_in_that_school_only(world: World) -> None:
    await world.say("kid", RUDE)
    alert = await world.app.db.fetchone("SELECT id FROM alert WHERE kind = 'violation'")
    record = await alert_repo.get(world.app.db, alert[0])
    moderator = world.school.vk["moderator"]
    press = await world.manual.press(record, moderator, "fp")  # asks where
    assert press == mr.FpScopeAsked(record.id, world.chat.title, "дебил", ("m", "c", "s"))
    assert await world.strikes("kid") == 1
    press = await world.manual.press(record, moderator, "fp", scope="s")  # asks to confirm
    assert press == mr.FpConfirmAsked(record.id, "s", "дебил", world.chat.title) and await world.strikes("kid") == 1
    assert await world.manual.press(record, moderator, "fp", scope="s", confirmed=True) == mr.FpActed("s")
    assert await world.strikes("kid") == 0  # the strike it earned is lifted
    assert await world.manual.press(record, world.school.vk["teacher"], "kick") == mr.AlreadyDecided(t.FP_ACTED["s"])
    assert world.school.vk["kid"] in world.emu.chat(world.chat.peer_id).members
    cmid, outcome = await world.say("kid", "сам ты дебил")
    assert outcome == "allowed" and not world.deleted(cmid)
    # another school still has the word filtered
    other = await _seed(world.app, world.emu, "sch-b")
    world.school, world.chat = other, await _chat(world.app, world.emu, other)
    assert (await world.say("kid", RUDE))[1] == "warn"


async def test_alert_buttons_kick_and_mute(world: World) -> None:
    await world.say("kid", RUDE)
    await world.say("kid2", RUDE)
    first, second = [await alert_repo.get(world.app.db, r[0])
                     for r in await world.app.db.fetchall("SELECT id FROM alert ORDER BY id")]
    moderator = world.school.vk["moderator"]
    asked = await world.manual.press(first, moderator, "kick")  # asked first: it cannot be undone
    assert isinstance(asked, mr.KickAsked) and asked.alert_id == first.id and asked.title == world.chat.title
    assert world.school.vk["kid"] in world.emu.chat(world.chat.peer_id).members
    assert await world.manual.press(first, moderator, "kick", confirmed=True) == mr.Acted("kick", 3600)
    await world.settle()
    assert world.school.vk["kid"] not in world.emu.chat(world.chat.peer_id).members
    assert await world.manual.press(second, moderator, "mute") == mr.Acted("mute", 3600)
    assert await repo.muted_until(world.app.db, world.chat.id, world.school.vk["kid2"], world.app.now())
    handled = await world.app.db.fetchall("SELECT handled_by, handled_action FROM alert ORDER BY id")
    assert [tuple(r) for r in handled] == [(moderator, t.ACTED["kick"]), (moderator, "запрет писать на 1 час")]


async def test_wellbeing_signal_goes_privately_to_teacher_and_psychologist(world: World) -> None:
    cmid, outcome = await world.say("kid", "я больше не хочу жить")
    assert outcome == "private_alert" and not world.deleted(cmid)
    assert not world.emu.sent(world.chat.peer_id)  # never public
    for who in ("teacher", "psy"):
        assert "Конфиденциально" in world.emu.sent(world.school.vk[who])[-1].text
    assert not world.emu.sent(world.school.vk["moderator"])
    assert not world.emu.sent(world.school.vk["other_teacher"])


async def test_quiet_hours_delete_with_one_notice_per_night(world: World) -> None:
    world.clock.at = datetime(2026, 9, 21, 23, 0, tzinfo=MSK).timestamp()
    cmid, outcome = await world.say("kid", "кто сделал домашку?")
    assert outcome == "delete" and world.deleted(cmid)
    notices = [m for m in world.emu.sent(world.chat.peer_id) if "время тишины" in m.text]
    assert len(notices) == 1
    world.clock.advance(3600)
    cmid, _ = await world.say("kid2", "я сделал")
    assert world.deleted(cmid)
    assert len([m for m in world.emu.sent(world.chat.peer_id) if "время тишины" in m.text]) == 1
    assert await world.app.db.fetchval("SELECT COUNT(*) FROM strike") == 0
    cmid, outcome = await world.say("teacher", "Завтра контрольная!")  # staff announcements are exempt
    assert outcome == "allowed" and not world.deleted(cmid)
    world.clock.at = datetime(2026, 9, 22, 23, 30, tzinfo=MSK).timestamp()  # the next night: a new notice
    await world.say("kid", "опять не сплю")
    assert len([m for m in world.emu.sent(world.chat.peer_id) if "время тишины" in m.text]) == 2


async def test_flood_history_is_shared_through_the_database(world: World) -> None:
    outcomes = [(await world.say("kid", f"сообщение номер {i}"))[1] for i in range(7)]
    assert outcomes[:5] == ["allowed"] * 5 and outcomes[5] == "warn"
    assert not _alerts_to(world, "moderator")  # a nuisance escalates, it does not page anyone
    rows = await world.app.db.fetchval("SELECT COUNT(*) FROM recent_message")
    assert rows == 7
    texts = await world.app.db.fetchall("SELECT fingerprint FROM recent_message")
    assert all("сообщение" not in r[0] for r in texts)  # fingerprints only, never text


async def test_manual_commands(world: World) -> None:
    teacher, kid = await world.caller("teacher"), world.school.vk["kid"]
    peer = world.chat.peer_id
    cmid = world.emu.user_message(peer, kid, "ерунда")
    assert await world.manual.warn(teacher, peer, kid, cmid, "ерунда", "флуд") == mr.Warned(1)
    await world.settle()
    assert "предупреждение от модератора: флуд" in world.emu.sent(peer)[-1].text
    assert await world.manual.unwarn(teacher, peer, kid) == mr.Unwarned(0)
    assert await world.manual.unwarn(teacher, peer, kid) == mr.NoWarnings()
    with pytest.raises(UserError, match="нет прав"):
        await world.manual.kick(await world.app.access.caller(world.school.vk["kid2"]), peer, kid)
    assert await world.manual.kick(teacher, peer, kid) == mr.Kicked()
    await world.settle()
    assert kid not in world.emu.chat(peer).members


async def test_policy_and_quiet_overrides(world: World) -> None:
    teacher, peer = await world.caller("teacher"), world.chat.peer_id
    result = await world.manual.set_policy(teacher, peer, policy_key("капс"), parse_policy_mode("выкл"))
    assert result == mr.PolicySet("caps", Mode.OFF) and t.policy_set(result) == t.POLICY_SET.format(
        name="капс", mode="выключено")
    assert (await world.refresh()).overrides == {"caps": "выкл"}
    with pytest.raises(UserError, match="Неверный режим"):
        parse_policy_mode("иногда")
    with pytest.raises(UserError, match="Неизвестная политика"):
        await world.manual.set_policy(teacher, peer, policy_key("погода"), Mode.ON)
    result = await world.manual.set_quiet(teacher, peer, parse_quiet("21:30-07:00"))
    assert result == mr.QuietSet(time(21, 30), time(7, 0))
    assert t.quiet_set(result) == t.QUIET_SET.format(start="21:30", end="07:00")
    with pytest.raises(UserError, match="22:00-07:00"):
        parse_quiet("поздно")
    assert await world.manual.set_quiet(teacher, peer, parse_quiet("выкл")) == mr.QuietOff()
    assert (await world.refresh()).overrides == {"caps": "выкл", "quiet_hours": "выкл"}
    world.clock.at = datetime(2026, 9, 21, 23, 0, tzinfo=MSK).timestamp()
    assert (await world.say("kid", "не спится"))[1] == "allowed"


async def test_complaint_reaches_moderators_anonymously(world: World) -> None:
    kid, kid2, peer = world.school.vk["kid"], world.school.vk["kid2"], world.chat.peer_id
    target = world.emu.user_message(peer, kid, "вы все неудачники")
    command = world.emu.user_message(peer, kid2, "/жалоба")
    answer = await world.manual.complain(kid2, peer, command, kid, target, "вы все неудачники")
    await world.settle()
    assert isinstance(answer, mr.ComplaintSent) and world.deleted(command)
    alert = _alerts_to(world, "moderator")[-1]
    assert "Жалоба" in alert.text and "вы все неудачники" in alert.text
    assert "Иванов Петя, 5А" in alert.text or "Петя Иванов, 5А" in alert.text
    assert "За 30 дней: предупреждений — 0, мутов всего — 0" in alert.text


async def test_purge_forgets_old_evidence(world: World) -> None:
    await world.say("kid", RUDE)
    world.clock.advance(29 * DAY)
    assert await purge_evidence(world.app) == 0
    world.clock.advance(2 * DAY)
    assert await purge_evidence(world.app) == 1
    assert await world.app.db.fetchval("SELECT excerpt FROM violation") is None
    assert await world.app.db.fetchval("SELECT details FROM alert") == "{}"


@pytest.mark.parametrize("value, seconds", [
    ("30м", 1800), ("2ч", 7200), ("1д", 86400), ("2 часа", 7200), ("15 мин", 900), ("1Д", 86400),
])
def test_parse_term(value: str, seconds: int) -> None:
    assert parse_term(value) == seconds


@pytest.mark.parametrize("value", ["", "30", "час", "0м", "31д", "5 лет", "-1ч"])
def test_parse_term_rejects(value: str) -> None:
    with pytest.raises(BadTerm) as refused:
        parse_term(value)
    assert refused.value.value == value.strip() and refused.value.message == t.bad_term(value.strip())


async def test_a_mute_never_swallows_a_wellbeing_signal(world: World) -> None:
    world.emu.restrictions_supported = False  # the soft mute: the bot deletes on arrival
    teacher = await world.caller("teacher")
    await world.manual.mute(teacher, world.chat.peer_id, world.school.vk["kid"], 7200)
    await world.settle()
    cmid, outcome = await world.say("kid", "я больше не хочу жить")
    assert outcome == "muted" and world.deleted(cmid)  # the mute still holds
    for who in ("teacher", "psy"):  # and the signal still reaches the people who must know
        signal = world.emu.sent(world.school.vk[who])[-1].text
        assert "Конфиденциально" in signal and "у автора сейчас запрет писать" in signal  # told truthfully


async def test_a_signal_the_psychologist_cannot_receive_reaches_the_school_instead(world: World) -> None:
    psy = world.school.vk["psy"]
    world.emu.allow_messages(psy, False)  # never allowed the community to write
    cmid, outcome = await world.say("kid", "я больше не хочу жить")
    assert outcome == "private_alert"
    assert "Конфиденциально" in world.emu.sent(world.school.vk["teacher"])[-1].text
    rerouted = world.emu.sent(world.school.vk["moderator"])[-1].text  # never silently dropped
    assert "не дошёл до Нина Психолог" in rerouted and "Конфиденциально" in rerouted
    assert "написать боту" in rerouted  # the one step that fixes it
    assert not world.emu.sent(world.chat.peer_id)  # still never public


async def _alert_of(world: World, kind: str = "violation"):
    row = await world.app.db.fetchone("SELECT id FROM alert WHERE kind = ? ORDER BY id DESC", (kind,))
    return await alert_repo.get(world.app.db, row[0])


async def test_warn_on_an_alert_the_bot_already_warned_for_gives_no_second_strike(world: World) -> None:
    await world.say("kid", RUDE)  # the bot deleted and warned: 1 strike
    record = await _alert_of(world)
    moderator = world.school.vk["moderator"]
    assert await world.manual.press(record, moderator, "warn") == mr.AlreadyWarned()
    assert await world.strikes("kid") == 1
    assert (await alert_repo.get(world.app.db, record.id)).status == "open"  # nothing decided
    # nor by hand: /пред in reply to the same message
    cmid = await world.app.db.fetchval("SELECT cmid FROM violation")
    teacher = await world.caller("teacher")
    assert await world.manual.warn(teacher, world.chat.peer_id, world.school.vk["kid"], cmid, RUDE, "") \
        == mr.AlreadyWarned()
    assert await world.strikes("kid") == 1


async def test_a_decision_redraws_the_alert_and_undo_reverses_it(world: World) -> None:
    world.emu.restrictions_supported = False
    await world.say("kid", RUDE)
    record = await _alert_of(world)
    moderator, kid = world.school.vk["moderator"], world.school.vk["kid"]
    assert await world.manual.press(record, moderator, "mute") == mr.Acted("mute", 3600)
    await world.settle()
    assert await repo.muted_until(world.app.db, world.chat.id, kid, world.app.now())
    copy = _alerts_to(world, "moderator")[-1]
    edited = next(m for m in world.emu.history(moderator) if m.cmid == copy.cmid)
    assert "Решение: запрет писать на 1 час — Игорь Модеров" in edited.text
    labels = [b["action"]["label"] for row in edited.keyboard["buttons"] for b in row]
    assert labels == [t.BUTTON_UNDO, t.BUTTON_UNMUTE]  # only what still makes sense
    # a stale copy's «Замьютить» decides nothing twice
    fresh = await alert_repo.get(world.app.db, record.id)
    assert await world.manual.press(fresh, moderator, "kick") == mr.AlreadyDecided("запрет писать на 1 час")
    assert await world.manual.press(fresh, moderator, "undo") == mr.Undone("запрет писать на 1 час")
    await world.settle()
    assert await repo.muted_until(world.app.db, world.chat.id, kid, world.app.now()) is None
    fresh = await alert_repo.get(world.app.db, record.id)
    assert fresh.status == "open" and "decision" not in fresh.details
    edited = next(m for m in world.emu.history(moderator) if m.cmid == copy.cmid)
    assert "отменено — Игорь Модеров" in edited.text
    labels = [b["action"]["label"] for row in edited.keyboard["buttons"] for b in row]
    assert labels == [t.BUTTON_MUTE, t.BUTTON_KICK, t.BUTTON_FALSE, t.BUTTON_OK]
    assert await world.manual.press(fresh, moderator, "undo") == mr.NothingToUndo()
    undo = await world.app.db.fetchone("SELECT actor_vk, target_vk FROM audit_log WHERE action = 'undo'")
    assert tuple(undo) == (moderator, kid)


async def test_undo_of_a_warning_takes_the_strike_back(world: World) -> None:
    await chat_repo.set_overrides(world.app.db, world.chat.id, {"obscene": "тихо"})
    await world.refresh()
    cmid, outcome = await world.say("kid", RUDE)  # shadow mode: only an alert, no strike
    assert outcome == "shadow" and not world.deleted(cmid)
    record = await _alert_of(world)
    moderator = world.school.vk["moderator"]
    before = await world.strikes("kid")
    assert await world.manual.press(record, moderator, "warn") == mr.Acted("warn", 3600)
    assert await world.strikes("kid") == before + 1
    again = await world.manual.press(await alert_repo.get(world.app.db, record.id), moderator, "undo")
    assert again == mr.Undone(t.ACTED["warn"])
    assert await world.strikes("kid") == before
    actions = [r[0] for r in await world.app.db.fetchall("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-3:] == ["warn", "unwarn", "undo"]


async def test_false_positive_for_one_chat_keeps_the_word_checked_elsewhere(world: World) -> None:
    await world.say("kid", RUDE)
    record = await _alert_of(world)
    moderator = world.school.vk["moderator"]
    press = await world.manual.press(record, moderator, "fp", scope="c", confirmed=True)
    assert press == mr.FpActed("c")
    assert await world.strikes("kid") == 0
    assert (await world.say("kid2", "сам ты дебил"))[1] == "allowed"
    first = world.chat
    # another chat of the same school still moderates it
    members = [world.school.vk[k] for k in ("kid", "kid2")]
    peer = world.emu.create_chat("5А — проекты", world.school.vk["teacher"], members, with_bot=True, bot_admin=True)
    chat, _ = await chat_repo.ensure(world.app.db, peer, added_by=world.school.vk["teacher"], now=world.app.now())
    await chat_repo.bind(world.app.db, chat.id, org_id=world.school.org.id, type_="students_class",
                         class_id=first.class_id, subject=None, title="5А — проекты",
                         leader_id=world.school.person["teacher"])
    await chat_repo.set_admin(world.app.db, chat.id, True, now=world.app.now())
    world.chat = await chat_repo.get(world.app.db, chat.id)
    assert (await world.say("kid2", RUDE))[1] == "warn"
    # undo: the word is checked again in the first chat, the strike restored
    world.chat = first
    await world.manual.press(await alert_repo.get(world.app.db, record.id), moderator, "undo")
    assert await world.strikes("kid") == 1
    assert (await world.say("kid2", "сам ты дебил"))[1] != "allowed"


async def test_false_positive_can_be_cancelled_and_says_what(world: World) -> None:
    await world.say("kid", RUDE)
    record = await _alert_of(world)
    press = await world.manual.press(record, world.school.vk["moderator"], "fpx", scope="s")
    assert press == mr.FpCancelled("s", "дебил")
    assert t.press_message(press) == "Отменено: разрешение слова «дебил» во всей школе."
    assert await world.strikes("kid") == 1 and not await repo.allow_words(world.app.db, world.school.org.id)


async def test_a_signal_reaches_the_staff_even_where_the_bot_lost_its_rights(world: World) -> None:
    await chat_repo.set_admin(world.app.db, world.chat.id, False, now=world.app.now())
    await world.refresh()
    cmid, outcome = await world.say("kid", "я больше не хочу жить")
    assert outcome == "private_alert"
    for who in ("teacher", "psy"):
        assert "Конфиденциально" in world.emu.sent(world.school.vk[who])[-1].text
    assert (await world.say("kid", RUDE))[1] == "skipped"  # nothing else is done without rights


async def test_a_signal_in_a_command_is_not_swallowed(world: World) -> None:
    cmid = world.emu.user_message(world.chat.peer_id, world.school.vk["kid"], "/жалоба меня травят, не хочу жить")
    with unit(f"test:{cmid}"):
        async with world.app.db.transaction():
            sent = await world.mod.signals(Incoming(world.chat.peer_id, world.school.vk["kid"], cmid,
                                                    "/жалоба меня травят, не хочу жить"), command=True)
    await world.settle()
    assert sent == 1
    assert "Конфиденциально" in world.emu.sent(world.school.vk["psy"])[-1].text
    # a teacher's command quoting what a child was told is not a signal about the teacher
    text = "/пред Иванов за «убей себя»"
    cmid = world.emu.user_message(world.chat.peer_id, world.school.vk["teacher"], text)
    with unit(f"test:{cmid}"):
        async with world.app.db.transaction():
            assert await world.mod.signals(Incoming(world.chat.peer_id, world.school.vk["teacher"], cmid, text),
                                           command=True) == 0


async def test_wellbeing_signals_cannot_be_switched_off_in_a_childrens_chat(world: World) -> None:
    teacher = await world.caller("teacher")
    for mode in ("выкл", "тихо"):
        with pytest.raises(UserError, match="не выключаются"):
            await world.manual.set_policy(teacher, world.chat.peer_id, policy_key("травля"), parse_policy_mode(mode))
    with pytest.raises(UserError):  # a word that is no mode: a clear answer, not a crash
        parse_policy_mode("ерунда")
    assert (await world.refresh()).overrides == {}


async def test_a_complaint_about_staff_never_reaches_them_nor_names_the_complainant_in_the_room(world: World) -> None:
    kid2, peer, teacher = world.school.vk["kid2"], world.chat.peer_id, world.school.vk["teacher"]
    room = world.emu.create_chat("Модераторы", world.school.vk["moderator"], [teacher], with_bot=True,
                                 bot_admin=True)
    await world.app.services.alerts.set_moderators_chat(world.school.org.id, room)
    target = world.emu.user_message(peer, teacher, "сдайте телефоны")
    command = world.emu.user_message(peer, kid2, "/жалоба")
    with unit(f"test:{command}"):
        async with world.app.db.transaction():
            await world.manual.complain(kid2, peer, command, teacher, target, "сдайте телефоны")
    await world.settle()
    assert not [m for m in world.emu.sent(teacher) if "Жалоба" in m.text]  # the leader is the one reported
    assert "Вася Сидоров" in _alerts_to(world, "moderator")[-1].text  # moderators know, privately
    posted = [m.text for m in world.emu.sent(room) if "Жалоба" in m.text]
    assert posted and "Сидоров" not in posted[0] and "сдайте телефоны" not in posted[0]


async def test_only_the_schools_moderators_allow_a_word_school_wide(world: World) -> None:
    await world.say("kid", RUDE)
    record = await _alert_of(world)
    teacher = world.school.vk["teacher"]  # the chat's leader: gets the alert, decides for this chat
    ask = await world.manual.press(record, teacher, "fp")
    assert isinstance(ask, mr.FpScopeAsked) and ask.scopes == ("m", "c")  # not the whole school
    refused = await world.manual.press(record, teacher, "fp", scope="s", confirmed=True)
    assert refused == mr.FpSchoolNotAllowed() and t.press_message(refused) == t.FP_SCHOOL_NOT_ALLOWED
    assert not await repo.allow_words(world.app.db, world.school.org.id)
    assert await world.manual.press(record, teacher, "fp", scope="c", confirmed=True) == mr.FpActed("c")


async def test_a_signal_is_not_swallowed_when_another_rule_deletes_the_message(world: World) -> None:
    cmid, outcome = await world.say("kid", "я больше не хочу жить, всё пиздец")
    assert outcome == "warn" and world.deleted(cmid)  # the obscene rule wins the message
    for who in ("teacher", "psy"):
        signal = next(m.text for m in world.emu.sent(world.school.vk[who]) if "Конфиденциально" in m.text)
        assert "Сообщение удалено из беседы по правилу «мат»" in signal
    assert "Конфиденциально" not in " ".join(m.text for m in world.emu.sent(world.school.vk["moderator"]))


@pytest.mark.parametrize("args, expected", [
    ("@id123 1ч", ById(123, "@id123", "1ч")),
    ("[id77|Петя] грубость в чате", ById(77, "[id77|Петя]", "грубость в чате")),
    ("https://vk.com/id5", ById(5, "https://vk.com/id5", "")),
    ("@petya_ivanov 30м", ByScreenName("petya_ivanov", "@petya_ivanov", "30м")),
    ("vk.com/petrov", ByScreenName("petrov", "vk.com/petrov", "")),
    ("Петров Петя 2ч", ByName(("Петров", "Петя", "2ч"))),
])
def test_parse_target(args: str, expected: object) -> None:
    assert parse_target(args) == expected


def test_parse_target_needs_someone() -> None:
    with pytest.raises(UserError, match="Укажите, к кому применить"):
        parse_target("   ")


async def test_a_term_that_is_none_is_refused_after_the_rights(world: World) -> None:
    """/мут завтра: the teacher learns the term is wrong; someone without rights (or muting staff)
    hears about that first, never a usage hint for a command they may not use."""
    peer, kid = world.chat.peer_id, world.school.vk["kid"]
    teacher, kid2 = await world.caller("teacher"), await world.caller("kid2")
    with pytest.raises(BadTerm) as bad:
        await run_command(world.manual, teacher, mr.StaffCommand.MUTE, peer, kid, "завтра")
    assert bad.value.value == "завтра"
    with pytest.raises(UserError, match="нет прав") as refused:
        await run_command(world.manual, kid2, mr.StaffCommand.MUTE, peer, kid, "завтра")
    assert not isinstance(refused.value, BadTerm)
    with pytest.raises(UserError, match="Сотрудников") as refused:
        await run_command(world.manual, teacher, mr.StaffCommand.MUTE, peer, world.school.vk["moderator"], "завтра")
    assert not isinstance(refused.value, BadTerm)
    assert await repo.muted_until(world.app.db, world.chat.id, kid, world.app.now()) is None


async def test_a_kick_from_an_alert_asks_with_two_buttons(world: World) -> None:
    await world.say("kid", RUDE)
    record = await _alert_of(world)
    view = press_view(await world.manual.press(record, world.school.vk["moderator"], "kick"))
    assert view.snackbar == t.FP_CONFIRM_SNACK and "Кнопкой это не отменить" in (view.text or "")
    buttons = [b["action"] for row in json.loads(view.keyboard or "{}")["buttons"] for b in row]
    assert [b["label"] for b in buttons] == [t.BUTTON_KICK_CONFIRM, t.BUTTON_CANCEL]
    assert [json.loads(b["payload"]) for b in buttons] == [{"a": "al", "id": record.id, "do": "kick", "y": 1},
                                                           {"a": "al", "id": record.id, "do": "kickx"}]
    assert view.closes == view.snackbar


async def test_a_command_by_name_answers_whom_and_where_and_refuses_a_bad_term_with_the_usage(world: World) -> None:
    teacher, kid = await world.caller("teacher"), world.school.vk["kid"]
    target = mr.Target(world.chat, kid, "Петя Иванов")
    with pytest.raises(UserError) as bad:
        await run_on_target(world.manual, teacher, mr.StaffCommand.MUTE, target, "завтра", private=True)
    assert bad.value.message == t.mute_by_name_bad_term("завтра") and "/мут Петров 2ч" in bad.value.message
    answer = await run_on_target(world.manual, teacher, mr.StaffCommand.UNMUTE, target, "", private=True)
    assert answer == f"Петя Иванов, «{world.chat.title}»: {t.NOT_MUTED}"
    assert await run_on_target(world.manual, teacher, mr.StaffCommand.MUTE, target, "1ч", private=False) \
        == t.MUTED.format(duration="1 час")


async def test_a_pick_runs_once_on_the_person_picked(world: World) -> None:
    teacher = await world.caller("teacher")
    targets = (mr.Target(world.chat, world.school.vk["kid"], "Петя Иванов"),
               mr.Target(world.chat, world.school.vk["kid2"], "Вася Сидоров"))
    asked = await world.manual.pick(teacher, mr.StaffCommand.MUTE, targets, "2ч", "Петя")
    assert asked == mr.PickAsked(asked.action_id, mr.StaffCommand.MUTE, targets, "Петя")
    assert t.pick_question(asked) == t.PICK_TARGET.format(who="Петя", what="запрет писать")
    action = await pending_repo.get(world.app.db, asked.action_id)
    assert action is not None and action.payload["what"] == "запрет писать для «Петя»"
    assert await world.manual.picked(action, 3) == mr.PickGone()
    picked = await world.manual.picked(action, 1)
    assert picked == mr.Picked(mr.StaffCommand.MUTE, targets[1], "2ч")
    assert await world.manual.picked(action, 0) == mr.PickGone()  # used up
    keyboard = json.loads(pick_keyboard(asked))
    labels = [b["action"]["label"] for row in keyboard["buttons"] for b in row]
    assert labels == [f"Петя Иванов — {world.chat.title}", f"Вася Сидоров — {world.chat.title}", t.BUTTON_CANCEL]
    with pytest.raises(UserError, match="Не нашёл «Сидоренко»"):
        await world.manual.resolve(teacher, parse_target("Сидоренко"), peer_id=world.chat.peer_id)


async def test_the_chats_rules_read_on_every_message_follow_what_they_are_read_from(world: World) -> None:
    """The mutes, allow-list and settings a chat's messages are judged by are read once and kept
    (Moderation.rules_for): a mute, an allowed word or a changed policy reaches the very next
    message after them."""
    world.emu.restrictions_supported = False
    teacher = await world.caller("teacher")
    kid = world.school.vk["kid"]
    assert (await world.say("kid", "привет"))[1] == "allowed"  # the chat's rules are read and kept
    await world.manual.mute(teacher, world.chat.peer_id, kid, 1800)
    cmid, outcome = await world.say("kid", "можно спросить?")
    assert outcome == "muted" and world.deleted(cmid)
    assert await world.manual.unmute(teacher, world.chat.peer_id, kid) == mr.Unmuted()
    assert (await world.say("kid", "можно спросить?"))[1] == "allowed"
    assert (await world.say("kid2", RUDE))[1] == "warn"
    async with world.app.db.transaction():
        await repo.add_allow_word(world.app.db, world.school.org.id, "дебил", by_vk=None, now=world.app.now(),
                                  chat_id=world.chat.id)
    assert (await world.say("kid2", "сам ты дебил"))[1] == "allowed"
    assert (await world.say("kid2", "ЗАВТРА НЕ БУДЕТ УРОКОВ УРА УРА УРА"))[1] != "allowed"  # caps
    await world.manual.set_policy(teacher, world.chat.peer_id, policy_key("капс"), parse_policy_mode("выкл"))
    assert (await world.say("kid2", "ЗАВТРА ОПЯТЬ НЕ БУДЕТ УРОКОВ УРА УРА"))[1] == "allowed"


async def test_a_known_authors_message_asks_nothing_about_the_chats_people(world: World, monkeypatch) -> None:
    """Authors.info reads a chat's people in bulk for the first author it does not know, and
    nothing at all for one it knows (not even whether the bulk read is still fresh)."""
    from bot.repo import chat_people

    warmed: list[int] = []
    real_warm = chat_people.warm

    async def warm(db, chat_id: int) -> None:
        warmed.append(chat_id)
        await real_warm(db, chat_id)

    monkeypatch.setattr(chat_people, "warm", warm)
    authors, chat = world.mod.authors, world.chat
    kid, kid2 = world.school.vk["kid"], world.school.vk["kid2"]
    assert (await authors.info(chat, kid)).status == "member" and warmed == [chat.id]
    for _ in range(3):
        assert (await authors.info(chat, kid)).status == "member"
    assert warmed == [chat.id]
    assert (await authors.info(chat, kid2)).status == "member" and warmed == [chat.id, chat.id]
    await world.say("kid", "привет")
    assert warmed == [chat.id, chat.id]


async def test_a_new_author_in_a_chat_with_a_leader_costs_no_database_round_trip(world: World) -> None:
    """Whether a new author is the chat's leader is read from memory (the leader's VK account:
    people_repo.vk_id_of), once the chat's people are read; a relinked leader is seen at once."""
    from bot.repo import people as people_repo_
    from tests.services.test_read_models import Trips

    authors, chat = world.mod.authors, world.chat
    assert chat.leader_id == world.school.person["teacher"]
    assert (await authors.info(chat, world.school.vk["kid"])).status == "member"
    from bot.repo import roles as role_repo_

    kid2 = world.school.vk["kid2"]
    await people_repo_.by_vk(world.app.db, kid2)  # (what the chat's bulk read gives its members)
    await role_repo_.active_for_vk(world.app.db, kid2)
    trips = Trips(world.app.db)
    assert (await authors.info(chat, kid2)).status == "member"
    assert trips.count == 0
    assert await people_repo_.vk_id_of(world.app.db, chat.leader_id) == world.school.vk["teacher"]
    async with world.app.db.transaction():
        await world.app.db.execute("UPDATE person SET vk_id = NULL WHERE id = ?", (chat.leader_id,))
    assert await people_repo_.vk_id_of(world.app.db, chat.leader_id) is None
