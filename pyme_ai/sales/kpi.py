"""Sales KPIs as small functions over arrays; all return JSON-safe dicts.

A rate or median over no data is None, never NaN.
"""

from __future__ import annotations

import numpy as np

from pyme_ai.base import PymeAiError

from .utils import DAY, as_float, dates_array


def _median(values, ndigits=2):
    values = np.asarray(values, dtype=float)
    return as_float(np.median(values), ndigits) if values.size else None


def response_time(created, first_response):
    """Hours from lead creation to the first activity/message.

    Returns ``{"median_hours", "p75_hours", "n", "n_responded",
    "n_without_response"}``; leads whose first response is None count as without
    response; negative gaps (response logged before creation) count as 0.
    """
    hours = np.maximum((dates_array(first_response) - dates_array(created)) / DAY, 0)
    hours = hours * 24.0
    done = hours[~np.isnan(hours)]
    return {
        "median_hours": _median(done),
        "p75_hours": as_float(np.quantile(done, 0.75), 2) if done.size else None,
        "n": int(hours.size),
        "n_responded": int(done.size),
        "n_without_response": int(hours.size - done.size),
    }


def win_rate(won):
    """``{"won", "lost", "n_closed", "rate"}`` from True/False per closed deal (None
    = open, ignored)."""
    closed = [bool(w) for w in won if w is not None]
    n_won = sum(closed)
    return {
        "won": n_won,
        "lost": len(closed) - n_won,
        "n_closed": len(closed),
        "rate": round(n_won / len(closed), 4) if closed else None,
    }


def sales_cycle(created, closed, won=None):
    """Median days from creation to close (of won deals when ``won`` is given).

    Returns ``{"median_days", "p25_days", "p75_days", "n"}``.
    """
    days = (dates_array(closed) - dates_array(created)) / DAY
    keep = ~np.isnan(days) & (days >= 0)
    if won is not None:
        keep &= np.array([bool(w) for w in won])
    days = days[keep]
    if not days.size:
        return {"median_days": None, "p25_days": None, "p75_days": None, "n": 0}
    p25, p75 = np.quantile(days, [0.25, 0.75])
    return {
        "median_days": _median(days),
        "p25_days": as_float(p25, 2),
        "p75_days": as_float(p75, 2),
        "n": int(days.size),
    }


def stage_funnel(furthest_stage, stages):
    """Conversion through ordered ``stages`` from each deal's furthest stage reached.

    ``furthest_stage`` holds, per deal, a stage of ``stages`` (a won deal passes
    the last one: give the last stage). Returns one row per stage ``{"stage",
    "reached", "from_previous", "from_start"}`` where ``reached`` counts deals
    that got at least that far.
    """
    stages = list(stages)
    pos = {s: i for i, s in enumerate(stages)}
    unknown = {s for s in furthest_stage if s not in pos}
    if unknown:
        raise PymeAiError(f"unknown stages: {sorted(map(str, unknown))}")
    level = np.array([pos[s] for s in furthest_stage], dtype=int)
    counts = np.bincount(level, minlength=len(stages))
    reached = np.cumsum(counts[::-1])[::-1]
    rows = []
    for i, stage in enumerate(stages):
        prev = reached[i - 1] if i else reached[0]
        rows.append(
            {
                "stage": stage,
                "reached": int(reached[i]),
                "from_previous": round(reached[i] / prev, 4) if prev else None,
                "from_start": round(reached[i] / reached[0], 4) if reached[0] else None,
            }
        )
    return rows


def acted_on_share(scored_at, first_action_at, *, within_days=None):
    """Share of scored leads with an action after scoring (within ``within_days``).

    Returns ``{"n", "acted", "share", "median_hours_to_action"}``; actions before
    the score don't count.
    """
    gap = (dates_array(first_action_at) - dates_array(scored_at)) / DAY
    acted = ~np.isnan(gap) & (gap >= 0)
    if within_days is not None:
        acted &= gap <= within_days
    n = int(gap.size)
    return {
        "n": n,
        "acted": int(acted.sum()),
        "share": round(float(acted.mean()), 4) if n else None,
        "median_hours_to_action": _median(gap[acted] * 24.0),
    }
