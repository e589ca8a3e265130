"""The charts of a lead model's holdout, each one inline SVG.

Drawn server-side with no chart library, readable on a phone (they scale to the
width):

- :func:`gains_svg`, cumulative gains: the share of the sales found (y) when the best
  scored share of the leads (x) is called first, for the model, the reference
  scoring (Odoo's native) and random calls;
- :func:`calibration_svg`: the observed win rate (y) of the leads the model gave a
  probability (x), by equal-count score bins, next to the diagonal of a perfectly
  calibrated model.

Labels come translated from the caller.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 360, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 22, 12, 100
COLOURS = {"model": "#017e84", "reference": "#e08a00", "random": "#8f8f8f"}
TICKS = (0, 0.25, 0.5, 0.75, 1)


class _Plot:
    """A square-ish plot of shares (0..1 on both axes) with its grid and legend."""

    def __init__(self, x_label, y_label):
        self.w, self.h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'width="100%" style="max-width:{WIDTH * 1.6:.0f}px" role="img" '
            f'aria-label="{escape(y_label)}" font-family="sans-serif" '
            f'font-size="11">'
        ]
        for tick in TICKS:
            x0, y0 = self.xy(0, tick)
            x1, __ = self.xy(1, tick)
            tx, ty = self.xy(tick, 0)
            self.parts.append(
                f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y0:.1f}" '
                f'stroke="#e5e5e5"/>'
                f'<text x="{LEFT - 6}" y="{y0 + 4:.1f}" text-anchor="end" '
                f'fill="#666">{tick * 100:.0f} %</text>'
                f'<text x="{tx:.1f}" y="{ty + 15:.1f}" text-anchor="middle" '
                f'fill="#666">{tick * 100:.0f} %</text>'
            )
        self.parts.append(
            f'<text x="{LEFT + self.w / 2:.1f}" y="{TOP + self.h + 30:.1f}" '
            f'text-anchor="middle" fill="#444">{escape(x_label)}</text>'
        )
        self.legend = []

    def xy(self, x, y):
        return LEFT + x * self.w, TOP + (1 - y) * self.h

    def line(self, xs, ys, colour, dash="", label=None):
        points = " ".join(
            "{:.1f},{:.1f}".format(*self.xy(x, y)) for x, y in zip(xs, ys, strict=True)
        )
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="2.5"{extra}/>'
        )
        if label:
            self.legend.append((colour, dash, label))

    def dot(self, x, y, radius, colour):
        cx, cy = self.xy(x, y)
        self.parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="{colour}" '
            f'fill-opacity="0.85"/>'
        )

    def svg(self):
        """The SVG text; the legend lists the lines last drawn (on top) first."""
        for row, (colour, dash, text) in enumerate(reversed(self.legend)):
            y = TOP + self.h + 52 + 16 * row
            extra = f' stroke-dasharray="{dash}"' if dash else ""
            self.parts.append(
                f'<line x1="{LEFT}" y1="{y - 4}" x2="{LEFT + 18}" y2="{y - 4}" '
                f'stroke="{colour}" stroke-width="2.5"{extra}/>'
                f'<text x="{LEFT + 22}" y="{y}" fill="#444">{escape(text)}</text>'
            )
        return "".join(self.parts) + "</svg>"


def gains_svg(summary, labels):
    """SVG text; ``labels``: {"model", "reference", "random", "x", "y"} -> text."""
    plot = _Plot(labels["x"], labels["y"])
    gains = summary.get("gains") or {}
    model = gains.get("model")
    reference = summary.get("reference")
    plot.line([0, 1], [0, 1], COLOURS["random"], "4 4", labels["random"])
    if reference in gains:
        curve = gains[reference]
        xs = [i / (len(curve) - 1) for i in range(len(curve))]
        plot.line(xs, curve, COLOURS["reference"], "7 3", labels["reference"])
    if model:
        xs = [i / (len(model) - 1) for i in range(len(model))]
        plot.line(xs, model, COLOURS["model"], label=labels["model"])
    return plot.svg()


def calibration_svg(summary, labels):
    """SVG text; ``labels``: {"model", "ideal", "x", "y"} -> text. One dot per bin
    of ``summary["calibration"]`` (``[(mean predicted, observed rate, leads)]``),
    its area growing with the bin's leads."""
    plot = _Plot(labels["x"], labels["y"])
    bins = summary.get("calibration") or []
    plot.line([0, 1], [0, 1], COLOURS["random"], "4 4", labels["ideal"])
    if bins:
        largest = max(leads for __, __, leads in bins) or 1
        plot.line(
            [p for p, __, __ in bins],
            [o for __, o, __ in bins],
            COLOURS["model"],
            label=labels["model"],
        )
        for predicted, observed, leads in bins:
            plot.dot(
                predicted, observed, 3 + 4 * (leads / largest) ** 0.5, COLOURS["model"]
            )
    return plot.svg()
