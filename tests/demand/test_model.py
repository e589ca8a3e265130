"""Demand forecasts end to end: estimator API, calibration, per-item choice,
stock-outs."""

import datetime as dt
import math
import pickle

import numpy as np
import pytest

from pyme_ai import evaluation
from pyme_ai.demand import (
    DemandError,
    DemandModel,
    evaluate,
    forecast,
    history_from_matrix,
    holdout_evaluation,
    parse_incoming,
    stockout,
)
from pyme_ai.demand.model import score_rows
from pyme_ai.demand.sample import generate, generate_matrix
from pyme_ai.training import TrainingResult


@pytest.fixture(scope="module")
def sample_result():
    items, dates, qty = generate(n_items=240, n_days=240, seed=3)
    data = {"items": items, "dates": dates, "quantities": qty}
    return evaluate(data, freq="D", horizon=14, quantiles=(0.5, 0.9, 0.95))


def _poisson_cdf(k, lam):
    return sum(math.exp(-lam) * lam**i / math.factorial(i) for i in range(int(k) + 1))


def _poisson_quantile(q, lam):
    k = 0
    while _poisson_cdf(k, lam) < q:
        k += 1
    return k


# --------------------------------------------------------------------------- fit API
def test_fit_returns_a_training_result_with_honest_metrics(sample_result):
    res = sample_result
    assert isinstance(res, TrainingResult)
    assert res.primary_metric == "rmsse" and res.higher_is_better is False
    assert 0 < res.score < 2
    assert res.metrics["n_items"] > 200
    methods = res.report["methods"]
    assert {"ma3", "ses", "croston", "sba", "tsb", "snaive", "pooled"} <= set(methods)
    assert all(0 <= row["coverage_0.9"] <= 1 for row in methods.values())
    assert res.report["selection"] == "learnt"  # enough items for the learnt choice
    assert sum(res.report["demand_classes"].values()) == 240


def test_model_is_small_picklable_and_forecasts(sample_result):
    model = sample_result.model
    blob = pickle.dumps(model)
    assert len(blob) < 100_000
    again = pickle.loads(blob)
    out = again.forecast(horizon=10, quantiles=(0.5, 0.9))
    assert out["step_mean"].shape == (240, 10)
    assert np.allclose(out["cum_mean"], np.cumsum(out["step_mean"], axis=1))
    q50, q90 = out["cum_quantiles"][0.5], out["cum_quantiles"][0.9]
    assert (q50 >= 0).all() and (q90 >= q50).all()
    assert (np.diff(q90, axis=1) >= 0).all()  # cumulative: never decreases over steps
    assert str(out["dates"][0, 0]) == "2025-01-01"  # sample history ends 2024-12-31
    assert set(out["method"]) <= set(sample_result.report["methods"]) | {"none"}


def test_forecast_records_for_the_adapter_and_date_types_agree():
    items, dates, qty = generate(n_items=12, n_days=120, seed=5)
    as_dates = [d.item() for d in dates]
    rec_np = forecast(items, dates, qty, "W", horizon=4, quantiles=(0.5, 0.9))
    rec_py = forecast(
        items.tolist(), as_dates, qty.tolist(), "W", horizon=4, quantiles=(0.5, 0.9)
    )
    assert rec_np == rec_py
    first = rec_np[0]
    assert set(first) == {
        "item",
        "method",
        "demand_class",
        "rmsse",
        "mean",
        "dates",
        "cum_mean",
        "cum_quantiles",
        "mean_daily",
    }
    assert len(first["mean"]) == 4 and isinstance(first["dates"][0], dt.date)
    assert first["dates"][0].weekday() == 0  # weekly periods start on Monday
    assert first["mean_daily"] == pytest.approx(sum(first["mean"]) / 28)


def test_bad_arguments_give_clear_errors():
    items, dates, qty = generate(n_items=3, n_days=60, seed=1)
    data = {"items": items, "dates": dates, "quantities": qty}
    with pytest.raises(DemandError, match="positive whole number"):
        DemandModel(freq="D", horizon=-3).fit(data)
    with pytest.raises(DemandError, match="between 0 and 1"):
        evaluate(data, freq="D", horizon=7, quantiles=(0.5, 1.2))


def test_row_metrics_agree_with_the_shared_evaluation_module():
    rng = np.random.default_rng(0)
    hist = rng.poisson(3, (5, 20)).astype(float)
    actual = rng.poisson(3, (5, 6)).astype(float)
    fc = rng.uniform(1, 5, (5, 6))
    cum_q = np.cumsum(fc, axis=1)[:, -1][None, :] * np.array([[0.8], [1.3]])
    mse = np.mean(np.diff(hist, axis=1) ** 2, axis=1)
    mae = np.mean(np.abs(np.diff(hist, axis=1)), axis=1)
    row = score_rows(actual, fc, cum_q, (0.5, 0.9), mse, mae)
    assert row["rmsse"] == pytest.approx(
        np.mean([evaluation.rmsse_error(actual[i], fc[i], hist[i]) for i in range(5)])
    )
    assert row["mase"] == pytest.approx(
        np.mean([evaluation.mase_error(actual[i], fc[i], hist[i]) for i in range(5)])
    )
    total = actual.sum(axis=1)
    assert row["coverage_0.9"] == pytest.approx(np.mean(total <= cum_q[1]))
    by_hand = [
        max(0.5 * (t - q), -0.5 * (t - q)) / (6 * m)
        for t, q, m in zip(total, cum_q[0], mae, strict=True)
    ]
    assert row["pinball_0.5"] == pytest.approx(np.mean(by_hand))


# --------------------------------------------------------------------------- quality
def test_quantiles_are_calibrated_on_poisson_demand():
    rng = np.random.default_rng(7)
    rates = rng.lognormal(0.0, 1.0, 400) * 0.5
    values = rng.poisson(rates[:, None], (400, 180)).astype(float)
    history = history_from_matrix(
        [f"p{i}" for i in range(400)], values, "D", np.full(400, 19_000)
    )
    report = holdout_evaluation(history, 14, (0.5, 0.9))
    assert report["n_items"] > 350
    assert report["choice"]["coverage_0.9"] == pytest.approx(0.9, abs=0.04)
    assert report["choice"]["coverage_0.5"] == pytest.approx(0.5, abs=0.1)


def test_per_item_choice_beats_odoo_style_average_on_mixed_demand():
    names, values = generate_matrix(300, 400, seed=11)
    history = history_from_matrix(names, values, "D", np.full(300, 19_000))
    report = holdout_evaluation(history, 28, (0.9,))
    assert report["selection"] == "learnt"
    assert report["choice"]["rmsse"] < report["methods"]["ma3"]["rmsse"]
    assert report["choice"]["rmsse"] < report["methods"]["naive"]["rmsse"]


def test_seasonal_naive_is_chosen_for_strong_weekday_patterns():
    rng = np.random.default_rng(4)
    weekday = np.array([20, 20, 20, 20, 20, 0, 0], dtype=float)
    days = np.arange(210)
    values = rng.poisson(weekday[days % 7][None, :] * np.ones((30, 1)))
    history = history_from_matrix(
        [f"s{i}" for i in range(30)], values.astype(float), "D", np.full(30, 19_000)
    )
    model = DemandModel(horizon=14).fit(history)
    assert model.kind == "demand_forecast" and model.freq_ == "D"
    assert (model.method_ == "snaive").mean() > 0.8
    assert model.step_means(7)[0, 5:].tolist() == [0, 0]  # weekend after a Friday end


def test_an_intermittent_minority_is_judged_among_its_own_class():
    """Shrinkage toward the backtest errors of the item's demand class: a dozen
    intermittent products beside 60 smooth ones get an intermittent method."""
    rng = np.random.default_rng(5)
    smooth = rng.poisson(rng.uniform(8, 25, (60, 1)), (60, 104)).astype(float)
    sizes = rng.choice([2.0, 3.0, 4.0], (12, 1))
    intermittent = np.where(rng.random((12, 104)) < 0.25, sizes, 0.0)
    values = np.vstack([smooth, intermittent])
    names = [f"s{i}" for i in range(60)] + [f"i{i}" for i in range(12)]
    history = history_from_matrix(names, values, "W", np.full(72, 2800))
    model = DemandModel(horizon=4).fit(history)
    assert model.info_["selection"] == "shrinkage"
    assert set(model.demand_class_[60:]) <= {"intermittent", "lumpy"}
    chosen = model.method_[60:].tolist()
    assert sum(m in ("croston", "sba", "tsb") for m in chosen) >= 9, chosen
    assert not set(model.method_[:60]) & {"croston", "sba", "tsb"}


def test_few_items_fall_back_to_shrinkage_and_empty_items_get_none():
    names, values = generate_matrix(20, 200, seed=2)
    values[0] = 0
    history = history_from_matrix(names, values, "D", np.full(20, 19_000))
    res = evaluate(history, horizon=14)
    assert res.report["selection"] == "shrinkage"
    assert res.model.method_[0] == "none" and res.model.demand_class_[0] == "none"
    out = res.model.forecast()
    assert out["cum_mean"][0, -1] == 0 and out["cum_quantiles"][0.95][0, -1] == 0


# --------------------------------------------------------------------------- stock-out
def test_stockout_hand_computed_poisson_case():
    model = DemandModel.constant(["a", "b", "c"], 2.0, "D", first_day="2024-01-01")
    receipts = [
        [(dt.date(2024, 1, 9), 20)],  # day 8: after the 7-day lead time
        [],
        [(dt.date(2024, 1, 5), 20)],  # day 4: within the lead time
    ]
    rows = stockout(model, ["a", "b", "c"], [10, 10, 10], 7, receipts, 0.95, 7)
    a, b, c = rows
    # 2 a day from 10 on hand: more likely out than not from day 6 (P(Poisson(12)
    # > 10) = 0.65; on day 5 P(Poisson(10) > 10) = 0.42); cover is the same day
    assert a["stockout_date"] == dt.date(2024, 1, 7) and a["days_to_stockout"] == 6
    assert a["days_of_cover"] == 6
    # demand over 7 days ~ Poisson(14); only the 10 on hand arrive in time
    assert a["stockout_probability"] == pytest.approx(
        1 - _poisson_cdf(10, 14), abs=1e-9
    )
    assert a["reorder_point"] == _poisson_quantile(0.95, 14) == 20
    assert a["max_level"] == 20 + 14
    assert a["inventory_position"] == 30 and a["order_qty"] == 0  # 30 > 20: no order
    assert b["order_qty"] == 34 - 10
    # the receipt on day 4 lifts the stock to 30: likely out from day 16
    # (P(Poisson(32) > 30) = 0.59); the riskiest day of the lead time is the last one
    # before the receipt, day 3 (P(Poisson(6) > 10))
    assert c["days_to_stockout"] == 16
    assert c["stockout_probability"] == pytest.approx(1 - _poisson_cdf(10, 6), abs=1e-9)


def test_stockout_with_today_after_the_history_and_no_demand():
    model = DemandModel.constant(["a", "z"], [1.0, 0.0], "D", first_day="2024-01-01")
    rows = model.stockout(["a", "z"], [3, 5], [2, 2], None, 0.9, 0, today="2024-01-11")
    assert rows[0]["today"] == dt.date(2024, 1, 11)
    # P(Poisson(4) > 3) = 0.57 > 1/2 > P(Poisson(3) > 3) = 0.35
    assert rows[0]["stockout_date"] == dt.date(2024, 1, 15)
    assert rows[1]["stockout_date"] is None and rows[1]["days_of_cover"] is None
    assert rows[1]["stockout_probability"] == 0 and rows[1]["order_qty"] == 0


def test_stockout_from_a_fitted_model_is_consistent(sample_result):
    model = sample_result.model
    items = model.items_[:50].tolist()
    rows = model.stockout(items, 5, 14, None, 0.95, 7)
    for r, rate in zip(rows, model.mean_daily()[:50], strict=True):
        assert 0 <= r["stockout_probability"] <= 1
        assert r["max_level"] >= r["reorder_point"] >= 0
        assert r["days_of_cover"] == r["days_to_stockout"]
        if rate > 0 and r["days_to_stockout"] is not None:
            assert r["days_to_stockout"] >= math.floor(5 / rate) - 1
    # more lead time, more demand to cover
    longer = model.stockout(items, 5, 28, None, 0.95, 7)
    assert all(
        b["reorder_point"] >= a["reorder_point"]
        for a, b in zip(rows, longer, strict=True)
    )


def test_stockout_errors_and_receipt_parsing():
    model = DemandModel.constant(["a"], 1.0, "D")
    with pytest.raises(DemandError, match="not in the model"):
        model.stockout(["nope"], 1, 1)
    with pytest.raises(DemandError, match="service_level"):
        model.stockout(["a"], 1, 1, service_level=1.5)
    assert parse_incoming("2024-05-01:10;2024-06-01:5") == [
        (dt.date(2024, 5, 1), 10.0),
        (dt.date(2024, 6, 1), 5.0),
    ]
    assert parse_incoming("") == []
    with pytest.raises(DemandError, match="YYYY-MM-DD:qty"):
        parse_incoming("tomorrow")
