"""The sales estimators: DealRiskModel and RevenueForecastModel (fit/predict,
evaluate), with numbers small enough to check by hand."""

import pickle
from datetime import date, datetime, timedelta

import pytest

from pyme_ai.base import NotFittedError, PymeAiError, check_kind
from pyme_ai.sales import (
    DealRiskModel,
    InsufficientHistoryError,
    InvalidPhoneError,
    RevenueForecastModel,
    evaluate_deal_risk,
    evaluate_revenue_forecast,
    usable_intervals,
)
from pyme_ai.training import TrainingResult

NOW = datetime(2026, 3, 1, 12)
T0 = datetime(2026, 1, 1, 9)


def _risk_history():
    """6 deals: 2 days in New, 10 in Proposal, then Won (still there); 20 leads
    lost in New right after creation; one deal moved on after 10 days in New and
    sits in Proposal since 30 days before NOW. First contacts: web on Tuesday
    9:00 (16 of 20 won), call on Thursday 15:00 (4 of 20), fair on Wednesday 15:00
    (8 of 10) and Monday 9:00 (2 of 10)."""
    day = timedelta(days=1)
    intervals = []
    for lead in range(6):
        intervals += [
            (lead, "New", T0, T0 + 2 * day),
            (lead, "Proposal", T0 + 2 * day, T0 + 12 * day),
            (lead, "Won", T0 + 12 * day, None),
        ]
    intervals += [(100 + i, "New", T0, T0 + day / 24) for i in range(20)]
    stuck = NOW - 30 * day
    intervals += [(50, "New", stuck - 10 * day, stuck), (50, "Proposal", stuck, None)]

    def contacts(group, when, n, won):
        return [(group, when, i < won) for i in range(n)]

    history = contacts("web", datetime(2026, 1, 6, 9), 20, 16)  # Tuesday
    history += contacts("call", datetime(2026, 1, 8, 15), 20, 4)  # Thursday
    history += contacts("fair", datetime(2026, 1, 7, 15), 10, 8)  # Wednesday
    history += contacts("fair", datetime(2026, 1, 5, 9), 10, 2)  # Monday
    return {"intervals": intervals, "contacts": history}


def test_usable_intervals_drop_stays_ended_by_closing():
    rows = [
        (1, "New", T0, T0 + timedelta(days=1)),
        (1, "Proposal", T0 + timedelta(days=1), T0 + timedelta(days=5)),  # lost
        (2, "New", T0, None),
        (3, "New", T0, T0 + timedelta(hours=1)),  # lost right away
    ]
    assert usable_intervals(rows) == [rows[0], rows[2]]
    # the order of the rows does not matter
    assert usable_intervals(rows[::-1]) == [rows[2], rows[0]]


def test_deal_risk_model_fit_and_predict():
    model = DealRiskModel(min_samples=5, min_events=20).fit(_risk_history())
    stages = model.durations_["stages"]
    # Proposal: 6 x 10 days; New: 6 x 2 days and the stuck deal's 10 days
    # (p75 of [2, 2, 2, 2, 2, 2, 10] = 2); the 20 leads lost in New do not count
    assert stages["Proposal"] == {"n": 6, "median_days": 10.0, "usual_days": 10.0}
    assert stages["New"] == {"n": 7, "median_days": 2.0, "usual_days": 2.0}
    assert "Won" not in stages  # never left
    counts = {"stage_periods": 13, "stages_learnt": 2, "first_contacts": 60}
    counts["contact_segments"] = 2
    assert {key: model.metrics_[key] for key in counts} == counts
    # overall: 30 of 60 won; Tuesday 8-11 (16 + 10 x 0.5) / (20 + 10) = 0.7
    best = model.best_contact()
    assert (best["weekday_code"], best["band"], best["rate"]) == ("tue", [8, 11], 0.7)
    # fair alone: 10 of 20 won; Wednesday 14-17 (8 + 10 x 0.5) / (10 + 10) = 0.65
    fair = model.best_contact("fair")
    assert (fair["weekday_code"], fair["band"], fair["rate"]) == ("wed", [14, 17], 0.65)
    # web and call have a single cell each (no better than their own rate)
    assert model.best_contact("web") == best == model.best_contact("unknown")

    deals = [
        {"id": 1, "stage": "Proposal", "stage_entered": NOW - timedelta(days=30)},
        {"id": 2, "stage": "Proposal", "stage_entered": NOW - timedelta(days=9),
         "score": 50, "previous_score": 70, "has_next_activity": True},
        {"id": 3, "stage": "New", "stage_entered": NOW - timedelta(days=1),
         "has_next_activity": False},
    ]  # fmt: skip
    # no closed deals at their moment: no risk learnt, nothing flagged
    out = model.predict(deals, now=NOW)
    assert [r["id"] for r in out] == [1, 2, 3]  # by days in stage
    assert all(r["risk"] is None and not r["at_risk"] for r in out)
    assert model.metrics_["closed_deals"] == 0 and model.metrics_["lift"] is None


def test_deal_risk_evaluate_and_protocol():
    result = evaluate_deal_risk(_risk_history(), min_samples=5, min_events=20)
    assert isinstance(result, TrainingResult)
    # the primary metric is the backtest's lift (tests/sales/test_risk.py)
    assert (result.primary_metric, result.score, result.n_rows) == ("lift", None, 0)
    assert result.metrics["stages_learnt"] == 2
    assert result.report["durations"]["stages"]["Proposal"]["usual_days"] == 10.0
    assert result.report["contact"]["by_group"]["fair"]["weekday_code"] == "wed"
    model = check_kind(pickle.loads(pickle.dumps(result.model)), "deal_risk")
    assert model.best_contact("fair")["band"] == [14, 17]
    with pytest.raises(NotFittedError):
        DealRiskModel().predict([], now=NOW)


def _forecast_history():
    """20 deals won and 20 lost 10 days after their creation on 2024-01-01 (amount
    1); A (100) created 2024-02-26 and won 2024-03-07, B (200) created 2024-02-27
    and lost 2024-03-10; C still open. Win rate of the closed deals: 21 of 42."""
    jan = date(2024, 1, 1)
    deals = [
        {"created": jan, "closed": jan + timedelta(days=10), "won": won, "amount": 1}
        for won in [True] * 20 + [False] * 20
    ]
    return deals + [
        {"created": date(2024, 2, 26), "closed": date(2024, 3, 7), "won": True,
         "amount": 100},
        {"created": date(2024, 2, 27), "closed": date(2024, 3, 10), "won": False,
         "amount": 200},
        {"created": date(2024, 3, 20), "closed": None, "won": False, "amount": 50},
    ]  # fmt: skip


def test_revenue_forecast_model_backtest_by_hand():
    """Backtest of February and March 2024 (now: April): every won deal closes 10
    days after creation, every past deal gets the 0.5 win rate. February has no
    deal open on Feb 1 (error 0). On Mar 1, A (4 days old) and B (3 days old)
    close on Mar 7 and 8: forecast 0.5 x 100 + 0.5 x 200 = 150, interval 0-300,
    won 100 (A): error 50, 50 %. MAE 25, MAPE 0.5 (months with won revenue only),
    both months covered."""
    model = RevenueForecastModel(backtest_months=2).fit(
        _forecast_history(), now=date(2024, 4, 10)
    )
    feb, mar = model.backtest_["months"]
    assert (feb["month"], feb["n_open"], feb["mean"], feb["actual"]) == (
        "2024-02",
        0,
        0.0,
        0.0,
    )
    assert feb["ape"] is None and feb["covered"] is True
    assert mar == {
        "month": "2024-03",
        "n_open": 2,
        "mean": 150.0,
        "low": 0.0,
        "high": 300.0,
        "actual": 100.0,
        "actual_all": 100.0,
        "abs_error": 50.0,
        "ape": 0.5,
        "covered": True,
    }
    assert model.metrics_ == {
        "backtest_mape": 0.5,
        "backtest_mae": 25.0,
        "backtest_coverage": 1.0,
        "backtest_months": 2,
        "won_deals": 21,
    }


def test_revenue_forecast_model_predict():
    model = RevenueForecastModel(group_by=("team",)).fit(
        _forecast_history(), now=date(2024, 4, 10)
    )
    # 5 days old, closes 10 days after creation: Apr 15; 40 % of 1000 in April
    deal = {"amount": 1000, "probability": 0.4, "reference_date": date(2024, 4, 5),
            "team": "A"}  # fmt: skip
    out = model.predict([deal], now=date(2024, 4, 10))
    april, may = out["months"]
    assert (april["month"], april["mean"], april["low"], april["high"]) == (
        "2024-04",
        400.0,
        0.0,
        1000.0,
    )
    assert (may["month"], may["mean"]) == ("2024-05", 0.0)
    assert out["groups"]["team"][0]["months"][0]["mean"] == 400.0


def test_revenue_forecast_evaluate_and_errors():
    result = evaluate_revenue_forecast(
        _forecast_history(), now=date(2024, 4, 10), backtest_months=2
    )
    assert (result.primary_metric, result.higher_is_better, result.score) == (
        "backtest_mape",
        False,
        0.5,
    )
    assert result.n_rows == 43 and result.report["backtest"]["n_months"] == 2
    assert check_kind(result.model, "revenue_forecast") is result.model
    with pytest.raises(InsufficientHistoryError, match="at least 22 needed"):
        RevenueForecastModel(min_samples=22).fit(_forecast_history(), now=NOW)
    # every engine error is a PymeAiError (and still a ValueError)
    assert issubclass(InsufficientHistoryError, PymeAiError)
    assert issubclass(InvalidPhoneError, PymeAiError)
    with pytest.raises(NotFittedError):
        RevenueForecastModel().predict([], now=NOW)
