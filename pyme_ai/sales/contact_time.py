"""Best time to contact: the weekday x hour band with the highest (smoothed) rate.

Events are contact attempts with a timestamp (in the lead's local time: convert
before calling) and an outcome (replied/won). Events outside the bands are ignored.
Each weekday x band cell gets a Beta-smoothed rate ``(successes + k * overall) /
(events + k)`` (``k`` = ``prior_strength``) so tiny cells cannot win by luck. The
answer is None (stay silent) unless there are >= ``min_events`` in-band events,
the best cell has >= ``min_cell`` events, and its smoothed rate beats the overall
rate.
"""

from __future__ import annotations

import numpy as np

from pyme_ai.base import PymeAiError

from .utils import plain

BANDS = ((8, 11), (11, 14), (14, 17), (17, 20))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_MIN_EVENTS = 40
DEFAULT_MIN_CELL = 8
DEFAULT_PRIOR = 10.0


def _cells(timestamps, bands):
    """(weekday, band index or -1) per event."""
    weekday = np.array([t.weekday() for t in timestamps], dtype=int)
    hour = np.array([t.hour + t.minute / 60.0 for t in timestamps], dtype=float)
    band = np.full(hour.shape, -1)
    for b, (lo, hi) in enumerate(bands):
        band[(hour >= lo) & (hour < hi)] = b
    return weekday, band


def best_contact_time(
    timestamps,
    outcomes,
    *,
    bands=BANDS,
    min_events=DEFAULT_MIN_EVENTS,
    min_cell=DEFAULT_MIN_CELL,
    prior_strength=DEFAULT_PRIOR,
):
    """Best weekday x hour band, or None when the data cannot back one.

    Returns ``{"weekday": 0..6 (Monday=0), "weekday_code": "mon", "band": [8, 11],
    "rate": smoothed, "raw_rate", "events", "successes", "overall_rate",
    "n_events", "lift"}``.
    """
    timestamps = list(timestamps)
    outcomes = np.array([bool(o) for o in outcomes], dtype=float)
    if len(timestamps) != outcomes.size:
        raise PymeAiError("timestamps and outcomes differ in length")
    if not timestamps:
        return None
    weekday, band = _cells(timestamps, bands)
    inside = band >= 0
    n_total = int(inside.sum())
    if n_total < min_events:
        return None
    cell = weekday[inside] * len(bands) + band[inside]
    size = 7 * len(bands)
    events = np.bincount(cell, minlength=size).astype(float)
    wins = np.bincount(cell, weights=outcomes[inside], minlength=size)
    overall = wins.sum() / n_total
    smoothed = (wins + prior_strength * overall) / (events + prior_strength)
    smoothed[events < min_cell] = -1.0
    best = int(np.argmax(smoothed))
    if smoothed[best] <= overall:
        return None
    day, b = divmod(best, len(bands))
    return {
        "weekday": day,
        "weekday_code": WEEKDAYS[day],
        "band": [plain(bands[b][0]), plain(bands[b][1])],
        "rate": round(float(smoothed[best]), 4),
        "raw_rate": round(float(wins[best] / events[best]), 4),
        "events": int(events[best]),
        "successes": int(wins[best]),
        "overall_rate": round(float(overall), 4),
        "n_events": n_total,
        "lift": round(float(smoothed[best] / overall), 3),
    }


def best_contact_time_by(groups, timestamps, outcomes, **kwargs):
    """:func:`best_contact_time` per group (lead, segment): ``{group: result}``."""
    groups = list(groups)
    timestamps = list(timestamps)
    outcomes = list(outcomes)
    index = {}
    for i, g in enumerate(groups):
        index.setdefault(g, []).append(i)
    return {
        g: best_contact_time(
            [timestamps[i] for i in idx], [outcomes[i] for i in idx], **kwargs
        )
        for g, idx in index.items()
    }
