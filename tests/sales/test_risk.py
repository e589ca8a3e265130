"""Deals at risk (pyme_ai.sales.risk): stage times, signals, what history says
about them, flags and the backtest."""

import json
import random
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from pyme_ai.sales import (
    RISK_SIGNALS,
    DealRiskModel,
    evaluate_deal_risk,
    history_moments,
    learn_signal_risk,
    learn_stage_durations,
    signal_table,
    stage_at,
)
from pyme_ai.sales.risk import cap_flags, flag_metrics, risk_threshold

NOW = datetime(2024, 6, 1, 12, 0)
T0 = datetime(2023, 1, 2, 9, 0)


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


def test_signal_table():
    stats = learn_stage_durations(_intervals())
    ago = lambda d: NOW - timedelta(days=d)  # noqa: E731
    deals = [
        {"stage": "Proposal", "stage_entered": ago(41)},
        {"stage": "Proposal", "stage_entered": ago(10)},
        {"stage": "New", "stage_entered": ago(100)},  # no threshold
        {"stage": "Won?", "stage_entered": ago(100)},  # unknown stage
        {"stage": "Proposal", "stage_entered": ago(1), "score": 40,
         "previous_score": 60},
        {"stage": "Proposal", "stage_entered": ago(1), "score": 50,
         "previous_score": 60},
        {"stage": "Proposal", "stage_entered": ago(1), "has_next_activity": False},
        {"stage": "Proposal", "stage_entered": ago(1), "has_next_activity": True,
         "next_activity_date": date(2024, 5, 29)},
        {"stage": "Proposal", "stage_entered": ago(1),
         "next_activity_date": date(2024, 6, 1)},
        {"stage": "Proposal", "stage_entered": ago(18), "score": 10,
         "previous_score": 25, "has_next_activity": False},
    ]  # fmt: skip
    X, detail = signal_table(deals, stats, now=NOW, score_drop=15)
    on = [[RISK_SIGNALS[j] for j in range(4) if row[j]] for row in X]
    assert on == [
        ["stuck"],
        [],
        [],
        [],
        ["score_drop"],
        [],
        ["no_next_activity"],
        ["activity_overdue"],
        [],
        ["stuck", "score_drop", "no_next_activity"],
    ]
    assert detail["days"][0] == 41
    # 2024-05-29 00:00 -> 2024-06-01 12:00 = 3.5 days -> 3 whole days overdue
    assert detail["overdue_days"][7] == 3
    # a moment per deal instead of one "now"
    X, detail = signal_table(deals[:2], stats, now=[NOW, NOW + timedelta(days=30)])
    assert X[:, 0].tolist() == [True, True]
    assert signal_table([], stats, now=NOW)[0].shape == (0, 4)


def test_stuck_threshold_is_strict_and_int_stage_ids_survive_json():
    stats = learn_stage_durations(_intervals(), quantile=0.5)  # usual = median 15
    deals = [
        {"stage": "Proposal", "stage_entered": date(2024, 5, 17)},  # 15 days
        {"stage": "Proposal", "stage_entered": date(2024, 5, 16)},  # 16 days
    ]
    X, _detail = signal_table(deals, stats, now=date(2024, 6, 1))
    assert X[:, 0].tolist() == [False, True]
    start = date(2024, 1, 1)
    rows = [(i, 7, start, start + timedelta(days=10)) for i in range(5)]
    stats = json.loads(json.dumps(learn_stage_durations(rows)))  # key 7 -> "7"
    deal = {"stage": 7, "stage_entered": date(2024, 5, 1)}
    assert signal_table([deal], stats, now=date(2024, 6, 1))[0][0, 0]


def test_history_moments_and_stage_at():
    deals = [(i, T0, T0 + timedelta(days=10)) for i in range(200)]
    deals += [(900, T0, None), (901, T0, T0 - timedelta(days=1))]
    moments = history_moments(deals)
    assert set(moments) == set(range(200))  # no closing, closed before created
    fractions = np.array([(m - T0) / timedelta(days=10) for m in moments.values()])
    assert fractions.min() >= 0 and fractions.max() < 1
    assert 0.4 < fractions.mean() < 0.6  # spread over the life
    assert history_moments(deals) == moments  # the same at every training
    intervals = [
        (1, "New", T0, T0 + timedelta(days=2)),
        (1, "Proposal", T0 + timedelta(days=2), T0 + timedelta(days=9)),
        (1, "Won", T0 + timedelta(days=9), None),
        (2, "New", T0, T0 + timedelta(days=1)),
    ]
    at = {1: T0 + timedelta(days=3), 2: T0 + timedelta(days=5)}
    assert stage_at(intervals, at) == {1: ("Proposal", T0 + timedelta(days=2))}


def _history(n=400, seed=3, activity="useless", stalls=True):
    """Closed deals: New (1-3 days), Proposal, then won (60 %) or lost.

    Planted: 70 % of the lost deals stall in Proposal (30-60 days, won deals 5-12),
    unless ``stalls`` is False. The next activity at the moment is ``useless``
    (planned for 60 % of the deals whatever their outcome), ``telling`` (missing
    for 80 % of the lost deals, 20 % of the won), ``rare`` (telling, but only 10 %
    of the deals ever have one planned) or ``unknown`` (None). Scores fall by 20
    points for a random third of the deals (useless).
    """
    rng = random.Random(seed)
    intervals, deals = [], []
    for i in range(n):
        lost = rng.random() < 0.4
        created = T0 + timedelta(days=rng.uniform(0, 300))
        entered = created + timedelta(days=rng.uniform(1, 3))
        slow = stalls and lost and rng.random() < 0.7
        end = entered + timedelta(
            days=rng.uniform(30, 60) if slow else rng.uniform(5, 12)
        )
        intervals += [(i, "New", created, entered), (i, "Proposal", entered, end)]
        if not lost:
            intervals.append((i, "Won", end, None))
        deals.append((i, lost, created, end))
    moments = history_moments([(i, c, e) for i, _lost, c, e in deals])
    closed = []
    for i, lost, _created, _end in deals:
        row = {"id": i, "lost": lost, "moment": moments[i]}
        if rng.random() < 1 / 3:
            row.update(score=40, previous_score=60)
        if activity == "useless":
            row["has_next_activity"] = rng.random() < 0.6
        elif activity == "telling":
            row["has_next_activity"] = rng.random() < (0.2 if lost else 0.8)
        elif activity == "rare":
            row["has_next_activity"] = rng.random() < (0.02 if lost else 0.15)
        else:
            row["has_next_activity"] = None
        closed.append(row)
    return {"intervals": intervals, "contacts": [], "closed": closed}


def _open_deals():
    ago = lambda d: NOW - timedelta(days=d)  # noqa: E731
    return [
        {"id": "fine", "stage": "Proposal", "stage_entered": ago(3),
         "has_next_activity": True, "next_activity_date": date(2024, 6, 3)},
        {"id": "stuck", "stage": "Proposal", "stage_entered": ago(40),
         "has_next_activity": True, "next_activity_date": date(2024, 6, 3)},
        {"id": "idle", "stage": "Proposal", "stage_entered": ago(3),
         "has_next_activity": False},
        {"id": "falling", "stage": "Proposal", "stage_entered": ago(3),
         "score": 30, "previous_score": 70, "has_next_activity": True},
        {"id": "stuck and idle", "stage": "Proposal", "stage_entered": ago(50),
         "has_next_activity": False},
    ]  # fmt: skip


def test_the_signal_that_precedes_losses_flags_the_useless_ones_do_not():
    model = DealRiskModel().fit(_history())
    risk = model.risk_
    assert list(risk["weights"]) == ["stuck"]
    stuck = risk["signals"]["stuck"]
    assert stuck["n"] >= 30 and stuck["loss_rate"] > 0.85 and stuck["low"] > 0
    # planned for 60 % of the deals: a candidate, but no better than chance
    assert risk["activities"]["used"] is True
    assert "no_next_activity" not in risk["weights"]
    assert "score_drop" not in risk["weights"]
    assert 0.35 < risk["base_rate"] < 0.45
    assert risk["threshold"] == pytest.approx(1.5 * risk["base_rate"])

    out = model.predict(_open_deals(), now=NOW)
    assert [r["id"] for r in out[:2]] == ["stuck and idle", "stuck"]  # longest first
    by_id = {r["id"]: r for r in out}
    # five deals, at most 20 % flagged: one; the other stuck deal is eligible
    assert [r["at_risk"] for r in out] == [True, False, False, False, False]
    assert by_id["stuck"]["risk"] == by_id["stuck and idle"]["risk"] > 0.85
    assert by_id["fine"]["risk"] == by_id["idle"]["risk"] < risk["base_rate"]
    (reason,) = by_id["stuck and idle"]["reasons"]
    assert reason["code"] == "stuck" and reason["days"] == 50
    assert reason["loss_rate"] == stuck["loss_rate"]
    assert reason["base_rate"] == round(risk["base_rate"], 4)
    assert [r["code"] for r in by_id["stuck"]["reasons"]] == ["stuck"]
    for key in ("idle", "falling", "fine"):
        assert by_id[key]["reasons"] == [] and not by_id[key]["at_risk"]
    # without the cap (the caller caps over all its batches) both are eligible
    uncapped = model.predict(_open_deals(), now=NOW, cap=False)
    assert sorted(r["id"] for r in uncapped if r["at_risk"]) == [
        "stuck",
        "stuck and idle",
    ]
    json.dumps(out)
    json.dumps(model.report())


def test_backtest_lift_and_capped_share():
    result = evaluate_deal_risk(_history())
    metrics = result.metrics
    assert result.primary_metric == "lift" and result.n_rows == 400
    assert metrics["closed_deals"] == 400
    assert metrics["flagged_deals"] + metrics["other_deals"] == 400
    assert metrics["flag_share"] == round(metrics["flagged_deals"] / 400, 4)
    assert 0.05 < metrics["flag_share"] <= 0.2
    assert metrics["loss_rate_flagged"] > 0.85
    assert metrics["lift"] == round(
        metrics["loss_rate_flagged"] / metrics["loss_rate_rest"], 4
    )
    assert metrics["lift"] >= 2.5
    assert metrics["signals_used"] == 1
    # a tighter cap flags fewer past deals, never more than it allows
    tight = evaluate_deal_risk(_history(), max_share=0.05).metrics
    assert tight["flagged_deals"] == 20 and tight["flag_share"] == 0.05
    assert tight["loss_rate_flagged"] >= 0.75


def test_no_signal_no_flags():
    model = DealRiskModel().fit(_history(stalls=False))
    assert model.risk_["weights"] == {}
    assert model.metrics_["flagged_deals"] == 0 and model.metrics_["lift"] is None
    assert model.metrics_["loss_rate_rest"] == model.metrics_["base_loss_rate"]
    out = model.predict(_open_deals(), now=NOW)
    assert not any(r["at_risk"] or r["reasons"] for r in out)
    assert {r["risk"] for r in out} == {round(model.risk_["base_rate"], 4)}


def test_activity_signal_only_where_the_company_plans_activities():
    telling = DealRiskModel().fit(_history(activity="telling", stalls=False))
    assert list(telling.risk_["weights"]) == ["no_next_activity"]
    out = {r["id"]: r for r in telling.predict(_open_deals(), now=NOW, cap=False)}
    assert [r["code"] for r in out["idle"]["reasons"]] == ["no_next_activity"]
    assert out["idle"]["at_risk"] and not out["stuck"]["at_risk"]
    # the same link, but few deals ever had an activity planned: not used
    rare = DealRiskModel().fit(_history(activity="rare", stalls=False))
    assert rare.risk_["activities"]["used"] is False
    assert rare.risk_["activities"]["planned_share"] < 0.3
    assert rare.risk_["weights"] == {}
    # the history does not say which activity was planned: not used either
    unknown = DealRiskModel().fit(_history(activity="unknown"))
    assert unknown.risk_["activities"] == {
        "known": 0,
        "planned_share": None,
        "used": False,
    }
    assert list(unknown.risk_["weights"]) == ["stuck"]


def test_learn_signal_risk_small_and_one_sided():
    X = np.zeros((30, 4), bool)
    X[:12, 0] = True
    lost = np.array([True] * 10 + [False] * 2 + [True] * 4 + [False] * 14)
    fitted = learn_signal_risk(X, lost, min_support=10)
    assert list(fitted["weights"]) == ["stuck"]
    assert fitted["signals"]["stuck"] == {
        "n": 12,
        "lost": 10,
        "loss_rate": 0.8333,
        "weight": fitted["signals"]["stuck"]["weight"],
        "low": fitted["signals"]["stuck"]["low"],
    }
    # rarer than min_support: not even tried
    assert learn_signal_risk(X, lost, min_support=13)["weights"] == {}
    # one outcome only: nothing to learn
    one = learn_signal_risk(X, np.ones(30, bool))
    assert one["intercept"] is None and one["base_rate"] == 1.0


def test_threshold_cap_and_metrics_by_hand():
    assert risk_threshold(0.2) == pytest.approx(0.3)
    assert risk_threshold(0.7) == pytest.approx(0.85)  # 1.05 is out of reach
    assert risk_threshold(None) is None
    eligible = [True, True, True, False, True]
    risk = [0.9, 0.9, 0.5, 0.1, 0.95]
    days = [3, 30, 40, 99, 1]
    assert cap_flags(eligible, risk, days, 0.4).tolist() == [
        False,
        True,
        False,
        False,
        True,
    ]
    assert cap_flags([False] * 3, [0.1] * 3, [1] * 3).tolist() == [False] * 3
    assert cap_flags([True], [0.9], [1]).tolist() == [True]  # at least one
    # 4 flagged (3 lost), 6 others (1 lost): 75 % vs 16.7 % -> lift 4.5
    flags = [True] * 4 + [False] * 6
    lost = [True, True, True, False, True] + [False] * 5
    assert flag_metrics(flags, lost) == {
        "lift": 4.5,
        "loss_rate_flagged": 0.75,
        "loss_rate_rest": 0.1667,
        "flag_share": 0.4,
        "flagged_deals": 4,
        "other_deals": 6,
    }
    assert flag_metrics([False] * 3, [True, False, False])["lift"] is None
