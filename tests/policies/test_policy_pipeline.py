from datetime import datetime, timedelta

from policies import AuthorHistory, apply_overrides, default_settings, evaluate
from policies.base import Action

from tests.policies.builders import CHAT_STAFF, MSK, OUTSIDER, SCHOOL_NOON, message

NIGHT = datetime(2024, 10, 16, 23, 0, tzinfo=MSK)


def run(text, chat_type="students_class", overrides=None, **kwargs):
    settings = default_settings(chat_type)
    if overrides:
        settings = apply_overrides(settings, overrides)
    history = kwargs.pop("history", AuthorHistory())
    options = {k: kwargs.pop(k) for k in ("allowlist", "school_domains", "quiet_notice_given")
               if k in kwargs}
    return evaluate(message(text, chat_type=chat_type, **kwargs), settings, history, **options)


def test_nothing_fires_on_an_ordinary_message():
    assert run("Завтра контрольная по алгебре, стр. 45, № 123-125") == []


def test_decisions_are_ordered_worst_first():
    decisions = run("сука, мой номер 8 912 345 67 89, вступайте t.me/+abc", now=NIGHT)
    severities = [d.severity for d in decisions]
    assert severities == sorted(severities, reverse=True)
    assert decisions[0].policy == "links"  # an invitation is the worst here
    assert {d.policy for d in decisions} >= {"obscene", "personal_data", "links", "quiet_hours"}


def test_chat_staff_are_never_sanctioned_but_signals_still_reach_the_psychologist():
    spam = run("бля, вступайте t.me/+abc, ЗАВТРА ВСЕМ ПРИЙТИ К 8:00 В ПАРАДНОЙ ФОРМЕ",
               author=CHAT_STAFF, now=NIGHT)
    assert spam == []
    [signal] = run("не хочу жить", author=CHAT_STAFF)
    assert signal.action is Action.PRIVATE_ALERT


def test_off_policies_are_skipped():
    assert run("блядь", overrides={"мат": "выкл"}) == []


def test_shadow_policies_decide_but_are_marked():
    [decision] = run("блядь", overrides={"мат": "тихо"})
    assert decision.shadow is True
    assert decision.policy == "obscene"
    decisions = run("блядь 8 912 345 67 89", overrides={"мат": "тихо"})
    assert [d.shadow for d in decisions] == [False, True]  # acting decisions come first


def test_preset_tier_threshold():
    assert run("ты дебил", chat_type="students_class")[0].severity == 1
    assert run("ты дебил", chat_type="parents_class") == []
    assert run("сука", chat_type="admin_open") == []
    assert run("блядь", chat_type="admin_open")[0].policy == "obscene"


def test_allowlist_from_the_false_positive_button():
    assert run("Мандец какой-то")
    assert run("Мандец какой-то", allowlist=frozenset({"мандец"})) == []


def test_school_domain_is_allowed():
    assert run("наш сайт sch1234.ru")[0].policy == "links"
    assert run("наш сайт sch1234.ru", school_domains=frozenset({"sch1234.ru"})) == []


def test_outsiders_in_closed_chats_are_deleted_and_reported():
    decisions = run("всем привет", author=OUTSIDER)
    assert [(d.policy, d.action) for d in decisions] == [
        ("outsiders", Action.DELETE), ("outsiders", Action.ALERT)]
    assert run("всем привет", chat_type="parents_class", author=OUTSIDER) == []


def test_quiet_notice_once_per_period():
    first = run("привет", now=NIGHT)
    assert [d.action for d in first] == [Action.DELETE, Action.NOTICE]
    again = run("привет", now=NIGHT, quiet_notice_given=True)
    assert [d.action for d in again] == [Action.DELETE]


def test_history_drives_flood_and_is_not_changed_by_evaluate():
    history = AuthorHistory()
    for i in range(5):
        history.record(message(f"сообщение {i}", now=SCHOOL_NOON - timedelta(seconds=i + 1)))
    before = list(history.recent)
    [decision] = run("и ещё одно", history=history)
    assert decision.policy == "flood"
    assert history.recent == before


def test_wellbeing_signal_is_private_in_students_chat_only():
    [decision] = run("все тебя ненавидят")
    assert decision.action is Action.PRIVATE_ALERT
    assert run("все тебя ненавидят", chat_type="parents_class") == []
