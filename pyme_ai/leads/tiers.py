"""Lead scoring vocabulary: tiers of a score, and the trend between two scores.

The codes are the values the Odoo Selection fields store (``crm.lead.ai_tier`` and
``ai_score_trend``); their labels are translated on the Odoo side.
"""

from __future__ import annotations

import numpy as np

from ..base import PymeAiError

#: Tier codes, best first.
TIERS = ("hot", "warm", "cold")
#: Unless set, a lead is warm from the company's win rate and hot from this many
#: times it (at most halfway from the win rate to certainty).
HOT_FACTOR = 1.5
#: Trend codes: the score rose, fell, or moved less than the trend delta.
TRENDS = ("rising", "falling", "stable")
#: A score moving by at least this many points (1-100 scale) is rising or falling.
TREND_DELTA = 5


def fixed_thresholds(hot=None, warm=None):
    """``{"hot": hot, "warm": warm}`` as integers when both are set (non-zero), else
    None: the thresholds are then learnt from the training scores."""
    hot, warm = int(hot or 0), int(warm or 0)
    return {"hot": hot, "warm": warm} if hot and warm else None


def rate_thresholds(win_rate):
    """Thresholds from the company's own win rate: warm from a lead as likely to
    win as the average deal, hot from ``HOT_FACTOR`` times that (at most halfway
    to certainty). Scores are calibrated probabilities, so the tiers mean the same
    after every retraining while the win rate holds; always ``1 <= warm < hot``."""
    rate = float(np.clip(win_rate, 0.0, 1.0))
    warm = int(np.clip(round(100 * rate), 1, 98))
    hot = round(100 * min(HOT_FACTOR * rate, (1 + rate) / 2))
    return {"hot": int(np.clip(hot, warm + 1, 99)), "warm": warm}


def tiers_for(score, thresholds):
    """Tier code of each score: hot at or above ``thresholds["hot"]``, warm at or
    above ``thresholds["warm"]``, else cold."""
    score = np.asarray(score)
    return np.where(
        score >= thresholds["hot"],
        "hot",
        np.where(score >= thresholds["warm"], "warm", "cold"),
    ).tolist()


def score_trend(previous, current, delta=TREND_DELTA):
    """Trend code of each lead from its previous and current score.

    ``rising`` when the score went up by at least ``delta`` points, ``falling`` when it
    went down by at least ``delta``, else ``stable``; a lead without a previous score
    (None or 0) is ``stable``. Returns an object array of codes.
    """
    prev = np.array([0.0 if p is None else p for p in previous], dtype=float)
    cur = np.asarray(current, dtype=float)
    if prev.shape != cur.shape:
        raise PymeAiError(f"{prev.size} previous scores for {cur.size} current ones")
    known = (prev != 0) & ~np.isnan(prev)
    out = np.full(cur.shape, "stable", dtype=object)
    out[known & (cur - prev >= delta)] = "rising"
    out[known & (prev - cur >= delta)] = "falling"
    return out
