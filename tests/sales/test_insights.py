"""Plain-language insights (pyme_ai.sales.insights)."""

import json
import math
from datetime import date, timedelta

import pytest

from pyme_ai.sales import (
    salesperson_activity_insights,
    source_insights,
    stage_stall_insights,
)


def _rows(groups):
    """groups: (label, n, won) -> (labels, won flags)."""
    labels, won = [], []
    for label, n, w in groups:
        labels += [label] * n
        won += [True] * w + [False] * (n - w)
    return labels, won


def test_source_insights_hand_computed():
    sources, won = _rows([("Website", 40, 20), ("Phone", 60, 12), ("Fair", 5, 5)])
    sources.append("Website")
    won.append(None)  # open deal: ignored
    findings = source_insights(sources, won, min_n=20)
    assert [f["code"] for f in findings] == ["source_wins_more", "source_wins_less"]
    web, phone = findings
    # Website 20/40 vs rest 17/65; pooled 37/105
    pooled = 37 / 105
    z = (0.5 - 17 / 65) / math.sqrt(pooled * (1 - pooled) * (1 / 40 + 1 / 65))
    assert web["params"] == {
        "source": "Website",
        "win_rate": 0.5,
        "won": 20,
        "n": 40,
        "rest_win_rate": round(17 / 65, 4),
        "rest_won": 17,
        "rest_n": 65,
        "overall_rate": round(37 / 105, 4),
        "lift": round(0.5 / (17 / 65), 3),
        "z": round(z, 3),
        "p_value": pytest.approx(math.erfc(z / math.sqrt(2)), abs=1e-5),
    }
    assert web["sample_size"] == 105
    assert web["text_en"] == (
        "Deals from Website win more: 50% won (20 of 40) vs 26% for other sources "
        "(17 of 65)."
    )
    assert phone["params"]["source"] == "Phone"
    assert phone["params"]["win_rate"] == 0.2 and phone["params"]["z"] < -1.96
    # Fair (5 of 5 won) is never mentioned: below the minimum sample
    assert all(f["params"]["source"] != "Fair" for f in findings)
    json.dumps(findings)


def test_source_insights_minimum_sample_and_significance():
    sources, won = _rows([("Website", 40, 20), ("Phone", 60, 12), ("Fair", 5, 5)])
    assert source_insights(sources, won, min_n=50) == []
    # a small, non-significant difference says nothing
    sources, won = _rows([("A", 50, 16), ("B", 50, 14)])
    assert source_insights(sources, won) == []
    assert source_insights([], []) == []


def _intervals(stage, n, days):
    start = date(2024, 1, 1)
    return [
        (f"{stage}{i}", stage, start, start + timedelta(days=days)) for i in range(n)
    ]


def test_stage_stall_insights():
    rows = (
        _intervals("New", 20, 2)
        + _intervals("Qualified", 20, 4)
        + _intervals("Proposal", 20, 20)
        + _intervals("Legal", 3, 100)  # too few to speak about
        + [("x", "Proposal", date(2024, 1, 1), None)]  # still open
    )
    findings = stage_stall_insights(rows, min_n=20, min_ratio=1.5)
    # 63 finished intervals, overall median 4 days; Proposal 20 / 4 = 5x
    assert findings == [
        {
            "code": "stage_stalls",
            "params": {
                "stage": "Proposal",
                "median_days": 20.0,
                "overall_median_days": 4.0,
                "ratio": 5.0,
                "n": 20,
                "overall_n": 63,
            },
            "sample_size": 63,
            "text_en": "Deals stall in stage Proposal: median 20 days there vs 4 days "
            "per stage overall (20 deals).",
        }
    ]
    assert stage_stall_insights(rows, min_n=21) == []
    assert stage_stall_insights([]) == []


def test_salesperson_activity_insights():
    people, types, won = [], [], []
    for person, kind, n, w in [
        ("Ana", "meeting", 12, 9),
        ("Ana", "call", 12, 3),
        ("Luis", "meeting", 5, 5),  # too few meetings
        ("Luis", "call", 30, 6),
    ]:
        people += [person] * n
        types += [kind] * n
        won += [True] * w + [False] * (n - w)
    people.append("Ana")
    types.append(None)  # no first activity: ignored
    won.append(True)
    findings = salesperson_activity_insights(people, types, won, min_n=10)
    # Ana: 9/12 vs 3/12, pooled 0.5 -> z = 0.5 / sqrt(0.25 * 2 / 12) = 2.449
    assert len(findings) == 1
    (f,) = findings
    assert f["code"] == "salesperson_activity_wins_more"
    assert f["sample_size"] == 24
    assert f["params"] == {
        "salesperson": "Ana",
        "activity_type": "meeting",
        "win_rate": 0.75,
        "won": 9,
        "n": 12,
        "other_win_rate": 0.25,
        "other_won": 3,
        "other_n": 12,
        "lift": 3.0,
        "z": 2.449,
        "p_value": pytest.approx(math.erfc(2.4495 / math.sqrt(2)), abs=1e-4),
    }
    assert f["text_en"].startswith("Ana wins more when the first activity is a meeting")
    assert salesperson_activity_insights(people, types, won, min_n=13) == []
