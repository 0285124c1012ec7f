"""The PNG chart of a report: messages per day, stacked by chat type.

matplotlib is imported here only (it costs ~0.3 s and tens of MB), through the object API
(``Figure`` + Agg canvas): no pyplot global state, safe to run in a worker thread.
"""

from __future__ import annotations

import io
from typing import Any

from bot.texts import reports as t
from bot.services.report_months import month_days

# one fixed colour per chat type, so charts of different months and schools compare at a glance
COLOURS = {
    "parents_school": "#1f77b4", "parents_class": "#aec7e8", "students_class": "#ff7f0e", "subject": "#ffbb78",
    "admin_closed": "#2ca02c", "admin_open": "#98df8a", "homeschool": "#d62728", "methodical": "#9467bd",
    "advisor": "#8c564b", "other": "#7f7f7f",
}


def daily_chart(daily: dict[str, dict[str, int]], month: str, title: str) -> bytes:
    figure = chart_figure(daily, month, title)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def chart_figure(daily: dict[str, dict[str, int]], month: str, title: str) -> Any:
    """The matplotlib Figure (tests read its texts and bars)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    first, after = month_days(month)
    days = [first.replace(day=d) for d in range(1, (after - first).days + 1)]
    types = [k for k in COLOURS if any(by_type.get(k) for by_type in daily.values())]
    figure = Figure(figsize=(10, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    bottom = [0] * len(days)
    for type_ in types:
        values = [daily.get(d.isoformat(), {}).get(type_, 0) for d in days]
        ax.bar([d.day for d in days], values, bottom=bottom, color=COLOURS[type_],
               label=t.CHAT_TYPES_RU.get(type_, type_), width=0.8)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_title(title, fontsize=11)
    ax.set_ylabel(t.CHART_Y)
    ax.set_xticks(range(1, len(days) + 1, 2 if len(days) > 16 else 1))
    ax.set_xlim(0.3, len(days) + 0.7)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", alpha=0.3)
    if types:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    else:  # an empty chart says so, rather than looking like a broken one
        ax.set_ylim(0, 1)
        ax.text(0.5, 0.5, t.NO_DATA, transform=ax.transAxes, ha="center", va="center", fontsize=20, color="#7f7f7f")
    # fixed margins, room for the legend on the right (tight_layout costs a second layout pass)
    figure.subplots_adjust(left=0.06, right=0.82, top=0.9, bottom=0.1)
    return figure
