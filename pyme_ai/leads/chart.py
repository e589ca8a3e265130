"""The cumulative-gains chart of a lead model's holdout as one inline SVG.

Drawn server-side with no chart library: the share of the sales found (y) when the
best scored share of the leads (x) is called first, for the model, the reference
scoring (Odoo's native) and random calls. Labels come translated from the caller.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 360, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 22, 12, 100
COLOURS = {"model": "#017e84", "reference": "#e08a00", "random": "#8f8f8f"}


def gains_svg(summary, labels):
    """SVG text; ``labels``: {"model", "reference", "random", "x", "y"} -> text."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def point(x, y):
        return f"{LEFT + x * plot_w:.1f},{TOP + (1 - y) * plot_h:.1f}"

    def line(curve, colour, dash=""):
        xs = [i / (len(curve) - 1) for i in range(len(curve))]
        points = " ".join(point(x, y) for x, y in zip(xs, curve, strict=True))
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<polyline points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="2.5"{extra}/>'
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" style="max-width:{WIDTH * 1.6:.0f}px" role="img" '
        f'aria-label="{escape(labels["y"])}" font-family="sans-serif" font-size="11">'
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x0, y0 = point(0, tick).split(",")
        x1, __ = point(1, tick).split(",")
        parts.append(
            f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#e5e5e5"/>'
            f'<text x="{LEFT - 6}" y="{float(y0) + 4:.1f}" text-anchor="end" '
            f'fill="#666">{tick * 100:.0f} %</text>'
        )
        tx, ty = point(tick, 0).split(",")
        parts.append(
            f'<text x="{tx}" y="{float(ty) + 15:.1f}" text-anchor="middle" '
            f'fill="#666">{tick * 100:.0f} %</text>'
        )
    gains = summary.get("gains") or {}
    parts.append(line([0, 1], COLOURS["random"], "4 4"))
    reference = summary.get("reference")
    if reference in gains:
        parts.append(line(gains[reference], COLOURS["reference"], "7 3"))
    if "model" in gains:
        parts.append(line(gains["model"], COLOURS["model"]))
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h + 30:.1f}" '
        f'text-anchor="middle" fill="#444">{escape(labels["x"])}</text>'
    )
    legend = [("model", "", labels["model"]), ("random", "4 4", labels["random"])]
    if reference in gains:
        legend.insert(1, ("reference", "7 3", labels["reference"]))
    x = LEFT
    for row, (key, dash, text) in enumerate(legend):
        y = TOP + plot_h + 52 + 16 * row
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 18}" y2="{y - 4}" '
            f'stroke="{COLOURS[key]}" stroke-width="2.5"{extra}/>'
            f'<text x="{x + 22}" y="{y}" fill="#444">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
