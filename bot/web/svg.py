"""Charts as inline SVG, drawn on the server: no scripts, readable on a phone (they scale to the
width of the screen), with the figures written on the bars and «нет данных» when there are none."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from bot.texts import cabinet as t

WIDTH, HEIGHT = 640, 240
TOP, BOTTOM, LEFT = 44, 36, 8
MAX_BAR = 56


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int], *, color: str = "#2a6ebb") -> Markup:
    """Vertical bars, one per label; the value above each bar and the label under it."""
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}"'
             ' xmlns="http://www.w3.org/2000/svg">',
             f'<title>{escape(title)}</title>',
             f'<text x="{LEFT}" y="18" class="chart-title">{escape(title)}</text>']
    top = max(values, default=0)
    if not values or top <= 0:
        parts.append(f'<text x="{WIDTH // 2}" y="{HEIGHT // 2}" text-anchor="middle" class="chart-empty">'
                     f'{escape(t.NO_DATA)}</text>')
        parts.append("</svg>")
        return Markup("".join(parts))
    area = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - 2 * LEFT) / len(values)
    bar = min(MAX_BAR, max(2.0, slot * 0.7))
    for index, (label, value) in enumerate(zip(labels, values)):
        height = area * value / top
        x = LEFT + index * slot + (slot - bar) / 2
        y = TOP + area - height
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" fill="{color}">'
                     f'<title>{escape(label)}: {value}</title></rect>')
        if value or len(values) <= 12:  # thirty «0» over a month's empty days say nothing
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" class="chart-value">'
                         f'{value}</text>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle"'
                     f' class="chart-label">{escape(label)}</text>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP + area}" x2="{WIDTH - LEFT}" y2="{TOP + area}" stroke="#888"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
