"""Lead scoring vocabulary: tiers of a score, and the trend between two scores.

The codes are the values the Odoo Selection fields store (``crm.lead.ai_tier`` and
``ai_score_trend``); their labels are translated on the Odoo side.
"""

from __future__ import annotations

import numpy as np

from ..base import PymeAiError

#: Tier codes, best first.
TIERS = ("hot", "warm", "cold")
#: Share of training leads in the hot and warm tiers when thresholds are learnt.
TIER_SHARES = {"hot": 0.2, "warm": 0.3}
#: Trend codes: the score rose, fell, or moved less than the trend delta.
TRENDS = ("rising", "falling", "stable")
#: A score moving by at least this many points (1-100 scale) is rising or falling.
TREND_DELTA = 5


def fixed_thresholds(hot=None, warm=None):
    """``{"hot": hot, "warm": warm}`` as integers when both are set (non-zero), else
    None: the thresholds are then learnt from the training scores."""
    hot, warm = int(hot or 0), int(warm or 0)
    return {"hot": hot, "warm": warm} if hot and warm else None


def learn_thresholds(scores):
    """Thresholds putting the top 20 % of ``scores`` (1-100) in hot and the next
    30 % in warm; always ``1 <= warm < hot``."""
    scores = np.asarray(scores)
    hot = int(np.quantile(scores, 1 - TIER_SHARES["hot"]))
    warm = int(np.quantile(scores, 1 - TIER_SHARES["hot"] - TIER_SHARES["warm"]))
    hot = max(hot, 2)
    return {"hot": hot, "warm": min(max(warm, 1), hot - 1)}


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
