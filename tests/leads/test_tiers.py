"""Tier and trend vocabulary of lead scoring."""

import numpy as np
import pytest

from pyme_ai import leads
from pyme_ai.base import PymeAiError


def test_vocabulary():
    assert leads.TIERS == ("hot", "warm", "cold")
    assert leads.TRENDS == ("rising", "falling", "stable")
    assert leads.TREND_DELTA == 5
    assert leads.HOT_FACTOR == 1.5


def _addon_rule(old, score, delta=5):
    """The rule pyme_ai_crm applied before it moved to the engine."""
    old = old or 0
    if old and score - old >= delta:
        return "rising"
    if old and old - score >= delta:
        return "falling"
    return "stable"


def test_score_trend_follows_the_former_addon_rule():
    previous = [None, 0, 50, 50, 50, 50, 50, 50, 1, 100]
    current = [90, 90, 55, 54, 45, 46, 50, 99, 100, 1]
    trend = leads.score_trend(previous, current)
    assert trend.tolist() == [
        _addon_rule(p, c) for p, c in zip(previous, current, strict=True)
    ]
    assert trend.tolist() == [
        "stable",
        "stable",
        "rising",
        "stable",
        "falling",
        "stable",
        "stable",
        "rising",
        "rising",
        "falling",
    ]
    assert all(type(code) is str for code in trend)
    assert set(trend) <= set(leads.TRENDS)


def test_score_trend_delta_and_inputs():
    assert leads.score_trend([10], [12], delta=2).tolist() == ["rising"]
    assert leads.score_trend(np.array([10.0]), np.array([12]), delta=3).tolist() == [
        "stable"
    ]
    assert leads.score_trend([], []).tolist() == []
    with pytest.raises(PymeAiError, match="2 previous scores for 1"):
        leads.score_trend([1, 2], [3])


def test_tiers_and_thresholds():
    assert leads.tiers_for([80, 79, 50, 49, 1], {"hot": 80, "warm": 50}) == [
        "hot",
        "warm",
        "warm",
        "cold",
        "cold",
    ]
    assert leads.fixed_thresholds(70, 40) == {"hot": 70, "warm": 40}
    assert leads.fixed_thresholds("70", "40") == {"hot": 70, "warm": 40}
    assert leads.fixed_thresholds(0, 40) is None
    assert leads.fixed_thresholds(None, None) is None
    # from the win rate: warm as likely as the average deal, hot 1.5 x that
    assert leads.rate_thresholds(0.36) == {"hot": 54, "warm": 36}
    assert leads.rate_thresholds(0.10) == {"hot": 15, "warm": 10}
    # at most halfway to certainty, and always 1 <= warm < hot <= 99
    assert leads.rate_thresholds(0.70) == {"hot": 85, "warm": 70}
    assert leads.rate_thresholds(0.0) == {"hot": 2, "warm": 1}
    assert leads.rate_thresholds(1.0) == {"hot": 99, "warm": 98}
