"""Server-side SVG of one projection a buyer can read (no Odoo import).

:func:`projection_svg` draws, from a plan row's ``chart`` dict: the weekly demand of
the last weeks as grey bars, then the projected stock day by day (the median path as a
line, the band down to the 0.9-demand path), the reorder point (dashed) and zero lines,
today's on-hand as a dot and the receipts as markers with a tooltip; dates on the x
axis and units on the y axis. Every text comes from the caller (``labels``, ``number``,
``day``), already in the reader's language; the SVG scales to its container's width.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 34


def ticks(top, count=4):
    """Round steps from 0 covering ``top`` for the units axis."""
    if top <= 0:
        return [0.0]
    raw = top / count
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(int(top // step) + 2)]


def projection_svg(data, today, labels, number, day, receipt_label):
    """The SVG text (or None without projection).

    ``labels``: ``title``, ``unit``; ``number(value)`` and ``day(date, short)`` format
    in the reader's language; ``receipt_label(qty, date)`` is a receipt's tooltip.
    """
    history = data.get("history") or []
    days = data.get("days") or []
    p50, p90 = data.get("p50") or [], data.get("p90") or []
    if not days:
        return None
    start = data.get("start")
    start = dt.date.fromisoformat(start) if start else today
    first = min(start, today)
    span = max((today + dt.timedelta(days=days[-1]) - first).days, 1)
    on_hand = float(data.get("on_hand") or 0.0)
    rop = float(data.get("reorder_point") or 0.0)
    receipts = data.get("receipts") or []
    values = history + p50 + p90 + [on_hand, rop]
    values.append(on_hand + sum(q for __, q in receipts))
    top, bottom = max(values + [1.0]), min(values + [0.0])
    steps = ticks(top - bottom)
    step = steps[1] if len(steps) > 1 else 1.0
    low = min(math.floor(bottom / step) * step, 0.0)
    high = max(math.ceil(top / step) * step, low + step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(when):
        return LEFT + plot_w * (when - first).days / span

    def y(value):
        return TOP + plot_h * (high - value) / max(high - low, 1e-9)

    parts = []
    for k in range(int(round((high - low) / step)) + 1):
        value = low + k * step
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" stroke="#e6e6e6"/><text x="{LEFT - 6}" '
            f'y="{y(value) + 4:.1f}" text-anchor="end" font-size="11" fill="#666">'
            f"{escape(number(value))}</text>"
        )
    for k in range(5):
        when = first + dt.timedelta(days=round(span * k / 4))
        anchor = ("start", "middle", "middle", "middle", "end")[k]
        parts.append(
            f'<text x="{x(when):.1f}" y="{HEIGHT - 12}" text-anchor="{anchor}" '
            f'font-size="11" fill="#666">{escape(day(when, True))}</text>'
        )
    week = plot_w * 7 / span
    for i, qty in enumerate(history):
        when = start + dt.timedelta(days=7 * i)
        parts.append(
            f'<rect x="{x(when) + 1:.1f}" y="{y(qty):.1f}" '
            f'width="{max(week - 2, 1):.1f}" height="{max(y(0) - y(qty), 0):.1f}" '
            'fill="#c9c9c9"/>'
        )
    dates = [today + dt.timedelta(days=d) for d in days]
    median = [f"{x(d):.1f},{y(v):.1f}" for d, v in zip(dates, p50, strict=False)]
    worst = [f"{x(d):.1f},{y(v):.1f}" for d, v in zip(dates, p90, strict=False)]
    parts.append(
        f'<polygon points="{" ".join(median + worst[::-1])}" fill="#017e84" '
        'opacity="0.18"/>'
        f'<polyline points="{" ".join(median)}" fill="none" stroke="#017e84" '
        'stroke-width="2"/>'
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
        'stroke="#999"/>'
    )
    if rop > 0:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(rop):.1f}" '
            f'y2="{y(rop):.1f}" stroke="#d9534f" stroke-dasharray="6 4"/>'
        )
    parts.append(
        f'<line x1="{x(today):.1f}" x2="{x(today):.1f}" y1="{TOP}" '
        f'y2="{HEIGHT - BOTTOM}" stroke="#555" stroke-dasharray="2 3"/>'
        f'<circle cx="{x(today):.1f}" cy="{y(on_hand):.1f}" r="4" fill="#333"/>'
    )
    for offset, qty in receipts:
        when = today + dt.timedelta(days=int(offset))
        parts.append(
            f'<path d="M {x(when):.1f} {y(low) - 12:.1f} l -6 10 h 12 z" '
            f'fill="#f0ad4e"><title>{escape(receipt_label(qty, when))}</title></path>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-label="{escape(labels["title"])}" '
        'style="width:100%;max-width:960px;height:auto" '
        f'class="o_pyme_ai_forecast_chart">{"".join(parts)}'
        f'<text x="{LEFT}" y="10" font-size="11" fill="#666">'
        f"{escape(labels['unit'])}</text></svg>"
    )


#: Legend swatches (colour, symbol, extra style) in the order of the labels.
LEGEND = (
    ("#b0b0b0", "■", ""),
    ("#017e84", "━", ""),
    ("#017e84", "■", ";opacity:.4"),
    ("#d9534f", "╌", ""),
    ("#333", "●", ""),
    ("#f0ad4e", "▲", ""),
)


def legend_html(labels):
    """The chart's legend: weekly demand, projected stock (median), 50-90 % band,
    reorder point, on hand today, confirmed receipts (``labels`` in this order)."""
    parts = [
        f'<span style="color:{colour}{extra}">{symbol}</span> {escape(label)}'
        for (colour, symbol, extra), label in zip(LEGEND, labels, strict=True)
    ]
    return '<div class="small text-muted">' + " &#160; ".join(parts) + "</div>"
