"""The chart says «нет данных» when a month has no messages; its bars are the summary's figures.
A class's detail: its students and their parents, linked, in chats, active; its chats."""

from __future__ import annotations

from bot.services import report_views as views
from bot.services.activity import ActivityCounter
from bot.services.report_chart import chart_figure, daily_chart
from tests.services.test_reports import MONTH, OCT_5, Scenario


def _texts(figure) -> list[str]:
    return [text.get_text() for ax in figure.axes for text in ax.texts]


def test_empty_chart_says_no_data() -> None:
    assert _texts(chart_figure({}, MONTH, "Школа")) == ["нет данных"]
    assert daily_chart({}, MONTH, "Школа").startswith(b"\x89PNG")


def test_chart_bars_are_the_daily_figures() -> None:
    daily = {"2026-09-01": {"parents_class": 4, "students_class": 1}, "2026-09-10": {"methodical": 7}}
    figure = chart_figure(daily, MONTH, "Школа")
    assert _texts(figure) == []
    ax = figure.axes[0]
    heights = {}
    for container in ax.containers:
        for day, bar in enumerate(container, start=1):
            if bar.get_height():
                heights[(container.get_label(), day)] = bar.get_height()
    assert heights == {("родители класса", 1): 4, ("ученики класса", 1): 1, ("МО", 10): 7}


async def test_class_detail_people_and_chats(world) -> None:
    s = Scenario(world)
    await s.build()
    await s.activity(ActivityCounter(world.db))
    classes = {label: cid for cid, _, label in await world.db.fetchall(
        "SELECT id, org_id, grade || letter FROM class_group WHERE org_id = ?", (world.school_a.id,))}
    five_a = await views.class_detail(world.db, world.school_a.id, classes["5А"], MONTH, now=OCT_5)
    names = {pid: key for key, pid in s.p.items()}
    assert [(names[p.person_id], p.linked, p.in_chats, p.active, p.messages) for p in five_a.students] == [
        ("S1", True, True, True, 2), ("S2", True, True, True, 1)]
    # parents of 5А's children: P1 (S1) in the parents' chat and wrote 3; P3 (S2) linked, in no chat
    assert [(names[p.person_id], p.linked, p.in_chats, p.active, names[p.child_id or 0]) for p in five_a.parents] == [
        ("P1", True, True, True, "S1"), ("P3", True, False, False, "S2")]
    assert [(c.title, c.messages) for c in five_a.chats] == [("5А родители", 4), ("5А ученики", 3)]
    five_b = await views.class_detail(world.db, world.school_a.id, classes["5Б"], MONTH, now=OCT_5)
    assert five_b.line.students_not_on_platform == 1 and not five_b.line.has_students_chat
    try:
        await views.class_detail(world.db, world.school_b.id, classes["5А"], MONTH, now=OCT_5)
    except LookupError:
        pass
    else:
        raise AssertionError("another school's class must not be shown")
