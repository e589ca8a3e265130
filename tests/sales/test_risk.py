"""Deals at risk (pyme_ai.sales.risk)."""

import json
from datetime import date, datetime, timedelta

from pyme_ai.sales import deals_at_risk, learn_stage_durations

NOW = datetime(2024, 6, 1, 12, 0)


def _intervals():
    start = date(2024, 1, 1)
    rows = [
        (i, "Proposal", start, start + timedelta(days=d))
        for i, d in enumerate([10, 12, 14, 16, 18, 20])
    ]
    rows += [
        (10 + i, "New", start, start + timedelta(days=d))
        for i, d in enumerate([1, 2, 3])
    ]
    rows.append((20, "Proposal", start, None))  # still open: ignored
    rows.append((21, "Proposal", start, start - timedelta(days=3)))  # negative: ignored
    return rows


def test_learn_stage_durations_median_and_quantile():
    stats = learn_stage_durations(_intervals(), quantile=0.75, min_samples=5)
    proposal = stats["stages"]["Proposal"]
    # days 10..20 step 2: median 15; p75 at position 3.75 -> 16 + 0.75 * 2 = 17.5
    assert proposal == {"n": 6, "median_days": 15.0, "usual_days": 17.5}
    # too few samples: no threshold
    assert stats["stages"]["New"] == {"n": 3, "median_days": 2.0, "usual_days": None}
    json.dumps(stats)


def test_learn_stage_durations_p90():
    stats = learn_stage_durations(_intervals(), quantile=0.9, min_samples=3)
    assert stats["stages"]["Proposal"]["usual_days"] == 19.0  # 18 + 0.5 * 2
    assert stats["stages"]["New"]["usual_days"] == 2.8


def test_deals_at_risk_reasons():
    stats = learn_stage_durations(_intervals())
    ago = lambda d: NOW - timedelta(days=d)  # noqa: E731
    deals = [
        {"id": 1, "stage": "Proposal", "stage_entered": ago(41)},
        {"id": 2, "stage": "Proposal", "stage_entered": ago(10)},
        {"id": 3, "stage": "New", "stage_entered": ago(100)},  # no threshold
        {"id": 4, "stage": "Won?", "stage_entered": ago(100)},  # unknown stage
        {"id": 5, "stage": "Proposal", "stage_entered": ago(1), "score": 40,
         "previous_score": 60},
        {"id": 6, "stage": "Proposal", "stage_entered": ago(1), "score": 50,
         "previous_score": 60},
        {"id": 7, "stage": "Proposal", "stage_entered": ago(1),
         "has_next_activity": False},
        {"id": 8, "stage": "Proposal", "stage_entered": ago(1),
         "has_next_activity": True, "next_activity_date": date(2024, 5, 29)},
        {"id": 9, "stage": "Proposal", "stage_entered": ago(1),
         "next_activity_date": date(2024, 6, 1)},
        {"id": 10, "stage": "Proposal", "stage_entered": ago(18), "score": 10,
         "previous_score": 25, "has_next_activity": False},
    ]  # fmt: skip
    out = deals_at_risk(deals, stats, now=NOW, score_drop=15)
    by_id = {r["id"]: r for r in out}
    assert [r["id"] for r in out] == list(range(1, 11))
    assert by_id[1]["reasons"] == [
        {"code": "stuck", "stage": "Proposal", "days": 41, "usual_days": 17.5,
         "median_days": 15.0}
    ]  # fmt: skip
    for i in (2, 3, 4, 6, 9):
        assert by_id[i] == {"id": i, "at_risk": False, "reasons": []}
    assert by_id[5]["reasons"] == [
        {"code": "score_drop", "score": 40.0, "previous_score": 60.0, "drop": 20.0}
    ]
    assert by_id[7]["reasons"] == [{"code": "no_next_activity"}]
    # 2024-05-29 00:00 -> 2024-06-01 12:00 = 3.5 days -> 3 whole days overdue
    assert by_id[8]["reasons"] == [{"code": "activity_overdue", "days_overdue": 3}]
    assert [r["code"] for r in by_id[10]["reasons"]] == [
        "stuck",
        "score_drop",
        "no_next_activity",
    ]
    assert all(r["at_risk"] == bool(r["reasons"]) for r in out)
    json.dumps(out)


def test_stuck_threshold_is_strict_and_configurable():
    stats = learn_stage_durations(_intervals(), quantile=0.5)  # usual = median 15
    deals = [
        {"id": "a", "stage": "Proposal", "stage_entered": date(2024, 5, 17)},  # 15 d
        {"id": "b", "stage": "Proposal", "stage_entered": date(2024, 5, 16)},  # 16 d
    ]
    out = deals_at_risk(deals, stats, now=date(2024, 6, 1))
    assert [r["at_risk"] for r in out] == [False, True]
    assert out[1]["reasons"][0]["usual_days"] == 15.0


def test_no_deals():
    assert deals_at_risk([], learn_stage_durations([]), now=NOW) == []


def test_int_stage_ids_survive_json_roundtrip():
    start = date(2024, 1, 1)
    rows = [(i, 7, start, start + timedelta(days=10)) for i in range(5)]
    stats = json.loads(json.dumps(learn_stage_durations(rows)))  # key 7 -> "7"
    deal = {"id": 1, "stage": 7, "stage_entered": date(2024, 5, 1)}
    (out,) = deals_at_risk([deal], stats, now=date(2024, 6, 1))
    assert out["reasons"] == [
        {"code": "stuck", "stage": 7, "days": 31, "usual_days": 10.0, "median_days": 10}
    ]
