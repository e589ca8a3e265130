"""Revenue forecast and backtest (pyme_ai.sales.forecast)."""

import json
from datetime import date, timedelta

import numpy as np
import pytest

from pyme_ai.sales import (
    ClosingDistribution,
    InsufficientHistoryError,
    backtest_forecast,
    forecast_revenue,
)

NOW = date(2024, 5, 10)


def test_certain_deal_gives_exact_revenue():
    closing = ClosingDistribution.fit([5] * 20)  # always closes 5 days later
    deals = [{"amount": 1000, "probability": 1.0, "age_days": 0, "team": "A"}]
    out = forecast_revenue(deals, closing, now=NOW, group_by=("team",))
    this, nxt = out["months"]
    assert this == {
        "month": "2024-05",
        "start": "2024-05-01",
        "mean": 1000.0,
        "low": 1000.0,
        "high": 1000.0,
    }
    assert (nxt["month"], nxt["mean"], nxt["low"], nxt["high"]) == ("2024-06", 0, 0, 0)
    assert out["groups"]["team"][0]["months"][0]["mean"] == 1000.0
    json.dumps(out)


def test_close_date_falls_in_next_month():
    closing = ClosingDistribution.fit([10] * 20)
    deals = [{"amount": 300, "probability": 1.0, "reference_date": date(2024, 5, 20)}]
    # created May 20, now May 25 (age 5) -> closes May 30: this month
    out = forecast_revenue(deals, closing, now=date(2024, 5, 25), group_by=())
    assert [m["mean"] for m in out["months"]] == [300.0, 0.0]
    # created May 24, now May 25 (age 1) -> closes June 3: next month
    deals[0]["reference_date"] = date(2024, 5, 24)
    out = forecast_revenue(deals, closing, now=date(2024, 5, 25), group_by=())
    assert [m["mean"] for m in out["months"]] == [0.0, 300.0]
    assert out["months"][1]["low"] == out["months"][1]["high"] == 300.0


def test_half_probability_deals_mean_and_interval():
    closing = ClosingDistribution.fit([3] * 20)
    deals = [
        {
            "amount": 1000,
            "probability": 0.5,
            "age_days": 0,
            "team": "A",
            "salesperson": 1,
        },
        {
            "amount": 400,
            "probability": 0.5,
            "age_days": 0,
            "team": "B",
            "salesperson": 1,
        },
    ]
    out = forecast_revenue(deals, closing, now=NOW, n_sims=2000, seed=3)
    month = out["months"][0]
    assert month["mean"] == 0.5 * 1000 + 0.5 * 400
    assert month["low"] <= month["mean"] <= month["high"]
    # outcomes are 0, 400, 1000, 1400 with probability 1/4 each
    assert month["low"] == 0.0 and month["high"] == 1400.0
    teams = {g["value"]: g["months"][0] for g in out["groups"]["team"]}
    assert teams["A"]["mean"] == 500.0 and teams["B"]["mean"] == 200.0
    assert teams["A"]["high"] == 1000.0 and teams["B"]["low"] == 0.0
    (person,) = out["groups"]["salesperson"]
    assert person["value"] == 1 and person["n_deals"] == 2
    assert person["months"][0]["mean"] == 700.0
    # same seed, same numbers
    assert forecast_revenue(deals, closing, now=NOW, n_sims=2000, seed=3) == out


def test_simulation_agrees_with_exact_mean():
    rng = np.random.default_rng(0)
    closing = ClosingDistribution.fit(rng.integers(1, 60, 200).tolist())
    deals = [
        {"amount": float(a), "probability": float(p), "age_days": float(g)}
        for a, p, g in zip(
            rng.uniform(100, 5000, 300),
            rng.uniform(0, 1, 300),
            rng.integers(0, 90, 300),
            strict=True,
        )
    ]
    out = forecast_revenue(deals, closing, now=NOW, months=3, n_sims=2000, group_by=())
    for m in out["months"]:
        assert m["low"] <= m["mean"] <= m["high"]
    # check the expectation by brute force with a separate simulation
    sims = np.zeros(3)
    r = np.random.default_rng(1)
    remaining = closing.sample_remaining(
        [d["age_days"] for d in deals], [None] * 300, r, 4000
    )
    bounds = np.array([22, 52, 83])  # May 10 -> Jun 1, Jul 1, Aug 1
    month = np.searchsorted(bounds, remaining, side="right")
    win = (
        r.random(remaining.shape) < np.array([d["probability"] for d in deals])[:, None]
    )
    amounts = np.array([d["amount"] for d in deals])[:, None]
    for k in range(3):
        sims[k] = (amounts * win * (month == k)).sum(axis=0).mean()
    for k in range(3):
        assert sims[k] == pytest.approx(out["months"][k]["mean"], rel=0.03)


def test_conditional_remaining_days():
    closing = ClosingDistribution.fit(list(range(1, 21)), min_tail=5)
    # age 15: past durations 16..20 remain -> residuals 1..5, P(< 3 days) = 2/5
    # age 18: only 19, 20 exceed it (< min_tail) -> treated as age 16 (5th longest):
    #         residuals 0..4, P(< 3 days) = 3/5
    probs = closing.prob_before([15, 18, 0], [None] * 3, [3, 100])
    assert probs.tolist() == [[0.4, 1.0], [0.6, 1.0], [0.1, 1.0]]
    rng = np.random.default_rng(0)
    draws = closing.sample_remaining([15, 18], [None, None], rng, 500)
    assert set(np.unique(draws[0])) == {1.0, 2.0, 3.0, 4.0, 5.0}
    assert set(np.unique(draws[1])) == {0.0, 1.0, 2.0, 3.0, 4.0}


def test_per_key_distribution_with_fallback_and_roundtrip():
    closing = ClosingDistribution.fit(
        [2] * 20 + [40] * 20 + [1] * 3,
        ["Proposal"] * 20 + ["New"] * 20 + ["Rare"] * 3,
        min_samples=20,
    )
    assert set(closing.by_key) == {"Proposal", "New"}
    probs = closing.prob_before([0, 0, 0], ["Proposal", "New", "Rare"], [10])
    # Rare falls back to overall: 23 of 43 durations are < 10 days
    assert probs[:, 0].tolist() == [1.0, 0.0, pytest.approx(23 / 43)]
    again = ClosingDistribution.from_dict(json.loads(json.dumps(closing.to_dict())))
    assert np.array_equal(
        again.prob_before([0, 0, 0], ["Proposal", "New", "Rare"], [10]), probs
    )


def test_insufficient_history():
    with pytest.raises(InsufficientHistoryError):
        ClosingDistribution.fit([5] * 19, min_samples=20)
    with pytest.raises(InsufficientHistoryError):
        ClosingDistribution.fit([None, -3] + [5] * 18, min_samples=19)


def test_no_open_deals():
    out = forecast_revenue([], ClosingDistribution.fit([5] * 20), now=NOW)
    assert [m["mean"] for m in out["months"]] == [0.0, 0.0]
    assert out["groups"] == {"team": [], "salesperson": []}


def _backtest_deals():
    jan = date(2024, 1, 1)
    history = [
        {"created": jan, "closed": jan + timedelta(days=10), "won": True, "amount": 1,
         "probability": 1.0}
        for _ in range(20)
    ]  # fmt: skip
    return history + [
        # open on Mar 1, age 4 -> closes Mar 7 for sure
        {"created": date(2024, 2, 26), "closed": date(2024, 3, 7), "won": True,
         "amount": 100, "probability": 1.0},
        # open on Mar 1, p = 0.5, lost
        {"created": date(2024, 2, 27), "closed": date(2024, 3, 10), "won": False,
         "amount": 200, "probability": 0.5},
        # created during March: not forecast, only in actual_all
        {"created": date(2024, 3, 5), "closed": date(2024, 3, 20), "won": True,
         "amount": 50, "probability": 0.9},
        # still open
        {"created": date(2024, 2, 20), "closed": None, "won": False, "amount": 0,
         "probability": 0.1},
    ]  # fmt: skip


def test_backtest_hand_computed():
    out = backtest_forecast(_backtest_deals(), [date(2024, 1, 15), date(2024, 3, 31)])
    jan, mar = out["months"]
    assert jan == {"month": "2024-01", "skipped": "insufficient_history"}
    assert mar == {
        "month": "2024-03",
        "n_open": 3,
        "mean": 200.0,  # 100 * 1 + 200 * 0.5 (+ 0 * 0.1)
        "low": 100.0,
        "high": 300.0,
        "actual": 100.0,
        "actual_all": 150.0,
        "abs_error": 100.0,
        "ape": 1.0,
        "covered": True,
    }
    assert (out["n_months"], out["mae"], out["mape"], out["coverage"]) == (
        1,
        100.0,
        1.0,
        1.0,
    )
    json.dumps(out)


def test_backtest_without_history():
    out = backtest_forecast(_backtest_deals(), [date(2024, 1, 1)])
    assert out["n_months"] == 0 and out["mae"] is None and out["coverage"] is None
